//! CSV export at scale.
//!
//! `cargo bench -p cu-core --bench export -- [--db PATH] [--users N] [--out FILE] [--runs R]`
//! (FILE defaults to bench-export.csv in the temporary folder)
//!
//! Exports every user of the bench database (generated as the grid bench does) as Oro's CSV
//! to FILE, R times, and prints each run's time, rows per second, the file's size and the
//! process's peak resident memory.

mod common;

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use common::{arg, bench_db, peak_rss_mb};
use cu_core::csv::export::{self as csv_export, Query};

fn main() {
    let runs: usize = arg("--runs").and_then(|v| v.parse().ok()).unwrap_or(3);
    let out = arg("--out").map_or_else(
        || std::env::temp_dir().join("bench-export.csv"),
        std::path::PathBuf::from,
    );
    let (db, users) = bench_db();
    for run in 1..=runs {
        let file = std::fs::File::create(&out).expect("create the export file");
        let started = Instant::now();
        let summary = csv_export::export(
            &db,
            &Query::default(),
            std::io::BufWriter::with_capacity(1 << 20, file),
            |_, _| {},
            &AtomicBool::new(false),
        )
        .expect("export");
        let seconds = started.elapsed().as_secs_f64();
        let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
        println!(
            "run {run}: {} rows of {users} in {seconds:.2} s ({:.0} rows/s), {:.0} MB file, peak RSS {:.0} MB",
            summary.exported,
            summary.exported as f64 / seconds,
            size as f64 / 1e6,
            peak_rss_mb()
        );
    }
}
