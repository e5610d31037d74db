//! The embedded store: one SQLite file, the default for a small team or a trial.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use cu_sync::merge::Fields;
use cu_sync::wire::{PullResponse, PushRequest, PushResponse, Rejected, Row, SnapshotResponse};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use super::{parse_fields, Admin, Store};
use crate::auth::{Refresh, Session, SessionKeys};
use crate::error::{Result, ServerError};
use std::collections::HashMap;

use crate::sync::{self, Key, Put, SyncTx};

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
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "UPDATE admin SET enabled = 0 WHERE email_lower = ?1",
            [email.to_lowercase()],
        )?;
        tx.execute(
            "UPDATE session SET revoked = 1
             WHERE admin_id IN (SELECT id FROM admin WHERE email_lower = ?1)",
            [email.to_lowercase()],
        )?;
        tx.commit()?;
        conn.query_row(
            "SELECT id, email, enabled, created_at FROM admin WHERE email_lower = ?1",
            [email.to_lowercase()],
            admin,
        )
        .optional()?
        .ok_or_else(|| ServerError::NotFound(format!("No admin has the email \"{email}\".")))
    }

    fn admin_credentials(&self, email_lower: &str) -> Result<Option<(Admin, String)>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id, email, enabled, created_at, password_hash FROM admin
                 WHERE email_lower = ?1",
                [email_lower],
                |r| Ok((admin(r)?, r.get(4)?)),
            )
            .optional()?)
    }

    fn sign_in_failures(&self, email_lower: &str, since_ms: i64) -> Result<u64> {
        Ok(self.conn().query_row(
            "SELECT count(*) FROM sign_in_failure WHERE email_lower = ?1 AND at >= ?2",
            params![email_lower, since_ms],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }

    fn note_sign_in_failure(&self, email_lower: &str, at_ms: i64) -> Result<()> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO sign_in_failure (email_lower, at) VALUES (?1, ?2)",
            params![email_lower, at_ms],
        )?;
        // Old failures count for nothing: keep the table small.
        conn.execute(
            "DELETE FROM sign_in_failure WHERE at < ?1",
            [at_ms - 24 * 60 * 60 * 1000],
        )?;
        Ok(())
    }

    fn create_session(
        &self,
        id: &str,
        admin_id: &str,
        client_id: &str,
        keys: &SessionKeys,
        now_ms: i64,
    ) -> Result<()> {
        self.conn().execute(
            "INSERT INTO session (id, admin_id, client_id, access_hash, access_expires_at,
                refresh_hash, refresh_expires_at, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                id,
                admin_id,
                client_id,
                keys.access_hash,
                keys.access_expires_ms,
                keys.refresh_hash,
                keys.refresh_expires_ms,
                now_ms
            ],
        )?;
        Ok(())
    }

    fn session(&self, access_hash: &str, now_ms: i64) -> Result<Option<Session>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT s.id, s.admin_id, a.email, s.client_id FROM session s
                 JOIN admin a ON a.id = s.admin_id
                 WHERE s.access_hash = ?1 AND s.access_expires_at > ?2 AND s.revoked = 0
                    AND a.enabled = 1",
                params![access_hash, now_ms],
                session_row,
            )
            .optional()?)
    }

    fn refresh_session(
        &self,
        refresh_hash: &str,
        keys: &SessionKeys,
        now_ms: i64,
    ) -> Result<Refresh> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let reused: Option<String> = tx
            .query_row(
                "SELECT id FROM session WHERE previous_refresh_hash = ?1",
                [refresh_hash],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = reused {
            tx.execute("UPDATE session SET revoked = 1 WHERE id = ?1", [&id])?;
            tx.commit()?;
            return Ok(Refresh::Reused);
        }
        let current = tx
            .query_row(
                "SELECT s.id, s.admin_id, a.email, s.client_id FROM session s
                 JOIN admin a ON a.id = s.admin_id
                 WHERE s.refresh_hash = ?1 AND s.refresh_expires_at > ?2 AND s.revoked = 0
                    AND a.enabled = 1",
                params![refresh_hash, now_ms],
                session_row,
            )
            .optional()?;
        let Some(session) = current else {
            return Ok(Refresh::Invalid);
        };
        tx.execute(
            "UPDATE session SET access_hash = ?2, access_expires_at = ?3, refresh_hash = ?4,
                refresh_expires_at = ?5, previous_refresh_hash = refresh_hash WHERE id = ?1",
            params![
                session.id,
                keys.access_hash,
                keys.access_expires_ms,
                keys.refresh_hash,
                keys.refresh_expires_ms
            ],
        )?;
        tx.commit()?;
        Ok(Refresh::Rotated(session))
    }

    fn revoke_session(&self, id: &str) -> Result<()> {
        self.conn()
            .execute("UPDATE session SET revoked = 1 WHERE id = ?1", [id])?;
        Ok(())
    }

    fn record(&self, entity: &str, entity_id: &str) -> Result<Option<Row>> {
        let row: Option<(i64, String)> = self
            .conn()
            .query_row(
                "SELECT version, fields FROM record WHERE entity = ?1 AND entity_id = ?2",
                [entity, entity_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(version, fields)| {
            Ok(Row {
                version: version as u64,
                entity: entity.to_string(),
                entity_id: entity_id.to_string(),
                fields: parse_fields(&fields)?,
            })
        })
        .transpose()
    }

    fn push(&self, push: &PushRequest, now_ms: i64) -> Result<PushResponse> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let answer = sync::push(&mut SqliteTx(&tx), push, now_ms)?;
        tx.commit()?;
        Ok(answer)
    }

    fn purge(&self, before_ms: i64) -> Result<u64> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let newest: Option<i64> = tx.query_row(
            "SELECT max(version) FROM record WHERE deleted_at < ?1",
            [before_ms],
            |r| r.get(0),
        )?;
        let purged = tx.execute("DELETE FROM record WHERE deleted_at < ?1", [before_ms])?;
        if let Some(newest) = newest {
            tx.execute(
                "UPDATE team_version SET purged_through = max(purged_through, ?1) WHERE id = 1",
                [newest],
            )?;
        }
        tx.commit()?;
        Ok(purged as u64)
    }

    fn pull(&self, cursor: u64, limit: usize) -> Result<PullResponse> {
        let limit = limit.min(sync::MAX_PAGE);
        let conn = self.conn();
        let purged: i64 = conn.query_row(
            "SELECT purged_through FROM team_version WHERE id = 1",
            [],
            |r| r.get(0),
        )?;
        sync::gone(cursor, purged as u64)?;
        let mut stmt = conn.prepare_cached(
            "SELECT version, entity, entity_id, fields FROM record WHERE version > ?1
             ORDER BY version LIMIT ?2",
        )?;
        let rows = stmt
            .query_map(params![cursor as i64, limit as i64 + 1], stored_row)?
            .map(|row| to_row(row?))
            .collect::<Result<Vec<_>>>()?;
        Ok(sync::page(cursor, limit, rows))
    }

    fn snapshot(&self, entity: &str, after: &str, limit: usize) -> Result<SnapshotResponse> {
        let limit = limit.min(sync::MAX_SNAPSHOT_PAGE);
        let conn = self.conn();
        let version: i64 =
            conn.query_row("SELECT version FROM team_version WHERE id = 1", [], |r| {
                r.get(0)
            })?;
        let rows = conn
            .prepare_cached(
                "SELECT version, entity, entity_id, fields FROM record
                 WHERE entity = ?1 AND entity_id > ?2 ORDER BY entity_id LIMIT ?3",
            )?
            .query_map(params![entity, after, limit as i64 + 1], stored_row)?
            .map(|row| to_row(row?))
            .collect::<Result<Vec<_>>>()?;
        Ok(sync::snapshot_page(version as u64, limit, rows))
    }
}

