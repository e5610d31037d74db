//! The one writer of customer users: the row and its relations, the fields' clocks and the
//! change record, in the caller's transaction. The form, the CLI, bulk actions, account
//! actions, delivery's link stamps, the CSV imports, demo data and the generator all write
//! through this module; no other module issues SQL that writes `customer_user`.

pub(crate) mod account;
pub(crate) mod remote;
pub(crate) mod row;

use rusqlite::params;
use serde_json::{Map, Value};

use self::row::{Named, Row};
use crate::actor::Actor;
use crate::back_office::capability::{require, Capability};
use crate::customer_user::field::Field;
use crate::customer_user::input::{self, Checked, CustomerChoice, CustomerUserInput, Mode};
use crate::customer_user::patch::CustomerUserPatch;
use crate::customer_user::{self, address, CustomerUser};
use crate::reference;
use crate::store::{clocks_with, new_id, Tx};
use crate::{CoreError, Database, Result};

pub(crate) use self::account::*;

const ENTITY: &str = "customer_user";

/// Creates a user inside an open transaction (the generator and imports pass
/// `password_required = false`: such users set their password through a link).
pub fn create_in(
    tx: &mut Tx<'_>,
    input: &CustomerUserInput,
    password_required: bool,
) -> Result<CustomerUser> {
    let checked = input::check(tx, input, Mode::Create { password_required }, tx.actor())?;
    let id = new_id();
    let customer_id = customer_id_for(tx, &checked)?;
    let names = Names::look_up(tx, &checked, &customer_id)?;
    let added = row::insert(tx, &id, &names.row(&checked, &customer_id))?;
    if let Some(new_password) = &checked.new_password {
        set_password(tx, &id, new_password)?;
    }
    write_relations(tx, &id, &checked, &customer_id, None)?;
    let user = customer_user::get(tx, &id)?;
    record_create(tx, &id, &added.hlc, snapshot(&user))?;
    Ok(user)
}

/// Applies `patch` to the user `id`: one read before, only the changed columns written, one
/// read after. A new password in the patch is stored; ending the links it makes stale is the
/// caller's (`account::update`).
pub fn update_in(tx: &mut Tx<'_>, id: &str, patch: CustomerUserPatch) -> Result<CustomerUser> {
    let before = customer_user::stored(tx, id)?;
    let roles_given = patch.user_roles.is_some();
    let mut input = patch.apply(CustomerUserInput::from_user(&before.user));
    if !roles_given {
        drop_roles_of_old_customer(tx, &before.user, &mut input)?;
    }
    let checked = input::check(tx, &input, Mode::Update { id }, tx.actor())?;
    let customer_id = customer_id_for(tx, &checked)?;
    let names = Names::look_up(tx, &checked, &customer_id)?;
    let after = names.row(&checked, &customer_id);
    let was = stored_row(&before.user);
    let changed = after.changed_since(&was);
    row::update(tx, before.seq, id, &after, &changed, Vec::new())?;
    if let Some(new_password) = &checked.new_password {
        set_password(tx, id, new_password)?;
    }
    write_relations(tx, id, &checked, &customer_id, Some(&before.user))?;
    record_update(tx, id, &before.user)
}

/// A user moved to another customer loses the roles of the one they leave (a customizable
/// role serves its own customer's users only). When that leaves an enabled user without a
/// role, the move is refused with the roles named.
fn drop_roles_of_old_customer(
    tx: &Tx<'_>,
    before: &CustomerUser,
    input: &mut CustomerUserInput,
) -> Result<()> {
    let moved = match (&input.customer, &input.new_customer) {
        (_, Some(_)) => true,
        (Some(key), None) => {
            crate::reference::resolve_customer(tx, key)?.as_deref() != Some(&before.customer.id)
        }
        (None, None) => false,
    };
    if !moved {
        return Ok(());
    }
    let (dropped, kept): (Vec<_>, Vec<_>) = before
        .user_roles
        .iter()
        .partition(|r| r.customer_id.as_deref() == Some(before.customer.id.as_str()));
    if dropped.is_empty() {
        return Ok(());
    }
    if kept.is_empty() && input.enabled.unwrap_or(true) {
        let labels: Vec<&str> = dropped.iter().map(|r| r.label.as_str()).collect();
        return Err(CoreError::field(
            "userRoles",
            format!(
                "Moving {} away from {} takes the roles of {} ({}), and an enabled user needs \
                 a role: choose one of the new customer's roles or a predefined one.",
                before.full_name(),
                before.customer.name,
                before.customer.name,
                labels.join(", ")
            ),
        ));
    }
    input.user_roles = Some(kept.iter().map(|r| r.id.clone()).collect());
    Ok(())
}

