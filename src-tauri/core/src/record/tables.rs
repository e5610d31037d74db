//! The synced tables, each after those it refers to.

use super::{Kind, Relation, Table};

const ORGANIZATION: &str = "(SELECT id FROM organization ORDER BY id LIMIT 1)";
const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

pub(crate) const TABLES: &[Table] = &[
    Table {
        entity: "localization",
        table: "localization",
        key: "id",
        columns: &[("name", "name", Kind::Text), ("code", "code", Kind::Text)],
        on_insert: &[],
        relation: None,
    },
    Table {
        entity: "app_role",
        table: "app_role",
        key: "id",
        columns: &[
            ("label", "label", Kind::Text),
            ("capabilities", "capabilities", Kind::Json),
        ],
        on_insert: &[("organization_id", ORGANIZATION)],
        relation: None,
    },
    Table {
        entity: "app_user",
        table: "app_user",
        key: "id",
        columns: &[
            ("username", "username", Kind::Text),
            ("email", "email", Kind::Text),
            ("firstName", "first_name", Kind::Text),
            ("lastName", "last_name", Kind::Text),
            ("enabled", "enabled", Kind::Flag),
            ("appRole", "role_id", Kind::Text),
        ],
        on_insert: &[("organization_id", ORGANIZATION)],
        relation: None,
    },
    Table {
        entity: "customer",
        table: "customer",
        key: "id",
        columns: &[
            ("name", "name", Kind::Text),
            ("parent", "parent_id", Kind::Text),
        ],
        on_insert: &[
            ("organization_id", ORGANIZATION),
            ("created_at", NOW),
            ("updated_at", NOW),
        ],
        relation: Some(Relation {
            field: "salesRepresentatives",
            table: "customer_sales_rep",
            owner: "customer_id",
            target: "user_id",
            of: "app_user",
        }),
    },
    Table {
        entity: "customer_user_role",
        table: "customer_user_role",
        key: "id",
        columns: &[
            ("role", "role", Kind::Text),
            ("label", "label", Kind::Text),
            ("customer", "customer_id", Kind::Text),
            ("selfManaged", "self_managed", Kind::Flag),
            ("public", "public", Kind::Flag),
            ("permissions", "permissions", Kind::Json),
            ("capabilities", "capabilities", Kind::Json),
        ],
        on_insert: &[("organization_id", ORGANIZATION)],
        relation: None,
    },
    Table {
        entity: "website",
        table: "website",
        key: "id",
        columns: &[
            ("name", "name", Kind::Text),
            ("url", "url", Kind::Text),
            ("defaultRole", "default_role_id", Kind::Text),
            ("guestRole", "guest_role_id", Kind::Text),
            ("isDefault", "is_default", Kind::Flag),
        ],
        on_insert: &[("organization_id", ORGANIZATION)],
        relation: Some(Relation {
            field: "localizations",
            table: "website_localization",
            owner: "website_id",
            target: "localization_id",
            of: "localization",
        }),
    },
    Table {
        entity: "setting",
        table: "setting",
        key: "key",
        columns: &[("value", "value", Kind::Json)],
        on_insert: &[],
        relation: None,
    },
    Table {
        entity: "email_template",
        table: "email_template",
        key: "name",
        columns: &[
            ("subject", "subject", Kind::Text),
            ("content", "content", Kind::Text),
        ],
        on_insert: &[],
        relation: None,
    },
    Table {
        entity: "consent",
        table: "consent",
        key: "id",
        columns: &[
            ("name", "name", Kind::Text),
            ("mandatory", "mandatory", Kind::Flag),
            ("content", "content", Kind::Text),
            ("url", "url", Kind::Text),
            ("position", "position", Kind::Text),
        ],
        on_insert: &[("organization_id", ORGANIZATION)],
        relation: None,
    },
    Table {
        entity: "customer_user_field",
        table: "customer_user_field",
        key: "id",
        columns: &[
            ("name", "name", Kind::Text),
            ("label", "label", Kind::Text),
            ("kind", "kind", Kind::Text),
            ("choices", "choices", Kind::Json),
            ("position", "position", Kind::Text),
        ],
        on_insert: &[("organization_id", ORGANIZATION)],
        relation: None,
    },
    Table {
        entity: "consent_acceptance",
        table: "consent_acceptance",
        key: "id",
        columns: &[
            ("consent", "consent_id", Kind::Text),
            ("customerUser", "customer_user_id", Kind::Text),
            ("acceptedAt", "accepted_at", Kind::Text),
        ],
        on_insert: &[],
        relation: None,
    },
    Table {
        entity: "customer_user_note",
        table: "customer_user_note",
        key: "id",
        columns: &[
            ("customerUser", "customer_user_id", Kind::Text),
            ("body", "body", Kind::Text),
            ("createdBy", "created_by", Kind::Text),
            ("createdAt", "created_at", Kind::Text),
            ("updatedAt", "updated_at", Kind::Text),
        ],
        on_insert: &[],
        relation: None,
    },
    Table {
        entity: "customer_user_event",
        table: "customer_user_event",
        key: "id",
        columns: &[
            ("customerUser", "customer_user_id", Kind::Text),
            ("title", "title", Kind::Text),
            ("description", "description", Kind::Text),
            ("startsAt", "starts_at", Kind::Text),
            ("endsAt", "ends_at", Kind::Text),
            ("createdBy", "created_by", Kind::Text),
            ("createdAt", "created_at", Kind::Text),
            ("updatedAt", "updated_at", Kind::Text),
        ],
        on_insert: &[],
        relation: None,
    },
    owned("request_for_quote", NUMBERED),
    owned("quote", NUMBERED),
    owned("sales_order", NUMBERED),
    owned("shopping_list", LABELLED),
];

type Columns = &'static [(&'static str, &'static str, Kind)];

/// A record a customer user owns on the storefront (`related`): one shape for the four,
/// the shopping list's label standing for the others' number.
const fn owned(table: &'static str, columns: Columns) -> Table {
    Table {
        entity: table,
        table,
        key: "id",
        columns,
        on_insert: &[],
        relation: None,
    }
}

macro_rules! owned_columns {
    ($number:literal) => {
        &[
            ("number", $number, Kind::Text),
            ("customerUser", "customer_user_id", Kind::Text),
            ("customer", "customer_id", Kind::Text),
            ("status", "status", Kind::Text),
            ("total", "total", Kind::Text),
            ("currency", "currency", Kind::Text),
            ("items", "items", Kind::Json),
            ("validUntil", "valid_until", Kind::Text),
            ("createdBy", "created_by", Kind::Text),
            ("createdAt", "created_at", Kind::Text),
            ("updatedAt", "updated_at", Kind::Text),
        ]
    };
}

const NUMBERED: Columns = owned_columns!("identifier");
const LABELLED: Columns = owned_columns!("label");
