//! Where the server keeps the team's data, behind one trait so the same server runs on an
//! embedded SQLite file or on PostgreSQL: nothing that matters stays in a process's memory.

mod sqlite;

use cu_sync::wire::{PullResponse, PushRequest, PushResponse};
use serde::Serialize;

pub use sqlite::SqliteStore;

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

pub trait Store: Send + Sync {
    /// Which kind of store this is (`sqlite`, `postgresql`), for `/health` and the log.
    fn kind(&self) -> &'static str;
    /// Whether the store answers.
    fn check(&self) -> Result<()>;
    /// Adds an admin with the argon2id hash of their password.
    fn add_admin(&self, email: &str, password_hash: &str) -> Result<Admin>;
    /// Every admin, in the order they were added.
    fn admins(&self) -> Result<Vec<Admin>>;
    /// Disables the admin with `email` (any case).
    fn disable_admin(&self, email: &str) -> Result<Admin>;
    /// Settles a client's batch in one transaction ([`crate::sync::push`]).
    fn push(&self, push: &PushRequest, now_ms: i64) -> Result<PushResponse>;
    /// The records changed after `cursor`, at most `limit`, in version order.
    fn pull(&self, cursor: u64, limit: usize) -> Result<PullResponse>;
}
