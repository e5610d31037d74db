//! The server binary end to end: its admin accounts, and serving on loopback until SIGTERM.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use common::{Running, BIN};

struct Server {
    dir: tempfile::TempDir,
}

impl Server {
    fn new() -> Self {
        Server {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn db(&self) -> std::path::PathBuf {
        self.dir.path().join("server.sqlite3")
    }

    fn run(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = Command::new(BIN)
            .arg("--db")
            .arg(self.db())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    fn json(&self, args: &[&str], stdin: &str) -> Value {
        let out = self.run(args, stdin);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

#[test]
fn admins_are_added_listed_and_disabled_and_passwords_are_kept_only_as_hashes() {
    let server = Server::new();
    let ann = server.json(&["admin", "add", "Ann@Example.com"], "Correct horse 1\n");
    assert_eq!(
        (ann["email"].as_str(), ann["enabled"].as_bool()),
        (Some("Ann@Example.com"), Some(true))
    );
    server.json(&["admin", "add", "bob@example.com"], "Another secret 2\n");

    for (args, stdin, code, says) in [
        (
            ["admin", "add", "ann@example.com"],
            "Whatever 123",
            4,
            "exists already",
        ),
        (["admin", "add", "not-an-email"], "Whatever 123", 2, "email"),
        (["admin", "add", "eve@example.com"], "short", 2, "password"),
        (
            ["admin", "disable", "nobody@example.com"],
            "",
            3,
            "No admin",
        ),
    ] {
        let out = server.run(&args, stdin);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(!stderr.contains("Whatever"), "no password in an error");
    }

    let disabled = server.json(&["admin", "disable", "ANN@example.com"], "");
    assert_eq!(disabled["enabled"], false);
    let list = server.json(&["admin", "list"], "");
    let emails: Vec<(&str, bool)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["email"].as_str().unwrap(),
                a["enabled"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        emails,
        [("Ann@Example.com", false), ("bob@example.com", true)]
    );

    let mut bytes = std::fs::read(server.db()).unwrap();
    if let Ok(wal) = std::fs::read(format!("{}-wal", server.db().display())) {
        bytes.extend(wal);
    }
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains("Correct horse") && !text.contains("Another secret"));
    assert!(text.contains("$argon2id$"));
}

#[test]
fn it_serves_health_on_loopback_and_stops_cleanly_on_sigterm() {
    let server = Server::new();
    let running = Running::start(&server.db(), &[]);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (status, body): (u16, Value) = runtime.block_on(async {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let answer = reqwest::get(running.url("/health")).await.unwrap();
        (answer.status().as_u16(), answer.json().await.unwrap())
    });
    assert_eq!(status, 200);
    assert_eq!(body, serde_json::json!({"status": "ok", "store": "sqlite"}));

    let (status, rest) = running.terminate();
    assert!(status.success(), "{rest}");
    assert!(
        rest.contains("shutting down") && rest.contains("stopped"),
        "{rest}"
    );
}
