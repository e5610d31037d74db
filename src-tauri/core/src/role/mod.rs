//! Customer user roles: what each allows on the storefront, the Roles grid, the one writer
//! of `customer_user_role`, the effective permissions of a user, and delegated account
//! management.

pub mod delegation;
pub mod permission;
pub mod write;

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::reference::Ref;
use crate::{CoreError, Result};
use permission::{Capability, Effective, Permissions, RoleGrants, Source};

/// The predefined roles every store seeds with these ids (`V1__initial.sql`).
pub const ADMINISTRATOR_ID: &str = "0190a000-0000-7000-8000-000000000001";
pub const BUYER_ID: &str = "0190a000-0000-7000-8000-000000000002";
pub const ANONYMOUS_ID: &str = "0190a000-0000-7000-8000-000000000003";

/// A customer user role as the role's page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Role {
    pub id: String,
    /// The code (`ROLE_FRONTEND_…`), made from the label once and never changed.
    pub role: String,
    pub label: String,
    /// Predefined roles (no customer) serve every customer; a customizable role belongs to
    /// its customer and is offered only for that customer's users.
    pub predefined: bool,
    pub customer: Option<Ref>,
    pub self_managed: bool,
    pub public: bool,
    pub permissions: Permissions,
    pub capabilities: Vec<Capability>,
    /// How many customer users hold it.
    pub users: u64,
}

/// Which roles the Roles grid shows, and in what order.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct RoleQuery {
    /// Quick search in the label, the code and the customer's name.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub q: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub label: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub role: Option<String>,
    /// Roles of this customer (id or name).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub customer: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub predefined: Option<bool>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub self_managed: Option<bool>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub public: Option<bool>,
    /// label (default), role, customer, type, selfManaged, public, users.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub sort: Option<String>,
    #[serde(default)]
    pub desc: bool,
}

const ROLE_SQL: &str = "SELECT r.id, r.role, r.label, r.customer_id, c.name, r.self_managed,
        r.public, r.permissions, r.capabilities,
        (SELECT count(*) FROM customer_user_role_link l WHERE l.role_id = r.id)
     FROM customer_user_role r LEFT JOIN customer c ON c.id = r.customer_id";

fn role_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Role> {
    let customer_id: Option<String> = r.get(3)?;
    let permissions: String = r.get(7)?;
    let capabilities: String = r.get(8)?;
    Ok(Role {
        id: r.get(0)?,
        role: r.get(1)?,
        label: r.get(2)?,
        predefined: customer_id.is_none(),
        customer: match customer_id {
            Some(id) => Some(Ref {
                id,
                name: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
            }),
            None => None,
        },
        self_managed: r.get(5)?,
        public: r.get(6)?,
        // Another desktop's newer matrix may name what this version does not know: it
        // shows as nothing granted rather than failing the page.
        permissions: serde_json::from_str(&permissions).unwrap_or_default(),
        capabilities: serde_json::from_str(&capabilities).unwrap_or_default(),
        users: r.get::<_, i64>(9)?.unsigned_abs(),
    })
}

/// The role `key` (its id or code).
pub fn get(conn: &Connection, key: &str) -> Result<Role> {
    conn.query_row(
        &format!("{ROLE_SQL} WHERE r.id = ?1 OR r.role = ?1"),
        [key.trim()],
        role_row,
    )
    .optional()?
    .ok_or_else(|| CoreError::not_found("Customer user role", key))
}

/// The Roles grid: every role that matches, sorted. Roles are few (an organization has
/// tens, not millions), so they are filtered and sorted here rather than paged.
pub fn list(conn: &Connection, query: &RoleQuery) -> Result<Vec<Role>> {
    let customer = match query.customer.as_deref().filter(|c| !c.trim().is_empty()) {
        Some(key) => Some(
            crate::reference::resolve_customer(conn, key.trim())?
                .ok_or_else(|| CoreError::not_found("Customer", key))?,
        ),
        None => None,
    };
    let mut roles: Vec<Role> = conn
        .prepare(&format!("{ROLE_SQL} ORDER BY r.label, r.id"))?
        .query_map([], role_row)?
        .collect::<rusqlite::Result<_>>()?;
    let contains = |text: &str, part: &Option<String>| {
        part.as_deref()
            .is_none_or(|p| text.to_lowercase().contains(&p.trim().to_lowercase()))
    };
    roles.retain(|r| {
        let customer_name = r.customer.as_ref().map_or("", |c| c.name.as_str());
        let q = query
            .q
            .as_deref()
            .map(str::trim)
            .unwrap_or("")
            .to_lowercase();
        (q.is_empty()
            || [r.label.as_str(), r.role.as_str(), customer_name]
                .iter()
                .any(|t| t.to_lowercase().contains(&q)))
            && contains(&r.label, &query.label)
            && contains(&r.role, &query.role)
            && customer
                .as_deref()
                .is_none_or(|c| r.customer.as_ref().is_some_and(|rc| rc.id == c))
            && query.predefined.is_none_or(|p| r.predefined == p)
            && query.self_managed.is_none_or(|s| r.self_managed == s)
            && query.public.is_none_or(|p| r.public == p)
    });
    let key = query.sort.as_deref().unwrap_or("label");
    let text = |r: &Role| match key {
        "role" => r.role.to_lowercase(),
        "customer" => r
            .customer
            .as_ref()
            .map_or(String::new(), |c| c.name.to_lowercase()),
        _ => r.label.to_lowercase(),
    };
    match key {
        "label" | "role" | "customer" => roles.sort_by_cached_key(|r| (text(r), r.id.clone())),
        "type" => roles.sort_by_key(|r| (!r.predefined, r.label.to_lowercase())),
        "selfManaged" => roles.sort_by_key(|r| (r.self_managed, r.label.to_lowercase())),
        "public" => roles.sort_by_key(|r| (r.public, r.label.to_lowercase())),
        "users" => roles.sort_by_key(|r| (r.users, r.label.to_lowercase())),
        other => {
            return Err(CoreError::field(
                "sort",
                format!(
                    "\"{other}\" is not a column of the roles grid: label, role, customer, type, \
                     selfManaged, public or users."
                ),
            ))
        }
    }
    if query.desc {
        roles.reverse();
    }
    Ok(roles)
}

/// The roles customer user `user` holds, as accumulation reads them.
fn grants_of(conn: &Connection, user: &str) -> Result<Vec<RoleGrants>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, r.label, r.permissions, r.capabilities FROM customer_user_role_link l
         JOIN customer_user_role r ON r.id = l.role_id WHERE l.customer_user_id = ?1",
    )?;
    let rows = stmt.query_map([user], |r| {
        let permissions: String = r.get(2)?;
        let capabilities: String = r.get(3)?;
        Ok(RoleGrants {
            source: Source {
                id: r.get(0)?,
                label: r.get(1)?,
            },
            permissions: serde_json::from_str(&permissions).unwrap_or_default(),
            capabilities: serde_json::from_str(&capabilities).unwrap_or_default(),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What customer user `user` (id) may do: the grants of all their roles together.
pub fn effective(conn: &Connection, user: &str) -> Result<Effective> {
    Ok(permission::accumulate(&grants_of(conn, user)?))
}
