//! The real server binary on loopback, for the tests that talk to it over HTTP.

#![allow(dead_code)]

pub mod postgres;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStderr, Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_customer-users-server");

/// A server process serving `db` on a free loopback port.
pub struct Running {
    pub child: Child,
    pub addr: String,
    pub log: BufReader<ChildStderr>,
}

impl Running {
    pub fn start(db: &Path, extra: &[&str]) -> Self {
        let mut child = Command::new(BIN)
            .arg("--db")
            .arg(db)
            .args(["--listen", "127.0.0.1:0"])
            .args(extra)
            .env("CUSTOMER_USERS_SERVER_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut log = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        let addr = loop {
            line.clear();
            assert!(
                log.read_line(&mut line).unwrap() > 0,
                "the server exited before listening"
            );
            if let Some(rest) = line.split("listening on ").nth(1) {
                break rest.split_whitespace().next().unwrap().to_string();
            }
        };
        Running { child, addr, log }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Stops it as an init system would, and returns the rest of its log.
    pub fn terminate(mut self) -> (std::process::ExitStatus, String) {
        let killed = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = self.child.wait().unwrap();
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut self.log, &mut rest).unwrap();
        (status, rest)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Adds the admin `email` with `password` through the server's command line.
pub fn add_admin(db: &Path, email: &str, password: &str) {
    add_admin_with(&["--db", &db.to_string_lossy()], email, password);
}

/// [`add_admin`] on the store that `store_args` name (`--database URL`).
pub fn add_admin_with(store_args: &[&str], email: &str, password: &str) {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .args(store_args)
        .args(["admin", "add", email])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(password.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
