//! Opening the store's file: for writing, or read-only when this user cannot write it; the
//! migrations; this client's clock.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::{Access, Reader, BUSY_TIMEOUT};
use crate::store::sort_ranks::SortRanks;
use crate::{CoreError, Result};
use cu_sync::hlc::Hlc;

mod embedded {
    refinery::embed_migrations!("../../migrations");
}

/// The writing connection, set up; an error when the file cannot be written.
pub(super) fn open_writer(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // 16 KiB pages for a new store (an existing one keeps its own): a million-user import
    // writes a quarter as many WAL frames and finds them faster, and builds its sort
    // indexes in a third of the time, while grid pages read as fast (docs/benchmarks.md).
    conn.execute_batch("PRAGMA page_size = 16384;")?;
    // Turning a new file to WAL takes a lock SQLite does not wait for: processes creating
    // the store at the same moment try again until one of them has done it.
    let started = std::time::Instant::now();
    while let Err(e) = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
        if e.sqlite_error_code() != Some(rusqlite::ErrorCode::DatabaseBusy)
            || started.elapsed() > BUSY_TIMEOUT
        {
            return Err(e);
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    // A write of the whole store (an import, a store image taken whole) grows the log to the
    // store's size; once checkpointed, it is cut back rather than kept that large.
    conn.execute_batch(
        "PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA wal_autocheckpoint = 0;
         PRAGMA journal_size_limit = 67108864;",
    )?;
    Ok(conn)
}

/// Whether opening failed because this user may not write the file or its folder.
pub(super) fn is_permission_error(e: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode::*;
    matches!(
        e.sqlite_error_code(),
        Some(ReadOnly | CannotOpen | PermissionDenied)
    )
}

/// The store opened read-only, as a reader is.
pub(super) fn open_read_only(path: &Path) -> Result<(Connection, Access)> {
    let plain = Access::ReadOnly { immutable: false };
    let conn = connect(path, plain)?;
    match conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => Ok((conn, plain)),
        Err(e) if is_permission_error(&e) => {
            let immutable = Access::ReadOnly { immutable: true };
            Ok((connect(path, immutable)?, immutable))
        }
        Err(e) => Err(e.into()),
    }
}

/// A connection to the store that `access` allows.
fn connect(path: &Path, access: Access) -> Result<Connection> {
    let conn = match access {
        Access::ReadWrite => Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?,
        Access::ReadOnly { immutable: false } => Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?,
        Access::ReadOnly { immutable: true } => {
            let absolute = std::path::absolute(path).map_err(|e| {
                CoreError::new(
                    crate::error::ErrorCode::Storage,
                    format!("Cannot open {}: {e}", path.display()),
                )
            })?;
            let mut uri = url::Url::from_file_path(&absolute).map_err(|_| {
                CoreError::new(
                    crate::error::ErrorCode::Storage,
                    format!("Cannot open {}.", path.display()),
                )
            })?;
            uri.set_query(Some("immutable=1"));
            Connection::open_with_flags(
                uri.as_str(),
                OpenFlags::SQLITE_OPEN_READ_ONLY
                    | OpenFlags::SQLITE_OPEN_URI
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?
        }
    };
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

/// A connection that cannot write (`query_only`), so nothing but the writer changes the store.
pub(super) fn open_reader(path: &Path, access: Access) -> Result<Reader> {
    let conn = connect(path, access)?;
    conn.execute_batch(
        "PRAGMA query_only = ON;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;",
    )?;
    Ok(Reader {
        conn,
        ranks: SortRanks::default(),
    })
}

/// Brings the schema up to date. All due migrations run in one transaction, so a process
/// killed half-way leaves the store as it was; a process that opens a new store while
/// another migrates it loses the race whole and finds the work done on its next pass.
pub(super) fn migrate(conn: &mut Connection) -> Result<()> {
    let passes = embedded::migrations::runner().get_migrations().len() + 2;
    for _ in 0..passes {
        if !migrations_due(conn) {
            return Ok(());
        }
        let before = applied_version(conn);
        match embedded::migrations::runner().set_grouped(true).run(conn) {
            Ok(_) => return Ok(()),
            Err(_) if applied_version(conn) > before => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

pub(crate) fn applied_version(conn: &Connection) -> i64 {
    conn.query_row(
        "SELECT max(version) FROM refinery_schema_history",
        [],
        |r| r.get::<_, Option<i64>>(0),
    )
    .ok()
    .flatten()
    .unwrap_or(0)
}

/// Whether the store lacks one of the embedded migrations (or is new).
pub(super) fn migrations_due(conn: &Connection) -> bool {
    let newest = embedded::migrations::runner()
        .get_migrations()
        .iter()
        .map(|m| i64::from(m.version()))
        .max()
        .unwrap_or(0);
    applied_version(conn) < newest
}

/// This client's clock. A read-only store that never wrote has no node yet and gets a
/// passing one: it writes nothing to stamp.
pub(super) fn load_clock(conn: &Connection, access: Access) -> Result<Hlc> {
    let node: Option<String> = conn
        .query_row(
            "SELECT value FROM client_state WHERE key = 'node'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let node = match node {
        Some(node) => node,
        None if access != Access::ReadWrite => "read-only".to_string(),
        None => {
            let node = uuid::Uuid::now_v7().simple().to_string()[16..].to_string();
            // Another process opening the store at once may have chosen first: its wins.
            conn.execute(
                "INSERT INTO client_state (key, value) VALUES ('node', ?1)
                 ON CONFLICT (key) DO NOTHING",
                [&node],
            )?;
            conn.query_row(
                "SELECT value FROM client_state WHERE key = 'node'",
                [],
                |r| r.get(0),
            )?
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
