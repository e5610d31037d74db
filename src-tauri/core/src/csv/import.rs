//! Running a CSV import: one pass over the file inside one write transaction that checks
//! every row and writes the valid ones, then commits or rolls back as the admin chose.
//!
//! A check is the import rolled back, so its counts (to add, to update) and its errors are
//! exactly what the import will do. "All or nothing" commits only a file without errors
//! (Oro writes partially); "valid rows only" commits the rest and writes the failed rows,
//! with their errors, to a CSV the admin can fix and import again.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::Actor;
use crate::csv::read as csv_read;
use crate::csv::rejects::Rejects;
use crate::store::{new_id, Tx};
use crate::{CoreError, Database, ErrorCode, Result};

/// The column an import file may carry with the errors of an earlier run (the rejects
/// file has it); its cells are ignored.
pub const ERRORS_HEADER: &str = "Errors";

/// How many row errors a report lists; the count and the rejects file have them all.
const LISTED_ERRORS: usize = 1_000;

/// How often (in rows) progress is reported and Cancel is looked at.
const PROGRESS_EVERY: u64 = 5_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ImportKind {
    CustomerUsers,
    CustomerUserAddresses,
}

impl ImportKind {
    /// Customer user addresses when `addresses` is set, else customer users.
    pub fn of(addresses: bool) -> Self {
        if addresses {
            ImportKind::CustomerUserAddresses
        } else {
            ImportKind::CustomerUsers
        }
    }

    /// Imports the file of this kind at `path`; see the module's text for the modes.
    pub fn import(
        self,
        db: &Database,
        actor: &Actor,
        path: &Path,
        mode: &ImportMode,
        progress: impl FnMut(ImportProgress),
        cancel: &AtomicBool,
    ) -> Result<ImportReport> {
        use crate::{csv::addresses, csv::users};
        let job = Job {
            kind: self,
            path,
            mode,
            listed: true,
        };
        match self {
            ImportKind::CustomerUsers => {
                run(db, actor, job, users::Importer::new, progress, cancel)
            }
            ImportKind::CustomerUserAddresses => run(
                db,
                actor,
                job,
                |_, headers, _| addresses::Importer::new(headers),
                progress,
                cancel,
            ),
        }
    }

    /// Imports the generator's users all or nothing, unlisted among the admins' imports:
    /// the data set made the file, not an admin.
    pub(crate) fn import_generated(
        db: &Database,
        actor: &Actor,
        path: &Path,
        progress: impl FnMut(ImportProgress),
    ) -> Result<ImportReport> {
        run(
            db,
            actor,
            Job {
                kind: ImportKind::CustomerUsers,
                path,
                mode: &ImportMode::AllOrNothing,
                listed: false,
            },
            crate::csv::users::Importer::new,
            progress,
            &AtomicBool::new(false),
        )
    }

    fn as_str(self) -> &'static str {
        match self {
            ImportKind::CustomerUsers => "customer_users",
            ImportKind::CustomerUserAddresses => "customer_user_addresses",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", tag = "mode")]
#[ts(export)]
pub enum ImportMode {
    /// Check every row and write nothing.
    CheckOnly,
    /// Write every row, or none if any has an error.
    AllOrNothing,
    /// Write the rows without errors; the others go to `rejects` with their errors.
    #[serde(rename_all = "camelCase")]
    ValidRowsOnly { rejects: crate::out_file::Target },
}

impl ImportMode {
    fn as_str(&self) -> &'static str {
        match self {
            ImportMode::CheckOnly => "check_only",
            ImportMode::AllOrNothing => "all_or_nothing",
            ImportMode::ValidRowsOnly { .. } => "valid_rows_only",
        }
    }
}

/// What one row did, or would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowOutcome {
    Added,
    Updated,
    /// A new row whose e-mail an earlier new row of the file had: it replaces that user.
    Replaced,
    /// Matched a record the row would not change.
    Unchanged,
}

/// A problem with one cell (`column` is its header) or with the whole row (`None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    pub column: Option<String>,
    pub message: String,
}

impl CellError {
    pub fn new(column: impl Into<String>, message: impl Into<String>) -> Self {
        CellError {
            column: Some(column.into()),
            message: message.into(),
        }
    }

