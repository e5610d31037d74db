//! Secrets in the OS keychain (Secret Service on Linux, Keychain on macOS, Credential Manager
//! on Windows), never in the database. Each database has its own entries, named after the
//! store's node id, so two databases on one machine keep separate SMTP passwords.

use keyring::Entry;
use rusqlite::OptionalExtension;

use crate::actor::Actor;
use crate::{CoreError, Database, ErrorCode, Result};

/// The keychain service the entries belong to: the app's identifier.
const SERVICE: &str = crate::store::APP_IDENTIFIER;

fn entry(db: &Database, what: &str) -> Result<Entry> {
    let node: Option<String> = db.read(|c| {
        Ok(c.query_row(
            "SELECT value FROM client_state WHERE key = 'node'",
            [],
            |r| r.get(0),
        )
        .optional()?)
    })?;
    let node = node.ok_or_else(|| CoreError::internal("The store has no node id."))?;
    Entry::new(SERVICE, &format!("{what}@{node}")).map_err(unavailable)
}

fn unavailable(err: keyring::Error) -> CoreError {
    CoreError::new(
        ErrorCode::Storage,
        format!("The system keychain is not available: {err}"),
    )
}

/// The SMTP password, if one was saved.
pub fn smtp_password(db: &Database) -> Result<Option<String>> {
    match entry(db, "smtp-password")?.get_password() {
        Ok(p) => Ok(Some(p)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(unavailable(e)),
    }
}

/// Saves the SMTP password, or forgets it when `None` or empty: a setting, so `actor`
/// needs "Manage settings and templates".
pub fn set_smtp_password(db: &Database, actor: &Actor, password: Option<&str>) -> Result<()> {
    db.read(|c| {
        use crate::back_office::capability::{check, Capability};
        check(c, &actor.username, Capability::ManageSettings)
    })?;
    let entry = entry(db, "smtp-password")?;
    match password.filter(|p| !p.is_empty()) {
        Some(p) => entry.set_password(p).map_err(unavailable),
        None => match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(unavailable(e)),
        },
    }
}

/// The team server's tokens of this store's sign-in: `(access, refresh)`.
pub fn sync_tokens(db: &Database) -> Result<Option<(String, String)>> {
    match entry(db, "sync-tokens")?.get_password() {
        Ok(text) => Ok(text
            .split_once('\n')
            .map(|(a, r)| (a.to_string(), r.to_string()))),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(unavailable(e)),
    }
}

/// Saves the team server's tokens, or forgets them (signing out).
pub fn set_sync_tokens(db: &Database, tokens: Option<(&str, &str)>) -> Result<()> {
    let entry = entry(db, "sync-tokens")?;
    match tokens {
        Some((access, refresh)) => entry
            .set_password(&format!("{access}\n{refresh}"))
            .map_err(unavailable),
        None => match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(unavailable(e)),
        },
    }
}
