//! The customer user's page from the command line: countries and regions, addresses,
//! consents, the records a user owns, notes, events and the timeline, the organization's
//! own fields, and the demo data that fills a newcomer's page.

mod common;

use common::Cli;

#[test]
fn countries_regions_and_an_address_that_needs_one() {
    let cli = Cli::new();
    let countries = cli.json(&["countries"], None);
    let us = countries
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "US")
        .unwrap();
    assert_eq!(us["hasRegions"], true);
    let regions = cli.json(&["regions", "us"], None);
    assert!(regions
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["code"] == "US-CA" && r["name"] == "California"));

    let user = cli.first_user();
    let (code, err) = cli.error(
        &["addresses", "add", &user],
        Some(r#"{"street":"1 Main","city":"Austin","postalCode":"73301","country":"US"}"#),
    );
    assert_eq!(code, 2);
    assert_eq!(err["fields"][0]["field"], "region");
    assert_eq!(
        err["fields"][0]["message"],
        "State is required for country United States of America"
    );
    let listed = cli.json(
        &["addresses", "add", &user],
        Some(r#"{"street":"1 Main","city":"Austin","postalCode":"73301","country":"US","region":"TX","types":["billing"]}"#),
    );
    let added = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["street"] == "1 Main")
        .unwrap()
        .clone();
    assert_eq!(added["region"], "US-TX");
    let id = added["id"].as_str().unwrap();
    let after = cli.json(&["addresses", "delete", id], None);
    assert!(after.as_array().unwrap().iter().all(|a| a["id"] != id));
}

#[test]
fn consents_records_events_and_the_timeline() {
    let cli = Cli::new();
    let user = cli.first_user();
    cli.json(
        &["consents", "create"],
        Some(r#"{"name":"Terms","mandatory":true}"#),
    );
    cli.json(&["consents", "accept", &user, "Terms"], None);
    let (code, err) = cli.error(&["consents", "withdraw", &user, "Terms"], None);
    assert_eq!((code, err["code"].as_str()), (4, Some("conflict")));
    let (code, _) = cli.error(&["consents", "delete", "Terms"], None);
    assert_eq!(code, 4, "a consent users accepted stays");

    let (code, err) = cli.error(
        &["quotes", "add", &user],
        Some(r#"{"status":"shipped","items":[{"sku":"A","name":"A","quantity":1,"price":"1"}]}"#),
    );
    assert_eq!(code, 2);
    assert_eq!(err["fields"][0]["field"], "status");
    let quote = cli.json(
        &["quotes", "add", &user],
        Some(r#"{"validUntil":"2027-01-31","items":[{"sku":"A","name":"Anvil","quantity":4,"price":"2.125"}]}"#),
    );
    assert_eq!(quote["total"], "8.50");
    assert_eq!(quote["status"], "draft");
    assert_eq!(quote["createdBy"]["name"], "John Doe");
    let shown = cli.json(&["quotes", "show", quote["id"].as_str().unwrap()], None);
    assert_eq!(shown["items"][0]["name"], "Anvil");
    for (noun, kind) in [("rfqs", "rfq"), ("shopping-lists", "shoppingList")] {
        let made = cli.json(
            &[noun, "add", &user],
            Some(r#"{"items":[{"sku":"B","name":"Bolt","quantity":10,"price":"0.10"}]}"#),
        );
        assert_eq!(made["kind"], kind);
        assert_eq!(cli.json(&[noun, &user], None)[0]["id"], made["id"]);
    }

    let event = cli.json(
        &["events", "add", &user],
        Some(r#"{"title":"Review","startsAt":"2099-03-01T09:00:00Z"}"#),
    );
    let (code, err) = cli.error(
        &["events", "update", event["id"].as_str().unwrap()],
        Some(r#"{"endsAt":"2099-02-01T09:00:00Z"}"#),
    );
    assert_eq!(
        (code, err["fields"][0]["field"].as_str()),
        (2, Some("endsAt"))
    );
    cli.json(&["notes", "add", &user], Some(r#"{"body":"Called."}"#));
    let timeline = cli.json(&["activity", &user], None);
    let kinds: Vec<&str> = timeline
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.first(), Some(&"event"), "{kinds:?}");
    assert!(kinds.contains(&"note"));
    let events = cli.json(&["activity", &user, "--kind", "event"], None);
    assert_eq!(events.as_array().unwrap().len(), 1);
    let (code, _) = cli.error(&["activity", &user, "--kind", "letters"], None);
    assert_eq!(code, 2);
}

#[test]
fn the_demo_fills_a_newcomers_customer_user_page() {
    let cli = Cli::new();
    let db = cli.path("demo.sqlite3");
    let run = |args: &[&str]| cli.json_on(&db, args, None);
    run(&["demo"]);
    assert_eq!(run(&["fields"]).as_array().unwrap().len(), 4);
    let consents = run(&["consents"]);
    assert!(consents
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["mandatory"] == true));
    let page = run(&["list", "--sort", "orders", "--desc", "--page-size", "6"]);
    let mut countries = std::collections::BTreeSet::new();
    let mut by_admin = 0;
    for row in page["rows"].as_array().unwrap() {
        let id = row["id"].as_str().unwrap();
        assert!(row["orders"].as_u64().unwrap() >= 1, "{row}");
        assert!(row["extra"]["account_tier"].is_string(), "{row}");
        for a in run(&["addresses", id]).as_array().unwrap() {
            countries.insert(a["country"].as_str().unwrap().to_string());
        }
        assert!(run(&["consents", "of", id])[0]["acceptedAt"].is_string());
        for noun in ["rfqs", "quotes", "orders", "shopping-lists"] {
            let records = run(&[noun, id]);
            assert!(!records.as_array().unwrap().is_empty(), "{noun} of {id}");
            by_admin += records
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| !r["createdBy"].is_null())
                .count();
        }
        assert!(!run(&["notes", id]).as_array().unwrap().is_empty());
        assert!(!run(&["events", id]).as_array().unwrap().is_empty());
    }
    assert!(countries.len() >= 4, "{countries:?}");
    assert!(by_admin > 0, "some records made by a back-office user");
}
