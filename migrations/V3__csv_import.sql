-- CSV import (issue #4): the default website and the record of every import.

-- Oro's default website: where imported users without a "Website Id" register.
ALTER TABLE website ADD COLUMN is_default INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX uniq_website_default ON website (is_default) WHERE is_default = 1;
UPDATE website SET is_default = 1
 WHERE id = (SELECT id FROM website ORDER BY name <> 'Default', id LIMIT 1);

-- One row per import that was run for real (a check alone writes nothing).
CREATE TABLE import_run (
    seq         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('customer_users', 'customer_user_addresses')),
    -- The file's name without its folder.
    file        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    mode        TEXT NOT NULL CHECK (mode IN ('all_or_nothing', 'valid_rows_only')),
    -- rolled_back: an all-or-nothing import that found errors and wrote nothing.
    outcome     TEXT NOT NULL CHECK (outcome IN ('imported', 'rolled_back')),
    read        INTEGER NOT NULL,
    added       INTEGER NOT NULL,
    updated     INTEGER NOT NULL,
    replaced    INTEGER NOT NULL,
    unchanged   INTEGER NOT NULL,
    errors      INTEGER NOT NULL
) STRICT;

-- The import a change came from, so History can say so.
ALTER TABLE change_log ADD COLUMN import_id TEXT REFERENCES import_run (id);
