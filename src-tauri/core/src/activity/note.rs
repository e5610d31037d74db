//! Notes admins write on a customer user's page.

use rusqlite::{Connection, OptionalExtension};
use serde::Deserialize;
use serde_json::{json, Value};
use ts_rs::TS;

use super::{ActivityItem, ActivityKind};
use crate::actor::Actor;
use crate::back_office::capability::{require, Capability};
use crate::error::Violations;
use crate::store::{new_id, Tx};
use crate::{customer_user, record, reference, rules, CoreError, Database, Result};

const ENTITY: &str = "customer_user_note";

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct NoteInput {
    #[serde(default)]
    #[ts(optional = nullable)]
    pub body: Option<String>,
}

impl NoteInput {
    /// The form's JSON, naming the field whose value has the wrong type or is unknown.
    pub fn from_json(value: Value) -> Result<Self> {
        crate::error::parse_json(value)
    }
}

const NOTE_SQL: &str = "SELECT n.id, n.body, n.created_at, n.updated_at, n.created_by,
        u.first_name || ' ' || u.last_name
    FROM customer_user_note n LEFT JOIN app_user u ON u.id = n.created_by";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ActivityItem> {
    let body: String = r.get(1)?;
    Ok(ActivityItem {
        id: r.get(0)?,
        kind: ActivityKind::Note,
        title: body.lines().next().unwrap_or("").to_string(),
        body: Some(body),
        at: r.get(2)?,
        updated_at: r.get(3)?,
        by: reference::Ref::optional(r.get(4)?, r.get(5)?),
        state: None,
        starts_at: None,
        ends_at: None,
    })
}

pub(super) fn of_user(conn: &Connection, user: &str, limit: i64) -> Result<Vec<ActivityItem>> {
    let mut stmt = conn.prepare(&format!(
        "{NOTE_SQL} WHERE n.customer_user_id = ?1 ORDER BY n.created_at DESC LIMIT ?2"
    ))?;
    let rows = stmt.query_map(rusqlite::params![user, limit], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get(conn: &Connection, id: &str) -> Result<ActivityItem> {
    conn.query_row(&format!("{NOTE_SQL} WHERE n.id = ?1"), [id], row)
        .optional()?
        .ok_or_else(|| CoreError::not_found("Note", id))
}

fn body(input: &NoteInput) -> Result<String> {
    let mut v = Violations::default();
    let body = rules::optional_text(&mut v, "body", input.body.as_deref(), 65_535, true);
    if body.is_none() {
        v.add("body", rules::NOT_BLANK);
    }
    v.into_result()?;
    Ok(body.unwrap_or_default())
}

pub fn add(db: &Database, actor: &Actor, user: &str, input: &NoteInput) -> Result<ActivityItem> {
    db.write(actor, |tx| {
        require(tx, Capability::ManageCustomerUsers)?;
        let id = add_in(tx, user, input)?;
        get(tx, &id)
    })
}

/// [`add`] inside a transaction (demo data); returns the note's id.
pub(crate) fn add_in(tx: &mut Tx<'_>, user: &str, input: &NoteInput) -> Result<String> {
    let user = customer_user::require_id(tx, user)?;
    let body = body(input)?;
    let id = new_id();
    let now = tx.now();
    let fields = json!({
        "customerUser": user,
        "body": body,
        "createdBy": reference::resolve_user(tx, tx.actor())?,
        "createdAt": now,
        "updatedAt": now,
    });
    record::save(tx, ENTITY, &id, &record::fields(fields))?;
    Ok(id)
}

pub fn update(db: &Database, actor: &Actor, id: &str, input: &NoteInput) -> Result<ActivityItem> {
    db.write(actor, |tx| {
        require(tx, Capability::ManageCustomerUsers)?;
        let before = get(tx, id)?;
        let body = body(input)?;
        if before.body.as_deref() != Some(body.as_str()) {
            let fields = json!({"body": body, "updatedAt": tx.now()});
            record::save(tx, ENTITY, id, &record::fields(fields))?;
        }
        get(tx, id)
    })
}

pub fn delete(db: &Database, actor: &Actor, id: &str) -> Result<()> {
    db.write(actor, |tx| {
        require(tx, Capability::ManageCustomerUsers)?;
        if !record::delete(tx, ENTITY, id)? {
            return Err(CoreError::not_found("Note", id));
        }
        Ok(())
    })
}
