//! The customer user's page: the address book's country and region rules and one default
//! per type, consents and their acceptances, the records a user owns with Created By, the
//! activity timeline, and the organization's own fields.

mod common;

use common::*;
use cu_core::activity::note::{self, NoteInput};
use cu_core::activity::{self, ActivityKind};
use cu_core::consent::{self, ConsentInput};
use cu_core::customer_user::address::AddressInput;
use cu_core::customer_user::extra::{self, ExtraFieldInput, ExtraFieldKind};
use cu_core::customer_user::{address_book, AddressType};
use cu_core::grid::{self, GridFilter, GridQuery, Sort, SortField, SortOrder};
use cu_core::related::{self, LineItem, RelatedInput, RelatedKind};
use cu_core::{account, history, ErrorCode};
use serde_json::json;

/// Defines one of the organization's own fields.
fn define(
    db: &cu_core::Database,
    name: &str,
    label: &str,
    kind: ExtraFieldKind,
    choices: &[&str],
) -> extra::ExtraField {
    extra::create(
        db,
        &admin(),
        &ExtraFieldInput {
            name: Some(name.into()),
            label: Some(label.into()),
            kind: Some(kind),
            choices: Some(choices.iter().map(|c| c.to_string()).collect()),
        },
    )
    .unwrap()
}

fn address(country: &str, region: Option<&str>, text: Option<&str>) -> AddressInput {
    AddressInput {
        street: "1 Main Street".into(),
        city: "Springfield".into(),
        postal_code: "12345".into(),
        country: country.into(),
        region: region.map(str::to_string),
        region_text: text.map(str::to_string),
        first_name: Some("Ann".into()),
        last_name: Some("Lee".into()),
        types: vec![AddressType::Billing, AddressType::Shipping],
        ..Default::default()
    }
}