fn session_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Session> {
    Ok(Session {
        id: r.get(0)?,
        admin_id: r.get(1)?,
        admin_email: r.get(2)?,
        client_id: r.get(3)?,
    })
}

/// A record read as `version, entity, entity_id, fields`.
fn stored_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, String, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

fn to_row((version, entity, entity_id, fields): (i64, String, String, String)) -> Result<Row> {
    Ok(Row {
        version: version as u64,
        entity,
        entity_id,
        fields: parse_fields(&fields)?,
    })
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

    fn records(&mut self, keys: &[Key]) -> Result<HashMap<Key, Fields>> {
        let mut stmt = self
            .0
            .prepare_cached("SELECT fields FROM record WHERE entity = ?1 AND entity_id = ?2")?;
        let mut found = HashMap::new();
        for key in keys {
            let fields: Option<String> =
                stmt.query_row([&key.0, &key.1], |r| r.get(0)).optional()?;
            if let Some(fields) = fields {
                found.insert(key.clone(), parse_fields(&fields)?);
            }
        }
        Ok(found)
    }

    fn put_records(&mut self, puts: &[Put]) -> Result<()> {
        let mut stmt = self.0.prepare_cached(
            "INSERT INTO record (entity, entity_id, fields, version, email_key, deleted_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (entity, entity_id) DO UPDATE SET fields = excluded.fields,
                version = excluded.version, email_key = excluded.email_key,
                deleted_at = excluded.deleted_at",
        )?;
        for put in puts {
            let json = serde_json::to_string(&put.fields)
                .map_err(|e| ServerError::Storage(format!("A record cannot be written: {e}")))?;
            stmt.execute(params![
                put.entity,
                put.entity_id,
                json,
                put.version as i64,
                put.email_key,
                put.deleted_at
            ])?;
        }
        Ok(())
    }

    fn email_holder(&mut self, email_key: &str) -> Result<Option<String>> {
        Ok(self
            .0
            .prepare_cached("SELECT entity_id FROM record WHERE email_key = ?1 LIMIT 1")?
            .query_row([email_key], |r| r.get(0))
            .optional()?)
    }

    fn note_rejected(&mut self, client_id: &str, rejected: &Rejected) -> Result<()> {
        self.0
            .prepare_cached(
                "INSERT INTO sync_rejection (client_id, seq, field, message) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (client_id, seq) DO NOTHING",
            )?
            .execute(params![
                client_id,
                rejected.seq as i64,
                rejected.field,
                rejected.message
            ])?;
        Ok(())
    }

    fn rejected_in(
        &mut self,
        client_id: &str,
        seqs: std::ops::RangeInclusive<u64>,
    ) -> Result<Vec<Rejected>> {
        let mut stmt = self.0.prepare_cached(
            "SELECT seq, field, message FROM sync_rejection
             WHERE client_id = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq",
        )?;
        let rows = stmt.query_map(
            params![client_id, *seqs.start() as i64, *seqs.end() as i64],
            |r| {
                Ok(Rejected {
                    seq: r.get::<_, i64>(0)? as u64,
                    field: r.get(1)?,
                    message: r.get(2)?,
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn reserve_versions(&mut self, n: u64) -> Result<u64> {
        let after: i64 = self.0.query_row(
            "UPDATE team_version SET version = version + ?1 WHERE id = 1 RETURNING version",
            [n as i64],
            |r| r.get(0),
        )?;
        Ok(after as u64 + 1 - n)
    }
}