    pub fn row(message: impl Into<String>) -> Self {
        CellError {
            column: None,
            message: message.into(),
        }
    }
}

/// One kind of record's import: maps the header row, then checks and writes row by row.
pub(crate) trait RowImporter {
    /// Whether a check writes nothing (it remembers what earlier rows would change), so it
    /// can run on a read connection beside a write in progress instead of rolling back.
    const CHECKS_IN_MEMORY: bool = false;

    /// Checks and writes one row's cells (as many as the header has). A row with errors
    /// must leave the store as it was; `Err` is a fault that stops the whole import.
    fn import_row(
        &mut self,
        tx: &mut Tx<'_>,
        row: usize,
        cells: &[String],
    ) -> Result<std::result::Result<RowOutcome, Vec<CellError>>>;

    /// Completes what the rows deferred (such as indexing them for search).
    fn finish(&mut self, _tx: &mut Tx<'_>) -> Result<()> {
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportCounts {
    /// Data rows read (blank rows are not counted).
    #[ts(type = "number")]
    pub read: u64,
    #[ts(type = "number")]
    pub added: u64,
    #[ts(type = "number")]
    pub updated: u64,
    #[ts(type = "number")]
    pub replaced: u64,
    #[ts(type = "number")]
    pub unchanged: u64,
    /// Rows with at least one error.
    #[ts(type = "number")]
    pub errors: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportReport {
    pub kind: ImportKind,
    /// The file's name.
    pub file: String,
    pub mode: String,
    pub counts: ImportCounts,
    /// Whether the rows counted as added, updated and replaced are now in the store.
    pub written: bool,
    /// The import record, for History; `None` for a check.
    pub import_id: Option<String>,
    /// Oro's wording: "Error in row #2. Email Address: This value is not a valid email
    /// address." The first 1,000; `counts.errors` has how many rows failed.
    pub errors: Vec<String>,
    /// Where the failed rows were saved (valid-rows-only imports with errors).
    pub rejects: Option<String>,
    /// One line for the admin: what happened and the counts.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportProgress {
    #[ts(type = "number")]
    pub rows: u64,
    /// Bytes of the file read so far, of `total`.
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

/// An import that was run, as History and the list of imports show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportRecord {
    pub id: String,
    pub kind: ImportKind,
    pub file: String,
    pub actor: String,
    pub started_at: String,
    pub finished_at: String,
    pub mode: String,
    /// `imported`, or `rolled_back` (all or nothing, with errors).
    pub outcome: String,
    pub counts: ImportCounts,
}

const RECORD_COLUMNS: &str = "id, kind, file, actor, started_at, finished_at, mode, outcome, read,
    added, updated, replaced, unchanged, errors";

fn record_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ImportRecord> {
    let kind: String = r.get(1)?;
    let count = |i: usize| r.get::<_, i64>(i).map(|n| n.unsigned_abs());
    Ok(ImportRecord {
        id: r.get(0)?,
        kind: if kind == ImportKind::CustomerUserAddresses.as_str() {
            ImportKind::CustomerUserAddresses
        } else {
            ImportKind::CustomerUsers
        },
        file: r.get(2)?,
        actor: r.get(3)?,
        started_at: r.get(4)?,
        finished_at: r.get(5)?,
        mode: r.get(6)?,
        outcome: r.get(7)?,
        counts: ImportCounts {
            read: count(8)?,
            added: count(9)?,
            updated: count(10)?,
            replaced: count(11)?,
            unchanged: count(12)?,
            errors: count(13)?,
        },
    })
}

/// One import by id.
pub fn record(conn: &Connection, id: &str) -> Result<ImportRecord> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {RECORD_COLUMNS} FROM import_run WHERE id = ?1"
        ))?
        .query_row([id], record_from_row)?)
}

/// Every import, newest first.
pub fn list(conn: &Connection) -> Result<Vec<ImportRecord>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {RECORD_COLUMNS} FROM import_run ORDER BY seq DESC"
    ))?;
    let rows = stmt.query_map([], record_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) const NOT_A_FLAG: &str = "This value should be 1 or 0 (Yes or No).";

