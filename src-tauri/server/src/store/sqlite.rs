//! The embedded store: one SQLite file, the default for a small team or a trial.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use cu_sync::merge::Fields;
use cu_sync::wire::{PullResponse, PushRequest, PushResponse, Row};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use super::{Admin, Store};
use crate::error::{Result, ServerError};
use crate::sync::{self, SyncTx};

mod embedded {
    refinery::embed_migrations!("migrations/sqlite");
}

pub struct SqliteStore {
    conn: Mutex<Connection>,
}

impl SqliteStore {
    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self> {
        let mut conn = Connection::open(path).map_err(|e| {
            ServerError::Storage(format!("Cannot open the database {}: {e}", path.display()))
        })?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // FULL: a write the server acknowledged survives a power cut, not only a crash.
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;",
        )?;
        embedded::migrations::runner()
            .set_grouped(true)
            .run(&mut conn)
            .map_err(|e| ServerError::Storage(format!("The database cannot be migrated: {e}")))?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while it was held rolled its transaction back: the connection is whole.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn admin(row: &rusqlite::Row<'_>) -> rusqlite::Result<Admin> {
    Ok(Admin {
        id: row.get(0)?,
        email: row.get(1)?,
        enabled: row.get(2)?,
        created_at: row.get(3)?,
    })
}

impl Store for SqliteStore {
    fn kind(&self) -> &'static str {
        "sqlite"
    }

    fn check(&self) -> Result<()> {
        self.conn().query_row("SELECT 1", [], |_| Ok(()))?;
        Ok(())
    }

    fn add_admin(&self, email: &str, password_hash: &str) -> Result<Admin> {
        let conn = self.conn();
        let id = uuid::Uuid::now_v7().to_string();
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let added = conn.execute(
            "INSERT INTO admin (id, email, email_lower, password_hash, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (email_lower) DO NOTHING",
            params![id, email, email.to_lowercase(), password_hash, now],
        )?;
        if added == 0 {
            return Err(ServerError::Conflict(format!(
                "An admin with the email \"{email}\" exists already."
            )));
        }
        Ok(conn.query_row(
            "SELECT id, email, enabled, created_at FROM admin WHERE id = ?1",
            [&id],
            admin,
        )?)
    }

    fn admins(&self) -> Result<Vec<Admin>> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare("SELECT id, email, enabled, created_at FROM admin ORDER BY id")?;
        let rows = stmt.query_map([], admin)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn disable_admin(&self, email: &str) -> Result<Admin> {
        let conn = self.conn();
        conn.execute(
            "UPDATE admin SET enabled = 0 WHERE email_lower = ?1",
            [email.to_lowercase()],
        )?;
        conn.query_row(
            "SELECT id, email, enabled, created_at FROM admin WHERE email_lower = ?1",
            [email.to_lowercase()],
            admin,
        )
        .optional()?
        .ok_or_else(|| ServerError::NotFound(format!("No admin has the email \"{email}\".")))
    }

    fn push(&self, push: &PushRequest, now_ms: i64) -> Result<PushResponse> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let answer = sync::push(&mut SqliteTx(&tx), push, now_ms)?;
        tx.commit()?;
        Ok(answer)
    }

    fn pull(&self, cursor: u64, limit: usize) -> Result<PullResponse> {
        let limit = limit.min(sync::MAX_PAGE);
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT version, entity, entity_id, fields FROM record WHERE version > ?1
             ORDER BY version LIMIT ?2",
        )?;
        let rows = stmt
            .query_map(params![cursor as i64, limit as i64 + 1], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?
            .map(|row| {
                let (version, entity, entity_id, fields) = row?;
                Ok(Row {
                    version: version as u64,
                    entity,
                    entity_id,
                    fields: parse_fields(&fields)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(sync::page(cursor, limit, rows))
    }
}

fn parse_fields(text: &str) -> Result<Fields> {
    serde_json::from_str(text)
        .map_err(|e| ServerError::Storage(format!("A stored record cannot be read: {e}")))
}

/// A push's transaction on the SQLite store.
struct SqliteTx<'a>(&'a Transaction<'a>);

impl SyncTx for SqliteTx<'_> {
    fn last_seq(&mut self, client_id: &str) -> Result<u64> {
        let seq: Option<i64> = self
            .0
            .query_row(
                "SELECT last_seq FROM sync_client WHERE client_id = ?1",
                [client_id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(seq.unwrap_or(0) as u64)
    }

    fn set_last_seq(&mut self, client_id: &str, seq: u64) -> Result<()> {
        self.0.execute(
            "INSERT INTO sync_client (client_id, last_seq) VALUES (?1, ?2)
             ON CONFLICT (client_id) DO UPDATE SET last_seq = excluded.last_seq",
            params![client_id, seq as i64],
        )?;
        Ok(())
    }

    fn record(&mut self, entity: &str, entity_id: &str) -> Result<Option<Fields>> {
        let fields: Option<String> = self
            .0
            .prepare_cached("SELECT fields FROM record WHERE entity = ?1 AND entity_id = ?2")?
            .query_row([entity, entity_id], |r| r.get(0))
            .optional()?;
        fields.as_deref().map(parse_fields).transpose()
    }

    fn put_record(
        &mut self,
        entity: &str,
        entity_id: &str,
        fields: &Fields,
        version: u64,
    ) -> Result<()> {
        let json = serde_json::to_string(fields)
            .map_err(|e| ServerError::Storage(format!("A record cannot be written: {e}")))?;
        self.0
            .prepare_cached(
                "INSERT INTO record (entity, entity_id, fields, version) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (entity, entity_id)
                 DO UPDATE SET fields = excluded.fields, version = excluded.version",
            )?
            .execute(params![entity, entity_id, json, version as i64])?;
        Ok(())
    }

    fn next_version(&mut self) -> Result<u64> {
        Ok(self.0.query_row(
            "UPDATE team_version SET version = version + 1 WHERE id = 1 RETURNING version",
            [],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }
}
