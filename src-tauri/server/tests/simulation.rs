//! A deterministic simulation of a team: five desktops, each on its own real SQLite store
//! with the real core, and the real server logic on its real store, joined by an
//! in-process link that drops requests, loses answers after the commit, duplicates and
//! delays batches, skews clocks by up to ±10 min, crashes desktops between a change and its
//! push, and sends a desktop back to the start. After the faults stop and everyone syncs:
//! - every desktop holds exactly what the server holds, record by record;
//! - every field keeps the latest stamp the server ever accepted for it;
//! - every change the server refused was told to its desktop.
//!
//! Each seed is one run; a failing seed is printed, and `SIM_SEED=N cargo test -p
//! customer-users-server --test simulation` replays it alone. `SIM_SEEDS=N` runs more.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use cu_core::actor::{Actor, Via};
use cu_core::sync::{self, Failure, Join, Transport};
use cu_core::{account, customer_user, generate, settings, Database};
use cu_sync::merge::{self, Fields};
use cu_sync::wire::{PullResponse, PushRequest, PushResponse, Row, SnapshotResponse};
use customer_users_server::error::ServerError;
use customer_users_server::store::{PgStore, SqliteStore, Store};
use serde_json::{json, Value};

const CLIENTS: usize = 5;
const STEPS: usize = 120;

/// splitmix64: small, fast and the same everywhere, so a seed replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// What the server accepted, as the simulation saw it: the latest stamp of each field.
#[derive(Default)]
struct Ledger {
    latest: HashMap<(String, String, String), String>,
    /// Every refusal: (client, seq, entity, id).
    refused: Vec<(String, u64, String, String)>,
    /// The last accepted sequence of each record from each client.
    accepted: HashMap<(String, String, String), u64>,
}

/// The link between one desktop and the server, with its faults.
struct Link<'a> {
    server: &'a dyn Store,
    rng: &'a mut Rng,
    ledger: &'a mut Ledger,
    /// How far this desktop's clock is ahead of the server's.
    skew_ms: i64,
    /// How far the simulated time has moved past the real one.
    later_ms: i64,
    faults: bool,
    delayed: &'a mut Option<PushRequest>,
    gone: &'a mut bool,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn failure(e: ServerError) -> Failure {
    match e {
        ServerError::Conflict(m) => Failure::Conflict(m),
        other => Failure::Offline(other.to_string()),
    }
}

impl Link<'_> {
    fn deliver(&mut self, request: &PushRequest) -> Result<PushResponse, Failure> {
        let answer = self
            .server
            .push(request, now_ms() + self.later_ms - self.skew_ms)
            .map_err(failure)?;
        let refused: Vec<u64> = answer.rejected.iter().map(|r| r.seq).collect();
        for m in request
            .mutations
            .iter()
            .filter(|m| m.seq <= answer.acked_seq)
        {
            if refused.contains(&m.seq) {
                let entry = (
                    request.client_id.clone(),
                    m.seq,
                    m.entity.clone(),
                    m.entity_id.clone(),
                );
                if !self.ledger.refused.contains(&entry) {
                    self.ledger.refused.push(entry);
                }
                continue;
            }
            if !m.fields.is_empty() {
                let key = (
                    request.client_id.clone(),
                    m.entity.clone(),
                    m.entity_id.clone(),
                );
                let seq = self.ledger.accepted.entry(key).or_default();
                *seq = (*seq).max(m.seq);
            }
            for (field, v) in &m.fields {
                let key = (m.entity.clone(), m.entity_id.clone(), field.clone());
                let latest = self.ledger.latest.entry(key).or_default();
                if v.hlc > *latest {
                    *latest = v.hlc.clone();
                }
            }
        }
        Ok(answer)
    }
}

