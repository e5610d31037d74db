//! The `customer-users` binary end to end on a real database file.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};

struct Cli {
    dir: tempfile::TempDir,
}

impl Cli {
    fn new() -> Self {
        let cli = Cli {
            dir: tempfile::tempdir().unwrap(),
        };
        let out = cli.run(&["generate", "--users", "30"], None);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        cli
    }

    fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_customer-users"))
            .arg("--db")
            .arg(self.dir.path().join("cli.sqlite3"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(text) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(text.as_bytes())
                .unwrap();
        }
        drop(child.stdin.take());
        child.wait_with_output().unwrap()
    }

    /// Runs a command that must succeed and returns its JSON output.
    fn json(&self, args: &[&str], stdin: Option<&str>) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.run(&all, stdin);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// Runs a command that must fail and returns its exit code and JSON error.
    fn error(&self, args: &[&str], stdin: Option<&str>) -> (i32, Value) {
        let out = self.run(args, stdin);
        assert!(!out.status.success(), "{args:?} should fail");
        (
            out.status.code().unwrap(),
            serde_json::from_slice(&out.stderr).unwrap(),
        )
    }
}

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
        .any(|r| r["role"] == "ROLE_FRONTEND_ACME_PURCHASER"));
    assert!(cli
        .json(&["users"], None)
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["username"] == "admin"));
    let table = cli.run(&["list", "--page-size", "3"], None);
    assert!(String::from_utf8_lossy(&table.stdout).starts_with("ID"));
}
