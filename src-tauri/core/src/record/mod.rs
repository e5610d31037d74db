//! Records described as tables: each synced column as a field, read with its clock, and
//! the one local write path of the records that have no writer of their own (consents,
//! notes, events, the records a user owns, the organization's fields). Each such table's
//! rules live in one module, the only one that saves its entity here.

mod tables;

use cu_sync::merge::{Fields, Versioned};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection, OptionalExtension};
use serde_json::{json, Map, Value};

use crate::store::{clocks_with, Tx};
use crate::Result;

use tables::TABLES;

/// The clock of what every store seeds alike (predefined roles, default templates): older
/// than any edit, and the same everywhere, so seeded records never collide.
pub const SEEDED: &str = "0000000000000-00000-seed";

/// How a column's value is held.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    Text,
    Flag,
    /// JSON text (a setting's value).
    Json,
}

pub(crate) struct Table {
    pub(crate) entity: &'static str,
    pub(crate) table: &'static str,
    pub(crate) key: &'static str,
    /// `(field, column, kind)`.
    pub(crate) columns: &'static [(&'static str, &'static str, Kind)],
    /// Columns a new row needs that do not sync, as SQL expressions.
    pub(crate) on_insert: &'static [(&'static str, &'static str)],
    /// A list of ids kept in a table of its own that travels as one field of the record.
    pub(crate) relation: Option<Relation>,
}

/// `field` is the sorted ids in `table`'s `target` column of the rows whose `owner` column
/// is the record's id.
pub(crate) struct Relation {
    pub(crate) field: &'static str,
    pub(crate) table: &'static str,
    pub(crate) owner: &'static str,
    pub(crate) target: &'static str,
    /// The table the ids are of, which syncs before this record.
    pub(crate) of: &'static str,
}

pub(crate) fn table(entity: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.entity == entity)
}

pub(crate) fn table_state(conn: &Connection, t: &Table, id: &str) -> Result<Option<Fields>> {
    let columns: Vec<&str> = t.columns.iter().map(|c| c.1).collect();
    let sql = format!(
        "SELECT field_hlc, {} FROM {} WHERE {} = ?1",
        columns.join(", "),
        t.table,
        t.key
    );
    let row = conn
        .prepare_cached(&sql)?
        .query_row([id], |r| {
            let clocks: String = r.get(0)?;
            let mut values = Vec::new();
            for (i, (_, _, kind)) in t.columns.iter().enumerate() {
                let cell: SqlValue = r.get(i + 1)?;
                values.push(to_json(cell, *kind));
            }
            Ok((clocks, values))
        })
        .optional()?;
    let Some((clocks, values)) = row else {
        return Ok(None);
    };
    let clocks: Map<String, Value> = serde_json::from_str(&clocks).unwrap_or_default();
    let mut fields = fields_of(t, values, &clocks);
    if let Some(rel) = &t.relation {
        let mut ids: Vec<String> = conn
            .prepare_cached(&format!(
                "SELECT {} FROM {} WHERE {} = ?1",
                rel.target, rel.table, rel.owner
            ))?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.sort_unstable();
        fields.insert(
            rel.field.into(),
            Versioned {
                value: serde_json::json!(ids),
                hlc: clock(&clocks, rel.field),
            },
        );
    }
    Ok(Some(fields))
}

fn fields_of(t: &Table, values: Vec<Value>, clocks: &Map<String, Value>) -> Fields {
    t.columns
        .iter()
        .zip(values)
        .map(|((field, _, _), value)| {
            (
                field.to_string(),
                Versioned {
                    value,
                    hlc: clock(clocks, field),
                },
            )
        })
        .collect()
}

fn clock(clocks: &Map<String, Value>, field: &str) -> String {
    clocks
        .get(field)
        .and_then(Value::as_str)
        .unwrap_or(SEEDED)
        .to_string()
}

fn to_json(cell: SqlValue, kind: Kind) -> Value {
    match (cell, kind) {
        (SqlValue::Null, _) => Value::Null,
        (SqlValue::Integer(i), Kind::Flag) => Value::Bool(i != 0),
        (SqlValue::Integer(i), _) => Value::from(i),
        (SqlValue::Text(s), Kind::Json) => serde_json::from_str(&s).unwrap_or(Value::Null),
        (SqlValue::Text(s), _) => Value::String(s),
        (SqlValue::Real(f), _) => Value::from(f),
        (SqlValue::Blob(_), _) => Value::Null,
    }
}

fn to_sql(value: &Value, kind: Kind) -> SqlValue {
    match (value, kind) {
        (Value::Null, Kind::Json) => SqlValue::Text("null".into()),
        (Value::Null, _) => SqlValue::Null,
        (v, Kind::Json) => SqlValue::Text(v.to_string()),
        (Value::Bool(b), _) => SqlValue::Integer((*b).into()),
        (Value::String(s), _) => SqlValue::Text(s.clone()),
        (Value::Number(n), _) => SqlValue::Integer(n.as_i64().unwrap_or(0)),
        (v, _) => SqlValue::Text(v.to_string()),
    }
}

