//! The `customer_user` row and the relations that travel with it (role links, the website's
//! settings row): written in full for a new user, column by changed column for an update.
//! The form, the CLI, bulk actions, the CSV import and the generator all write through here.

use std::cell::RefCell;
use std::rc::Rc;

use rusqlite::types::{ToSqlOutput, Value as SqlValue, ValueRef};
use serde_json::{json, Map, Value};

use crate::customer_user::field::Field;
use crate::reference::RoleRef;
use crate::store::Tx;
use crate::{CoreError, Result};

/// Another record as the row refers to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Named<'a> {
    pub id: &'a str,
    pub name: &'a str,
}

impl Named<'_> {
    fn value(self) -> Value {
        json!({ "id": self.id, "name": self.name })
    }
}

/// A customer user's row fields, checked and resolved: what a write stores.
#[derive(Debug, Clone)]
pub(crate) struct Row<'a> {
    pub name_prefix: Option<&'a str>,
    pub first_name: &'a str,
    pub middle_name: Option<&'a str>,
    pub last_name: &'a str,
    pub name_suffix: Option<&'a str>,
    pub email: &'a str,
    pub birthday: Option<&'a str>,
    pub enabled: bool,
    pub confirmed: bool,
    pub is_guest: bool,
    pub organization: &'a str,
    pub customer: Named<'a>,
    pub website: Option<Named<'a>>,
    pub owner: Option<Named<'a>>,
    /// In the order the change record lists them.
    pub roles: Vec<&'a RoleRef>,
    /// The organization's own fields; `None` when the user has no values.
    pub extra: Option<&'a Map<String, Value>>,
}

/// The row fields, in the order the change log shows them.
pub(crate) const ROW_FIELDS: [Field; 15] = [
    Field::NamePrefix,
    Field::FirstName,
    Field::MiddleName,
    Field::LastName,
    Field::NameSuffix,
    Field::Email,
    Field::Birthday,
    Field::Enabled,
    Field::Confirmed,
    Field::IsGuest,
    Field::Customer,
    Field::Website,
    Field::Owner,
    Field::UserRoles,
    Field::Extra,
];

