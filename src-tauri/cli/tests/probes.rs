//! The probes of the hardening review (docs/security.md), each as a user would run it: what
//! used to crash, overflow, spoof or read without end now answers with a clear error.

mod common;

use std::process::{Command, Stdio};

use common::Cli;
use serde_json::{json, Value};

const NEW_USER: &str = r#"{"firstName": "Jerry", "lastName": "Coleman", "email": "jerry@example.com",
    "customer": "Acme Corporation", "website": "Default", "password": "Secret123",
    "userRoles": ["ROLE_FRONTEND_BUYER"]}"#;

fn user_with(fields: Value) -> String {
    let mut user: Value = serde_json::from_str(NEW_USER).unwrap();
    for (k, v) in fields.as_object().unwrap() {
        user[k] = v.clone();
    }
    user.to_string()
}

/// Runs SQL on the store as another program would (data from before a rule existed).
fn sql(cli: &Cli, statement: &str) {
    let out = Command::new("sqlite3")
        .arg(cli.db())
        .arg(statement)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn field_error(cli: &Cli, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let (code, err) = cli.error(args, stdin);
    (
        code,
        err["fields"][0]["field"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        err["fields"][0]["message"]
            .as_str()
            .or(err["message"].as_str())
            .unwrap_or_default()
            .to_string(),
    )
}

#[test]
fn settings_are_checked_when_set() {
    let cli = Cli::new();
    for (key, value) in [
        ("emailFromName", "Shop\r\nBcc: everyone@example.com"),
        ("emailFromName", "Shop\u{202e}"),
        ("emailFrom", "not an address"),
        ("smtpHost", "mail.example.com\nRCPT"),
        ("smtpHost", "exa mple.com"),
        ("smtpPort", "0"),
        ("smtpPort", "70000"),
        ("smtpCaFile", "/nonexistent/ca.pem"),
        ("smtpCaFile", "/dev/zero"),
        ("smtpUsername", "user\u{7}name"),
        ("confirmationLinkTtl", "59"),
        ("lookalikeEmails", "maybe"),
    ] {
        let (code, field, _) = field_error(&cli, &["settings", "set", key, value], None);
        assert_eq!((code, field.as_str()), (2, key), "{key} = {value:?}");
    }
    for (key, value) in [
        ("smtpHost", "127.0.0.1"),
        ("smtpHost", "mail.example.com"),
        ("smtpHost", "::1"),
        ("emailFromName", "Acme Shop"),
        ("emailFrom", "shop@example.com"),
    ] {
        let out = cli.run(&["settings", "set", key, value], None);
        assert!(out.status.success(), "{key} = {value:?}");
    }
}

#[test]
fn a_sender_name_stored_before_the_checks_fails_delivery_cleanly_every_time() {
    let cli = Cli::new();
    let user = cli.json(&["create"], Some(NEW_USER));
    cli.json(&["settings", "set", "smtpHost", "127.0.0.1"], None);
    cli.json(&["reset-password", user["id"].as_str().unwrap()], None);
    sql(
        &cli,
        r#"INSERT INTO setting (key, value) VALUES ('emailFromName', '"Shop\nBcc: x@example.com"')
           ON CONFLICT (key) DO UPDATE SET value = excluded.value"#,
    );
    for _ in 0..2 {
        let (code, field, _) = field_error(&cli, &["outbox", "deliver"], None);
        assert_eq!((code, field.as_str()), (2, "emailFromName"));
    }
    let queued = cli.json(&["outbox", "list"], None);
    assert_eq!(
        queued[0]["state"], "queued",
        "the message waits for a fixed sender"
    );
}

#[test]
fn numbers_past_their_type_are_refused_not_overflowed() {
    let cli = Cli::new();
    let (code, field, message) =
        field_error(&cli, &["generate", "--users", "18446744073709551615"], None);
    assert_eq!((code, field.as_str()), (2, "users"));
    assert!(message.contains("or less"), "{message}");
    let out = cli.run(&["list", "--page-size", "4294967296"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn import_reads_only_files_and_stops_early_on_what_is_not_csv() {
    let cli = Cli::new();
    for device in ["/dev/zero", "/dev/urandom", "/dev/null"] {
        let (code, _, message) = field_error(&cli, &["import", device], None);
        assert_eq!(code, 2, "{device}");
        assert!(message.contains("is not a file"), "{device}: {message}");
    }
    // Megabytes without a line break: no header row.
    let flat = cli.path("flat.csv");
    std::fs::write(&flat, "x".repeat(3 << 20)).unwrap();
    let (code, _, message) = field_error(&cli, &["import", flat.to_str().unwrap()], None);
    assert_eq!(code, 2);
    assert!(message.contains("not a header row"), "{message}");
    // A good header, then a row with no end.
    let endless = cli.path("endless.csv");
    let mut text = String::from("First Name,Last Name,Email Address\n\"");
    text.push_str(&"y".repeat(3 << 20));
    std::fs::write(&endless, text).unwrap();
    let (code, _, message) = field_error(&cli, &["import", endless.to_str().unwrap()], None);
    assert_eq!(code, 2);
    assert!(
        message.contains("row #1") && message.contains("longer than 1 MiB"),
        "{message}"
    );
    // A header of 100,000 unknown columns: an error of a few lines.
    let wide = cli.path("wide.csv");
    let header: Vec<String> = (0..100_000).map(|i| format!("Column {i}")).collect();
    std::fs::write(&wide, header.join(",") + "\n").unwrap();
    let out = cli.run(&["import", wide.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stderr.len() < 4096, "{} bytes", out.stderr.len());
    let few = cli.path("few-unknown.csv");
    std::fs::write(&few, "Email Address,Shoe Size,Hat Size\n").unwrap();
    let (_, _, message) = field_error(&cli, &["import", few.to_str().unwrap()], None);
    assert!(message.contains("\"Shoe Size\"") && message.contains("\"Hat Size\""));
    assert_eq!(message.matches("The columns are:").count(), 1, "{message}");
}

#[test]
fn addresses_and_passwords_have_limits() {
    let cli = Cli::new();
    let address = |first_name: &str| {
        json!({"street": "1 Main St", "city": "Springfield", "postalCode": "12345",
               "country": "US", "region": "US-NY", "firstName": first_name, "types": ["billing"]})
    };
    let huge = user_with(json!({"addresses": [address(&"n".repeat(5_000_000))]}));
    let (code, field, message) = field_error(&cli, &["create"], Some(&huge));
    assert_eq!((code, field.as_str()), (2, "addresses.0.firstName"));
    assert!(message.contains("255"), "{message}");
    let many: Vec<Value> = (0..101).map(|_| address("Jo")).collect();
    let (code, field, message) = field_error(
        &cli,
        &["create"],
        Some(&user_with(json!({"addresses": many}))),
    );
    assert_eq!((code, field.as_str()), (2, "addresses"));
    assert!(message.contains("at most 100"), "{message}");
    let long = format!("Aa1{}", "x".repeat(254));
    let (code, field, _) = field_error(
        &cli,
        &["create"],
        Some(&user_with(json!({"password": long}))),
    );
    assert_eq!((code, field.as_str()), (2, "password"));
    let passphrase = format!("Aa1 {}", "correct horse battery staple ".repeat(3));
    assert!(passphrase.len() >= 64);
    let ok = cli.json(
        &["create"],
        Some(&user_with(json!({"password": passphrase}))),
    );
    assert_eq!(ok["email"], "jerry@example.com");
}

#[test]
fn free_text_refuses_control_and_direction_characters() {
    let cli = Cli::new();
    for (field, value) in [
        ("firstName", "Jerry\u{0}"),
        ("lastName", "Cole\nman"),
        ("middleName", "\u{1b}[31mred"),
        ("namePrefix", "\u{202e}rM"),
        ("nameSuffix", "Jr\u{2066}"),
    ] {
        let (code, got, _) =
            field_error(&cli, &["create"], Some(&user_with(json!({field: value}))));
        assert_eq!((code, got.as_str()), (2, field), "{value:?}");
    }
    let address = json!({"street": "1 Main\u{7} St", "city": "Springfield", "postalCode": "12345",
                         "country": "US", "region": "US-NY", "types": ["billing"]});
    let (code, got, _) = field_error(
        &cli,
        &["create"],
        Some(&user_with(json!({"addresses": [address]}))),
    );
    assert_eq!((code, got.as_str()), (2, "addresses.0.street"));
    let (code, got, _) = field_error(
        &cli,
        &["create"],
        Some(&user_with(
            json!({"newCustomer": {"name": "Evil\u{202e}Corp"}, "customer": null}),
        )),
    );
    assert_eq!((code, got.as_str()), (2, "newCustomer.name"));
}

#[test]
fn tables_never_print_raw_control_characters() {
    let cli = Cli::new();
    let user = cli.json(&["create"], Some(NEW_USER));
    // Data from before the rules (or another program): a name that would clear the screen.
    sql(
        &cli,
        &format!(
            "UPDATE customer_user SET first_name = char(27) || '[2J' || char(8238) || 'Evil'
             WHERE id = '{}'",
            user["id"].as_str().unwrap()
        ),
    );
    for args in [
        vec!["list", "--q", "jerry"],
        vec!["show", user["id"].as_str().unwrap()],
        vec!["--json", "list", "--q", "jerry"],
    ] {
        let out = cli.run(&args, None);
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{202e}'),
            "{args:?}: {text:?}"
        );
        // Shown as escapes (JSON's own for ESC, in lower case there).
        let shown = text.to_lowercase();
        assert!(shown.contains("\\u001b[2j\\u202eevil"), "{args:?}: {text}");
    }
}

#[test]
fn addresses_that_mix_scripts_are_refused_or_flagged_as_settings_say() {
    let cli = Cli::new();
    let lookalike = user_with(json!({"email": "\u{430}manda@example.com"}));
    let (code, field, message) = field_error(&cli, &["create"], Some(&lookalike));
    assert_eq!((code, field.as_str()), (2, "email"));
    assert!(message.contains("Cyrillic and Latin"), "{message}");
    cli.json(&["settings", "set", "lookalikeEmails", "warn"], None);
    let user = cli.json(&["create"], Some(&lookalike));
    assert!(user["emailWarning"]
        .as_str()
        .unwrap()
        .contains("can pass for another address"));
    let plain = cli.json(
        &["create"],
        Some(&user_with(json!({"email": "amanda@example.com"}))),
    );
    assert!(plain.get("emailWarning").is_none());
}

#[test]
fn a_password_never_goes_to_a_remote_relay_unencrypted() {
    let cli = Cli::new();
    let user = cli.json(&["create"], Some(NEW_USER));
    cli.json(&["reset-password", user["id"].as_str().unwrap()], None);
    for (key, value) in [
        ("smtpHost", "mail.example.com"),
        ("smtpEncryption", "none"),
        ("smtpUsername", "shop"),
    ] {
        cli.json(&["settings", "set", key, value], None);
    }
    let (code, field, message) = field_error(&cli, &["outbox", "deliver"], None);
    assert_eq!((code, field.as_str()), (2, "smtpEncryption"));
    assert!(message.contains("clear text"), "{message}");
}

#[test]
fn exported_formulas_are_neutralised_and_import_back_unchanged() {
    let cli = Cli::new();
    let user = cli.json(
        &["create"],
        Some(&user_with(json!({
            "firstName": "=HYPERLINK(\"http://evil.example\",\"Click\")",
            "lastName": "+1 555 0100",
            "middleName": "@SUM(A1:A9)",
            "addresses": [{"street": "-2+3", "city": "=1+1", "postalCode": "12345",
                           "country": "US", "region": "US-NY", "phone": "+1 555 0100", "types": ["billing"]}]
        }))),
    );
    let users = cli.path("users.csv");
    let addresses = cli.path("addresses.csv");
    cli.json(&["export", "--out", users.to_str().unwrap()], None);
    cli.json(
        &[
            "export",
            "--addresses",
            "--out",
            addresses.to_str().unwrap(),
        ],
        None,
    );
    let text =
        std::fs::read_to_string(&users).unwrap() + &std::fs::read_to_string(&addresses).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    for record in reader.records() {
        for cell in record.unwrap().iter() {
            assert!(
                !matches!(
                    cell.chars().next(),
                    Some('=' | '+' | '-' | '@' | '\t' | '\r')
                ),
                "a spreadsheet would run {cell:?}"
            );
        }
    }
    assert!(text.contains("'=HYPERLINK"));
    let report = cli.json(&["import", users.to_str().unwrap()], None);
    assert_eq!(report["counts"]["unchanged"], 31, "{report}");
    let report = cli.json(
        &["import", "--addresses", addresses.to_str().unwrap()],
        None,
    );
    assert_eq!(report["counts"]["updated"], 0, "{report}");
    let shown = cli.json(&["show", user["id"].as_str().unwrap()], None);
    assert_eq!(
        shown["firstName"],
        "=HYPERLINK(\"http://evil.example\",\"Click\")"
    );
    assert_eq!(shown["addresses"][0]["city"], "=1+1");
}

/// The store's bytes and its WAL's, to see that a command wrote nothing.
fn fingerprint(cli: &Cli) -> (Vec<u8>, u64) {
    let wal = std::fs::metadata(format!("{}-wal", cli.db().display())).map_or(0, |m| m.len());
    (std::fs::read(cli.db()).unwrap(), wal)
}

#[test]
fn reading_commands_leave_the_store_as_it_was() {
    let cli = Cli::new();
    let user = cli.json(&["create"], Some(NEW_USER));
    let id = user["id"].as_str().unwrap();
    let before = fingerprint(&cli);
    for args in [
        vec!["list"],
        vec!["show", id],
        vec!["history", id],
        vec!["settings", "get"],
        vec!["outbox", "list"],
    ] {
        assert!(cli.run(&args, None).status.success(), "{args:?}");
    }
    assert!(
        fingerprint(&cli) == before,
        "opening to read wrote to the store"
    );
}

#[test]
fn a_store_this_user_cannot_write_is_read_and_exported_but_not_changed() {
    let cli = Cli::new();
    let user = cli.json(&["create"], Some(NEW_USER));
    let id = user["id"].as_str().unwrap().to_string();
    // A backup: the store alone (checkpointed, no -wal or -shm), in a folder nobody writes.
    let backup = tempfile::tempdir().unwrap();
    let store = backup.path().join("backup.sqlite3");
    sql(&cli, &format!("VACUUM INTO '{}'", store.display()));
    let out_dir = tempfile::tempdir().unwrap();
    let export = out_dir.path().join("users.csv");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&store, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(backup.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    std::fs::set_permissions(out_dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let before = std::fs::read(&store).unwrap();
    let (code, list) = as_nobody(&store, &["--json", "list", "--page-size", "500"]);
    assert_eq!(code, 0, "{list}");
    let rows: Value = serde_json::from_str(&list).unwrap();
    assert_eq!(rows["rows"].as_array().unwrap().len(), 31);
    assert_eq!(as_nobody(&store, &["--json", "show", &id]).0, 0);
    let (code, history) = as_nobody(&store, &["--json", "history", &id]);
    assert_eq!(code, 0, "{history}");
    assert!(history.contains("\"create\""));
    let (code, out) = as_nobody(&store, &["export", "--out", export.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        std::fs::read_to_string(&export).unwrap().lines().count(),
        32
    );
    let (code, err) = as_nobody(&store, &["disable", &id]);
    assert_eq!(code, 1);
    assert!(err.contains("is read-only"), "{err}");
    assert_eq!(
        std::fs::read(&store).unwrap(),
        before,
        "nothing was written"
    );
    let names: Vec<_> = std::fs::read_dir(backup.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "no -wal or -shm was left beside it");
    std::fs::set_permissions(backup.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Runs the CLI on `store` as a user who may not write it: `nobody`, when the tests run as
/// root (whom no permission stops); returns the exit code and what it printed.
fn as_nobody(store: &std::path::Path, args: &[&str]) -> (i32, String) {
    let bin = env!("CARGO_BIN_EXE_customer-users");
    let mut command = if is_root() {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", bin]);
        c
    } else {
        Command::new(bin)
    };
    let out = command
        .arg("--db")
        .arg(store)
        .args(args)
        .env("HOME", "/nonexistent")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

#[test]
fn many_processes_opening_a_new_store_at_once_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_customer-users");
    let mut failures = Vec::new();
    for round in 0..10 {
        let store = dir.path().join(format!("new-{round}.sqlite3"));
        let children: Vec<_> = (0..16)
            .map(|_| {
                Command::new(bin)
                    .arg("--db")
                    .arg(&store)
                    .args(["--json", "settings", "get"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            if !out.status.success() {
                failures.push(String::from_utf8_lossy(&out.stderr).into_owned());
            }
        }
        let one = Cli {
            dir: tempfile::tempdir().unwrap(),
        };
        let out = one.run_on(&store, &["--json", "users"], None);
        let users: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            users.as_array().unwrap().len(),
            1,
            "one first admin, seeded once"
        );
    }
    assert!(
        failures.is_empty(),
        "{} of 160 failed: {failures:?}",
        failures.len()
    );
}
