//! The `customer-users` binary run on a real database file in a folder of its own.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

pub struct Cli {
    pub dir: tempfile::TempDir,
}

impl Cli {
    pub fn new() -> Self {
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

    /// The store's file.
    pub fn db(&self) -> PathBuf {
        self.dir.path().join("cli.sqlite3")
    }

    /// A path in the test's folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The files in the test's folder, but SQLite's own beside the store, sorted.
    pub fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.ends_with("-wal") && !n.ends_with("-shm"))
            .collect();
        names.sort();
        names
    }

    pub fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        self.run_on(&self.db(), args, stdin)
    }

    /// Runs a command on the store at `db`.
    pub fn run_on(&self, db: &Path, args: &[&str], stdin: Option<&str>) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_customer-users"))
            .arg("--db")
            .arg(db)
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
    pub fn json(&self, args: &[&str], stdin: Option<&str>) -> Value {
        self.json_on(&self.db(), args, stdin)
    }

    /// [`Cli::json`] on the store at `db`.
    pub fn json_on(&self, db: &Path, args: &[&str], stdin: Option<&str>) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.run_on(db, &all, stdin);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// The id of the store's first customer user.
    pub fn first_user(&self) -> String {
        self.json(&["list", "--page-size", "1"], None)["rows"][0]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Runs a command that must fail and returns its exit code and JSON error (after any
    /// progress it reported on the same stream).
    pub fn error(&self, args: &[&str], stdin: Option<&str>) -> (i32, Value) {
        let out = self.run(args, stdin);
        assert!(!out.status.success(), "{args:?} should fail");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let json = &stderr[stderr.find("{\n").unwrap_or(0)..];
        (
            out.status.code().unwrap(),
            serde_json::from_str(json).unwrap_or_else(|e| panic!("{args:?}: {e}: {stderr}")),
        )
    }
}
