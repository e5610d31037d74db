//! The sign-in check the storefront server will call: verifies the password, refuses users
//! who may not sign in with a distinct reason, records every attempt, and locks an account
//! after too many failures within the lockout interval.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::Actor;
use crate::customer_user::write::{self as writer, record_update};
use crate::customer_user::{self, AuthStatus};
use crate::store::{new_id, timestamp, Tx};
use crate::{account, password, settings, CoreError, Database, Result};

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SignIn {
    pub email: String,
    pub password: String,
    /// Where the attempt came from: `storefront`, `api`, `cli`, ...
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub ip: Option<String>,
    #[serde(default)]
    pub user_agent: Option<String>,
}

/// Why a sign-in was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Refusal {
    /// Unknown email, wrong password, or a user with no password yet: indistinguishable,
    /// whatever state the account is in.
    BadCredentials,
    Disabled,
    Unconfirmed,
    /// An admin asked for a password reset.
    PasswordReset,
    PasswordExpired,
    Locked,
}

impl Refusal {
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::BadCredentials => "bad_credentials",
            Refusal::Disabled => "disabled",
            Refusal::Unconfirmed => "unconfirmed",
            Refusal::PasswordReset => "password_reset",
            Refusal::PasswordExpired => "password_expired",
            Refusal::Locked => "locked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        use Refusal::*;
        [
            BadCredentials,
            Disabled,
            Unconfirmed,
            PasswordReset,
            PasswordExpired,
            Locked,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }

    /// Oro's wording where it has one.
    pub fn message(self) -> &'static str {
        match self {
            Refusal::BadCredentials => "Invalid email or password.",
            Refusal::Disabled => "The customer user is disabled.",
            Refusal::Unconfirmed => "The customer user is not confirmed.",
            Refusal::PasswordReset => "Password reset.",
            Refusal::PasswordExpired => "The password has expired.",
            Refusal::Locked => "The account is locked after too many failed sign-in attempts.",
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "SignInOutcome")]
pub struct Outcome {
    pub success: bool,
    pub reason: Option<Refusal>,
    pub message: String,
    pub customer_user_id: Option<String>,
    /// Set when the account is locked: until when (`None` = until an admin unlocks).
    pub locked_until: Option<String>,
}

/// Checks a sign-in now.
pub fn check(db: &Database, attempt: &SignIn) -> Result<Outcome> {
    check_at(db, attempt, Utc::now())
}

/// Checks a sign-in as of `now` (tests move the clock).
///
/// A refused attempt tells the caller nothing about who has an account: an unknown email, a
/// wrong password and a user without a password all answer `bad_credentials` without an
/// id, and each costs one argon2 verify (against [`password::DECOY_HASH`] when there is no
/// hash). Only the right password reveals the account's state: disabled, unconfirmed,
/// locked, reset or expired. The verify runs before the write transaction, so sign-ins never
/// hold the write lock for the tens of milliseconds argon2 takes.
pub fn check_at(db: &Database, attempt: &SignIn, now: DateTime<Utc>) -> Result<Outcome> {
    if attempt.email.trim().is_empty() {
        return Err(CoreError::field("email", crate::rules::NOT_BLANK));
    }
    let email = attempt.email.trim().to_lowercase();
    let found = db.read(|conn| user_with_hash(conn, &email))?;
    let verified_hash = match &found {
        Some((_, Some(hash))) if password::verify(&attempt.password, hash) => Some(hash.clone()),
        Some((_, Some(_))) => None,
        _ => {
            password::verify(&attempt.password, password::DECOY_HASH);
            None
        }
    };
    db.write(&Actor::system(), |tx| {
        let Some((id, _)) = found else {
            log_attempt(tx, attempt, None, now, Some(Refusal::BadCredentials))?;
            return Ok(refused(None, Refusal::BadCredentials, None));
        };
        account::expire_if_stale(tx, &id, now)?;
        let user = customer_user::get(tx, &id)?;
        let mut locked = false;
        if user.auth_status == AuthStatus::Locked {
            match user.locked_until.as_deref().map(parse_time).transpose()? {
                Some(until) if until <= now => {
                    let before = user.clone();
                    account::lift_lock(tx, &id, until)?;
                    record_update(tx, &id, &before)?;
                }
                _ => locked = true,
            }
        }
        // The password verified must still be the user's: changed meanwhile, it is not.
        let current = user_with_hash(tx, &email)?;
        let right = verified_hash.is_some()
            && current
                .as_ref()
                .is_some_and(|(cid, h)| *cid == id && *h == verified_hash);
        if !right {
            // During a lock, failures are logged as such and do not lengthen it.
            if locked {
                log_attempt(tx, attempt, Some(&id), now, Some(Refusal::Locked))?;
            } else {
                log_attempt(tx, attempt, Some(&id), now, Some(Refusal::BadCredentials))?;
                lock_if_over_limit(tx, &id, now)?;
            }
            return Ok(refused(None, Refusal::BadCredentials, None));
        }
        if locked {
            log_attempt(tx, attempt, Some(&id), now, Some(Refusal::Locked))?;
            return Ok(refused(Some(&id), Refusal::Locked, Some(user.locked_until)));
        }
        let user = customer_user::get(tx, &id)?;
        let refusal = if !user.enabled {
            Some(Refusal::Disabled)
        } else if !user.confirmed {
            Some(Refusal::Unconfirmed)
        } else {
            match user.auth_status {
                AuthStatus::Reset => Some(Refusal::PasswordReset),
                AuthStatus::Expired => Some(Refusal::PasswordExpired),
                _ => None,
            }
        };
        log_attempt(tx, attempt, Some(&id), now, refusal)?;
        if let Some(refusal) = refusal {
            return Ok(refused(Some(&id), refusal, None));
        }
        writer::count_sign_in(tx, &id, &timestamp(now))?;
        record_update(tx, &id, &user)?;
        Ok(Outcome {
            success: true,
            reason: None,
            message: "Signed in.".into(),
            customer_user_id: Some(id),
            locked_until: None,
        })
    })
}