impl Transport for Link<'_> {
    fn push(&mut self, request: &PushRequest) -> Result<PushResponse, Failure> {
        if self.faults {
            if self.rng.chance(10) {
                return Err(Failure::Offline("the request was dropped".into()));
            }
            if self.rng.chance(5) {
                // Arrives later, after newer batches: a reordered duplicate.
                *self.delayed = Some(request.clone());
                return Err(Failure::Offline("the request is delayed".into()));
            }
            if self.rng.chance(50) {
                if let Some(old) = self.delayed.take() {
                    let _ = self.deliver(&old);
                }
            }
        }
        let answer = self.deliver(request)?;
        if self.faults {
            if self.rng.chance(10) {
                return Err(Failure::Offline(
                    "the answer was lost after the commit".into(),
                ));
            }
            if self.rng.chance(5) {
                let _ = self.deliver(request);
            }
        }
        Ok(answer)
    }

    fn snapshot(
        &mut self,
        entity: &str,
        after: &str,
        limit: usize,
    ) -> Result<SnapshotResponse, Failure> {
        if self.faults && self.rng.chance(8) {
            return Err(Failure::Offline("the request was dropped".into()));
        }
        // Small pages, so paging is exercised.
        let limit = limit.min(1 + self.rng.below(40) as usize);
        let page = self
            .server
            .snapshot(entity, after, limit)
            .map_err(failure)?;
        if self.faults && self.rng.chance(5) {
            return Err(Failure::Offline("the answer was lost".into()));
        }
        Ok(page)
    }

    fn pull(&mut self, cursor: u64, limit: usize) -> Result<PullResponse, Failure> {
        if self.faults {
            if self.rng.chance(8) {
                return Err(Failure::Offline("the request was dropped".into()));
            }
            if std::mem::take(self.gone) {
                return Err(Failure::Gone(
                    "The server no longer keeps what this desktop missed.".into(),
                ));
            }
        }
        // Small pages, so paging is exercised.
        let limit = limit.min(1 + self.rng.below(40) as usize);
        let page = self.server.pull(cursor, limit).map_err(failure)?;
        if self.faults && self.rng.chance(5) {
            return Err(Failure::Offline("the answer was lost".into()));
        }
        Ok(page)
    }

    fn fetch(&mut self, entity: &str, id: &str) -> Result<Option<Row>, Failure> {
        self.server.record(entity, id).map_err(failure)
    }
}

struct Desktop {
    path: PathBuf,
    db: Option<Database>,
    skew_ms: i64,
    delayed: Option<PushRequest>,
    gone: bool,
    client_id: String,
}

impl Desktop {
    fn db(&mut self) -> &Database {
        if self.db.is_none() {
            self.db = Some(Database::open(&self.path).unwrap());
        }
        self.db.as_ref().unwrap()
    }
}

fn actor() -> Actor {
    Actor::first_admin(Via::Cli)
}

fn ids(db: &Database, sql: &str) -> Vec<String> {
    db.read(|c| {
        Ok(c.prepare(sql)?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    })
    .unwrap()
}

fn pick<'a>(rng: &mut Rng, items: &'a [String]) -> Option<&'a String> {
    (!items.is_empty()).then(|| &items[rng.below(items.len() as u64) as usize])
}

/// One admin's action on their desktop; refusals by the desktop's own rules are fine.
fn act(rng: &mut Rng, db: &Database, step: usize, emails: &mut Vec<String>) {
    let users = ids(db, "SELECT id FROM customer_user ORDER BY seq");
    match rng.below(10) {
        0 | 1 => {
            let customers = ids(db, "SELECT id FROM customer ORDER BY id");
            let Some(customer) = pick(rng, &customers) else {
                return;
            };
            // Now and then an e-mail another desktop used: the server's rule must refuse one.
            let email = match pick(rng, emails).filter(|_| rng.chance(30)) {
                Some(e) => e.clone(),
                None => format!("sim{step}-{}@example.com", rng.below(1_000_000)),
            };
            let input = cu_core::customer_user::input::CustomerUserInput::from_json(json!({
                "firstName": "Sim",
                "lastName": format!("User {step}"),
                "email": email,
                "customer": customer,
                "userRoles": ["ROLE_FRONTEND_BUYER"],
            }))
            .unwrap();
            if account::create(db, &actor(), &input).is_ok() {
                emails.push(email);
            }
        }
        2..=4 => {
            if let Some(id) = pick(rng, &users) {
                let patch = json!({"firstName": format!("Renamed {step}")});
                let _ = account::update(db, &actor(), id, &patch);
            }
        }
        5 | 6 => {
            if let Some(id) = pick(rng, &users) {
                let _ = customer_user::write::set_enabled(db, &actor(), id, rng.chance(50));
            }
        }
        7 => {
            if let Some(id) = pick(rng, &users) {
                let _ = customer_user::write::delete(db, &actor(), id);
            }
        }
        8 => {
            let value = Value::String((8 + rng.below(8)).to_string());
            let _ = settings::set(db, &actor(), "passwordMinLength", &value);
        }
        _ => {
            if let Some(id) = pick(rng, &users) {
                let patch = json!({"lastName": format!("Last {step}"), "middleName": "M"});
                let _ = account::update(db, &actor(), id, &patch);
            }
        }
    }
}

