-- The team's admins: the back-office users who sign desktops in. A password is stored only
-- as its argon2id hash.
CREATE TABLE admin (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL,
    email_lower   TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    enabled       INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at    TEXT NOT NULL
) STRICT;
