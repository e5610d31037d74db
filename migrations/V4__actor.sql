-- A named actor (issue #9): how the back-office user of each change reached the store
-- ('window', 'cli', 'system'). Earlier changes were made in the window or the CLI; which
-- is not known.
ALTER TABLE change_log ADD COLUMN via TEXT;
