//! Two desktops' stores and the real team server on loopback, through the CLI: signing in
//! (tokens in the real keychain), joining a team, concurrent edits that both survive, the
//! server's unique e-mail rule across admins, and where a sync stands.
//!
//! The server binary is the workspace's (`cargo test --workspace` builds it beside this
//! one); `./test.sh` runs this on a private D-Bus session with its own gnome-keyring.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use common::Cli;
use serde_json::{json, Value};

const PASSWORD: &str = "Correct horse 1";

fn server_bin() -> PathBuf {
    let bin =
        Path::new(env!("CARGO_BIN_EXE_customer-users")).with_file_name("customer-users-server");
    assert!(
        bin.exists(),
        "{} is missing: `cargo test --workspace` builds it",
        bin.display()
    );
    bin
}

struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(dir: &Path) -> Server {
    let db = dir.join("server.sqlite3");
    for email in ["ann@example.com", "bob@example.com"] {
        let mut add = Command::new(server_bin())
            .arg("--db")
            .arg(&db)
            .args(["admin", "add", email])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        add.stdin
            .take()
            .unwrap()
            .write_all(PASSWORD.as_bytes())
            .unwrap();
        assert!(add.wait().unwrap().success());
    }
    let mut child = Command::new(server_bin())
        .arg("--db")
        .arg(&db)
        .args(["--listen", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut log = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let addr = loop {
        line.clear();
        assert!(log.read_line(&mut line).unwrap() > 0, "the server stopped");
        if let Some(rest) = line.split("listening on ").nth(1) {
            break rest.split_whitespace().next().unwrap().to_string();
        }
    };
    // The log goes on being read, so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in log.lines() {});
    Server {
        child,
        url: format!("http://{addr}"),
    }
}

/// A second store in the same folder, driven through the same binary.
struct Desktop<'a> {
    cli: &'a Cli,
    db: PathBuf,
}

impl Desktop<'_> {
    fn json(&self, args: &[&str], stdin: Option<&str>) -> Value {
        self.cli.json_on(&self.db, args, stdin)
    }

    fn fails(&self, args: &[&str], stdin: Option<&str>) -> (i32, String) {
        let out = self.cli.run_on(&self.db, args, stdin);
        assert!(!out.status.success(), "{args:?} should fail");
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn user(&self, id: &str) -> Value {
        self.json(&["show", id], None)
    }
}

/// Desktop A on the generated store, and B on a store of its own in the same folder.
fn desktops(cli: &Cli) -> (Desktop<'_>, Desktop<'_>) {
    let a = Desktop { cli, db: cli.db() };
    let b = Desktop {
        cli,
        db: cli.path("b.sqlite3"),
    };
    (a, b)
}

/// The grid of `left`, sorted, filtered and searched, shows what `right`'s does.
fn assert_same_grid(left: &Desktop, right: &Desktop) {
    for args in [
        vec!["list", "--page-size", "200", "--sort", "lastName"],
        vec!["list", "--page-size", "200", "--filter", "enabled=false"],
        vec!["list", "--page-size", "200", "--q", "a"],
    ] {
        let rows = |desktop: &Desktop| desktop.json(&args, None)["rows"].clone();
        assert_eq!(rows(left), rows(right), "{args:?}");
        assert!(!rows(left).as_array().unwrap().is_empty(), "{args:?}");
    }
}

#[test]
fn two_desktops_sync_through_the_server_and_both_admins_edits_survive() {
    let cli = Cli::new();
    let server = start_server(cli.dir.path());
    let (a, b) = desktops(&cli);
    b.json(&["demo"], None);

    // Plain http:// is for this machine only.
    let (code, err) = a.fails(
        &[
            "server",
            "login",
            "http://192.0.2.1:8750",
            "ann@example.com",
        ],
        Some(PASSWORD),
    );
    assert_eq!(code, 2);
    assert!(err.contains("Plain http://"), "{err}");
    let (code, err) = a.fails(
        &["server", "login", &server.url, "ann@example.com"],
        Some("wrong password"),
    );
    assert_eq!(code, 9, "{err}");
    assert!(err.contains("The e-mail or the password is wrong"), "{err}");

    a.json(
        &["server", "login", &server.url, "ann@example.com"],
        Some(PASSWORD),
    );
    b.json(
        &["server", "login", &server.url, "bob@example.com"],
        Some(PASSWORD),
    );
    for store in [&a.db, &b.db] {
        let bytes = std::fs::read(store).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(PASSWORD),
            "the password stays out of the store"
        );
    }

    // A has records of its own and the team none: A shares them.
    let shared = a.json(&["sync"], None);
    assert!(shared["pushed"].as_u64().unwrap() >= 30, "{shared}");
    // B has only demo data: it starts from the team's and sends none of it, only who its
    // admin is.
    let joined = b.json(&["sync"], None);
    assert_eq!(joined["pushed"].as_u64(), Some(1), "{joined}");
    let count = |desktop: &Desktop| {
        desktop.json(&["list", "--page-size", "200"], None)["rows"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(count(&b), 30);
    // B took the users in bulk (its store had none left): its grid, sorted, filtered and
    // searched, shows what A's does.
    assert_same_grid(&b, &a);

    // The server builds a store image of the team; C, a new desktop, starts from it and
    // its grid shows what A's does.
    let built = Command::new(server_bin())
        .arg("--db")
        .arg(cli.path("server.sqlite3"))
        .args(["image", "build"])
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let image: Value = serde_json::from_slice(&built.stdout).unwrap();
    let c = Desktop {
        cli: &cli,
        db: cli.path("c.sqlite3"),
    };
    c.json(
        &["server", "login", &server.url, "ann@example.com"],
        Some(PASSWORD),
    );
    let started = c.json(&["sync"], None);
    assert_eq!(started["fromImage"], json!(true), "{started}");
    // The image, and what changed after it (C's own admin, pushed first).
    assert!(
        started["pulled"].as_u64() >= image["records"].as_u64(),
        "{started} {image}"
    );
    assert_same_grid(&c, &a);

    // A disables a user while B, offline, renames the same one.
    let id = b.json(&["list"], None)["rows"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    a.json(&["disable", &id], None);
    a.json(&["sync"], None);
    b.json(&["update", &id], Some(r#"{"firstName": "Renamed"}"#));
    b.json(&["sync"], None);
    a.json(&["sync"], None);
    for desktop in [&a, &b] {
        let user = desktop.user(&id);
        assert_eq!(
            (user["enabled"].as_bool(), user["firstName"].as_str()),
            (Some(false), Some("Renamed")),
            "both edits survive on {}",
            desktop.db.display()
        );
        let history = desktop.json(&["history", &id], None);
        let actors: Vec<&str> = history
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["actor"].as_str().unwrap())
            .collect();
        assert!(
            actors.contains(&"ann@example.com") && actors.contains(&"bob@example.com"),
            "History shows both admins: {actors:?}"
        );
    }

    // Both rename the same user offline: the later write wins, and History says whose
    // change was overwritten, by whom.
    a.json(&["update", &id], Some(r#"{"lastName": "FromAnn"}"#));
    b.json(&["update", &id], Some(r#"{"lastName": "FromBob"}"#));
    a.json(&["sync"], None);
    b.json(&["sync"], None);
    a.json(&["sync"], None);
    assert_eq!(a.user(&id)["lastName"], "FromBob");
    assert_eq!(b.user(&id)["lastName"], "FromBob");
    let history = a.json(&["history", &id], None);
    let lost = history
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["fields"]["lastName"][1] == "FromAnn")
        .unwrap();
    assert_eq!(lost["overwritten"]["lastName"]["by"], "bob@example.com");

    // Two admins give one e-mail to two users: the second is refused for that change alone.
    let new_user = |email: &str| {
        json!({
            "firstName": "Dup", "lastName": "User", "email": email,
            "customer": a.user(&id)["customer"]["id"],
            "userRoles": ["ROLE_FRONTEND_BUYER"],
            "password": "Secret123", "passwordConfirm": "Secret123",
        })
        .to_string()
    };
    a.json(&["create"], Some(&new_user("shared@example.com")));
    let bobs = b.json(&["create"], Some(&new_user("SHARED@example.com")));
    b.json(&["update", &id], Some(r#"{"middleName": "Kept"}"#));
    a.json(&["sync"], None);
    let refused = b.json(&["sync"], None);
    assert_eq!(refused["refused"].as_u64(), Some(1), "{refused}");
    let status = b.json(&["sync", "status"], None);
    let reasons: Vec<&str> = status["refused"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["message"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["This email is already used."]);
    assert_eq!(status["refused"][0]["entityId"], bobs["id"]);
    a.json(&["sync"], None);
    assert_eq!(
        a.user(&id)["middleName"],
        "Kept",
        "the rest of the batch applied"
    );

    // Bob fixes the e-mail; the next sync takes it and the refusal is gone.
    b.json(
        &["update", bobs["id"].as_str().unwrap()],
        Some(r#"{"email": "bobs.own@example.com"}"#),
    );
    b.json(&["sync"], None);
    assert_eq!(b.json(&["sync", "status"], None)["refused"], json!([]));
    a.json(&["sync"], None);
    assert_eq!(
        a.user(bobs["id"].as_str().unwrap())["email"],
        "bobs.own@example.com"
    );

    // Roles travel with their permissions, and back-office roles with their capabilities.
    let role = a.json(
        &["roles", "create"],
        Some(r#"{"label": "Team desk", "permissions": {"order": {"view": "department"}}}"#),
    );
    a.json(
        &["users", "roles", "create"],
        Some(r#"{"label": "Helpdesk", "capabilities": ["unlock"]}"#),
    );
    a.json(&["sync"], None);
    b.json(&["sync"], None);
    let there = b.json(&["roles", "show", role["id"].as_str().unwrap()], None);
    assert_eq!(
        (&there["role"], &there["permissions"]),
        (&role["role"], &role["permissions"])
    );
    let helpdesk = b.json(&["users", "roles"], None);
    assert!(
        helpdesk
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["label"] == "Helpdesk" && r["capabilities"] == json!(["unlock"])),
        "{helpdesk}"
    );

    // A enables a disabled user while B, offline, takes away their last role (a disabled
    // user may have none): together they would leave an enabled user without a role, so
    // the server refuses B's change with Oro's message, and A's stands.
    let held = a.json(&["list"], None)["rows"][2]["id"]
        .as_str()
        .unwrap()
        .to_string();
    a.json(&["disable", &held], None);
    a.json(&["sync"], None);
    b.json(&["sync"], None);
    a.json(&["enable", &held], None);
    a.json(&["sync"], None);
    b.json(&["update", &held], Some(r#"{"userRoles": []}"#));
    let refused = b.json(&["sync"], None);
    assert_eq!(refused["refused"].as_u64(), Some(1), "{refused}");
    let status = b.json(&["sync", "status"], None);
    let name = format!(
        "{} {}",
        a.user(&held)["firstName"].as_str().unwrap(),
        a.user(&held)["lastName"].as_str().unwrap()
    );
    assert_eq!(
        status["refused"][0]["message"],
        format!("You cannot remove last role from {name}")
    );
    a.json(&["sync"], None);
    let kept = a.user(&held);
    assert_eq!(kept["enabled"], json!(true));
    assert!(!kept["userRoles"].as_array().unwrap().is_empty());
    let seq = status["refused"][0]["seq"].to_string();
    b.json(&["sync", "discard", &seq], None);
    assert_eq!(b.user(&held)["userRoles"], kept["userRoles"]);

    // B deletes a user while A is away; the server forgets the delete (purge); A's next
    // sync starts again from the team's data and the user is gone there too.
    let doomed = b.json(&["list"], None)["rows"][1]["id"]
        .as_str()
        .unwrap()
        .to_string();
    a.json(&["sync"], None);
    b.json(&["delete", &doomed], None);
    b.json(&["sync"], None);
    let purged = Command::new(server_bin())
        .arg("--db")
        .arg(cli.dir.path().join("server.sqlite3"))
        .args(["purge", "--older-than-days", "0"])
        .output()
        .unwrap();
    assert!(
        purged.status.success(),
        "{}",
        String::from_utf8_lossy(&purged.stderr)
    );
    assert!(a
        .cli
        .run_on(&a.db, &["show", &doomed], None)
        .status
        .success());
    a.json(&["sync"], None);
    assert!(
        !a.cli
            .run_on(&a.db, &["show", &doomed], None)
            .status
            .success(),
        "the user deleted while A was away is gone from A"
    );
    assert_eq!(count(&a), 31);

    // Signing out keeps the records; a sync then says to sign in.
    a.json(&["server", "logout"], None);
    assert_eq!(count(&a), 31);
    let (code, err) = a.fails(&["sync"], None);
    assert_eq!(code, 9, "{err}");
    assert!(err.contains("sign in"), "{err}");
}

#[test]
fn the_customer_user_page_travels_between_desktops() {
    let cli = Cli::new();
    let server = start_server(cli.dir.path());
    let (a, b) = desktops(&cli);
    let user = cli.first_user();
    a.json(
        &["fields", "create"],
        Some(r#"{"name":"tier","label":"Tier","kind":"choice","choices":["Gold","Silver"]}"#),
    );
    a.json(&["update", &user], Some(r#"{"extra":{"tier":"Gold"}}"#));
    a.json(
        &["consents", "create"],
        Some(r#"{"name":"Terms","mandatory":true}"#),
    );
    a.json(&["consents", "accept", &user, "Terms"], None);
    a.json(
        &["notes", "add", &user],
        Some(r#"{"body":"Called on Monday."}"#),
    );
    a.json(
        &["orders", "add", &user],
        Some(r#"{"items":[{"sku":"B1","name":"Boots","quantity":2,"price":"10.50"}]}"#),
    );
    a.json(
        &["addresses", "add", &user],
        Some(r#"{"street":"1 Main","city":"Austin","postalCode":"73301","country":"US","region":"US-TX","types":["billing"]}"#),
    );
    for (desktop, email) in [(&a, "ann@example.com"), (&b, "bob@example.com")] {
        desktop.json(&["server", "login", &server.url, email], Some(PASSWORD));
        desktop.json(&["sync"], None);
    }

    assert_eq!(b.user(&user)["extra"], json!({"tier": "Gold"}));
    assert_eq!(b.json(&["fields"], None)[0]["name"], "tier");
    let consents = b.json(&["consents", "of", &user], None);
    assert_eq!(consents[0]["consent"]["name"], "Terms");
    assert!(consents[0]["acceptedAt"].is_string(), "{consents}");
    let orders = b.json(&["orders", &user], None);
    assert_eq!(orders[0]["total"], "21.00");
    assert_eq!(orders[0]["createdBy"]["name"], "John Doe");
    assert_eq!(
        b.json(&["addresses", &user], None)[0]["regionName"],
        "Texas"
    );
    assert_eq!(
        b.json(&["notes", &user], None)[0]["body"],
        "Called on Monday."
    );
    let grid = b.json(
        &["list", "--sort", "orders", "--desc", "--page-size", "1"],
        None,
    );
    assert_eq!(
        grid["rows"][0]["orders"], 1,
        "the grid counts synced orders"
    );

    // B's note and edit come back to A; A's deleted note is gone on B.
    let note = b.json(&["notes", "add", &user], Some(r#"{"body":"Visited."}"#));
    b.json(&["sync"], None);
    a.json(&["sync"], None);
    let notes = a.json(&["notes", &user], None);
    assert_eq!(notes.as_array().unwrap().len(), 2, "{notes}");
    a.json(&["notes", "delete", note["id"].as_str().unwrap()], None);
    a.json(&["sync"], None);
    b.json(&["sync"], None);
    assert_eq!(b.json(&["notes", &user], None).as_array().unwrap().len(), 1);
}
