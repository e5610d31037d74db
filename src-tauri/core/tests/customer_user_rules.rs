//! The rules of creating, changing and deleting customer users (Oro's, and where we do better).

mod common;

use common::*;
use cu_core::account::update;
use cu_core::customer_user::write::{delete, set_enabled};
use cu_core::customer_user::AuthStatus;
use cu_core::{customer_user, history, ErrorCode};
use serde_json::json;

#[test]
fn creates_a_user_with_every_detail_and_a_hashed_password() {
    let t = store(0);
    let default_site = website_id(&t.db, "Default");
    let locs =
        t.db.read(|c| cu_core::reference::get_website(c, &default_site))
            .unwrap()
            .localizations;
    let user = create(
        &t.db,
        "Jerry.Coleman@Example.com",
        json!({
            "namePrefix": "Mr.", "middleName": "John", "nameSuffix": "Jr.", "birthday": "1987-04-19",
            "website": "Default", "preferredLocalization": locs[1].id,
            "addresses": [{"street": "1 Main Street", "city": "Austin", "postalCode": "73301", "country": "us", "region": "tx",
                           "types": ["billing", "shipping"], "defaults": ["billing"]}],
        }),
    )
    .unwrap();
    assert_eq!(user.full_name(), "Mr. Jerry John Coleman Jr.");
    assert_eq!(user.email, "Jerry.Coleman@Example.com");
    // Confirmation is required by default: the user waits for the confirmation e-mail.
    assert!(user.enabled && !user.confirmed && !user.is_guest);
    assert_eq!(user.auth_status, AuthStatus::Active);
    assert!(user.has_password && user.password_changed_at.is_some());
    assert_eq!(user.customer.name, "Acme Corporation");
    assert_eq!(user.website.as_ref().unwrap().name, "Default");
    assert_eq!(user.preferred_localization.as_ref().unwrap().id, locs[1].id);
    assert_eq!(
        user.owner.as_ref().unwrap().name,
        "John Doe",
        "the acting admin owns new users"
    );
    assert_eq!(
        user.user_roles
            .iter()
            .map(|r| r.role.as_str())
            .collect::<Vec<_>>(),
        ["ROLE_FRONTEND_BUYER"]
    );
    // Sales representatives default to the customer's.
    let customer =
        t.db.read(|c| cu_core::reference::get_customer(c, &user.customer.id))
            .unwrap();
    assert_eq!(user.sales_representatives, customer.sales_representatives);
    assert_eq!(user.addresses.len(), 1);
    assert_eq!(user.addresses[0].country, "US");
    assert_eq!(
        user.addresses[0].region.as_deref(),
        Some("US-TX"),
        "kept in full"
    );
    assert_eq!(user.addresses[0].region_name.as_deref(), Some("Texas"));

    let hash = password_hash(&t.db, &user.id).unwrap();
    assert!(hash.starts_with("$argon2id$"));
    assert!(cu_core::password::verify("Secret123", &hash));

    let changes =
        t.db.read(|c| history::for_record(c, "customer_user", &user.id))
            .unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].op, "create");
    assert_eq!(changes[0].actor, "admin");
    assert_eq!(
        changes[0].fields["email"],
        json!([null, "Jerry.Coleman@Example.com"])
    );
    assert!(
        !changes[0].fields.to_string().contains("argon2"),
        "no hash in the change log"
    );
    assert!(
        !changes[0].fields.to_string().contains("Secret123"),
        "no password in the change log"
    );
}

