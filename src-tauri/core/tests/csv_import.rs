//! Import of Oro's customer user CSV: matching, Oro's rules, the check, all-or-nothing,
//! valid rows only with a rejects file, the import record in History, the round trip.

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use common::*;
use cu_core::csv::export::{self as csv_export, Query};
use cu_core::csv::import::{ImportKind, ImportMode, ImportReport};
use cu_core::grid::{self, GridQuery};
use cu_core::out_file::Target;
use cu_core::{customer_user, history, Database};
use serde_json::json;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn import(db: &Database, path: &Path, mode: ImportMode) -> ImportReport {
    ImportKind::CustomerUsers
        .import(db, &admin(), path, &mode, |_| {}, &AtomicBool::new(false))
        .unwrap()
}

fn user_by_email(db: &Database, email: &str) -> Option<customer_user::CustomerUser> {
    let id: Option<String> = db
        .read(|c| {
            Ok(c.query_row(
                "SELECT id FROM customer_user WHERE email_lowercase = lower(?1) AND is_guest = 0",
                [email],
                |r| r.get(0),
            )
            .ok())
        })
        .unwrap();
    id.map(|id| db.read(|c| customer_user::get(c, &id)).unwrap())
}

const HEADER: &str = "ID,Name Prefix,First Name,Middle Name,Last Name,Name Suffix,Birthday,Email Address,\
Customer Id,Customer Name,Roles 1 Role,Roles 2 Role,Guest,Enabled,Confirmed,Owner Username,Website Id,Owner Id";

