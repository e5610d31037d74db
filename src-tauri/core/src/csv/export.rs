//! Export of customer users as Oro's CSV (`CB/Tests/Behat/Features/export_customer_users.feature`):
//! the same headers in the same order, as many `Roles N Role` columns as the user with the
//! most roles needs, birthdays as m/d/Y and booleans as 0/1. Rows stream from their own
//! read-only connection to the writer, so memory stays flat and the app keeps working.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{params_from_iter, Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::Actor;
use crate::csv::formula::write_cell;
use crate::csv::import::ImportKind;
use crate::grid::{self, GridFilter};
use crate::out_file::{OutFile, Target};
use crate::{CoreError, Database, ErrorCode, Result};

/// How often (in rows) progress is reported and Cancel is looked at.
const PROGRESS_EVERY: u64 = 10_000;

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export, rename = "ExportQuery")]
pub struct Query {
    /// The grid's filter: only the users it shows. `None`: everyone.
    #[serde(default)]
    #[ts(optional)]
    pub filter: Option<GridFilter>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub q: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "ExportSummary")]
pub struct Summary {
    #[ts(type = "number")]
    pub exported: u64,
    /// "3 customer users were exported." (Oro's wording)
    pub message: String,
}

/// The header row for users with at most `roles` roles (one role column at least, so a file
/// of users without roles still says where roles go).
pub fn headers(roles: usize) -> Vec<String> {
    crate::csv::users::headers(roles.max(1))
}

/// A read-only view of the store, in one read transaction, and the SQL condition on
/// `customer_user` that selects the query's users.
pub(crate) struct Selection {
    pub conn: Connection,
    pub condition: String,
    pub params: Vec<SqlValue>,
}