impl Row<'_> {
    /// The field's value as the change log records it.
    pub fn value(&self, field: Field) -> Value {
        let named = |n: Option<Named<'_>>| n.map_or(Value::Null, Named::value);
        match field {
            Field::NamePrefix => json!(self.name_prefix),
            Field::FirstName => json!(self.first_name),
            Field::MiddleName => json!(self.middle_name),
            Field::LastName => json!(self.last_name),
            Field::NameSuffix => json!(self.name_suffix),
            Field::Email => json!(self.email),
            Field::Birthday => json!(self.birthday),
            Field::Enabled => json!(self.enabled),
            Field::Confirmed => json!(self.confirmed),
            Field::IsGuest => json!(self.is_guest),
            Field::Customer => self.customer.value(),
            Field::Website => named(self.website),
            Field::Owner => named(self.owner),
            Field::UserRoles => Value::Array(
                self.roles
                    .iter()
                    .map(|r| serde_json::to_value(r).unwrap_or(Value::Null))
                    .collect(),
            ),
            Field::Extra => self.extra.map_or(Value::Null, |m| Value::Object(m.clone())),
            _ => Value::Null,
        }
    }

    /// The row fields as the change log records them.
    pub fn fields(&self) -> Map<String, Value> {
        ROW_FIELDS
            .iter()
            .map(|&f| (f.api().to_string(), self.value(f)))
            .collect()
    }

    /// The row fields whose values differ from `before`'s, found without building values
    /// (most rows of a re-imported export change nothing).
    pub fn changed_since(&self, before: &Row<'_>) -> Vec<Field> {
        let roles_equal = self.roles.len() == before.roles.len()
            && self.roles.iter().zip(&before.roles).all(|(a, b)| a == b);
        ROW_FIELDS
            .into_iter()
            .filter(|&f| match f {
                Field::NamePrefix => self.name_prefix != before.name_prefix,
                Field::FirstName => self.first_name != before.first_name,
                Field::MiddleName => self.middle_name != before.middle_name,
                Field::LastName => self.last_name != before.last_name,
                Field::NameSuffix => self.name_suffix != before.name_suffix,
                Field::Email => self.email != before.email,
                Field::Birthday => self.birthday != before.birthday,
                Field::Enabled => self.enabled != before.enabled,
                Field::Confirmed => self.confirmed != before.confirmed,
                Field::IsGuest => self.is_guest != before.is_guest,
                Field::Customer => self.customer != before.customer,
                Field::Website => self.website != before.website,
                Field::Owner => self.owner != before.owner,
                Field::UserRoles => !roles_equal,
                Field::Extra => self.extra != before.extra,
                _ => false,
            })
            .collect()
    }

    /// The grid's sort key for the roles: their labels, sorted, comma-separated.
    fn roles_label(&self) -> String {
        let mut labels: Vec<&str> = self.roles.iter().map(|r| r.label.as_str()).collect();
        labels.sort_unstable_by_key(|l| l.to_lowercase());
        labels.join(", ")
    }

    /// Adds the columns that hold `field` to `out`, with the copies the grid sorts by;
    /// values are borrowed from the row, not copied.
    fn columns<'s>(&'s self, field: Field, out: &mut Vec<Cell<'s>>) {
        let text = |v: &'s str| ToSqlOutput::Borrowed(ValueRef::Text(v.as_bytes()));
        let optional = |v: Option<&'s str>| v.map_or(ToSqlOutput::Owned(SqlValue::Null), text);
        let flag = |v: bool| ToSqlOutput::Owned(SqlValue::Integer(v.into()));
        let column = field.def().column.unwrap_or_default();
        match field {
            Field::NamePrefix => out.push((column, optional(self.name_prefix))),
            Field::FirstName => out.push((column, text(self.first_name))),
            Field::MiddleName => out.push((column, optional(self.middle_name))),
            Field::LastName => out.push((column, text(self.last_name))),
            Field::NameSuffix => out.push((column, optional(self.name_suffix))),
            Field::Email => out.extend([
                (column, text(self.email)),
                (
                    "email_lowercase",
                    ToSqlOutput::Owned(SqlValue::Text(self.email.to_lowercase())),
                ),
            ]),
            Field::Birthday => out.push((column, optional(self.birthday))),
            Field::Enabled => out.push((column, flag(self.enabled))),
            Field::Confirmed => out.push((column, flag(self.confirmed))),
            Field::IsGuest => out.push((column, flag(self.is_guest))),
            Field::Customer => out.extend([
                (
                    Field::Organization.def().column.unwrap_or_default(),
                    text(self.organization),
                ),
                (column, text(self.customer.id)),
                ("customer_name", text(self.customer.name)),
            ]),
            Field::Website => out.extend([
                (column, optional(self.website.map(|w| w.id))),
                ("website_name", text(self.website.map_or("", |w| w.name))),
            ]),
            Field::Owner => out.push((column, optional(self.owner.map(|o| o.id)))),
            Field::UserRoles => out.push((
                "roles_label",
                ToSqlOutput::Owned(SqlValue::Text(self.roles_label())),
            )),
            Field::Extra => out.push((
                column,
                ToSqlOutput::Owned(self.extra.map_or(SqlValue::Null, |m| {
                    SqlValue::Text(Value::Object(m.clone()).to_string())
                })),
            )),
            _ => {}
        }
    }
}

/// A column and the value to write to it.
type Cell<'a> = (&'static str, ToSqlOutput<'a>);

