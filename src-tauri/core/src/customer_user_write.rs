//! Creating, changing and deleting customer users: the one write path, with the change log.

use rusqlite::params;
use serde_json::{Map, Value};

use crate::actor::Actor;
use crate::customer_user::{self, AuthStatus, CustomerUser};
use crate::customer_user_input::{self, Checked, CustomerChoice, CustomerUserInput, Mode};
use crate::db::{new_id, Tx};
use crate::reference;
use crate::{account, address, email_template, outbox, CoreError, Database, Result};

const ENTITY: &str = "customer_user";

/// Input keys an update may carry: the writable fields of [`CustomerUserInput`].
const WRITABLE: &[&str] = &[
    "namePrefix",
    "firstName",
    "middleName",
    "lastName",
    "nameSuffix",
    "email",
    "birthday",
    "enabled",
    "confirmed",
    "isGuest",
    "customer",
    "newCustomer",
    "salesRepresentatives",
    "password",
    "passwordConfirm",
    "generatePassword",
    "website",
    "preferredLocalization",
    "owner",
    "userRoles",
    "addresses",
];

/// Creates a user from a form or the CLI: a password is required (typed or generated).
/// With "confirmation required" on, a user not marked confirmed starts unconfirmed and is
/// sent the confirmation e-mail; "Send Welcome Email" sends the set-password welcome.
pub fn create(db: &Database, actor: &Actor, input: &CustomerUserInput) -> Result<CustomerUser> {
    db.write(actor, |tx| {
        let mut input = input.clone();
        if input.confirmed.is_none() {
            input.confirmed = Some(!crate::settings::bool(tx, "confirmationRequired")?);
        }
        let user = create_in(tx, &input, true)?;
        if !user.confirmed {
            outbox::enqueue(tx, email_template::CONFIRMATION, &user)?;
        }
        if input.send_welcome_email == Some(true) {
            outbox::enqueue(tx, email_template::WELCOME_REGISTERED_BY_ADMIN, &user)?;
        }
        Ok(user)
    })
}

/// Creates a user inside an open transaction (the generator and imports pass
/// `password_required = false`: such users set their password through a link).
pub fn create_in(
    tx: &mut Tx<'_>,
    input: &CustomerUserInput,
    password_required: bool,
) -> Result<CustomerUser> {
    let checked =
        customer_user_input::check(tx, input, Mode::Create { password_required }, tx.actor())?;
    let id = new_id();
    let hlc = tx.tick();
    let customer_id = customer_id_for(tx, &checked)?;
    let customer_name: String = tx.query_row(
        "SELECT name FROM customer WHERE id = ?1",
        [&customer_id],
        |r| r.get(0),
    )?;
    let now = tx.now();
    tx.execute(
        "INSERT INTO customer_user (id, organization_id, customer_id, website_id, owner_id, name_prefix, first_name,
            middle_name, last_name, name_suffix, email, email_lowercase, birthday, enabled, confirmed, is_guest,
            created_at, updated_at, customer_name, created_hlc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17, ?18, ?19)",
        params![
            id,
            checked.organization,
            customer_id,
            checked.website,
            checked.owner,
            checked.name_prefix,
            checked.first_name,
            checked.middle_name,
            checked.last_name,
            checked.name_suffix,
            checked.email,
            checked.email.to_lowercase(),
            checked.birthday,
            checked.enabled,
            checked.confirmed,
            checked.is_guest,
            now,
            customer_name,
            hlc,
        ],
    )
    .map_err(unique_email_error)?;
    if let Some(new_password) = &checked.new_password {
        account::store_password(tx, &id, new_password)?;
    }
    write_relations(tx, &id, &checked, &customer_id)?;
    let user = customer_user::get(tx, &id)?;
    tx.record(ENTITY, &id, "create", &created(snapshot(&user)), &hlc)?;
    Ok(user)
}

