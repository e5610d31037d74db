//! The PostgreSQL store, for a team that runs several server processes behind a load
//! balancer: everything that matters is in the database, and a push serializes on the team's
//! version row, so any number of processes behave as one server.

use std::sync::{Mutex, MutexGuard};

use cu_sync::merge::Fields;
use cu_sync::wire::{PullResponse, PushRequest, PushResponse, Rejected, Row, SnapshotResponse};
use postgres::{Client, NoTls, Transaction};

use super::{parse_fields, Admin, Store};
use crate::auth::{Refresh, Session, SessionKeys};
use crate::error::{Result, ServerError};
use std::collections::HashMap;

use crate::sync::{self, Key, Put, SyncTx};

mod embedded {
    refinery::embed_migrations!("migrations/postgres");
}

pub struct PgStore {
    client: Mutex<Client>,
}

impl From<postgres::Error> for ServerError {
    fn from(e: postgres::Error) -> Self {
        ServerError::Storage(format!("The database refused the operation: {e}"))
    }
}

impl PgStore {
    /// Connects to `url` (`postgres://user@host:port/db`) and brings the schema up to date.
    /// The connection is not encrypted: run the server beside its database or on a private
    /// network.
    pub fn open(url: &str) -> Result<Self> {
        let mut client = Client::connect(url, NoTls).map_err(|e| {
            ServerError::Storage(format!("Cannot connect to the PostgreSQL database: {e}"))
        })?;
        embedded::migrations::runner()
            .set_grouped(true)
            .run(&mut client)
            .map_err(|e| ServerError::Storage(format!("The database cannot be migrated: {e}")))?;
        Ok(PgStore {
            client: Mutex::new(client),
        })
    }

    fn client(&self) -> MutexGuard<'_, Client> {
        self.client.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn admin(row: &postgres::Row) -> Admin {
    Admin {
        id: row.get(0),
        email: row.get(1),
        enabled: row.get(2),
        created_at: row.get(3),
    }
}

fn session(row: &postgres::Row) -> Session {
    Session {
        id: row.get(0),
        admin_id: row.get(1),
        admin_email: row.get(2),
        client_id: row.get(3),
    }
}

/// A record read as `version, entity, entity_id, fields`.
fn stored_row(r: &postgres::Row) -> Result<Row> {
    let version: i64 = r.get(0);
    let fields: String = r.get(3);
    Ok(Row {
        version: version as u64,
        entity: r.get(1),
        entity_id: r.get(2),
        fields: parse_fields(&fields)?,
    })
}

const SESSION_COLUMNS: &str = "s.id, s.admin_id, a.email, s.client_id";

impl Store for PgStore {
    fn kind(&self) -> &'static str {
        "postgresql"
    }

    fn check(&self) -> Result<()> {
        self.client().query_one("SELECT 1", &[])?;
        Ok(())
    }

    fn add_admin(&self, email: &str, password_hash: &str) -> Result<Admin> {
        let mut client = self.client();
        let id = uuid::Uuid::now_v7().to_string();
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let added = client.execute(
            "INSERT INTO admin (id, email, email_lower, password_hash, created_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (email_lower) DO NOTHING",
            &[&id, &email, &email.to_lowercase(), &password_hash, &now],
        )?;
        if added == 0 {
            return Err(ServerError::Conflict(format!(
                "An admin with the email \"{email}\" exists already."
            )));
        }
        let row = client.query_one(
            "SELECT id, email, enabled, created_at FROM admin WHERE id = $1",
            &[&id],
        )?;
        Ok(admin(&row))
    }

    fn admins(&self) -> Result<Vec<Admin>> {
        Ok(self
            .client()
            .query(
                "SELECT id, email, enabled, created_at FROM admin ORDER BY id",
                &[],
            )?
            .iter()
            .map(admin)
            .collect())
    }

