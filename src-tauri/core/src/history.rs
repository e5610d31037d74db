//! Reading the change log: the History section of a record.

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

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
    pub actor: String,
    pub at: String,
    pub hlc: String,
}

/// Every change to one record, newest first.
pub fn for_record(conn: &Connection, entity: &str, id: &str) -> Result<Vec<ChangeRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, entity, entity_id, op, fields, actor, at, hlc FROM change_log
         WHERE entity = ?1 AND entity_id = ?2 ORDER BY seq DESC",
    )?;
    let rows = stmt.query_map([entity, id], |r| {
        let fields: String = r.get(4)?;
        Ok(ChangeRecord {
            id: r.get(0)?,
            entity: r.get(1)?,
            entity_id: r.get(2)?,
            op: r.get(3)?,
            fields: serde_json::from_str(&fields).unwrap_or(serde_json::Value::Null),
            actor: r.get(5)?,
            at: r.get(6)?,
            hlc: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
