//! One writer for the customer user: every write path leaves a change record and the changed
//! fields' clocks, and no other module issues SQL that writes the `customer_user` table.

mod common;

use std::path::Path;

use common::*;
use cu_core::account::sign_in::{self as auth, SignIn};
use cu_core::mail::smtp::Mailer;
use cu_core::mail::template as email_template;
use cu_core::{account, back_office, demo, history, mail::outbox, settings, Database};
use serde_json::{json, Value};

/// The user's change records, newest first, as (op, the fields each changed).
fn changes(db: &Database, id: &str) -> Vec<(String, Vec<String>)> {
    changes_of(db, "customer_user", id)
}

fn changes_of(db: &Database, entity: &str, id: &str) -> Vec<(String, Vec<String>)> {
    db.read(|c| history::for_record(c, entity, id))
        .unwrap()
        .into_iter()
        .map(|c| {
            let fields = c.fields.as_object().unwrap().keys().cloned().collect();
            (c.op, fields)
        })
        .collect()
}

fn field_clocks(db: &Database, id: &str) -> serde_json::Map<String, Value> {
    clocks_of(db, "SELECT field_hlc FROM customer_user WHERE id = ?1", id)
}

fn clocks_of(db: &Database, sql: &str, key: &str) -> serde_json::Map<String, Value> {
    let text: String = db
        .read(|c| Ok(c.query_row(sql, [key], |r| r.get(0))?))
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn a_sign_in_and_a_sent_link_are_recorded_with_their_fields_clocks() {
    let t = store(0);
    let user = create(
        &t.db,
        "counted@example.com",
        json!({"confirmed": true, "password": "Secret123", "passwordConfirm": "Secret123"}),
    )
    .unwrap();
    let outcome = auth::check(
        &t.db,
        &SignIn {
            email: user.email.clone(),
            password: "Secret123".into(),
            source: None,
            ip: None,
            user_agent: None,
        },
    )
    .unwrap();
    assert!(outcome.success);
    let (op, fields) = &changes(&t.db, &user.id)[0];
    assert_eq!(op, "update");
    assert!(
        fields.contains(&"loginCount".to_string()) && fields.contains(&"lastLogin".to_string()),
        "{fields:?}"
    );
    assert!(field_clocks(&t.db, &user.id).contains_key("loginCount"));

    // Delivery stamps the reset link on the user; a relay that cannot be reached (a closed
    // loopback port) fails the send, and the stamp stays.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    for (key, value) in [
        ("smtpHost", json!("127.0.0.1")),
        ("smtpPort", json!(closed)),
        ("smtpEncryption", json!("none")),
    ] {
        settings::set(&t.db, &admin(), key, &value).unwrap();
    }
    account::reset_password(&t.db, &admin(), &user.id).unwrap();
    let mailer =
        t.db.read(|c| Mailer::from_settings(c, || Ok(None)))
            .unwrap();
    let _ = outbox::deliver_due(&t.db, &mailer);
    let stamped = changes(&t.db, &user.id);
    assert!(
        stamped
            .iter()
            .any(|(_, f)| f.contains(&"resetLinkExpiresAt".to_string())),
        "{stamped:?}"
    );
    assert!(field_clocks(&t.db, &user.id).contains_key("resetLinkExpiresAt"));
}

#[test]
fn demo_data_is_recorded_like_any_change() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&dir.path().join("demo.sqlite3")).unwrap();
    demo::seed_demo_if_empty(&db).unwrap();
    let unrecorded = count(
        &db,
        "SELECT count(*) FROM customer_user u WHERE NOT EXISTS (
            SELECT 1 FROM change_log c WHERE c.entity = 'customer_user' AND c.entity_id = u.id)",
    );
    assert_eq!(unrecorded, 0);
    let with_password = count(
        &db,
        "SELECT count(*) FROM customer_user u WHERE password_hash IS NOT NULL AND EXISTS (
            SELECT 1 FROM change_log c WHERE c.entity_id = u.id AND c.op = 'update'
              AND c.fields LIKE '%loginCount%')",
    );
    assert!(with_password > 0);
}

