//! The `customer-users` binary end to end on a real database file.

mod common;

use std::process::{Command, Output};

use common::Cli;

use serde_json::{json, Value};

const NEW_USER: &str = r#"{"firstName": "Jerry", "lastName": "Coleman", "email": "jerry@example.com",
    "customer": "Acme Corporation", "website": "Default", "password": "Secret123",
    "userRoles": ["ROLE_FRONTEND_BUYER"]}"#;

#[test]
fn create_show_update_enable_disable_history_and_delete() {
    let cli = Cli::new();
    let user = cli.json(&["create"], Some(NEW_USER));
    let id = user["id"].as_str().unwrap();
    assert_eq!(user["customer"]["name"], "Acme Corporation");
    assert_eq!(user["website"]["name"], "Default");
    assert_eq!(user["userRoles"][0]["role"], "ROLE_FRONTEND_BUYER");
    assert!(user.get("password").is_none() && !user.to_string().contains("argon2"));

    assert_eq!(cli.json(&["show", id], None)["email"], "jerry@example.com");
    let updated = cli.json(
        &["update", id],
        Some(r#"{"lastName": "Colman", "birthday": "1987-04-19"}"#),
    );
    assert_eq!(updated["lastName"], "Colman");
    assert_eq!(updated["birthday"], "1987-04-19");
    assert_eq!(cli.json(&["disable", id], None)["enabled"], false);
    assert_eq!(cli.json(&["enable", id], None)["enabled"], true);
    let history = cli.json(&["history", id], None);
    assert_eq!(history[0]["fields"]["enabled"], json!([false, true]));
    assert_eq!(history.as_array().unwrap().last().unwrap()["op"], "create");

    let found = cli.json(&["list", "--filter", "lastNameEq=colman"], None);
    assert_eq!(found["rows"][0]["id"], id);
    let searched = cli.json(&["list", "--q", "jerry@exa"], None);
    assert_eq!(searched["rows"].as_array().unwrap().len(), 1);

    let out = cli.run(&["delete", id], None);
    assert!(out.status.success());
    let (code, err) = cli.error(&["show", id], None);
    assert_eq!((code, err["code"].as_str()), (3, Some("not_found")));
}

#[test]
fn commands_take_a_user_by_id_or_email_and_say_which_was_not_found() {
    let cli = Cli::new();
    let user = cli.json(&["create"], Some(NEW_USER));
    let id = user["id"].as_str().unwrap();
    assert_eq!(cli.json(&["show", "Jerry@Example.com"], None)["id"], id);
    assert_eq!(
        cli.json(
            &["update", "jerry@example.com"],
            Some(r#"{"lastName": "Colman"}"#)
        )["lastName"],
        "Colman"
    );
    assert_eq!(
        cli.json(&["disable", "jerry@example.com"], None)["enabled"],
        false
    );
    assert_eq!(
        cli.json(&["enable", "jerry@example.com"], None)["enabled"],
        true
    );
    assert_eq!(
        cli.json(&["reset-password", "jerry@example.com"], None)["authStatus"],
        "reset"
    );
    assert_eq!(
        cli.json(&["revoke-reset", "jerry@example.com"], None)["authStatus"],
        "active"
    );
    let history = cli.json(&["history", "jerry@example.com"], None);
    assert_eq!(history.as_array().unwrap().last().unwrap()["op"], "create");

    let (code, err) = cli.error(&["show", "nobody@example.com"], None);
    assert_eq!(code, 3);
    assert_eq!(
        err["message"],
        r#"No customer user has the email "nobody@example.com"."#
    );
    let (code, err) = cli.error(&["history", "0190-no-such-id"], None);
    assert_eq!(code, 3);
    assert_eq!(
        err["message"],
        r#"No customer user has the id "0190-no-such-id"."#
    );
    let (code, err) = cli.error(
        &["disable", "jerry@example.com", "nobody@example.com"],
        None,
    );
    assert_eq!(code, 4, "{err}");
    assert_eq!(err["fields"][0]["field"], "nobody@example.com");

    // Who acts is recorded, under --as or its old name --actor. (The bulk command above
    // disabled the user.)
    cli.json(&["--as", "ann.rivera", "enable", id], None);
    cli.json(&["--actor", "ben.okafor", "disable", id], None);
    let history = cli.json(&["history", id], None);
    assert_eq!(history[0]["actor"], "ben.okafor");
    assert_eq!(history[0]["via"], "cli");
    assert_eq!(history[1]["actor"], "ann.rivera");
    let (code, err) = cli.error(&["--as", "nobody", "disable", id], None);
    assert_eq!(code, 3);
    assert_eq!(
        err["message"],
        r#"No enabled back-office user has the username "nobody"."#
    );
}

#[test]
fn rejected_commands_exit_non_zero_with_code_message_and_fields() {
    let cli = Cli::new();
    let (code, err) = cli.error(
        &["create"],
        Some(
            r#"{"firstName": "", "lastName": "X", "email": "bad", "customer": "Acme Corporation"}"#,
        ),
    );
    assert_eq!(code, 2);
    assert_eq!(err["code"], "validation");
    let fields: Vec<&str> = err["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"firstName") && fields.contains(&"email") && fields.contains(&"password"),
        "{err}"
    );

    let (code, err) = cli.error(&["create"], Some("{not json"));
    assert_eq!((code, err["code"].as_str()), (2, Some("invalid_input")));
    let (_, err) = cli.error(&["create"], Some(r#"{"firstName": "A", "shoeSize": 42}"#));
    assert!(
        err["message"].as_str().unwrap().contains("shoeSize"),
        "{err}"
    );
    let (_, err) = cli.error(&["create"], Some(""));
    assert!(err["message"].as_str().unwrap().contains("standard input"));
    let (_, err) = cli.error(&["list", "--sort", "shoeSize"], None);
    assert_eq!(err["fields"][0]["field"], "sort");
    let (_, err) = cli.error(&["list", "--filter", "enabled=maybe"], None);
    assert_eq!(err["fields"][0]["field"], "filter");

    // A user who owns an order cannot be deleted.
    let user = cli.json(&["create"], Some(NEW_USER));
    assert!(insert_order(&cli, user["id"].as_str().unwrap())
        .status
        .success());
    let (code, err) = cli.error(&["delete", user["id"].as_str().unwrap()], None);
    assert_eq!((code, err["code"].as_str()), (4, Some("conflict")));
}

/// Adds an order owned by `user` with the sqlite3 shell, as another part of the storefront would.
fn insert_order(cli: &Cli, user: &str) -> Output {
    Command::new("sqlite3")
        .arg(cli.dir.path().join("cli.sqlite3"))
        .arg(format!(
            "INSERT INTO sales_order (id, identifier, customer_user_id, customer_id, total, currency, created_at)
             SELECT 'o1', 'SO-1', id, customer_id, '1', 'USD', 'now' FROM customer_user WHERE id = '{user}'"
        ))
        .output()
        .unwrap()
}

#[test]
fn list_pages_with_cursors_and_lookups_list_reference_data() {
    let cli = Cli::new();
    let first = cli.json(&["list", "--page-size", "10", "--sort", "email"], None);
    let second = cli.json(
        &[
            "list",
            "--page-size",
            "10",
            "--sort",
            "email",
            "--after",
            first["nextCursor"].as_str().unwrap(),
        ],
        None,
    );
    let back = cli.json(
        &[
            "list",
            "--page-size",
            "10",
            "--sort",
            "email",
            "--before",
            second["prevCursor"].as_str().unwrap(),
        ],
        None,
    );
    assert_eq!(back["rows"], first["rows"]);
    assert_ne!(second["rows"][0], first["rows"][0]);
    assert_eq!(cli.json(&["websites"], None).as_array().unwrap().len(), 2);
    assert!(
        cli.json(&["customers", "--q", "acme"], None)
            .as_array()
            .unwrap()
            .len()
            >= 3
    );
    let roles = cli.json(&["roles", "--customer", "Acme Corporation"], None);
    assert!(roles
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["label"] == "Acme Purchaser"));
    assert!(cli
        .json(&["users"], None)
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["username"] == "admin"));
    let table = cli.run(&["list", "--page-size", "3"], None);
    assert!(String::from_utf8_lossy(&table.stdout).starts_with("ID"));
}

#[test]
fn account_actions_outbox_settings_and_sign_in_checks() {
    let cli = Cli::new();
    let user = cli.json(&["create"], Some(NEW_USER));
    let id = user["id"].as_str().unwrap();
    assert_eq!(
        user["confirmed"], false,
        "confirmation is required by default"
    );
    let queued = cli.json(&["outbox", "list", "--user", id], None);
    assert_eq!(queued[0]["subject"], "Confirmation of account registration");
    assert_eq!(queued[0]["state"], "queued");

    // The sign-in check reads the password on stdin and exits 5 when refused.
    let out = cli.run(
        &["--json", "auth", "check", "jerry@example.com"],
        Some("Secret123\n"),
    );
    assert_eq!(out.status.code(), Some(5));
    let refused: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(refused["reason"], "unconfirmed");
    assert_eq!(cli.json(&["confirm", id], None)["confirmed"], true);
    let welcome = cli.json(&["outbox", "list", "--user", id, "--limit", "1"], None);
    assert_eq!(welcome[0]["subject"], "Welcome: Jerry Coleman");
    let ok = cli.json(
        &["auth", "check", "jerry@example.com", "--ip", "198.51.100.2"],
        Some("Secret123"),
    );
    assert_eq!(ok["success"], true);

    assert_eq!(
        cli.json(&["reset-password", id], None)["authStatus"],
        "reset"
    );
    assert_eq!(
        cli.json(&["revoke-reset", id], None)["authStatus"],
        "active"
    );
    let (code, err) = cli.error(&["set-password", id], Some("weak"));
    assert_eq!(code, 2);
    assert_eq!(err["fields"][0]["field"], "password");
    cli.json(&["set-password", id], Some("Better123\n"));

    assert_eq!(
        cli.json(&["settings", "set", "lockoutMaxAttempts", "2"], None)["value"],
        2
    );
    let (code, err) = cli.error(&["settings", "set", "lockoutMaxAttempts", "lots"], None);
    assert_eq!(
        (code, err["fields"][0]["field"].as_str()),
        (2, Some("lockoutMaxAttempts"))
    );
    for _ in 0..2 {
        cli.run(&["auth", "check", "jerry@example.com"], Some("Wrong123"));
    }
    assert_eq!(cli.json(&["show", id], None)["authStatus"], "locked");
    let attempts = cli.json(
        &["login-attempts", "--user", id, "--success", "false"],
        None,
    );
    assert_eq!(attempts.as_array().unwrap().len(), 3);
    assert_eq!(attempts[0]["reason"], "bad_credentials");
    assert_eq!(attempts[2]["reason"], "unconfirmed");
    assert_eq!(cli.json(&["unlock", id], None)["authStatus"], "active");
    let settings = cli.json(&["settings", "get"], None);
    assert!(settings
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["key"] == "resetLinkTtl" && s["value"] == 86400));

    // Several ids: one summary, what was skipped and why, exit 4 when anything was skipped.
    let others = cli.json(
        &["list", "--page-size", "3", "--filter", "enabled=true"],
        None,
    );
    let other_ids: Vec<&str> = others["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let mut args = vec!["--json", "disable", id];
    args.extend(&other_ids);
    let out = cli.run(&args, None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["done"].as_array().unwrap().len(), 4);
    assert_eq!(summary["message"], "Disabled 4 customer users.");
    let out = cli.run(&["--json", "unlock", id, "no-such-id"], None);
    assert_eq!(out.status.code(), Some(4));
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        summary["skipped"][0]["reason"],
        "jerry@example.com is not locked."
    );
    assert_eq!(
        summary["skipped"][1]["reason"],
        "Customer user \"no-such-id\" was not found."
    );
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["code"], "conflict");

    // No SMTP host: delivery says what to set.
    let (code, err) = cli.error(&["outbox", "deliver"], None);
    assert_eq!(
        (code, err["fields"][0]["field"].as_str()),
        (2, Some("smtpHost"))
    );
    let templates = cli.json(&["templates", "list"], None);
    assert!(templates
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["name"] == "customer_user_force_reset_password"));
}