/// Writes the whole record: `value(field)` for each synced column, with `clocks` (JSON).
pub(crate) fn upsert(
    tx: &Tx<'_>,
    t: &Table,
    id: &str,
    clocks: &str,
    value: impl Fn(&str) -> Value,
) -> rusqlite::Result<usize> {
    let mut names = vec![t.key, "field_hlc"];
    let mut cells = vec![
        SqlValue::Text(id.to_string()),
        SqlValue::Text(clocks.to_string()),
    ];
    for (field, column, kind) in t.columns {
        names.push(column);
        cells.push(to_sql(&value(field), *kind));
    }
    let updates: Vec<String> = names[1..]
        .iter()
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    let marks = vec!["?"; names.len()];
    let (extra_names, extra_values): (Vec<&str>, Vec<&str>) = t.on_insert.iter().copied().unzip();
    let sql = format!(
        "INSERT INTO {table} ({names}{comma}{extra_names}) VALUES ({marks}{comma}{extra_values})
         ON CONFLICT ({key}) DO UPDATE SET {updates}",
        table = t.table,
        names = names.join(", "),
        comma = if extra_names.is_empty() { "" } else { ", " },
        extra_names = extra_names.join(", "),
        marks = marks.join(", "),
        extra_values = extra_values.join(", "),
        key = t.key,
        updates = updates.join(", "),
    );
    tx.prepare_cached(&sql)?.execute(params_from_iter(cells))
}

fn described(entity: &str) -> &'static Table {
    table(entity).unwrap_or_else(|| panic!("\"{entity}\" is not described in record::TABLES"))
}

/// The position after the last of `entity`'s records: where a new one is listed.
pub(crate) fn next_position(conn: &Connection, entity: &str) -> Result<i64> {
    let t = described(entity);
    Ok(conn.query_row(
        &format!("SELECT coalesce(max(position), 0) + 1 FROM {}", t.table),
        [],
        |r| r.get(0),
    )?)
}

/// A `json!({...})` object as the field map [`save`] takes.
pub(crate) fn fields(object: Value) -> Map<String, Value> {
    match object {
        Value::Object(map) => map,
        other => panic!("a record's fields are a JSON object, not {other}"),
    }
}

/// Saves the record `id` of `entity` with `values` (synced field → value; a new record needs
/// every field its table requires), and records the change of the fields that differ.
/// Returns whether anything changed.
pub(crate) fn save(
    tx: &mut Tx<'_>,
    entity: &str,
    id: &str,
    values: &Map<String, Value>,
) -> Result<bool> {
    let t = described(entity);
    let before = table_state(tx, t, id)?;
    let clocks: String = match before {
        Some(_) => tx.query_row(
            &format!("SELECT field_hlc FROM {} WHERE {} = ?1", t.table, t.key),
            [id],
            |r| r.get(0),
        )?,
        None => "{}".into(),
    };
    let mut changed = Map::new();
    let mut full = Map::new();
    for (field, _, _) in t.columns {
        let old = before
            .as_ref()
            .and_then(|b| b.get(*field))
            .map_or(Value::Null, |v| v.value.clone());
        let new = values.get(*field).cloned().unwrap_or_else(|| old.clone());
        if new != old {
            changed.insert(field.to_string(), json!([old, new]));
        }
        full.insert(field.to_string(), new);
    }
    if before.is_some() && changed.is_empty() {
        return Ok(false);
    }
    let hlc = tx.tick();
    if before.is_none() {
        // A record made again (an acceptance given back) is no longer deleted.
        tx.execute(
            "DELETE FROM sync_tombstone WHERE entity = ?1 AND entity_id = ?2",
            [entity, id],
        )?;
    }
    upsert(tx, t, id, &clocks_with(&clocks, &changed, &hlc), |f| {
        full.get(f).cloned().unwrap_or(Value::Null)
    })?;
    let op = if before.is_some() { "update" } else { "create" };
    tx.record(entity, id, op, &changed, &hlc)?;
    Ok(true)
}

/// Deletes the record and records it; `false` when it was not here.
pub(crate) fn delete(tx: &mut Tx<'_>, entity: &str, id: &str) -> Result<bool> {
    let t = described(entity);
    let Some(before) = table_state(tx, t, id)? else {
        return Ok(false);
    };
    tx.execute(
        &format!("DELETE FROM {} WHERE {} = ?1", t.table, t.key),
        [id],
    )?;
    let fields: Map<String, Value> = before
        .into_iter()
        .map(|(name, v)| (name, json!([v.value, Value::Null])))
        .collect();
    let hlc = tx.tick();
    tx.record(entity, id, "delete", &fields, &hlc)?;
    Ok(true)
}
