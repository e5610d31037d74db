//! The one writer of `customer_user_role`: create, update and delete, each checked as the
//! role form checks it and recorded in History.

use rusqlite::params;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use ts_rs::TS;

use super::permission::{self, Capability, Permissions, RawPermissions};
use super::{get, Role};
use crate::actor::Actor;
use crate::back_office::capability::{self as back_office, Capability as BackOffice};
use crate::error::Violations;
use crate::store::{clocks_with, new_id, Tx};
use crate::{rules, CoreError, Database, Result};

const ENTITY: &str = "customer_user_role";
/// Oro's prefix for storefront role codes.
pub const CODE_PREFIX: &str = "ROLE_FRONTEND_";

/// The role form: on create every field but `label` may be left out; on update only the
/// fields given change. `customer` is an id or name, `""` for none (a predefined role).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct RoleInput {
    #[serde(default)]
    #[ts(optional = nullable)]
    pub label: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub customer: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub self_managed: Option<bool>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub public: Option<bool>,
    #[serde(default)]
    #[ts(optional = nullable)]
    #[ts(as = "Option<Permissions>")]
    pub permissions: Option<RawPermissions>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub capabilities: Option<Vec<Capability>>,
}

impl RoleInput {
    /// The form's JSON, naming the field whose value has the wrong type or is unknown.
    pub fn from_json(value: Value) -> Result<Self> {
        crate::error::parse_json(value)
    }
}

/// The code Oro makes from a label: the prefix, the label upper-cased with every character
/// but letters, digits, `_` and `-` made `_`, and a part of the id so two desktops that
/// name a role alike offline never collide (Oro adds a `uniqid`).
pub fn code_for(label: &str, id: &str) -> String {
    let stem: String = label
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    let tail: String = id.chars().filter(char::is_ascii_hexdigit).collect();
    let tail = &tail[tail.len().saturating_sub(8)..];
    format!("{CODE_PREFIX}{stem}_{}", tail.to_ascii_uppercase())
}

/// The role's fields as they are stored and synced.
struct Values {
    label: String,
    customer: Option<String>,
    self_managed: bool,
    public: bool,
    permissions: Permissions,
    capabilities: Vec<Capability>,
}

impl Values {
    fn of(role: &Role) -> Self {
        Values {
            label: role.label.clone(),
            customer: role.customer.as_ref().map(|c| c.id.clone()),
            self_managed: role.self_managed,
            public: role.public,
            permissions: role.permissions.clone(),
            capabilities: role.capabilities.clone(),
        }
    }

    fn fields(&self) -> Map<String, Value> {
        let mut f = Map::new();
        f.insert("label".into(), json!(self.label));
        f.insert("customer".into(), json!(self.customer));
        f.insert("selfManaged".into(), json!(self.self_managed));
        f.insert("public".into(), json!(self.public));
        f.insert("permissions".into(), json!(self.permissions));
        f.insert("capabilities".into(), json!(self.capabilities));
        f
    }
}

/// `input` laid over `base`, checked: every problem named by its field.
fn checked(tx: &Tx<'_>, id: &str, base: Values, input: &RoleInput) -> Result<Values> {
    let mut v = Violations::default();
    let label = input
        .label
        .as_deref()
        .map_or(base.label.clone(), |l| l.trim().to_string());
    if label.is_empty() {
        v.add("label", rules::NOT_BLANK);
    } else if label.chars().count() < 3 {
        v.add("label", rules::too_short(3));
    } else if let Some(problem) = rules::check_text(&label, 255) {
        v.add("label", problem);
    }
    let customer = match input.customer.as_deref().map(str::trim) {
        None => base.customer.clone(),
        Some("") => None,
        Some(key) => match crate::reference::resolve_customer(tx, key)? {
            Some(c) => Some(c),
            None => {
                v.add("customer", format!("Customer \"{key}\" does not exist."));
                base.customer.clone()
            }
        },
    };
    let permissions = match &input.permissions {
        None => base.permissions.clone(),
        Some(p) => match permission::parse(p) {
            Ok(p) => p,
            Err((path, why)) => {
                v.add(path, why);
                base.permissions.clone()
            }
        },
    };
    let mut capabilities = input
        .capabilities
        .clone()
        .unwrap_or_else(|| base.capabilities.clone());
    capabilities.sort_unstable();
    capabilities.dedup();
    if !label.is_empty() {
        // Oro's unique key (organization, customer, label) with `ignoreNull: false`: two
        // predefined roles cannot share a label either.
        let taken: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM customer_user_role WHERE id <> ?1
                 AND customer_id IS ?2 AND lower(label) = lower(?3))",
            params![id, customer, label],
            |r| r.get(0),
        )?;
        if taken {
            v.add("label", rules::ROLE_LABEL_USED);
        }
    }
    v.into_result()?;
    Ok(Values {
        label,
        customer,
        self_managed: input.self_managed.unwrap_or(base.self_managed),
        public: input.public.unwrap_or(base.public),
        permissions,
        capabilities,
    })
}

/// Creates a role from the form.
pub fn create(db: &Database, actor: &Actor, input: &RoleInput) -> Result<Role> {
    db.write(actor, |tx| {
        back_office::require(tx, BackOffice::ManageRoles)?;
        let id = create_in(tx, input)?;
        get(tx, &id)
    })
}

