-- The customer user's page (issue #13): the address book's free-text region, consents and
-- their acceptances, the records a user owns on the storefront (requests for quote, quotes,
-- orders, shopping lists), notes and events, and the organization's own fields. Each is a
-- synced record with its fields' clocks, written through `record::save`.

-- For countries without ISO 3166-2 regions (Oro's region_text).
ALTER TABLE customer_user_address ADD COLUMN region_text TEXT;

CREATE TABLE consent (
    id              TEXT PRIMARY KEY,
    organization_id TEXT REFERENCES organization (id) ON DELETE SET NULL,
    name            TEXT NOT NULL,
    mandatory       INTEGER NOT NULL DEFAULT 0,
    -- The text the user accepts, or the page that holds it.
    content         TEXT,
    url             TEXT,
    position        INTEGER NOT NULL DEFAULT 0,
    field_hlc       TEXT NOT NULL DEFAULT '{}'
) STRICT;

-- One per consent and user; the id is derived from the two, so two desktops that record the
-- same acceptance offline write the same record.
CREATE TABLE consent_acceptance (
    id               TEXT PRIMARY KEY,
    consent_id       TEXT NOT NULL REFERENCES consent (id),
    customer_user_id TEXT NOT NULL REFERENCES customer_user (id) ON DELETE CASCADE,
    accepted_at      TEXT NOT NULL,
    field_hlc        TEXT NOT NULL DEFAULT '{}',
    UNIQUE (consent_id, customer_user_id)
) STRICT;
CREATE INDEX idx_consent_acceptance_user ON consent_acceptance (customer_user_id);

CREATE TABLE customer_user_note (
    id               TEXT PRIMARY KEY,
    customer_user_id TEXT NOT NULL REFERENCES customer_user (id) ON DELETE CASCADE,
    body             TEXT NOT NULL,
    created_by       TEXT REFERENCES app_user (id) ON DELETE SET NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    field_hlc        TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX idx_note_user ON customer_user_note (customer_user_id, created_at);

CREATE TABLE customer_user_event (
    id               TEXT PRIMARY KEY,
    customer_user_id TEXT NOT NULL REFERENCES customer_user (id) ON DELETE CASCADE,
    title            TEXT NOT NULL,
    description      TEXT,
    starts_at        TEXT NOT NULL,
    ends_at          TEXT,
    created_by       TEXT REFERENCES app_user (id) ON DELETE SET NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    field_hlc        TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX idx_event_user ON customer_user_event (customer_user_id, starts_at);

-- Orders and shopping lists (V1) gain what the page shows; requests for quote and quotes
-- have the same shape. `created_by` is the back-office user who made the record on the
-- customer's behalf (empty when the customer user made it on the storefront); `items` is
-- the line items as JSON, `[{sku, name, quantity, price}]`; totals are decimal text.
ALTER TABLE sales_order ADD COLUMN status TEXT NOT NULL DEFAULT 'open';
ALTER TABLE sales_order ADD COLUMN items TEXT NOT NULL DEFAULT '[]';
ALTER TABLE sales_order ADD COLUMN valid_until TEXT;
ALTER TABLE sales_order ADD COLUMN created_by TEXT REFERENCES app_user (id) ON DELETE SET NULL;
ALTER TABLE sales_order ADD COLUMN updated_at TEXT;
ALTER TABLE sales_order ADD COLUMN field_hlc TEXT NOT NULL DEFAULT '{}';
UPDATE sales_order SET updated_at = created_at;

ALTER TABLE shopping_list ADD COLUMN customer_id TEXT REFERENCES customer (id);
ALTER TABLE shopping_list ADD COLUMN status TEXT NOT NULL DEFAULT 'open';
ALTER TABLE shopping_list ADD COLUMN total TEXT NOT NULL DEFAULT '0.00';
ALTER TABLE shopping_list ADD COLUMN currency TEXT NOT NULL DEFAULT 'USD';
ALTER TABLE shopping_list ADD COLUMN items TEXT NOT NULL DEFAULT '[]';
ALTER TABLE shopping_list ADD COLUMN valid_until TEXT;
ALTER TABLE shopping_list ADD COLUMN created_by TEXT REFERENCES app_user (id) ON DELETE SET NULL;
ALTER TABLE shopping_list ADD COLUMN updated_at TEXT;
ALTER TABLE shopping_list ADD COLUMN field_hlc TEXT NOT NULL DEFAULT '{}';
UPDATE shopping_list SET updated_at = created_at,
    customer_id = (SELECT customer_id FROM customer_user u WHERE u.id = shopping_list.customer_user_id);

CREATE TABLE request_for_quote (
    id               TEXT PRIMARY KEY,
    identifier       TEXT NOT NULL,
    customer_user_id TEXT REFERENCES customer_user (id),
    customer_id      TEXT NOT NULL REFERENCES customer (id),
    status           TEXT NOT NULL DEFAULT 'open',
    total            TEXT NOT NULL DEFAULT '0.00',
    currency         TEXT NOT NULL DEFAULT 'USD',
    items            TEXT NOT NULL DEFAULT '[]',
    valid_until      TEXT,
    created_by       TEXT REFERENCES app_user (id) ON DELETE SET NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT,
    field_hlc        TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX idx_rfq_user ON request_for_quote (customer_user_id);

CREATE TABLE quote (
    id               TEXT PRIMARY KEY,
    identifier       TEXT NOT NULL,
    customer_user_id TEXT REFERENCES customer_user (id),
    customer_id      TEXT NOT NULL REFERENCES customer (id),
    status           TEXT NOT NULL DEFAULT 'draft',
    total            TEXT NOT NULL DEFAULT '0.00',
    currency         TEXT NOT NULL DEFAULT 'USD',
    items            TEXT NOT NULL DEFAULT '[]',
    valid_until      TEXT,
    created_by       TEXT REFERENCES app_user (id) ON DELETE SET NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT,
    field_hlc        TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX idx_quote_user ON quote (customer_user_id);

-- The grid's "Orders" and "Last order" columns, kept by the orders themselves (here or
-- from another desktop), as the customer's name is copied onto its users.
ALTER TABLE customer_user ADD COLUMN order_count INTEGER NOT NULL DEFAULT 0;
-- No order yet is the empty text, not NULL: the grid pages through the sort key.
ALTER TABLE customer_user ADD COLUMN last_order_at TEXT NOT NULL DEFAULT '';
UPDATE customer_user SET
    order_count = (SELECT count(*) FROM sales_order o WHERE o.customer_user_id = customer_user.id),
    last_order_at = (SELECT max(created_at) FROM sales_order o WHERE o.customer_user_id = customer_user.id)
WHERE id IN (SELECT customer_user_id FROM sales_order);
CREATE TRIGGER order_counted_ai AFTER INSERT ON sales_order WHEN new.customer_user_id IS NOT NULL BEGIN
    UPDATE customer_user SET order_count = order_count + 1,
        last_order_at = max(last_order_at, new.created_at)
    WHERE id = new.customer_user_id;
END;
CREATE TRIGGER order_counted_ad AFTER DELETE ON sales_order WHEN old.customer_user_id IS NOT NULL BEGIN
    UPDATE customer_user SET order_count = order_count - 1,
        last_order_at = coalesce((SELECT max(created_at) FROM sales_order o
                                  WHERE o.customer_user_id = old.customer_user_id), '')
    WHERE id = old.customer_user_id;
END;
CREATE TRIGGER order_counted_au AFTER UPDATE OF customer_user_id, created_at ON sales_order BEGIN
    UPDATE customer_user SET
        order_count = (SELECT count(*) FROM sales_order o WHERE o.customer_user_id = customer_user.id),
        last_order_at = coalesce((SELECT max(created_at) FROM sales_order o
                                  WHERE o.customer_user_id = customer_user.id), '')
    WHERE id IN (old.customer_user_id, new.customer_user_id);
END;
CREATE INDEX idx_cu_order_count ON customer_user (order_count);
CREATE INDEX idx_cu_last_order_at ON customer_user (last_order_at);

-- The organization's own customer user fields; a user's values are `customer_user.extra`,
-- {name: value}, which syncs as one field of the user.
CREATE TABLE customer_user_field (
    id              TEXT PRIMARY KEY,
    organization_id TEXT REFERENCES organization (id) ON DELETE SET NULL,
    name            TEXT NOT NULL UNIQUE,
    label           TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('text', 'number', 'date', 'boolean', 'choice')),
    choices         TEXT NOT NULL DEFAULT '[]',
    position        INTEGER NOT NULL DEFAULT 0,
    field_hlc       TEXT NOT NULL DEFAULT '{}'
) STRICT;
ALTER TABLE customer_user ADD COLUMN extra TEXT;
