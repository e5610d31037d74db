//! The embedded SQLite store: opening, migrating, and the one write path.
//!
//! Every write runs in [`Database::write`], which hands the closure a [`Tx`]: a transaction
//! plus this client's clock and actor, so rows and their change records commit together.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::grid::SortRanks;
use crate::hlc::Hlc;
use crate::{CoreError, Result};

mod embedded {
    refinery::embed_migrations!("../../migrations");
}

/// The username recorded as actor when nobody else is named (`--actor` in the CLI).
pub const DEFAULT_ACTOR: &str = "admin";

/// How long a statement waits for another connection's lock before giving up.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

pub struct Database {
    path: PathBuf,
    inner: Mutex<Inner>,
}

struct Inner {
    conn: Connection,
    clock: Hlc,
    actor: String,
    /// The grid's sort positions, which describe what this connection sees.
    ranks: SortRanks,
}

impl Database {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                CoreError::new(
                    crate::error::ErrorCode::Storage,
                    format!("Cannot create the folder {}: {e}", dir.display()),
                )
            })?;
        }
        let mut conn = Connection::open(path)?;
        // Before the journal mode: another process's import may hold the store for a while.
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;
             PRAGMA temp_store = MEMORY;",
        )?;
        embedded::migrations::runner().run(&mut conn)?;
        let clock = load_clock(&conn)?;
        let db = Database {
            path: path.to_path_buf(),
            inner: Mutex::new(Inner {
                conn,
                clock,
                actor: DEFAULT_ACTOR.to_string(),
                ranks: SortRanks::default(),
            }),
        };
        crate::base_data::ensure(&db)?;
        Ok(db)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Names the back-office user whose actions are recorded from now on.
    pub fn set_actor(&self, username: &str) {
        self.lock().actor = username.to_string();
    }

    pub fn actor(&self) -> String {
        self.lock().actor.clone()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves SQLite consistent (the transaction rolls
        // back), so the poisoned guard is safe to reuse.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs read-only work on the connection. It is lent mutably only so a query can bound
    /// its own work with a progress handler (the grid does).
    pub fn read<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let mut inner = self.lock();
        f(&mut inner.conn)
    }

    /// [`Database::read`] with the grid's sort positions.
    pub fn read_ranked<T>(
        &self,
        f: impl FnOnce(&mut Connection, &mut SortRanks) -> Result<T>,
    ) -> Result<T> {
        let mut guard = self.lock();
        let inner = &mut *guard;
        f(&mut inner.conn, &mut inner.ranks)
    }

    /// Runs `f` in one IMMEDIATE transaction; commits only if it returns `Ok`.
    pub fn write<T>(&self, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        self.write_if(|tx| f(tx).map(|out| (out, true)))
    }

    /// [`Database::write`] where `f` also decides whether to commit: `(out, false)` rolls
    /// back and still returns `out` (a check that must leave no trace, or an
    /// all-or-nothing import that found errors).
    pub fn write_if<T>(&self, f: impl FnOnce(&mut Tx<'_>) -> Result<(T, bool)>) -> Result<T> {
        self.lock().write_if(f)
    }

    /// [`Database::write_if`] for an import, which may add a large share of the store.
    ///
    /// When no other connection has the store open, it runs in rollback-journal mode: pages
    /// added past the end of the file need no journal, where WAL writes every page twice
    /// (to the log, then back into the file at the checkpoint; 11 s of a million-user
    /// import). A crash leaves a hot journal that SQLite rolls back at the next open, so the
    /// write stays all or nothing. With another connection open it stays in WAL mode.
    pub fn write_bulk_if<T>(&self, f: impl FnOnce(&mut Tx<'_>) -> Result<(T, bool)>) -> Result<T> {
        let mut inner = self.lock();
        let journal = inner
            .conn
            .busy_timeout(std::time::Duration::ZERO)
            .and_then(|()| {
                inner
                    .conn
                    .query_row("PRAGMA journal_mode = DELETE", [], |r| {
                        r.get::<_, String>(0)
                    })
            });
        inner.conn.busy_timeout(BUSY_TIMEOUT)?;
        let out = inner.write_if(f);
        if journal.is_ok_and(|mode| mode.eq_ignore_ascii_case("delete")) {
            // Should this fail (a connection opened meanwhile), the store stays in
            // rollback-journal mode, which works, until it is next opened.
            if let Err(e) = inner
                .conn
                .query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))
            {
                tracing::warn!("cannot return the store to WAL mode: {e}");
            }
        }
        out
    }
}

impl Inner {
    fn write_if<T>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<(T, bool)>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // The clock advances only if the transaction commits.
        let mut ctx = Tx {
            tx,
            clock: self.clock.clone(),
            actor: &self.actor,
            now: Utc::now(),
            last_hlc: None,
            import_id: None,
        };
        let (out, commit) = f(&mut ctx)?;
        let Tx {
            tx,
            clock,
            last_hlc,
            ..
        } = ctx;
        if !commit {
            tx.rollback()?;
            return Ok(out);
        }
        let changed = last_hlc.is_some();
        if let Some(last) = last_hlc {
            tx.execute(
                "INSERT INTO client_state (key, value) VALUES ('hlc', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [&last],
            )?;
        }
        tx.commit()?;
        self.clock = clock;
        // Records changed (not just local state such as the UI's): the grid positions may be off.
        if changed {
            self.ranks.invalidate();
        }
        Ok(out)
    }
}

fn load_clock(conn: &Connection) -> Result<Hlc> {
    let node: Option<String> = conn
        .query_row(
            "SELECT value FROM client_state WHERE key = 'node'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let node = match node {
        Some(node) => node,
        None => {
            let node = uuid::Uuid::now_v7().simple().to_string()[16..].to_string();
            conn.execute(
                "INSERT INTO client_state (key, value) VALUES ('node', ?1)",
                [&node],
            )?;
            node
        }
    };
    let last: Option<String> = conn
        .query_row(
            "SELECT value FROM client_state WHERE key = 'hlc'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    Ok(match last {
        Some(last) => Hlc::resume(node, &last),
        None => Hlc::new(node),
    })
}

/// A write transaction with this client's clock and the acting admin.
pub struct Tx<'a> {
    pub tx: rusqlite::Transaction<'a>,
    clock: Hlc,
    actor: &'a str,
    now: DateTime<Utc>,
    last_hlc: Option<String>,
    /// The import whose rows this transaction writes, named in every change record.
    import_id: Option<String>,
}

impl Tx<'_> {
    pub fn actor(&self) -> &str {
        self.actor
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
        self.tx
            .prepare_cached(
                "INSERT INTO change_log (id, entity, entity_id, op, fields, actor, at, hlc, import_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(rusqlite::params![
                new_id(),
                entity,
                entity_id,
                op,
                serde_json::to_string(fields)?,
                self.actor,
                self.now(),
                hlc,
                self.import_id,
            ])?;
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

/// Where the desktop app and the CLI keep the embedded database unless told otherwise
/// (`--db PATH` or `CUSTOMER_USERS_DB`): the OS app-data folder.
pub fn default_path() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join(APP_IDENTIFIER).join("customer-users.sqlite3"))
}

/// The desktop app's identifier (`tauri.conf.json`), which names its data folder.
pub const APP_IDENTIFIER: &str = "org.customerusers.desktop";