/// Records what changed since `before` in the change log, with the fields' clocks and
/// the update time; returns the user as now stored.
pub(crate) fn record_update(
    tx: &mut Tx<'_>,
    id: &str,
    before: &CustomerUser,
) -> Result<CustomerUser> {
    let after = customer_user::stored(tx, id)?;
    let fields = diff(&snapshot(before), &snapshot(&after.user));
    if fields.is_empty() {
        return Ok(after.user);
    }
    let hlc = tx.tick();
    let now = tx.now();
    let field_hlc = clocks_with(&after.field_hlc, &fields, &hlc);
    tx.prepare_cached("UPDATE customer_user SET updated_at = ?2, field_hlc = ?3 WHERE seq = ?1")?
        .execute(params![after.seq, now, field_hlc])?;
    tx.record(ENTITY, id, "update", &fields, &hlc)?;
    let mut user = after.user;
    user.updated_at = now;
    Ok(user)
}

/// Writes the row fields `changed` of a user the caller has read (the CSV import), with the
/// update time, the fields' clocks and the change record, in one statement.
pub(crate) fn update_row(
    tx: &mut Tx<'_>,
    stored: (i64, &str, &str),
    before: &Row<'_>,
    after: &Row<'_>,
    changed: &[Field],
) -> Result<()> {
    let (seq, id, field_hlc) = stored;
    let fields: Map<String, Value> = changed
        .iter()
        .map(|&f| {
            let change = Value::Array(vec![before.value(f), after.value(f)]);
            (f.api().to_string(), change)
        })
        .collect();
    let hlc = tx.tick();
    let extra = vec![
        ("updated_at", rusqlite::types::Value::Text(tx.now())),
        (
            "field_hlc",
            rusqlite::types::Value::Text(clocks_with(field_hlc, &fields, &hlc)),
        ),
    ];
    row::update(tx, seq, id, after, changed, extra)?;
    tx.record(ENTITY, id, "update", &fields, &hlc)
}

/// The change record of a new user, from `fields` as the API names them.
pub(crate) fn record_create(
    tx: &mut Tx<'_>,
    id: &str,
    hlc: &str,
    fields: Map<String, Value>,
) -> Result<()> {
    tx.record(ENTITY, id, "create", &created(fields), hlc)
}

/// The names a row carries beside the ids a check resolved.
struct Names {
    customer: String,
    website: Option<String>,
    owner: Option<String>,
}

impl Names {
    fn look_up(tx: &Tx<'_>, checked: &Checked, customer_id: &str) -> Result<Self> {
        let customer = tx.query_row(
            "SELECT name FROM customer WHERE id = ?1",
            [customer_id],
            |r| r.get(0),
        )?;
        let website = match &checked.website {
            Some(w) => Some(reference::get_website(tx, w)?.name),
            None => None,
        };
        let owner = match &checked.owner {
            Some(o) => reference::user_ref(tx, o)?.map(|r| r.name),
            None => None,
        };
        Ok(Names {
            customer,
            website,
            owner,
        })
    }

