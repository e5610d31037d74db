//! Export of customer users as Oro's CSV (`CB/Tests/Behat/Features/export_customer_users.feature`):
//! the same headers in the same order, as many `Roles N Role` columns as the user with the
//! most roles needs, birthdays as m/d/Y and booleans as 0/1. Rows stream from their own
//! read-only connection to the writer, so memory stays flat and the app keeps working.

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::types::ValueRef;
use rusqlite::{params_from_iter, Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::grid::{self, GridFilter};
use crate::{CoreError, Database, ErrorCode, Result};

/// The headers before the roles, and after them.
const LEADING: &[&str] = &[
    "ID",
    "Name Prefix",
    "First Name",
    "Middle Name",
    "Last Name",
    "Name Suffix",
    "Birthday",
    "Email Address",
    "Customer Id",
    "Customer Name",
];
const TRAILING: &[&str] = &[
    "Guest",
    "Enabled",
    "Confirmed",
    "Owner Username",
    "Website Id",
    "Owner Id",
];

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
    LEADING
        .iter()
        .map(|h| h.to_string())
        .chain((1..=roles.max(1)).map(|n| format!("Roles {n} Role")))
        .chain(TRAILING.iter().map(|h| h.to_string()))
        .collect()
}

/// Writes the users `query` selects to `out`, in the grid's default order (by id).
/// `progress(done, total)` is called as rows go out; setting `cancel` stops the export with
/// an error, and the caller drops what was written.
pub fn export(
    db: &Database,
    query: &Query,
    out: impl Write,
    mut progress: impl FnMut(u64, u64),
    cancel: &AtomicBool,
) -> Result<Summary> {
    let conn = Connection::open_with_flags(
        db.path(),
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // One read transaction: the count, the widest role list and the rows see one state.
    conn.execute_batch("BEGIN")?;
    let filter = query.filter.clone().unwrap_or_default();
    let (condition, params) = grid::where_clause(&filter, query.q.as_deref())?;
    let total: i64 = conn.query_row(
        &format!("SELECT count(*) FROM customer_user WHERE {condition}"),
        params_from_iter(&params),
        |r| r.get(0),
    )?;
    let total = total.unsigned_abs();
    let roles: i64 = conn.query_row(
        &format!(
            "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM customer_user_role_link
             WHERE customer_user_id IN (SELECT id FROM customer_user WHERE {condition})
             GROUP BY customer_user_id)"
        ),
        params_from_iter(&params),
        |r| r.get(0),
    )?;
    let roles = usize::try_from(roles).unwrap_or(0);
    let role_columns = roles.max(1);

    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(headers(roles)).map_err(write_error)?;
    let mut stmt = conn.prepare(&format!(
        "SELECT id, name_prefix, first_name, middle_name, last_name, name_suffix, birthday, email,
            customer_id, customer_name, is_guest, enabled, confirmed, website_id, owner_id,
            (SELECT group_concat(r.role, char(31) ORDER BY r.role)
               FROM customer_user_role_link l JOIN customer_user_role r ON r.id = l.role_id
              WHERE l.customer_user_id = customer_user.id)
         FROM customer_user WHERE {condition} ORDER BY seq"
    ))?;
    let mut rows = stmt.query(params_from_iter(&params))?;
    let mut done = 0u64;
    progress(0, total);
    let cancelled = || {
        cancel
            .load(Ordering::Relaxed)
            .then(|| CoreError::new(ErrorCode::Conflict, "The export was cancelled."))
    };
    if let Some(err) = cancelled() {
        return Err(err);
    }
    // Fields go out straight from SQLite's row buffers: no string is built per cell.
    while let Some(row) = rows.next()? {
        let field = |i: usize| -> Result<&[u8]> {
            Ok(match row.get_ref(i)? {
                ValueRef::Text(t) | ValueRef::Blob(t) => t,
                _ => &[],
            })
        };
        for i in 0..6 {
            writer.write_field(field(i)?).map_err(write_error)?;
        }
        let birthday = field(6)?;
        writer
            .write_field(oro_date(std::str::from_utf8(birthday).unwrap_or_default()))
            .map_err(write_error)?;
        for i in 7..10 {
            writer.write_field(field(i)?).map_err(write_error)?;
        }
        let mut codes = field(15)?.split(|b| *b == 0x1f).filter(|c| !c.is_empty());
        for _ in 0..role_columns {
            writer
                .write_field(codes.next().unwrap_or_default())
                .map_err(write_error)?;
        }
        for i in 10..13 {
            let flag: bool = row.get(i)?;
            writer
                .write_field(if flag { "1" } else { "0" })
                .map_err(write_error)?;
        }
        // Oro exports the owner's username empty; the Owner Id identifies the owner.
        writer.write_field("").map_err(write_error)?;
        writer.write_field(field(13)?).map_err(write_error)?;
        writer.write_field(field(14)?).map_err(write_error)?;
        writer.write_record(None::<&[u8]>).map_err(write_error)?;
        done += 1;
        if done.is_multiple_of(PROGRESS_EVERY) {
            progress(done, total);
            if let Some(err) = cancelled() {
                return Err(err);
            }
        }
    }
    writer.flush().map_err(|e| write_error(e.into()))?;
    progress(done, total);
    Ok(Summary {
        exported: done,
        message: format!(
            "{done} customer {} exported.",
            if done == 1 { "user was" } else { "users were" }
        ),
    })
}

/// [`export`] into the file `path`, through a temporary file beside it that is renamed into
/// place only when the export is complete: a failed or cancelled export leaves no file.
pub fn export_to_file(
    db: &Database,
    query: &Query,
    path: &Path,
    progress: impl FnMut(u64, u64),
    cancel: &AtomicBool,
) -> Result<Summary> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let cannot = |e: std::io::Error| {
        CoreError::field("path", format!("Cannot write {}: {e}", path.display()))
    };
    let temp = tempfile::NamedTempFile::new_in(dir).map_err(cannot)?;
    let summary = export(
        db,
        query,
        std::io::BufWriter::with_capacity(1 << 20, temp.as_file()),
        progress,
        cancel,
    )?;
    temp.persist(path).map_err(|e| cannot(e.error))?;
    Ok(summary)
}

/// `1987-04-19` as Oro writes it: `04/19/1987`.
fn oro_date(iso: &str) -> String {
    match chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d") {
        Ok(d) => d.format("%m/%d/%Y").to_string(),
        Err(_) => iso.to_string(),
    }
}

fn write_error(err: csv::Error) -> CoreError {
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
