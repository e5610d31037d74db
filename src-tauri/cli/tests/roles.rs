//! Roles, permissions, delegation and back-office capabilities from the shell.

mod common;

use common::Cli;
use serde_json::Value;

fn buyer(cli: &Cli, email: &str, customer: &str, roles: &str) -> Value {
    cli.json(
        &["create"],
        Some(&format!(
            r#"{{"firstName": "Kim", "lastName": "Buyer", "email": "{email}",
                "customer": "{customer}", "website": "Default", "password": "Secret123",
                "userRoles": {roles}}}"#
        )),
    )
}

#[test]
fn roles_are_created_listed_shown_updated_and_deleted_from_json() {
    let cli = Cli::new();
    let made = cli.json(
        &["roles", "create"],
        Some(
            r#"{"label": "Order desk", "customer": "Globex", "selfManaged": true,
                "permissions": {"order": {"view": "department", "edit": "user"}},
                "capabilities": ["update_own_profile"]}"#,
        ),
    );
    let code = made["role"].as_str().unwrap().to_string();
    assert!(code.starts_with("ROLE_FRONTEND_ORDER_DESK_"), "{code}");
    assert_eq!(made["permissions"]["order"]["view"], "department");
    let listed = cli.json(&["roles", "--customer", "Globex", "--q", "desk"], None);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["label"], "Order desk");
    let globex = cli.json(&["roles", "--customer", "Globex"], None);
    assert_eq!(globex.as_array().unwrap().len(), 2, "{globex}");
    let predefined = cli.json(
        &["roles", "--predefined", "true", "--sort", "users", "--desc"],
        None,
    );
    assert_eq!(predefined[0]["role"], "ROLE_FRONTEND_BUYER");
    assert_eq!(cli.json(&["roles", "show", &code], None)["id"], made["id"]);
    let updated = cli.json(
        &["roles", "update", &code],
        Some(r#"{"label": "Order office"}"#),
    );
    assert_eq!(
        (&updated["label"], &updated["role"]),
        (&"Order office".into(), &code.clone().into())
    );

    let (status, err) = cli.error(&["roles", "create"], Some(r#"{"label": "Buyer"}"#));
    assert_eq!(status, 2);
    assert_eq!(
        err["fields"][0]["message"],
        "Role with this name already exists"
    );
    let (status, err) = cli.error(
        &["roles", "create"],
        Some(r#"{"label": "X1", "colour": 1}"#),
    );
    assert_eq!((status, err["code"].as_str()), (2, Some("invalid_input")));

    let user = buyer(
        &cli,
        "desk@example.com",
        "Globex",
        &format!(r#"["{code}"]"#),
    );
    let (status, err) = cli.error(&["roles", "delete", &code], None);
    assert_eq!(status, 4);
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("1 customer user still holds it"),
        "{err}"
    );
    let (status, err) = cli.error(
        &["update", user["id"].as_str().unwrap()],
        Some(r#"{"userRoles": []}"#),
    );
    assert_eq!(status, 2);
    assert_eq!(
        err["fields"][0]["message"],
        "You cannot remove last role from Kim Buyer"
    );
    cli.json(
        &["update", user["id"].as_str().unwrap()],
        Some(r#"{"userRoles": ["ROLE_FRONTEND_BUYER"]}"#),
    );
    assert!(cli.run(&["roles", "delete", &code], None).status.success());
}

#[test]
fn permissions_and_can_answer_from_the_users_roles() {
    let cli = Cli::new();
    let boss = buyer(
        &cli,
        "boss@example.com",
        "Acme Corporation",
        r#"["ROLE_FRONTEND_ADMINISTRATOR"]"#,
    );
    buyer(
        &cli,
        "east@example.com",
        "Acme East",
        r#"["ROLE_FRONTEND_BUYER"]"#,
    );
    buyer(
        &cli,
        "globex@example.com",
        "Globex",
        r#"["ROLE_FRONTEND_BUYER"]"#,
    );
    let effective = cli.json(&["permissions", "boss@example.com"], None);
    let grant = effective["grants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["entity"] == "customer_user" && g["action"] == "delete")
        .unwrap();
    assert_eq!(grant["level"], "corporate");
    assert_eq!(grant["from"][0]["label"], "Administrator");

    let can = |args: &[&str]| {
        let out = cli.run(&[&["can"], args].concat(), None);
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stdout).unwrap().trim().to_string(),
        )
    };
    assert_eq!(
        can(&["boss@example.com", "east@example.com", "disable"]),
        (0, "allowed".into())
    );
    assert_eq!(
        can(&["boss@example.com", "Acme East", "create"]),
        (0, "allowed".into())
    );
    let (status, text) = can(&["boss@example.com", "globex@example.com", "edit"]);
    assert_eq!(status, 5);
    assert!(
        text.starts_with("denied: Kim Buyer's Edit permission on customer users is Corporate"),
        "{text}"
    );
    assert_eq!(
        can(&[boss["id"].as_str().unwrap(), "boss@example.com", "delete"]),
        (5, "denied: Nobody may delete themselves.".into())
    );
    assert_eq!(can(&["east@example.com", "boss@example.com", "view"]).0, 5);
    let (status, err) = cli.error(
        &["can", "boss@example.com", "east@example.com", "fly"],
        None,
    );
    assert_eq!(
        (status, err["fields"][0]["field"].as_str()),
        (2, Some("action"))
    );
}

#[test]
fn a_back_office_role_without_a_capability_is_refused_with_forbidden() {
    let cli = Cli::new();
    let user = buyer(
        &cli,
        "guarded@example.com",
        "Globex",
        r#"["ROLE_FRONTEND_BUYER"]"#,
    );
    let id = user["id"].as_str().unwrap();
    cli.json(
        &["users", "roles", "create"],
        Some(r#"{"label": "Frontline", "capabilities": ["unlock", "manage_customer_users"]}"#),
    );
    cli.json(
        &["users", "add"],
        Some(
            r#"{"username": "sam", "firstName": "Sam", "lastName": "Frontline",
                 "email": "sam@example.com", "role": "Frontline"}"#,
        ),
    );
    let users = cli.json(&["users"], None);
    let sam = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "sam")
        .unwrap();
    assert_eq!(sam["role"]["name"], "Frontline");
    assert_eq!(sam["capabilities"].as_array().unwrap().len(), 2);

    let (status, err) = cli.error(&["--as", "sam", "reset-password", id], None);
    assert_eq!((status, err["code"].as_str()), (7, Some("forbidden")));
    assert!(err["message"]
        .as_str()
        .unwrap()
        .contains("\"Reset passwords\""));
    assert_eq!(cli.json(&["show", id], None)["authStatus"], "active");
    let out = cli.path("out.csv");
    let (status, _) = cli.error(
        &["--as", "sam", "export", "--out", out.to_str().unwrap()],
        None,
    );
    assert_eq!(status, 7);
    assert!(!out.exists());
    assert_eq!(
        cli.json(
            &["--as", "sam", "update", id],
            Some(r#"{"lastName": "Edited"}"#)
        )["lastName"],
        "Edited"
    );
    // The admin gives Sam the Administrator role: now the reset goes through.
    cli.json(&["users", "set-role", "sam", "Administrator"], None);
    assert_eq!(
        cli.json(&["--as", "sam", "reset-password", id], None)["authStatus"],
        "reset"
    );
    let (status, err) = cli.error(&["users", "roles", "delete", "Administrator"], None);
    assert_eq!((status, err["code"].as_str()), (4, Some("conflict")));
}

#[test]
fn a_role_is_given_and_taken_in_bulk_and_an_enabled_user_keeps_their_last_one() {
    let cli = Cli::new();
    let a = buyer(
        &cli,
        "a@example.com",
        "Acme Corporation",
        r#"["ROLE_FRONTEND_BUYER"]"#,
    );
    let b = buyer(
        &cli,
        "b@example.com",
        "Globex",
        r#"["ROLE_FRONTEND_BUYER"]"#,
    );
    let given = cli.json(
        &[
            "roles",
            "assign",
            "ROLE_FRONTEND_ADMINISTRATOR",
            "a@example.com",
            "b@example.com",
        ],
        None,
    );
    assert_eq!(given["done"].as_array().unwrap().len(), 2, "{given}");
    assert_eq!(
        cli.json(&["show", "b@example.com"], None)["userRoles"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    cli.json(&["disable", "b@example.com"], None);
    cli.json(
        &[
            "roles",
            "unassign",
            "ROLE_FRONTEND_ADMINISTRATOR",
            "a@example.com",
            "b@example.com",
        ],
        None,
    );
    // Taking the Buyer role too: Kim at Acme is enabled and keeps it; the disabled one
    // at Globex may be left with none.
    let (status, err) = cli.error(
        &[
            "roles",
            "unassign",
            "ROLE_FRONTEND_BUYER",
            "a@example.com",
            "b@example.com",
        ],
        None,
    );
    assert_eq!(status, 4);
    assert_eq!(err["fields"][0]["field"], a["id"]);
    assert_eq!(
        err["fields"][0]["message"],
        "You cannot remove last role from Kim Buyer"
    );
    assert_eq!(
        cli.json(&["show", "a@example.com"], None)["userRoles"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        cli.json(&["show", b["id"].as_str().unwrap()], None)["userRoles"],
        serde_json::json!([])
    );
}
