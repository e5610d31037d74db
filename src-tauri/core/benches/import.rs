//! CSV import at scale, beside the floor of SQLite's own CSV loader.
//!
//! `cargo bench -p cu-core --bench import -- [--db PATH] [--users N] [--rows R] [--runs K]`
//!
//! Exports the bench database's users (generated as the grid bench does) as Oro's CSV, and
//! keeps a copy of the database with the same customers, websites and roles but no users.
//! Each run copies that empty store, then times on the same file:
//! - the floor: `sqlite3 :memory: .import` of the file into a bare table (no checks, no
//!   indexes);
//! - a check of every row (the import rolled back);
//! - the all-or-nothing import that adds every user with roles, change log and search index;
//! - a check and an import of the same file again, which now matches every user unchanged;
//! - an import of the file with every row's `Enabled` set to 0 (an update of most users);
//!
//! and prints rows per second and the import's peak resident memory.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use common::{admin, arg, bench_db, peak_rss_mb, reset_peak_rss};
use cu_core::csv::export::Query;
use cu_core::csv::import::{ImportKind, ImportMode, ImportProgress, ImportReport};
use cu_core::grid::{self, GridQuery};
use cu_core::Database;

fn main() {
    let runs: usize = arg("--runs").and_then(|v| v.parse().ok()).unwrap_or(3);
    let (db, users) = bench_db();
    let base = db.path().to_path_buf();
    let file = with_suffix(&base, ".export.csv");
    if !file.exists() {
        ImportKind::CustomerUsers
            .export_to_file(
                &db,
                &cu_core::actor::Actor::first_admin(cu_core::actor::Via::Cli),
                &Query::default(),
                &cu_core::out_file::Target::new(&file, true),
                |_, _| {},
                &AtomicBool::new(false),
            )
            .expect("export");
    }
    let empty = with_suffix(&base, ".empty.sqlite3");
    if !empty.exists() {
        make_empty_store(&db, &empty);
    }
    drop(db);
    let rows: Option<usize> = arg("--rows").and_then(|v| v.parse().ok());
    let file = match rows {
        Some(n) => head(&file, n),
        None => file,
    };
    let disabled = disable_everyone(&file);
    let lines = std::fs::read_to_string(&file).map_or(0, |t| t.lines().count() - 1);
    println!(
        "{lines} rows of the {users}-user bench database, {:.0} MB",
        file_mb(&file)
    );
    let work = std::env::temp_dir().join("bench-import.sqlite3");
    for run in 1..=runs {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", work.display()));
        }
        std::fs::copy(&empty, &work).expect("copy the empty store");

        let started = Instant::now();
        let status = Command::new("sqlite3")
            .args([
                ":memory:",
                "-cmd",
                ".mode csv",
                &format!(".import {} floor", file.display()),
            ])
            .status()
            .expect("run sqlite3 (Debian package sqlite3)");
        assert!(status.success());
        let floor = started.elapsed().as_secs_f64();

        let db = Database::open(&work).expect("open the empty store");
        let (check, _) = timed(&db, &file, ImportMode::CheckOnly);
        reset_peak_rss();
        let (import, report) = timed(&db, &file, ImportMode::AllOrNothing);
        assert!(
            report.written,
            "{:?}",
            &report.errors[..report.errors.len().min(5)]
        );
        println!(
            "run {run}: sqlite3 .import {floor:.2} s | check {check:.2} s ({:.0} rows/s) | import {import:.2} s \
             ({:.0} rows/s, {} added) | check + import {:.2} s | import peak RSS {:.0} MB",
            report.counts.read as f64 / check,
            report.counts.read as f64 / import,
            report.counts.added,
            check + import,
            peak_rss_mb()
        );
        // The same file again: every row now matches its user, unchanged.
        reset_peak_rss();
        let (recheck, _) = timed(&db, &file, ImportMode::CheckOnly);
        let (reimport, again) = timed(&db, &file, ImportMode::AllOrNothing);
        println!(
            "run {run}, same file again: check {recheck:.2} s | import {reimport:.2} s ({} unchanged) | peak RSS {:.0} MB",
            again.counts.unchanged,
            peak_rss_mb()
        );
        // Everyone disabled: the file as an admin edits it to change one column of every row.
        // Meanwhile the grid and the CLI read, as the window and a script beside it would.
        reset_peak_rss();
        let done = AtomicBool::new(false);
        let (started, import_started) = std::sync::mpsc::channel();
        let ((update, changed), reads) = std::thread::scope(|s| {
            let (db, work, done) = (&db, &work, &done);
            let reads = s.spawn(move || {
                // From the import's first progress report: inside its write transaction.
                import_started.recv().expect("the import started");
                read_while(db, work, done)
            });
            let out = timed_with(db, &disabled, ImportMode::AllOrNothing, |_| {
                let _ = started.send(());
            });
            done.store(true, Ordering::Relaxed);
            (out, reads.join().expect("the reads"))
        });
        println!(
            "run {run}, every row disabled: import {update:.2} s ({} updated, {} already disabled) | peak RSS {:.0} MB",
            changed.counts.updated,
            changed.counts.unchanged,
            peak_rss_mb()
        );
        println!("run {run}, during that import: {reads}");
    }
}

