//! The records that sync, each read as its synced fields with their clocks (for a push) and
//! written as the team's server holds it (a pull). Customer users have their own module
//! (`customer_user::write::remote`); the smaller records are described here as tables.
//! These remote writes are the only writes besides each record's own writer, and they record
//! no change: the change records travel as records of their own.

use cu_sync::merge::{Fields, Versioned};
use rusqlite::{Connection, OptionalExtension};
use serde_json::{Map, Value};

use crate::customer_user::write::remote as customer_users;
use crate::record::{self, table, table_state, Table};
use crate::store::Tx;
use crate::Result;

pub const CUSTOMER_USER: &str = "customer_user";
/// The change records, so History shows every admin's changes on every desktop.
pub const CHANGE: &str = crate::store::CHANGE_ENTITY;

pub use crate::record::SEEDED;

/// The order pulled records are written in, so what a record refers to is there first.
pub const ORDER: &[&str] = cu_sync::wire::ENTITIES;

/// The ids of every record of `entity` here.
pub fn ids(conn: &Connection, entity: &str) -> Result<Vec<String>> {
    let (table, key) = match entity {
        CUSTOMER_USER => ("customer_user", "id"),
        CHANGE => ("change_log", "id"),
        other => match table(other) {
            Some(t) => (t.table, t.key),
            None => return Ok(Vec::new()),
        },
    };
    Ok(conn
        .prepare(&format!("SELECT {key} FROM {table} ORDER BY rowid"))?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Whether a change to this record goes to the team: every synced record but the settings
/// that belong to one desktop (its own SMTP relay and its sign-in to it).
pub fn syncs(entity: &str, id: &str) -> bool {
    match entity {
        "setting" => crate::settings::is_team(id),
        _ => ORDER.contains(&entity),
    }
}

/// The record's synced fields with their clocks: `None` if it is not here, `{deleted}` when
/// it was deleted.
pub fn state(conn: &Connection, entity: &str, id: &str) -> Result<Option<Fields>> {
    let tombstone: Option<String> = conn
        .prepare_cached("SELECT hlc FROM sync_tombstone WHERE entity = ?1 AND entity_id = ?2")?
        .query_row([entity, id], |r| r.get(0))
        .optional()?;
    if let Some(hlc) = tombstone {
        return Ok(Some(cu_sync::merge::deleted(hlc)));
    }
    match entity {
        CUSTOMER_USER => customer_users::state(conn, id),
        CHANGE => change_state(conn, id),
        _ => match table(entity) {
            Some(t) => table_state(conn, t, id),
            None => Ok(None),
        },
    }
}

/// A change record as it travels: everything History shows, stamped with the change's
/// own clock (a change record never changes).
fn change_state(conn: &Connection, id: &str) -> Result<Option<Fields>> {
    let row = conn
        .prepare_cached(
            "SELECT entity, entity_id, op, fields, actor, via, at, hlc FROM change_log WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
            ))
        })
        .optional()?;
    let Some((entity, entity_id, op, fields, actor, via, at, hlc)) = row else {
        return Ok(None);
    };
    let changed: Value = serde_json::from_str(&fields).unwrap_or(Value::Null);
    let values = [
        ("entity", Value::String(entity)),
        ("entityId", Value::String(entity_id)),
        ("op", Value::String(op)),
        ("fields", changed),
        ("actor", Value::String(actor)),
        ("via", via.map_or(Value::Null, Value::String)),
        ("at", Value::String(at)),
    ];
    Ok(Some(
        values
            .into_iter()
            .map(|(name, value)| {
                (
                    name.to_string(),
                    Versioned {
                        value,
                        hlc: hlc.clone(),
                    },
                )
            })
            .collect(),
    ))
}

/// Writes the record as `fields` describe it (deleting it when they say it was deleted).
/// Returns why it cannot be written yet, and writes nothing then.
pub fn apply(tx: &mut Tx<'_>, entity: &str, id: &str, fields: &Fields) -> Result<Option<String>> {
    if let Some(newest) = fields.values().map(|v| v.hlc.as_str()).max() {
        let newest = newest.to_string();
        tx.observe(&newest);
    }
    if cu_sync::merge::is_deleted(fields) {
        let hlc = fields
            .get(cu_sync::merge::DELETED)
            .map(|d| d.hlc.clone())
            .unwrap_or_default();
        let waiting = remove(tx, entity, id)?;
        if waiting.is_none() {
            tx.execute(
                "INSERT INTO sync_tombstone (entity, entity_id, hlc) VALUES (?1, ?2, ?3)
                 ON CONFLICT (entity, entity_id) DO UPDATE SET hlc = excluded.hlc",
                [entity, id, &hlc],
            )?;
        }
        return Ok(waiting);
    }
    tx.execute(
        "DELETE FROM sync_tombstone WHERE entity = ?1 AND entity_id = ?2",
        [entity, id],
    )?;
    match entity {
        CUSTOMER_USER => customer_users::apply(tx, id, fields),
        CHANGE => apply_change(tx, id, fields),
        _ => match table(entity) {
            Some(t) => apply_table(tx, t, id, fields),
            None => Ok(Some(format!("\"{entity}\" records do not sync"))),
        },
    }
}

