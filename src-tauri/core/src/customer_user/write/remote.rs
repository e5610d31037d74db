//! A customer user as sync sees them: the synced fields with their clocks (read for a push),
//! and written back as the team's server holds them (a pull). References travel as ids, so
//! a renamed customer does not change its users' values; the names are looked up here.
//! A remote write records no change of its own: the change records travel beside it.

use std::collections::HashMap;
use std::rc::Rc;

use cu_sync::merge::{Fields, Versioned};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Map, Value};

use super::row::{self, Named, Row};
use super::{snapshot, stored_row};
use crate::customer_user::address::{self, AddressInput};
use crate::customer_user::{self, Address};
use crate::reference::{self, cached, Found, Ref, RoleRef};
use crate::store::Tx;
use crate::Result;

/// The field that carries the password's argon2id hash between desktops, with the clock of
/// `hasPassword` (the hash is never shown or recorded in History).
const PASSWORD_HASH: &str = "passwordHash";

const CREATED_AT: &str = "createdAt";
const UPDATED_AT: &str = "updatedAt";

/// The account columns a remote write copies as they are, by their field's name.
const ACCOUNT: [(&str, &str); 9] = [
    ("authStatus", "auth_status"),
    ("loginCount", "login_count"),
    ("lastLogin", "last_login"),
    ("passwordChangedAt", "password_changed_at"),
    ("passwordRequestedAt", "password_requested_at"),
    ("resetLinkExpiresAt", "reset_expires_at"),
    ("confirmationLinkExpiresAt", "confirmation_expires_at"),
    ("lockedAt", "locked_at"),
    ("lockedUntil", "locked_until"),
];

/// The user's synced fields with their clocks, or `None` when there is no such user.
pub(crate) fn state(conn: &Connection, id: &str) -> Result<Option<Fields>> {
    let row: Option<(String, String, Option<String>)> = conn
        .prepare_cached(
            "SELECT field_hlc, created_hlc, password_hash FROM customer_user WHERE id = ?1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((field_hlc, created_hlc, hash)) = row else {
        return Ok(None);
    };
    let user = customer_user::get(conn, id)?;
    let clocks: Map<String, Value> = serde_json::from_str(&field_hlc).unwrap_or_default();
    let mut values = snapshot(&user);
    values.remove("hasPassword");
    let ids = |refs: Vec<&str>| {
        let mut ids: Vec<&str> = refs;
        ids.sort_unstable();
        json!(ids)
    };
    values.insert("customer".into(), json!(user.customer.id));
    values.insert(
        "website".into(),
        json!(user.website.as_ref().map(|w| &w.id)),
    );
    values.insert("owner".into(), json!(user.owner.as_ref().map(|o| &o.id)));
    values.insert(
        "preferredLocalization".into(),
        json!(user.preferred_localization.as_ref().map(|l| &l.id)),
    );
    values.insert(
        "userRoles".into(),
        ids(user.user_roles.iter().map(|r| r.id.as_str()).collect()),
    );
    values.insert(
        "salesRepresentatives".into(),
        ids(user
            .sales_representatives
            .iter()
            .map(|r| r.id.as_str())
            .collect()),
    );
    values.insert(PASSWORD_HASH.into(), json!(hash));
    // When the user was created and last changed, wherever that was: the grid's Created At
    // and Updated At read the same on every desktop.
    values.insert(CREATED_AT.into(), json!(user.created_at));
    values.insert(UPDATED_AT.into(), json!(user.updated_at));
    let newest = clocks
        .values()
        .filter_map(Value::as_str)
        .chain([created_hlc.as_str()])
        .max()
        .unwrap_or_default()
        .to_string();
    let clock = |name: &str| {
        let name = match name {
            PASSWORD_HASH => "hasPassword",
            UPDATED_AT => return newest.clone(),
            other => other,
        };
        clocks
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or(&created_hlc)
            .to_string()
    };
    Ok(Some(
        values
            .into_iter()
            .map(|(name, value)| {
                let hlc = clock(&name);
                (name, Versioned { value, hlc })
            })
            .collect(),
    ))
}