/// Each table the admin edits, and the one place that writes it: the customer user's row
/// and relations its writer (the addresses its address book), the others their modules.
/// Sync (`src/sync/`) writes the smaller records as another desktop's writer left them, and
/// clears them when a desktop takes its team's records; the customer user's remote write is
/// in its writer.
const WRITERS: &[(&str, &[&str])] = &[
    ("customer_user", &["/src/customer_user/write/"]),
    ("customer_user_role_link", &["/src/customer_user/write/"]),
    ("customer_user_sales_rep", &["/src/customer_user/write/"]),
    ("customer_user_settings", &["/src/customer_user/write/"]),
    ("password_history", &["/src/customer_user/write/"]),
    ("customer_user_address", &["/src/customer_user/address.rs"]),
    ("customer", &["/src/reference.rs", "/src/sync/"]),
    ("setting", &["/src/settings.rs", "/src/sync/"]),
    ("email_template", &["/src/mail/template.rs", "/src/sync/"]),
    ("app_user", &["/src/back_office/mod.rs", "/src/sync/"]),
    ("app_role", &["/src/back_office/role.rs", "/src/sync/"]),
    ("customer_user_role", &["/src/role/write.rs", "/src/sync/"]),
    // Written through `record::save` by the one module that holds their rules.
    ("consent", &["/src/record/", "/src/sync/"]),
    ("consent_acceptance", &["/src/record/", "/src/sync/"]),
    ("customer_user_note", &["/src/record/", "/src/sync/"]),
    ("customer_user_event", &["/src/record/", "/src/sync/"]),
    ("customer_user_field", &["/src/record/", "/src/sync/"]),
    (
        "request_for_quote",
        &[
            "/src/record/",
            "/src/sync/",
            "/src/customer_user/write/remote.rs",
        ],
    ),
    (
        "quote",
        &[
            "/src/record/",
            "/src/sync/",
            "/src/customer_user/write/remote.rs",
        ],
    ),
    (
        "sales_order",
        &[
            "/src/record/",
            "/src/sync/",
            "/src/customer_user/write/remote.rs",
        ],
    ),
    (
        "shopping_list",
        &[
            "/src/record/",
            "/src/sync/",
            "/src/customer_user/write/remote.rs",
        ],
    ),
];

#[test]
fn no_module_writes_a_table_another_owns() {
    let mut offenders = Vec::new();
    visit(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut |path, text| {
            let shown = path.to_string_lossy().replace('\\', "/");
            let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
            for (table, owners) in WRITERS {
                if owners.iter().any(|owner| shown.contains(owner)) {
                    continue;
                }
                for verb in [
                    "INSERT INTO",
                    "INSERT OR IGNORE INTO",
                    "UPDATE",
                    "DELETE FROM",
                    "REPLACE INTO",
                ] {
                    let statement = format!("{verb} {table}");
                    let mut rest = flat.as_str();
                    while let Some(at) = rest.find(&statement) {
                        let after = rest[at + statement.len()..].chars().next();
                        // `customer_user_search` and the like are other tables.
                        if !after.is_some_and(|c| c == '_' || c.is_alphanumeric()) {
                            offenders.push(format!("{shown}: {statement}"));
                        }
                        rest = &rest[at + statement.len()..];
                    }
                }
            }
        },
    );
    assert_eq!(offenders, Vec::<String>::new());
}

fn visit(dir: &Path, f: &mut impl FnMut(&Path, &str)) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            visit(&path, f);
        } else if path.extension().is_some_and(|e| e == "rs") {
            f(&path, &std::fs::read_to_string(&path).unwrap());
        }
    }
}

#[test]
fn the_customer_user_the_api_returns_has_exactly_the_declared_fields() {
    use cu_core::customer_user::field::FIELDS;
    let t = store(0);
    let user = create(&t.db, "declared@example.com", json!({})).unwrap();
    let Value::Object(shown) = serde_json::to_value(&user).unwrap() else {
        panic!("a customer user is a JSON object")
    };
    let mut shown: Vec<&str> = shown.keys().map(String::as_str).collect();
    let mut declared: Vec<&str> = FIELDS.iter().map(|d| d.api).collect();
    shown.sort_unstable();
    declared.sort_unstable();
    assert_eq!(shown, declared);
    // What History records of a new user are the synced fields with a value.
    let (op, fields) = &changes(&t.db, &user.id)[0];
    assert_eq!(op, "create");
    for field in fields {
        let def = FIELDS.iter().find(|d| d.api == field).unwrap();
        assert!(def.syncs, "{field} is recorded but not synced");
    }
}

