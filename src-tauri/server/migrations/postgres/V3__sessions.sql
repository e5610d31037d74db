-- Desktop sessions: short-lived access tokens and rotating refresh tokens, each kept only as
-- its SHA-256 hash. Times are milliseconds since the epoch.
CREATE TABLE session (
    id                    TEXT PRIMARY KEY,
    admin_id              TEXT NOT NULL REFERENCES admin (id),
    client_id             TEXT NOT NULL,
    access_hash           TEXT NOT NULL UNIQUE,
    access_expires_at     BIGINT NOT NULL,
    refresh_hash          TEXT NOT NULL UNIQUE,
    previous_refresh_hash TEXT,
    refresh_expires_at    BIGINT NOT NULL,
    revoked               BOOLEAN NOT NULL DEFAULT FALSE,
    created_at            BIGINT NOT NULL
);
CREATE INDEX session_by_admin ON session (admin_id);
CREATE INDEX session_by_previous_refresh ON session (previous_refresh_hash);

CREATE TABLE sign_in_failure (
    email_lower TEXT NOT NULL,
    at          BIGINT NOT NULL
);
CREATE INDEX sign_in_failure_by_email ON sign_in_failure (email_lower, at);

ALTER TABLE record ADD COLUMN email_key TEXT;
-- Unique by the rule, which pushes check one at a time (the store serializes them); a plain
-- index, so one batch may move an e-mail from one user to another.
CREATE INDEX record_email_key ON record (email_key) WHERE email_key IS NOT NULL;

CREATE TABLE sync_rejection (
    client_id TEXT NOT NULL,
    seq       BIGINT NOT NULL,
    field     TEXT,
    message   TEXT NOT NULL,
    PRIMARY KEY (client_id, seq)
);