/// Applies `patch` (only the keys to change; `null` clears) to the user `id`.
pub fn update(db: &Database, actor: &Actor, id: &str, patch: &Value) -> Result<CustomerUser> {
    db.write(actor, |tx| update_in(tx, id, patch))
}

pub fn update_in(tx: &mut Tx<'_>, id: &str, patch: &Value) -> Result<CustomerUser> {
    let Value::Object(patch) = patch else {
        return Err(CoreError::invalid_input(
            "An update must be a JSON object of the fields to change.",
        ));
    };
    if let Some(key) = patch.keys().find(|k| !WRITABLE.contains(&k.as_str())) {
        return Err(CoreError {
            fields: vec![crate::FieldError {
                field: key.clone(),
                message: "This field cannot be written.".into(),
            }],
            ..CoreError::invalid_input(format!("{key}: this field cannot be written."))
        });
    }
    let before = customer_user::get(tx, id)?;
    let mut merged = match serde_json::to_value(CustomerUserInput::from_user(&before))? {
        Value::Object(m) => m,
        _ => return Err(CoreError::internal("input did not serialize to an object")),
    };
    if patch.contains_key("newCustomer") {
        merged.remove("customer");
    }
    for (k, v) in patch {
        merged.insert(k.clone(), v.clone());
    }
    let input = CustomerUserInput::from_json(Value::Object(merged))?;
    let checked = customer_user_input::check(tx, &input, Mode::Update { id }, tx.actor())?;
    let customer_id = customer_id_for(tx, &checked)?;
    tx.execute(
        "UPDATE customer_user SET organization_id = ?2, customer_id = ?3, website_id = ?4, owner_id = ?5,
            name_prefix = ?6, first_name = ?7, middle_name = ?8, last_name = ?9, name_suffix = ?10, email = ?11,
            email_lowercase = ?12, birthday = ?13, enabled = ?14, confirmed = ?15, is_guest = ?16,
            customer_name = (SELECT name FROM customer WHERE id = ?3)
         WHERE id = ?1",
        params![
            id,
            checked.organization,
            customer_id,
            checked.website,
            checked.owner,
            checked.name_prefix,
            checked.first_name,
            checked.middle_name,
            checked.last_name,
            checked.name_suffix,
            checked.email,
            checked.email.to_lowercase(),
            checked.birthday,
            checked.enabled,
            checked.confirmed,
            checked.is_guest,
        ],
    )
    .map_err(unique_email_error)?;
    if let Some(new_password) = &checked.new_password {
        account::store_password(tx, id, new_password)?;
    }
    write_relations(tx, id, &checked, &customer_id)?;
    record_update(tx, id, &before)
}

/// Records what changed since `before` in the change log, with the fields' clocks and
/// the update time; returns the user as now stored.
pub(crate) fn record_update(
    tx: &mut Tx<'_>,
    id: &str,
    before: &CustomerUser,
) -> Result<CustomerUser> {
    let after = customer_user::get(tx, id)?;
    let fields = diff(&snapshot(before), &snapshot(&after));
    if fields.is_empty() {
        return Ok(after);
    }
    let now = tx.now();
    let hlc = tx.tick();
    let field_hlc: String = tx.query_row(
        "SELECT field_hlc FROM customer_user WHERE id = ?1",
        [id],
        |r| r.get(0),
    )?;
    let mut field_hlc: Map<String, Value> = serde_json::from_str(&field_hlc).unwrap_or_default();
    for name in fields.keys() {
        field_hlc.insert(name.clone(), Value::String(hlc.clone()));
    }
    tx.execute(
        "UPDATE customer_user SET updated_at = ?2, field_hlc = ?3 WHERE id = ?1",
        params![id, now, Value::Object(field_hlc).to_string()],
    )?;
    tx.record(ENTITY, id, "update", &fields, &hlc)?;
    customer_user::get(tx, id)
}