#[test]
fn export_writes_oros_csv_whole_or_not_at_all() {
    let cli = Cli::new();
    let file = cli.dir.path().join("users.csv");
    let summary = cli.json(&["export", "--out", file.to_str().unwrap()], None);
    assert_eq!(summary["exported"], 30);
    assert_eq!(summary["message"], "30 customer users were exported.");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("ID,Name Prefix,First Name,Middle Name,Last Name,Name Suffix,Birthday,Email Address,Customer Id,Customer Name,Roles 1 Role,"));
    assert_eq!(text.lines().count(), 31);

    let filtered = cli.json(
        &[
            "export",
            "--force",
            "--out",
            file.to_str().unwrap(),
            "--filter",
            "enabled=false",
        ],
        None,
    );
    let disabled = cli.json(
        &["list", "--filter", "enabled=false", "--page-size", "500"],
        None,
    );
    assert_eq!(
        filtered["exported"],
        disabled["rows"].as_array().unwrap().len()
    );

    let missing = cli.dir.path().join("bad.csv");
    let (code, err) = cli.error(
        &[
            "export",
            "--out",
            missing.to_str().unwrap(),
            "--filter",
            "shoeSize=42",
        ],
        None,
    );
    assert_eq!(
        (code, err["fields"][0]["field"].as_str()),
        (2, Some("filter"))
    );
    assert!(!missing.exists(), "a failed export leaves no file");
    assert_eq!(cli.files(), ["cli.sqlite3", "users.csv"]);
}

