//! The embedded store: one SQLite file, the default for a small team or a trial.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{params, Connection, OptionalExtension};

use super::{Admin, Store};
use crate::error::{Result, ServerError};

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
}
