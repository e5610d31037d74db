//! Offline-first sync with the team server (`docs/sync.md`). Every change of a connected
//! store joins the outbox in its own transaction; [`run`] pushes the outbox in batches the
//! server settles by sequence, then pulls the pages changed after its cursor into the
//! inbox and merges them, field by field, into the store. The network is behind
//! [`Transport`]: HTTP in the app and the CLI, an in-process server in the simulation.

pub mod entity;
pub mod image;
mod inbox;
mod join;
mod outbox;
mod snapshot;
pub mod state;

use cu_sync::wire::{ImageInfo, PullResponse, PushRequest, PushResponse, Row, SnapshotResponse};
use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::actor::Actor;
use crate::{CoreError, Database, ErrorCode, Result};

pub use join::{join, Join};

/// How many rows one pull asks for.
pub const PAGE: usize = 1000;

/// Why the server did not answer as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Not reachable, or it answered with a server error: try again later.
    Offline(String),
    /// The admin must sign in again (the session ended or was revoked).
    SignedOut(String),
    /// The server lost track of what it settled from this desktop: "send from #N".
    Conflict(String),
    /// This desktop is too far behind: what it missed is no longer kept, so it starts again
    /// from the team's data.
    Gone(String),
    /// The server refused the request itself (too large, malformed): a bug to report.
    Refused(String),
}

impl Failure {
    pub fn message(&self) -> &str {
        match self {
            Failure::Offline(m)
            | Failure::SignedOut(m)
            | Failure::Conflict(m)
            | Failure::Gone(m)
            | Failure::Refused(m) => m,
        }
    }
}

impl From<Failure> for CoreError {
    fn from(f: Failure) -> Self {
        let code = match f {
            Failure::Offline(_) => ErrorCode::Unavailable,
            Failure::SignedOut(_) => ErrorCode::Unauthorized,
            Failure::Conflict(_) | Failure::Gone(_) => ErrorCode::Conflict,
            Failure::Refused(_) => ErrorCode::Validation,
        };
        CoreError::new(code, f.message().to_string())
    }
}

/// The team server, as sync needs it.
pub trait Transport {
    fn push(&mut self, request: &PushRequest) -> std::result::Result<PushResponse, Failure>;
    fn pull(&mut self, cursor: u64, limit: usize) -> std::result::Result<PullResponse, Failure>;
    /// The team's records of `entity` after the id `after` ("" for the first), in id order.
    fn snapshot(
        &mut self,
        entity: &str,
        after: &str,
        limit: usize,
    ) -> std::result::Result<SnapshotResponse, Failure>;
    /// The server's copy of one record, or `None` when it has none.
    fn fetch(&mut self, entity: &str, id: &str) -> std::result::Result<Option<Row>, Failure>;
    /// The server's store image of the team ([`image`]), or `None` when it has none.
    fn image_info(&mut self) -> std::result::Result<Option<ImageInfo>, Failure> {
        Ok(None)
    }
    /// Downloads the image `info` describes into the file `to`, telling `progress` the bytes
    /// received so far, and checks its size and SHA-256 against `info`.
    fn download_image(
        &mut self,
        info: &ImageInfo,
        to: &std::path::Path,
        progress: &mut dyn FnMut(u64),
    ) -> std::result::Result<(), Failure> {
        let _ = (info, to, progress);
        Err(Failure::Refused(
            "This server offers no store image.".into(),
        ))
    }
}

/// What one sync moved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "SyncReport")]
pub struct Report {
    /// Records sent (each change counts once per record it touched).
    #[ts(type = "number")]
    pub pushed: u64,
    /// Of those, how many the server refused (listed in [`Status::refused`]).
    #[ts(type = "number")]
    pub refused: u64,
    /// Records received from the server.
    #[ts(type = "number")]
    pub pulled: u64,
    /// Received records that changed something here.
    #[ts(type = "number")]
    pub applied: u64,
    /// Received records that wait for another (listed in [`Status::waiting`]).
    #[ts(type = "number")]
    pub waiting: u64,
    /// Whether the team's records came whole, as the server's store image ([`image`]).
    pub from_image: bool,
}