    fn row<'a>(&'a self, c: &'a Checked, customer_id: &'a str) -> Row<'a> {
        let mut roles: Vec<&reference::RoleRef> = c.roles.iter().collect();
        roles.sort_by(|a, b| (&a.label, &a.id).cmp(&(&b.label, &b.id)));
        Row {
            name_prefix: c.name_prefix.as_deref(),
            first_name: &c.first_name,
            middle_name: c.middle_name.as_deref(),
            last_name: &c.last_name,
            name_suffix: c.name_suffix.as_deref(),
            email: &c.email,
            birthday: c.birthday.as_deref(),
            enabled: c.enabled,
            confirmed: c.confirmed,
            is_guest: c.is_guest,
            organization: &c.organization,
            customer: Named {
                id: customer_id,
                name: &self.customer,
            },
            website: c.website.as_deref().map(|id| Named {
                id,
                name: self.website.as_deref().unwrap_or_default(),
            }),
            owner: c.owner.as_deref().map(|id| Named {
                id,
                name: self.owner.as_deref().unwrap_or_default(),
            }),
            roles,
            extra: Some(&c.extra).filter(|m| !m.is_empty()),
        }
    }
}

/// The row of a user as read back.
pub(crate) fn stored_row(user: &CustomerUser) -> Row<'_> {
    fn named(r: &Option<reference::Ref>) -> Option<Named<'_>> {
        r.as_ref().map(|r| Named {
            id: &r.id,
            name: &r.name,
        })
    }
    Row {
        name_prefix: user.name_prefix.as_deref(),
        first_name: &user.first_name,
        middle_name: user.middle_name.as_deref(),
        last_name: &user.last_name,
        name_suffix: user.name_suffix.as_deref(),
        email: &user.email,
        birthday: user.birthday.as_deref(),
        enabled: user.enabled,
        confirmed: user.confirmed,
        is_guest: user.is_guest,
        organization: &user.organization.id,
        customer: Named {
            id: &user.customer.id,
            name: &user.customer.name,
        },
        website: named(&user.website),
        owner: named(&user.owner),
        roles: user.user_roles.iter().collect(),
        extra: Some(&user.extra).filter(|m| !m.is_empty()),
    }
}

/// Enables or disables the user; enabling still needs a role.
pub fn set_enabled(db: &Database, actor: &Actor, id: &str, enabled: bool) -> Result<CustomerUser> {
    let patch = CustomerUserPatch {
        enabled: Some(enabled),
        ..CustomerUserPatch::default()
    };
    db.write(actor, |tx| {
        require(tx, Capability::ManageCustomerUsers)?;
        update_in(tx, id, patch)
    })
}

/// Deletes the user with their addresses, settings and role links, unless they own records.
pub fn delete(db: &Database, actor: &Actor, id: &str) -> Result<()> {
    db.write(actor, |tx| {
        require(tx, Capability::ManageCustomerUsers)?;
        let user = customer_user::get(tx, id)?;
        let owned = owned_records(tx, id)?;
        if !owned.is_empty() {
            return Err(CoreError::conflict(format!(
                "{} cannot be deleted because they own {}. Reassign or delete those first, or disable the user instead.",
                user.email,
                owned.join(" and ")
            )));
        }
        let hlc = tx.tick();
        let fields = diff(&snapshot(&user), &Map::new());
        tx.record(ENTITY, id, "delete", &fields, &hlc)?;
        tx.execute("DELETE FROM customer_user WHERE id = ?1", [id])?;
        Ok(())
    })
}

/// "2 orders", "1 shopping list": what the user owns, for the refusal message.
pub(crate) fn owned_records(tx: &Tx<'_>, id: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for (table, one, many) in [
        (
            "request_for_quote",
            "request for quote",
            "requests for quote",
        ),
        ("quote", "quote", "quotes"),
        ("sales_order", "order", "orders"),
        ("shopping_list", "shopping list", "shopping lists"),
    ] {
        let n: i64 = tx.query_row(
            &format!("SELECT count(*) FROM {table} WHERE customer_user_id = ?1"),
            [id],
            |r| r.get(0),
        )?;
        if n > 0 {
            out.push(format!("{n} {}", if n == 1 { one } else { many }));
        }
    }
    Ok(out)
}

fn customer_id_for(tx: &mut Tx<'_>, checked: &Checked) -> Result<String> {
    match &checked.customer {
        CustomerChoice::Existing(id) => Ok(id.clone()),
        CustomerChoice::New(input) => {
            reference::create_customer(tx, &checked.organization, input, "newCustomer.")
        }
    }
}

