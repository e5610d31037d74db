//! The server's side of sync on its real SQLite store: pushes settle once however often they
//! come, fields merge by clock, a mutation it cannot take is refused alone, and pulls page
//! through every change exactly once.

mod common;

use cu_sync::merge::{Fields, Versioned};
use cu_sync::wire::{self, Mutation, PushRequest};
use customer_users_server::error::ServerError;
use customer_users_server::store::{PgStore, SqliteStore, Store};
use customer_users_server::sync::MAX_DRIFT_MS;
use serde_json::{json, Value};

const NOW: i64 = 1_800_000_000_000;

fn a_purged_tombstone_sends_a_desktop_that_missed_it_back_to_the_start(store: &dyn Store) {
    push(
        store,
        "a",
        vec![
            set(1, "u1", "firstName", json!("Ann"), NOW - 100, "a"),
            set(2, "u2", "firstName", json!("Bob"), NOW - 100, "a"),
        ],
    );
    let behind = store.pull(0, 1).unwrap().next_cursor;
    push(
        store,
        "a",
        vec![set(3, "u1", "deleted", json!(true), NOW - 50, "a")],
    );
    // Not yet forgotten: a desktop that was away sees the delete.
    assert!(store.pull(behind, 10).is_ok());
    assert_eq!(
        store.purge(i64::MAX).unwrap(),
        1,
        "the tombstone is forgotten"
    );
    let err = store.pull(behind, 10).unwrap_err();
    assert!(matches!(err, ServerError::Gone(_)), "{err}");
    let (rows, _) = pull_all(store, 10);
    let ids: Vec<&str> = rows.iter().map(|r| r.entity_id.as_str()).collect();
    assert_eq!(ids, ["u2"], "starting again finds only what is still there");
}

/// Each test runs on both stores: an SQLite file and a real PostgreSQL.
macro_rules! on_every_store {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    let dir = tempfile::tempdir().unwrap();
                    let store = super::SqliteStore::open(&dir.path().join("server.sqlite3")).unwrap();
                    super::$name(&store);
                }
            )*
        }
        mod postgresql {
            $(
                #[test]
                fn $name() {
                    let cluster = super::common::postgres::start();
                    let store = super::PgStore::open(&cluster.url()).unwrap();
                    super::$name(&store);
                }
            )*
        }
    };
}

fn stamp(ms: i64, node: &str) -> String {
    format!("{ms:013}-00000-{node}")
}

fn set(seq: u64, id: &str, field: &str, value: Value, ms: i64, node: &str) -> Mutation {
    Mutation {
        seq,
        entity: "customer_user".into(),
        entity_id: id.into(),
        fields: Fields::from([(
            field.to_string(),
            Versioned {
                value,
                hlc: stamp(ms, node),
            },
        )]),
    }
}

/// Client "a" setting `firstName` to "v{seq}" on the record `id(seq)` for each `seq`, stamped
/// in `seq` order.
fn first_names(seqs: impl Iterator<Item = u64>, id: impl Fn(u64) -> String) -> Vec<Mutation> {
    seqs.map(|seq| {
        set(
            seq,
            &id(seq),
            "firstName",
            json!(format!("v{seq}")),
            NOW - 1000 + seq as i64,
            "a",
        )
    })
    .collect()
}

fn push(store: &dyn Store, client: &str, mutations: Vec<Mutation>) -> wire::PushResponse {
    store
        .push(
            &PushRequest {
                client_id: client.into(),
                mutations,
            },
            NOW,
        )
        .unwrap()
}

/// Every record the server holds, by pulling from the start in pages of `limit`.
fn pull_all(store: &dyn Store, limit: usize) -> (Vec<wire::Row>, usize) {
    let (mut rows, mut pages, mut cursor) = (Vec::new(), 0, 0);
    loop {
        let page = store.pull(cursor, limit).unwrap();
        assert_eq!(
            page.checksum,
            wire::checksum(&page.rows),
            "the page's checksum"
        );
        assert!(page.next_cursor >= cursor, "cursors only move forward");
        pages += 1;
        cursor = page.next_cursor;
        rows.extend(page.rows);
        if !page.has_more {
            return (rows, pages);
        }
    }
}

