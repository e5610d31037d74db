//! A customer user as sync sees them: the synced fields with their clocks (read for a push),
//! and written back as the team's server holds them (a pull). References travel as ids, so
//! a renamed customer does not change its users' values; the names are looked up here.
//! A remote write records no change of its own: the change records travel beside it.

use cu_sync::merge::{Fields, Versioned};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Map, Value};

use super::row::{self, Named, Row};
use super::{snapshot, stored_row};
use crate::customer_user::address::{self, AddressInput};
use crate::customer_user::{self, Address};
use crate::reference::{self, RoleRef};
use crate::store::Tx;
use crate::Result;

/// The field that carries the password's argon2id hash between desktops, with the clock of
/// `hasPassword` (the hash is never shown or recorded in History).
const PASSWORD_HASH: &str = "passwordHash";

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
    let clock = |name: &str| {
        let name = if name == PASSWORD_HASH {
            "hasPassword"
        } else {
            name
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

/// Writes the user `id` as `fields` describe them, creating them if they are new here.
/// Returns why it cannot yet (a customer, website or role not here), and writes nothing then.
pub(crate) fn apply(tx: &mut Tx<'_>, id: &str, fields: &Fields) -> Result<Option<String>> {
    let value = |name: &str| fields.get(name).map_or(&Value::Null, |v| &v.value);
    let text = |name: &str| value(name).as_str().map(str::to_string);
    let flag = |name: &str| value(name).as_bool().unwrap_or(false);
    let id_list = |name: &str| -> Vec<String> {
        value(name)
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };

    let Some(customer_id) = text("customer") else {
        return Ok(Some("the user has no customer".into()));
    };
    let Some(customer) = reference::customer_ref(tx, &customer_id)? else {
        return Ok(Some(format!("customer {customer_id} is not here yet")));
    };
    let website = match text("website") {
        Some(w) => match tx
            .prepare_cached("SELECT id, name FROM website WHERE id = ?1")?
            .query_row([&w], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .optional()?
        {
            Some(site) => Some(site),
            None => return Ok(Some(format!("website {w} is not here yet"))),
        },
        None => None,
    };
    let owner = match text("owner") {
        Some(o) => match reference::user_ref(tx, &o)? {
            Some(owner) => Some(owner),
            None => return Ok(Some(format!("back-office user {o} is not here yet"))),
        },
        None => None,
    };
    for rep in id_list("salesRepresentatives") {
        if reference::user_ref(tx, &rep)?.is_none() {
            return Ok(Some(format!("back-office user {rep} is not here yet")));
        }
    }
    if let Some(l) = text("preferredLocalization") {
        if reference::localization_ref(tx, &l)?.is_none() {
            return Ok(Some(format!("localization {l} is not here yet")));
        }
    }
    let mut roles: Vec<RoleRef> = Vec::new();
    for role in id_list("userRoles") {
        match reference::role_ref(tx, &role)? {
            Some(r) => roles.push(r),
            None => return Ok(Some(format!("role {role} is not here yet"))),
        }
    }
    roles.sort_by(|a, b| (&a.label, &a.id).cmp(&(&b.label, &b.id)));
    let organization = reference::customer_organization(tx, &customer.id)?;
    let (first_name, last_name, email) = (
        text("firstName").unwrap_or_default(),
        text("lastName").unwrap_or_default(),
        text("email").unwrap_or_default(),
    );
    let (name_prefix, middle_name, name_suffix, birthday) = (
        text("namePrefix"),
        text("middleName"),
        text("nameSuffix"),
        text("birthday"),
    );
    let after = Row {
        name_prefix: name_prefix.as_deref(),
        first_name: &first_name,
        middle_name: middle_name.as_deref(),
        last_name: &last_name,
        name_suffix: name_suffix.as_deref(),
        email: &email,
        birthday: birthday.as_deref(),
        enabled: flag("enabled"),
        confirmed: flag("confirmed"),
        is_guest: flag("isGuest"),
        organization: &organization,
        customer: Named {
            id: &customer.id,
            name: &customer.name,
        },
        website: website.as_ref().map(|(id, name)| Named { id, name }),
        owner: owner.as_ref().map(|o| Named {
            id: &o.id,
            name: &o.name,
        }),
        roles: roles.iter().collect(),
    };

    let clocks: Map<String, Value> = fields
        .iter()
        .map(|(name, v)| {
            let name = if name == PASSWORD_HASH {
                "hasPassword"
            } else {
                name
            };
            (name.to_string(), Value::String(v.hlc.clone()))
        })
        .collect();
    let created_hlc = fields
        .values()
        .map(|v| v.hlc.as_str())
        .min()
        .unwrap_or_default()
        .to_string();
    let before = match tx
        .query_row("SELECT seq FROM customer_user WHERE id = ?1", [id], |r| {
            r.get::<_, i64>(0)
        })
        .optional()?
    {
        Some(seq) => Some((seq, customer_user::get(tx, id)?)),
        None => None,
    };
    let seq = match &before {
        Some((seq, user)) => {
            let changed = after.changed_since(&stored_row(user));
            row::update(tx, *seq, id, &after, &changed, Vec::new())?;
            *seq
        }
        None => row::insert(tx, id, &after)?.seq,
    };
    tx.prepare_cached(
        "UPDATE customer_user SET field_hlc = ?2, created_hlc = ?3, updated_at = ?4,
            password_hash = ?5 WHERE seq = ?1",
    )?
    .execute(params![
        seq,
        Value::Object(clocks).to_string(),
        created_hlc,
        tx.now(),
        text(PASSWORD_HASH),
    ])?;
    for (name, column) in ACCOUNT {
        let v = value(name);
        let cell = match v {
            Value::Number(n) => rusqlite::types::Value::Integer(n.as_i64().unwrap_or(0)),
            Value::String(s) => rusqlite::types::Value::Text(s.clone()),
            _ if name == "authStatus" => rusqlite::types::Value::Text("active".into()),
            _ if name == "loginCount" => rusqlite::types::Value::Integer(0),
            _ => rusqlite::types::Value::Null,
        };
        tx.execute(
            &format!("UPDATE customer_user SET {column} = ?2 WHERE seq = ?1"),
            params![seq, cell],
        )?;
    }
    write_relations(tx, id, fields, before.as_ref().map(|(_, u)| u))?;
    Ok(None)
}

/// The sales representatives, addresses and preferred localization `fields` give (each
/// known here: [`apply`] waits for them), the addresses only where they differ from
/// `before`'s.
fn write_relations(
    tx: &mut Tx<'_>,
    id: &str,
    fields: &Fields,
    before: Option<&customer_user::CustomerUser>,
) -> Result<()> {
    let value = |name: &str| fields.get(name).map_or(Value::Null, |v| v.value.clone());
    let reps: Vec<String> =
        serde_json::from_value(value("salesRepresentatives")).unwrap_or_default();
    super::replace_sales_reps(tx, id, &reps)?;
    let addresses: Vec<Address> = serde_json::from_value(value("addresses")).unwrap_or_default();
    let inputs: Vec<AddressInput> = addresses.into_iter().map(AddressInput::from).collect();
    let had: Option<Vec<AddressInput>> = before.map(|b| {
        b.addresses
            .iter()
            .cloned()
            .map(AddressInput::from)
            .collect()
    });
    if had.as_ref() != Some(&inputs) {
        address::replace(tx, id, &inputs)?;
    }
    let localization = value("preferredLocalization");
    if let Some(website) = value("website").as_str() {
        tx.execute(
            "INSERT INTO customer_user_settings (customer_user_id, website_id, localization_id)
             VALUES (?1, ?2, ?3)
             ON CONFLICT (customer_user_id, website_id) DO UPDATE SET localization_id = excluded.localization_id",
            params![id, website, localization.as_str()],
        )?;
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

/// Removes every customer user, with the orders and shopping lists they own: a desktop that
/// takes its team's records starts without its own.
pub(crate) fn remove_all(tx: &Tx<'_>) -> Result<()> {
    tx.execute_batch(
        "DELETE FROM sales_order;
         DELETE FROM shopping_list;
         DELETE FROM customer_user;",
    )?;
    Ok(())
}
