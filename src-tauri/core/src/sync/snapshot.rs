//! Starting from the team's data. A desktop with nothing of its team yet (its cursor is 0: a
//! first sync, or a start again after the server forgot what it missed) reads the team's
//! records kind by kind in [`entity::ORDER`], each kind in pages by id, instead of every
//! change in the order it was made; then it pulls after the version its first page was read
//! at, which brings whatever changed meanwhile. Reading by kind puts what a record refers to
//! first, and lets the two kinds that are most of a team's data go in fast: the customer
//! users, in bulk into a store that has none (one transaction, the grid's indexes built once
//! at the end), and the change records, which never change, straight into History. Pages
//! are read on this thread while the previous one is written on another.

use std::sync::mpsc;

use cu_sync::merge;
use cu_sync::wire::{self, SnapshotResponse};
use serde::{Deserialize, Serialize};

use super::{entity, image, inbox, state, Report, Transport};
use crate::actor::Actor;
use crate::customer_user::write::remote::Bulk;
use crate::store::Tx;
use crate::{CoreError, Database, Result};

/// How far a snapshot got, in `client_state`, so one cut off resumes at its last page kept.
const POSITION: &str = "sync.snapshot";

/// How many records one snapshot page asks for.
const SNAPSHOT_PAGE: usize = 5000;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Position {
    /// The team's version when the first page was read: the pull goes on after it.
    version: Option<u64>,
    /// The kind being read, by its place in [`entity::ORDER`].
    kind: usize,
    /// The last id of that kind kept.
    after: String,
}

impl Position {
    fn load(tx: &rusqlite::Connection) -> Result<Position> {
        Ok(state::get(tx, POSITION)?
            .and_then(|p| serde_json::from_str(&p).ok())
            .unwrap_or_default())
    }

    fn save(&self, tx: &Tx<'_>) -> Result<()> {
        state::set(tx, POSITION, Some(&serde_json::to_string(self)?))
    }

    /// Where the next page starts after `page` of the kind `kind` was kept.
    fn after(kind: usize, page: &SnapshotResponse) -> Position {
        match (page.has_more, page.rows.last()) {
            (true, Some(last)) => Position {
                version: Some(page.version),
                kind,
                after: last.entity_id.clone(),
            },
            _ => Position {
                version: Some(page.version),
                kind: kind + 1,
                after: String::new(),
            },
        }
    }
}