    fn disable_admin(&self, email: &str) -> Result<Admin> {
        let mut client = self.client();
        let mut tx = client.transaction()?;
        let lower = email.to_lowercase();
        tx.execute(
            "UPDATE admin SET enabled = FALSE WHERE email_lower = $1",
            &[&lower],
        )?;
        tx.execute(
            "UPDATE session SET revoked = TRUE
             WHERE admin_id IN (SELECT id FROM admin WHERE email_lower = $1)",
            &[&lower],
        )?;
        let row = tx.query_opt(
            "SELECT id, email, enabled, created_at FROM admin WHERE email_lower = $1",
            &[&lower],
        )?;
        tx.commit()?;
        row.map(|r| admin(&r))
            .ok_or_else(|| ServerError::NotFound(format!("No admin has the email \"{email}\".")))
    }

    fn admin_credentials(&self, email_lower: &str) -> Result<Option<(Admin, String)>> {
        Ok(self
            .client()
            .query_opt(
                "SELECT id, email, enabled, created_at, password_hash FROM admin
                 WHERE email_lower = $1",
                &[&email_lower],
            )?
            .map(|r| (admin(&r), r.get(4))))
    }

    fn sign_in_failures(&self, email_lower: &str, since_ms: i64) -> Result<u64> {
        let n: i64 = self
            .client()
            .query_one(
                "SELECT count(*) FROM sign_in_failure WHERE email_lower = $1 AND at >= $2",
                &[&email_lower, &since_ms],
            )?
            .get(0);
        Ok(n as u64)
    }

    fn note_sign_in_failure(&self, email_lower: &str, at_ms: i64) -> Result<()> {
        let mut client = self.client();
        client.execute(
            "INSERT INTO sign_in_failure (email_lower, at) VALUES ($1, $2)",
            &[&email_lower, &at_ms],
        )?;
        client.execute(
            "DELETE FROM sign_in_failure WHERE at < $1",
            &[&(at_ms - 24 * 60 * 60 * 1000)],
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
        self.client().execute(
            "INSERT INTO session (id, admin_id, client_id, access_hash, access_expires_at,
                refresh_hash, refresh_expires_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                &id,
                &admin_id,
                &client_id,
                &keys.access_hash,
                &keys.access_expires_ms,
                &keys.refresh_hash,
                &keys.refresh_expires_ms,
                &now_ms,
            ],
        )?;
        Ok(())
    }

    fn session(&self, access_hash: &str, now_ms: i64) -> Result<Option<Session>> {
        Ok(self
            .client()
            .query_opt(
                &format!(
                    "SELECT {SESSION_COLUMNS} FROM session s JOIN admin a ON a.id = s.admin_id
                     WHERE s.access_hash = $1 AND s.access_expires_at > $2 AND NOT s.revoked
                        AND a.enabled"
                ),
                &[&access_hash, &now_ms],
            )?
            .map(|r| session(&r)))
    }

    fn refresh_session(
        &self,
        refresh_hash: &str,
        keys: &SessionKeys,
        now_ms: i64,
    ) -> Result<Refresh> {
        let mut client = self.client();
        let mut tx = client.transaction()?;
        let reused = tx.query_opt(
            "SELECT id FROM session WHERE previous_refresh_hash = $1 FOR UPDATE",
            &[&refresh_hash],
        )?;
        if let Some(row) = reused {
            let id: String = row.get(0);
            tx.execute("UPDATE session SET revoked = TRUE WHERE id = $1", &[&id])?;
            tx.commit()?;
            return Ok(Refresh::Reused);
        }
        let current = tx.query_opt(
            &format!(
                "SELECT {SESSION_COLUMNS} FROM session s JOIN admin a ON a.id = s.admin_id
                 WHERE s.refresh_hash = $1 AND s.refresh_expires_at > $2 AND NOT s.revoked
                    AND a.enabled FOR UPDATE OF s"
            ),
            &[&refresh_hash, &now_ms],
        )?;
        let Some(row) = current else {
            return Ok(Refresh::Invalid);
        };
        let found = session(&row);
        tx.execute(
            "UPDATE session SET access_hash = $2, access_expires_at = $3, refresh_hash = $4,
                refresh_expires_at = $5, previous_refresh_hash = refresh_hash WHERE id = $1",
            &[
                &found.id,
                &keys.access_hash,
                &keys.access_expires_ms,
                &keys.refresh_hash,
                &keys.refresh_expires_ms,
            ],
        )?;
        tx.commit()?;
        Ok(Refresh::Rotated(found))
    }

