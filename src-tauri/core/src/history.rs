//! Reading the change log: the History section of a record.

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
}

/// Every change to one record, newest first.
pub fn for_record(conn: &Connection, entity: &str, id: &str) -> Result<Vec<ChangeRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.entity, c.entity_id, c.op, c.fields, c.actor, c.at, c.hlc, i.id, c.via
         FROM change_log c LEFT JOIN import_run i ON i.id = c.import_id
         WHERE c.entity = ?1 AND c.entity_id = ?2 ORDER BY c.seq DESC",
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
                },
                r.get(8)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(mut change, import)| {
            if let Some(import) = import {
                change.import = Some(crate::csv::import::record(conn, &import)?);
            }
            Ok(change)
        })
        .collect()
}
