//! Back-office roles: the one writer of `app_role`. The built-in Administrator may do
//! everything and cannot change; the organization defines the others.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use ts_rs::TS;

use super::capability::{require, Capability, ADMINISTRATOR_ROLE_ID};
use crate::actor::Actor;
use crate::error::Violations;
use crate::store::{clocks_with, new_id, Tx};
use crate::{rules, CoreError, Database, Result};

pub(crate) const ENTITY: &str = "app_role";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BackOfficeRole {
    pub id: String,
    pub label: String,
    /// The Administrator every store has: every capability, not editable.
    pub builtin: bool,
    pub capabilities: Vec<Capability>,
    /// How many back-office users hold it.
    pub users: u64,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct BackOfficeRoleInput {
    #[serde(default)]
    #[ts(optional = nullable)]
    pub label: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub capabilities: Option<Vec<Capability>>,
}

impl BackOfficeRoleInput {
    /// The form's JSON, naming the field whose value has the wrong type or is unknown.
    pub fn from_json(value: Value) -> Result<Self> {
        crate::error::parse_json(value)
    }
}

const ROLE_SQL: &str = "SELECT r.id, r.label, r.capabilities,
        (SELECT count(*) FROM app_user u WHERE u.role_id = r.id) FROM app_role r";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<BackOfficeRole> {
    let id: String = r.get(0)?;
    let list: String = r.get(2)?;
    let builtin = id == ADMINISTRATOR_ROLE_ID;
    Ok(BackOfficeRole {
        capabilities: if builtin {
            Capability::ALL.to_vec()
        } else {
            serde_json::from_str(&list).unwrap_or_default()
        },
        id,
        label: r.get(1)?,
        builtin,
        users: r.get::<_, i64>(3)?.unsigned_abs(),
    })
}

pub fn list(conn: &Connection) -> Result<Vec<BackOfficeRole>> {
    let mut stmt = conn.prepare(&format!(
        "{ROLE_SQL} ORDER BY r.id <> '{ADMINISTRATOR_ROLE_ID}', r.label, r.id"
    ))?;
    let rows = stmt.query_map([], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The back-office role `key`: its id or its label.
pub fn get(conn: &Connection, key: &str) -> Result<BackOfficeRole> {
    conn.query_row(
        &format!("{ROLE_SQL} WHERE r.id = ?1 OR lower(r.label) = lower(?1) ORDER BY r.id LIMIT 1"),
        [key.trim()],
        row,
    )
    .optional()?
    .ok_or_else(|| CoreError::not_found("Back-office role", key))
}

fn checked(tx: &Tx<'_>, id: &str, label: &str) -> Result<String> {
    let label = label.trim().to_string();
    let mut v = Violations::default();
    if label.is_empty() {
        v.add("label", rules::NOT_BLANK);
    } else if let Some(problem) = rules::check_text(&label, 255) {
        v.add("label", problem);
    }
    let taken: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM app_role WHERE id <> ?1 AND lower(label) = lower(?2))",
        params![id, label],
        |r| r.get(0),
    )?;
    if taken {
        v.add("label", rules::ROLE_LABEL_USED);
    }
    v.into_result()?;
    Ok(label)
}

fn sorted(caps: &[Capability]) -> Vec<Capability> {
    let mut caps = caps.to_vec();
    caps.sort_unstable();
    caps.dedup();
    caps
}

pub fn create(db: &Database, actor: &Actor, input: &BackOfficeRoleInput) -> Result<BackOfficeRole> {
    db.write(actor, |tx| {
        require(tx, Capability::ManageBackOfficeUsers)?;
        let id = create_in(tx, input)?;
        get(tx, &id)
    })
}

/// [`create`] inside a transaction (demo data); returns the new role's id.
pub(crate) fn create_in(tx: &mut Tx<'_>, input: &BackOfficeRoleInput) -> Result<String> {
    let id = new_id();
    let label = checked(tx, &id, input.label.as_deref().unwrap_or(""))?;
    let caps = sorted(input.capabilities.as_deref().unwrap_or(&[]));
    let organization = crate::reference::default_organization(tx, tx.actor())?;
    let mut fields = Map::new();
    fields.insert("label".into(), json!([null, label]));
    fields.insert("capabilities".into(), json!([null, caps]));
    let hlc = tx.tick();
    tx.execute(
        "INSERT INTO app_role (id, organization_id, label, capabilities, field_hlc)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            id,
            organization,
            label,
            json!(caps).to_string(),
            clocks_with("{}", &fields, &hlc)
        ],
    )?;
    tx.record(ENTITY, &id, "create", &fields, &hlc)?;
    Ok(id)
}

fn editable(role: &BackOfficeRole) -> Result<()> {
    if role.builtin {
        return Err(CoreError::conflict(
            "The Administrator role is built in: it may do everything and cannot change.",
        ));
    }
    Ok(())
}

pub fn update(
    db: &Database,
    actor: &Actor,
    key: &str,
    input: &BackOfficeRoleInput,
) -> Result<BackOfficeRole> {
    db.write(actor, |tx| {
        require(tx, Capability::ManageBackOfficeUsers)?;
        let before = get(tx, key)?;
        editable(&before)?;
        let label = checked(
            tx,
            &before.id,
            input.label.as_deref().unwrap_or(&before.label),
        )?;
        let caps = input
            .capabilities
            .as_deref()
            .map_or(before.capabilities.clone(), sorted);
        let mut changed = Map::new();
        if label != before.label {
            changed.insert("label".into(), json!([before.label, label]));
        }
        if caps != before.capabilities {
            changed.insert("capabilities".into(), json!([before.capabilities, caps]));
        }
        if changed.is_empty() {
            return Ok(before);
        }
        let hlc = tx.tick();
        let clocks: String = tx.query_row(
            "SELECT field_hlc FROM app_role WHERE id = ?1",
            [&before.id],
            |r| r.get(0),
        )?;
        tx.execute(
            "UPDATE app_role SET label = ?2, capabilities = ?3, field_hlc = ?4 WHERE id = ?1",
            params![
                before.id,
                label,
                json!(caps).to_string(),
                clocks_with(&clocks, &changed, &hlc)
            ],
        )?;
        tx.record(ENTITY, &before.id, "update", &changed, &hlc)?;
        get(tx, &before.id)
    })
}

pub fn delete(db: &Database, actor: &Actor, key: &str) -> Result<()> {
    db.write(actor, |tx| {
        require(tx, Capability::ManageBackOfficeUsers)?;
        let role = get(tx, key)?;
        editable(&role)?;
        if role.users > 0 {
            return Err(CoreError::conflict(format!(
                "The role \"{}\" cannot be deleted: {} back-office user{} still hold{} it.",
                role.label,
                role.users,
                if role.users == 1 { "" } else { "s" },
                if role.users == 1 { "s" } else { "" },
            )));
        }
        tx.execute("DELETE FROM app_role WHERE id = ?1", [&role.id])?;
        let mut fields = Map::new();
        fields.insert("label".into(), json!([role.label, Value::Null]));
        fields.insert(
            "capabilities".into(),
            json!([role.capabilities, Value::Null]),
        );
        let hlc = tx.tick();
        tx.record(ENTITY, &role.id, "delete", &fields, &hlc)
    })
}