#[test]
fn a_region_is_required_and_picked_from_the_countrys_list_where_it_has_regions() {
    let t = store(0);
    let user = create(&t.db, "ann@example.com", json!({})).unwrap();
    let err = address_book::add(&t.db, &admin(), &user.id, &address("US", None, None)).unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    assert_eq!(
        fields(&err),
        [(
            "region".into(),
            "State is required for country United States of America".into()
        )]
    );
    let err = address_book::add(
        &t.db,
        &admin(),
        &user.id,
        &address("US", Some("DE-BE"), None),
    )
    .unwrap_err();
    assert_eq!(
        fields(&err),
        [(
            "region".into(),
            "Region DE-BE does not belong to country US".into()
        )]
    );
    let err = address_book::add(
        &t.db,
        &admin(),
        &user.id,
        &address("US", Some("US-CA"), Some("Bay Area")),
    )
    .unwrap_err();
    assert_eq!(
        fields(&err),
        [(
            "regionText".into(),
            "Custom region can be used only for countries without predefined regions.".into()
        )]
    );
    let err = address_book::add(&t.db, &admin(), &user.id, &address("XX", None, None)).unwrap_err();
    assert_eq!(
        fields(&err),
        [(
            "country".into(),
            "This value is not a valid country.".into()
        )]
    );
    assert!(t
        .db
        .read(|c| cu_core::customer_user::get(c, &user.id))
        .unwrap()
        .addresses
        .is_empty());

    let after =
        address_book::add(&t.db, &admin(), &user.id, &address("us", Some("ca"), None)).unwrap();
    let a = &after.addresses[0];
    assert_eq!(
        (a.country.as_str(), a.region.as_deref()),
        ("US", Some("US-CA"))
    );
    assert_eq!(a.region_name.as_deref(), Some("California"));
    assert_eq!(a.country_name.as_deref(), Some("United States of America"));
    // Where a country has no regions, the region is free text.
    let after = address_book::add(
        &t.db,
        &admin(),
        &user.id,
        &address("HK", None, Some("Kowloon")),
    )
    .unwrap();
    assert_eq!(after.addresses[1].region_text.as_deref(), Some("Kowloon"));
    let (op, changed) = {
        let h =
            t.db.read(|c| history::for_record(c, "customer_user", &user.id))
                .unwrap();
        (
            h[0].op.clone(),
            h[0].fields
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        (op.as_str(), changed),
        ("update", vec!["addresses".to_string()])
    );
}

#[test]
fn one_address_is_the_default_of_each_type_and_moves_when_another_claims_it() {
    let t = store(0);
    let user = create(&t.db, "ann@example.com", json!({})).unwrap();
    let first = AddressInput {
        defaults: vec![AddressType::Billing, AddressType::Shipping],
        ..address("DE", Some("DE-BE"), None)
    };
    let after = address_book::add(&t.db, &admin(), &user.id, &first).unwrap();
    let first_id = after.addresses[0].id.clone();
    let second = AddressInput {
        defaults: vec![AddressType::Shipping],
        ..address("GB", Some("GB-LND"), None)
    };
    let after = address_book::add(&t.db, &admin(), &user.id, &second).unwrap();
    assert_eq!(
        after.addresses[0].defaults,
        [AddressType::Billing],
        "shipping moved away"
    );
    assert_eq!(after.addresses[1].defaults, [AddressType::Shipping]);
    // A default needs the type.
    let err = address_book::update(
        &t.db,
        &admin(),
        &first_id,
        &AddressInput {
            types: vec![AddressType::Billing],
            defaults: vec![AddressType::Shipping],
            ..address("DE", Some("DE-BE"), None)
        },
    )
    .unwrap_err();
    assert_eq!(
        fields(&err),
        [(
            "defaults".into(),
            "An address can only be the default for a type it has.".into()
        )]
    );
    let after = address_book::delete(&t.db, &admin(), &first_id).unwrap();
    assert_eq!(after.addresses.len(), 1);
    assert_eq!(
        address_book::delete(&t.db, &admin(), &first_id)
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
}

#[test]
fn a_mandatory_consent_once_accepted_cannot_be_withdrawn_and_the_grid_filters_by_consent() {
    let t = store(3);
    let terms = consent::create(
        &t.db,
        &admin(),
        &ConsentInput {
            name: Some("Terms".into()),
            mandatory: Some(true),
            ..Default::default()
        },
    )
    .unwrap();
    let news = consent::create(
        &t.db,
        &admin(),
        &ConsentInput {
            name: Some("Newsletter".into()),
            url: Some("https://example.com/news".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let err = consent::create(
        &t.db,
        &admin(),
        &ConsentInput {
            name: Some("terms".into()),
            url: Some("javascript:alert(1)".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        fields(&err),
        [
            ("url".into(), "This value is not a valid URL.".into()),
            (
                "name".into(),
                "A consent with this name already exists.".into()
            )
        ]
    );
    let user = create(&t.db, "ann@example.com", json!({})).unwrap();
    let statuses = consent::accept(&t.db, &admin(), &user.id, "Terms").unwrap();
    assert!(statuses[0].accepted_at.is_some() && statuses[1].accepted_at.is_none());
    consent::accept(&t.db, &admin(), &user.id, &news.id).unwrap();
    let err = consent::withdraw(&t.db, &admin(), &user.id, &terms.id).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert!(err.message.contains("mandatory"), "{}", err.message);
    let statuses = consent::withdraw(&t.db, &admin(), &user.id, &news.id).unwrap();
    assert!(statuses[1].accepted_at.is_none());

    let emails = |filter: GridFilter| -> Vec<String> {
        grid::page(
            &t.db,
            &GridQuery {
                filter: Some(filter),
                ..Default::default()
            },
        )
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.email)
        .collect()
    };
    assert_eq!(
        emails(GridFilter {
            consent_accepted: Some(terms.id.clone()),
            ..Default::default()
        }),
        ["ann@example.com"]
    );
    assert_eq!(
        emails(GridFilter {
            consent_not_accepted: Some(terms.id.clone()),
            ..Default::default()
        })
        .len(),
        3
    );
    let err = consent::delete(&t.db, &admin(), &terms.id).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    consent::delete(&t.db, &admin(), &news.id).unwrap();
}

#[test]
fn an_order_made_here_records_the_admin_as_created_by_and_counts_in_the_grid() {
    let t = store(2);
    let user = create(&t.db, "ann@example.com", json!({})).unwrap();
    let order = related::create(
        &t.db,
        &admin(),
        &user.id,
        RelatedKind::Order,
        &RelatedInput {
            items: Some(vec![
                LineItem {
                    sku: "SKU1".into(),
                    name: "Boots".into(),
                    quantity: 3,
                    price: "19.99".into(),
                },
                LineItem {
                    sku: "SKU2".into(),
                    name: "Gloves".into(),
                    quantity: 2,
                    price: "0.005".into(),
                },
            ]),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(order.total, "59.98");
    assert_eq!(order.status, "open");
    assert_eq!(order.currency, "USD");
    assert_eq!(
        order.created_by.as_ref().map(|r| r.name.as_str()),
        Some("John Doe")
    );
    assert!(order.number.starts_with("SO-"));
    let listed =
        t.db.read(|c| related::list(c, &user.id, RelatedKind::Order))
            .unwrap();
    assert_eq!(listed, std::slice::from_ref(&order));

    let err = related::create(
        &t.db,
        &admin(),
        &user.id,
        RelatedKind::Quote,
        &RelatedInput {
            status: Some("shipped".into()),
            currency: Some("dollars".into()),
            items: Some(vec![LineItem {
                sku: "".into(),
                name: "X".into(),
                quantity: 0,
                price: "1.2.3".into(),
            }]),
            ..Default::default()
        },
    )
    .unwrap_err();
    let f: Vec<String> = fields(&err).into_iter().map(|(field, _)| field).collect();
    assert_eq!(
        f,
        [
            "status",
            "currency",
            "items.0.sku",
            "items.0.quantity",
            "items.0.price"
        ]
    );

    let page = grid::page(
        &t.db,
        &GridQuery {
            sort: Some(Sort {
                field: SortField::Orders,
                order: SortOrder::Desc,
            }),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(page.rows[0].email, "ann@example.com");
    assert_eq!(page.rows[0].orders, 1);
    assert_eq!(
        page.rows[0].last_order.as_deref(),
        Some(order.created_at.as_str())
    );
    // A user who owns an order is not deleted.
    let err = cu_core::customer_user::write::delete(&t.db, &admin(), &user.id).unwrap_err();
    assert!(err.message.contains("1 order"), "{}", err.message);
}

#[test]
fn notes_events_and_emails_share_one_timeline_newest_first() {
    let t = store(0);
    let user = create(&t.db, "ann@example.com", json!({"confirmed": false})).unwrap();
    let n = note::add(
        &t.db,
        &admin(),
        &user.id,
        &NoteInput {
            body: Some("Called.\nWill order in May.".into()),
        },
    )
    .unwrap();
    assert_eq!(n.title, "Called.");
    assert_eq!(n.by.as_ref().map(|b| b.name.as_str()), Some("John Doe"));
    let err = note::add(
        &t.db,
        &admin(),
        &user.id,
        &NoteInput {
            body: Some("  ".into()),
        },
    )
    .unwrap_err();
    assert_eq!(
        fields(&err),
        [("body".into(), "This value should not be blank.".into())]
    );
    let e = cu_core::activity::event::add(
        &t.db,
        &admin(),
        &user.id,
        &cu_core::activity::event::EventInput {
            title: Some("Review".into()),
            starts_at: Some("2099-01-02T10:00:00+01:00".into()),
            ends_at: Some("2099-01-02T08:00:00Z".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        fields(&e),
        [(
            "endsAt".into(),
            "The end cannot be before the start.".into()
        )]
    );
    let event = cu_core::activity::event::add(
        &t.db,
        &admin(),
        &user.id,
        &cu_core::activity::event::EventInput {
            title: Some("Review".into()),
            starts_at: Some("2099-01-02T10:00:00+01:00".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        event.starts_at.as_deref(),
        Some("2099-01-02T09:00:00.000Z"),
        "kept in UTC"
    );
    account::resend_confirmation(&t.db, &admin(), &user.id).unwrap();
    let kinds = |items: &[activity::ActivityItem]| items.iter().map(|i| i.kind).collect::<Vec<_>>();
    let all = t.db.read(|c| activity::timeline(c, &user.id, &[])).unwrap();
    assert_eq!(
        all[0].kind,
        ActivityKind::Event,
        "the future event is newest"
    );
    assert!(
        kinds(&all).contains(&ActivityKind::Email) && kinds(&all).contains(&ActivityKind::Note)
    );
    let notes =
        t.db.read(|c| activity::timeline(c, &user.id, &[ActivityKind::Note]))
            .unwrap();
    assert_eq!(notes, std::slice::from_ref(&n));
    let edited = note::update(
        &t.db,
        &admin(),
        &n.id,
        &NoteInput {
            body: Some("Called twice.".into()),
        },
    )
    .unwrap();
    assert_eq!(edited.title, "Called twice.");
    note::delete(&t.db, &admin(), &n.id).unwrap();
    assert!(t
        .db
        .read(|c| activity::timeline(c, &user.id, &[ActivityKind::Note]))
        .unwrap()
        .is_empty());
    let h =
        t.db.read(|c| history::for_record(c, "customer_user_note", &n.id))
            .unwrap();
    assert_eq!(
        h.iter().map(|c| c.op.as_str()).collect::<Vec<_>>(),
        ["delete", "update", "create"]
    );
}

#[test]
fn a_choice_field_refuses_a_value_not_in_its_list_and_the_grid_filters_by_fields() {
    let t = store(2);
    let tier = define(
        &t.db,
        "tier",
        "Tier",
        ExtraFieldKind::Choice,
        &["Gold", "Silver"],
    );
    define(&t.db, "credit", "Credit", ExtraFieldKind::Number, &[]);
    let err = extra::create(
        &t.db,
        &admin(),
        &ExtraFieldInput {
            name: Some("Bad Name".into()),
            label: Some("".into()),
            kind: Some(ExtraFieldKind::Choice),
            choices: Some(vec![]),
        },
    )
    .unwrap_err();
    let f: Vec<String> = fields(&err).into_iter().map(|(field, _)| field).collect();
    assert_eq!(f, ["name", "label", "choices"]);

    let err = create(
        &t.db,
        "ann@example.com",
        json!({"extra": {"tier": "Platinum", "credit": "lots"}}),
    )
    .unwrap_err();
    assert_eq!(
        fields(&err),
        [
            (
                "extra.credit".into(),
                "This value should be a valid number.".into()
            ),
            (
                "extra.tier".into(),
                "The value you selected is not a valid choice.".into()
            )
        ]
    );
    let user = create(
        &t.db,
        "ann@example.com",
        json!({"extra": {"tier": "Gold", "credit": "2500"}}),
    )
    .unwrap();
    assert_eq!(
        user.extra,
        *json!({"tier": "Gold", "credit": 2500}).as_object().unwrap()
    );
    // An update changes only the fields it names.
    let user = account::update(
        &t.db,
        &admin(),
        &user.id,
        &json!({"extra": {"credit": null}}),
    )
    .unwrap();
    assert_eq!(user.extra, *json!({"tier": "Gold"}).as_object().unwrap());
    let err =
        account::update(&t.db, &admin(), &user.id, &json!({"extra": {"nope": 1}})).unwrap_err();
    assert_eq!(err.fields[0].field, "extra.nope");

    let rows = |name: &str, value: &str| {
        grid::page(
            &t.db,
            &GridQuery {
                filter: Some(GridFilter {
                    extra: Some([(name.to_string(), value.to_string())].into()),
                    ..Default::default()
                }),
                ..Default::default()
            },
        )
        .unwrap()
        .rows
    };
    let found = rows("tier", "Gold");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].extra.get("tier"), Some(&json!("Gold")));
    assert!(rows("tier", "Silver").is_empty());
    assert_eq!(
        extra::update(
            &t.db,
            &admin(),
            &tier.id,
            &ExtraFieldInput {
                kind: Some(ExtraFieldKind::Text),
                ..Default::default()
            }
        )
        .unwrap_err()
        .fields[0]
            .field,
        "kind"
    );
}

#[test]
fn the_organizations_fields_go_out_and_come_back_as_extra_csv_columns() {
    let t = store(0);
    define(
        &t.db,
        "tier",
        "Account Tier",
        ExtraFieldKind::Choice,
        &["Gold", "Silver"],
    );
    define(
        &t.db,
        "onboarded",
        "Onboarded",
        ExtraFieldKind::Boolean,
        &[],
    );
    let user = create(
        &t.db,
        "ann@example.com",
        json!({"extra": {"tier": "Gold", "onboarded": true}}),
    )
    .unwrap();
    let mut out = Vec::new();
    cu_core::csv::export::export(
        &t.db,
        &Default::default(),
        &mut out,
        |_, _| {},
        &std::sync::atomic::AtomicBool::new(false),
    )
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(header.ends_with(",Account Tier,Onboarded"), "{header}");
    let row = lines.next().unwrap();
    assert!(row.ends_with(",Gold,1"), "{row}");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("users.csv");
    std::fs::write(
        &file,
        format!("{header}\n{}\n", row.replace(",Gold,1", ",Silver,0")),
    )
    .unwrap();
    let report = import_file(
        &t.db,
        cu_core::csv::import::ImportKind::CustomerUsers,
        &file,
    )
    .unwrap();
    assert_eq!(report.errors, Vec::<String>::new());
    let after =
        t.db.read(|c| cu_core::customer_user::get(c, &user.id))
            .unwrap();
    assert_eq!(
        after.extra,
        *json!({"tier": "Silver", "onboarded": false})
            .as_object()
            .unwrap()
    );

    std::fs::write(
        &file,
        format!("{header}\n{}\n", row.replace(",Gold,1", ",Platinum,1")),
    )
    .unwrap();
    let report = import_file(
        &t.db,
        cu_core::csv::import::ImportKind::CustomerUsers,
        &file,
    )
    .unwrap();
    assert_eq!(
        report.errors,
        ["Error in row #1. Account Tier: The value you selected is not a valid choice."]
    );
}