/// Reads every record of the team into this store, then sets the cursor to pull after.
pub(super) fn read_all(
    db: &Database,
    transport: &mut dyn Transport,
    report: &mut Report,
    progress: &mut dyn FnMut(u64),
) -> Result<()> {
    let mut at = db.read(|c| Position::load(c))?;
    let fresh = at.version.is_none() && at.kind == 0 && at.after.is_empty();
    if fresh && db.read(|c| Ok(state::get(c, state::RESTARTED)?.is_none() && has_no_users(c)?))? {
        if let Some(started) = image::start_from(db, transport, report, progress)? {
            return db.write(&Actor::system(), |tx| {
                if let Some(clock) = &started.clock {
                    tx.observe(clock);
                }
                state::set(tx, state::CURSOR, Some(&started.version.to_string()))?;
                state::set(tx, POSITION, None)
            });
        }
    }
    while let Some(&kind) = entity::ORDER.get(at.kind) {
        let restarted = db.read(|c| state::get(c, state::RESTARTED))?.is_some();
        let write: fn(&Database, usize, Pages<'_>) -> Result<Report> = if kind
            == entity::CUSTOMER_USER
            && at.after.is_empty()
            && !restarted
            && db.read(|c| has_no_users(c))?
        {
            write_users
        } else if kind == entity::CHANGE {
            write_changes
        } else {
            merge_pages
        };
        let index = at.kind;
        let written = read_kind(transport, kind, &mut at, report, progress, |pages| {
            write(db, index, pages)
        })?;
        report.applied += written.applied;
        at = db.read(|c| Position::load(c))?;
    }
    inbox::retry_waiting(db, report)?;
    db.write(&Actor::system(), |tx| {
        let version = at.version.unwrap_or(0);
        state::set(tx, state::CURSOR, Some(&version.to_string()))?;
        state::set(tx, POSITION, None)
    })
}

/// The pages of one kind, checked, as they arrive.
type Pages<'a> = &'a mut dyn Iterator<Item = Result<SnapshotResponse>>;

/// Reads the pages of `kind` from `at` on this thread and hands each to `write` on another,
/// which keeps them with the position after each and returns what it wrote. A page that
/// cannot be read ends the pages with its error.
fn read_kind(
    transport: &mut dyn Transport,
    kind: &str,
    at: &mut Position,
    report: &mut Report,
    progress: &mut dyn FnMut(u64),
    write: impl FnOnce(Pages<'_>) -> Result<Report> + Send,
) -> Result<Report> {
    let (send, receive) = mpsc::sync_channel::<Result<SnapshotResponse>>(2);
    std::thread::scope(|scope| {
        let writer = scope.spawn(move || write(&mut receive.into_iter()));
        loop {
            let page = transport
                .snapshot(kind, &at.after, SNAPSHOT_PAGE)
                .map_err(CoreError::from)
                .and_then(|page| checked(kind, page))
                .map(|mut page| {
                    // Every page of a snapshot pulls on after its first one's version.
                    page.version = *at.version.get_or_insert(page.version);
                    page
                });
            let more = match &page {
                Ok(page) => {
                    report.pulled += page.rows.len() as u64;
                    if let Some(last) = page.rows.last() {
                        at.after = last.entity_id.clone();
                    }
                    page.has_more
                }
                Err(_) => false,
            };
            if send.send(page).is_err() {
                // The writer stopped: its error says why.
                break;
            }
            progress(report.pulled);
            if !more {
                break;
            }
        }
        drop(send);
        writer
            .join()
            .map_err(|_| CoreError::internal("Writing the team's records stopped unexpectedly."))?
    })
}

fn checked(kind: &str, page: SnapshotResponse) -> Result<SnapshotResponse> {
    if wire::checksum(&page.rows) != page.checksum {
        return Err(CoreError::conflict(
            "A page from the server does not match its checksum: nothing of it was kept. \
             Sync again; if it happens again, the server or the network alters data.",
        ));
    }
    if page.rows.iter().any(|r| r.entity != kind) || (page.has_more && page.rows.is_empty()) {
        return Err(CoreError::conflict(format!(
            "The server answered a request for its {kind} records with something else: \
             nothing of the page was kept."
        )));
    }
    Ok(page)
}

/// Records of the smaller kinds, or users into a store that has some: each page kept in the
/// inbox with the position after it, then merged as a pull's pages are.
fn merge_pages(db: &Database, kind: usize, pages: Pages<'_>) -> Result<Report> {
    let mut written = Report::default();
    for page in pages {
        let page = page?;
        let next = serde_json::to_string(&Position::after(kind, &page))?;
        inbox::store_page(db, &page.rows, POSITION, &next)?;
        inbox::apply(db, &mut written)?;
    }
    Ok(written)
}

/// Change records, each page in a transaction with the position after it.
fn write_changes(db: &Database, kind: usize, pages: Pages<'_>) -> Result<Report> {
    let mut written = Report::default();
    for page in pages {
        let page = page?;
        db.write(&Actor::system(), |tx| {
            observe_newest(tx, &page);
            for row in page.rows.iter().filter(|r| !merge::is_deleted(&r.fields)) {
                entity::apply_change(tx, &row.entity_id, &row.fields)?;
                written.applied += 1;
            }
            Position::after(kind, &page).save(tx)
        })?;
    }
    Ok(written)
}

/// Every customer user into a store that has none, in one transaction: the grid shows the
/// team's users all at once, and a snapshot cut off here starts the users again.
fn write_users(db: &Database, kind: usize, pages: Pages<'_>) -> Result<Report> {
    let mut written = Report::default();
    db.write(&Actor::system(), |tx| {
        tx.in_bulk(|tx| {
            // The window may have added a user since this store was found empty.
            let mut bulk = if has_no_users(tx)? {
                Some(Bulk::begin(tx)?)
            } else {
                None
            };
            let mut at = Position::default();
            for page in pages {
                let page = page?;
                observe_newest(tx, &page);
                for row in &page.rows {
                    let waiting = match bulk.as_mut() {
                        Some(_) if merge::is_deleted(&row.fields) => {
                            entity::apply(tx, &row.entity, &row.entity_id, &row.fields)?
                        }
                        Some(bulk) => bulk.add(tx, &row.entity_id, &row.fields)?,
                        None => inbox::merge_one(
                            tx,
                            &row.entity,
                            &row.entity_id,
                            &row.fields,
                            &mut written,
                        )?,
                    };
                    match waiting {
                        Some(reason) => inbox::set_waiting(tx, row, &reason)?,
                        None if bulk.is_some() => written.applied += 1,
                        None => {}
                    }
                }
                at = Position::after(kind, &page);
            }
            if let Some(bulk) = bulk {
                bulk.finish(tx)?;
            }
            at.save(tx)
        })
    })?;
    Ok(written)
}

fn has_no_users(conn: &rusqlite::Connection) -> Result<bool> {
    Ok(
        conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM customer_user)", [], |r| {
            r.get(0)
        })?,
    )
}

/// Moves this desktop's clock past the newest stamp of the page (once for the page, not for
/// every record).
fn observe_newest(tx: &mut Tx<'_>, page: &SnapshotResponse) {
    let newest = page
        .rows
        .iter()
        .flat_map(|r| r.fields.values().map(|v| v.hlc.as_str()))
        .max()
        .map(str::to_string);
    if let Some(newest) = newest {
        tx.observe(&newest);
    }
}