#[test]
fn reports_every_invalid_field_with_oro_messages_and_writes_nothing() {
    let t = store(0);
    let before = count(&t.db, "SELECT count(*) FROM customer_user");
    let err = create(
        &t.db,
        "not-an-email",
        json!({
            "firstName": " ", "lastName": "", "birthday": "2999-01-01", "userRoles": [],
            "password": "abc", "passwordConfirm": "abd",
            "addresses": [
                {"street": "", "city": "Berlin", "postalCode": "10115", "country": "DE", "types": ["billing"], "defaults": ["billing"]},
                {"street": "2 Oak", "city": "", "postalCode": "", "country": "Germany", "types": ["billing"], "defaults": ["billing"]}
            ],
        }),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    let f = fields(&err);
    let has = |field: &str, msg: &str| f.iter().any(|(a, b)| a == field && b == msg);
    assert!(has("firstName", "This value should not be blank."), "{f:?}");
    assert!(has("lastName", "This value should not be blank."));
    assert!(has("email", "This value is not a valid email address."));
    assert!(has("birthday", "The birth date cannot be in the future."));
    assert!(has(
        "userRoles",
        "Please select at least one role before you enable the customer user."
    ));
    assert!(has("passwordConfirm", "The password fields must match."));
    assert!(has(
        "password",
        "The password must be at least 8 characters long and include an upper case letter and a number."
    ));
    assert!(has("addresses.0.street", "This value should not be blank."));
    assert!(has("addresses.1.city", "This value should not be blank."));
    assert!(has(
        "addresses.1.postalCode",
        "This value should not be blank."
    ));
    assert!(has(
        "addresses.1.country",
        "This value is not a valid country."
    ));
    assert!(has(
        "addresses.1.defaults",
        "Several addresses have the same default type billing."
    ));
    assert_eq!(count(&t.db, "SELECT count(*) FROM customer_user"), before);
    assert_eq!(
        count(&t.db, "SELECT count(*) FROM customer_user_address"),
        0
    );
}

#[test]
fn short_email_and_missing_customer_are_named() {
    let t = store(0);
    let err = create(&t.db, "a@b.c", json!({"customer": null})).unwrap_err();
    let f = fields(&err);
    assert!(f.contains(&(
        "email".into(),
        "This value is too short. It should have 6 characters or more.".into()
    )));
    assert!(f.contains(&("customer".into(), "This value should not be blank.".into())));
    let err = create(
        &t.db,
        "ok@example.com",
        json!({"customer": "No Such Co", "website": "Nowhere"}),
    )
    .unwrap_err();
    let f = fields(&err);
    assert!(f.contains(&(
        "customer".into(),
        "Customer \"No Such Co\" does not exist.".into()
    )));
    assert!(f.contains(&(
        "website".into(),
        "Website \"Nowhere\" does not exist.".into()
    )));
}

#[test]
fn a_disabled_user_may_have_no_role_but_cannot_be_enabled_without_one() {
    let t = store(0);
    let user = create(
        &t.db,
        "norole@example.com",
        json!({"enabled": false, "userRoles": []}),
    )
    .unwrap();
    assert!(!user.enabled);
    let err = set_enabled(&t.db, &admin(), &user.id, true).unwrap_err();
    assert_eq!(
        fields(&err),
        [(
            "userRoles".to_string(),
            "Please select at least one role before you enable the customer user.".to_string()
        )]
    );
    let again = t.db.read(|c| customer_user::get(c, &user.id)).unwrap();
    assert!(!again.enabled, "a refused enable changes nothing");
}

#[test]
fn email_is_unique_per_organization_case_insensitively_except_for_guests() {
    let t = store(0);
    create(&t.db, "Dup@Example.com", json!({})).unwrap();
    let err = create(&t.db, "dup@example.COM", json!({})).unwrap_err();
    assert_eq!(
        fields(&err),
        [(
            "email".to_string(),
            "This email is already used.".to_string()
        )]
    );
    // Guests are outside the rule, both ways.
    create(&t.db, "dup@example.com", json!({"isGuest": true})).unwrap();
    create(&t.db, "DUP@example.com", json!({"isGuest": true})).unwrap();
    // The unique index holds even against a write that skips the rules.
    let raw = t.db.write(&admin(), |tx| {
        tx.execute(
            "INSERT INTO customer_user (id, organization_id, customer_id, first_name, last_name, email, email_lowercase,
                created_at, updated_at, customer_name, created_hlc)
             SELECT 'x', organization_id, customer_id, 'a', 'b', 'DUP@EXAMPLE.COM', 'dup@example.com', 'now', 'now', 'c', 'h'
             FROM customer_user LIMIT 1",
            [],
        )?;
        Ok(())
    });
    assert!(
        raw.is_err(),
        "the unique index must refuse a duplicate email"
    );
}

