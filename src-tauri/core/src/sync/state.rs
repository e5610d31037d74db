//! What this desktop remembers of its team server, in `client_state` under `sync.*` keys:
//! the server's address, the admin signed in, the pull cursor, the last sync and its error.
//! The tokens are not here: they live in the OS keychain (`crate::secrets`).

use rusqlite::{Connection, OptionalExtension};

use crate::Result;

pub(crate) const SERVER: &str = "sync.server";
pub(crate) const ADMIN: &str = "sync.admin";
pub(crate) const CURSOR: &str = "sync.cursor";
pub(crate) const LAST_SYNC: &str = "sync.last_sync";
pub(crate) const LAST_ERROR: &str = "sync.last_error";
const CA_FILE: &str = "sync.ca_file";
const INSECURE_HTTP: &str = "sync.insecure_http";
/// Set once the desktop has joined its team (shared its records or taken the team's).
pub(crate) const JOINED: &str = crate::store::JOINED_KEY;
/// Set while a desktop starts again from the team's data (`inbox::restart`).
pub(crate) const RESTARTED: &str = "sync.restarted";
/// Set when the store's customer users are the demo data set, which is never pushed.
pub(crate) const DEMO: &str = "demo";

pub(crate) fn get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT value FROM client_state WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

pub(crate) fn set(conn: &Connection, key: &str, value: Option<&str>) -> Result<()> {
    match value {
        Some(value) => conn
            .prepare_cached(
                "INSERT INTO client_state (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?
            .execute([key, value])?,
        None => conn
            .prepare_cached("DELETE FROM client_state WHERE key = ?1")?
            .execute([key])?,
    };
    Ok(())
}

/// The team server this store syncs with, if it is connected to one.
pub fn server_url(conn: &Connection) -> Result<Option<String>> {
    get(conn, SERVER)
}

/// [`server_url`] on a read connection of `db`.
pub fn server_url_of(db: &crate::Database) -> Result<Option<String>> {
    db.read(|c| server_url(c))
}

pub(crate) fn cursor(conn: &Connection) -> Result<u64> {
    Ok(get(conn, CURSOR)?.and_then(|c| c.parse().ok()).unwrap_or(0))
}

/// The node id this store signs its changes with: its client id on the server.
pub fn client_id(conn: &Connection) -> Result<String> {
    get(conn, "node")?.ok_or_else(|| crate::CoreError::internal("The store has no node id."))
}

/// How this store reaches its server besides the address: an extra CA file, and whether
/// plain HTTP to another machine was allowed. Kept so a background sync connects as the
/// sign-in did.
pub fn connection_of(db: &crate::Database) -> Result<(Option<String>, bool)> {
    db.read(|c| Ok((get(c, CA_FILE)?, get(c, INSECURE_HTTP)?.is_some())))
}

pub fn set_connection(
    db: &crate::Database,
    ca_file: Option<&str>,
    insecure_http: bool,
) -> Result<()> {
    db.write(&crate::actor::Actor::system(), |tx| {
        set(tx, CA_FILE, ca_file)?;
        set(tx, INSECURE_HTTP, insecure_http.then_some("1"))
    })
}