fn a_replayed_or_overlapping_batch_changes_nothing(store: &dyn Store) {
    let batch = vec![
        set(1, "u1", "firstName", json!("Ann"), NOW - 10, "a"),
        set(2, "u1", "lastName", json!("Lee"), NOW - 9, "a"),
    ];
    assert_eq!(push(store, "a", batch.clone()).acked_seq, 2);
    let (before, _) = pull_all(store, 100);
    assert_eq!(push(store, "a", batch.clone()).acked_seq, 2);
    let mut overlapping = batch[1..].to_vec();
    overlapping.push(set(3, "u2", "firstName", json!("Bob"), NOW - 8, "a"));
    assert_eq!(push(store, "a", overlapping).acked_seq, 3);
    let (after, _) = pull_all(store, 100);
    assert_eq!(
        after[..before.len()],
        before[..],
        "u1 was not written again"
    );
    assert_eq!(after.len(), 2);
}

fn a_gap_in_the_sequence_is_a_conflict_naming_where_to_resend_from(store: &dyn Store) {
    push(
        store,
        "a",
        vec![set(1, "u1", "firstName", json!("Ann"), NOW, "a")],
    );
    let err = store
        .push(
            &PushRequest {
                client_id: "a".into(),
                mutations: vec![
                    set(2, "u1", "lastName", json!("Lee"), NOW, "a"),
                    set(4, "u1", "lastName", json!("Lei"), NOW, "a"),
                ],
            },
            NOW,
        )
        .unwrap_err();
    assert!(
        matches!(&err, ServerError::Conflict(m) if m.contains("send from #2")),
        "{err}"
    );
    let (rows, _) = pull_all(store, 10);
    assert_eq!(rows.len(), 1, "nothing of the refused batch was kept");
    assert!(!rows[0].fields.contains_key("lastName"));
}

fn fields_merge_by_clock_across_clients(store: &dyn Store) {
    push(
        store,
        "a",
        vec![
            set(1, "u1", "firstName", json!("Ann"), NOW - 100, "a"),
            set(2, "u1", "enabled", json!(true), NOW - 100, "a"),
        ],
    );
    // B, offline, renamed the user earlier than A's edit of the name, and disabled them later.
    push(
        store,
        "b",
        vec![
            set(1, "u1", "firstName", json!("Anna"), NOW - 200, "b"),
            set(2, "u1", "enabled", json!(false), NOW - 50, "b"),
        ],
    );
    let (rows, _) = pull_all(store, 10);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].fields["firstName"].value, "Ann");
    assert_eq!(rows[0].fields["enabled"].value, false);
}

fn a_mutation_it_cannot_take_is_refused_alone_and_never_retried(store: &dyn Store) {
    let ahead = NOW + MAX_DRIFT_MS + 1_000;
    let mut unknown = set(2, "x1", "name", json!("?"), NOW, "a");
    unknown.entity = "password".into();
    let answer = push(
        store,
        "a",
        vec![
            set(1, "u1", "firstName", json!("Ann"), NOW, "a"),
            unknown,
            set(3, "u1", "lastName", json!("Future"), ahead, "a"),
            set(4, "u1", "lastName", json!("Lee"), NOW, "a"),
        ],
    );
    assert_eq!(answer.acked_seq, 4, "refused changes are settled too");
    let reasons: Vec<(u64, Option<String>, bool)> = answer
        .rejected
        .iter()
        .map(|r| {
            (
                r.seq,
                r.field.clone(),
                r.message.contains("clock") || r.message.contains("syncs"),
            )
        })
        .collect();
    assert_eq!(
        reasons,
        [(2, None, true), (3, Some("lastName".into()), true)]
    );
    let (rows, _) = pull_all(store, 10);
    assert_eq!(
        rows[0].fields["lastName"].value, "Lee",
        "the far-ahead stamp was not applied"
    );
}

