//! Who acts: named back-office users on every change record, and the desktop's current admin.

mod common;

use common::*;
use cu_core::actor::{Actor, Via};
use cu_core::back_office::{self, BackOfficeUserInput};
use cu_core::{account, history, ErrorCode};
use serde_json::json;

fn input(username: &str, email: &str) -> BackOfficeUserInput {
    BackOfficeUserInput {
        username: username.into(),
        first_name: "Dana".into(),
        last_name: "Scott".into(),
        email: email.into(),
        role: None,
    }
}

#[test]
fn every_change_names_the_back_office_user_and_how_they_acted() {
    let t = store(0);
    let user = create(&t.db, "named@example.com", json!({})).unwrap();
    let ann =
        t.db.read(|c| Actor::back_office(c, "ann.rivera", Via::Cli))
            .unwrap();
    account::update(&t.db, &ann, &user.id, &json!({"lastName": "Named"})).unwrap();

    let changes =
        t.db.read(|c| history::for_record(c, "customer_user", &user.id))
            .unwrap();
    assert_eq!(
        changes
            .iter()
            .map(|c| (c.actor.as_str(), c.via, c.op.as_str()))
            .collect::<Vec<_>>(),
        [
            ("ann.rivera", Some(Via::Cli), "update"),
            ("admin", Some(Via::Window), "create"),
        ]
    );

    let err =
        t.db.read(|c| Actor::back_office(c, "nobody", Via::Cli))
            .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert_eq!(
        err.message,
        r#"No enabled back-office user has the username "nobody"."#
    );
}

#[test]
fn the_current_admin_is_chosen_per_store_and_new_back_office_users_are_checked() {
    let t = store(0);
    assert_eq!(t.db.read(|c| back_office::current_admin(c)).unwrap(), None);

    let err =
        back_office::create(&t.db, &admin(), &input("ann.rivera", "not-an-email")).unwrap_err();
    assert_eq!(
        fields(&err),
        [
            (
                "username".to_string(),
                "This username is already used.".to_string()
            ),
            (
                "email".to_string(),
                "This value is not a valid email address.".to_string()
            ),
        ]
    );
    let err = back_office::create(&t.db, &admin(), &input(" ", "dana@example.com")).unwrap_err();
    assert_eq!(
        fields(&err)[0],
        ("username".into(), "This value should not be blank.".into())
    );

    let dana = back_office::create(&t.db, &admin(), &input("dana", "dana@example.com")).unwrap();
    assert_eq!(
        (dana.name.as_str(), dana.username.as_str()),
        ("Dana Scott", "dana")
    );
    let created =
        t.db.read(|c| history::for_record(c, "app_user", &dana.id))
            .unwrap();
    assert_eq!(created[0].fields["username"], json!([null, "dana"]));
    assert_eq!(created[0].actor, "admin");

    assert_eq!(back_office::set_current_admin(&t.db, "dana").unwrap(), dana);
    assert_eq!(
        t.db.read(|c| back_office::current_admin(c)).unwrap(),
        Some(dana.clone())
    );
    let reopened = cu_core::Database::open(t.db.path()).unwrap();
    assert_eq!(
        reopened.read(|c| back_office::current_admin(c)).unwrap(),
        Some(dana),
        "the store remembers who works on it"
    );
    let err = back_office::set_current_admin(&t.db, "nobody").unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
}