fn sync_once(
    server: &dyn Store,
    rng: &mut Rng,
    ledger: &mut Ledger,
    desktop: &mut Desktop,
    faults: bool,
) -> Result<sync::Report, cu_core::CoreError> {
    // Once the faults stop, time moves on past every clock that was ahead.
    let later_ms = if faults { 0 } else { 11 * 60_000 };
    let mut delayed = desktop.delayed.take();
    let mut gone = desktop.gone;
    let skew_ms = desktop.skew_ms;
    let db = desktop.db();
    let mut link = Link {
        server,
        rng,
        ledger,
        skew_ms,
        later_ms,
        faults,
        delayed: &mut delayed,
        gone: &mut gone,
    };
    let outcome = sync::run(db, &mut link, Join::Ask, &mut |_| {});
    desktop.delayed = delayed;
    desktop.gone = gone;
    outcome
}

/// Everything the server holds, by kind and id.
fn server_records(server: &dyn Store) -> BTreeMap<(String, String), Fields> {
    let mut out = BTreeMap::new();
    let mut cursor = 0;
    loop {
        let page = server.pull(cursor, 1000).unwrap();
        for row in page.rows {
            out.insert((row.entity, row.entity_id), row.fields);
        }
        cursor = page.next_cursor;
        if !page.has_more {
            return out;
        }
    }
}

fn run(seed: u64, server: &dyn Store) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(seed);
    let mut ledger = Ledger::default();
    let mut desktops: Vec<Desktop> = (0..CLIENTS)
        .map(|i| {
            let path = dir.path().join(format!("desktop{i}.sqlite3"));
            let db = Database::open(&path).unwrap();
            let client_id = db.read(|c| sync::state::client_id(c)).unwrap();
            Desktop {
                path,
                db: Some(db),
                // Up to ±10 min: a desktop more than 5 min ahead has its changes refused.
                skew_ms: rng.below(20 * 60_000) as i64 - 10 * 60_000,
                delayed: None,
                gone: false,
                client_id,
            }
        })
        .collect();
    // The first desktop brings its records to the new team; the others start from them.
    generate::generate(desktops[0].db(), &actor(), 12, |_| {}).unwrap();
    for d in desktops.iter_mut() {
        sync::connect(
            d.db(),
            "sim://server",
            "admin@example.com",
            cu_core::actor::FIRST_ADMIN_ID,
        )
        .unwrap();
    }
    let mut emails = Vec::new();
    for _ in 0..3 {
        for d in desktops.iter_mut() {
            let _ = sync_once(server, &mut rng, &mut ledger, d, false);
        }
    }
    for step in 0..STEPS {
        let i = rng.below(CLIENTS as u64) as usize;
        match rng.below(10) {
            0..=4 => act(&mut rng, desktops[i].db(), step, &mut emails),
            5..=7 => {
                let _ = sync_once(server, &mut rng, &mut ledger, &mut desktops[i], true);
            }
            8 => {
                // A crash after a local commit, before its push: the store is closed as is.
                act(&mut rng, desktops[i].db(), step, &mut emails);
                desktops[i].db = None;
            }
            _ => desktops[i].gone = rng.chance(30),
        }
    }
    // The faults stop; everyone syncs until nothing moves.
    for d in desktops.iter_mut() {
        d.gone = false;
        if let Some(old) = d.delayed.take() {
            let _ = server.push(&old, now_ms() - d.skew_ms);
        }
        // A clock put right.
        d.skew_ms = 0;
    }
    for _ in 0..3 {
        for d in desktops.iter_mut() {
            sync_once(server, &mut rng, &mut ledger, d, false)
                .map_err(|e| format!("a quiet sync failed: {}", e.message))?;
        }
    }

    // No refused change is silent: each is listed on its desktop, unless a later change of
    // the same record was taken since (which clears it).
    for (client, seq, entity, id) in &ledger.refused {
        let d = desktops
            .iter_mut()
            .find(|d| &d.client_id == client)
            .unwrap();
        let listed = sync::status(d.db())
            .unwrap()
            .refused
            .iter()
            .any(|r| r.seq == *seq);
        let cleared = ledger
            .accepted
            .get(&(client.clone(), entity.clone(), id.clone()))
            .is_some_and(|taken| taken > seq);
        if !listed && !cleared {
            return Err(format!(
                "refusal #{seq} of {entity} {id} was never told to {client}"
            ));
        }
    }
    // The admins send again what a clock ahead had refused (time has caught up) and
    // discard what a rule refused; then everyone syncs once more.
    for d in desktops.iter_mut() {
        let refused = sync::status(d.db()).unwrap().refused;
        let mut handled = std::collections::HashSet::new();
        for r in refused {
            // One answer per record settles all its refusals.
            if !handled.insert((r.entity.clone(), r.entity_id.clone())) {
                continue;
            }
            let db = d.db.as_ref().unwrap();
            if r.message.contains("ahead of the server's clock") {
                sync::retry(db, r.seq).unwrap();
                continue;
            }
            let mut delayed = None;
            let mut gone = false;
            let mut link = Link {
                server,
                rng: &mut rng,
                ledger: &mut ledger,
                skew_ms: 0,
                later_ms: 0,
                faults: false,
                delayed: &mut delayed,
                gone: &mut gone,
            };
            sync::discard(db, &mut link, r.seq)
                .map_err(|e| format!("discarding #{}: {}", r.seq, e.message))?;
        }
    }
    for _ in 0..2 {
        for d in desktops.iter_mut() {
            sync_once(server, &mut rng, &mut ledger, d, false)
                .map_err(|e| format!("a quiet sync failed: {}", e.message))?;
        }
    }

    let records = server_records(server);
    // No acknowledged change is lost unless a strictly later stamp replaced it.
    for ((entity, id, field), latest) in &ledger.latest {
        let Some(fields) = records.get(&(entity.clone(), id.clone())) else {
            return Err(format!(
                "{entity} {id} was accepted and is gone from the server"
            ));
        };
        let kept = fields.get(field).map(|v| v.hlc.as_str()).unwrap_or("");
        if kept < latest.as_str() {
            return Err(format!(
                "{entity} {id}.{field}: kept {kept}, accepted {latest}"
            ));
        }
    }
    // Every desktop equals the server.
    for (n, d) in desktops.iter_mut().enumerate() {
        let db = d.db();
        let status = sync::status(db).unwrap();
        if status.pending > 0 || !status.waiting.is_empty() {
            return Err(format!(
                "desktop {n} is not quiet: {} pending, waiting {:?}",
                status.pending, status.waiting
            ));
        }
        for ((entity, id), fields) in &records {
            let here = db.read(|c| sync::entity::state(c, entity, id)).unwrap();
            let equal = if merge::is_deleted(fields) {
                here.as_ref().is_none_or(merge::is_deleted)
            } else {
                here.as_ref() == Some(fields)
            };
            if !equal {
                return Err(format!(
                    "desktop {n} differs on {entity} {id}:\n here:   {here:?}\n server: {fields:?}"
                ));
            }
        }
        let users_here = ids(db, "SELECT id FROM customer_user").len();
        let users_there = records
            .iter()
            .filter(|((e, _), f)| e == "customer_user" && !merge::is_deleted(f))
            .count();
        if users_here != users_there {
            return Err(format!(
                "desktop {n} has {users_here} customer users, the server {users_there}"
            ));
        }
    }
    Ok(())
}

