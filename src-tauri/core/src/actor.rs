//! Who acts. Every use case that changes the store is told, and every change record names
//! them: the back-office user and how they reached the store.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{CoreError, ErrorCode, Result};

/// The username that work nobody asked for is recorded under: e-mail delivery, password
/// expiry at start-up, sign-in checks, seeding.
pub const SYSTEM: &str = "system";

/// The back-office user every new store has (John Doe), who acts in the CLI unless `--as`
/// names another, and in whose name the app seeds demo data.
pub const FIRST_ADMIN: &str = "admin";

/// The first admin's id, the same in every store, so the desktops of a team never collide
/// on them (`V7__sync.sql` gave older stores this id).
pub const FIRST_ADMIN_ID: &str = "0190a000-0000-7000-8000-000000000020";

/// How the acting user reaches the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Via {
    /// The desktop app's window.
    Window,
    /// The command line.
    Cli,
    /// The app itself, on nobody's request.
    System,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Window => "window",
            Via::Cli => "cli",
            Via::System => "system",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Via::Window, Via::Cli, Via::System]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The back-office user's username (the change log keeps it as it was then).
    pub username: String,
    pub via: Via,
}

impl Actor {
    /// The back-office user `key` (id or username), acting through `via`; refused when no
    /// such user exists, so no change is ever recorded under a name nobody has.
    pub fn back_office(conn: &Connection, key: &str, via: Via) -> Result<Self> {
        let username: Option<String> = conn
            .query_row(
                "SELECT username FROM app_user WHERE (id = ?1 OR username = ?1) AND enabled = 1",
                [key.trim()],
                |r| r.get(0),
            )
            .optional()?;
        match username {
            Some(username) => Ok(Actor { username, via }),
            None => Err(CoreError::new(
                ErrorCode::NotFound,
                format!("No enabled back-office user has the username \"{key}\"."),
            )),
        }
    }

    /// The first admin, for work the app does in their name (demo data).
    pub fn first_admin(via: Via) -> Self {
        Actor {
            username: FIRST_ADMIN.to_string(),
            via,
        }
    }

    pub fn system() -> Self {
        Actor {
            username: SYSTEM.to_string(),
            via: Via::System,
        }
    }
}

/// Who the core's unit tests act as.
#[cfg(test)]
pub(crate) fn admin() -> Actor {
    Actor::first_admin(Via::Window)
}