    fn revoke_session(&self, id: &str) -> Result<()> {
        self.client()
            .execute("UPDATE session SET revoked = TRUE WHERE id = $1", &[&id])?;
        Ok(())
    }

    fn record(&self, entity: &str, entity_id: &str) -> Result<Option<Row>> {
        let row = self.client().query_opt(
            "SELECT version, fields FROM record WHERE entity = $1 AND entity_id = $2",
            &[&entity, &entity_id],
        )?;
        row.map(|r| {
            let version: i64 = r.get(0);
            let fields: String = r.get(1);
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
        let mut client = self.client();
        let mut tx = client.transaction()?;
        // Every push, from every server process, takes its turn here.
        tx.execute(
            "SELECT version FROM team_version WHERE id = 1 FOR UPDATE",
            &[],
        )?;
        let answer = sync::push(&mut PgTx(&mut tx), push, now_ms)?;
        tx.commit()?;
        Ok(answer)
    }

    fn purge(&self, before_ms: i64) -> Result<u64> {
        let mut client = self.client();
        let mut tx = client.transaction()?;
        tx.execute(
            "SELECT version FROM team_version WHERE id = 1 FOR UPDATE",
            &[],
        )?;
        let newest: Option<i64> = tx
            .query_one(
                "SELECT max(version) FROM record WHERE deleted_at < $1",
                &[&before_ms],
            )?
            .get(0);
        let purged = tx.execute("DELETE FROM record WHERE deleted_at < $1", &[&before_ms])?;
        if let Some(newest) = newest {
            tx.execute(
                "UPDATE team_version SET purged_through = greatest(purged_through, $1) WHERE id = 1",
                &[&newest],
            )?;
        }
        tx.commit()?;
        Ok(purged)
    }

    fn pull(&self, cursor: u64, limit: usize) -> Result<PullResponse> {
        let limit = limit.min(sync::MAX_PAGE);
        let mut client = self.client();
        let purged: i64 = client
            .query_one("SELECT purged_through FROM team_version WHERE id = 1", &[])?
            .get(0);
        sync::gone(cursor, purged as u64)?;
        let rows = client.query(
            "SELECT version, entity, entity_id, fields FROM record WHERE version > $1
             ORDER BY version LIMIT $2",
            &[&(cursor as i64), &(limit as i64 + 1)],
        )?;
        let rows = rows.iter().map(stored_row).collect::<Result<Vec<_>>>()?;
        Ok(sync::page(cursor, limit, rows))
    }

    fn snapshot(&self, entity: &str, after: &str, limit: usize) -> Result<SnapshotResponse> {
        let limit = limit.min(sync::MAX_SNAPSHOT_PAGE);
        let mut client = self.client();
        // Read before the rows, each statement seeing what was committed when it began. The
        // ids compare in the column's collation, as the primary key orders them: the next
        // page starts after the last id as this store sorts it.
        let version: i64 = client
            .query_one("SELECT version FROM team_version WHERE id = 1", &[])?
            .get(0);
        let rows = client
            .query(
                "SELECT version, entity, entity_id, fields FROM record
                 WHERE entity = $1 AND entity_id > $2 ORDER BY entity_id LIMIT $3",
                &[&entity, &after, &(limit as i64 + 1)],
            )?
            .iter()
            .map(stored_row)
            .collect::<Result<Vec<_>>>()?;
        Ok(sync::snapshot_page(version as u64, limit, rows))
    }
}

/// A push's transaction on PostgreSQL.
struct PgTx<'a, 'b>(&'a mut Transaction<'b>);

impl SyncTx for PgTx<'_, '_> {
    fn last_seq(&mut self, client_id: &str) -> Result<u64> {
        let row = self.0.query_opt(
            "SELECT last_seq FROM sync_client WHERE client_id = $1",
            &[&client_id],
        )?;
        Ok(row.map_or(0, |r| r.get::<_, i64>(0)) as u64)
    }

    fn set_last_seq(&mut self, client_id: &str, seq: u64) -> Result<()> {
        self.0.execute(
            "INSERT INTO sync_client (client_id, last_seq) VALUES ($1, $2)
             ON CONFLICT (client_id) DO UPDATE SET last_seq = excluded.last_seq",
            &[&client_id, &(seq as i64)],
        )?;
        Ok(())
    }

    fn records(&mut self, keys: &[Key]) -> Result<HashMap<Key, Fields>> {
        let (entities, ids): (Vec<&str>, Vec<&str>) =
            keys.iter().map(|(e, i)| (e.as_str(), i.as_str())).unzip();
        let rows = self.0.query(
            "SELECT r.entity, r.entity_id, r.fields FROM record r
             JOIN UNNEST($1::text[], $2::text[]) AS k (entity, entity_id)
               ON r.entity = k.entity AND r.entity_id = k.entity_id",
            &[&entities, &ids],
        )?;
        rows.iter()
            .map(|r| {
                let fields: String = r.get(2);
                Ok(((r.get(0), r.get(1)), parse_fields(&fields)?))
            })
            .collect()
    }

    fn put_records(&mut self, puts: &[Put]) -> Result<()> {
        if puts.is_empty() {
            return Ok(());
        }
        // One array per column, for one multi-row statement.
        let entities: Vec<&str> = puts.iter().map(|p| p.entity.as_str()).collect();
        let ids: Vec<&str> = puts.iter().map(|p| p.entity_id.as_str()).collect();
        let fields = puts
            .iter()
            .map(|p| serde_json::to_string(&p.fields))
            .collect::<std::result::Result<Vec<String>, _>>()
            .map_err(|e| ServerError::Storage(format!("A record cannot be written: {e}")))?;
        let versions: Vec<i64> = puts.iter().map(|p| p.version as i64).collect();
        let email_keys: Vec<Option<&str>> = puts.iter().map(|p| p.email_key.as_deref()).collect();
        let deleted: Vec<Option<i64>> = puts.iter().map(|p| p.deleted_at).collect();
        self.0.execute(
            "INSERT INTO record (entity, entity_id, fields, version, email_key, deleted_at)
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[],
                $6::bigint[])
             ON CONFLICT (entity, entity_id) DO UPDATE SET fields = excluded.fields,
                version = excluded.version, email_key = excluded.email_key,
                deleted_at = excluded.deleted_at",
            &[&entities, &ids, &fields, &versions, &email_keys, &deleted],
        )?;
        Ok(())
    }

    fn email_holder(&mut self, email_key: &str) -> Result<Option<String>> {
        Ok(self
            .0
            .query_opt(
                "SELECT entity_id FROM record WHERE email_key = $1 LIMIT 1",
                &[&email_key],
            )?
            .map(|r| r.get(0)))
    }

    fn note_rejected(&mut self, client_id: &str, rejected: &Rejected) -> Result<()> {
        self.0.execute(
            "INSERT INTO sync_rejection (client_id, seq, field, message) VALUES ($1, $2, $3, $4)
             ON CONFLICT (client_id, seq) DO NOTHING",
            &[
                &client_id,
                &(rejected.seq as i64),
                &rejected.field,
                &rejected.message,
            ],
        )?;
        Ok(())
    }

    fn rejected_in(
        &mut self,
        client_id: &str,
        seqs: std::ops::RangeInclusive<u64>,
    ) -> Result<Vec<Rejected>> {
        Ok(self
            .0
            .query(
                "SELECT seq, field, message FROM sync_rejection
                 WHERE client_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq",
                &[&client_id, &(*seqs.start() as i64), &(*seqs.end() as i64)],
            )?
            .iter()
            .map(|r| Rejected {
                seq: r.get::<_, i64>(0) as u64,
                field: r.get(1),
                message: r.get(2),
            })
            .collect())
    }

    fn reserve_versions(&mut self, n: u64) -> Result<u64> {
        let after: i64 = self
            .0
            .query_one(
                "UPDATE team_version SET version = version + $1 WHERE id = 1 RETURNING version",
                &[&(n as i64)],
            )?
            .get(0);
        Ok(after as u64 + 1 - n)
    }
}