/// Grid pages (four sorts, a filter, a quick search) in the core, and `customer-users list`
/// processes when the release CLI is built (`cargo build --release -p customer-users-cli`),
/// until `done`; their medians and 95th percentiles.
fn read_while(db: &Database, store: &Path, done: &AtomicBool) -> String {
    let queries: Vec<GridQuery> = [
        r#"{"sort": {"field": "lastName", "order": "ASC"}}"#,
        r#"{"sort": {"field": "email", "order": "DESC"}}"#,
        r#"{"sort": {"field": "customerName", "order": "ASC"}, "filter": {"enabled": false}}"#,
        r#"{"q": "anna", "sort": {"field": "firstName", "order": "ASC"}}"#,
    ]
    .iter()
    .map(|q| serde_json::from_str(q).expect("a grid query"))
    .collect();
    let cli = std::env::current_exe()
        .ok()
        .and_then(|bench| Some(bench.parent()?.parent()?.join("customer-users")))
        .filter(|cli| cli.exists());
    let (mut pages, mut lists) = (Vec::new(), Vec::new());
    let mut n = 0;
    while !done.load(Ordering::Relaxed) {
        let started = Instant::now();
        grid::page(db, &queries[n % queries.len()]).expect("a grid page");
        pages.push(started.elapsed().as_secs_f64() * 1000.0);
        if let Some(cli) = cli.as_ref().filter(|_| n % 10 == 0) {
            let started = Instant::now();
            let out = Command::new(cli)
                .args([
                    "--db",
                    &store.display().to_string(),
                    "list",
                    "--sort",
                    "lastName",
                ])
                .output()
                .expect("run the CLI");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            lists.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        n += 1;
    }
    let summary = |name: &str, mut ms: Vec<f64>| {
        if ms.is_empty() {
            return format!("{name}: none");
        }
        ms.sort_by(f64::total_cmp);
        let at = |p: f64| ms[((ms.len() - 1) as f64 * p).round() as usize];
        format!(
            "{name}: {} calls, median {:.1} ms, p95 {:.1} ms",
            ms.len(),
            at(0.5),
            at(0.95)
        )
    };
    format!(
        "{} | {}",
        summary("grid page in the core", pages),
        summary("`customer-users list` process", lists)
    )
}

/// `file` with every row's `Enabled` cell set to 0, in a file beside it.
fn disable_everyone(file: &Path) -> PathBuf {
    let out = with_suffix(file, ".disabled.csv");
    let mut reader = csv::Reader::from_path(file).expect("read the export");
    let headers = reader.headers().expect("headers").clone();
    let enabled = headers
        .iter()
        .position(|h| h == "Enabled")
        .expect("an Enabled column");
    let mut writer = csv::Writer::from_path(&out).expect("write the copy");
    writer.write_record(&headers).expect("write");
    for row in reader.records() {
        let row = row.expect("a row");
        let cells = row
            .iter()
            .enumerate()
            .map(|(i, cell)| if i == enabled { "0" } else { cell });
        writer.write_record(cells).expect("write");
    }
    writer.flush().expect("write");
    out
}

fn timed(db: &Database, file: &Path, mode: ImportMode) -> (f64, ImportReport) {
    timed_with(db, file, mode, |_| {})
}

fn timed_with(
    db: &Database,
    file: &Path,
    mode: ImportMode,
    progress: impl FnMut(ImportProgress),
) -> (f64, ImportReport) {
    let started = Instant::now();
    let report = ImportKind::CustomerUsers
        .import(db, &admin(), file, &mode, progress, &AtomicBool::new(false))
        .expect("import");
    assert_eq!(
        report.counts.errors,
        0,
        "{:?}",
        &report.errors[..report.errors.len().min(5)]
    );
    (started.elapsed().as_secs_f64(), report)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", path.display()))
}

fn file_mb(path: &Path) -> f64 {
    std::fs::metadata(path).map_or(0.0, |m| m.len() as f64 / 1e6)
}

/// The store without its users (and what hangs off them), vacuumed small.
fn make_empty_store(db: &Database, to: &Path) {
    eprintln!("making {} (once)", to.display());
    // Its own connection: the store's read connections refuse to write, even a copy.
    rusqlite::Connection::open(db.path())
        .and_then(|c| c.execute("VACUUM INTO ?1", [to.display().to_string()]))
        .expect("copy the store");
    let copy = rusqlite::Connection::open(to).expect("open the copy");
    copy.execute_batch(
        "PRAGMA foreign_keys = OFF;
         DELETE FROM change_log; DELETE FROM email_outbox;
         DELETE FROM login_attempt; DELETE FROM password_history; DELETE FROM customer_user_address;
         DELETE FROM customer_user_settings; DELETE FROM customer_user_sales_rep;
         DELETE FROM customer_user_role_link; DELETE FROM customer_user; DELETE FROM import_run;
         INSERT INTO customer_user_search (customer_user_search) VALUES ('delete-all');
         VACUUM;",
    )
    .expect("empty the copy");
}

/// The first `rows` rows of `file`, in a file beside it.
fn head(file: &Path, rows: usize) -> PathBuf {
    let out = with_suffix(file, &format!(".{rows}.csv"));
    let text = std::fs::read_to_string(file).expect("read the export");
    let cut: String = text
        .lines()
        .take(rows + 1)
        .flat_map(|l| [l, "\n"])
        .collect();
    std::fs::write(&out, cut).expect("write the head");
    out
}
