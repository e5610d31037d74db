//! Shared set-up for the core's integration tests: a real SQLite file in a temp folder.

#![allow(dead_code)]

use std::path::Path;
use std::sync::atomic::AtomicBool;

use cu_core::actor::{Actor, Via};
use cu_core::csv::import::{ImportKind, ImportMode, ImportReport};
use cu_core::customer_user::input::CustomerUserInput;
use cu_core::customer_user::CustomerUser;
use cu_core::{account, generate, CoreError, Database};
use serde_json::{json, Value};

/// The store's first admin, acting in the window: who the tests act as.
pub fn admin() -> Actor {
    Actor::first_admin(Via::Window)
}

pub struct TestDb {
    pub db: Database,
    _dir: tempfile::TempDir,
}

/// A fresh store with the generated catalog (websites, customers, roles) and `users` users.
pub fn store(users: u64) -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&dir.path().join("test.sqlite3")).unwrap();
    generate::generate(&db, &admin(), users, |_| {}).unwrap();
    TestDb { db, _dir: dir }
}

pub fn customer_id(db: &Database, name: &str) -> String {
    db.read(|c| {
        Ok(
            c.query_row("SELECT id FROM customer WHERE name = ?1", [name], |r| {
                r.get(0)
            })?,
        )
    })
    .unwrap()
}

pub fn website_id(db: &Database, name: &str) -> String {
    db.read(|c| {
        Ok(
            c.query_row("SELECT id FROM website WHERE name = ?1", [name], |r| {
                r.get(0)
            })?,
        )
    })
    .unwrap()
}

/// The code of the role labelled `label` (codes end in a part of the role's id, as Oro's
/// end in a `uniqid`).
#[allow(dead_code)]
pub fn role_code(db: &Database, label: &str) -> String {
    db.read(|c| {
        Ok(c.query_row(
            "SELECT role FROM customer_user_role WHERE label = ?1",
            [label],
            |r| r.get(0),
        )?)
    })
    .unwrap()
}

/// A valid create input for `email`, merged with `extra`.
pub fn input(email: &str, extra: Value) -> CustomerUserInput {
    let mut base = json!({
        "firstName": "Jerry",
        "lastName": "Coleman",
        "email": email,
        "customer": "Acme Corporation",
        "password": "Secret123",
        "passwordConfirm": "Secret123",
        "userRoles": ["ROLE_FRONTEND_BUYER"],
    });
    for (k, v) in extra.as_object().unwrap() {
        base[k] = v.clone();
    }
    CustomerUserInput::from_json(base).unwrap()
}

pub fn create(db: &Database, email: &str, extra: Value) -> Result<CustomerUser, CoreError> {
    account::create(db, &admin(), &input(email, extra))
}

/// The stored password hash of user `id` (`None`: no usable password).
pub fn password_hash(db: &Database, id: &str) -> Option<String> {
    db.read(|c| {
        Ok(c.query_row(
            "SELECT password_hash FROM customer_user WHERE id = ?1",
            [id],
            |r| r.get(0),
        )?)
    })
    .unwrap()
}

pub fn count(db: &Database, sql: &str) -> i64 {
    db.read(|c| Ok(c.query_row(sql, [], |r| r.get(0))?))
        .unwrap()
}

/// The field → message pairs of a validation error.
pub fn fields(err: &CoreError) -> Vec<(String, String)> {
    err.fields
        .iter()
        .map(|f| (f.field.clone(), f.message.clone()))
        .collect()
}

/// Imports `file` all or nothing as `kind`, as the admin.
pub fn import_file(
    db: &Database,
    kind: ImportKind,
    file: &Path,
) -> Result<ImportReport, CoreError> {
    kind.import(
        db,
        &admin(),
        file,
        &ImportMode::AllOrNothing,
        |_| {},
        &AtomicBool::new(false),
    )
}
