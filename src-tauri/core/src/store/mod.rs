//! The embedded SQLite store: opening, migrating, and the one write path.
//!
//! Every write runs in [`Database::write`] on the one writing connection, which hands the
//! closure a [`Tx`]: a transaction plus this client's clock and actor, so rows and their
//! change records commit together. Reads run on a small pool of read-only connections
//! ([`Database::read`]) and never wait for a write.

mod checkpoint;
mod image;
mod open;
pub mod sort_ranks;
pub mod ui_state;

use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard};

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, TransactionBehavior};

use crate::actor::Actor;
use crate::{CoreError, Result};
use checkpoint::Checkpointer;
use cu_sync::hlc::Hlc;
use open::{
    is_permission_error, load_clock, migrate, migrations_due, open_read_only, open_reader,
    open_writer,
};
use sort_ranks::SortRanks;

/// The store's schema: its latest migration applied.
pub(crate) use open::applied_version as schema_version;

/// How long a statement waits for another connection's lock before giving up.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

pub struct Database {
    /// First, so it stops before the connections close.
    checkpoints: Checkpointer,
    path: PathBuf,
    access: Access,
    /// The one connection that writes, with this client's clock.
    writer: Mutex<Writer>,
    /// Connections that only read, so a grid page, an export or a check never waits for a
    /// write (WAL lets each read its own committed snapshot while the writer works).
    readers: Readers,
}

struct Writer {
    conn: Connection,
    clock: Hlc,
    /// Whether the store is connected to a team server, so each change also joins the sync
    /// outbox (a desktop that never syncs keeps no outbox).
    syncing: bool,
}

/// How the store's file can be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    ReadWrite,
    /// A file this user cannot write (a backup, a share): everything reads, nothing writes.
    /// `immutable` when SQLite cannot even create its shared-memory file beside it (a
    /// read-only folder): the file is then read as it is, as SQLite's `immutable=1` does.
    ReadOnly {
        immutable: bool,
    },
}

/// How many read connections may be open at once: the window's grid, view page and History,
/// an export and a check can all read while an import writes.
const MAX_READERS: usize = 4;

struct Readers {
    pool: Mutex<Pool>,
    freed: Condvar,
}

struct Pool {
    idle: Vec<Reader>,
    open: usize,
}

struct Reader {
    conn: Connection,
    /// The grid's sort positions, which describe what this connection sees.
    ranks: SortRanks,
}

