-- Every synced record as the server holds it: its fields, each with its value and clock, and
-- the team version of the commit that last changed it.
CREATE TABLE record (
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    fields    TEXT NOT NULL,
    version   INTEGER NOT NULL,
    PRIMARY KEY (entity, entity_id)
) STRICT;
CREATE INDEX record_by_version ON record (version);

-- The last mutation settled for each client: a replayed batch skips what is at or below it.
CREATE TABLE sync_client (
    client_id TEXT PRIMARY KEY,
    last_seq  INTEGER NOT NULL
) STRICT;

-- The team's one version counter, advanced inside each push transaction: pulls page after
-- it, and since every push serializes on this row, no commit ever lands behind a cursor.
CREATE TABLE team_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
) STRICT;
INSERT INTO team_version (id, version) VALUES (1, 0);
