//! The records that sync, each read as its synced fields with their clocks (for a push) and
//! written as the team's server holds it (a pull). Customer users have their own module
//! (`customer_user::write::remote`); the smaller records are described here as tables.
//! These remote writes are the only writes besides each record's own writer, and they record
//! no change: the change records travel as records of their own.

use cu_sync::merge::{Fields, Versioned};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection, OptionalExtension};
use serde_json::{Map, Value};

use crate::customer_user::write::remote as customer_users;
use crate::store::Tx;
use crate::Result;

pub const CUSTOMER_USER: &str = "customer_user";
/// The change records, so History shows every admin's changes on every desktop.
pub const CHANGE: &str = crate::store::CHANGE_ENTITY;

/// The clock of what every store seeds alike (predefined roles, default templates): older
/// than any edit, and the same everywhere, so seeded records never collide.
pub const SEEDED: &str = "0000000000000-00000-seed";

/// The order pulled records are written in, so what a record refers to is there first.
pub const ORDER: &[&str] = cu_sync::wire::ENTITIES;

/// How a column's value is held.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    Flag,
    /// JSON text (a setting's value).
    Json,
}

struct Table {
    entity: &'static str,
    table: &'static str,
    key: &'static str,
    /// `(field, column, kind)`.
    columns: &'static [(&'static str, &'static str, Kind)],
    /// Columns a new row needs that do not sync, as SQL expressions.
    on_insert: &'static [(&'static str, &'static str)],
    /// A list of ids kept in a table of its own that travels as one field of the record.
    relation: Option<Relation>,
}

/// `field` is the sorted ids in `table`'s `target` column of the rows whose `owner` column
/// is the record's id.
struct Relation {
    field: &'static str,
    table: &'static str,
    owner: &'static str,
    target: &'static str,
    /// The table the ids are of, which syncs before this record.
    of: &'static str,
}

const ORGANIZATION: &str = "(SELECT id FROM organization ORDER BY id LIMIT 1)";
const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

const TABLES: &[Table] = &[
    Table {
        entity: "localization",
        table: "localization",
        key: "id",
        columns: &[("name", "name", Kind::Text), ("code", "code", Kind::Text)],
        on_insert: &[],
        relation: None,
    },
    Table {
        entity: "app_role",
        table: "app_role",
        key: "id",
        columns: &[
            ("label", "label", Kind::Text),
            ("capabilities", "capabilities", Kind::Json),
        ],
        on_insert: &[("organization_id", ORGANIZATION)],
        relation: None,
    },
    Table {
        entity: "app_user",
        table: "app_user",
        key: "id",
        columns: &[
            ("username", "username", Kind::Text),
            ("email", "email", Kind::Text),
            ("firstName", "first_name", Kind::Text),
            ("lastName", "last_name", Kind::Text),
            ("enabled", "enabled", Kind::Flag),
            ("appRole", "role_id", Kind::Text),
        ],
        on_insert: &[("organization_id", ORGANIZATION)],
        relation: None,
    },
    Table {
        entity: "customer",
        table: "customer",
        key: "id",
        columns: &[
            ("name", "name", Kind::Text),
            ("parent", "parent_id", Kind::Text),
        ],
        on_insert: &[
            ("organization_id", ORGANIZATION),
            ("created_at", NOW),
            ("updated_at", NOW),
        ],
        relation: Some(Relation {
            field: "salesRepresentatives",
            table: "customer_sales_rep",
            owner: "customer_id",
            target: "user_id",
            of: "app_user",
        }),
    },
    Table {
        entity: "customer_user_role",
        table: "customer_user_role",
        key: "id",
        columns: &[
            ("role", "role", Kind::Text),
            ("label", "label", Kind::Text),
            ("customer", "customer_id", Kind::Text),
            ("selfManaged", "self_managed", Kind::Flag),
            ("public", "public", Kind::Flag),
            ("permissions", "permissions", Kind::Json),
            ("capabilities", "capabilities", Kind::Json),
        ],
        on_insert: &[("organization_id", ORGANIZATION)],
        relation: None,
    },
    Table {
        entity: "website",
        table: "website",
        key: "id",
        columns: &[
            ("name", "name", Kind::Text),
            ("url", "url", Kind::Text),
            ("defaultRole", "default_role_id", Kind::Text),
            ("guestRole", "guest_role_id", Kind::Text),
            ("isDefault", "is_default", Kind::Flag),
        ],
        on_insert: &[("organization_id", ORGANIZATION)],
        relation: Some(Relation {
            field: "localizations",
            table: "website_localization",
            owner: "website_id",
            target: "localization_id",
            of: "localization",
        }),
    },
    Table {
        entity: "setting",
        table: "setting",
        key: "key",
        columns: &[("value", "value", Kind::Json)],
        on_insert: &[],
        relation: None,
    },
    Table {
        entity: "email_template",
        table: "email_template",
        key: "name",
        columns: &[
            ("subject", "subject", Kind::Text),
            ("content", "content", Kind::Text),
        ],
        on_insert: &[],
        relation: None,
    },
];

fn table(entity: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.entity == entity)
}

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

fn table_state(conn: &Connection, t: &Table, id: &str) -> Result<Option<Fields>> {
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
    let mut names = vec![t.key, "field_hlc"];
    let mut cells = vec![
        SqlValue::Text(id.to_string()),
        SqlValue::Text(Value::Object(clocks).to_string()),
    ];
    for (field, column, kind) in t.columns {
        names.push(column);
        cells.push(to_sql(value(field), *kind));
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
    match tx.prepare_cached(&sql)?.execute(params_from_iter(cells)) {
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