/// What a user's fields refer to, as this store names them.
struct Resolved {
    /// The customer and its organization.
    customer: Rc<(Ref, String)>,
    website: Option<Rc<Ref>>,
    owner: Option<Rc<Ref>>,
    /// Sorted by label, as the change record lists them.
    roles: Vec<Rc<RoleRef>>,
}

/// The records users refer to, by id, looked up once each: a bulk write meets the same few
/// customers, websites, owners and roles a million times.
#[derive(Default)]
struct Lookups {
    customers: HashMap<String, Found<(Ref, String)>>,
    websites: HashMap<String, Found<Ref>>,
    users: HashMap<String, Found<Ref>>,
    roles: HashMap<String, Found<RoleRef>>,
    localizations: HashMap<String, Found<Ref>>,
}

fn value<'a>(fields: &'a Fields, name: &str) -> &'a Value {
    fields.get(name).map_or(&Value::Null, |v| &v.value)
}

fn text<'a>(fields: &'a Fields, name: &str) -> Option<&'a str> {
    value(fields, name).as_str()
}

fn id_list<'a>(fields: &'a Fields, name: &str) -> Vec<&'a str> {
    value(fields, name)
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

impl Lookups {
    /// The records `fields` refer to, or why the user cannot be written yet (one of them is
    /// not here).
    fn resolve(
        &mut self,
        conn: &Connection,
        fields: &Fields,
    ) -> Result<std::result::Result<Resolved, String>> {
        let Some(customer_id) = text(fields, "customer") else {
            return Ok(Err("the user has no customer".into()));
        };
        let customer = cached(
            &mut self.customers,
            customer_id,
            || match reference::customer_ref(conn, customer_id)? {
                Some(c) => Ok(Some((
                    c,
                    reference::customer_organization(conn, customer_id)?,
                ))),
                None => Ok(None),
            },
        )?;
        let Some(customer) = customer.one() else {
            return Ok(Err(format!("customer {customer_id} is not here yet")));
        };
        let website = match text(fields, "website") {
            Some(w) => match cached(&mut self.websites, w, || website_ref(conn, w))?.one() {
                Some(site) => Some(site),
                None => return Ok(Err(format!("website {w} is not here yet"))),
            },
            None => None,
        };
        let mut user = |id: &str| -> Result<Option<Rc<Ref>>> {
            Ok(cached(&mut self.users, id, || reference::user_ref(conn, id))?.one())
        };
        let owner = match text(fields, "owner") {
            Some(o) => match user(o)? {
                Some(owner) => Some(owner),
                None => return Ok(Err(format!("back-office user {o} is not here yet"))),
            },
            None => None,
        };
        for rep in id_list(fields, "salesRepresentatives") {
            if user(rep)?.is_none() {
                return Ok(Err(format!("back-office user {rep} is not here yet")));
            }
        }
        if let Some(l) = text(fields, "preferredLocalization") {
            let found = cached(&mut self.localizations, l, || {
                reference::localization_ref(conn, l)
            })?;
            if found.one().is_none() {
                return Ok(Err(format!("localization {l} is not here yet")));
            }
        }
        let mut roles = Vec::new();
        for role in id_list(fields, "userRoles") {
            match cached(&mut self.roles, role, || reference::role_ref(conn, role))?.one() {
                Some(r) => roles.push(r),
                None => return Ok(Err(format!("role {role} is not here yet"))),
            }
        }
        roles.sort_by(|a, b| (&a.label, &a.id).cmp(&(&b.label, &b.id)));
        Ok(Ok(Resolved {
            customer,
            website,
            owner,
            roles,
        }))
    }
}

