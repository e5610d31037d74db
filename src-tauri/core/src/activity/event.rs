//! Events scheduled with a customer user: a call, a visit, a renewal date.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use ts_rs::TS;

use super::{ActivityItem, ActivityKind};
use crate::actor::Actor;
use crate::back_office::capability::{require, Capability};
use crate::error::Violations;
use crate::store::{new_id, timestamp, Tx};
use crate::{customer_user, record, reference, rules, CoreError, Database, Result};

const ENTITY: &str = "customer_user_event";

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct EventInput {
    #[serde(default)]
    #[ts(optional = nullable)]
    pub title: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub description: Option<String>,
    /// RFC 3339, with its offset: `2026-12-01T09:30:00Z`.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub starts_at: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub ends_at: Option<String>,
}

impl EventInput {
    /// The form's JSON, naming the field whose value has the wrong type or is unknown.
    pub fn from_json(value: Value) -> Result<Self> {
        crate::error::parse_json(value)
    }
}

const EVENT_SQL: &str = "SELECT e.id, e.title, e.description, e.starts_at, e.ends_at,
        e.updated_at, e.created_by, u.first_name || ' ' || u.last_name
    FROM customer_user_event e LEFT JOIN app_user u ON u.id = e.created_by";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ActivityItem> {
    let starts: String = r.get(3)?;
    Ok(ActivityItem {
        id: r.get(0)?,
        kind: ActivityKind::Event,
        title: r.get(1)?,
        body: r.get(2)?,
        at: starts.clone(),
        starts_at: Some(starts),
        ends_at: r.get(4)?,
        updated_at: r.get(5)?,
        by: reference::Ref::optional(r.get(6)?, r.get(7)?),
        state: None,
    })
}

pub(super) fn of_user(conn: &Connection, user: &str, limit: i64) -> Result<Vec<ActivityItem>> {
    let mut stmt = conn.prepare(&format!(
        "{EVENT_SQL} WHERE e.customer_user_id = ?1 ORDER BY e.starts_at DESC LIMIT ?2"
    ))?;
    let rows = stmt.query_map(rusqlite::params![user, limit], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get(conn: &Connection, id: &str) -> Result<ActivityItem> {
    conn.query_row(&format!("{EVENT_SQL} WHERE e.id = ?1"), [id], row)
        .optional()?
        .ok_or_else(|| CoreError::not_found("Event", id))
}

fn time(v: &mut Violations, field: &str, value: Option<&str>) -> Option<DateTime<Utc>> {
    let text = value.map(str::trim).filter(|t| !t.is_empty())?;
    match DateTime::parse_from_rfc3339(text) {
        Ok(t) => Some(t.with_timezone(&Utc)),
        Err(_) => {
            v.add(field, "This value is not a valid datetime.");
            None
        }
    }
}

/// The event's synced fields for `input` over `before`.
fn checked(input: &EventInput, before: Option<&ActivityItem>) -> Result<Map<String, Value>> {
    let mut v = Violations::default();
    let title = rules::required_text(
        &mut v,
        "title",
        input.title.as_deref().or(before.map(|b| b.title.as_str())),
        255,
    );
    let description = rules::optional_text(
        &mut v,
        "description",
        input
            .description
            .as_deref()
            .or(before.and_then(|b| b.body.as_deref())),
        65_535,
        true,
    );
    let starts = time(
        &mut v,
        "startsAt",
        input
            .starts_at
            .as_deref()
            .or(before.and_then(|b| b.starts_at.as_deref())),
    );
    let ends = time(
        &mut v,
        "endsAt",
        input
            .ends_at
            .as_deref()
            .or(before.and_then(|b| b.ends_at.as_deref())),
    );
    if starts.is_none() && !v.has("startsAt") {
        v.add("startsAt", rules::NOT_BLANK);
    }
    if let (Some(s), Some(e)) = (starts, ends) {
        if e < s {
            v.add("endsAt", "The end cannot be before the start.");
        }
    }
    v.into_result()?;
    let fields = json!({
        "title": title,
        "description": description,
        "startsAt": starts.map(timestamp),
        "endsAt": ends.map(timestamp),
    });
    Ok(record::fields(fields))
}

pub fn add(db: &Database, actor: &Actor, user: &str, input: &EventInput) -> Result<ActivityItem> {
    db.write(actor, |tx| {
        require(tx, Capability::ManageCustomerUsers)?;
        let id = add_in(tx, user, input)?;
        get(tx, &id)
    })
}

/// [`add`] inside a transaction (demo data); returns the event's id.
pub(crate) fn add_in(tx: &mut Tx<'_>, user: &str, input: &EventInput) -> Result<String> {
    let user = customer_user::require_id(tx, user)?;
    let mut fields = checked(input, None)?;
    let now = tx.now();
    fields.insert("customerUser".into(), json!(user));
    fields.insert(
        "createdBy".into(),
        json!(reference::resolve_user(tx, tx.actor())?),
    );
    fields.insert("createdAt".into(), json!(now));
    fields.insert("updatedAt".into(), json!(now));
    let id = new_id();
    record::save(tx, ENTITY, &id, &fields)?;
    Ok(id)
}

pub fn update(db: &Database, actor: &Actor, id: &str, input: &EventInput) -> Result<ActivityItem> {
    db.write(actor, |tx| {
        require(tx, Capability::ManageCustomerUsers)?;
        let before = get(tx, id)?;
        let mut fields = checked(input, Some(&before))?;
        let was = json!({
            "title": before.title,
            "description": before.body,
            "startsAt": before.starts_at,
            "endsAt": before.ends_at,
        });
        if Value::Object(fields.clone()) != was {
            fields.insert("updatedAt".into(), json!(tx.now()));
            record::save(tx, ENTITY, id, &fields)?;
        }
        get(tx, id)
    })
}

pub fn delete(db: &Database, actor: &Actor, id: &str) -> Result<()> {
    db.write(actor, |tx| {
        require(tx, Capability::ManageCustomerUsers)?;
        if !record::delete(tx, ENTITY, id)? {
            return Err(CoreError::not_found("Event", id));
        }
        Ok(())
    })
}
