-- Deleted records are kept as tombstones until `purge` forgets those deleted long enough ago;
-- a desktop whose cursor is older than what was forgotten starts again from the team's data.
ALTER TABLE record ADD COLUMN deleted_at BIGINT;
CREATE INDEX record_deleted_at ON record (deleted_at) WHERE deleted_at IS NOT NULL;
ALTER TABLE team_version ADD COLUMN purged_through BIGINT NOT NULL DEFAULT 0;