fn website_ref(conn: &Connection, id: &str) -> Result<Option<Ref>> {
    Ok(conn
        .prepare_cached("SELECT id, name FROM website WHERE id = ?1")?
        .query_row([id], |r| {
            Ok(Ref {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        })
        .optional()?)
}

/// The row `fields` describe, its references as `resolved` found them.
fn row_of<'a>(fields: &'a Fields, resolved: &'a Resolved) -> Row<'a> {
    let flag = |name: &str| value(fields, name).as_bool().unwrap_or(false);
    let named = |r: &'a Ref| Named {
        id: &r.id,
        name: &r.name,
    };
    Row {
        name_prefix: text(fields, "namePrefix"),
        first_name: text(fields, "firstName").unwrap_or_default(),
        middle_name: text(fields, "middleName"),
        last_name: text(fields, "lastName").unwrap_or_default(),
        name_suffix: text(fields, "nameSuffix"),
        email: text(fields, "email").unwrap_or_default(),
        birthday: text(fields, "birthday"),
        enabled: flag("enabled"),
        confirmed: flag("confirmed"),
        is_guest: flag("isGuest"),
        organization: &resolved.customer.1,
        customer: named(&resolved.customer.0),
        website: resolved.website.as_deref().map(named),
        owner: resolved.owner.as_deref().map(named),
        roles: resolved.roles.iter().map(|r| &**r).collect(),
        extra: value(fields, "extra").as_object().filter(|m| !m.is_empty()),
    }
}

/// The columns a user's row keeps of sync besides its row fields: the clocks, the password's
/// hash and the account's state, copied as they are.
fn synced_columns(fields: &Fields, now: String) -> Vec<(&'static str, SqlValue)> {
    let created_hlc = fields
        .values()
        .map(|v| v.hlc.as_str())
        .min()
        .unwrap_or_default()
        .to_string();
    // Only the clocks that differ from the create's: [`state`] reads a missing one as the
    // create's, and a user no one has edited since keeps `{}` instead of a clock per field.
    let clocks: Map<String, Value> = fields
        .iter()
        .filter(|(_, v)| v.hlc != created_hlc)
        .map(|(name, v)| {
            let name = if name == PASSWORD_HASH {
                "hasPassword"
            } else {
                name
            };
            (name.to_string(), Value::String(v.hlc.clone()))
        })
        .collect();
    let time = |name: &str| SqlValue::Text(text(fields, name).unwrap_or(&now).to_string());
    let mut columns = vec![
        (
            "field_hlc",
            SqlValue::Text(Value::Object(clocks).to_string()),
        ),
        ("created_hlc", SqlValue::Text(created_hlc)),
        ("created_at", time(CREATED_AT)),
        ("updated_at", time(UPDATED_AT)),
        (
            "password_hash",
            text(fields, PASSWORD_HASH).map_or(SqlValue::Null, |h| SqlValue::Text(h.into())),
        ),
    ];
    for (name, column) in ACCOUNT {
        let cell = match value(fields, name) {
            Value::Number(n) => SqlValue::Integer(n.as_i64().unwrap_or(0)),
            Value::String(s) => SqlValue::Text(s.clone()),
            _ if name == "authStatus" => SqlValue::Text("active".into()),
            _ if name == "loginCount" => SqlValue::Integer(0),
            _ => SqlValue::Null,
        };
        columns.push((column, cell));
    }
    columns
}

/// Writes the user `id` as `fields` describe them, creating them if they are new here.
/// Returns why it cannot yet (a customer, website or role not here), and writes nothing then.
pub(crate) fn apply(tx: &mut Tx<'_>, id: &str, fields: &Fields) -> Result<Option<String>> {
    let before = match tx
        .query_row("SELECT seq FROM customer_user WHERE id = ?1", [id], |r| {
            r.get::<_, i64>(0)
        })
        .optional()?
    {
        Some(seq) => Some((seq, customer_user::get(tx, id)?)),
        None => None,
    };
    write(tx, &mut Lookups::default(), id, fields, before.as_ref())
}

/// Writes the user `id` over `before` (their `seq` and stored state), or as new. The row
/// goes first, in one statement: a row this store refuses (an e-mail another user here has)
/// leaves nothing behind.
fn write(
    tx: &mut Tx<'_>,
    lookups: &mut Lookups,
    id: &str,
    fields: &Fields,
    before: Option<&(i64, customer_user::CustomerUser)>,
) -> Result<Option<String>> {
    let resolved = match lookups.resolve(tx, fields)? {
        Ok(resolved) => resolved,
        Err(reason) => return Ok(Some(reason)),
    };
    let after = row_of(fields, &resolved);
    let columns = synced_columns(fields, tx.now());
    match before {
        Some((seq, user)) => {
            let changed = after.changed_since(&stored_row(user));
            row::update(tx, *seq, id, &after, &changed, columns)?;
        }
        None => {
            row::insert_with(tx, id, &after, columns)?;
        }
    }
    write_relations(tx, id, fields, before.map(|(_, u)| u))?;
    Ok(None)
}

/// Writes users new to this store in bulk, for a desktop that starts from its team's data
/// with no customer users: the search triggers and the grid's sort indexes are set aside
/// while the rows go in, and built once at the end ([`row::BulkIndexes`]).
pub(crate) struct Bulk {
    lookups: Lookups,
    indexes: row::BulkIndexes,
}

impl Bulk {
    pub(crate) fn begin(tx: &Tx<'_>) -> Result<Self> {
        Ok(Bulk {
            lookups: Lookups::default(),
            indexes: row::BulkIndexes::set_aside(tx)?,
        })
    }

    /// Adds the user `id`, new here; returns why they cannot be written yet, as [`apply`]
    /// does, or the rule of this store they break. Nothing of a refused user is written (see
    /// [`write`]), so no savepoint is needed: one per user would journal every page it
    /// touches.
    pub(crate) fn add(
        &mut self,
        tx: &mut Tx<'_>,
        id: &str,
        fields: &Fields,
    ) -> Result<Option<String>> {
        match write(tx, &mut self.lookups, id, fields, None) {
            Err(e) if !e.fields.is_empty() => Ok(Some(e.field_reasons())),
            other => other,
        }
    }

    pub(crate) fn finish(self, tx: &Tx<'_>) -> Result<()> {
        self.indexes.restore(tx)
    }
}

/// The sales representatives, addresses and preferred localization `fields` give (each
/// known here: [`apply`] waits for them), the addresses only where they differ from
/// `before`'s (`None` for a user new here).
fn write_relations(
    tx: &mut Tx<'_>,
    id: &str,
    fields: &Fields,
    before: Option<&customer_user::CustomerUser>,
) -> Result<()> {
    let reps: Vec<String> = id_list(fields, "salesRepresentatives")
        .into_iter()
        .map(str::to_string)
        .collect();
    if before.is_some() || !reps.is_empty() {
        super::replace_sales_reps(tx, id, &reps)?;
    }
    let addresses: Vec<Address> =
        serde_json::from_value(value(fields, "addresses").clone()).unwrap_or_default();
    let inputs: Vec<AddressInput> = addresses.into_iter().map(AddressInput::from).collect();
    let had: Vec<AddressInput> = before.map_or_else(Vec::new, |b| {
        b.addresses
            .iter()
            .cloned()
            .map(AddressInput::from)
            .collect()
    });
    if had != inputs {
        address::replace(tx, id, &inputs)?;
    }
    if let Some(website) = text(fields, "website") {
        tx.prepare_cached(
            "INSERT INTO customer_user_settings (customer_user_id, website_id, localization_id)
             VALUES (?1, ?2, ?3)
             ON CONFLICT (customer_user_id, website_id) DO UPDATE SET localization_id = excluded.localization_id",
        )?
        .execute(params![id, website, text(fields, "preferredLocalization")])?;
    }
    Ok(())
}

/// Deletes the user as another desktop did; returns why it cannot (records they own here).
pub(crate) fn remove(tx: &mut Tx<'_>, id: &str) -> Result<Option<String>> {
    let owned = super::owned_records(tx, id)?;
    if !owned.is_empty() {
        return Ok(Some(format!(
            "the user was deleted elsewhere but owns {} here",
            owned.join(" and ")
        )));
    }
    tx.execute("DELETE FROM customer_user WHERE id = ?1", [id])?;
    Ok(None)
}

/// Removes every customer user, with the records they own (their notes, events and
/// acceptances go with them): a desktop that takes its team's records starts without its own.
pub(crate) fn remove_all(tx: &Tx<'_>) -> Result<()> {
    tx.execute_batch(
        "DELETE FROM request_for_quote;
         DELETE FROM quote;
         DELETE FROM sales_order;
         DELETE FROM shopping_list;
         DELETE FROM customer_user;",
    )?;
    Ok(())
}
