-- Every synced record as the server holds it: its fields (JSON text), each with its value and
-- clock, and the team version of the commit that last changed it.
CREATE TABLE record (
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    fields    TEXT NOT NULL,
    version   BIGINT NOT NULL,
    PRIMARY KEY (entity, entity_id)
);
CREATE INDEX record_by_version ON record (version);

-- The last mutation settled for each client: a replayed batch skips what is at or below it.
CREATE TABLE sync_client (
    client_id TEXT PRIMARY KEY,
    last_seq  BIGINT NOT NULL
);

-- The team's one version counter. A push locks its row first, so pushes from every server
-- process serialize on it and versions are handed out in commit order: no commit ever lands
-- behind a cursor.
CREATE TABLE team_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO team_version (id, version) VALUES (1, 0);
