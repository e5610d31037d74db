//! Reading the change log: the History section of a record.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::actor::Via;
use crate::csv::import::ImportRecord;
use crate::Result;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ChangeRecord {
    pub id: String,
    pub entity: String,
    pub entity_id: String,
    pub op: String,
    /// Each changed field as `[old, new]`.
    #[ts(type = "Record<string, [unknown, unknown]>")]
    pub fields: serde_json::Value,
    /// The back-office user's username.
    pub actor: String,
    /// How they reached the store; unknown for changes made before it was recorded.
    pub via: Option<Via>,
    pub at: String,
    pub hlc: String,
    /// The import the change came from.
    pub import: Option<ImportRecord>,
    /// The fields of this change that another admin's (or another desktop's) later change
    /// replaced: sync keeps the later write, and History says so rather than losing it
    /// silently.
    pub overwritten: BTreeMap<String, Overwrite>,
}

/// Who replaced a field's value, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Overwrite {
    pub by: String,
    pub at: String,
}

/// Every change to one record, newest first (by the clock of the change, so changes that
/// came from other desktops sit where they happened).
pub fn for_record(conn: &Connection, entity: &str, id: &str) -> Result<Vec<ChangeRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.entity, c.entity_id, c.op, c.fields, c.actor, c.at, c.hlc, i.id, c.via
         FROM change_log c LEFT JOIN import_run i ON i.id = c.import_id
         WHERE c.entity = ?1 AND c.entity_id = ?2 ORDER BY c.hlc DESC, c.seq DESC",
    )?;
    let rows: Vec<(ChangeRecord, Option<String>)> = stmt
        .query_map([entity, id], |r| {
            let fields: String = r.get(4)?;
            Ok((
                ChangeRecord {
                    id: r.get(0)?,
                    entity: r.get(1)?,
                    entity_id: r.get(2)?,
                    op: r.get(3)?,
                    fields: serde_json::from_str(&fields).unwrap_or(serde_json::Value::Null),
                    actor: r.get(5)?,
                    via: r
                        .get::<_, Option<String>>(9)?
                        .as_deref()
                        .and_then(Via::parse),
                    at: r.get(6)?,
                    hlc: r.get(7)?,
                    import: None,
                    overwritten: BTreeMap::new(),
                },
                r.get(8)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut changes: Vec<ChangeRecord> = rows
        .into_iter()
        .map(|(mut change, import)| {
            if let Some(import) = import {
                change.import = Some(crate::csv::import::record(conn, &import)?);
            }
            Ok(change)
        })
        .collect::<Result<_>>()?;
    mark_overwritten(&mut changes);
    Ok(changes)
}

/// The desktop that made a change: the node at the end of its clock stamp.
fn node(hlc: &str) -> &str {
    hlc.splitn(3, '-').nth(2).unwrap_or("")
}

/// Marks, in `changes` (newest first), each field whose value the next change of that field
/// replaced when that change came from another admin or another desktop.
fn mark_overwritten(changes: &mut [ChangeRecord]) {
    // The latest change seen so far (walking from the newest) of each field.
    let mut later: BTreeMap<String, (String, String, String)> = BTreeMap::new();
    for change in changes.iter_mut() {
        let fields: Vec<String> = change
            .fields
            .as_object()
            .map(|f| f.keys().cloned().collect())
            .unwrap_or_default();
        for field in fields {
            if let Some((actor, at, hlc)) = later.get(&field) {
                if *actor != change.actor || node(hlc) != node(&change.hlc) {
                    change.overwritten.insert(
                        field.clone(),
                        Overwrite {
                            by: actor.clone(),
                            at: at.clone(),
                        },
                    );
                }
            }
            later.insert(
                field,
                (change.actor.clone(), change.at.clone(), change.hlc.clone()),
            );
        }
    }
}