/// Sales representatives, addresses and the website's settings row (with the localization),
/// each written only when it differs from `before`'s.
fn write_relations(
    tx: &mut Tx<'_>,
    id: &str,
    checked: &Checked,
    customer_id: &str,
    before: Option<&CustomerUser>,
) -> Result<()> {
    let reps = match &checked.sales_representatives {
        Some(reps) => reps.clone(),
        None => reference::customer_sales_reps(tx, customer_id)?
            .into_iter()
            .map(|r| r.id)
            .collect(),
    };
    let had_reps = before.map(|b| {
        b.sales_representatives
            .iter()
            .map(|r| r.id.clone())
            .collect::<Vec<_>>()
    });
    if had_reps.as_ref() != Some(&reps) {
        replace_sales_reps(tx, id, &reps)?;
    }
    let had_addresses = before.map(|b| {
        b.addresses
            .iter()
            .cloned()
            .map(address::AddressInput::from)
            .collect::<Vec<_>>()
    });
    if had_addresses.as_ref() != Some(&checked.addresses) {
        address::replace(tx, id, &checked.addresses)?;
    }
    if let Some(website) = &checked.website {
        let had = before.and_then(|b| {
            let same_site = b.website.as_ref().is_some_and(|w| w.id == *website);
            same_site.then(|| b.preferred_localization.as_ref().map(|l| l.id.clone()))
        });
        if had.as_ref() != Some(&checked.preferred_localization) {
            tx.execute(
                "INSERT INTO customer_user_settings (customer_user_id, website_id, localization_id) VALUES (?1, ?2, ?3)
                 ON CONFLICT (customer_user_id, website_id) DO UPDATE SET localization_id = excluded.localization_id",
                params![id, website, checked.preferred_localization],
            )?;
        }
    }
    Ok(())
}

/// Makes `reps` the user's sales representatives.
pub(crate) fn replace_sales_reps(tx: &Tx<'_>, id: &str, reps: &[String]) -> Result<()> {
    tx.prepare_cached("DELETE FROM customer_user_sales_rep WHERE customer_user_id = ?1")?
        .execute([id])?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO customer_user_sales_rep (customer_user_id, user_id) VALUES (?1, ?2)",
    )?;
    for rep in reps {
        insert.execute([id, rep])?;
    }
    Ok(())
}

/// The fields History shows, as the API names them; never a password or its hash.
pub(crate) fn snapshot(user: &CustomerUser) -> Map<String, Value> {
    let mut map = match serde_json::to_value(user) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    map.retain(|key, _| Field::by_api(key).is_some_and(|f| f.def().syncs));
    map
}

/// `{field: [old, new]}` for every field whose value differs.
pub(crate) fn diff(before: &Map<String, Value>, after: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for key in before.keys().chain(after.keys()) {
        let old = before.get(key).unwrap_or(&Value::Null);
        let new = after.get(key).unwrap_or(&Value::Null);
        if old != new && !out.contains_key(key) {
            out.insert(key.clone(), Value::Array(vec![old.clone(), new.clone()]));
        }
    }
    out
}

/// The change record of a create: `{field: [null, value]}` for every field with a value
/// (what [`diff`] from nothing gives, without copying the values).
pub(crate) fn created(fields: Map<String, Value>) -> Map<String, Value> {
    fields
        .into_iter()
        .filter(|(_, value)| !value.is_null())
        .map(|(key, value)| (key, Value::Array(vec![Value::Null, value])))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_create_records_every_field_with_a_value_as_a_change_from_nothing() {
        let fields =
            json!({ "firstName": "Ann", "middleName": null, "roles": [], "enabled": false });
        let Value::Object(fields) = fields else {
            unreachable!()
        };
        let record = created(fields.clone());
        assert_eq!(record, diff(&Map::new(), &fields));
        assert_eq!(
            Value::Object(record),
            json!({ "firstName": [null, "Ann"], "roles": [null, []], "enabled": [null, false] })
        );
    }
}
