//! Customer user addresses as CSV: export, import with the same checks, the template.

mod common;

use std::path::Path;
use std::sync::atomic::AtomicBool;

use common::*;
use cu_core::csv::export::Query;
use cu_core::csv::import::{ImportKind, ImportMode, ImportReport};
use cu_core::customer_user::AddressType;
use cu_core::{csv::addresses, customer_user, Database};
use serde_json::json;

fn export_text(db: &Database) -> String {
    let mut out = Vec::new();
    addresses::export(
        db,
        &Query::default(),
        &mut out,
        |_, _| {},
        &AtomicBool::new(false),
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}

fn import(db: &Database, path: &Path, mode: ImportMode) -> ImportReport {
    ImportKind::CustomerUserAddresses
        .import(db, &admin(), path, &mode, |_| {}, &AtomicBool::new(false))
        .unwrap()
}

const HEADER: &str = "Address ID,Customer User Id,Customer User Email Address,Label,Organization,Name Prefix,\
First Name,Middle Name,Last Name,Name Suffix,Street,Street 2,City,Zip/Postal Code,Country,Region,Phone,\
Primary,Billing,Default Billing,Shipping,Default Shipping";

#[test]
fn addresses_go_out_owner_by_owner_and_come_back_unchanged() {
    let t = store(60);
    let text = export_text(&t.db);
    assert!(text.starts_with(&format!("{HEADER}\n")));
    let rows = text.lines().count() as i64 - 1;
    assert_eq!(
        rows,
        count(&t.db, "SELECT count(*) FROM customer_user_address")
    );
    assert!(rows > 0, "the generated store has addresses");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("addresses.csv");
    std::fs::write(&file, &text).unwrap();
    let report = import(&t.db, &file, ImportMode::AllOrNothing);
    assert_eq!(report.errors, Vec::<String>::new());
    assert_eq!(report.counts.unchanged as i64, rows);
    assert_eq!(export_text(&t.db), text);
}

#[test]
fn new_addresses_attach_by_email_and_take_the_default_over() {
    let t = store(0);
    let user = create(
        &t.db,
        "ada@example.com",
        json!({"addresses": [{"street": "1 Old Road", "city": "Berlin", "postalCode": "10115",
            "country": "DE", "region": "DE-BE", "firstName": "Ada", "lastName": "L",
            "types": ["billing", "shipping"], "defaults": ["billing", "shipping"]}]}),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("new.csv");
    std::fs::write(
        &file,
        format!(
            "{HEADER}\n,,ADA@example.com,Warehouse,Ada Ltd,,,,,,5 New Street,,Hamburg,20095,de,DE-HH,,1,1,1,0,0\n"
        ),
    )
    .unwrap();
    let report = import(&t.db, &file, ImportMode::AllOrNothing);
    assert_eq!(report.errors, Vec::<String>::new());
    assert_eq!(report.counts.added, 1);
    let after = t.db.read(|c| customer_user::get(c, &user.id)).unwrap();
    assert_eq!(after.addresses.len(), 2);
    assert_eq!(
        after.addresses[0].street, "5 New Street",
        "Primary puts it first"
    );
    assert_eq!(after.addresses[0].country, "DE");
    assert_eq!(after.addresses[0].defaults, [AddressType::Billing]);
    assert_eq!(after.addresses[1].defaults, [AddressType::Shipping]);
}

#[test]
fn bad_address_rows_name_the_column_and_write_nothing() {
    let t = store(0);
    create(&t.db, "ada@example.com", json!({})).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.csv");
    std::fs::write(
        &file,
        format!(
            "{HEADER}\n\
             ,,ada@example.com,,,,Ada,,L,,1 Road,,,10115,Germany,,,0,1,0,0,0\n\
             ,,nobody@example.com,,,,Ann,,B,,1 Road,,Berlin,10115,DE,,,0,1,0,0,0\n\
             ,,ada@example.com,,,,Ada,,L,,1 Road,,Berlin,10115,DE,,,maybe,1,0,0,1\n"
        ),
    )
    .unwrap();
    let report = import(&t.db, &file, ImportMode::AllOrNothing);
    assert!(!report.written);
    assert_eq!(
        report.errors,
        [
            "Error in row #1. City: This value should not be blank.",
            "Error in row #1. Country: This value is not a valid country.",
            "Error in row #2. Customer User Email Address: Customer user \"nobody@example.com\" does not exist.",
            "Error in row #3. Primary: This value should be 1 or 0 (Yes or No).",
        ]
    );
    assert_eq!(
        count(&t.db, "SELECT count(*) FROM customer_user_address"),
        0
    );
}

#[test]
fn the_address_template_imports_as_it_is() {
    let t = store(3);
    let text = t.db.read(|c| cu_core::csv::template::addresses(c)).unwrap();
    assert!(text.starts_with(&format!("{HEADER}\n")));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("template.csv");
    std::fs::write(&file, text).unwrap();
    let report = import(&t.db, &file, ImportMode::AllOrNothing);
    assert_eq!(report.errors, Vec::<String>::new());
    assert_eq!(report.counts.added, 1);
}
