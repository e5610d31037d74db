//! A new desktop that starts from the server's store image holds the same team as one that
//! reads the records, keeps what is its own (its identity, outbox, own settings), goes on
//! syncing as a member of the team, and reads the records when the image does not fit its
//! schema. On both stores.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use cu_core::actor::{Actor, Via};
use cu_core::sync::{self, Failure, Join, Transport};
use cu_core::{customer_user, generate, settings, Database};
use cu_sync::wire::{ImageInfo, PullResponse, PushRequest, PushResponse, Row, SnapshotResponse};
use customer_users_server::image::Images;
use customer_users_server::store::{PgStore, SqliteStore, Store};
use serde_json::json;

/// The server without the network, with or without its images.
struct Direct<'a> {
    server: &'a dyn Store,
    images: Option<&'a Images>,
    /// Offers the image as made by another version of the app.
    other_schema: bool,
    downloads: usize,
}

fn offline(e: customer_users_server::error::ServerError) -> Failure {
    Failure::Offline(e.to_string())
}

impl Transport for Direct<'_> {
    fn push(&mut self, request: &PushRequest) -> Result<PushResponse, Failure> {
        self.server
            .push(request, chrono::Utc::now().timestamp_millis())
            .map_err(offline)
    }

    fn pull(&mut self, cursor: u64, limit: usize) -> Result<PullResponse, Failure> {
        self.server.pull(cursor, limit).map_err(offline)
    }

    fn snapshot(
        &mut self,
        entity: &str,
        after: &str,
        limit: usize,
    ) -> Result<SnapshotResponse, Failure> {
        self.server.snapshot(entity, after, limit).map_err(offline)
    }

    fn fetch(&mut self, entity: &str, id: &str) -> Result<Option<Row>, Failure> {
        self.server.record(entity, id).map_err(offline)
    }

    fn image_info(&mut self) -> Result<Option<ImageInfo>, Failure> {
        Ok(self.images.and_then(Images::latest).map(|(mut info, _)| {
            info.schema += i64::from(self.other_schema);
            info
        }))
    }

    fn download_image(
        &mut self,
        info: &ImageInfo,
        to: &Path,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(), Failure> {
        let (_, file) = self.images.and_then(Images::latest).unwrap();
        let bytes = std::fs::copy(file, to).unwrap();
        assert_eq!(bytes, info.bytes);
        progress(bytes);
        self.downloads += 1;
        Ok(())
    }
}

fn actor() -> Actor {
    Actor::first_admin(Via::Cli)
}

fn desktop(dir: &Path, name: &str) -> Database {
    let db = Database::open(&dir.join(format!("{name}.sqlite3"))).unwrap();
    sync::connect(
        &db,
        "sim://server",
        "admin@example.com",
        cu_core::actor::FIRST_ADMIN_ID,
    )
    .unwrap();
    db
}

/// A sync; a desktop with records of its own shares them with the new team.
fn sync_with(db: &Database, transport: &mut Direct<'_>) -> sync::Report {
    sync::run(db, transport, Join::Ask, &mut |_| {}).unwrap()
}

