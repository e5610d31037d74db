//! The UI's remembered state (grid columns, sort, filters, page size), kept in the store so
//! it survives restarts whatever the web view does with its own storage.

use serde_json::{Map, Value};

use crate::actor::Actor;
use crate::{CoreError, Database, Result};

pub fn get_all(db: &Database) -> Result<Map<String, Value>> {
    db.read(|conn| {
        let mut stmt = conn.prepare("SELECT key, value FROM ui_state ORDER BY key")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Map::new();
        for row in rows {
            let (key, value) = row?;
            out.insert(key, serde_json::from_str(&value).unwrap_or(Value::Null));
        }
        Ok(out)
    })
}

/// Stores `value` under `key`; `null` forgets the key.
pub fn set(db: &Database, key: &str, value: &Value) -> Result<()> {
    // The window's layout is not the store's data: on a read-only store it lasts the session.
    if db.is_read_only() {
        return Ok(());
    }
    if key.is_empty() || key.len() > 200 {
        return Err(CoreError::field(
            "key",
            "The key must be 1 to 200 characters long.",
        ));
    }
    db.write(&Actor::system(), |tx| {
        if value.is_null() {
            tx.execute("DELETE FROM ui_state WHERE key = ?1", [key])?;
        } else {
            tx.execute(
                "INSERT INTO ui_state (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, &value.to_string()],
            )?;
        }
        Ok(())
    })
}