// The account's own columns. Each function writes one state change; its caller reads the
// user before and ends with `record_update`, so the change record and the fields' clocks
// cover every step of the action together.

/// Confirmed, and the confirmation link spent.
pub(crate) fn mark_confirmed(tx: &Tx<'_>, id: &str) -> Result<()> {
    tx.execute(
        "UPDATE customer_user SET confirmed = 1, confirmation_token_hash = NULL WHERE id = ?1",
        [id],
    )?;
    Ok(())
}

/// The reset link stops working.
pub(crate) fn clear_reset_link(tx: &Tx<'_>, id: &str) -> Result<()> {
    tx.execute(
        "UPDATE customer_user SET reset_token_hash = NULL, reset_expires_at = NULL WHERE id = ?1",
        [id],
    )?;
    Ok(())
}

/// A new password hash: any reset ends (Oro's `updatePassword`); a lock stays, to end as
/// Active when lifted.
pub(crate) fn set_password_hash(tx: &Tx<'_>, id: &str, hash: &str, at: &str) -> Result<()> {
    tx.execute(
        "UPDATE customer_user SET password_hash = ?2, password_changed_at = ?3,
            reset_token_hash = NULL, reset_expires_at = NULL,
            auth_status = CASE auth_status WHEN 'locked' THEN 'locked' ELSE 'active' END,
            status_before_lock = CASE auth_status WHEN 'locked' THEN 'active' ELSE NULL END
         WHERE id = ?1",
        params![id, hash, at],
    )?;
    Ok(())
}

/// The password status; a locked user keeps the lock and gets `status` when unlocked.
pub(crate) fn set_auth_status(tx: &Tx<'_>, id: &str, status: AuthStatus) -> Result<()> {
    tx.execute(
        "UPDATE customer_user SET
            status_before_lock = CASE auth_status WHEN 'locked' THEN ?2 ELSE NULL END,
            auth_status = CASE auth_status WHEN 'locked' THEN 'locked' ELSE ?2 END
         WHERE id = ?1",
        params![id, status.as_str()],
    )?;
    Ok(())
}

/// Locked from `at` until `until` (`None`: until unlocked), remembering the status to return to.
pub(crate) fn lock(tx: &Tx<'_>, id: &str, at: &str, until: Option<&str>) -> Result<()> {
    tx.execute(
        "UPDATE customer_user SET status_before_lock = auth_status, auth_status = 'locked',
            locked_at = ?2, locked_until = ?3 WHERE id = ?1",
        params![id, at, until],
    )?;
    Ok(())
}

/// The lock lifted: the status is what it was, and failures count again from `failures_since`.
pub(crate) fn lift_lock(tx: &Tx<'_>, id: &str, failures_since: &str) -> Result<()> {
    tx.execute(
        "UPDATE customer_user SET auth_status = coalesce(status_before_lock, 'active'),
            status_before_lock = NULL, locked_at = NULL, locked_until = NULL, failures_since = ?2
         WHERE id = ?1",
        params![id, failures_since],
    )?;
    Ok(())
}

/// A successful sign-in at `at`: counted, and the failures before it no longer count.
pub(crate) fn count_sign_in(tx: &Tx<'_>, id: &str, at: &str) -> Result<()> {
    tx.execute(
        "UPDATE customer_user SET login_count = login_count + 1, last_login = ?2, failures_since = ?2
         WHERE id = ?1",
        params![id, at],
    )?;
    Ok(())
}

/// The hash of the confirmation link just sent (the token itself is never stored).
pub(crate) fn stamp_confirmation_link(tx: &Tx<'_>, id: &str, hash: &str) -> Result<()> {
    tx.execute(
        "UPDATE customer_user SET confirmation_token_hash = ?2 WHERE id = ?1",
        params![id, hash],
    )?;
    Ok(())
}