#[test]
fn oros_sample_row_adds_a_user_without_a_usable_password() {
    let t = store(0);
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "users.csv",
        &format!(
            "{HEADER}\n1,\"Mr\",\"Jerry\",\"John\",\"Coleman\",\"Jr.\",\"04/19/1987\",\"example@email.com\",111,\
             \"Acme Corporation\",\"ROLE_FRONTEND_BUYER\",,0,1,1,,,\n"
        ),
    );
    let report = import(&t.db, &file, ImportMode::AllOrNothing);
    assert_eq!(report.errors, Vec::<String>::new());
    assert_eq!((report.counts.read, report.counts.added), (1, 1));
    assert!(report.written);
    let user = user_by_email(&t.db, "example@email.com").unwrap();
    assert_eq!(user.full_name(), "Mr Jerry John Coleman Jr.");
    assert_eq!(user.birthday.as_deref(), Some("1987-04-19"));
    // "111" is Oro's customer id: the name finds ours.
    assert_eq!(user.customer.name, "Acme Corporation");
    assert_eq!(user.website.as_ref().unwrap().name, "Default");
    let admin: String =
        t.db.read(|c| {
            Ok(c.query_row(
                "SELECT id FROM app_user WHERE username = 'admin'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(
        user.owner.as_ref().unwrap().id,
        admin,
        "the importing admin owns new users"
    );
    assert!(
        !user.has_password,
        "imported users set their password through a link"
    );
    let hash = password_hash(&t.db, &user.id);
    assert_eq!(hash, None);
    assert_eq!(
        user.sales_representatives
            .iter()
            .map(|r| r.id.clone())
            .collect::<Vec<_>>(),
        customer_sales_reps(&t.db, &user.customer.id),
        "new users get their customer's sales representatives"
    );
    assert_eq!(
        count(
            &t.db,
            &format!(
                "SELECT count(*) FROM customer_user_settings WHERE customer_user_id = '{}'",
                user.id
            )
        ),
        1,
        "and settings for their website"
    );
}

fn customer_sales_reps(db: &Database, customer: &str) -> Vec<String> {
    db.read(|c| {
        let mut stmt = c.prepare(
            "SELECT user_id FROM customer_sales_rep s JOIN app_user u ON u.id = s.user_id
             WHERE customer_id = ?1 ORDER BY u.last_name, u.first_name, u.id",
        )?;
        let ids = stmt.query_map([customer], |r| r.get(0))?;
        Ok(ids.collect::<rusqlite::Result<_>>()?)
    })
    .unwrap()
}

#[test]
fn matches_by_id_then_email_and_leaves_empty_cells_alone() {
    let t = store(0);
    let by_id = create(
        &t.db,
        "by.id@example.com",
        json!({"middleName": "Quentin", "birthday": "1980-01-02"}),
    )
    .unwrap();
    let by_email = create(&t.db, "By.Email@Example.com", json!({})).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "partial.csv",
        &format!(
            "ID,First Name,Email Address,Enabled\n\
             {},Renamed,,\n\
             ,,BY.EMAIL@example.COM,0\n",
            by_id.id
        ),
    );
    let report = import(&t.db, &file, ImportMode::AllOrNothing);
    assert_eq!(report.errors, Vec::<String>::new());
    assert_eq!((report.counts.updated, report.counts.added), (2, 0));
    let a = t.db.read(|c| customer_user::get(c, &by_id.id)).unwrap();
    assert_eq!(a.first_name, "Renamed");
    assert_eq!(a.middle_name.as_deref(), Some("Quentin"));
    assert_eq!(a.birthday.as_deref(), Some("1980-01-02"));
    assert_eq!(a.email, "by.id@example.com");
    let b = t.db.read(|c| customer_user::get(c, &by_email.id)).unwrap();
    assert!(!b.enabled);
    assert_eq!(b.first_name, "Jerry");
    assert_eq!(
        b.user_roles, by_email.user_roles,
        "no role cells: roles kept"
    );
    // Quick search sees the new name, and no longer the old one.
    let search = |q: &str| {
        let query: GridQuery = serde_json::from_value(json!({ "q": q })).unwrap();
        grid::page(&t.db, &query)
            .unwrap()
            .rows
            .into_iter()
            .map(|r| r.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(search("Renamed"), std::slice::from_ref(&by_id.id));
    assert!(!search("Jerry").contains(&by_id.id));

    // Nothing left to change: the same file again changes nothing.
    let again = import(&t.db, &file, ImportMode::AllOrNothing);
    assert_eq!((again.counts.unchanged, again.counts.updated), (2, 0));
}

#[test]
fn an_update_writes_every_field_it_changes_and_the_grid_sorts_by_the_new_values() {
    let t = store(0);
    let user = create(&t.db, "every.field@example.com", json!({})).unwrap();
    let untouched = create(&t.db, "untouched@example.com", json!({})).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "every.csv",
        &format!(
            "ID,Name Prefix,First Name,Middle Name,Last Name,Name Suffix,Birthday,Email Address,\
             Customer Name,Roles 1 Role,Roles 2 Role,Enabled,Confirmed,Owner Username,Website Id\n\
             {},Dr,Zoe,Q,Zimmer,III,02/03/1990,Zoe.Zimmer@example.com,Wayne Enterprises,\
             ROLE_FRONTEND_ADMINISTRATOR,ROLE_FRONTEND_BUYER,0,0,chen.li,{}\n",
            user.id,
            website_id(&t.db, "Wholesale")
        ),
    );
    let report = import(&t.db, &file, ImportMode::AllOrNothing);
    assert_eq!(report.errors, Vec::<String>::new());
    assert_eq!(report.counts.updated, 1);
    let u = t.db.read(|c| customer_user::get(c, &user.id)).unwrap();
    assert_eq!(u.full_name(), "Dr Zoe Q Zimmer III");
    assert_eq!(u.birthday.as_deref(), Some("1990-02-03"));
    assert_eq!(u.email, "Zoe.Zimmer@example.com");
    assert_eq!(u.customer.name, "Wayne Enterprises");
    assert_eq!(u.website.as_ref().unwrap().name, "Wholesale");
    assert_eq!(u.owner.as_ref().unwrap().name, "Chen Li");
    assert_eq!(
        u.user_roles
            .iter()
            .map(|r| r.label.as_str())
            .collect::<Vec<_>>(),
        ["Administrator", "Buyer"]
    );
    assert!(!u.enabled && !u.confirmed);
    assert!(user_by_email(&t.db, "every.field@example.com").is_none());
    assert_eq!(
        user_by_email(&t.db, "zoe.zimmer@EXAMPLE.com").unwrap().id,
        user.id,
        "the new e-mail is the user's key"
    );
    let other = t.db.read(|c| customer_user::get(c, &untouched.id)).unwrap();
    assert_eq!(other.updated_at, untouched.updated_at);
    // The grid's copied sort keys and search index follow the new values.
    for (sort, value) in [
        ("customerName", "Wayne Enterprises"),
        ("websiteName", "Wholesale"),
        ("roles", "Administrator, Buyer"),
        ("lastName", "Zimmer"),
    ] {
        let query: GridQuery = serde_json::from_value(json!({
            "sort": { "field": sort, "order": "DESC" },
            "q": "zimmer"
        }))
        .unwrap();
        let page = grid::page(&t.db, &query).unwrap();
        assert_eq!(
            page.rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            [user.id.as_str()],
            "sorted by {sort} ({value})"
        );
    }
    let stored: (String, String, String) =
        t.db.read(|c| {
            Ok(c.query_row(
                "SELECT customer_name, website_name, roles_label FROM customer_user WHERE id = ?1",
                [&user.id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?)
        })
        .unwrap();
    assert_eq!(
        stored,
        (
            "Wayne Enterprises".to_string(),
            "Wholesale".to_string(),
            "Administrator, Buyer".to_string()
        )
    );
}

#[test]
fn guests_are_never_matched_by_email() {
    let t = store(0);
    create(&t.db, "guest@example.com", json!({})).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "guest.csv",
        "First Name,Last Name,Email Address,Customer Name,Guest\n\
         Gus,Guest,guest@example.com,Acme Corporation,1\n",
    );
    let report = import(&t.db, &file, ImportMode::AllOrNothing);
    assert_eq!(report.errors, Vec::<String>::new());
    assert_eq!(report.counts.added, 1);
    assert_eq!(
        count(
            &t.db,
            "SELECT count(*) FROM customer_user WHERE email = 'guest@example.com'"
        ),
        2
    );
}

#[test]
fn a_second_new_row_with_the_same_email_replaces_the_first() {
    let t = store(0);
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "dupes.csv",
        "First Name,Last Name,Email Address,Customer Name,Roles 1 Role\n\
         First,Row,twice@example.com,Acme Corporation,ROLE_FRONTEND_BUYER\n\
         Second,Row,TWICE@example.com,Globex,\n",
    );
    let check = import(&t.db, &file, ImportMode::CheckOnly);
    assert_eq!((check.counts.added, check.counts.replaced), (1, 1));
    assert!(!check.written);
    assert_eq!(count(&t.db, "SELECT count(*) FROM customer_user"), 0);

    let report = import(&t.db, &file, ImportMode::AllOrNothing);
    assert_eq!((report.counts.added, report.counts.replaced), (1, 1));
    let user = user_by_email(&t.db, "twice@example.com").unwrap();
    assert_eq!(user.first_name, "Second");
    assert_eq!(user.customer.name, "Globex");
    // The second row had no role: the website's default role (Buyer), not the first row's.
    assert_eq!(
        user.user_roles
            .iter()
            .map(|r| r.role.as_str())
            .collect::<Vec<_>>(),
        ["ROLE_FRONTEND_BUYER"]
    );
    assert_eq!(count(&t.db, "SELECT count(*) FROM customer_user"), 1);
}

#[test]
fn a_user_matched_twice_is_refused_naming_the_first_row() {
    let t = store(0);
    create(&t.db, "once@example.com", json!({})).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "twice.csv",
        "Email Address,First Name\nonce@example.com,A\nonce@example.com,B\n",
    );
    let report = import(&t.db, &file, ImportMode::CheckOnly);
    assert_eq!(
        report.errors,
        ["Error in row #2. This email is already used. (by row #1 of this file)"]
    );
}

#[test]
fn an_email_another_stored_user_has_is_refused_naming_the_field_as_oro_does() {
    let t = store(0);
    create(&t.db, "taken@example.com", json!({})).unwrap();
    let mover = create(&t.db, "mover@example.com", json!({})).unwrap();
    let other = create(&t.db, "other@example.com", json!({})).unwrap();
    let third = create(&t.db, "third@example.com", json!({})).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "clash.csv",
        &format!(
            "ID,Email Address\n{},TAKEN@example.com\n{},fresh@example.com\n{},Fresh@example.com\n",
            mover.id, other.id, third.id
        ),
    );
    let report = import(&t.db, &file, ImportMode::CheckOnly);
    assert_eq!(
        report.errors,
        [
            // A stored user holds it: the form's field message, under its column.
            "Error in row #1. Email Address: This email is already used.",
            // Another row of the file took it: Oro's field-less form.
            "Error in row #3. This email is already used.",
        ]
    );
}

