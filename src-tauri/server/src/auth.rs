//! Signing desktops in: an admin's e-mail and password give a session for one desktop, with
//! a short-lived access token and a refresh token that changes at every use. Tokens are
//! random, handed out once and kept only as SHA-256 hashes; a refresh token presented a
//! second time was copied, so the session it belongs to ends.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordVerifier};
use argon2::Argon2;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Result, ServerError};
use crate::store::Store;

/// How long tokens last and how many failed sign-ins an e-mail may have.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub access_ttl_ms: i64,
    pub refresh_ttl_ms: i64,
    /// Failed sign-ins allowed per e-mail within [`Policy::failure_window_ms`].
    pub max_failures: u64,
    pub failure_window_ms: i64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            access_ttl_ms: 15 * 60 * 1000,
            refresh_ttl_ms: 30 * 24 * 60 * 60 * 1000,
            max_failures: 10,
            failure_window_ms: 15 * 60 * 1000,
        }
    }
}

/// A signed-in desktop, as a request's access token names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: String,
    pub admin_id: String,
    pub admin_email: String,
    pub client_id: String,
}

/// A new session or a refreshed one, as stored: the tokens' hashes and when they end.
#[derive(Debug, Clone)]
pub struct SessionKeys {
    pub access_hash: String,
    pub access_expires_ms: i64,
    pub refresh_hash: String,
    pub refresh_expires_ms: i64,
}

/// What a refresh token found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refresh {
    Rotated(Session),
    /// The token was used already: someone has a copy, and the session is ended.
    Reused,
    /// Unknown, expired, revoked, or its admin is disabled.
    Invalid,
}

/// The tokens a desktop receives, once.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
    /// Seconds until the access token ends.
    pub expires_in: i64,
    pub admin: String,
    pub admin_id: String,
}

/// Why a sign-in was refused: the same answer whether or not the e-mail has an account.
pub const BAD_CREDENTIALS: &str =
    "The e-mail or the password is wrong, or the account is disabled.";

/// A hash of a random password nobody knows, verified when the e-mail has no account, so a
/// refusal costs one argon2 verify either way.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| crate::admins::hash_password(&token()).unwrap_or_default())
}

/// Signs `email` in for the desktop `client_id` at `now_ms`.
pub fn sign_in(
    store: &dyn Store,
    policy: &Policy,
    email: &str,
    password: &str,
    client_id: &str,
    now_ms: i64,
) -> Result<Tokens> {
    let email_lower = email.trim().to_lowercase();
    if client_id.is_empty() || client_id.len() > 100 {
        return Err(ServerError::invalid(
            "clientId",
            "The desktop has no usable id.",
        ));
    }
    let failures = store.sign_in_failures(
        &email_lower,
        now_ms.saturating_sub(policy.failure_window_ms),
    )?;
    if failures >= policy.max_failures {
        return Err(ServerError::TooMany(format!(
            "Too many failed sign-ins for this e-mail: try again in {} minutes.",
            policy.failure_window_ms / 60_000
        )));
    }
    let account = store.admin_credentials(&email_lower)?;
    let hash = account.as_ref().map_or(decoy_hash(), |(_, h)| h.as_str());
    let matches = PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false);
    let admin = match account {
        Some((admin, _)) if matches && admin.enabled => admin,
        _ => {
            store.note_sign_in_failure(&email_lower, now_ms)?;
            return Err(ServerError::Unauthorized(BAD_CREDENTIALS.into()));
        }
    };
    let (access, refresh) = (token(), token());
    store.create_session(
        &uuid::Uuid::now_v7().to_string(),
        &admin.id,
        client_id,
        &keys(policy, &access, &refresh, now_ms),
        now_ms,
    )?;
    Ok(Tokens {
        access_token: access,
        refresh_token: refresh,
        expires_in: policy.access_ttl_ms / 1000,
        admin: admin.email,
        admin_id: admin.id,
    })
}

/// New tokens for a refresh token; the old one stops working.
pub fn refresh(
    store: &dyn Store,
    policy: &Policy,
    refresh_token: &str,
    now_ms: i64,
) -> Result<Tokens> {
    let (access, refresh) = (token(), token());
    match store.refresh_session(
        &hash(refresh_token),
        &keys(policy, &access, &refresh, now_ms),
        now_ms,
    )? {
        Refresh::Rotated(session) => Ok(Tokens {
            access_token: access,
            refresh_token: refresh,
            expires_in: policy.access_ttl_ms / 1000,
            admin: session.admin_email,
            admin_id: session.admin_id,
        }),
        Refresh::Reused => Err(ServerError::Unauthorized(
            "This sign-in was used from somewhere else, so it has ended: sign in again.".into(),
        )),
        Refresh::Invalid => Err(ServerError::Unauthorized(
            "The sign-in has ended: sign in again.".into(),
        )),
    }
}

/// The session an access token belongs to, if it is current and its admin enabled.
pub fn session(store: &dyn Store, access_token: &str, now_ms: i64) -> Result<Session> {
    store.session(&hash(access_token), now_ms)?.ok_or_else(|| {
        ServerError::Unauthorized("The access token is not valid or has expired.".into())
    })
}

fn keys(policy: &Policy, access: &str, refresh: &str, now_ms: i64) -> SessionKeys {
    SessionKeys {
        access_hash: hash(access),
        access_expires_ms: now_ms + policy.access_ttl_ms,
        refresh_hash: hash(refresh),
        refresh_expires_ms: now_ms + policy.refresh_ttl_ms,
    }
}

/// 32 random bytes, hex.
fn token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

pub fn hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