fn remove(tx: &mut Tx<'_>, entity: &str, id: &str) -> Result<Option<String>> {
    match entity {
        CUSTOMER_USER => customer_users::remove(tx, id),
        CHANGE => Ok(None),
        _ => match table(entity) {
            Some(t) => {
                let sql = format!("DELETE FROM {} WHERE {} = ?1", t.table, t.key);
                match tx.execute(&sql, [id]) {
                    Ok(_) => Ok(None),
                    Err(e) if is_reference_error(&e) => Ok(Some(format!(
                        "the {} was deleted elsewhere but records here still use it",
                        entity.replace('_', " ")
                    ))),
                    Err(e) => Err(e.into()),
                }
            }
            None => Ok(None),
        },
    }
}

fn is_reference_error(e: &rusqlite::Error) -> bool {
    e.to_string().contains("FOREIGN KEY constraint failed")
}

fn apply_table(tx: &mut Tx<'_>, t: &Table, id: &str, fields: &Fields) -> Result<Option<String>> {
    let value = |name: &str| fields.get(name).map_or(&Value::Null, |v| &v.value);
    // What a record refers to must be here first.
    for (field, target) in [
        ("parent", "customer"),
        ("customer", "customer"),
        ("defaultRole", "customer_user_role"),
        ("guestRole", "customer_user_role"),
        ("appRole", "app_role"),
        ("customerUser", "customer_user"),
        ("consent", "consent"),
        ("createdBy", "app_user"),
    ] {
        if !t.columns.iter().any(|c| c.0 == field) {
            continue;
        }
        if let Some(other) = value(field).as_str() {
            let here: bool = tx.query_row(
                &format!("SELECT EXISTS (SELECT 1 FROM {target} WHERE id = ?1)"),
                [other],
                |r| r.get(0),
            )?;
            if !here {
                return Ok(Some(format!(
                    "{} {other} is not here yet",
                    target.replace('_', " ")
                )));
            }
        }
    }
    if let Some(rel) = &t.relation {
        for other in value(rel.field).as_array().into_iter().flatten() {
            let Some(other) = other.as_str() else {
                continue;
            };
            let here: bool = tx.query_row(
                &format!("SELECT EXISTS (SELECT 1 FROM {} WHERE id = ?1)", rel.of),
                [other],
                |r| r.get(0),
            )?;
            if !here {
                return Ok(Some(format!(
                    "{} {other} is not here yet",
                    rel.of.replace('_', " ")
                )));
            }
        }
    }
    let clocks: Map<String, Value> = fields
        .iter()
        .map(|(name, v)| (name.clone(), Value::String(v.hlc.clone())))
        .collect();
    let written = record::upsert(tx, t, id, &Value::Object(clocks).to_string(), |f| {
        value(f).clone()
    });
    match written {
        Ok(_) => {}
        Err(e) if e.to_string().contains("UNIQUE constraint failed") => {
            return Ok(Some(format!(
                "another {} here has the same {}",
                t.entity.replace('_', " "),
                t.columns.first().map_or("name", |c| c.0)
            )))
        }
        Err(e) => return Err(e.into()),
    }
    if let Some(rel) = &t.relation {
        let ids: Vec<String> = serde_json::from_value(value(rel.field).clone()).unwrap_or_default();
        tx.execute(
            &format!("DELETE FROM {} WHERE {} = ?1", rel.table, rel.owner),
            [id],
        )?;
        for other in &ids {
            tx.execute(
                &format!(
                    "INSERT INTO {} ({}, {}) VALUES (?1, ?2)",
                    rel.table, rel.owner, rel.target
                ),
                [id, other],
            )?;
        }
    }
    Ok(None)
}

/// Writes a change record as it travels (a change record never changes: one already here
/// stays).
pub(super) fn apply_change(tx: &mut Tx<'_>, id: &str, fields: &Fields) -> Result<Option<String>> {
    let value = |name: &str| fields.get(name).map_or(Value::Null, |v| v.value.clone());
    let text = |name: &str| value(name).as_str().map(str::to_string);
    let hlc = fields
        .values()
        .map(|v| v.hlc.clone())
        .max()
        .unwrap_or_default();
    tx.prepare_cached(
        "INSERT INTO change_log (id, entity, entity_id, op, fields, actor, via, at, hlc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (id) DO NOTHING",
    )?
    .execute(rusqlite::params![
        id,
        text("entity").unwrap_or_default(),
        text("entityId").unwrap_or_default(),
        text("op").unwrap_or_else(|| "update".into()),
        value("fields").to_string(),
        text("actor").unwrap_or_default(),
        text("via"),
        text("at").unwrap_or_default(),
        hlc,
    ])?;
    Ok(None)
}
