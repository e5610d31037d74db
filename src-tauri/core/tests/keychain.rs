//! The SMTP password round-trips through the real OS keychain (Secret Service on Linux;
//! `./test.sh` runs the tests on a private D-Bus session with gnome-keyring), and never
//! reaches the database.

mod common;

use common::*;
use cu_core::{secrets, Database};

#[test]
fn the_smtp_password_lives_in_the_keychain_per_database_and_not_in_the_file() {
    let t = store(0);
    let other = tempfile::tempdir().unwrap();
    let other = Database::open(&other.path().join("other.sqlite3")).unwrap();
    let password = format!("smtp-{}", uuid::Uuid::now_v7().simple());

    secrets::set_smtp_password(&t.db, &admin(), Some(&password)).unwrap();
    let reopened = Database::open(t.db.path()).unwrap();
    assert_eq!(
        secrets::smtp_password(&reopened).unwrap().as_deref(),
        Some(password.as_str())
    );
    assert_eq!(
        secrets::smtp_password(&other).unwrap(),
        None,
        "each database has its own"
    );

    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(t.db.path().parent().unwrap()).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    assert!(!String::from_utf8_lossy(&bytes).contains(&password));

    secrets::set_smtp_password(&t.db, &admin(), None).unwrap();
    assert_eq!(secrets::smtp_password(&reopened).unwrap(), None);
    secrets::set_smtp_password(&t.db, &admin(), None).unwrap();
}
