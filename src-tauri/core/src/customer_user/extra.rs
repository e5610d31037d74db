//! The organization's own customer user fields (System › Customer User Fields): their
//! definitions, the one writer of `customer_user_field`, and the check of a user's values,
//! which the user keeps as `extra`, `{name: value}`.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use ts_rs::TS;

use crate::actor::Actor;
use crate::back_office::capability::{require, Capability};
use crate::error::Violations;
use crate::store::{new_id, Tx};
use crate::{record, rules, CoreError, Database, Result};

const ENTITY: &str = "customer_user_field";
const INVALID_CHOICE: &str = "The value you selected is not a valid choice.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ExtraFieldKind {
    Text,
    Number,
    Date,
    Boolean,
    Choice,
}

impl ExtraFieldKind {
    fn as_str(self) -> &'static str {
        match self {
            ExtraFieldKind::Text => "text",
            ExtraFieldKind::Number => "number",
            ExtraFieldKind::Date => "date",
            ExtraFieldKind::Boolean => "boolean",
            ExtraFieldKind::Choice => "choice",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExtraField {
    pub id: String,
    /// The key of its values, its CSV column and its grid filter: cannot change.
    pub name: String,
    pub label: String,
    pub kind: ExtraFieldKind,
    /// A choice field's values, in order.
    pub choices: Vec<String>,
    pub position: u32,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct ExtraFieldInput {
    #[serde(default)]
    #[ts(optional = nullable)]
    pub name: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub label: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub kind: Option<ExtraFieldKind>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub choices: Option<Vec<String>>,
}

impl ExtraFieldInput {
    /// The form's JSON, naming the field whose value has the wrong type or is unknown.
    pub fn from_json(value: Value) -> Result<Self> {
        crate::error::parse_json(value)
    }
}

const FIELD_SQL: &str = "SELECT id, name, label, kind, choices, position FROM customer_user_field";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ExtraField> {
    let kind: String = r.get(3)?;
    let choices: String = r.get(4)?;
    Ok(ExtraField {
        id: r.get(0)?,
        name: r.get(1)?,
        label: r.get(2)?,
        kind: serde_json::from_value(Value::String(kind)).unwrap_or(ExtraFieldKind::Text),
        choices: serde_json::from_str(&choices).unwrap_or_default(),
        position: r.get(5)?,
    })
}

pub fn list(conn: &Connection) -> Result<Vec<ExtraField>> {
    let mut stmt = conn.prepare_cached(&format!("{FIELD_SQL} ORDER BY position, name"))?;
    let rows = stmt.query_map([], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The field `key`: its id or its name.
pub fn get(conn: &Connection, key: &str) -> Result<ExtraField> {
    conn.query_row(
        &format!("{FIELD_SQL} WHERE id = ?1 OR name = ?1 ORDER BY id LIMIT 1"),
        [key.trim()],
        row,
    )
    .optional()?
    .ok_or_else(|| CoreError::not_found("Customer user field", key))
}

fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && name.len() <= 64
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn checked(
    tx: &Tx<'_>,
    input: &ExtraFieldInput,
    before: Option<&ExtraField>,
) -> Result<Map<String, Value>> {
    let mut v = Violations::default();
    let name = input.name.as_deref().map(str::trim);
    match (before, name) {
        (Some(b), Some(n)) if n != b.name => {
            v.add("name", "The name cannot change once the field is made.");
        }
        (None, None) | (None, Some("")) => v.add("name", rules::NOT_BLANK),
        (None, Some(n)) if !is_name(n) => v.add(
            "name",
            "Use lower-case letters, digits and underscores, starting with a letter (at most 64).",
        ),
        (None, Some(n)) => {
            let taken: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM customer_user_field WHERE name = ?1)",
                [n],
                |r| r.get(0),
            )?;
            if taken {
                v.add("name", "A field with this name already exists.");
            }
        }
        _ => {}
    }
    let label = rules::required_text(
        &mut v,
        "label",
        input.label.as_deref().or(before.map(|b| b.label.as_str())),
        255,
    );
    let kind = match (before, input.kind) {
        (Some(b), Some(k)) if k != b.kind => {
            v.add("kind", "The kind cannot change once the field is made.");
            b.kind
        }
        (Some(b), _) => b.kind,
        (None, Some(k)) => k,
        (None, None) => {
            v.add("kind", rules::NOT_BLANK);
            ExtraFieldKind::Text
        }
    };
    let mut choices: Vec<String> = Vec::new();
    for (i, c) in input
        .choices
        .as_deref()
        .or(before.map(|b| b.choices.as_slice()))
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let c = rules::required_text(&mut v, &format!("choices.{i}"), Some(c), 255);
        if choices.contains(&c) {
            v.add(format!("choices.{i}"), "This choice is listed twice.");
        }
        choices.push(c);
    }
    match kind {
        ExtraFieldKind::Choice if choices.is_empty() => {
            v.add("choices", "A choice field needs at least one choice.")
        }
        ExtraFieldKind::Choice => {}
        _ if !choices.is_empty() => v.add("choices", "Only a choice field has choices."),
        _ => {}
    }
    v.into_result()?;
    let mut fields = json!({"label": label, "kind": kind.as_str(), "choices": choices});
    if before.is_none() {
        fields["name"] = json!(name);
        fields["position"] = json!(record::next_position(tx, ENTITY)?);
    }
    Ok(record::fields(fields))
}

pub fn create(db: &Database, actor: &Actor, input: &ExtraFieldInput) -> Result<ExtraField> {
    db.write(actor, |tx| {
        require(tx, Capability::ManageSettings)?;
        let id = create_in(tx, input)?;
        get(tx, &id)
    })
}

/// [`create`] inside a transaction (demo data); returns the field's id.
pub(crate) fn create_in(tx: &mut Tx<'_>, input: &ExtraFieldInput) -> Result<String> {
    let fields = checked(tx, input, None)?;
    let id = new_id();
    record::save(tx, ENTITY, &id, &fields)?;
    Ok(id)
}

pub fn update(
    db: &Database,
    actor: &Actor,
    key: &str,
    input: &ExtraFieldInput,
) -> Result<ExtraField> {
    db.write(actor, |tx| {
        require(tx, Capability::ManageSettings)?;
        let before = get(tx, key)?;
        let fields = checked(tx, input, Some(&before))?;
        record::save(tx, ENTITY, &before.id, &fields)?;
        get(tx, &before.id)
    })
}

/// Users keep their values (a field made again with the name shows them again); the form,
/// the page, the grid and the CSV no longer show them.
pub fn delete(db: &Database, actor: &Actor, key: &str) -> Result<()> {
    db.write(actor, |tx| {
        require(tx, Capability::ManageSettings)?;
        let field = get(tx, key)?;
        record::delete(tx, ENTITY, &field.id)?;
        Ok(())
    })
}

/// A user's stored `extra` column as its values: none when the column is empty.
pub(crate) fn decode(stored: Option<String>) -> Map<String, Value> {
    stored
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// `value` as field `f` keeps it, or why it cannot be: text of one line, a number, a
/// `YYYY-MM-DD` date, yes/no, one of the choices. `None` for an empty value.
pub fn value_of(f: &ExtraField, value: &Value) -> std::result::Result<Option<Value>, String> {
    let text = match value {
        Value::Null => return Ok(None),
        Value::String(s) if s.trim().is_empty() => return Ok(None),
        Value::String(s) => Some(s.trim()),
        _ => None,
    };
    match f.kind {
        ExtraFieldKind::Text => match text {
            Some(t) => rules::check_text(t, 255).map_or(Ok(Some(json!(t))), Err),
            None => Err("This value should be of type string.".into()),
        },
        ExtraFieldKind::Number => {
            let n = match (value, text) {
                (Value::Number(n), _) => n.as_f64(),
                (_, Some(t)) => t.parse::<f64>().ok(),
                _ => None,
            };
            match n.filter(|n| n.is_finite()) {
                Some(n) if n.fract() == 0.0 && n.abs() < 9e15 => Ok(Some(json!(n as i64))),
                Some(n) => Ok(Some(json!(n))),
                None => Err("This value should be a valid number.".into()),
            }
        }
        ExtraFieldKind::Date => match text {
            Some(t) if chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").is_ok() => {
                Ok(Some(json!(t)))
            }
            _ => Err(rules::INVALID_DATE.into()),
        },
        ExtraFieldKind::Boolean => match (value, text.map(str::to_ascii_lowercase).as_deref()) {
            (Value::Bool(b), _) => Ok(Some(json!(b))),
            (_, Some("yes" | "true" | "1")) => Ok(Some(json!(true))),
            (_, Some("no" | "false" | "0")) => Ok(Some(json!(false))),
            _ => Err("This value should be yes or no.".into()),
        },
        ExtraFieldKind::Choice => match text {
            Some(t) if f.choices.iter().any(|c| c == t) => Ok(Some(json!(t))),
            _ => Err(INVALID_CHOICE.into()),
        },
    }
}

/// The user's values (`None`: those `kept`) checked against the organization's fields,
/// errors at `extra.<name>`. A value of a field since deleted may stay as `kept` has it,
/// but not be set.
pub fn check_values(
    conn: &Connection,
    values: Option<&Map<String, Value>>,
    kept: &Map<String, Value>,
    v: &mut Violations,
) -> Result<Map<String, Value>> {
    let Some(values) = values else {
        return Ok(kept.clone());
    };
    // Every update sends the user's values back (bulk actions on thousands of users among
    // them): the organization's fields are read only when a value changes.
    if values == kept {
        return Ok(kept.clone());
    }
    let fields = list(conn)?;
    let mut out = Map::new();
    for (name, value) in values {
        if value.is_null() {
            continue;
        }
        match fields.iter().find(|f| &f.name == name) {
            Some(f) => match value_of(f, value) {
                Ok(Some(kept)) => {
                    out.insert(name.clone(), kept);
                }
                Ok(None) => {}
                Err(problem) => v.add(format!("extra.{name}"), problem),
            },
            None if kept.get(name) == Some(value) => {
                out.insert(name.clone(), value.clone());
            }
            None => v.add(
                format!("extra.{name}"),
                format!("There is no customer user field named \"{name}\"."),
            ),
        }
    }
    Ok(out)
}