#[test]
fn update_changes_only_the_given_fields_and_records_old_and_new() {
    let t = store(0);
    let user = create(&t.db, "jerry@example.com", json!({"middleName": "John"})).unwrap();
    let updated = update(
        &t.db,
        &admin(),
        &user.id,
        &json!({"lastName": "Colman", "middleName": null}),
    )
    .unwrap();
    assert_eq!(updated.last_name, "Colman");
    assert_eq!(updated.middle_name, None);
    assert_eq!(updated.first_name, "Jerry");
    assert_eq!(updated.email, "jerry@example.com");
    assert_eq!(updated.user_roles.len(), 1);
    assert!(updated.updated_at >= user.updated_at);
    let changes =
        t.db.read(|c| history::for_record(c, "customer_user", &user.id))
            .unwrap();
    assert_eq!(changes[0].op, "update");
    assert_eq!(changes[0].fields["lastName"], json!(["Coleman", "Colman"]));
    assert_eq!(changes[0].fields["middleName"], json!(["John", null]));
    assert_eq!(
        changes[0].fields.as_object().unwrap().len(),
        2,
        "{}",
        changes[0].fields
    );
    assert!(changes[0].hlc > changes[1].hlc, "HLCs increase");
    // Each changed field carries the HLC of its last write, for field-level sync.
    let field_hlc: String =
        t.db.read(|c| {
            Ok(c.query_row(
                "SELECT field_hlc FROM customer_user WHERE id = ?1",
                [&user.id],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let field_hlc: serde_json::Value = serde_json::from_str(&field_hlc).unwrap();
    assert_eq!(field_hlc["lastName"], json!(changes[0].hlc));
    // An update that changes nothing records nothing.
    update(&t.db, &admin(), &user.id, &json!({"lastName": "Colman"})).unwrap();
    assert_eq!(
        t.db.read(|c| history::for_record(c, "customer_user", &user.id))
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn update_refuses_unknown_or_read_only_fields_and_bad_types_by_name() {
    let t = store(0);
    let user = create(&t.db, "jerry@example.com", json!({})).unwrap();
    let err = update(&t.db, &admin(), &user.id, &json!({"loginCount": 5})).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert_eq!(err.fields[0].field, "loginCount");
    let err = update(&t.db, &admin(), &user.id, &json!({"enabled": "yes"})).unwrap_err();
    assert_eq!(err.fields[0].field, "enabled");
    let err = update(&t.db, &admin(), "no-such-id", &json!({"lastName": "X"})).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
}

#[test]
fn a_new_password_needs_both_fields_to_match_and_reactivates_the_account() {
    let t = store(0);
    let user = create(&t.db, "jerry@example.com", json!({})).unwrap();
    t.db.write(&admin(), |tx| {
        tx.execute(
            "UPDATE customer_user SET auth_status = 'reset' WHERE id = ?1",
            [&user.id],
        )?;
        Ok(())
    })
    .unwrap();
    let err = update(
        &t.db,
        &admin(),
        &user.id,
        &json!({"password": "NewSecret9", "passwordConfirm": "NewSecret8"}),
    )
    .unwrap_err();
    assert_eq!(err.fields[0].field, "passwordConfirm");
    let updated = update(
        &t.db,
        &admin(),
        &user.id,
        &json!({"password": "NewSecret9", "passwordConfirm": "NewSecret9"}),
    )
    .unwrap();
    assert_eq!(updated.auth_status, AuthStatus::Active);
    let generated = update(
        &t.db,
        &admin(),
        &user.id,
        &json!({"generatePassword": true}),
    )
    .unwrap();
    assert!(generated.has_password);
}

#[test]
fn a_user_can_get_a_new_customer_created_inline_with_a_parent() {
    let t = store(0);
    let acme = customer_id(&t.db, "Acme Corporation");
    let user = create(
        &t.db,
        "new.co@example.com",
        json!({"customer": null, "newCustomer": {"name": "Acme North", "parent": acme}}),
    )
    .unwrap();
    let customer =
        t.db.read(|c| cu_core::reference::get_customer(c, &user.customer.id))
            .unwrap();
    assert_eq!(customer.name, "Acme North");
    assert_eq!(customer.path, "Acme Corporation / Acme North");
    let err = create(
        &t.db,
        "blank.co@example.com",
        json!({"customer": null, "newCustomer": {"name": " "}}),
    )
    .unwrap_err();
    assert_eq!(
        fields(&err),
        [(
            "newCustomer.name".to_string(),
            "This value should not be blank.".to_string()
        )]
    );
}

#[test]
fn roles_must_be_predefined_or_the_customers_own() {
    let t = store(0);
    let acme = role_code(&t.db, "Acme Purchaser");
    assert!(acme.starts_with("ROLE_FRONTEND_ACME_PURCHASER_"), "{acme}");
    let err = create(
        &t.db,
        "globex@example.com",
        json!({"customer": "Globex", "userRoles": [acme]}),
    )
    .unwrap_err();
    assert_eq!(err.fields[0].field, "userRoles.0");
    let ok = create(&t.db, "acme@example.com", json!({"userRoles": [acme]})).unwrap();
    assert_eq!(ok.user_roles[0].label, "Acme Purchaser");
}

#[test]
fn the_preferred_localization_must_be_enabled_on_the_website() {
    let t = store(0);
    let wholesale = website_id(&t.db, "Wholesale");
    let default_site = website_id(&t.db, "Default");
    let german =
        t.db.read(|c| cu_core::reference::get_website(c, &default_site))
            .unwrap()
            .localizations[1]
            .id
            .clone();
    let err = create(
        &t.db,
        "loc@example.com",
        json!({"website": wholesale, "preferredLocalization": german}),
    )
    .unwrap_err();
    assert_eq!(
        fields(&err),
        [(
            "preferredLocalization".to_string(),
            "This localization is not enabled for the selected website.".to_string()
        )]
    );
}

#[test]
fn delete_is_refused_while_the_user_owns_records_and_cascades_otherwise() {
    let t = store(0);
    let user = create(
        &t.db,
        "gone@example.com",
        json!({"website": "Default", "addresses": [{"street": "1 Main", "city": "Austin", "postalCode": "73301", "country": "US", "region": "US-TX"}]}),
    )
    .unwrap();
    let owner = create(&t.db, "owner@example.com", json!({})).unwrap();
    t.db.write(&admin(), |tx| {
        tx.execute(
            "INSERT INTO sales_order (id, identifier, customer_user_id, customer_id, total, currency, created_at)
             VALUES ('o1', 'SO-1', ?1, ?2, '10', 'USD', 'now')",
            [&owner.id, &owner.customer.id],
        )?;
        Ok(())
    })
    .unwrap();
    let err = delete(&t.db, &admin(), &owner.id).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert!(err.message.contains("own 1 order"), "{}", err.message);

    delete(&t.db, &admin(), &user.id).unwrap();
    assert_eq!(
        t.db.read(|c| customer_user::get(c, &user.id))
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
    for table in [
        "customer_user_address",
        "customer_user_settings",
        "customer_user_role_link",
        "customer_user_sales_rep",
    ] {
        assert_eq!(
            count(
                &t.db,
                &format!(
                    "SELECT count(*) FROM {table} WHERE customer_user_id = '{}'",
                    user.id
                )
            ),
            0,
            "{table}"
        );
    }
    let changes =
        t.db.read(|c| history::for_record(c, "customer_user", &user.id))
            .unwrap();
    assert_eq!(changes[0].op, "delete");
}

#[test]
fn the_store_reopens_with_its_data_and_a_clock_that_keeps_increasing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reopen.sqlite3");
    let first_hlc = {
        let db = cu_core::Database::open(&path).unwrap();
        cu_core::generate::generate(&db, &admin(), 0, |_| {}).unwrap();
        let u = create(&db, "one@example.com", json!({})).unwrap();
        db.read(|c| history::for_record(c, "customer_user", &u.id))
            .unwrap()[0]
            .hlc
            .clone()
    };
    let db = cu_core::Database::open(&path).unwrap();
    let u = create(&db, "two@example.com", json!({})).unwrap();
    let second_hlc = db
        .read(|c| history::for_record(c, "customer_user", &u.id))
        .unwrap()[0]
        .hlc
        .clone();
    assert!(second_hlc > first_hlc);
    let mode: String = db
        .read(|c| Ok(c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = db
        .read(|c| Ok(c.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(fk, 1);
}