#[test]
fn row_errors_are_worded_as_oros_and_nothing_is_written() {
    let t = store(0);
    create(&t.db, "taken@example.com", json!({})).unwrap();
    let before = count(&t.db, "SELECT count(*) FROM change_log");
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "bad.csv",
        "First Name,Last Name,Email Address,Customer Name,Birthday,Enabled,Roles 1 Role,Website Id\n\
         Good,User,good@example.com,Acme Corporation,,,,\n\
         Bad,Email,not-an-email,Acme Corporation,,,,\n\
         ,Nameless,nameless@example.com,Nobody Inc,13/45/2000,perhaps,ROLE_NOPE,Nowhere\n\
         Future,Born,future@example.com,Acme Corporation,01/01/2999,,,\n\
         Short,Line,short@example.com\n",
    );
    let report = import(&t.db, &file, ImportMode::AllOrNothing);
    assert!(!report.written);
    assert_eq!(report.counts.read, 5);
    assert_eq!(report.counts.errors, 4);
    assert_eq!(
        report.errors,
        [
            "Error in row #2. Email Address: This value is not a valid email address.",
            "Error in row #3. Enabled: This value should be 1 or 0 (Yes or No).",
            "Error in row #3. Birthday: This value is not a valid date.",
            "Error in row #3. Customer Name: Customer \"Nobody Inc\" does not exist.",
            "Error in row #3. Website Id: Website \"Nowhere\" does not exist.",
            "Error in row #3. Roles 1 Role: Role \"ROLE_NOPE\" does not exist.",
            "Error in row #3. First Name: This value should not be blank.",
            "Error in row #4. Birthday: The birth date cannot be in the future.",
            "Error in row #5. The row has 3 cells but the header row has 8 columns; is the line cut short?",
        ]
    );
    assert!(report
        .message
        .starts_with("Nothing was imported: 4 rows have errors."));
    assert!(user_by_email(&t.db, "good@example.com").is_none());
    assert_eq!(count(&t.db, "SELECT count(*) FROM change_log"), before);
    assert_eq!(
        count(
            &t.db,
            "SELECT count(*) FROM import_run WHERE outcome = 'rolled_back' AND errors = 4 AND read = 5"
        ),
        1
    );
}

