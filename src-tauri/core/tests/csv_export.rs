//! Export as Oro's CSV: headers, formats, the grid's filter, progress and Cancel.

mod common;

use std::sync::atomic::AtomicBool;

use common::*;
use cu_core::csv::export::{self as csv_export, Query};
use cu_core::grid::GridFilter;
use cu_core::ErrorCode;
use serde_json::json;

fn export(t: &TestDb, query: &Query) -> (Vec<csv::StringRecord>, csv::StringRecord) {
    let mut out = Vec::new();
    let summary =
        csv_export::export(&t.db, query, &mut out, |_, _| {}, &AtomicBool::new(false)).unwrap();
    let mut reader = csv::Reader::from_reader(out.as_slice());
    let headers = reader.headers().unwrap().clone();
    let rows: Vec<_> = reader.records().map(Result::unwrap).collect();
    assert_eq!(summary.exported, rows.len() as u64);
    (rows, headers)
}

#[test]
fn every_user_goes_out_with_oros_headers_and_formats() {
    let t = store(40);
    let acme = role_code(&t.db, "Acme Purchaser");
    let user = create(
        &t.db,
        "jerry@example.com",
        json!({
            "namePrefix": "Mr", "middleName": "John", "nameSuffix": "Jr.", "birthday": "1987-04-19",
            "website": "Default", "confirmed": true,
            "userRoles": ["ROLE_FRONTEND_BUYER", "ROLE_FRONTEND_ADMINISTRATOR", acme],
        }),
    )
    .unwrap();
    let (rows, headers) = export(&t, &Query::default());
    assert_eq!(
        headers.iter().collect::<Vec<_>>().join(","),
        "ID,Name Prefix,First Name,Middle Name,Last Name,Name Suffix,Birthday,Email Address,Customer Id,\
         Customer Name,Roles 1 Role,Roles 2 Role,Roles 3 Role,Guest,Enabled,Confirmed,Owner Username,\
         Website Id,Owner Id"
    );
    assert_eq!(
        rows.len() as i64,
        count(&t.db, "SELECT count(*) FROM customer_user")
    );
    let row = rows.iter().find(|r| &r[0] == user.id.as_str()).unwrap();
    let by = |h: &str| row[headers.iter().position(|x| x == h).unwrap()].to_string();
    assert_eq!(by("Name Prefix"), "Mr");
    assert_eq!(by("Birthday"), "04/19/1987");
    assert_eq!(by("Email Address"), "jerry@example.com");
    assert_eq!(by("Customer Id"), user.customer.id);
    assert_eq!(by("Customer Name"), "Acme Corporation");
    assert_eq!(
        [by("Roles 1 Role"), by("Roles 2 Role"), by("Roles 3 Role")],
        [
            acme.as_str(),
            "ROLE_FRONTEND_ADMINISTRATOR",
            "ROLE_FRONTEND_BUYER"
        ]
    );
    assert_eq!(
        [by("Guest"), by("Enabled"), by("Confirmed")],
        ["0", "1", "1"]
    );
    assert_eq!(
        by("Owner Username"),
        "",
        "Oro exports the owner's username empty"
    );
    assert_eq!(by("Website Id"), user.website.unwrap().id);
    assert_eq!(by("Owner Id"), user.owner.unwrap().id);
    // Rows come in the grid's default order.
    let mut ids: Vec<&str> = rows.iter().map(|r| r.get(0).unwrap()).collect();
    let before = ids.clone();
    ids.sort();
    assert_eq!(ids, before);
}

#[test]
fn a_filtered_export_holds_just_what_the_grid_shows() {
    let t = store(300);
    let filter = GridFilter {
        enabled: Some(false),
        email: Some("e".into()),
        ..Default::default()
    };
    let query = Query {
        filter: Some(filter.clone()),
        q: None,
    };
    let (rows, headers) = export(&t, &query);
    let enabled = headers.iter().position(|h| h == "Enabled").unwrap();
    let email = headers.iter().position(|h| h == "Email Address").unwrap();
    assert!(!rows.is_empty());
    assert!(rows
        .iter()
        .all(|r| &r[enabled] == "0" && r[email].contains('e')));
    let expected = count(
        &t.db,
        "SELECT count(*) FROM customer_user WHERE enabled = 0 AND email LIKE '%e%'",
    );
    assert_eq!(rows.len() as i64, expected);

    let (searched, _) = export(
        &t,
        &Query {
            filter: None,
            q: Some("acme".into()),
        },
    );
    let grid_total = count(
        &t.db,
        "SELECT count(*) FROM customer_user WHERE first_name LIKE '%acme%' OR last_name LIKE '%acme%'
            OR email LIKE '%acme%' OR customer_name LIKE '%acme%'",
    );
    assert_eq!(searched.len() as i64, grid_total);
}

#[test]
fn progress_counts_up_to_the_total_and_cancel_stops_the_export() {
    let t = store(25);
    let mut seen = Vec::new();
    let mut out = Vec::new();
    csv_export::export(
        &t.db,
        &Query::default(),
        &mut out,
        |done, total| seen.push((done, total)),
        &AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!(seen.first(), Some(&(0, 25)));
    assert_eq!(seen.last(), Some(&(25, 25)));

    let err = csv_export::export(
        &t.db,
        &Query::default(),
        Vec::new(),
        |_, _| {},
        &AtomicBool::new(true),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert_eq!(err.message, "The export was cancelled.");
}