impl Database {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date;
    /// [`Database::open`] adds the records every store needs. A file this user cannot write
    /// opens read-only ([`Database::is_read_only`]). Opening writes nothing unless there is
    /// something to migrate or seed, so any number of processes may open a store at once.
    pub(crate) fn open_schema(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.exists() {
                std::fs::create_dir_all(dir).map_err(|e| {
                    CoreError::new(
                        crate::error::ErrorCode::Storage,
                        format!("Cannot create the folder {}: {e}", dir.display()),
                    )
                })?;
            }
        }
        let (conn, access) = match open_writer(path) {
            Ok(conn) => (conn, Access::ReadWrite),
            Err(e) if path.exists() && is_permission_error(&e) => open_read_only(path)?,
            Err(e) => return Err(e.into()),
        };
        if migrations_due(&conn) && access != Access::ReadWrite {
            return Err(CoreError::new(
                crate::error::ErrorCode::Storage,
                format!(
                    "{} is read-only and was made by an older version of the app: open a copy \
                     you can write, and it is brought up to date.",
                    path.display()
                ),
            ));
        }
        let mut conn = conn;
        if access == Access::ReadWrite {
            migrate(&mut conn)?;
        }
        let clock = load_clock(&conn, access)?;
        let syncing = conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM client_state WHERE key = ?1)",
                [JOINED_KEY],
                |r| r.get(0),
            )
            .unwrap_or(false);
        Ok(Database {
            checkpoints: Checkpointer::start(path),
            path: path.to_path_buf(),
            access,
            writer: Mutex::new(Writer {
                conn,
                clock,
                syncing,
            }),
            readers: Readers {
                pool: Mutex::new(Pool {
                    idle: Vec::new(),
                    open: 0,
                }),
                freed: Condvar::new(),
            },
        })
    }

    /// Whether the store is a file this user cannot write: it reads, exports and shows
    /// history, and every change is refused.
    pub fn is_read_only(&self) -> bool {
        self.access != Access::ReadWrite
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Returns once the WAL written so far is copied back into the database file, as far as
    /// readers allow: before the file itself is copied (a backup), or to see that it was.
    pub fn wait_for_checkpoints(&self) {
        self.checkpoints.wait();
    }

    /// Runs read-only work on a read connection, beside any write in progress: it sees what
    /// was committed when each of its statements (or its own transaction) began. The
    /// connection is lent mutably only so a query can bound its own work with a progress
    /// handler (the grid does).
    pub fn read<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        self.read_ranked(|conn, _| f(conn))
    }

    /// [`Database::read`] with the grid's sort positions.
    pub fn read_ranked<T>(
        &self,
        f: impl FnOnce(&mut Connection, &mut SortRanks) -> Result<T>,
    ) -> Result<T> {
        let mut lent = Lent {
            db: self,
            reader: Some(self.take_reader()?),
        };
        let reader = lent.reader.as_mut().expect("lent until dropped");
        f(&mut reader.conn, &mut reader.ranks)
    }

    /// An idle read connection, a new one while fewer than [`MAX_READERS`] are open, or the
    /// first one given back. The last one given back is taken first, so the grid's pages
    /// mostly find the sort positions they built.
    fn take_reader(&self) -> Result<Reader> {
        let mut pool = relock(&self.readers.pool);
        loop {
            if let Some(reader) = pool.idle.pop() {
                return Ok(reader);
            }
            if pool.open < MAX_READERS {
                pool.open += 1;
                drop(pool);
                let opened = open_reader(&self.path, self.access);
                if opened.is_err() {
                    relock(&self.readers.pool).open -= 1;
                }
                return opened;
            }
            pool = self
                .readers
                .freed
                .wait(pool)
                .unwrap_or_else(|p| p.into_inner());
        }
    }

    fn give_back(&self, reader: Reader) {
        let mut pool = relock(&self.readers.pool);
        pool.idle.push(reader);
        self.readers.freed.notify_one();
    }

    /// Runs `f` for `actor` in one IMMEDIATE transaction; commits only if it returns `Ok`.
    pub fn write<T>(&self, actor: &Actor, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        self.write_if(actor, |tx| f(tx).map(|out| (out, true)))
    }

    /// [`Database::write`] where `f` also decides whether to commit: `(out, false)` rolls
    /// back and still returns `out` (a check that must leave no trace, or an
    /// all-or-nothing import that found errors).
    pub fn write_if<T>(
        &self,
        actor: &Actor,
        f: impl FnOnce(&mut Tx<'_>) -> Result<(T, bool)>,
    ) -> Result<T> {
        if self.is_read_only() {
            return Err(CoreError::new(
                crate::error::ErrorCode::Storage,
                format!(
                    "{} is read-only: it can be looked at and exported, not changed.",
                    self.path.display()
                ),
            ));
        }
        let out = relock(&self.writer).write_if(actor.clone(), f)?;
        self.checkpoints.after_commit();
        Ok(out)
    }

    /// Runs `f` as a write would, on a read connection in one read transaction, and keeps
    /// nothing: a check of a file runs beside an import instead of waiting for it. The
    /// connection refuses writes, so `f` must remember what it would change in memory.
    pub fn dry_run<T>(&self, actor: &Actor, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        let actor = actor.clone();
        self.read(|conn| {
            let mut ctx = Tx {
                tx: conn.transaction()?,
                // Its ticks are thrown away with the transaction.
                clock: Hlc::new("dry-run".into()),
                syncing: false,
                actor,
                now: Utc::now(),
                last_hlc: None,
                import_id: None,
            };
            f(&mut ctx)
        })
    }
}

/// A lock whose holder panicked is still safe to take: SQLite rolled the transaction
/// back, and the values behind these locks are whole at every step.
fn relock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A read connection on loan, given back to the pool when dropped (even by a panic).
struct Lent<'a> {
    db: &'a Database,
    reader: Option<Reader>,
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        if let Some(reader) = self.reader.take() {
            self.db.give_back(reader);
        }
    }
}

impl Writer {
    fn write_if<T>(
        &mut self,
        actor: Actor,
        f: impl FnOnce(&mut Tx<'_>) -> Result<(T, bool)>,
    ) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // The clock advances only if the transaction commits.
        let mut ctx = Tx {
            tx,
            clock: self.clock.clone(),
            syncing: self.syncing,
            actor,
            now: Utc::now(),
            last_hlc: None,
            import_id: None,
        };
        let (out, commit) = f(&mut ctx)?;
        let Tx {
            tx,
            clock,
            last_hlc,
            syncing,
            ..
        } = ctx;
        if !commit {
            tx.rollback()?;
            return Ok(out);
        }
        if let Some(last) = last_hlc {
            tx.execute(
                "INSERT INTO client_state (key, value) VALUES ('hlc', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [&last],
            )?;
        }
        tx.commit()?;
        self.clock = clock;
        self.syncing = syncing;
        Ok(out)
    }
}

/// A write transaction with this client's clock and the acting admin.
pub struct Tx<'a> {
    pub tx: rusqlite::Transaction<'a>,
    clock: Hlc,
    syncing: bool,
    actor: Actor,
    now: DateTime<Utc>,
    last_hlc: Option<String>,
    /// The import whose rows this transaction writes, named in every change record.
    import_id: Option<String>,
}