#[test]
fn customers_settings_templates_and_back_office_users_are_recorded_with_their_fields_clocks() {
    let t = store(0);
    let user = create(
        &t.db,
        "newco@example.com",
        json!({"customer": null, "newCustomer": {"name": "NewCo"}}),
    )
    .unwrap();
    let customer = &user.customer.id;
    assert_eq!(changes_of(&t.db, "customer", customer)[0].0, "create");
    let clocks = clocks_of(
        &t.db,
        "SELECT field_hlc FROM customer WHERE id = ?1",
        customer,
    );
    assert!(clocks.contains_key("name"), "{clocks:?}");

    settings::set(&t.db, &admin(), "passwordMinLength", &json!(12)).unwrap();
    assert_eq!(
        changes_of(&t.db, "setting", "passwordMinLength"),
        [("update".to_string(), vec!["value".to_string()])]
    );
    let sql = "SELECT field_hlc FROM setting WHERE key = ?1";
    assert!(clocks_of(&t.db, sql, "passwordMinLength").contains_key("value"));
    // Setting the value it has changes nothing and records nothing.
    settings::set(&t.db, &admin(), "passwordMinLength", &json!(12)).unwrap();
    assert_eq!(changes_of(&t.db, "setting", "passwordMinLength").len(), 1);

    let name = "customer_user_reset_password";
    let template = email_template::get(&t.db, name).unwrap();
    email_template::update(&t.db, &admin(), name, "New subject", &template.content).unwrap();
    assert_eq!(
        changes_of(&t.db, "email_template", name),
        [("update".to_string(), vec!["subject".to_string()])]
    );
    let sql = "SELECT field_hlc FROM email_template WHERE name = ?1";
    assert!(clocks_of(&t.db, sql, name).contains_key("subject"));

    let admin_user = back_office::create(
        &t.db,
        &admin(),
        &back_office::BackOfficeUserInput {
            username: "kim".into(),
            first_name: "Kim".into(),
            last_name: "Lee".into(),
            email: "kim@example.com".into(),
            role: None,
        },
    )
    .unwrap();
    assert_eq!(changes_of(&t.db, "app_user", &admin_user.id)[0].0, "create");
    let sql = "SELECT field_hlc FROM app_user WHERE id = ?1";
    assert!(clocks_of(&t.db, sql, &admin_user.id).contains_key("username"));
}

/// The last change record of `id` and whether each of its fields has that record's clock.
fn last_change_is_clocked(db: &Database, id: &str) -> (String, Vec<String>) {
    let record = db
        .read(|c| history::for_record(c, "customer_user", id))
        .unwrap()
        .remove(0);
    let clocks = field_clocks(db, id);
    let fields: Vec<String> = record.fields.as_object().unwrap().keys().cloned().collect();
    for field in &fields {
        assert_eq!(
            clocks.get(field).and_then(Value::as_str),
            Some(record.hlc.as_str()),
            "{} of {}: {field} has not the change's clock",
            record.op,
            id
        );
    }
    (record.op, fields)
}

#[test]
fn the_form_bulk_actions_account_actions_and_both_imports_record_with_the_fields_clocks() {
    use cu_core::bulk::{self, Action};
    use cu_core::csv::import::ImportKind;

    let t = store(0);
    let user = create(&t.db, "paths@example.com", json!({"confirmed": true})).unwrap();
    let has = |(op, fields): (String, Vec<String>), field: &str| {
        assert_eq!(op, "update");
        assert!(
            fields.iter().any(|f| f == field),
            "{field} not in {fields:?}"
        );
    };

    account::update(&t.db, &admin(), &user.id, &json!({"lastName": "Formed"})).unwrap();
    has(last_change_is_clocked(&t.db, &user.id), "lastName");

    account::reset_password(&t.db, &admin(), &user.id).unwrap();
    has(last_change_is_clocked(&t.db, &user.id), "authStatus");

    bulk::run(
        &t.db,
        &admin(),
        Action::Disable,
        std::slice::from_ref(&user.id),
    )
    .unwrap();
    has(last_change_is_clocked(&t.db, &user.id), "enabled");

    let dir = tempfile::tempdir().unwrap();
    let import = |kind: ImportKind, name: &str, text: String| {
        let file = dir.path().join(name);
        std::fs::write(&file, text).unwrap();
        let report = import_file(&t.db, kind, &file).unwrap();
        assert!(report.written, "{:?}", report.errors);
    };
    import(
        ImportKind::CustomerUsers,
        "users.csv",
        format!("ID,First Name\n{},Imported\n", user.id),
    );
    has(last_change_is_clocked(&t.db, &user.id), "firstName");

    import(
        ImportKind::CustomerUserAddresses,
        "addresses.csv",
        format!(
            "Customer User Email Address,Street,City,Zip/Postal Code,Country,Region\n\
             {},1 Main St,Springfield,12345,US,US-IL\n",
            user.email
        ),
    );
    has(last_change_is_clocked(&t.db, &user.id), "addresses");
}