/// Where a sync stands, for `sync status` and the window's indicator.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "SyncStatus")]
pub struct Status {
    pub server: Option<String>,
    pub admin: Option<String>,
    /// The server this store has joined (its records are the team's).
    pub joined: Option<String>,
    /// Records changed here that the server has not settled yet.
    #[ts(type = "number")]
    pub pending: u64,
    pub refused: Vec<RefusedChange>,
    pub waiting: Vec<WaitingRecord>,
    pub last_sync: Option<String>,
    pub last_error: Option<String>,
    #[ts(type = "number")]
    pub cursor: u64,
}

/// A change of this desktop that the server refused, until it is fixed or discarded.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RefusedChange {
    #[ts(type = "number")]
    pub seq: u64,
    pub entity: String,
    pub entity_id: String,
    pub field: Option<String>,
    pub message: String,
    pub at: String,
}

/// A record from the server that cannot be written here yet, and why.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WaitingRecord {
    pub entity: String,
    pub entity_id: String,
    pub reason: String,
}

/// Remembers the server this store talks to and the admin signed in to it (the server's
/// id `admin_id` and e-mail), who becomes the store's current admin; the tokens go to the
/// keychain (the caller's). Signing in to another team's server than the one this store
/// joined is allowed: the first sync then asks to replace the local records.
pub fn connect(db: &Database, url: &str, admin: &str, admin_id: &str) -> Result<()> {
    db.write(&Actor::system(), |tx| {
        crate::back_office::sign_in_team_admin(tx, admin_id, admin)?;
        state::set(tx, state::SERVER, Some(url))?;
        state::set(tx, state::ADMIN, Some(admin))?;
        state::set(tx, state::LAST_ERROR, None)
    })
}

/// Forgets the sign-in; every record, the outbox and the cursor stay, so signing in again
/// carries on where this desktop stopped.
pub fn disconnect(db: &Database) -> Result<()> {
    db.write(&Actor::system(), |tx| {
        state::set(tx, state::SERVER, None)?;
        state::set(tx, state::ADMIN, None)
    })
}

pub fn status(db: &Database) -> Result<Status> {
    db.read(|conn| status_in(conn))
}