#[test]
fn valid_rows_only_imports_the_rest_and_saves_the_failed_rows_to_fix() {
    let t = store(0);
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "mixed.csv",
        "First Name,Last Name,Email Address,Customer Name\n\
         Ann,Able,ann@example.com,Acme Corporation\n\
         Bob,Broken,bob@,Acme Corporation\n",
    );
    let rejects = dir.path().join("rejects.csv");
    let report = import(
        &t.db,
        &file,
        ImportMode::ValidRowsOnly {
            rejects: Target::new(&rejects, false),
        },
    );
    assert!(report.written);
    assert_eq!((report.counts.added, report.counts.errors), (1, 1));
    assert_eq!(report.rejects.as_deref(), Some(rejects.to_str().unwrap()));
    assert!(user_by_email(&t.db, "ann@example.com").is_some());
    let text = std::fs::read_to_string(&rejects).unwrap();
    assert_eq!(
        text,
        "First Name,Last Name,Email Address,Customer Name,Errors\n\
         Bob,Broken,bob@,Acme Corporation,Error in row #2. Email Address: This value is not a valid email address.\n"
    );

    // Fixed in the rejects file itself and imported again.
    std::fs::write(&rejects, text.replace("bob@,", "bob@example.com,")).unwrap();
    let again = import(&t.db, &rejects, ImportMode::AllOrNothing);
    assert_eq!(again.errors, Vec::<String>::new());
    assert_eq!(again.counts.added, 1);
    assert!(user_by_email(&t.db, "bob@example.com").is_some());
}

