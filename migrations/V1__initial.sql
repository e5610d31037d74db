-- Customer Users: initial schema.
-- Ids are UUIDv7 text made on the client. Times are UTC RFC 3339 text; birthdays are dates.
-- Tables that grids page through carry an INTEGER PRIMARY KEY `seq` (stable under VACUUM, the
-- FTS rowid and the keyset tie-breaker) beside the public `id`.

CREATE TABLE organization (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE localization (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE app_user (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organization (id),
    username        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    email           TEXT NOT NULL,
    first_name      TEXT NOT NULL,
    last_name       TEXT NOT NULL,
    enabled         INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE customer (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organization (id),
    parent_id       TEXT REFERENCES customer (id) ON DELETE SET NULL,
    name            TEXT NOT NULL COLLATE NOCASE,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX idx_customer_name ON customer (name);
CREATE INDEX idx_customer_parent ON customer (parent_id);

CREATE TABLE customer_sales_rep (
    customer_id TEXT NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    PRIMARY KEY (customer_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE customer_user_role (
    id              TEXT PRIMARY KEY,
    organization_id TEXT REFERENCES organization (id) ON DELETE SET NULL,
    customer_id     TEXT REFERENCES customer (id) ON DELETE CASCADE,
    role            TEXT NOT NULL UNIQUE,
    label           TEXT NOT NULL,
    self_managed    INTEGER NOT NULL DEFAULT 0,
    public          INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX idx_role_customer ON customer_user_role (customer_id);

CREATE TABLE website (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organization (id),
    name            TEXT NOT NULL UNIQUE COLLATE NOCASE,
    url             TEXT NOT NULL,
    default_role_id TEXT REFERENCES customer_user_role (id) ON DELETE SET NULL,
    guest_role_id   TEXT REFERENCES customer_user_role (id) ON DELETE SET NULL
) STRICT;

CREATE TABLE website_localization (
    website_id      TEXT NOT NULL REFERENCES website (id) ON DELETE CASCADE,
    localization_id TEXT NOT NULL REFERENCES localization (id) ON DELETE CASCADE,
    PRIMARY KEY (website_id, localization_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE customer_user (
    seq                   INTEGER PRIMARY KEY,
    id                    TEXT NOT NULL UNIQUE,
    organization_id       TEXT NOT NULL REFERENCES organization (id),
    customer_id           TEXT NOT NULL REFERENCES customer (id),
    website_id            TEXT REFERENCES website (id) ON DELETE SET NULL,
    owner_id              TEXT REFERENCES app_user (id) ON DELETE SET NULL,
    name_prefix           TEXT,
    first_name            TEXT NOT NULL COLLATE NOCASE,
    middle_name           TEXT,
    last_name             TEXT NOT NULL COLLATE NOCASE,
    name_suffix           TEXT,
    email                 TEXT NOT NULL COLLATE NOCASE,
    -- Unicode-lowercased email: the key of the per-organization uniqueness rule.
    email_lowercase       TEXT NOT NULL,
    birthday              TEXT,
    enabled               INTEGER NOT NULL DEFAULT 1,
    confirmed             INTEGER NOT NULL DEFAULT 1,
    is_guest              INTEGER NOT NULL DEFAULT 0,
    auth_status           TEXT NOT NULL DEFAULT 'active'
                          CHECK (auth_status IN ('active', 'reset', 'expired', 'locked')),
    -- argon2id PHC string; NULL = no usable password (the user sets one through a link).
    password_hash         TEXT,
    login_count           INTEGER NOT NULL DEFAULT 0,
    last_login            TEXT,
    password_changed_at   TEXT,
    password_requested_at TEXT,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    -- Grid sort keys copied from related rows so every column sorts on its own index.
    customer_name         TEXT NOT NULL COLLATE NOCASE,
    website_name          TEXT NOT NULL DEFAULT '' COLLATE NOCASE,
    roles_label           TEXT NOT NULL DEFAULT '' COLLATE NOCASE,
    -- HLC of the create, and of every field written since: {"field": "hlc"}.
    created_hlc           TEXT NOT NULL,
    field_hlc             TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE UNIQUE INDEX uniq_customer_user_email ON customer_user (organization_id, email_lowercase)
    WHERE is_guest = 0;
CREATE INDEX idx_cu_customer_name ON customer_user (customer_name);
CREATE INDEX idx_cu_first_name ON customer_user (first_name);
CREATE INDEX idx_cu_last_name ON customer_user (last_name);
CREATE INDEX idx_cu_email ON customer_user (email);
CREATE INDEX idx_cu_enabled ON customer_user (enabled);
CREATE INDEX idx_cu_confirmed ON customer_user (confirmed);
CREATE INDEX idx_cu_is_guest ON customer_user (is_guest);
CREATE INDEX idx_cu_auth_status ON customer_user (auth_status);
CREATE INDEX idx_cu_created_at ON customer_user (created_at);
CREATE INDEX idx_cu_updated_at ON customer_user (updated_at);
CREATE INDEX idx_cu_website_name ON customer_user (website_name);
CREATE INDEX idx_cu_roles_label ON customer_user (roles_label);
CREATE INDEX idx_cu_customer ON customer_user (customer_id);
CREATE INDEX idx_cu_website ON customer_user (website_id);
CREATE INDEX idx_cu_owner ON customer_user (owner_id);

-- Substring search (quick search and "contains" filters) on a trigram index.
CREATE VIRTUAL TABLE customer_user_search USING fts5 (
    first_name, last_name, email, customer_name,
    content = 'customer_user', content_rowid = 'seq', tokenize = 'trigram'
);
CREATE TRIGGER customer_user_search_ai AFTER INSERT ON customer_user BEGIN
    INSERT INTO customer_user_search (rowid, first_name, last_name, email, customer_name)
    VALUES (new.seq, new.first_name, new.last_name, new.email, new.customer_name);
END;
CREATE TRIGGER customer_user_search_ad AFTER DELETE ON customer_user BEGIN
    INSERT INTO customer_user_search (customer_user_search, rowid, first_name, last_name, email, customer_name)
    VALUES ('delete', old.seq, old.first_name, old.last_name, old.email, old.customer_name);
END;
CREATE TRIGGER customer_user_search_au AFTER UPDATE OF first_name, last_name, email, customer_name ON customer_user BEGIN
    INSERT INTO customer_user_search (customer_user_search, rowid, first_name, last_name, email, customer_name)
    VALUES ('delete', old.seq, old.first_name, old.last_name, old.email, old.customer_name);
    INSERT INTO customer_user_search (rowid, first_name, last_name, email, customer_name)
    VALUES (new.seq, new.first_name, new.last_name, new.email, new.customer_name);
END;

-- Keep the copied sort keys current when a customer or website is renamed.
CREATE TRIGGER customer_rename AFTER UPDATE OF name ON customer BEGIN
    UPDATE customer_user SET customer_name = new.name WHERE customer_id = new.id;
END;
CREATE TRIGGER website_rename AFTER UPDATE OF name ON website BEGIN
    UPDATE customer_user SET website_name = new.name WHERE website_id = new.id;
END;

CREATE TABLE customer_user_role_link (
    customer_user_id TEXT NOT NULL REFERENCES customer_user (id) ON DELETE CASCADE,
    role_id          TEXT NOT NULL REFERENCES customer_user_role (id),
    PRIMARY KEY (customer_user_id, role_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX idx_role_link_role ON customer_user_role_link (role_id);

CREATE TABLE customer_user_sales_rep (
    customer_user_id TEXT NOT NULL REFERENCES customer_user (id) ON DELETE CASCADE,
    user_id          TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    PRIMARY KEY (customer_user_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE customer_user_address (
    id               TEXT PRIMARY KEY,
    customer_user_id TEXT NOT NULL REFERENCES customer_user (id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    label            TEXT,
    name_prefix      TEXT,
    first_name       TEXT,
    middle_name      TEXT,
    last_name        TEXT,
    name_suffix      TEXT,
    organization     TEXT,
    street           TEXT NOT NULL,
    street2          TEXT,
    city             TEXT NOT NULL,
    postal_code      TEXT NOT NULL,
    country          TEXT NOT NULL,
    region           TEXT,
    phone            TEXT,
    is_billing       INTEGER NOT NULL DEFAULT 0,
    is_shipping      INTEGER NOT NULL DEFAULT 0,
    default_billing  INTEGER NOT NULL DEFAULT 0 CHECK (default_billing = 0 OR is_billing = 1),
    default_shipping INTEGER NOT NULL DEFAULT 0 CHECK (default_shipping = 0 OR is_shipping = 1)
) STRICT;
CREATE INDEX idx_address_user ON customer_user_address (customer_user_id, position);
CREATE UNIQUE INDEX uniq_address_default_billing ON customer_user_address (customer_user_id)
    WHERE default_billing = 1;
CREATE UNIQUE INDEX uniq_address_default_shipping ON customer_user_address (customer_user_id)
    WHERE default_shipping = 1;

-- Per-website settings of a customer user (Oro's CustomerUserSettings).
CREATE TABLE customer_user_settings (
    customer_user_id TEXT NOT NULL REFERENCES customer_user (id) ON DELETE CASCADE,
    website_id       TEXT NOT NULL REFERENCES website (id) ON DELETE CASCADE,
    localization_id  TEXT REFERENCES localization (id) ON DELETE SET NULL,
    PRIMARY KEY (customer_user_id, website_id)
) STRICT, WITHOUT ROWID;

-- Records a customer user owns; while any exist the user cannot be deleted.
CREATE TABLE sales_order (
    id               TEXT PRIMARY KEY,
    identifier       TEXT NOT NULL,
    customer_user_id TEXT REFERENCES customer_user (id),
    customer_id      TEXT NOT NULL REFERENCES customer (id),
    total            TEXT NOT NULL,
    currency         TEXT NOT NULL,
    created_at       TEXT NOT NULL
) STRICT;
CREATE INDEX idx_order_user ON sales_order (customer_user_id);

CREATE TABLE shopping_list (
    id               TEXT PRIMARY KEY,
    label            TEXT NOT NULL,
    customer_user_id TEXT REFERENCES customer_user (id),
    created_at       TEXT NOT NULL
) STRICT;
CREATE INDEX idx_shopping_list_user ON shopping_list (customer_user_id);

-- The change log: History of every record today, the sync outbox later.
CREATE TABLE change_log (
    seq       INTEGER PRIMARY KEY,
    id        TEXT NOT NULL UNIQUE,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    op        TEXT NOT NULL CHECK (op IN ('create', 'update', 'delete')),
    fields    TEXT NOT NULL,
    actor     TEXT NOT NULL,
    at        TEXT NOT NULL,
    hlc       TEXT NOT NULL
) STRICT;
CREATE INDEX idx_change_log_entity ON change_log (entity, entity_id, seq);

-- This client's identity and clock.
CREATE TABLE client_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- The UI's remembered state (grid columns, sort, filters, page size).
CREATE TABLE ui_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Predefined roles (Oro: CB/Migrations/Data/ORM/data/frontend_roles.yml).
INSERT INTO customer_user_role (id, organization_id, customer_id, role, label, self_managed, public) VALUES
    ('0190a000-0000-7000-8000-000000000001', NULL, NULL, 'ROLE_FRONTEND_ADMINISTRATOR', 'Administrator', 1, 1),
    ('0190a000-0000-7000-8000-000000000002', NULL, NULL, 'ROLE_FRONTEND_BUYER', 'Buyer', 1, 1),
    ('0190a000-0000-7000-8000-000000000003', NULL, NULL, 'ROLE_FRONTEND_ANONYMOUS', 'Non-Authenticated Visitors', 0, 0);
