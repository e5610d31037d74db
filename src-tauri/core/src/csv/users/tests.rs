//! The import's own tests: bulk indexes, change detection, header mapping.

use std::sync::atomic::AtomicBool;

use super::columns::*;
use super::rows::parse_birthday;
use super::state::*;
use super::*;
use crate::csv::import::{self as csv_import, parse_flag};
use crate::csv::import::{ImportKind, ImportMode};
use crate::Database;

#[test]
fn a_bulk_import_builds_the_sort_and_search_indexes_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&dir.path().join("bulk.sqlite3")).unwrap();
    let admin = crate::actor::Actor::first_admin(crate::actor::Via::Window);
    crate::generate::generate(&db, &admin, 0, |_| {}).unwrap();
    let schema = |db: &Database| -> Vec<String> {
        db.read(|c| {
            let mut stmt =
                c.prepare("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .unwrap()
    };
    let before = schema(&db);
    let file = dir.path().join("bulk.csv");
    let mut text = String::from("First Name,Last Name,Email Address,Customer Name\n");
    for i in 0..30 {
        text.push_str(&format!(
            "Bulk,User{i},bulk{i}@example.com,Acme Corporation\n"
        ));
    }
    std::fs::write(&file, text).unwrap();
    let run = |mode: ImportMode| {
        csv_import::run(
            &db,
            &admin,
            csv_import::Job {
                kind: ImportKind::CustomerUsers,
                path: &file,
                mode: &mode,
                listed: true,
            },
            |tx, headers, check_only| Importer::with_bulk_from(tx, headers, check_only, 10),
            |_| {},
            &AtomicBool::new(false),
        )
        .unwrap()
    };
    assert_eq!(run(ImportMode::CheckOnly).counts.added, 30);
    assert_eq!(schema(&db), before, "a check leaves the schema as it was");
    assert_eq!(run(ImportMode::AllOrNothing).counts.added, 30);
    assert_eq!(schema(&db), before, "indexes and triggers are back");
    let search_config: Vec<(String, i64)> = db
        .read(|c| {
            let mut stmt = c.prepare(
                "SELECT k, v FROM customer_user_search_config WHERE k IN ('automerge', 'hashsize') ORDER BY k",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    assert_eq!(
        search_config,
        [
            ("automerge".to_string(), 4),
            (
                "hashsize".to_string(),
                i64::from(crate::customer_user::write::row::DEFAULT_SEARCH_HASH)
            )
        ],
        "the search index's settings are FTS5's defaults again"
    );
    let ok: String = db
        .read(|c| Ok(c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(ok, "ok");
    let query: crate::grid::GridQuery =
        serde_json::from_value(json!({ "q": "bulk17@example" })).unwrap();
    let found = crate::grid::page(&db, &query).unwrap();
    assert_eq!(
        found
            .rows
            .iter()
            .map(|r| r.email.as_str())
            .collect::<Vec<_>>(),
        ["bulk17@example.com"]
    );
    // The search triggers work again for the next change.
    let id = found.rows[0].id.clone();
    crate::account::update(&db, &admin, &id, &json!({ "lastName": "Renamed" })).unwrap();
    let query: crate::grid::GridQuery = serde_json::from_value(json!({ "q": "Renamed" })).unwrap();
    assert_eq!(crate::grid::page(&db, &query).unwrap().rows.len(), 1);
}

#[test]
fn the_changed_fields_are_the_fields_the_change_record_names() {
    let role = |code: &str| {
        Rc::new(RoleRef {
            id: format!("id-{code}"),
            role: code.to_string(),
            label: code.to_lowercase(),
            customer_id: None,
        })
    };
    let base = UserState {
        name_prefix: None,
        first_name: "Ann".into(),
        middle_name: Some("B".into()),
        last_name: "Lee".into(),
        name_suffix: None,
        email: "ann@example.com".into(),
        birthday: Some("1990-01-02".into()),
        enabled: true,
        confirmed: true,
        is_guest: false,
        customer: Some(Rc::new(CustomerInfo {
            id: "c1".into(),
            name: "Acme".into(),
            organization: "o1".into(),
        })),
        website: Some(Rc::new(WebsiteInfo {
            id: "w1".into(),
            name: "Default".into(),
            organization: "o1".into(),
            default_role: None,
        })),
        extra: None,
        owner: Some(Rc::new(Ref {
            id: "u1".into(),
            name: "John Doe".into(),
        })),
        roles: vec![role("ROLE_A"), role("ROLE_B")],
    };
    type Change = Box<dyn Fn(&mut UserState)>;
    let changes: Vec<(&str, Change)> = vec![
        ("nothing", Box::new(|_| {})),
        (
            "name prefix",
            Box::new(|s| s.name_prefix = Some("Dr".into())),
        ),
        ("first name", Box::new(|s| s.first_name = "ann".into())),
        ("middle name", Box::new(|s| s.middle_name = None)),
        ("last name", Box::new(|s| s.last_name = "Lea".into())),
        (
            "name suffix",
            Box::new(|s| s.name_suffix = Some("Jr.".into())),
        ),
        ("email", Box::new(|s| s.email = "Ann@example.com".into())),
        ("birthday", Box::new(|s| s.birthday = None)),
        ("enabled", Box::new(|s| s.enabled = false)),
        ("confirmed", Box::new(|s| s.confirmed = false)),
        ("guest", Box::new(|s| s.is_guest = true)),
        (
            "customer name",
            Box::new(|s| {
                s.customer = Some(Rc::new(CustomerInfo {
                    id: "c1".into(),
                    name: "Acme Inc.".into(),
                    organization: "o1".into(),
                }))
            }),
        ),
        ("website", Box::new(|s| s.website = None)),
        (
            "owner",
            Box::new(|s| {
                s.owner = Some(Rc::new(Ref {
                    id: "u2".into(),
                    name: "John Doe".into(),
                }))
            }),
        ),
        ("a role fewer", Box::new(|s| s.roles.truncate(1))),
        (
            "another role",
            Box::new(move |s| s.roles[1] = role("ROLE_C")),
        ),
    ];
    for (what, change) in changes {
        let mut other = base.clone();
        change(&mut other);
        let (before, after) = (base.row().unwrap(), other.row().unwrap());
        let changed: Vec<&str> = after
            .changed_since(&before)
            .iter()
            .map(|f| f.api())
            .collect();
        let recorded = writer::diff(&before.fields(), &after.fields());
        let mut recorded: Vec<&str> = recorded.keys().map(String::as_str).collect();
        let mut sorted = changed.clone();
        sorted.sort_unstable();
        recorded.sort_unstable();
        assert_eq!(sorted, recorded, "{what}");
        assert_eq!(changed.is_empty(), what == "nothing", "{what}");
    }
}

fn headers(h: &str) -> Vec<String> {
    h.split(',').map(str::to_string).collect()
}

#[test]
fn maps_oros_headers_in_any_order_with_any_number_of_roles() {
    let cols = Columns::map(
        &headers("Email Address,Roles 2 Role,First Name,Roles 1 Role,Roles 10 Role,Errors"),
        &[],
    )
    .unwrap();
    assert_eq!(cols.at[Col::Email as usize], Some(0));
    assert_eq!(
        cols.roles.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
        vec![3, 1, 4]
    );
}

#[test]
fn names_unknown_duplicate_blank_and_missing_headers() {
    let err = Columns::map(&headers("First Name,Frist Name,,first name"), &[])
        .err()
        .unwrap();
    let m = err.message;
    assert!(
        m.contains("Column \"Frist Name\" (column 2) is not a column"),
        "{m}"
    );
    assert!(m.contains("Column 3 has no header."), "{m}");
    assert!(
        m.contains("\"first name\" appears twice (columns 1 and 4)"),
        "{m}"
    );
    assert!(
        m.contains("neither an \"ID\" nor an \"Email Address\""),
        "{m}"
    );
}

#[test]
fn reads_oros_flags_and_dates() {
    assert_eq!(parse_flag("Yes"), Some(true));
    assert_eq!(parse_flag("0"), Some(false));
    assert_eq!(parse_flag("maybe"), None);
    assert_eq!(
        parse_birthday("04/19/1987"),
        NaiveDate::from_ymd_opt(1987, 4, 19)
    );
    assert_eq!(
        parse_birthday("1987-04-19"),
        NaiveDate::from_ymd_opt(1987, 4, 19)
    );
    assert_eq!(parse_birthday("19.04.1987"), None);
}
