//! Push and pull throughput of the real server process over loopback, through the real
//! HTTP client: field changes per second, on SQLite (default) or on PostgreSQL
//! (`BENCH_DATABASE=postgres://…`).
//!
//! `cargo bench -p customer-users-server --bench throughput` (`BENCH_RECORDS=N`, default
//! 100,000 records of 10 fields: a million field changes).

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_customer-users-server");
const PASSWORD: &str = "Correct horse 1";
const FIELDS: usize = 10;
const BATCH: usize = 500;

fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let records: usize = std::env::var("BENCH_RECORDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.sqlite3");
    let store: Vec<String> = match std::env::var("BENCH_DATABASE") {
        Ok(url) => vec!["--database".into(), url],
        Err(_) => vec!["--db".into(), db.to_string_lossy().into_owned()],
    };
    let mut add = Command::new(BIN)
        .args(&store)
        .args(["admin", "add", "bench@example.com"])
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
    let mut server = Command::new(BIN)
        .args(&store)
        .args(["--listen", "127.0.0.1:0"])
        .env(
            "CUSTOMER_USERS_SERVER_LOG",
            "warn,customer_users_server=info",
        )
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut log = BufReader::new(server.stderr.take().unwrap());
    let mut line = String::new();
    let addr = loop {
        line.clear();
        assert!(log.read_line(&mut line).unwrap() > 0);
        if let Some(rest) = line.split("listening on ").nth(1) {
            break rest.split_whitespace().next().unwrap().to_string();
        }
    };
    std::thread::spawn(move || for _ in log.lines() {});
    let http = reqwest::blocking::Client::new();
    let url = |path: &str| format!("http://{addr}{path}");
    let tokens: Value = http
        .post(url("/v1/session"))
        .json(&json!({"email": "bench@example.com", "password": PASSWORD, "clientId": "bench"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let token = tokens["accessToken"].as_str().unwrap().to_string();

    let now = chrono::Utc::now().timestamp_millis();
    let started = Instant::now();
    for first in (0..records).step_by(BATCH) {
        let mutations: Vec<Value> = (first..(first + BATCH).min(records))
            .map(|i| {
                let hlc = format!("{:013}-{:05}-bench", now - 1000, i % 100_000);
                let mut fields = serde_json::Map::new();
                for f in 0..FIELDS {
                    fields.insert(
                        format!("field{f}"),
                        json!({"value": format!("value {i} {f}"), "hlc": hlc}),
                    );
                }
                json!({"seq": i + 1, "entity": "customer", "entityId": format!("c{i}"), "fields": fields})
            })
            .collect();
        let answer = http
            .post(url("/v1/sync/push"))
            .bearer_auth(&token)
            .json(&json!({"clientId": "bench", "mutations": mutations}))
            .send()
            .unwrap();
        assert_eq!(answer.status(), 200);
    }
    let push = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let (mut cursor, mut rows) = (0u64, 0usize);
    loop {
        let page: Value = http
            .get(url(&format!("/v1/sync/pull?cursor={cursor}&limit=1000")))
            .bearer_auth(&token)
            .send()
            .unwrap()
            .json()
            .unwrap();
        rows += page["rows"].as_array().unwrap().len();
        cursor = page["nextCursor"].as_u64().unwrap();
        if !page["hasMore"].as_bool().unwrap() {
            break;
        }
    }
    let pull = started.elapsed().as_secs_f64();
    assert_eq!(rows, records);
    let changes = (records * FIELDS) as f64;
    println!(
        "{records} records × {FIELDS} fields: push {push:.2} s ({:.0} field changes/s), pull {pull:.2} s ({:.0} field changes/s)",
        changes / push,
        changes / pull
    );
    let _ = server.kill();
    let _ = server.wait();
}