#[test]
fn history_names_the_import_that_made_each_change() {
    let t = store(0);
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "crm-export.csv",
        "First Name,Last Name,Email Address,Customer Name\nIda,Import,ida@example.com,Acme Corporation\n",
    );
    let report = import(&t.db, &file, ImportMode::AllOrNothing);
    let user = user_by_email(&t.db, "ida@example.com").unwrap();
    let changes =
        t.db.read(|c| history::for_record(c, "customer_user", &user.id))
            .unwrap();
    assert_eq!(changes.len(), 1);
    let import = changes[0].import.as_ref().unwrap();
    assert_eq!(Some(&import.id), report.import_id.as_ref());
    assert_eq!(import.file, "crm-export.csv");
    assert_eq!(import.actor, "admin");
    assert_eq!(
        (
            import.counts.read,
            import.counts.added,
            import.counts.updated
        ),
        (1, 1, 0)
    );
}

#[test]
fn headers_that_cannot_be_imported_stop_the_import_before_any_row() {
    let t = store(0);
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "odd.csv", "First Name,Surname\nA,B\n");
    let err = ImportKind::CustomerUsers
        .import(
            &t.db,
            &admin(),
            &file,
            &ImportMode::CheckOnly,
            |_| {},
            &AtomicBool::new(false),
        )
        .unwrap_err();
    assert!(
        err.message.contains("Column \"Surname\" (column 2)"),
        "{}",
        err.message
    );
    assert!(err
        .message
        .contains("neither an \"ID\" nor an \"Email Address\""));
}

#[test]
fn empty_header_only_and_cut_short_files_are_answered_not_half_written() {
    let t = store(0);
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, text: &str| {
        let file = write(dir.path(), name, text);
        ImportKind::CustomerUsers.import(
            &t.db,
            &admin(),
            &file,
            &ImportMode::AllOrNothing,
            |_| {},
            &AtomicBool::new(false),
        )
    };
    let empty = run("empty.csv", "").unwrap_err();
    assert_eq!(empty.message, "The file is empty: it has no header row.");
    let headers = run("headers.csv", "First Name,Email Address\n").unwrap();
    assert_eq!(
        headers.message,
        "The file has no data rows below its header row: there is nothing to import."
    );
    let cut = run(
        "cut.csv",
        "First Name,Last Name,Email Address,Customer Name\nAnn,Able,ann@example.com,Acme Corporation\nBob,Bo",
    )
    .unwrap();
    assert_eq!(
        cut.errors,
        ["Error in row #2. The row has 2 cells but the header row has 4 columns; is the line cut short?"]
    );
    let open_quote = run(
        "quote.csv",
        "First Name,Last Name,Email Address,Customer Name\nAnn,\"Able,ann@example.com,Acme Corporation\n",
    )
    .unwrap();
    assert_eq!(open_quote.counts.errors, 1);
    assert_eq!(count(&t.db, "SELECT count(*) FROM customer_user"), 0);
}

