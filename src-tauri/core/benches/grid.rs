//! Grid page latency at scale.
//!
//! `cargo bench -p cu-core --bench grid -- [--db PATH] [--users N] [--runs R]`
//!
//! Generates N customer users into PATH (once; a rerun reuses the file), then times the
//! first and the second page (keyset cursor) of the grid for every sort column, with no
//! filter, with a boolean filter, with a text filter and with a quick search, and prints
//! the median and 95th percentile of each case in milliseconds.

mod common;

use std::time::Instant;

use common::{arg, bench_db};
use cu_core::grid::{self, GridFilter, GridQuery, Sort, SortField, SortOrder};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let runs: usize = arg("--runs").and_then(|v| v.parse().ok()).unwrap_or(15);
    let (db, users) = bench_db();

    let cases: Vec<(&str, GridFilter, Option<&str>)> = vec![
        ("no filter", GridFilter::default(), None),
        (
            "enabled = No",
            GridFilter {
                enabled: Some(false),
                ..Default::default()
            },
            None,
        ),
        (
            "last name contains 'son'",
            GridFilter {
                last_name: Some("son".into()),
                ..Default::default()
            },
            None,
        ),
        (
            "email contains 'rossi12'",
            GridFilter {
                email: Some("rossi12".into()),
                ..Default::default()
            },
            None,
        ),
        ("quick search 'anna'", GridFilter::default(), Some("anna")),
        (
            "quick search 'wayne kim'",
            GridFilter::default(),
            Some("wayne kim"),
        ),
    ];
    println!("| sort | order | case | page 1 median | page 1 p95 | page 2 median | page 2 p95 |");
    println!("|---|---|---|---|---|---|---|");
    let mut worst: f64 = 0.0;
    let mut all = Vec::new();
    for field in SortField::ALL {
        for order in [SortOrder::Asc, SortOrder::Desc] {
            for (name, filter, q) in &cases {
                let query = GridQuery {
                    filter: Some(filter.clone()),
                    q: q.map(str::to_string),
                    sort: Some(Sort { field, order }),
                    page_size: Some(25),
                    ..Default::default()
                };
                let mut first = Vec::new();
                let mut second = Vec::new();
                for _ in 0..runs {
                    let t = Instant::now();
                    let page = grid::page(&db, &query).expect("page 1");
                    first.push(t.elapsed().as_secs_f64() * 1000.0);
                    if let Some(next) = page.next_cursor {
                        let q2 = GridQuery {
                            after: Some(next),
                            ..query.clone()
                        };
                        let t = Instant::now();
                        grid::page(&db, &q2).expect("page 2");
                        second.push(t.elapsed().as_secs_f64() * 1000.0);
                    }
                }
                first.sort_by(f64::total_cmp);
                second.sort_by(f64::total_cmp);
                let m1 = percentile(&first, 0.5);
                let m2 = if second.is_empty() {
                    0.0
                } else {
                    percentile(&second, 0.5)
                };
                worst = worst.max(m1).max(m2);
                all.push(m1);
                let p95 = |v: &[f64]| {
                    if v.is_empty() {
                        0.0
                    } else {
                        percentile(v, 0.95)
                    }
                };
                println!(
                    "| {field:?} | {order:?} | {name} | {m1:.2} | {:.2} | {m2:.2} | {:.2} |",
                    p95(&first),
                    p95(&second)
                );
            }
        }
    }
    all.sort_by(f64::total_cmp);
    println!(
        "\n{} cases on {users} users: median of medians {:.2} ms, worst median {worst:.2} ms",
        all.len(),
        percentile(&all, 0.5)
    );
}