/// `INSERT`, or `UPDATE … SET`, of `cells` (`WHERE seq = ?` after them for an update),
/// its text built once per shape and its statement cached.
fn execute(tx: &Tx<'_>, sql: &str, cells: Vec<Cell<'_>>, seq: Option<i64>) -> Result<()> {
    tx.prepare_cached(sql)?
        .execute(rusqlite::params_from_iter(
            cells
                .into_iter()
                .map(|(_, v)| v)
                .chain(seq.map(|s| ToSqlOutput::Owned(SqlValue::Integer(s)))),
        ))
        .map_err(unique_email_error)?;
    Ok(())
}

/// A new user's place in the table and the clock of their creation.
pub(crate) struct Added {
    pub seq: i64,
    pub hlc: String,
}

/// Inserts a new user `id` with their role links. The caller adds the
/// website's settings row (the form with the localization chosen, an import for all its new
/// users in one statement) and records the create ([`super::record_create`]).
pub(crate) fn insert(tx: &mut Tx<'_>, id: &str, row: &Row<'_>) -> Result<Added> {
    let hlc = tx.tick();
    let seq = insert_with(
        tx,
        id,
        row,
        vec![("created_hlc", SqlValue::Text(hlc.clone()))],
    )?;
    Ok(Added { seq, hlc })
}

