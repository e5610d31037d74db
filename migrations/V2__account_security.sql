-- Account lifecycle and security (issue #3): single-use links, lockout, settings, e-mail.

-- Link tokens are stored only as SHA-256 hashes; the token itself goes out in the e-mail.
ALTER TABLE customer_user ADD COLUMN confirmation_token_hash TEXT;
ALTER TABLE customer_user ADD COLUMN reset_token_hash TEXT;
-- When the reset link stops working (Oro's admin links never expire; ours do).
ALTER TABLE customer_user ADD COLUMN reset_expires_at TEXT;
-- Failed sign-ins count from here: the last success or unlock.
ALTER TABLE customer_user ADD COLUMN failures_since TEXT;
ALTER TABLE customer_user ADD COLUMN locked_at TEXT;
-- NULL while locked: locked until an admin unlocks.
ALTER TABLE customer_user ADD COLUMN locked_until TEXT;
CREATE UNIQUE INDEX uniq_cu_confirmation_token ON customer_user (confirmation_token_hash)
    WHERE confirmation_token_hash IS NOT NULL;
CREATE UNIQUE INDEX uniq_cu_reset_token ON customer_user (reset_token_hash)
    WHERE reset_token_hash IS NOT NULL;

-- Hashes of a user's earlier passwords, for the password history policy.
CREATE TABLE password_history (
    customer_user_id TEXT NOT NULL REFERENCES customer_user (id) ON DELETE CASCADE,
    password_hash    TEXT NOT NULL,
    set_at           TEXT NOT NULL
) STRICT;
CREATE INDEX idx_password_history_user ON password_history (customer_user_id, set_at);

-- Every sign-in attempt, successful or not (Oro's CustomerUserLoginAttempt).
CREATE TABLE login_attempt (
    seq              INTEGER PRIMARY KEY,
    id               TEXT NOT NULL UNIQUE,
    customer_user_id TEXT REFERENCES customer_user (id) ON DELETE CASCADE,
    username         TEXT NOT NULL,
    at               TEXT NOT NULL,
    success          INTEGER NOT NULL,
    -- Why a failed attempt was refused: bad_credentials, disabled, unconfirmed, ...
    reason           TEXT,
    source           TEXT NOT NULL,
    ip               TEXT,
    user_agent       TEXT
) STRICT;
CREATE INDEX idx_login_attempt_user ON login_attempt (customer_user_id, at);
CREATE INDEX idx_login_attempt_at ON login_attempt (at);

-- Settings an admin changes in the Settings screen; absent keys take their defaults.
CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE email_template (
    name       TEXT PRIMARY KEY,
    subject    TEXT NOT NULL,
    content    TEXT NOT NULL,
    updated_at TEXT
) STRICT;

-- Messages written in the transaction of the action that causes them, delivered later.
CREATE TABLE email_outbox (
    seq              INTEGER PRIMARY KEY,
    id               TEXT NOT NULL UNIQUE,
    template         TEXT NOT NULL,
    customer_user_id TEXT REFERENCES customer_user (id) ON DELETE SET NULL,
    recipient        TEXT NOT NULL,
    subject          TEXT NOT NULL,
    -- The rendered body. A link token is never stored: the body holds a placeholder that
    -- delivery replaces with a token it mints then (only the token's hash is kept).
    body             TEXT NOT NULL,
    -- Which single-use link the message carries: 'confirmation', 'set_password' or 'reset'.
    link             TEXT,
    state            TEXT NOT NULL DEFAULT 'queued'
                     CHECK (state IN ('queued', 'sent', 'failed', 'cancelled')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    last_error       TEXT,
    created_at       TEXT NOT NULL,
    sent_at          TEXT
) STRICT;
CREATE INDEX idx_outbox_due ON email_outbox (state, next_attempt_at);
CREATE INDEX idx_outbox_user ON email_outbox (customer_user_id, seq);

-- The status a lock replaced, put back by unlocking.
ALTER TABLE customer_user ADD COLUMN status_before_lock TEXT;
