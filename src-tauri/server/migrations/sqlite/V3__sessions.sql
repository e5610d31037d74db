-- Desktop sessions (issue #11): short-lived access tokens and rotating refresh tokens, each
-- kept only as its SHA-256 hash. A session belongs to one admin and one desktop (client).
CREATE TABLE session (
    id                    TEXT PRIMARY KEY,
    admin_id              TEXT NOT NULL REFERENCES admin (id),
    client_id             TEXT NOT NULL,
    access_hash           TEXT NOT NULL UNIQUE,
    access_expires_at     INTEGER NOT NULL,
    refresh_hash          TEXT NOT NULL UNIQUE,
    -- The refresh token this one replaced: presented again, it was stolen, and the session
    -- ends.
    previous_refresh_hash TEXT,
    refresh_expires_at    INTEGER NOT NULL,
    revoked               INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),
    created_at            INTEGER NOT NULL
) STRICT;
CREATE INDEX session_by_admin ON session (admin_id);
CREATE INDEX session_by_previous_refresh ON session (previous_refresh_hash);

-- Failed sign-ins by e-mail, for the attempt limit.
CREATE TABLE sign_in_failure (
    email_lower TEXT NOT NULL,
    at          INTEGER NOT NULL
) STRICT;
CREATE INDEX sign_in_failure_by_email ON sign_in_failure (email_lower, at);

-- The lowercased e-mail of each customer user who is not a guest and not deleted: the key
-- of the rule that two users never share one, across every admin's changes.
ALTER TABLE record ADD COLUMN email_key TEXT;
-- Unique by the rule, which pushes check one at a time (the store serializes them); a plain
-- index, so one batch may move an e-mail from one user to another.
CREATE INDEX record_email_key ON record (email_key) WHERE email_key IS NOT NULL;

-- The changes refused from each client, so a replayed batch (its answer was lost) answers
-- with the same refusals: a refused change is never silent.
CREATE TABLE sync_rejection (
    client_id TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    field     TEXT,
    message   TEXT NOT NULL,
    PRIMARY KEY (client_id, seq)
) STRICT;