/// [`create`] inside a transaction (demo data); returns the new role's id.
pub(crate) fn create_in(tx: &mut Tx<'_>, input: &RoleInput) -> Result<String> {
    let id = new_id();
    let base = Values {
        label: String::new(),
        customer: None,
        // Oro's defaults for a new role.
        self_managed: false,
        public: true,
        permissions: Permissions::new(),
        capabilities: Vec::new(),
    };
    let values = checked(tx, &id, base, input)?;
    let code = code_for(&values.label, &id);
    let organization = crate::reference::default_organization(tx, tx.actor())?;
    let hlc = tx.tick();
    let mut fields: Map<String, Value> = values
        .fields()
        .into_iter()
        .map(|(k, v)| (k, json!([null, v])))
        .collect();
    fields.insert("role".into(), json!([null, code]));
    tx.execute(
        "INSERT INTO customer_user_role (id, organization_id, customer_id, role, label,
             self_managed, public, permissions, capabilities, field_hlc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            id,
            organization,
            values.customer,
            code,
            values.label,
            values.self_managed,
            values.public,
            json!(values.permissions).to_string(),
            json!(values.capabilities).to_string(),
            clocks_with("{}", &fields, &hlc),
        ],
    )?;
    tx.record(ENTITY, &id, "create", &fields, &hlc)?;
    Ok(id)
}

/// Changes the fields `input` gives; the code never changes.
pub fn update(db: &Database, actor: &Actor, key: &str, input: &RoleInput) -> Result<Role> {
    db.write(actor, |tx| {
        back_office::require(tx, BackOffice::ManageRoles)?;
        let before = get(tx, key)?;
        let values = checked(tx, &before.id, Values::of(&before), input)?;
        if values.customer != Values::of(&before).customer && before.users > 0 {
            return Err(CoreError::field(
                "customer",
                format!(
                    "{} users hold the role \"{}\": its customer cannot change while anyone \
                     holds it.",
                    before.users, before.label
                ),
            ));
        }
        let old = Values::of(&before).fields();
        let changed: Map<String, Value> = values
            .fields()
            .into_iter()
            .filter(|(k, v)| old.get(k) != Some(v))
            .map(|(k, v)| {
                let was = old.get(&k).cloned().unwrap_or(Value::Null);
                (k, json!([was, v]))
            })
            .collect();
        if changed.is_empty() {
            return Ok(before);
        }
        let hlc = tx.tick();
        let clocks: String = tx.query_row(
            "SELECT field_hlc FROM customer_user_role WHERE id = ?1",
            [&before.id],
            |r| r.get(0),
        )?;
        tx.execute(
            "UPDATE customer_user_role SET label = ?2, customer_id = ?3, self_managed = ?4,
                 public = ?5, permissions = ?6, capabilities = ?7, field_hlc = ?8
             WHERE id = ?1",
            params![
                before.id,
                values.label,
                values.customer,
                values.self_managed,
                values.public,
                json!(values.permissions).to_string(),
                json!(values.capabilities).to_string(),
                clocks_with(&clocks, &changed, &hlc),
            ],
        )?;
        tx.record(ENTITY, &before.id, "update", &changed, &hlc)?;
        get(tx, &before.id)
    })
}

/// Deletes a role nobody holds and no website gives new users.
pub fn delete(db: &Database, actor: &Actor, key: &str) -> Result<()> {
    db.write(actor, |tx| {
        back_office::require(tx, BackOffice::ManageRoles)?;
        let role = get(tx, key)?;
        if role.users > 0 {
            return Err(CoreError::conflict(format!(
                "The role \"{}\" cannot be deleted: {} customer user{} still hold{} it. Take it \
                 from them first.",
                role.label,
                role.users,
                if role.users == 1 { "" } else { "s" },
                if role.users == 1 { "s" } else { "" },
            )));
        }
        let website: Option<String> = rusqlite::OptionalExtension::optional(tx.query_row(
            "SELECT name FROM website WHERE default_role_id = ?1 OR guest_role_id = ?1
             ORDER BY name LIMIT 1",
            [&role.id],
            |r| r.get(0),
        ))?;
        if let Some(website) = website {
            return Err(CoreError::conflict(format!(
                "The role \"{}\" cannot be deleted: the website \"{website}\" gives it to new \
                 users or guests.",
                role.label
            )));
        }
        tx.execute("DELETE FROM customer_user_role WHERE id = ?1", [&role.id])?;
        let fields: Map<String, Value> = Values::of(&role)
            .fields()
            .into_iter()
            .map(|(k, v)| (k, json!([v, null])))
            .collect();
        let hlc = tx.tick();
        tx.record(ENTITY, &role.id, "delete", &fields, &hlc)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_is_the_prefixed_upper_cased_label_with_a_part_of_the_id() {
        let code = code_for("new 1", "0190a000-0000-7000-8000-00000000abcd");
        assert_eq!(code, "ROLE_FRONTEND_NEW_1_0000ABCD");
        assert_eq!(
            code_for(" Acme: Purchaser ", "ffff"),
            "ROLE_FRONTEND_ACME__PURCHASER_FFFF"
        );
    }
}