fn export_text(db: &Database) -> String {
    let mut out = Vec::new();
    csv_export::export(
        db,
        &Query::default(),
        &mut out,
        |_, _| {},
        &AtomicBool::new(false),
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn an_import_writes_whether_or_not_another_connection_has_the_store_open() {
    let t = store(0);
    let dir = tempfile::tempdir().unwrap();
    let rows = |from: usize| -> String {
        let mut text = String::from("First Name,Last Name,Email Address,Customer Name\n");
        for i in from..from + 20 {
            text.push_str(&format!("Ann,Lee{i},ann{i}@example.com,Acme Corporation\n"));
        }
        text
    };
    let journal_mode = |db: &Database| -> String {
        db.read(|c| Ok(c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?))
            .unwrap()
    };
    let alone = write(dir.path(), "alone.csv", &rows(0));
    assert!(import(&t.db, &alone, ImportMode::AllOrNothing).written);
    assert_eq!(journal_mode(&t.db), "wal", "the store is back in WAL mode");

    // A reader in another connection (the CLI beside the app) keeps the store in WAL mode.
    let other = rusqlite::Connection::open(t.db.path()).unwrap();
    let read = other
        .prepare("SELECT email FROM customer_user")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .count();
    assert_eq!(read, 20);
    let shared = write(dir.path(), "shared.csv", &rows(20));
    assert!(import(&t.db, &shared, ImportMode::AllOrNothing).written);
    assert_eq!(journal_mode(&t.db), "wal");
    let seen: i64 = other
        .query_row("SELECT count(*) FROM customer_user", [], |r| r.get(0))
        .unwrap();
    assert_eq!(seen, 40, "the other connection sees both imports");
}

/// Set in the process [`an_import_cut_short_by_a_crash_leaves_the_store_as_it_was`] starts to
/// crash: the store to import into.
const CRASH_STORE: &str = "CU_TEST_CRASH_STORE";

/// Rows of the crashing import: past the 50,000 added users from which an import rebuilds the
/// sort indexes with a small page cache, so pages reach the file before the commit.
const CRASH_ROWS: usize = 50_001;

#[test]
fn an_import_cut_short_by_a_crash_leaves_the_store_as_it_was() {
    if let Some(store) = std::env::var_os(CRASH_STORE) {
        // The crashing process: everything written, the process dies before the commit.
        let db = Database::open(Path::new(&store)).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::from("First Name,Last Name,Email Address,Customer Name\n");
        for i in 0..CRASH_ROWS {
            text.push_str(&format!("Ann,Lee{i},ann{i}@example.com,Acme Corporation\n"));
        }
        let file = write(dir.path(), "big.csv", &text);
        ImportKind::CustomerUsers
            .import(
                &db,
                &admin(),
                &file,
                &ImportMode::AllOrNothing,
                |p| {
                    // The last report comes after every row and index is written, before the commit.
                    if p.rows == CRASH_ROWS as u64 && p.done == p.total {
                        std::process::abort();
                    }
                },
                &AtomicBool::new(false),
            )
            .unwrap();
        panic!("the import should have crashed before its commit");
    }
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("crash.sqlite3");
    let state = |db: &Database| -> (Vec<String>, Vec<(String, i64)>, i64) {
        db.read(|c| {
            let mut schema =
                c.prepare("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name")?;
            let schema = schema
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut config =
                c.prepare("SELECT k, v FROM customer_user_search_config ORDER BY k")?;
            let config = config
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let users = c.query_row("SELECT count(*) FROM customer_user", [], |r| r.get(0))?;
            Ok((schema, config, users))
        })
        .unwrap()
    };
    let before = {
        let db = Database::open(&store).unwrap();
        cu_core::generate::generate(&db, &admin(), 0, |_| {}).unwrap();
        state(&db)
    };
    let crashed = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "an_import_cut_short_by_a_crash_leaves_the_store_as_it_was",
        ])
        .env(CRASH_STORE, &store)
        .output()
        .unwrap();
    assert!(
        !crashed.status.success(),
        "{}",
        String::from_utf8_lossy(&crashed.stdout)
    );
    let wal = dir.path().join("crash.sqlite3-wal");
    assert!(
        std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0),
        "the import wrote its pages to the WAL, which the crash left behind uncommitted"
    );

    let db = Database::open(&store).unwrap();
    assert_eq!(state(&db), before, "nothing of the import is left");
    let (ok, mode): (String, String) = db
        .read(|c| {
            Ok((
                c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?,
                c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?,
            ))
        })
        .unwrap();
    assert_eq!((ok.as_str(), mode.as_str()), ("ok", "wal"));
}

