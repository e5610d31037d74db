//! The store's connections: one writer, and reads that never wait for it.

mod common;

use std::sync::atomic::AtomicBool;
use std::sync::mpsc;
use std::time::Duration;

use common::*;
use cu_core::csv::export::{self as csv_export, Query};
use cu_core::csv::import::{ImportKind, ImportMode};
use cu_core::grid::{self, GridQuery};
use cu_core::{customer_user, history};

/// Long enough for any read on a loaded machine; only a read that waits for the writer
/// (which waits for this test) takes longer.
const DEADLOCK: Duration = Duration::from_secs(120);

fn rows_file(dir: &std::path::Path, name: &str, from: usize, n: usize) -> std::path::PathBuf {
    let mut text = String::from("First Name,Last Name,Email Address,Customer Name\n");
    for i in from..from + n {
        text.push_str(&format!("Ann,Lee{i},ann{i}@example.com,Acme Corporation\n"));
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn the_grid_a_user_history_an_export_and_a_check_read_while_an_import_writes() {
    let t = store(30);
    let db = &t.db;
    let someone: String = grid::page(db, &GridQuery::default()).unwrap().rows[0]
        .id
        .clone();
    let history_before = db
        .read(|c| history::for_record(c, "customer_user", &someone))
        .unwrap()
        .len();
    let dir = tempfile::tempdir().unwrap();
    let big = rows_file(dir.path(), "import.csv", 0, 40);
    let other = rows_file(dir.path(), "check.csv", 100, 5);

    let (started, import_started) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    let (read_done, reads) = mpsc::channel();
    std::thread::scope(|s| {
        let big = &big;
        let importer = s.spawn(move || {
            let mut held = false;
            ImportKind::CustomerUsers
                .import(
                    db,
                    &admin(),
                    big,
                    &ImportMode::AllOrNothing,
                    |_| {
                        // Inside the import's write transaction: hold it until the reads are done.
                        if !held {
                            held = true;
                            started.send(()).unwrap();
                            let _ = released.recv();
                        }
                    },
                    &AtomicBool::new(false),
                )
                .unwrap()
        });
        // Owned here, so a failure below ends the held import instead of waiting for it.
        let release = release;
        import_started.recv().unwrap();
        let (other, someone) = (&other, &someone);
        s.spawn(move || {
            let page = grid::page(db, &GridQuery::default()).unwrap();
            let user = db.read(|c| customer_user::get(c, someone)).unwrap();
            let changes = db
                .read(|c| history::for_record(c, "customer_user", someone))
                .unwrap();
            let mut csv = Vec::new();
            let exported = csv_export::export(
                db,
                &Query::default(),
                &mut csv,
                |_, _| {},
                &AtomicBool::new(false),
            )
            .unwrap();
            let check = ImportKind::CustomerUsers
                .import(
                    db,
                    &admin(),
                    other,
                    &ImportMode::CheckOnly,
                    |_| {},
                    &AtomicBool::new(false),
                )
                .unwrap();
            read_done
                .send((
                    page.rows.len(),
                    user.id,
                    changes.len(),
                    exported.exported,
                    check.counts.added,
                ))
                .unwrap();
        });
        let seen = reads
            .recv_timeout(DEADLOCK)
            .expect("the reads waited for the import's write transaction");
        // They saw the store as it was before the import, whole.
        assert_eq!(seen, (25, someone.clone(), history_before, 30, 5));
        release.send(()).unwrap();
        let report = importer.join().unwrap();
        assert_eq!(report.counts.added, 40);
    });
    assert_eq!(
        count(db, "SELECT count(*) FROM customer_user"),
        70,
        "once committed, reads see the import"
    );
    let after = grid::page(
        db,
        &serde_json::from_value(serde_json::json!({"q": "ann39@"})).unwrap(),
    )
    .unwrap();
    assert_eq!(
        after.rows.len(),
        1,
        "the grid's search finds an imported user"
    );
}

#[test]
fn a_read_connection_cannot_write() {
    let t = store(1);
    let err =
        t.db.read(|c| Ok(c.execute("DELETE FROM customer_user", [])?))
            .unwrap_err();
    assert!(err.message.contains("readonly"), "{}", err.message);
    assert_eq!(count(&t.db, "SELECT count(*) FROM customer_user"), 1);
}

#[test]
fn the_store_opens_and_reads_while_another_connection_writes() {
    let t = store(10);
    let (held, holding) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    let (opened, reads) = mpsc::channel();
    std::thread::scope(|s| {
        let db = &t.db;
        let writer = s.spawn(move || {
            db.write(&admin(), |_tx| {
                held.send(()).unwrap();
                let _ = released.recv();
                Ok(())
            })
            .unwrap()
        });
        // Owned here, so a failure below ends the held write instead of waiting for it.
        let release = release;
        holding.recv().unwrap();
        let path = db.path().to_path_buf();
        s.spawn(move || {
            // What `customer-users list` does beside the app's import.
            let other = cu_core::Database::open(&path).map_err(|e| e.message);
            let rows = other.map(|o| grid::page(&o, &GridQuery::default()).unwrap().rows.len());
            opened.send(rows).unwrap();
        });
        let rows = reads
            .recv_timeout(DEADLOCK)
            .expect("opening the store waited for the write");
        assert_eq!(rows, Ok(10));
        release.send(()).unwrap();
        writer.join().unwrap();
    });
}

#[test]
fn a_large_write_is_copied_back_into_the_file_after_its_commit() {
    let t = store(0);
    let path = t.db.path().to_path_buf();
    let wal = std::path::PathBuf::from(format!("{}-wal", path.display()));
    let size = |p: &std::path::Path| std::fs::metadata(p).map_or(0, |m| m.len());
    let before = size(&path);
    let dir = tempfile::tempdir().unwrap();
    let file = rows_file(dir.path(), "many.csv", 0, 3_000);
    let report = import_file(&t.db, ImportKind::CustomerUsers, &file).unwrap();
    assert_eq!(report.counts.added, 3_000);
    assert!(size(&wal) > 4 << 20, "the import went to the WAL");
    t.db.wait_for_checkpoints();
    assert!(
        size(&path) > before,
        "the WAL was copied back into the file"
    );
    assert_eq!(
        grid::page(&t.db, &GridQuery::default()).unwrap().rows.len(),
        25
    );
}
