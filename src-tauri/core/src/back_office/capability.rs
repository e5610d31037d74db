//! What each back-office user may do in this app: the capabilities of their back-office
//! role. The window hides or disables what the current admin lacks; the core refuses it all
//! the same, whoever asks (`--as` in the CLI included).

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::SYSTEM;
use crate::store::Tx;
use crate::{CoreError, ErrorCode, Result};

/// The built-in back-office Administrator role, the same in every store
/// (`V8__roles_and_permissions.sql`): everything, whatever its list says.
pub const ADMINISTRATOR_ROLE_ID: &str = "0190a000-0000-7000-8000-000000000030";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "BackOfficeCapability")]
pub enum Capability {
    /// Create, edit, enable, disable and delete customer users (the grid's bulk actions too).
    ManageCustomerUsers,
    ManageRoles,
    ResetPasswords,
    Unlock,
    ImportExport,
    ManageSettings,
    LoginAsCustomerUser,
    ManageBackOfficeUsers,
}

impl Capability {
    pub const ALL: [Capability; 8] = [
        Capability::ManageCustomerUsers,
        Capability::ManageRoles,
        Capability::ResetPasswords,
        Capability::Unlock,
        Capability::ImportExport,
        Capability::ManageSettings,
        Capability::LoginAsCustomerUser,
        Capability::ManageBackOfficeUsers,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Capability::ManageCustomerUsers => "Manage customer users",
            Capability::ManageRoles => "Manage customer user roles",
            Capability::ResetPasswords => "Reset passwords",
            Capability::Unlock => "Unlock",
            Capability::ImportExport => "Import / export",
            Capability::ManageSettings => "Manage settings and templates",
            Capability::LoginAsCustomerUser => "Log in as customer user",
            Capability::ManageBackOfficeUsers => "Manage back-office users and their roles",
        }
    }
}

/// The capabilities of back-office user `username`: every one for the built-in
/// Administrator, none for a user without a role or a disabled one.
pub fn of(conn: &Connection, username: &str) -> Result<Vec<Capability>> {
    let row: Option<(Option<String>, Option<String>, bool)> = conn
        .prepare_cached(
            "SELECT u.role_id, r.capabilities, u.enabled FROM app_user u
             LEFT JOIN app_role r ON r.id = u.role_id WHERE u.username = ?1",
        )?
        .query_row([username], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(match row {
        Some((Some(role), _, true)) if role == ADMINISTRATOR_ROLE_ID => Capability::ALL.to_vec(),
        Some((_, Some(list), true)) => {
            let mut caps: Vec<Capability> = serde_json::from_str(&list).unwrap_or_default();
            caps.sort_unstable();
            caps.dedup();
            caps
        }
        _ => Vec::new(),
    })
}

/// Refuses with `forbidden` unless the transaction's actor has `capability`.
pub fn require(tx: &Tx<'_>, capability: Capability) -> Result<()> {
    check(tx, tx.actor(), capability)
}

/// Refuses with `forbidden` unless back-office user `actor` has `capability` (for work that
/// only reads, such as an export). Work the app does on nobody's request (`system`) needs
/// none.
pub fn check(conn: &Connection, actor: &str, capability: Capability) -> Result<()> {
    if actor == SYSTEM || of(conn, actor)?.contains(&capability) {
        return Ok(());
    }
    let role: Option<String> = conn
        .query_row(
            "SELECT r.label FROM app_user u JOIN app_role r ON r.id = u.role_id
             WHERE u.username = ?1",
            [actor],
            |r| r.get(0),
        )
        .optional()?;
    Err(CoreError::new(
        ErrorCode::Forbidden,
        match role {
            Some(role) => format!(
                "{actor} may not do this: their back-office role \"{role}\" does not have \
                 \"{}\".",
                capability.label()
            ),
            None => format!(
                "{actor} may not do this: they have no back-office role, so not \"{}\".",
                capability.label()
            ),
        },
    ))
}