#[test]
fn export_import_export_is_identical() {
    let t = store(300);
    let dir = tempfile::tempdir().unwrap();
    let first = export_text(&t.db);
    let file = write(dir.path(), "all.csv", &first);
    let report = import(&t.db, &file, ImportMode::AllOrNothing);
    assert_eq!(report.errors, Vec::<String>::new());
    assert_eq!(report.counts.unchanged, 300);
    assert_eq!(export_text(&t.db), first);

    // Into a store with the same customers but no users: everyone comes back with their id.
    t.db.write(&admin(), |tx| {
        tx.execute_batch("DELETE FROM change_log; DELETE FROM customer_user;")?;
        Ok(())
    })
    .unwrap();
    let report = import(&t.db, &file, ImportMode::AllOrNothing);
    assert_eq!(report.errors, Vec::<String>::new());
    assert_eq!(report.counts.added, 300);
    let second = export_text(&t.db);
    let rows = |text: &str| -> Vec<csv::StringRecord> {
        csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(Result::unwrap)
            .collect()
    };
    let headers: Vec<String> = first
        .lines()
        .next()
        .unwrap()
        .split(',')
        .map(String::from)
        .collect();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let default_website = website_id(&t.db, "Default");
    for (before, after) in rows(&first).iter().zip(rows(&second).iter()) {
        for (i, h) in headers.iter().enumerate() {
            let (b, a) = (&before[i], &after[i]);
            match h.as_str() {
                // Oro's defaults for new users: the default website, its default role.
                "Website Id" if b.is_empty() => assert_eq!(a, default_website),
                "Roles 1 Role" if b.is_empty() => assert_eq!(a, "ROLE_FRONTEND_BUYER"),
                _ => assert_eq!(a, b, "column {h} of {}", &before[col("Email Address")]),
            }
        }
    }
}

