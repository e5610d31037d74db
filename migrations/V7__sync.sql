-- Offline-first sync with the team server (issue #11).

-- What this desktop has to send: one row per record it changed, written in the change's own
-- transaction while the desktop is connected to a server. `seq` is the push sequence the
-- server settles by, so a replayed batch changes nothing; a row leaves once the server has
-- settled it. AUTOINCREMENT: a sequence is never used twice, even once the outbox empties.
CREATE TABLE sync_outbox (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL
) STRICT;

-- Records deleted here or by another admin, with the clock of the delete, so an older edit
-- arriving late cannot bring them back.
CREATE TABLE sync_tombstone (
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    hlc       TEXT NOT NULL,
    PRIMARY KEY (entity, entity_id)
) STRICT, WITHOUT ROWID;

-- Rows pulled from the server, kept until they are applied: a page is stored with the cursor
-- in one transaction, so a pull resumes where it stopped, and a row that refers to a record
-- not here yet waits (with the reason) instead of failing the page.
CREATE TABLE sync_inbox (
    version   INTEGER PRIMARY KEY,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    fields    TEXT NOT NULL,
    waiting   TEXT
) STRICT;
CREATE INDEX idx_sync_inbox_record ON sync_inbox (entity, entity_id);

-- While a desktop starts again from the team's data (the server forgot deletes it missed),
-- the records the server still has: what is not among them was deleted meanwhile.
CREATE TABLE sync_seen (
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    PRIMARY KEY (entity, entity_id)
) STRICT, WITHOUT ROWID;

-- Changes the server refused, with its reason, until the admin fixes or discards them.
CREATE TABLE sync_rejected (
    seq       INTEGER PRIMARY KEY,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    field     TEXT,
    message   TEXT NOT NULL,
    at        TEXT NOT NULL
) STRICT;
CREATE INDEX idx_sync_rejected_record ON sync_rejected (entity, entity_id);

-- Websites, roles and localizations merge field by field like the other records.
ALTER TABLE website ADD COLUMN field_hlc TEXT NOT NULL DEFAULT '{}';
ALTER TABLE localization ADD COLUMN field_hlc TEXT NOT NULL DEFAULT '{}';
ALTER TABLE customer_user_role ADD COLUMN field_hlc TEXT NOT NULL DEFAULT '{}';

-- What every store seeds has one identity everywhere, so two desktops of a team never
-- collide on it: the organization and the first admin take fixed ids (the predefined roles
-- have had theirs since V1). Rows that refer to them follow first; the checks wait for the
-- commit.
PRAGMA defer_foreign_keys = ON;
UPDATE app_user SET organization_id = '0190a000-0000-7000-8000-000000000010'
    WHERE organization_id = (SELECT id FROM organization ORDER BY rowid LIMIT 1);
UPDATE customer SET organization_id = '0190a000-0000-7000-8000-000000000010'
    WHERE organization_id = (SELECT id FROM organization ORDER BY rowid LIMIT 1);
UPDATE customer_user_role SET organization_id = '0190a000-0000-7000-8000-000000000010'
    WHERE organization_id = (SELECT id FROM organization ORDER BY rowid LIMIT 1);
UPDATE website SET organization_id = '0190a000-0000-7000-8000-000000000010'
    WHERE organization_id = (SELECT id FROM organization ORDER BY rowid LIMIT 1);
UPDATE customer_user SET organization_id = '0190a000-0000-7000-8000-000000000010'
    WHERE organization_id = (SELECT id FROM organization ORDER BY rowid LIMIT 1);
UPDATE organization SET id = '0190a000-0000-7000-8000-000000000010' WHERE id = (SELECT id FROM organization ORDER BY rowid LIMIT 1);
UPDATE customer_user SET owner_id = '0190a000-0000-7000-8000-000000000020' WHERE owner_id = (SELECT id FROM app_user WHERE username = 'admin');
UPDATE customer_sales_rep SET user_id = '0190a000-0000-7000-8000-000000000020' WHERE user_id = (SELECT id FROM app_user WHERE username = 'admin');
UPDATE customer_user_sales_rep SET user_id = '0190a000-0000-7000-8000-000000000020' WHERE user_id = (SELECT id FROM app_user WHERE username = 'admin');
UPDATE client_state SET value = '0190a000-0000-7000-8000-000000000020'
    WHERE key = 'current_admin' AND value = (SELECT id FROM app_user WHERE username = 'admin');
UPDATE change_log SET entity_id = '0190a000-0000-7000-8000-000000000020'
    WHERE entity = 'app_user' AND entity_id = (SELECT id FROM app_user WHERE username = 'admin');
UPDATE app_user SET id = '0190a000-0000-7000-8000-000000000020' WHERE id = (SELECT id FROM app_user WHERE username = 'admin');
-- The first admin's fields carry the seeded clock, as in a new store.
UPDATE app_user SET field_hlc = '{}' WHERE id = '0190a000-0000-7000-8000-000000000020';
