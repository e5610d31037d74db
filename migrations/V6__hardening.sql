-- Confirmation links expire like reset links (the confirmationLinkTtl setting); a link sent
-- before this migration keeps working until it is used or replaced.
ALTER TABLE customer_user ADD COLUMN confirmation_expires_at TEXT;

-- A queued message is rendered after the action that queued it commits, on a read
-- connection, so a slow template never holds the write lock. 0 until then.
ALTER TABLE email_outbox ADD COLUMN rendered INTEGER NOT NULL DEFAULT 1 CHECK (rendered IN (0, 1));