#[test]
fn the_data_template_has_oros_columns_and_imports_as_it_is() {
    let t = store(0);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("template.csv");
    cu_core::csv::template::write(&t.db, ImportKind::CustomerUsers, &Target::new(&file, false))
        .unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with(
        "ID,Name Prefix,First Name,Middle Name,Last Name,Name Suffix,Birthday,Email Address,\
         Customer Id,Customer Name,Roles 1 Role,Roles 2 Role,Website Id,Enabled,Confirmed,Owner Id\n,Mr,Jerry,"
    ));
    let report = import(&t.db, &file, ImportMode::AllOrNothing);
    assert_eq!(report.errors, Vec::<String>::new());
    let jerry = user_by_email(&t.db, "jerry.coleman@example.com").unwrap();
    assert_eq!(jerry.full_name(), "Mr Jerry John Coleman Jr.");
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    /// Cells that are sometimes valid and often not, for any column.
    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            Just("Acme Corporation".to_string()),
            Just("ROLE_FRONTEND_BUYER".to_string()),
            Just("1".to_string()),
            Just("0".to_string()),
            Just("04/19/1987".to_string()),
            Just("Default".to_string()),
            "[a-z]{1,8}@example\\.com",
            "[a-z]{0,6}@?",
            "[A-Za-zé \"\n,;]{0,12}",
        ]
    }

    fn file() -> impl Strategy<Value = (Vec<String>, Vec<Vec<String>>)> {
        let header = prop::sample::subsequence(
            vec![
                "ID",
                "First Name",
                "Last Name",
                "Email Address",
                "Customer Name",
                "Roles 1 Role",
                "Birthday",
                "Enabled",
                "Guest",
                "Website Id",
                "Frist Name",
            ],
            1..9,
        )
        .prop_map(|h| h.into_iter().map(String::from).collect::<Vec<_>>());
        header.prop_flat_map(|h| {
            let width = h.len();
            (
                Just(h),
                prop::collection::vec(prop::collection::vec(cell(), width - 1..=width + 1), 0..6),
            )
        })
    }

    fn to_csv(header: &[String], rows: &[Vec<String>]) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        w.write_record(header).unwrap();
        for r in rows {
            w.write_record(r).unwrap();
        }
        w.into_inner().unwrap()
    }

    /// Rows that match, add, replace and collide with each other and with two stored users.
    fn tangled_rows() -> impl Strategy<Value = Vec<(usize, usize, bool, usize)>> {
        prop::collection::vec((0..5usize, 0..4usize, any::<bool>(), 0..3usize), 1..12)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(40))]

        /// A check (which writes nothing) says exactly what the import then does.
        #[test]
        fn a_check_predicts_the_import(rows in tangled_rows()) {
            let t = store(0);
            let a = create(&t.db, "a@example.com", json!({})).unwrap();
            let b = create(&t.db, "b@example.com", json!({})).unwrap();
            let emails = ["a@example.com", "B@example.com", "c@example.com", "d@example.com", "bad@"];
            let ids = [a.id.clone(), b.id.clone(), "0190a000-0000-7000-8000-0000000000ff".into(), String::new()];
            let names = ["Ann", "Bob", ""];
            let mut text = String::from("ID,First Name,Last Name,Email Address,Customer Name,Guest\n");
            for (email, id, guest, name) in &rows {
                text.push_str(&format!(
                    "{},{},Row,{},Acme Corporation,{}\n",
                    ids[*id], names[*name], emails[*email], if *guest { 1 } else { 0 }
                ));
            }
            let dir = tempfile::tempdir().unwrap();
            let path = write(dir.path(), "tangled.csv", &text);
            let check = import(&t.db, &path, ImportMode::CheckOnly);
            let done = import(&t.db, &path, ImportMode::ValidRowsOnly { rejects: Target::new(dir.path().join("rejects.csv"), false) });
            prop_assert_eq!(&check.errors, &done.errors, "{}", text);
            prop_assert_eq!(&check.counts, &done.counts, "{}", text);
        }

        /// Whatever the file, the import answers (a report or an error) and writes all of
        /// its rows or none of them.
        #[test]
        fn any_file_is_imported_whole_or_not_at_all((header, rows) in file(), garbage in prop::collection::vec(any::<u8>(), 0..64)) {
            let t = store(0);
            let dir = tempfile::tempdir().unwrap();
            let mut bytes = to_csv(&header, &rows);
            if rows.len() % 2 == 1 {
                bytes.extend_from_slice(&garbage);
            }
            let path = dir.path().join("fuzz.csv");
            std::fs::write(&path, &bytes).unwrap();
            let users = || count(&t.db, "SELECT count(*) FROM customer_user");
            let changes = || count(&t.db, "SELECT count(*) FROM change_log");
            let (users_before, changes_before) = (users(), changes());
            let outcome = ImportKind::CustomerUsers.import(&t.db, &admin(), &path, &ImportMode::AllOrNothing, |_| {}, &AtomicBool::new(false));
            match outcome {
                Ok(report) if report.written => {
                    prop_assert_eq!(report.counts.errors, 0);
                    prop_assert_eq!(users() - users_before, report.counts.added as i64);
                }
                _ => {
                    prop_assert_eq!(users(), users_before);
                    prop_assert_eq!(changes(), changes_before);
                }
            }
            let ok: String = t.db.read(|c| Ok(c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?)).unwrap();
            prop_assert_eq!(ok, "ok");
        }
    }
}