impl Selection {
    /// Its own connection: the export neither waits for nor blocks the app's writes.
    pub(crate) fn open(db: &Database, query: &Query) -> Result<Self> {
        let conn = Connection::open_with_flags(
            db.path(),
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // One read transaction: counts, widths and rows all see one state.
        conn.execute_batch("BEGIN")?;
        let filter = query.filter.clone().unwrap_or_default();
        let (condition, params) = grid::where_clause(&filter, query.q.as_deref())?;
        Ok(Selection {
            conn,
            condition,
            params,
        })
    }

    /// Whether the query has no filter and no search.
    pub(crate) fn selects_everyone(&self) -> bool {
        self.condition == grid::EVERYONE
    }

    /// The first column of the first row of `sql` (with the selection's parameters).
    pub(crate) fn count(&self, sql: &str) -> Result<u64> {
        let n: i64 = self
            .conn
            .query_row(sql, params_from_iter(&self.params), |r| r.get(0))?;
        Ok(n.unsigned_abs())
    }
}

/// Streams the rows of `stmt` through `write`, calling `progress(done, total)` every few
/// thousand rows and stopping with an error when `cancel` is set.
pub(crate) fn pump(
    mut rows: rusqlite::Rows<'_>,
    total: u64,
    mut progress: impl FnMut(u64, u64),
    cancel: &AtomicBool,
    mut write: impl FnMut(&rusqlite::Row<'_>) -> Result<()>,
) -> Result<u64> {
    let cancelled = || {
        cancel
            .load(Ordering::Relaxed)
            .then(|| CoreError::new(ErrorCode::Conflict, "The export was cancelled."))
    };
    progress(0, total);
    if let Some(err) = cancelled() {
        return Err(err);
    }
    let mut done = 0u64;
    while let Some(row) = rows.next()? {
        write(row)?;
        done += 1;
        if done.is_multiple_of(PROGRESS_EVERY) {
            progress(done, total);
            if let Some(err) = cancelled() {
                return Err(err);
            }
        }
    }
    progress(done, total);
    Ok(done)
}

/// A text or blob column's bytes straight from SQLite's row buffer (empty for NULL).
pub(crate) fn bytes<'r>(row: &'r rusqlite::Row<'_>, i: usize) -> Result<&'r [u8]> {
    Ok(match row.get_ref(i)? {
        ValueRef::Text(t) | ValueRef::Blob(t) => t,
        _ => &[],
    })
}

/// Writes the users `query` selects to `out`, in the grid's default order (by id).
/// `progress(done, total)` is called as rows go out; setting `cancel` stops the export with
/// an error, and the caller drops what was written.
pub fn export(
    db: &Database,
    query: &Query,
    out: impl Write,
    progress: impl FnMut(u64, u64),
    cancel: &AtomicBool,
) -> Result<Summary> {
    let selection = Selection::open(db, query)?;
    let condition = &selection.condition;
    let total = selection.count(&format!(
        "SELECT count(*) FROM customer_user WHERE {condition}"
    ))?;
    // Everyone's most roles come from the role links alone (0.8 s at a million users, where
    // testing each link's user against the selection took 2.6 s).
    let of_selected = if selection.selects_everyone() {
        String::new()
    } else {
        format!("WHERE customer_user_id IN (SELECT id FROM customer_user WHERE {condition})")
    };
    let roles = selection.count(&format!(
        "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM customer_user_role_link
         {of_selected} GROUP BY customer_user_id)"
    ))?;
    let roles = usize::try_from(roles).unwrap_or(0);
    let role_columns = roles.max(1);

    let fields = crate::customer_user::extra::list(&selection.conn)?;
    let mut writer = csv::Writer::from_writer(out);
    let mut header_row = headers(roles);
    header_row.extend(fields.iter().map(|f| f.label.clone()));
    writer.write_record(header_row).map_err(write_error)?;
    let mut stmt = selection.conn.prepare(&format!(
        "SELECT id, name_prefix, first_name, middle_name, last_name, name_suffix, birthday, email,
            customer_id, customer_name, is_guest, enabled, confirmed, website_id, owner_id,
            (SELECT group_concat(role_id, char(31)) FROM customer_user_role_link
              WHERE customer_user_id = customer_user.id),
            extra
         FROM customer_user WHERE {condition} ORDER BY seq"
    ))?;
    // The few roles' codes by id: each user's role links are read without a join.
    let role_codes: HashMap<Vec<u8>, String> = selection
        .conn
        .prepare("SELECT id, role FROM customer_user_role")?
        .query_map([], |r| Ok((r.get::<_, String>(0)?.into_bytes(), r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut codes: Vec<&[u8]> = Vec::new();
    let rows = stmt.query(params_from_iter(&selection.params))?;
    // Fields go out straight from SQLite's row buffers: no string is built per cell.
    let done = pump(rows, total, progress, cancel, |row| {
        let field = |i: usize| bytes(row, i);
        for i in 0..6 {
            write_cell(&mut writer, field(i)?).map_err(write_error)?;
        }
        let birthday = field(6)?;
        writer
            .write_field(oro_date(std::str::from_utf8(birthday).unwrap_or_default()))
            .map_err(write_error)?;
        for i in 7..10 {
            write_cell(&mut writer, field(i)?).map_err(write_error)?;
        }
        codes.clear();
        codes.extend(
            field(15)?
                .split(|b| *b == 0x1f)
                .filter_map(|id| role_codes.get(id).map(String::as_bytes)),
        );
        codes.sort_unstable();
        let mut codes = codes.iter().copied();
        for _ in 0..role_columns {
            write_cell(&mut writer, codes.next().unwrap_or_default()).map_err(write_error)?;
        }
        for i in 10..13 {
            writer.write_field(flag(row, i)?).map_err(write_error)?;
        }
        // Oro exports the owner's username empty; the Owner Id identifies the owner.
        writer.write_field("").map_err(write_error)?;
        write_cell(&mut writer, field(13)?).map_err(write_error)?;
        write_cell(&mut writer, field(14)?).map_err(write_error)?;
        if !fields.is_empty() {
            let values: serde_json::Map<String, serde_json::Value> =
                serde_json::from_slice(field(16)?).unwrap_or_default();
            for f in &fields {
                let cell = match values.get(&f.name) {
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(serde_json::Value::Bool(b)) => if *b { "1" } else { "0" }.to_string(),
                    Some(serde_json::Value::Null) | None => String::new(),
                    Some(other) => other.to_string(),
                };
                write_cell(&mut writer, cell.as_bytes()).map_err(write_error)?;
            }
        }
        writer.write_record(None::<&[u8]>).map_err(write_error)
    })?;
    writer.flush().map_err(|e| write_error(e.into()))?;
    Ok(Summary {
        exported: done,
        message: format!(
            "{done} customer {} exported.",
            if done == 1 { "user was" } else { "users were" }
        ),
    })
}

impl ImportKind {
    /// Exports what `query` selects as a file of this kind to `target`, which appears only
    /// when the export is complete.
    pub fn export_to_file(
        self,
        db: &Database,
        actor: &Actor,
        query: &Query,
        target: &Target,
        progress: impl FnMut(u64, u64),
        cancel: &AtomicBool,
    ) -> Result<Summary> {
        db.read(|c| {
            use crate::back_office::capability::{check, Capability};
            check(c, &actor.username, Capability::ImportExport)
        })?;
        to_file(db, target, |out| match self {
            ImportKind::CustomerUsers => export(db, query, out, progress, cancel),
            ImportKind::CustomerUserAddresses => {
                crate::csv::addresses::export(db, query, out, progress, cancel)
            }
        })
    }
}

/// A boolean column as Oro writes it: `1` or `0`.
pub(crate) fn flag(row: &rusqlite::Row<'_>, i: usize) -> Result<&'static str> {
    let on: bool = row.get(i)?;
    Ok(if on { "1" } else { "0" })
}

/// Runs `write` into a file that takes the name of `target` only when it succeeds: a failed,
/// cancelled or killed export leaves no file.
pub(crate) fn to_file<T>(
    db: &Database,
    target: &Target,
    write: impl FnOnce(std::io::BufWriter<&std::fs::File>) -> Result<T>,
) -> Result<T> {
    let out = OutFile::create(db, target, &[], "path")?;
    let done = write(std::io::BufWriter::with_capacity(1 << 20, out.file()))?;
    out.keep()?;
    Ok(done)
}

/// `1987-04-19` as Oro writes it: `04/19/1987`.
pub(crate) fn oro_date(iso: &str) -> String {
    match chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d") {
        Ok(d) => d.format("%m/%d/%Y").to_string(),
        Err(_) => iso.to_string(),
    }
}

pub(crate) fn write_error(err: csv::Error) -> CoreError {
    CoreError::new(
        ErrorCode::Storage,
        format!("The export file could not be written: {err}"),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn headers_are_oros_with_a_role_column_per_role() {
        assert_eq!(
            super::headers(2).join(","),
            "ID,Name Prefix,First Name,Middle Name,Last Name,Name Suffix,Birthday,Email Address,\
             Customer Id,Customer Name,Roles 1 Role,Roles 2 Role,Guest,Enabled,Confirmed,\
             Owner Username,Website Id,Owner Id"
        );
        assert!(super::headers(3).contains(&"Roles 3 Role".to_string()));
        assert!(super::headers(0).contains(&"Roles 1 Role".to_string()));
        assert_eq!(super::oro_date("1987-04-19"), "04/19/1987");
    }
}