fn status_in(conn: &Connection) -> Result<Status> {
    let pending: i64 = conn.query_row("SELECT count(*) FROM sync_outbox", [], |r| r.get(0))?;
    let refused = conn
        .prepare(
            "SELECT seq, entity, entity_id, field, message, at FROM sync_rejected ORDER BY seq",
        )?
        .query_map([], |r| {
            Ok(RefusedChange {
                seq: r.get::<_, i64>(0)? as u64,
                entity: r.get(1)?,
                entity_id: r.get(2)?,
                field: r.get(3)?,
                message: r.get(4)?,
                at: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let waiting = conn
        .prepare(
            "SELECT entity, entity_id, waiting FROM sync_inbox WHERE waiting IS NOT NULL
             ORDER BY version LIMIT 100",
        )?
        .query_map([], |r| {
            Ok(WaitingRecord {
                entity: r.get(0)?,
                entity_id: r.get(1)?,
                reason: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Status {
        server: state::get(conn, state::SERVER)?,
        admin: state::get(conn, state::ADMIN)?,
        joined: state::get(conn, state::JOINED)?,
        pending: pending as u64,
        refused,
        waiting,
        last_sync: state::get(conn, state::LAST_SYNC)?,
        last_error: state::get(conn, state::LAST_ERROR)?,
        cursor: state::cursor(conn)?,
    })
}

/// Pushes the outbox and pulls until the server has nothing newer; joins the team first
/// if this store has not (`how` says what to do with its own records then). `progress`
/// hears of each page received, with the rows received so far.
pub fn run(
    db: &Database,
    transport: &mut dyn Transport,
    how: Join,
    progress: &mut dyn FnMut(u64),
) -> Result<Report> {
    let outcome = run_inner(db, transport, how, progress);
    let error = outcome.as_ref().err().map(|e| e.message.clone());
    db.write(&Actor::system(), |tx| {
        if error.is_none() {
            state::set(tx, state::LAST_SYNC, Some(&tx.now()))?;
        }
        state::set(tx, state::LAST_ERROR, error.as_deref())
    })?;
    outcome
}

fn run_inner(
    db: &Database,
    transport: &mut dyn Transport,
    how: Join,
    progress: &mut dyn FnMut(u64),
) -> Result<Report> {
    let server = db.read(|c| state::server_url(c))?.ok_or_else(|| {
        CoreError::new(
            ErrorCode::Unauthorized,
            "This store is not signed in to a team server: sign in first \
             (`customer-users server login URL EMAIL`, or System › Server in the app).",
        )
    })?;
    let joined = db.read(|c| state::get(c, state::JOINED))?;
    if joined.as_deref() != Some(server.as_str()) {
        join::join(db, transport, &server, how)?;
    }
    let mut report = Report::default();
    outbox::push_all(db, transport, &mut report)?;
    match inbox::pull_all(db, transport, &mut report, progress) {
        Err(e) if e.code == ErrorCode::Conflict && e.message.contains("re-bootstrap") => {
            // What this desktop missed is gone from the server: start again from its data,
            // keeping what the outbox still has to say.
            inbox::restart(db)?;
            inbox::pull_all(db, transport, &mut report, progress)?;
        }
        other => other?,
    }
    // A change made here while the pull ran goes out now rather than at the next sync.
    outbox::push_all(db, transport, &mut report)?;
    Ok(report)
}

/// Sends a refused change again at the next sync: for a refusal that time puts right (a
/// clock that was ahead, once it is set right and the server's clock has caught up).
pub fn retry(db: &Database, seq: u64) -> Result<()> {
    let refused = refused_change(db, seq)?;
    db.write(&Actor::system(), |tx| {
        tx.execute(
            "DELETE FROM sync_rejected WHERE entity = ?1 AND entity_id = ?2",
            [&refused.entity, &refused.entity_id],
        )?;
        tx.queue_push(&refused.entity, &refused.entity_id)
    })
}

fn refused_change(db: &Database, seq: u64) -> Result<RefusedChange> {
    status(db)?
        .refused
        .into_iter()
        .find(|r| r.seq == seq)
        .ok_or_else(|| CoreError::not_found("Refused change", &seq.to_string()))
}

/// Drops a refused change: the record goes back to the server's copy (or away, if the
/// server never took it), and its waiting changes leave the outbox.
pub fn discard(db: &Database, transport: &mut dyn Transport, seq: u64) -> Result<()> {
    let refused = refused_change(db, seq)?;
    let server_copy = transport.fetch(&refused.entity, &refused.entity_id)?;
    db.write(&Actor::system(), |tx| {
        let (entity, id) = (refused.entity.as_str(), refused.entity_id.as_str());
        tx.execute(
            "DELETE FROM sync_outbox WHERE entity = ?1 AND entity_id = ?2",
            [entity, id],
        )?;
        tx.execute(
            "DELETE FROM sync_rejected WHERE entity = ?1 AND entity_id = ?2",
            [entity, id],
        )?;
        let waiting = match &server_copy {
            Some(row) => entity::apply(tx, entity, id, &row.fields)?,
            None => {
                let gone = cu_sync::merge::deleted(entity::SEEDED.to_string());
                let waiting = entity::apply(tx, entity, id, &gone)?;
                // The server never had it: nothing to keep a tombstone for.
                tx.execute(
                    "DELETE FROM sync_tombstone WHERE entity = ?1 AND entity_id = ?2",
                    [entity, id],
                )?;
                waiting
            }
        };
        match waiting {
            Some(reason) => Err(CoreError::conflict(format!(
                "The change cannot be discarded yet: {reason}."
            ))),
            None => Ok(()),
        }
    })
}