/// A yes/no cell: Oro writes 1/0; spreadsheets and people write Yes/No and true/false.
pub(crate) fn parse_flag(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "yes" | "true" | "y" => Some(true),
        "0" | "no" | "false" | "n" => Some(false),
        _ => None,
    }
}

/// "Error in row #2. Email Address: This value is not a valid email address."
pub fn row_error_line(row: usize, error: &CellError) -> String {
    match &error.column {
        Some(column) => format!("Error in row #{row}. {column}: {}", error.message),
        None => format!("Error in row #{row}. {}", error.message),
    }
}

/// What to import, and how.
pub(crate) struct Job<'a> {
    pub kind: ImportKind,
    pub path: &'a Path,
    pub mode: &'a ImportMode,
    /// Recorded among the admins' imports (all but the generator's).
    pub listed: bool,
}

/// Runs the import `job` with the importer `make` builds from the header row and whether
/// this is a check (which may skip writing).
pub(crate) fn run<I: RowImporter>(
    db: &Database,
    actor: &Actor,
    job: Job<'_>,
    make: impl FnOnce(&mut Tx<'_>, &[String], bool) -> Result<I>,
    mut progress: impl FnMut(ImportProgress),
    cancel: &AtomicBool,
) -> Result<ImportReport> {
    let Job {
        kind,
        path,
        mode,
        listed,
    } = job;
    db.read(|c| {
        use crate::back_office::capability::{check, Capability};
        check(c, &actor.username, Capability::ImportExport)?;
        check(c, &actor.username, Capability::ManageCustomerUsers)
    })?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let total = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let mut csv = csv_read::open(path)?;
    let mut rejects = match mode {
        ImportMode::ValidRowsOnly { rejects } => {
            Some(Rejects::create(db, rejects, path, &csv.headers)?)
        }
        _ => None,
    };
    let started_at = crate::store::timestamp(chrono::Utc::now());

    let import_rows = |tx: &mut Tx<'_>| -> Result<(ImportReport, bool)> {
        let import_id = new_id();
        let writes = *mode != ImportMode::CheckOnly;
        let recorded = writes && listed;
        if recorded {
            // The record goes in first so every change record can point at it; its counts
            // are filled in at the end.
            start_record(tx, &import_id, kind, &file_name, &started_at, mode)?;
            tx.set_import(&import_id);
        }
        let mut importer = make(tx, &csv.headers, !writes)?;
        let mut counts = ImportCounts::default();
        let mut errors = Vec::new();
        let cancelled = || cancel.load(Ordering::Relaxed);
        progress(ImportProgress {
            rows: 0,
            done: 0,
            total,
        });
        while let Some((row, cells)) = csv.next_row()? {
            counts.read += 1;
            let outcome = if cells.len() > csv.headers.len() {
                Err(vec![CellError::row(format!(
                    "The row has {} cells but the header row has {} columns.",
                    cells.len(),
                    csv.headers.len()
                ))])
            } else if cells.len() < csv.headers.len() {
                Err(vec![CellError::row(format!(
                    "The row has {} cells but the header row has {} columns; is the line cut short?",
                    cells.len(),
                    csv.headers.len()
                ))])
            } else {
                importer.import_row(tx, row, &cells)?
            };
            match outcome {
                Ok(RowOutcome::Added) => counts.added += 1,
                Ok(RowOutcome::Updated) => counts.updated += 1,
                Ok(RowOutcome::Replaced) => counts.replaced += 1,
                Ok(RowOutcome::Unchanged) => counts.unchanged += 1,
                Err(row_errors) => {
                    counts.errors += 1;
                    let lines: Vec<String> =
                        row_errors.iter().map(|e| row_error_line(row, e)).collect();
                    if let Some(rejects) = &mut rejects {
                        rejects.write(&cells, &lines)?;
                    }
                    let room = LISTED_ERRORS.saturating_sub(errors.len());
                    errors.extend(lines.into_iter().take(room));
                }
            }
            if counts.read.is_multiple_of(PROGRESS_EVERY) {
                progress(ImportProgress {
                    rows: counts.read,
                    done: csv.position(),
                    total,
                });
                if cancelled() {
                    return Err(CoreError::new(
                        ErrorCode::Conflict,
                        "The import was cancelled. Nothing was written.",
                    ));
                }
            }
        }
        let commit = match mode {
            ImportMode::CheckOnly => false,
            ImportMode::AllOrNothing => counts.errors == 0,
            ImportMode::ValidRowsOnly { .. } => true,
        };
        if commit {
            importer.finish(tx)?;
        }
        progress(ImportProgress {
            rows: counts.read,
            done: total,
            total,
        });
        if commit && recorded {
            record_counts(tx, &import_id, "imported", &counts)?;
        }
        let report = ImportReport {
            kind,
            file: file_name.clone(),
            mode: mode.as_str().to_string(),
            message: message(mode, commit, &counts),
            counts,
            written: commit && writes,
            import_id: (commit && recorded).then_some(import_id),
            errors,
            rejects: None,
        };
        Ok((report, commit))
    };
    let write = |tx: &mut Tx<'_>| tx.in_bulk(import_rows);
    let mut report = if *mode == ImportMode::CheckOnly && I::CHECKS_IN_MEMORY {
        db.dry_run(actor, |tx| write(tx).map(|(report, _)| report))?
    } else {
        db.write_if(actor, write)?
    };

    if listed && *mode == ImportMode::AllOrNothing && !report.written {
        // The rows were rolled back; the attempt itself is still worth a record.
        let id = new_id();
        db.write(actor, |tx| {
            start_record(tx, &id, kind, &report.file, &started_at, mode)?;
            record_counts(tx, &id, "rolled_back", &report.counts)
        })?;
    }
    if let Some(rejects) = rejects {
        if report.counts.errors > 0 {
            report.rejects = Some(rejects.keep()?);
        }
    }
    Ok(report)
}

