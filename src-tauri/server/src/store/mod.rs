//! Where the server keeps the team's data, behind one trait so the same server runs on an
//! embedded SQLite file or on PostgreSQL: nothing that matters stays in a process's memory.

mod postgres;
mod sqlite;

use cu_sync::wire::{PullResponse, PushRequest, PushResponse, Row, SnapshotResponse};
use serde::Serialize;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

use crate::auth::{Refresh, Session, SessionKeys};
use crate::error::Result;

/// An admin account: a back-office user who signs desktops in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Admin {
    pub id: String,
    pub email: String,
    pub enabled: bool,
    pub created_at: String,
}

/// A record's fields as a store keeps them (JSON text).
fn parse_fields(text: &str) -> Result<cu_sync::merge::Fields> {
    serde_json::from_str(text).map_err(|e| {
        crate::error::ServerError::Storage(format!("A stored record cannot be read: {e}"))
    })
}

pub trait Store: Send + Sync {
    /// Which kind of store this is (`sqlite`, `postgresql`), for `/health` and the log.
    fn kind(&self) -> &'static str;
    /// Whether the store answers.
    fn check(&self) -> Result<()>;
    /// Adds an admin with the argon2id hash of their password.
    fn add_admin(&self, email: &str, password_hash: &str) -> Result<Admin>;
    /// Every admin, in the order they were added.
    fn admins(&self) -> Result<Vec<Admin>>;
    /// Disables the admin with `email` (any case) and ends their sessions.
    fn disable_admin(&self, email: &str) -> Result<Admin>;
    /// The admin with this lowercased e-mail and their password's hash.
    fn admin_credentials(&self, email_lower: &str) -> Result<Option<(Admin, String)>>;
    /// Failed sign-ins of this e-mail since `since_ms`.
    fn sign_in_failures(&self, email_lower: &str, since_ms: i64) -> Result<u64>;
    fn note_sign_in_failure(&self, email_lower: &str, at_ms: i64) -> Result<()>;
    fn create_session(
        &self,
        id: &str,
        admin_id: &str,
        client_id: &str,
        keys: &SessionKeys,
        now_ms: i64,
    ) -> Result<()>;
    /// The session whose access token has this hash, if current and its admin enabled.
    fn session(&self, access_hash: &str, now_ms: i64) -> Result<Option<Session>>;
    /// Swaps the session's tokens for `keys` when `refresh_hash` is its current refresh token.
    fn refresh_session(
        &self,
        refresh_hash: &str,
        keys: &SessionKeys,
        now_ms: i64,
    ) -> Result<Refresh>;
    fn revoke_session(&self, id: &str) -> Result<()>;
    /// Forgets the records deleted before `before_ms`; returns how many.
    fn purge(&self, before_ms: i64) -> Result<u64>;
    /// The server's copy of one record.
    fn record(&self, entity: &str, entity_id: &str) -> Result<Option<Row>>;
    /// Settles a client's batch in one transaction ([`crate::sync::push`]).
    fn push(&self, push: &PushRequest, now_ms: i64) -> Result<PushResponse>;
    /// The records changed after `cursor`, at most `limit`, in version order.
    fn pull(&self, cursor: u64, limit: usize) -> Result<PullResponse>;
    /// The records of `entity` with an id after `after`, at most `limit`, in id order, and
    /// the team's version read before them ([`SnapshotResponse::version`]).
    fn snapshot(&self, entity: &str, after: &str, limit: usize) -> Result<SnapshotResponse>;
}
