//! Reference data around customer users: organizations, back-office users, customers,
//! websites, localizations and customer user roles.

use std::collections::HashMap;
use std::rc::Rc;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Violations;
use crate::store::{clocks_with, new_id, Tx};
use crate::{CoreError, Result};

/// A link to another record with the name to show for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Ref {
    pub id: String,
    pub name: String,
}

impl Ref {
    /// The link a query's nullable id and name columns make (a record's Created By).
    pub(crate) fn optional(id: Option<String>, name: Option<String>) -> Option<Ref> {
        Some(Ref {
            id: id?,
            name: name.unwrap_or_default(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RoleRef {
    pub id: String,
    pub role: String,
    pub label: String,
    /// `None` for predefined roles shared by every customer.
    pub customer_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Customer {
    pub id: String,
    pub name: String,
    pub parent: Option<Ref>,
    /// Names from the root of the tree down to this customer, joined by " / ".
    pub path: String,
    pub sales_representatives: Vec<Ref>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct CustomerInput {
    pub name: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub parent: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub sales_representatives: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Website {
    pub id: String,
    pub name: String,
    pub url: String,
    pub localizations: Vec<Ref>,
    pub default_role: Option<RoleRef>,
    pub guest_role: Option<RoleRef>,
    pub organization: Ref,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Localization {
    pub id: String,
    pub name: String,
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct User {
    pub id: String,
    pub username: String,
    pub name: String,
    pub email: String,
}

const USER_NAME_SQL: &str = "first_name || ' ' || last_name";

/// The back-office users' query, ending in `tail` (a condition, an order).
fn users_sql(tail: &str) -> String {
    format!("SELECT id, username, {USER_NAME_SQL}, email FROM app_user {tail}")
}

fn user_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        username: r.get(1)?,
        name: r.get(2)?,
        email: r.get(3)?,
    })
}

pub fn list_users(conn: &Connection) -> Result<Vec<User>> {
    let mut stmt = conn.prepare(&users_sql("ORDER BY last_name, first_name, id"))?;
    let rows = stmt.query_map([], user_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The back-office user `id`, if there is one.
pub fn get_user(conn: &Connection, id: &str) -> Result<Option<User>> {
    Ok(conn
        .query_row(&users_sql("WHERE id = ?1"), [id], user_row)
        .optional()?)
}

pub fn user_ref(conn: &Connection, id: &str) -> Result<Option<Ref>> {
    Ok(conn
        .query_row(
            &format!("SELECT id, {USER_NAME_SQL} FROM app_user WHERE id = ?1"),
            [id],
            |r| {
                Ok(Ref {
                    id: r.get(0)?,
                    name: r.get(1)?,
                })
            },
        )
        .optional()?)
}

/// The back-office user id for an id or username.
pub fn resolve_user(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT id FROM app_user WHERE id = ?1 OR username = ?1",
            [key],
            |r| r.get(0),
        )
        .optional()?)
}

pub fn organization_ref(conn: &Connection, id: &str) -> Result<Ref> {
    Ok(conn.query_row(
        "SELECT id, name FROM organization WHERE id = ?1",
        [id],
        |r| {
            Ok(Ref {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        },
    )?)
}

pub fn list_localizations(conn: &Connection) -> Result<Vec<Localization>> {
    let mut stmt = conn.prepare("SELECT id, name, code FROM localization ORDER BY name, id")?;
    let rows = stmt.query_map([], |r| {
        Ok(Localization {
            id: r.get(0)?,
            name: r.get(1)?,
            code: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn localization_ref(conn: &Connection, id: &str) -> Result<Option<Ref>> {
    Ok(conn
        .query_row(
            "SELECT id, name FROM localization WHERE id = ?1",
            [id],
            |r| {
                Ok(Ref {
                    id: r.get(0)?,
                    name: r.get(1)?,
                })
            },
        )
        .optional()?)
}

fn role_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RoleRef> {
    Ok(RoleRef {
        id: r.get(0)?,
        role: r.get(1)?,
        label: r.get(2)?,
        customer_id: r.get(3)?,
    })
}

pub fn role_ref(conn: &Connection, id: &str) -> Result<Option<RoleRef>> {
    Ok(conn
        .query_row(
            "SELECT id, role, label, customer_id FROM customer_user_role WHERE id = ?1",
            [id],
            role_from_row,
        )
        .optional()?)
}

/// The roles a user of `customer` may hold: the predefined ones and the customer's own.
pub fn list_roles(conn: &Connection, customer: Option<&str>) -> Result<Vec<RoleRef>> {
    let mut stmt = conn.prepare(
        "SELECT id, role, label, customer_id FROM customer_user_role
         WHERE customer_id IS NULL OR customer_id = ?1
         ORDER BY customer_id IS NOT NULL, label, id",
    )?;
    let rows = stmt.query_map([customer], role_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A role id for an id or a role code such as `ROLE_FRONTEND_BUYER`.
pub fn resolve_role(conn: &Connection, key: &str) -> Result<Option<RoleRef>> {
    Ok(conn
        .query_row(
            "SELECT id, role, label, customer_id FROM customer_user_role WHERE id = ?1 OR role = ?1",
            [key],
            role_from_row,
        )
        .optional()?)
}

pub fn list_websites(conn: &Connection) -> Result<Vec<Website>> {
    let ids: Vec<String> = conn
        .prepare("SELECT id FROM website ORDER BY name, id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ids.iter().map(|id| get_website(conn, id)).collect()
}

pub fn get_website(conn: &Connection, id: &str) -> Result<Website> {
    let (name, url, org, default_role, guest_role): (String, String, String, Option<String>, Option<String>) = conn
        .query_row(
            "SELECT name, url, organization_id, default_role_id, guest_role_id FROM website WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?
        .ok_or_else(|| CoreError::not_found("Website", id))?;
    let localizations = conn
        .prepare(
            "SELECT l.id, l.name FROM website_localization wl JOIN localization l ON l.id = wl.localization_id
             WHERE wl.website_id = ?1 ORDER BY l.name, l.id",
        )?
        .query_map([id], |r| Ok(Ref { id: r.get(0)?, name: r.get(1)? }))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Website {
        id: id.to_string(),
        name,
        url,
        localizations,
        default_role: default_role
            .map(|r| role_ref(conn, &r))
            .transpose()?
            .flatten(),
        guest_role: guest_role
            .map(|r| role_ref(conn, &r))
            .transpose()?
            .flatten(),
        organization: organization_ref(conn, &org)?,
    })
}

/// A website id for an id or its exact name.
pub fn resolve_website(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT id FROM website WHERE id = ?1 OR name = ?1",
            [key],
            |r| r.get(0),
        )
        .optional()?)
}

pub fn website_has_localization(
    conn: &Connection,
    website: &str,
    localization: &str,
) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM website_localization WHERE website_id = ?1 AND localization_id = ?2",
            [website, localization],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// A customer id for an id or its exact name; an ambiguous name is an error.
pub fn resolve_customer(conn: &Connection, key: &str) -> Result<Option<String>> {
    if let Some(id) = conn
        .query_row("SELECT id FROM customer WHERE id = ?1", [key], |r| r.get(0))
        .optional()?
    {
        return Ok(Some(id));
    }
    let ids: Vec<String> = conn
        .prepare("SELECT id FROM customer WHERE name = ?1 LIMIT 2")?
        .query_map([key], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    match ids.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.clone())),
        _ => Err(CoreError::invalid_input(format!(
            "More than one customer is named \"{key}\"; give the customer's id instead."
        ))),
    }
}

pub fn customer_ref(conn: &Connection, id: &str) -> Result<Option<Ref>> {
    Ok(conn
        .query_row("SELECT id, name FROM customer WHERE id = ?1", [id], |r| {
            Ok(Ref {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        })
        .optional()?)
}

pub fn customer_organization(conn: &Connection, id: &str) -> Result<String> {
    Ok(conn.query_row(
        "SELECT organization_id FROM customer WHERE id = ?1",
        [id],
        |r| r.get(0),
    )?)
}

pub fn customer_sales_reps(conn: &Connection, customer: &str) -> Result<Vec<Ref>> {
    Ok(sales_reps(conn, Some(customer))?
        .into_iter()
        .map(|(_, rep)| rep)
        .collect())
}

/// Every customer's sales representatives (or one customer's), as (customer id,
/// representative) in name order.
pub(crate) fn sales_reps(conn: &Connection, customer: Option<&str>) -> Result<Vec<(String, Ref)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT s.customer_id, u.id, u.{USER_NAME_SQL} FROM customer_sales_rep s
         JOIN app_user u ON u.id = s.user_id
         WHERE ?1 IS NULL OR s.customer_id = ?1 ORDER BY u.last_name, u.first_name, u.id"
    ))?;
    let rows = stmt.query_map([customer], |r| {
        Ok((
            r.get(0)?,
            Ref {
                id: r.get(1)?,
                name: r.get(2)?,
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get_customer(conn: &Connection, id: &str) -> Result<Customer> {
    let (name, parent_id): (String, Option<String>) = conn
        .query_row(
            "SELECT name, parent_id FROM customer WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| CoreError::not_found("Customer", id))?;
    let path: String = conn.query_row(
        "WITH RECURSIVE up(id, name, parent_id, depth) AS (
             SELECT id, name, parent_id, 0 FROM customer WHERE id = ?1
             UNION ALL
             SELECT c.id, c.name, c.parent_id, up.depth + 1 FROM customer c JOIN up ON c.id = up.parent_id
             WHERE up.depth < 64)
         SELECT group_concat(name, ' / ') FROM (SELECT name FROM up ORDER BY depth DESC)",
        [id],
        |r| r.get(0),
    )?;
    Ok(Customer {
        id: id.to_string(),
        name,
        parent: parent_id
            .map(|p| customer_ref(conn, &p))
            .transpose()?
            .flatten(),
        path,
        sales_representatives: customer_sales_reps(conn, id)?,
    })
}

/// The customers with these ids (unknown ids are skipped), by name.
pub fn get_customers(conn: &Connection, ids: &[String]) -> Result<Vec<Customer>> {
    let mut found = Vec::new();
    for id in ids {
        match get_customer(conn, id) {
            Ok(c) => found.push(c),
            Err(e) if e.code == crate::ErrorCode::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    found.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    Ok(found)
}

/// Customers whose name contains `q`, by name.
pub fn list_customers(
    conn: &Connection,
    q: Option<&str>,
    limit: Option<u32>,
) -> Result<Vec<Customer>> {
    let limit = limit.unwrap_or(50).clamp(1, 1000);
    let pattern = format!("%{}%", crate::store::escape_like(q.unwrap_or("").trim()));
    let ids: Vec<String> = conn
        .prepare(
            "SELECT id FROM customer WHERE name LIKE ?1 ESCAPE '\\' ORDER BY name, id LIMIT ?2",
        )?
        .query_map(params![pattern, limit], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ids.iter().map(|id| get_customer(conn, id)).collect()
}

/// The organization of the acting admin, else the first one.
pub fn default_organization(conn: &Connection, actor: &str) -> Result<String> {
    let org: Option<String> = conn
        .query_row(
            "SELECT organization_id FROM app_user WHERE username = ?1
             UNION ALL SELECT id FROM (SELECT id FROM organization ORDER BY name LIMIT 1) LIMIT 1",
            [actor],
            |r| r.get(0),
        )
        .optional()?;
    org.ok_or_else(|| CoreError::internal("The store has no organization."))
}

/// Creates a customer in `organization`, checking its name, parent and representatives.
/// `prefix` is the input path the fields sit under (`newCustomer.` inside a user form).
pub fn create_customer(
    tx: &mut Tx<'_>,
    organization: &str,
    input: &CustomerInput,
    prefix: &str,
) -> Result<String> {
    let mut v = Violations::default();
    let name = input.name.trim();
    if name.is_empty() {
        v.add(format!("{prefix}name"), crate::rules::NOT_BLANK);
    } else if let Some(message) = crate::rules::check_text(name, 255) {
        v.add(format!("{prefix}name"), message);
    }
    let parent = match input.parent.as_deref().filter(|p| !p.is_empty()) {
        Some(key) => match resolve_customer(tx, key)? {
            Some(id) => Some(id),
            None => {
                v.add(
                    format!("{prefix}parent"),
                    format!("Customer \"{key}\" does not exist."),
                );
                None
            }
        },
        None => None,
    };
    let mut reps = Vec::new();
    for (i, key) in input.sales_representatives.iter().flatten().enumerate() {
        match resolve_user(tx, key)? {
            Some(id) => reps.push(id),
            None => v.add(
                format!("{prefix}salesRepresentatives.{i}"),
                format!("User \"{key}\" does not exist."),
            ),
        }
    }
    v.into_result()?;
    let id = new_id();
    let now = tx.now();
    let hlc = tx.tick();
    let mut fields = serde_json::Map::new();
    fields.insert("name".into(), serde_json::json!([null, name]));
    fields.insert("parent".into(), serde_json::json!([null, parent]));
    fields.insert(
        "salesRepresentatives".into(),
        serde_json::json!([null, reps]),
    );
    tx.execute(
        "INSERT INTO customer (id, organization_id, parent_id, name, created_at, updated_at, field_hlc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
        params![id, organization, parent, name, now, clocks_with("{}", &fields, &hlc)],
    )?;
    for rep in &reps {
        tx.execute(
            "INSERT OR IGNORE INTO customer_sales_rep (customer_id, user_id) VALUES (?1, ?2)",
            [&id, rep],
        )?;
    }
    tx.record("customer", &id, "create", &fields, &hlc)?;
    Ok(id)
}

/// `key` from `cache`, or else `look_up`'s answer, kept in the cache.
pub(crate) fn cached<T>(
    cache: &mut HashMap<String, Found<T>>,
    key: &str,
    look_up: impl FnOnce() -> Result<Option<T>>,
) -> Result<Found<T>> {
    if let Some(found) = cache.get(key) {
        return Ok(found.clone());
    }
    let found = look_up()?.map_or(Found::Missing, |t| Found::One(Rc::new(t)));
    cache.insert(key.to_string(), found.clone());
    Ok(found)
}

/// A cached look-up by key: found, missing, or (customer names) ambiguous.
pub(crate) enum Found<T> {
    One(Rc<T>),
    Missing,
    Many,
}

impl<T> Found<T> {
    /// The one record found, if there is one.
    pub(crate) fn one(self) -> Option<Rc<T>> {
        match self {
            Found::One(t) => Some(t),
            Found::Missing | Found::Many => None,
        }
    }
}

// Not derived: a derive would ask `T: Clone`, and only the `Rc` is cloned.
impl<T> Clone for Found<T> {
    fn clone(&self) -> Self {
        match self {
            Found::One(t) => Found::One(Rc::clone(t)),
            Found::Missing => Found::Missing,
            Found::Many => Found::Many,
        }
    }
}