/// Inserts a new user `id` with their role links, `extra` columns in the same statement
/// (the clock of the create, or all a synced user keeps); returns the user's `seq`.
pub(crate) fn insert_with(
    tx: &mut Tx<'_>,
    id: &str,
    row: &Row<'_>,
    extra: Vec<(&'static str, SqlValue)>,
) -> Result<i64> {
    let now = tx.now();
    let text = |v: &str| ToSqlOutput::Owned(SqlValue::Text(v.to_string()));
    let mut cells: Vec<Cell<'_>> = Vec::with_capacity(24 + extra.len());
    cells.push(("id", ToSqlOutput::Borrowed(ValueRef::Text(id.as_bytes()))));
    for field in ROW_FIELDS {
        row.columns(field, &mut cells);
    }
    for column in ["created_at", "updated_at"] {
        if !extra.iter().any(|(c, _)| *c == column) {
            cells.push((column, text(&now)));
        }
    }
    cells.extend(extra.into_iter().map(|(c, v)| (c, ToSqlOutput::Owned(v))));
    let sql = insert_sql(&cells);
    execute(tx, &sql, cells, None)?;
    let seq = tx.last_insert_rowid();
    link_roles(tx, id, row)?;
    Ok(seq)
}

/// The `INSERT` of these columns, its text built once per set of columns: a write of a
/// million users inserts the same one or two.
fn insert_sql(cells: &[Cell<'_>]) -> Rc<str> {
    thread_local! {
        static KNOWN: RefCell<Vec<(Vec<&'static str>, Rc<str>)>> = const { RefCell::new(Vec::new()) };
    }
    KNOWN.with_borrow_mut(|known| {
        let same = |names: &[&str]| names.iter().copied().eq(cells.iter().map(|(c, _)| *c));
        if let Some((_, sql)) = known.iter().find(|(names, _)| same(names)) {
            return Rc::clone(sql);
        }
        let names: Vec<&'static str> = cells.iter().map(|(c, _)| *c).collect();
        let sql: Rc<str> = format!(
            "INSERT INTO customer_user ({}) VALUES ({})",
            names.join(", "),
            vec!["?"; names.len()].join(", ")
        )
        .into();
        known.push((names, Rc::clone(&sql)));
        sql
    })
}

/// Bytes of search terms FTS5 keeps in memory before writing a segment: its default, and
/// what a bulk write uses.
pub(crate) const DEFAULT_SEARCH_HASH: u32 = 1 << 20;
const BULK_SEARCH_HASH: u32 = 64 << 20;

/// The schema a write of many users sets aside, to build once at the end: the search
/// index's triggers (FTS5 flushes its pending terms at every statement savepoint, so
/// indexing row by row writes a tiny segment per row and merges them) and, for a bulk
/// write, the grid's sort indexes (sorting once is several times faster than a million
/// random index inserts). Dropped inside the write's transaction, so a rollback brings
/// them back.
pub(crate) struct BulkIndexes {
    /// Users from this `seq` on are new: indexed for search at the end.
    first_seq: i64,
    set_aside: Vec<String>,
    /// Whether the sort indexes are set aside too.
    bulk: bool,
}

impl BulkIndexes {
    /// Sets the search triggers aside.
    pub(crate) fn triggers(tx: &Tx<'_>) -> Result<Self> {
        let mut indexes = BulkIndexes {
            first_seq: tx.query_row(
                "SELECT coalesce(max(seq), 0) + 1 FROM customer_user",
                [],
                |r| r.get(0),
            )?,
            set_aside: Vec::new(),
            bulk: false,
        };
        indexes.drop(
            tx,
            "type = 'trigger' AND name IN ('customer_user_search_ai', 'customer_user_search_au')",
        )?;
        Ok(indexes)
    }

    /// Sets the search triggers and the sort indexes aside.
    pub(crate) fn set_aside(tx: &Tx<'_>) -> Result<Self> {
        let mut indexes = Self::triggers(tx)?;
        indexes.sort_indexes(tx)?;
        Ok(indexes)
    }

    /// Sets the sort indexes aside as well (once).
    pub(crate) fn sort_indexes(&mut self, tx: &Tx<'_>) -> Result<()> {
        if !self.bulk {
            self.bulk = true;
            self.drop(
                tx,
                "type = 'index' AND tbl_name = 'customer_user' AND name <> 'uniq_customer_user_email'",
            )?;
        }
        Ok(())
    }

    fn drop(&mut self, tx: &Tx<'_>, condition: &str) -> Result<()> {
        let objects: Vec<(String, String, String)> = tx
            .prepare(&format!(
                "SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND {condition}"
            ))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (kind, name, sql) in objects {
            tx.execute_batch(&format!("DROP {} {name}", kind.to_uppercase()))?;
            self.set_aside.push(sql);
        }
        Ok(())
    }

    /// Indexes the new users (and `reindex`, older users whose searchable fields changed)
    /// for search and creates what was set aside again.
    pub(crate) fn restore_with(self, tx: &Tx<'_>, reindex: &[i64]) -> Result<()> {
        const INDEX: &str =
            "INSERT INTO customer_user_search (rowid, first_name, last_name, email, customer_name)
            SELECT seq, first_name, last_name, email, customer_name FROM customer_user";
        const SEARCH_CONFIG: &str =
            "INSERT INTO customer_user_search (customer_user_search, rank) VALUES";
        if self.bulk {
            // Mostly new rows: FTS5 gathers 64 MiB of terms (not 1 MiB) before writing a
            // segment, and merges the segments once at the end rather than as it goes
            // (automerge 4 is the default): 8.8 s → 6.3 s for a million users.
            tx.execute_batch(&format!(
                "{SEARCH_CONFIG} ('automerge', 0); {SEARCH_CONFIG} ('hashsize', {BULK_SEARCH_HASH});"
            ))?;
        }
        tx.execute(&format!("{INDEX} WHERE seq >= ?1"), [self.first_seq])?;
        let one = format!("{INDEX} WHERE seq = ?1");
        for seq in reindex {
            tx.prepare_cached(&one)?.execute([seq])?;
        }
        if self.bulk {
            tx.execute_batch(&format!(
                "INSERT INTO customer_user_search (customer_user_search) VALUES ('optimize');
                 {SEARCH_CONFIG} ('automerge', 4); {SEARCH_CONFIG} ('hashsize', {DEFAULT_SEARCH_HASH});"
            ))?;
            // SQLite sorts an index it builds in worker threads only when the sort outgrows
            // the page cache, so a small cache is what lets every core share the sorting:
            // 18.9 s → 7.8 s for the 17 sort indexes of a million users.
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            tx.execute_batch(&format!(
                "PRAGMA threads = {threads}; PRAGMA cache_size = -2048;"
            ))?;
        }
        for sql in &self.set_aside {
            tx.execute_batch(sql)?;
        }
        if self.bulk {
            tx.execute_batch("PRAGMA threads = 0")?;
        }
        Ok(())
    }

    pub(crate) fn restore(self, tx: &Tx<'_>) -> Result<()> {
        self.restore_with(tx, &[])
    }
}

/// Writes the row fields `changed` (from [`Row::changed_since`]) of the user `seq`: only
/// their columns, so SQLite rewrites only the indexes of what changed (a full `SET` made it
/// delete and insert all 17 index entries of the user), plus `extra` columns in the same
/// statement.
pub(crate) fn update(
    tx: &mut Tx<'_>,
    seq: i64,
    id: &str,
    row: &Row<'_>,
    changed: &[Field],
    extra: Vec<(&'static str, SqlValue)>,
) -> Result<()> {
    let mut cells: Vec<Cell<'_>> = Vec::new();
    for &field in changed {
        row.columns(field, &mut cells);
    }
    cells.extend(extra.into_iter().map(|(c, v)| (c, ToSqlOutput::Owned(v))));
    if !cells.is_empty() {
        let sets: Vec<String> = cells.iter().map(|(c, _)| format!("{c} = ?")).collect();
        let sql = format!("UPDATE customer_user SET {} WHERE seq = ?", sets.join(", "));
        execute(tx, &sql, cells, Some(seq))?;
    }
    if changed.contains(&Field::UserRoles) {
        tx.prepare_cached("DELETE FROM customer_user_role_link WHERE customer_user_id = ?1")?
            .execute([id])?;
        link_roles(tx, id, row)?;
    }
    if changed.contains(&Field::Website) {
        link_website(tx, id, row)?;
    }
    Ok(())
}

/// The users from `first_seq` on (an import's new users) get their customer's sales
/// representatives and a settings row for their website, in one statement each rather than
/// row by row.
pub(crate) fn link_added(tx: &Tx<'_>, first_seq: i64) -> Result<()> {
    tx.execute(
        "INSERT INTO customer_user_sales_rep (customer_user_id, user_id)
         SELECT u.id, s.user_id FROM customer_user u JOIN customer_sales_rep s ON s.customer_id = u.customer_id
         WHERE u.seq >= ?1",
        [first_seq],
    )?;
    tx.execute(
        "INSERT INTO customer_user_settings (customer_user_id, website_id)
         SELECT id, website_id FROM customer_user WHERE seq >= ?1 AND website_id IS NOT NULL
         ON CONFLICT (customer_user_id, website_id) DO NOTHING",
        [first_seq],
    )?;
    Ok(())
}

fn link_roles(tx: &Tx<'_>, id: &str, row: &Row<'_>) -> Result<()> {
    for role in &row.roles {
        tx.prepare_cached(
            "INSERT INTO customer_user_role_link (customer_user_id, role_id) VALUES (?1, ?2)",
        )?
        .execute([id, &role.id])?;
    }
    Ok(())
}

/// The per-website settings row the user's website needs (no localization chosen yet).
fn link_website(tx: &Tx<'_>, id: &str, row: &Row<'_>) -> Result<()> {
    if let Some(w) = row.website {
        tx.prepare_cached(
            "INSERT INTO customer_user_settings (customer_user_id, website_id) VALUES (?1, ?2)
             ON CONFLICT (customer_user_id, website_id) DO NOTHING",
        )?
        .execute([id, w.id])?;
    }
    Ok(())
}

/// The unique index backs the email rule against races; report it as the rule does.
fn unique_email_error(err: rusqlite::Error) -> CoreError {
    if err
        .to_string()
        .contains("customer_user.organization_id, customer_user.email_lowercase")
    {
        CoreError::field("email", crate::rules::EMAIL_USED)
    } else {
        err.into()
    }
}