/// Every row of every team table, as text, in a fixed order.
fn team_tables(db: &Database) -> BTreeMap<String, Vec<String>> {
    db.read(|c| {
        let tables: Vec<String> = c
            .prepare(
                "SELECT name FROM sqlite_schema WHERE type = 'table'
                 AND name NOT LIKE 'sqlite_%' ORDER BY name",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = BTreeMap::new();
        let own = |t: &str| sync::image::OWN_TABLES.contains(&t) || t == "refinery_schema_history";
        for table in tables.iter().filter(|t| !own(t)) {
            let mut statement = c.prepare(&format!("SELECT * FROM \"{table}\""))?;
            // When a desktop wrote a record of these kinds is its own: only a customer
            // user's times travel.
            let kept: Vec<usize> = (0..statement.column_count())
                .filter(|&i| {
                    let name = statement.column_name(i).unwrap();
                    match table.as_str() {
                        // How the clocks are kept differs between the desktop that made a
                        // change and one that received it; [`assert_same`] compares them as
                        // sync reads them.
                        "customer_user" => name != "field_hlc",
                        _ => !matches!(name, "created_at" | "updated_at"),
                    }
                })
                .collect();
            let mut rows: Vec<String> = statement
                .query_map([], |r| {
                    let own_setting =
                        table == "setting" && !settings::is_team(&r.get::<_, String>(0)?);
                    let cells: Vec<String> = kept
                        .iter()
                        .map(|&i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                        .collect();
                    Ok((!own_setting).then(|| cells.join("|")))
                })?
                .filter_map(|r| r.transpose())
                .collect::<rusqlite::Result<_>>()?;
            rows.sort();
            out.insert(table.clone(), rows);
        }
        Ok(out)
    })
    .unwrap()
}

/// Fails naming the rows that differ, table by table.
fn assert_same(left_db: &Database, right_db: &Database) {
    let (left, right) = (team_tables(left_db), team_tables(right_db));
    let mut differences = Vec::new();
    for (table, rows) in &left {
        let other = &right[table];
        let only = |a: &Vec<String>, b: &Vec<String>| -> Vec<String> {
            a.iter()
                .filter(|r| !b.contains(r))
                .take(2)
                .cloned()
                .collect()
        };
        let (here, there) = (only(rows, other), only(other, rows));
        if !here.is_empty() || !there.is_empty() {
            differences.push(format!(
                "{table}:\n  only left:  {here:?}\n  only right: {there:?}"
            ));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    for id in ids(left_db) {
        let state = |db: &Database| {
            db.read(|c| sync::entity::state(c, "customer_user", &id))
                .unwrap()
        };
        assert_eq!(state(left_db), state(right_db), "customer user {id}");
    }
}

fn ids(db: &Database) -> Vec<String> {
    db.read(|c| {
        Ok(c.prepare("SELECT id FROM customer_user ORDER BY id")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    })
    .unwrap()
}

fn a_new_desktop_starts_from_the_image_as_from_the_records(server: &dyn Store) {
    let dir = tempfile::tempdir().unwrap();
    let images = Images::new(dir.path().join("images"));
    let mut records = Direct {
        server,
        images: None,
        other_schema: false,
        downloads: 0,
    };

    // A desktop brings its team's records to the server.
    let a = desktop(dir.path(), "a");
    generate::generate(&a, &actor(), 60, |_| {}).unwrap();
    sync_with(&a, &mut records);
    let built = images.build(server).unwrap();
    assert!(built.records > 60, "{built:?}");

    // B sets a setting of its own before it joins, and takes the image.
    let b = desktop(dir.path(), "b");
    settings::set(&b, &actor(), "smtpHost", &json!("mail.b.example")).unwrap();
    let b_node = b.read(|c| sync::state::client_id(c)).unwrap();
    let mut with_image = Direct {
        server,
        images: Some(&images),
        other_schema: false,
        downloads: 0,
    };
    let report = sync_with(&b, &mut with_image);
    assert_eq!(with_image.downloads, 1);
    assert_eq!(report.pulled, built.records, "{report:?}");

    // C reads the records.
    let c = desktop(dir.path(), "c");
    sync_with(&c, &mut records);
    assert_same(&b, &c);

    // B is still itself, with its own setting and where to pull from.
    assert_eq!(b.read(|c| sync::state::client_id(c)).unwrap(), b_node);
    let smtp = b.read(|c| settings::value(c, "smtpHost")).unwrap();
    assert_eq!(smtp, json!("mail.b.example"));
    let status = sync::status(&b).unwrap();
    assert_eq!(status.cursor, built.version);
    assert_eq!(status.pending, 0, "{status:?}");

    // A change made on A after the image reaches B; one made on B reaches C.
    let users = ids(&a);
    customer_user::write::set_enabled(&a, &actor(), &users[0], false).unwrap();
    sync_with(&a, &mut records);
    sync_with(&b, &mut with_image);
    let enabled = |db: &Database, id: &str| db.read(|c| customer_user::get(c, id)).unwrap().enabled;
    assert!(!enabled(&b, &users[0]));
    customer_user::write::set_enabled(&b, &actor(), &users[1], false).unwrap();
    sync_with(&b, &mut with_image);
    sync_with(&c, &mut records);
    assert!(!enabled(&c, &users[1]));
    assert_same(&b, &c);
    assert_eq!(
        with_image.downloads, 1,
        "the image is only for the first sync"
    );

    // An image of another schema is not used: D reads the records and holds the same.
    let d = desktop(dir.path(), "d");
    let mut other = Direct {
        server,
        images: Some(&images),
        other_schema: true,
        downloads: 0,
    };
    sync_with(&d, &mut other);
    assert_eq!(other.downloads, 0);
    assert_same(&d, &c);
}

#[test]
fn on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("server.sqlite3")).unwrap();
    a_new_desktop_starts_from_the_image_as_from_the_records(&store);
}

#[test]
fn on_postgresql() {
    let cluster = common::postgres::start();
    let store = PgStore::open(&cluster.url()).unwrap();
    a_new_desktop_starts_from_the_image_as_from_the_records(&store);
}