/// The seeds to run: `SIM_SEED`, or the first `SIM_SEEDS` (else `default`).
fn seeds(default: u64) -> Vec<u64> {
    match std::env::var("SIM_SEED") {
        Ok(seed) => vec![seed.parse().expect("SIM_SEED is a number")],
        Err(_) => {
            let n = std::env::var("SIM_SEEDS")
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(default);
            (1..=n).collect()
        }
    }
}

fn check(seeds: &[u64], store: impl Fn() -> (Box<dyn std::any::Any>, Box<dyn Store>)) {
    let failed: Vec<String> = seeds
        .iter()
        .filter_map(|&seed| {
            let (_guard, server) = store();
            run(seed, server.as_ref())
                .err()
                .map(|e| format!("seed {seed}: {e}"))
        })
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} seeds failed (replay one with SIM_SEED=N):\n{}",
        failed.len(),
        seeds.len(),
        failed.join("\n")
    );
}

#[test]
fn five_desktops_converge_on_the_server_through_every_fault() {
    check(&seeds(16), || {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("server.sqlite3")).unwrap();
        (Box::new(dir), Box::new(store))
    });
}

#[test]
fn five_desktops_converge_on_a_postgresql_server_through_every_fault() {
    check(&seeds(4), || {
        let cluster = common::postgres::start();
        let store = PgStore::open(&cluster.url()).unwrap();
        (Box::new(cluster), Box::new(store))
    });
}
