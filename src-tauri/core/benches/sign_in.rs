//! What a refused sign-in costs, by who was tried: an attacker timing the answers must not
//! learn who has an account or what state it is in.
//!
//! `cargo bench -p cu-core --bench sign_in -- [--runs R]`
//!
//! On a new store with an active user, a disabled one, a locked one and one without a
//! password (imported), times R sign-ins (default 41) of each kind in turn and prints each
//! kind's median and spread. Every refusal should cost one argon2 verify, so the medians of
//! the refusals match one another and that of a successful sign-in.

mod common;

use std::time::Instant;

use common::{admin, arg};
use cu_core::account::sign_in::{self, SignIn};
use cu_core::csv::import::{ImportKind, ImportMode};
use cu_core::customer_user::input::CustomerUserInput;
use cu_core::{account, settings, Database};
use serde_json::json;

fn main() {
    let runs: usize = arg("--runs").and_then(|v| v.parse().ok()).unwrap_or(41);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let db = Database::open(&dir.path().join("sign-in.sqlite3")).expect("open");
    cu_core::generate::generate(&db, &admin(), 0, |_| {}).expect("the customers and websites");
    // No lock while the wrong passwords are timed: a locked account is made on purpose.
    settings::set(&db, &admin(), "lockoutEnabled", &json!(false)).unwrap();
    for (email, extra) in [
        ("active@example.com", json!({})),
        ("off@example.com", json!({"enabled": false})),
        ("locked@example.com", json!({})),
    ] {
        let mut input = json!({"firstName": "Bench", "lastName": "User", "email": email,
            "customer": "Acme Corporation", "website": "Default", "password": "Secret123",
            "userRoles": ["ROLE_FRONTEND_BUYER"], "confirmed": true});
        for (k, v) in extra.as_object().unwrap() {
            input[k] = v.clone();
        }
        let input = CustomerUserInput::from_json(input).unwrap();
        account::create(&db, &admin(), &input).unwrap();
    }
    let file = dir.path().join("no-password.csv");
    std::fs::write(
        &file,
        "First Name,Last Name,Email Address,Customer Name,Roles 1 Role,Enabled,Confirmed\n\
         Nora,Nopass,nopass@example.com,Acme Corporation,ROLE_FRONTEND_BUYER,1,1\n",
    )
    .unwrap();
    ImportKind::CustomerUsers
        .import(
            &db,
            &admin(),
            &file,
            &ImportMode::AllOrNothing,
            |_| {},
            &Default::default(),
        )
        .unwrap();
    settings::set(&db, &admin(), "lockoutEnabled", &json!(true)).unwrap();
    settings::set(&db, &admin(), "lockoutMaxAttempts", &json!(1)).unwrap();
    try_once(&db, "locked@example.com", "Wrong1234");
    settings::set(&db, &admin(), "lockoutEnabled", &json!(false)).unwrap();

    let kinds = [
        ("unknown e-mail", "nobody@example.com", "Wrong1234"),
        ("wrong password", "active@example.com", "Wrong1234"),
        ("no password yet", "nopass@example.com", "Wrong1234"),
        ("disabled, wrong password", "off@example.com", "Wrong1234"),
        ("locked, wrong password", "locked@example.com", "Wrong1234"),
        ("right password", "active@example.com", "Secret123"),
    ];
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); kinds.len()];
    // Interleaved, so drift in the machine's speed touches every kind alike.
    for _ in 0..runs {
        for (i, (_, email, password)) in kinds.iter().enumerate() {
            let started = Instant::now();
            try_once(&db, email, password);
            times[i].push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    for ((label, _, _), mut t) in kinds.iter().zip(times) {
        t.sort_by(f64::total_cmp);
        println!(
            "{label:<26} median {:6.1} ms   p10 {:6.1} ms   p90 {:6.1} ms",
            t[t.len() / 2],
            t[t.len() / 10],
            t[t.len() * 9 / 10]
        );
    }
}

fn try_once(db: &Database, email: &str, password: &str) {
    let attempt = SignIn {
        email: email.into(),
        password: password.into(),
        ..Default::default()
    };
    sign_in::check(db, &attempt).expect("a sign-in answers");
}
