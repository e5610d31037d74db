//! What the benches share: arguments, and a database of N generated users.

#![allow(dead_code)]

use std::path::PathBuf;
use std::time::Instant;

use cu_core::actor::{Actor, Via};
use cu_core::{generate, Database};

/// Who the benches act as: the store's first admin, from the command line.
pub fn admin() -> Actor {
    Actor::first_admin(Via::Cli)
}

/// The core allocates a few small strings per cell and per field; mimalloc makes a
/// million-row check or import ~8 % faster than the system allocator (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

/// `--users N` (default 1,000,000) users in `--db PATH`, generated the first time through the
/// normal write path; a rerun reuses the file.
pub fn bench_db() -> (Database, u64) {
    let users: u64 = arg("--users")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let path =
        PathBuf::from(arg("--db").unwrap_or_else(|| format!("target/bench-{users}.sqlite3")));
    let db = Database::open(&path).expect("open the bench database");
    let have: u64 = db
        .read(|c| {
            Ok(c.query_row("SELECT count(*) FROM customer_user", [], |r| {
                r.get::<_, i64>(0)
            })? as u64)
        })
        .expect("count");
    if have < users {
        let started = Instant::now();
        generate::generate(&db, &admin(), users - have, |done| {
            if done % 100_000 == 0 {
                eprintln!(
                    "generated {done} in {:.0} s",
                    started.elapsed().as_secs_f64()
                );
            }
        })
        .expect("generate");
        eprintln!(
            "generated {} users in {:.1} s",
            users - have,
            started.elapsed().as_secs_f64()
        );
        // Its own connection: the store's read connections refuse to write statistics.
        rusqlite::Connection::open(db.path())
            .and_then(|c| c.execute_batch("PRAGMA optimize; PRAGMA wal_checkpoint(TRUNCATE);"))
            .expect("optimize");
    }
    (db, users)
}

/// The process's peak resident memory so far (VmHWM), in MB.
pub fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Starts measuring the peak resident memory afresh (Linux: `clear_refs` 5 resets VmHWM).
pub fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}