fn pulls_page_through_every_change_once_whatever_the_page_size(store: &dyn Store) {
    for n in 0..3u64 {
        push(
            store,
            "a",
            first_names(n * 10 + 1..=n * 10 + 10, |seq| format!("u{}", seq % 7)),
        );
    }
    let (all, _) = pull_all(store, 1000);
    assert_eq!(all.len(), 7, "one row per record, at its latest version");
    for (limit, pages) in [(1, 7), (7, 1), (3, 3), (1000, 1)] {
        let (rows, got) = pull_all(store, limit);
        assert_eq!(rows, all, "page size {limit}");
        assert_eq!(got, pages, "page size {limit}");
    }
    let empty = store.pull(all.last().unwrap().version, 10).unwrap();
    assert!(empty.rows.is_empty() && !empty.has_more);
    assert_eq!(empty.next_cursor, all.last().unwrap().version);
    let versions: Vec<u64> = all.iter().map(|r| r.version).collect();
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
}

/// Every snapshot page of `entity`, `limit` records each: the records and how many pages.
fn snapshot_all(store: &dyn Store, entity: &str, limit: usize) -> (Vec<wire::Row>, usize, u64) {
    let (mut rows, mut pages, mut after, mut first_version) = (Vec::new(), 0, String::new(), None);
    loop {
        let page = store.snapshot(entity, &after, limit).unwrap();
        assert_eq!(page.checksum, wire::checksum(&page.rows));
        assert!(page.rows.len() <= limit);
        first_version.get_or_insert(page.version);
        pages += 1;
        if let Some(last) = page.rows.last() {
            after = last.entity_id.clone();
        }
        rows.extend(page.rows);
        if !page.has_more {
            return (rows, pages, first_version.unwrap());
        }
    }
}

fn a_snapshot_pages_through_each_kind_by_id_and_says_where_to_pull_from(store: &dyn Store) {
    let (empty, pages, version) = snapshot_all(store, "customer_user", 10);
    assert!(
        empty.is_empty() && pages == 1 && version == 0,
        "an empty team"
    );
    push(
        store,
        "a",
        first_names(1..=12, |seq| format!("u{:02}", 13 - seq)),
    );
    let mut customer = set(13, "c1", "name", json!("Acme"), NOW - 10, "a");
    customer.entity = "customer".into();
    push(store, "a", vec![customer]);
    let (pulled, _) = pull_all(store, 1000);
    let mut users: Vec<wire::Row> = pulled
        .into_iter()
        .filter(|r| r.entity == "customer_user")
        .collect();
    users.sort_by(|a, b| a.entity_id.cmp(&b.entity_id));
    for (limit, pages) in [(1, 12), (12, 1), (5, 3), (5000, 1)] {
        let (rows, got, version) = snapshot_all(store, "customer_user", limit);
        assert_eq!(
            rows, users,
            "the latest state of each user, by id, page size {limit}"
        );
        assert_eq!(got, pages, "page size {limit}");
        assert_eq!(
            version,
            store.pull(0, 1000).unwrap().next_cursor,
            "pulling after the snapshot's version brings only later commits"
        );
    }
    let (customers, _, _) = snapshot_all(store, "customer", 10);
    assert_eq!(customers.len(), 1, "each kind on its own");
    assert_eq!(customers[0].entity_id, "c1");
}

on_every_store!(
    a_snapshot_pages_through_each_kind_by_id_and_says_where_to_pull_from,
    a_replayed_or_overlapping_batch_changes_nothing,
    a_gap_in_the_sequence_is_a_conflict_naming_where_to_resend_from,
    fields_merge_by_clock_across_clients,
    a_mutation_it_cannot_take_is_refused_alone_and_never_retried,
    pulls_page_through_every_change_once_whatever_the_page_size,
    a_purged_tombstone_sends_a_desktop_that_missed_it_back_to_the_start,
);