/// The hash of the reset (or set-password) link just sent, when it was asked for and when
/// it expires.
pub(crate) fn stamp_reset_link(
    tx: &Tx<'_>,
    id: &str,
    hash: &str,
    requested_at: &str,
    expires_at: &str,
) -> Result<()> {
    tx.execute(
        "UPDATE customer_user SET reset_token_hash = ?2, password_requested_at = ?3,
            reset_expires_at = ?4 WHERE id = ?1",
        params![id, hash, requested_at, expires_at],
    )?;
    Ok(())
}

/// A demo user's sign-in history: `count` sign-ins, the last at `at`.
pub(crate) fn set_sign_ins(tx: &Tx<'_>, id: &str, count: i64, at: &str) -> Result<()> {
    tx.execute(
        "UPDATE customer_user SET login_count = ?2, last_login = ?3 WHERE id = ?1",
        params![id, count, at],
    )?;
    Ok(())
}

/// Enables or disables the user; enabling still needs a role.
pub fn set_enabled(db: &Database, actor: &Actor, id: &str, enabled: bool) -> Result<CustomerUser> {
    update(db, actor, id, &serde_json::json!({ "enabled": enabled }))
}

/// Deletes the user with their addresses, settings and role links, unless they own records.
pub fn delete(db: &Database, actor: &Actor, id: &str) -> Result<()> {
    db.write(actor, |tx| {
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
fn owned_records(tx: &Tx<'_>, id: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for (table, one, many) in [
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

/// Roles, sales representatives, addresses and the website setting, plus the copied sort keys.
fn write_relations(tx: &mut Tx<'_>, id: &str, checked: &Checked, customer_id: &str) -> Result<()> {
    tx.execute(
        "DELETE FROM customer_user_role_link WHERE customer_user_id = ?1",
        [id],
    )?;
    for role in &checked.roles {
        tx.execute(
            "INSERT INTO customer_user_role_link (customer_user_id, role_id) VALUES (?1, ?2)",
            [id, &role.id],
        )?;
    }
    let reps = match &checked.sales_representatives {
        Some(reps) => reps.clone(),
        None => reference::customer_sales_reps(tx, customer_id)?
            .into_iter()
            .map(|r| r.id)
            .collect(),
    };
    tx.execute(
        "DELETE FROM customer_user_sales_rep WHERE customer_user_id = ?1",
        [id],
    )?;
    for rep in &reps {
        tx.execute(
            "INSERT INTO customer_user_sales_rep (customer_user_id, user_id) VALUES (?1, ?2)",
            [id, rep],
        )?;
    }
    address::replace(tx, id, &checked.addresses)?;
    if let Some(website) = &checked.website {
        tx.execute(
            "INSERT INTO customer_user_settings (customer_user_id, website_id, localization_id) VALUES (?1, ?2, ?3)
             ON CONFLICT (customer_user_id, website_id) DO UPDATE SET localization_id = excluded.localization_id",
            params![id, website, checked.preferred_localization],
        )?;
    }
    let mut labels: Vec<&str> = checked.roles.iter().map(|r| r.label.as_str()).collect();
    labels.sort_unstable_by_key(|l| l.to_lowercase());
    tx.execute(
        "UPDATE customer_user SET roles_label = ?2,
            website_name = coalesce((SELECT name FROM website WHERE id = website_id), '') WHERE id = ?1",
        params![id, labels.join(", ")],
    )?;
    Ok(())
}

/// The fields History shows, as the API names them; never a password or its hash.
fn snapshot(user: &CustomerUser) -> Map<String, Value> {
    let mut map = match serde_json::to_value(user) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    for key in ["id", "createdAt", "updatedAt", "organization"] {
        map.remove(key);
    }
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

/// The unique index backs the email rule against races; report it as the rule does.
fn unique_email_error(err: rusqlite::Error) -> CoreError {
    if err
        .to_string()
        .contains("customer_user.organization_id, customer_user.email_lowercase")
    {
        CoreError::field("email", crate::rules::EMAIL_USED)
    } else {
        err.into()
    }
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