impl Tx<'_> {
    /// The username of the back-office user who acts.
    pub fn actor(&self) -> &str {
        &self.actor.username
    }

    /// The transaction's time, the same for every row it writes.
    pub fn now(&self) -> String {
        timestamp(self.now)
    }

    pub fn now_utc(&self) -> DateTime<Utc> {
        self.now
    }

    /// A fresh HLC timestamp for one record's write.
    pub fn tick(&mut self) -> String {
        let hlc = self.clock.tick(self.now.timestamp_millis());
        self.last_hlc = Some(hlc.clone());
        hlc
    }

    /// Moves this client's clock past a stamp another desktop made, so its next change is
    /// later than everything it has seen. The server has held each stamp to its own clock
    /// already; this desktop's clock may be behind the server's, so only a stamp a day
    /// ahead (a broken clock) is left out.
    pub fn observe(&mut self, hlc: &str) {
        const OBSERVE_DRIFT_MS: i64 = 24 * 60 * 60 * 1000;
        let now = self.now.timestamp_millis();
        if self.clock.observe(hlc, now, OBSERVE_DRIFT_MS).is_ok() {
            // Kept as the last stamp, so a restart resumes past it too.
            self.last_hlc = Some(self.clock.tick(now));
        }
    }

    /// Runs `f` as a write of many rows (an import, a new desktop's first sync): with a
    /// large page cache, since a million rows touch every index's pages; foreign keys
    /// checked at commit, so a statement that cannot fail halfway needs no statement
    /// journal; sorting (an index built again) spilled to temporary files, not memory.
    pub(crate) fn in_bulk<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        /// In KiB (SQLite's default is 2 MB).
        const BULK_CACHE_KIB: i64 = -98_304;
        let cache_size: i64 = self.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        let temp_store: i64 = self.query_row("PRAGMA temp_store", [], |r| r.get(0))?;
        self.execute_batch(&format!(
            "PRAGMA cache_size = {BULK_CACHE_KIB}; PRAGMA defer_foreign_keys = ON;
             PRAGMA temp_store = FILE;"
        ))?;
        let out = f(self);
        self.execute_batch(&format!(
            "PRAGMA cache_size = {cache_size}; PRAGMA temp_store = {temp_store};"
        ))?;
        out
    }

    /// Whether the store is connected to a team server.
    pub fn syncing(&self) -> bool {
        self.syncing
    }

    /// Connects the store to a team server or disconnects it, from this commit on.
    pub(crate) fn set_syncing(&mut self, syncing: bool) {
        self.syncing = syncing;
    }

    /// Queues the record for the next push: a connected store's every change, and the
    /// records a desktop shares when it starts a team.
    pub(crate) fn queue_push(&self, entity: &str, entity_id: &str) -> Result<()> {
        self.tx
            .prepare_cached("INSERT INTO sync_outbox (entity, entity_id) VALUES (?1, ?2)")?
            .execute([entity, entity_id])?;
        Ok(())
    }

    /// Marks the change records written from now on as coming from the import `id`.
    pub fn set_import(&mut self, id: &str) {
        self.import_id = Some(id.to_string());
    }

    /// Appends a change record; `fields` maps each changed field to `[old, new]`.
    pub fn record(
        &mut self,
        entity: &str,
        entity_id: &str,
        op: &str,
        fields: &serde_json::Map<String, serde_json::Value>,
        hlc: &str,
    ) -> Result<()> {
        let change_id = new_id();
        self.tx
            .prepare_cached(
                "INSERT INTO change_log (id, entity, entity_id, op, fields, actor, via, at, hlc, import_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(rusqlite::params![
                change_id,
                entity,
                entity_id,
                op,
                serde_json::to_string(fields)?,
                self.actor.username,
                self.actor.via.as_str(),
                self.now(),
                hlc,
                self.import_id,
            ])?;
        if op == "delete" {
            // Kept so an older edit from elsewhere cannot bring the record back.
            self.tx
                .prepare_cached(
                    "INSERT INTO sync_tombstone (entity, entity_id, hlc) VALUES (?1, ?2, ?3)
                     ON CONFLICT (entity, entity_id) DO UPDATE SET hlc = excluded.hlc",
                )?
                .execute([entity, entity_id, hlc])?;
        }
        if self.syncing {
            self.queue_push(entity, entity_id)?;
            self.queue_push(CHANGE_ENTITY, &change_id)?;
        }
        Ok(())
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.tx
    }
}

/// A new UUIDv7: time-ordered, made here so records can be created offline.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The change records' kind of record, as they sync.
pub const CHANGE_ENTITY: &str = "change_log";

/// The `client_state` key set once the store has joined a team server: from then on, each
/// change also joins the sync outbox.
pub const JOINED_KEY: &str = "sync.joined";

/// The desktop app's identifier (`tauri.conf.json`), which names its data folder.
pub const APP_IDENTIFIER: &str = "org.customerusers.desktop";

/// A record's fields' clocks (`field_hlc`, JSON) with every field of `changes` at `hlc`.
pub(crate) fn clocks_with(
    field_hlc: &str,
    changes: &serde_json::Map<String, serde_json::Value>,
    hlc: &str,
) -> String {
    let mut clocks: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(field_hlc).unwrap_or_default();
    for name in changes.keys() {
        clocks.insert(name.clone(), serde_json::Value::String(hlc.to_string()));
    }
    serde_json::Value::Object(clocks).to_string()
}

/// `%`, `_` and `\` taken literally inside a LIKE pattern with `ESCAPE '\'`.
pub fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