/// The registered (not guest) user with `email` (lower case) and their password hash.
fn user_with_hash(
    conn: &rusqlite::Connection,
    email: &str,
) -> Result<Option<(String, Option<String>)>> {
    Ok(conn
        .query_row(
            "SELECT id, password_hash FROM customer_user
             WHERE email_lowercase = ?1 AND is_guest = 0 ORDER BY seq LIMIT 1",
            [email],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

fn refused(id: Option<&str>, reason: Refusal, locked_until: Option<Option<String>>) -> Outcome {
    Outcome {
        success: false,
        reason: Some(reason),
        message: reason.message().into(),
        customer_user_id: id.map(str::to_string),
        locked_until: locked_until.flatten(),
    }
}

/// After a failed attempt: locks the account when the failures counted since the last
/// success or unlock, within the lockout interval, reach the limit.
fn lock_if_over_limit(tx: &mut Tx<'_>, id: &str, now: DateTime<Utc>) -> Result<()> {
    if !settings::bool(tx, "lockoutEnabled")? {
        return Ok(());
    }
    let max = settings::int(tx, "lockoutMaxAttempts")?;
    let interval = settings::int(tx, "lockoutIntervalMinutes")?;
    let window_start = (interval > 0).then(|| timestamp(now - Duration::minutes(interval)));
    let failures: i64 = tx.query_row(
        "SELECT count(*) FROM login_attempt a JOIN customer_user u ON u.id = a.customer_user_id
         WHERE a.customer_user_id = ?1 AND a.success = 0 AND a.reason = 'bad_credentials'
           AND (u.failures_since IS NULL OR a.at >= u.failures_since)
           AND (?2 IS NULL OR a.at > ?2)",
        params![id, window_start],
        |r| r.get(0),
    )?;
    if failures < max {
        return Ok(());
    }
    let minutes = settings::int(tx, "lockoutTimeMinutes")?;
    let until = (minutes > 0).then(|| timestamp(now + Duration::minutes(minutes)));
    let before = customer_user::get(tx, id)?;
    writer::lock(tx, id, &timestamp(now), until.as_deref())?;
    record_update(tx, id, &before)?;
    tracing::warn!(
        customer_user = id,
        failures,
        "account locked after failed sign-ins"
    );
    Ok(())
}

fn log_attempt(
    tx: &Tx<'_>,
    attempt: &SignIn,
    id: Option<&str>,
    now: DateTime<Utc>,
    refusal: Option<Refusal>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO login_attempt (id, customer_user_id, username, at, success, reason, source, ip, user_agent)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            new_id(),
            id,
            as_logged(attempt.email.trim(), 255),
            timestamp(now),
            refusal.is_none(),
            refusal.map(Refusal::as_str),
            as_logged(attempt.source.as_deref().unwrap_or("api"), 64),
            attempt.ip.as_deref().map(|ip| as_logged(ip, 64)),
            attempt.user_agent.as_deref().map(|ua| as_logged(ua, 512)),
        ],
    )?;
    Ok(())
}

/// What the caller sent, as the log keeps it: at most `max` characters, and every control or
/// direction character a U+FFFD, so the Login Attempts screen shows what it holds. A sign-in
/// is never refused for its user agent.
fn as_logged(text: &str, max: usize) -> String {
    text.chars()
        .take(max)
        .map(|c| {
            if c.is_control() || crate::rules::is_direction_control(c) {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

fn parse_time(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| CoreError::internal(format!("A stored time is not valid: {s}")))
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LoginAttempt {
    pub id: String,
    pub customer_user_id: Option<String>,
    pub username: String,
    pub at: String,
    pub success: bool,
    pub reason: Option<Refusal>,
    pub source: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct AttemptQuery {
    /// A customer user id, or part of the email tried.
    pub user: Option<String>,
    pub success: Option<bool>,
    /// RFC 3339 bounds on the attempt's time.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Newest first; at most this many (default 100).
    pub limit: Option<u32>,
}

/// The Login Attempts grid: newest first, filtered by user, result and time.
pub fn attempts(db: &Database, q: &AttemptQuery) -> Result<Vec<LoginAttempt>> {
    for (field, value) in [("from", &q.from), ("to", &q.to)] {
        if let Some(v) = value {
            parse_time(v).map_err(|_| {
                CoreError::field(field, "This value is not a valid date and time (RFC 3339).")
            })?;
        }
    }
    db.read(|conn| {
        let mut stmt = conn.prepare(
            "SELECT id, customer_user_id, username, at, success, reason, source, ip, user_agent
             FROM login_attempt
             WHERE (?1 IS NULL OR customer_user_id = ?1 OR username LIKE '%' || ?1 || '%')
               AND (?2 IS NULL OR success = ?2) AND (?3 IS NULL OR at >= ?3) AND (?4 IS NULL OR at <= ?4)
             ORDER BY at DESC, seq DESC LIMIT ?5",
        )?;
        let rows = stmt.query_map(
            params![q.user, q.success, q.from, q.to, q.limit.unwrap_or(100).min(10_000)],
            |r| {
                let reason: Option<String> = r.get(5)?;
                Ok(LoginAttempt {
                    id: r.get(0)?,
                    customer_user_id: r.get(1)?,
                    username: r.get(2)?,
                    at: r.get(3)?,
                    success: r.get(4)?,
                    reason: reason.as_deref().and_then(Refusal::parse),
                    source: r.get(6)?,
                    ip: r.get(7)?,
                    user_agent: r.get(8)?,
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    })
}