#[test]
fn import_checks_first_and_prints_oros_row_errors() {
    let cli = Cli::new();
    let file = cli.dir.path().join("new.csv");
    std::fs::write(
        &file,
        "First Name,Last Name,Email Address,Customer Name\n\
         Ann,Able,ann@example.com,Acme Corporation\n\
         Bob,Broken,bob@,Acme Corporation\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();

    let check = cli.run(&["import", path, "--check-only"], None);
    assert_eq!(check.status.code(), Some(6));
    let text = String::from_utf8_lossy(&check.stdout);
    assert!(
        text.starts_with("1 row has errors. Read: 2, to add: 1,"),
        "{text}"
    );
    assert!(
        text.contains("Error in row #2. Email Address: This value is not a valid email address.")
    );

    let all = cli.run(&["--json", "import", path], None);
    assert_eq!(all.status.code(), Some(6));
    let report: Value = serde_json::from_slice(&all.stdout).unwrap();
    assert_eq!(report["written"], false);
    let found = cli.json(&["list", "--q", "ann@example.com"], None);
    assert_eq!(found["rows"].as_array().unwrap().len(), 0, "all or nothing");

    let rejects = cli.dir.path().join("rejects.csv");
    let some = cli.run(
        &[
            "import",
            path,
            "--valid-rows-only",
            "--rejects",
            rejects.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(some.status.code(), Some(6));
    let found = cli.json(&["list", "--q", "ann@example.com"], None);
    assert_eq!(found["rows"].as_array().unwrap().len(), 1);
    let fixed = std::fs::read_to_string(&rejects)
        .unwrap()
        .replace("bob@,", "bob@example.com,");
    std::fs::write(&rejects, fixed).unwrap();
    let report = cli.json(&["import", rejects.to_str().unwrap()], None);
    assert_eq!(report["counts"]["added"], 1);

    let imports = cli.json(&["imports"], None);
    let outcomes: Vec<&str> = imports
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["imported", "imported", "rolled_back"]);

    let template = cli.dir.path().join("template.csv");
    let out = cli.run(&["template", "--out", template.to_str().unwrap()], None);
    assert!(out.status.success());
    let report = cli.json(&["import", template.to_str().unwrap()], None);
    assert_eq!(report["counts"]["added"], 1);

    // Addresses: out and back in unchanged.
    let addresses = cli.dir.path().join("addresses.csv");
    let exported = cli.json(
        &[
            "export",
            "--addresses",
            "--out",
            addresses.to_str().unwrap(),
        ],
        None,
    );
    let text = std::fs::read_to_string(&addresses).unwrap();
    assert!(text.starts_with("Address ID,Customer User Id,Customer User Email Address,"));
    let report = cli.json(
        &["import", "--addresses", addresses.to_str().unwrap()],
        None,
    );
    assert_eq!(report["counts"]["unchanged"], exported["exported"]);
}
