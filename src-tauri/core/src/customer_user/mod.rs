//! The customer user as the UI and the CLI see it, and reading it back from the store.

pub mod address;
pub mod address_book;
pub mod extra;
pub mod field;
pub mod input;
pub mod password;
pub mod patch;
pub mod rules;
pub mod write;

use std::sync::OnceLock;

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use self::field::{Field, FIELDS};
use crate::reference::{self, Ref, RoleRef};
use crate::{CoreError, ErrorCode, Result};

/// Oro's `cu_auth_status`: the grid's "Password" column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AuthStatus {
    Active,
    Reset,
    /// Older than the maximum password age: the user must choose a new one.
    Expired,
    /// Too many failed sign-ins.
    Locked,
}

impl AuthStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthStatus::Active => "active",
            AuthStatus::Reset => "reset",
            AuthStatus::Expired => "expired",
            AuthStatus::Locked => "locked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(AuthStatus::Active),
            "reset" => Some(AuthStatus::Reset),
            "expired" => Some(AuthStatus::Expired),
            "locked" => Some(AuthStatus::Locked),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AddressType {
    Billing,
    Shipping,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Address {
    pub id: String,
    pub label: Option<String>,
    pub name_prefix: Option<String>,
    pub first_name: Option<String>,
    pub middle_name: Option<String>,
    pub last_name: Option<String>,
    pub name_suffix: Option<String>,
    pub organization: Option<String>,
    pub street: String,
    pub street2: Option<String>,
    pub city: String,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// ISO 3166-2 (`US-CA`), where the country has regions.
    pub region: Option<String>,
    /// The region as typed, where the country has none to pick from.
    #[serde(default)]
    pub region_text: Option<String>,
    pub phone: Option<String>,
    pub types: Vec<AddressType>,
    pub defaults: Vec<AddressType>,
    /// The country's and the region's names, to show.
    #[serde(default)]
    pub country_name: Option<String>,
    #[serde(default)]
    pub region_name: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CustomerUser {
    pub id: String,
    pub name_prefix: Option<String>,
    pub first_name: String,
    pub middle_name: Option<String>,
    pub last_name: String,
    pub name_suffix: Option<String>,
    pub email: String,
    /// Set when the address mixes scripts and may pass for another (see
    /// [`crate::rules::lookalike_problem`]); the user's page shows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub email_warning: Option<String>,
    pub birthday: Option<String>,
    pub enabled: bool,
    pub confirmed: bool,
    pub is_guest: bool,
    pub auth_status: AuthStatus,
    pub has_password: bool,
    #[ts(type = "number")]
    pub login_count: i64,
    pub last_login: Option<String>,
    pub password_changed_at: Option<String>,
    /// When the last reset or set-password link was sent.
    pub password_requested_at: Option<String>,
    /// When that link stops working; `None` once it is used or revoked.
    pub reset_link_expires_at: Option<String>,
    pub confirmation_link_expires_at: Option<String>,
    pub locked_at: Option<String>,
    /// `None` while locked means locked until an admin unlocks.
    pub locked_until: Option<String>,
    pub customer: Ref,
    pub website: Option<Ref>,
    pub preferred_localization: Option<Ref>,
    pub owner: Option<Ref>,
    pub organization: Ref,
    pub user_roles: Vec<RoleRef>,
    pub sales_representatives: Vec<Ref>,
    pub addresses: Vec<Address>,
    /// The values of the organization's own fields (`extra::list`), by name.
    pub extra: serde_json::Map<String, serde_json::Value>,
    pub created_at: String,
    pub updated_at: String,
}

impl CustomerUser {
    /// "First Last" with the optional parts, as Oro's name formatter.
    pub fn full_name(&self) -> String {
        [
            &self.name_prefix,
            &Some(self.first_name.clone()),
            &self.middle_name,
            &Some(self.last_name.clone()),
            &self.name_suffix,
        ]
        .iter()
        .filter_map(|p| p.as_deref().filter(|s| !s.is_empty()))
        .collect::<Vec<_>>()
        .join(" ")
    }
}

/// The customer user's internal id for a public id, or `not_found`.
pub fn require_id(conn: &Connection, id: &str) -> Result<String> {
    conn.query_row("SELECT id FROM customer_user WHERE id = ?1", [id], |r| {
        r.get(0)
    })
    .optional()?
    .ok_or_else(|| CoreError::not_found("Customer user", id))
}

/// The id of the customer user that `key` names: their id, or their e-mail (any case).
/// An e-mail that several users share (guests, or users of other organizations) names the
/// one registered user among them, else it is refused as ambiguous.
pub fn resolve(conn: &Connection, key: &str) -> Result<String> {
    if let Some(id) = conn
        .query_row("SELECT id FROM customer_user WHERE id = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?
    {
        return Ok(id);
    }
    if !key.contains('@') {
        return Err(CoreError::new(
            ErrorCode::NotFound,
            format!("No customer user has the id \"{key}\"."),
        ));
    }
    let holders: Vec<(String, bool)> = conn
        .prepare_cached(
            "SELECT id, is_guest FROM customer_user WHERE email_lowercase = lower(?1)
             ORDER BY is_guest, seq",
        )?
        .query_map([key.trim()], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let registered = holders.iter().filter(|(_, guest)| !guest).count();
    match holders.first() {
        None => Err(CoreError::new(
            ErrorCode::NotFound,
            format!("No customer user has the email \"{key}\"."),
        )),
        // Registered users come first: the one of them, or the one guest.
        Some((id, _)) if registered == 1 || holders.len() == 1 => Ok(id.clone()),
        Some(_) => Err(CoreError::conflict(format!(
            "{} customer users have the email \"{key}\"; name one by its id.",
            holders.len()
        ))),
    }
}

/// The fields [`get`] reads from the `customer_user` row itself: those the field table
/// gives a column, in the table's order, then the customer's name and the localization.
fn read_sql() -> &'static (String, Vec<Field>) {
    static READ: OnceLock<(String, Vec<Field>)> = OnceLock::new();
    READ.get_or_init(|| {
        let fields: Vec<Field> = FIELDS
            .iter()
            .filter(|d| d.column.is_some())
            .map(|d| d.field)
            .collect();
        let columns: Vec<String> = fields
            .iter()
            .map(|f| {
                let column = f.def().column.unwrap_or_default();
                match f {
                    Field::HasPassword => format!("cu.{column} IS NOT NULL"),
                    _ => format!("cu.{column}"),
                }
            })
            .collect();
        let sql = format!(
            "SELECT {}, cu.customer_name, s.localization_id
             FROM customer_user cu
             LEFT JOIN customer_user_settings s ON s.customer_user_id = cu.id AND s.website_id = cu.website_id
             WHERE cu.id = ?1",
            columns.join(", ")
        );
        (sql, fields)
    })
}

pub fn get(conn: &Connection, id: &str) -> Result<CustomerUser> {
    let (sql, read) = read_sql();
    let at = |field: Field| read.iter().position(|&f| f == field).unwrap_or(usize::MAX);
    let (customer_name, localization) = (read.len(), read.len() + 1);
    let mut user = conn
        .prepare_cached(sql)?
        .query_row([id], |r| {
            let status: String = r.get(at(Field::AuthStatus))?;
            Ok((
                CustomerUser {
                    id: r.get(at(Field::Id))?,
                    name_prefix: r.get(at(Field::NamePrefix))?,
                    first_name: r.get(at(Field::FirstName))?,
                    middle_name: r.get(at(Field::MiddleName))?,
                    last_name: r.get(at(Field::LastName))?,
                    name_suffix: r.get(at(Field::NameSuffix))?,
                    email: r.get(at(Field::Email))?,
                    email_warning: None,
                    birthday: r.get(at(Field::Birthday))?,
                    enabled: r.get(at(Field::Enabled))?,
                    confirmed: r.get(at(Field::Confirmed))?,
                    is_guest: r.get(at(Field::IsGuest))?,
                    auth_status: AuthStatus::parse(&status).unwrap_or(AuthStatus::Active),
                    has_password: r.get(at(Field::HasPassword))?,
                    login_count: r.get(at(Field::LoginCount))?,
                    last_login: r.get(at(Field::LastLogin))?,
                    password_changed_at: r.get(at(Field::PasswordChangedAt))?,
                    password_requested_at: r.get(at(Field::PasswordRequestedAt))?,
                    reset_link_expires_at: r.get(at(Field::ResetLinkExpiresAt))?,
                    confirmation_link_expires_at: r.get(at(Field::ConfirmationLinkExpiresAt))?,
                    locked_at: r.get(at(Field::LockedAt))?,
                    locked_until: r.get(at(Field::LockedUntil))?,
                    customer: Ref {
                        id: r.get(at(Field::Customer))?,
                        name: r.get(customer_name)?,
                    },
                    website: None,
                    preferred_localization: None,
                    owner: None,
                    organization: Ref {
                        id: r.get(at(Field::Organization))?,
                        name: String::new(),
                    },
                    user_roles: Vec::new(),
                    sales_representatives: Vec::new(),
                    addresses: Vec::new(),
                    extra: extra::decode(r.get(at(Field::Extra))?),
                    created_at: r.get(at(Field::CreatedAt))?,
                    updated_at: r.get(at(Field::UpdatedAt))?,
                },
                r.get::<_, Option<String>>(at(Field::Website))?,
                r.get::<_, Option<String>>(at(Field::Owner))?,
                r.get::<_, Option<String>>(localization)?,
            ))
        })
        .optional()?;
    let Some((ref mut user, website, owner, localization)) = user else {
        return Err(CoreError::not_found("Customer user", id));
    };
    user.email_warning = crate::rules::lookalike_problem(&user.email);
    user.website = match website {
        Some(w) => Some(reference::get_website(conn, &w).map(|w| Ref {
            id: w.id,
            name: w.name,
        })?),
        None => None,
    };
    user.preferred_localization = localization
        .map(|l| reference::localization_ref(conn, &l))
        .transpose()?
        .flatten();
    user.owner = owner
        .map(|o| reference::user_ref(conn, &o))
        .transpose()?
        .flatten();
    user.organization = reference::organization_ref(conn, &user.organization.id)?;
    user.user_roles = conn
        .prepare(
            "SELECT r.id, r.role, r.label, r.customer_id FROM customer_user_role_link l
             JOIN customer_user_role r ON r.id = l.role_id WHERE l.customer_user_id = ?1 ORDER BY r.label, r.id",
        )?
        .query_map([id], |r| Ok(RoleRef { id: r.get(0)?, role: r.get(1)?, label: r.get(2)?, customer_id: r.get(3)? }))?
        .collect::<rusqlite::Result<_>>()?;
    user.sales_representatives = conn
        .prepare(
            "SELECT u.id, u.first_name || ' ' || u.last_name FROM customer_user_sales_rep s
             JOIN app_user u ON u.id = s.user_id WHERE s.customer_user_id = ?1 ORDER BY u.last_name, u.first_name, u.id",
        )?
        .query_map([id], |r| Ok(Ref { id: r.get(0)?, name: r.get(1)? }))?
        .collect::<rusqlite::Result<_>>()?;
    user.addresses = crate::customer_user::address::list(conn, id)?;
    Ok(user.clone())
}

/// A user as stored, with what the writer needs beside the fields.
pub(crate) struct Stored {
    pub seq: i64,
    /// Each field's clock (JSON).
    pub field_hlc: String,
    pub user: CustomerUser,
}

pub(crate) fn stored(conn: &Connection, id: &str) -> Result<Stored> {
    let (seq, field_hlc) = conn
        .prepare_cached("SELECT seq, field_hlc FROM customer_user WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| CoreError::not_found("Customer user", id))?;
    Ok(Stored {
        seq,
        field_hlc,
        user: get(conn, id)?,
    })
}