/// The import's record, with no counts yet ([`record_counts`] adds them).
fn start_record(
    tx: &Tx<'_>,
    id: &str,
    kind: ImportKind,
    file: &str,
    started_at: &str,
    mode: &ImportMode,
) -> Result<()> {
    tx.execute(
        "INSERT INTO import_run (id, kind, file, actor, started_at, finished_at, mode, outcome,
            read, added, updated, replaced, unchanged, errors)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, 'imported', 0, 0, 0, 0, 0, 0)",
        params![
            id,
            kind.as_str(),
            file,
            tx.actor(),
            started_at,
            mode.as_str()
        ],
    )?;
    Ok(())
}

fn record_counts(tx: &Tx<'_>, id: &str, outcome: &str, c: &ImportCounts) -> Result<()> {
    tx.execute(
        "UPDATE import_run SET finished_at = ?2, outcome = ?3, read = ?4, added = ?5, updated = ?6,
            replaced = ?7, unchanged = ?8, errors = ?9 WHERE id = ?1",
        params![
            id,
            crate::store::timestamp(chrono::Utc::now()),
            outcome,
            c.read as i64,
            c.added as i64,
            c.updated as i64,
            c.replaced as i64,
            c.unchanged as i64,
            c.errors as i64
        ],
    )?;
    Ok(())
}

fn message(mode: &ImportMode, committed: bool, c: &ImportCounts) -> String {
    let rows = |n: u64| format!("{n} {}", if n == 1 { "row has" } else { "rows have" });
    if c.read == 0 {
        return "The file has no data rows below its header row: there is nothing to import."
            .to_string();
    }
    match mode {
        ImportMode::CheckOnly => format!(
            "{} Read: {}, to add: {}, to update: {}, replacing earlier rows: {}, unchanged: {}, errors: {}.",
            if c.errors == 0 {
                "The file is ready to import.".to_string()
            } else {
                format!("{} errors.", rows(c.errors))
            },
            c.read,
            c.added,
            c.updated,
            c.replaced,
            c.unchanged,
            c.errors
        ),
        _ if !committed => format!(
            "Nothing was imported: {} errors. Read: {}, errors: {}.",
            rows(c.errors),
            c.read,
            c.errors
        ),
        _ => format!(
            "Import finished. Read: {}, added: {}, updated: {}, replaced: {}, unchanged: {}, errors: {}.",
            c.read, c.added, c.updated, c.replaced, c.unchanged, c.errors
        ),
    }
}
