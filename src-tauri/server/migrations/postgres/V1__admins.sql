-- The team's admins: the back-office users who sign desktops in. A password is stored only
-- as its argon2id hash. (The same schema as migrations/sqlite, in PostgreSQL's types.)
CREATE TABLE admin (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL,
    email_lower   TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    enabled       BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TEXT NOT NULL
);
