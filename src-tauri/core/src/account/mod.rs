//! The account lifecycle an admin drives: confirmation, password reset and its link,
//! setting a password under the policy and history, password expiry, and unlocking.
//! Each action is one transaction with its change record and the e-mail it causes.

mod form;
pub mod sign_in;

pub use form::{create, update};

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection};

use crate::actor::Actor;
use crate::back_office::capability::{require, Capability};
use crate::customer_user::password::password_problem;
use crate::customer_user::write::{self as writer, record_update};
use crate::customer_user::{self, AuthStatus, CustomerUser};
use crate::mail::template::{self as email_template, Link};
use crate::store::{timestamp, Tx};
use crate::{mail::outbox, settings, CoreError, Database, Result};

/// Confirms an unconfirmed user and sends the welcome e-mail with a set-password link
/// (Oro's `confirmRegistrationByAdmin`).
pub fn confirm(db: &Database, actor: &Actor, id: &str) -> Result<CustomerUser> {
    writing_mail(db, actor, |tx| {
        require(tx, Capability::ManageCustomerUsers)?;
        let before = customer_user::get(tx, id)?;
        require_unconfirmed(&before)?;
        writer::mark_confirmed(tx, id)?;
        outbox::cancel_links(
            tx,
            id,
            &[Link::Confirmation],
            "The customer user was confirmed.",
        )?;
        let user = record_update(tx, id, &before)?;
        outbox::enqueue(tx, email_template::WELCOME_REGISTERED_BY_ADMIN, &user)?;
        Ok(user)
    })
}

/// Runs `f` as `actor` in one transaction, then renders the messages it queued (outside
/// the write lock: see [`outbox::enqueue`]).
pub(crate) fn writing_mail<T>(
    db: &Database,
    actor: &Actor,
    f: impl FnOnce(&mut Tx<'_>) -> Result<T>,
) -> Result<T> {
    let done = db.write(actor, f)?;
    outbox::render_queued(db)?;
    Ok(done)
}

fn require_unconfirmed(user: &CustomerUser) -> Result<()> {
    if user.confirmed {
        return Err(CoreError::conflict(format!(
            "{} is confirmed already.",
            user.email
        )));
    }
    Ok(())
}

/// Sends the confirmation e-mail again, with a new link (the old one stops working).
pub fn resend_confirmation(db: &Database, actor: &Actor, id: &str) -> Result<CustomerUser> {
    writing_mail(db, actor, |tx| {
        require(tx, Capability::ManageCustomerUsers)?;
        let user = customer_user::get(tx, id)?;
        require_unconfirmed(&user)?;
        outbox::cancel_links(
            tx,
            id,
            &[Link::Confirmation],
            "A newer confirmation e-mail replaced it.",
        )?;
        outbox::enqueue(tx, email_template::CONFIRMATION, &user)?;
        Ok(user)
    })
}

/// Oro's admin "Reset password": the user cannot sign in until they choose a new password
/// through the link in `customer_user_force_reset_password`, which expires after the
/// reset-link lifetime counted from its sending.
pub fn reset_password(db: &Database, actor: &Actor, id: &str) -> Result<CustomerUser> {
    writing_mail(db, actor, |tx| {
        require(tx, Capability::ResetPasswords)?;
        let before = customer_user::get(tx, id)?;
        if !before.enabled {
            return Err(CoreError::conflict(format!(
                "{} is disabled: enable the customer user before resetting the password.",
                before.email
            )));
        }
        writer::set_auth_status(tx, id, AuthStatus::Reset)?;
        outbox::cancel_links(tx, id, &[Link::Reset], "A newer reset e-mail replaced it.")?;
        let user = record_update(tx, id, &before)?;
        outbox::enqueue(tx, email_template::FORCE_RESET_PASSWORD, &user)?;
        Ok(user)
    })
}

/// Withdraws a requested reset: the link stops working and the password status is Active
/// again, so the user signs in with their current password.
pub fn revoke_reset(db: &Database, actor: &Actor, id: &str) -> Result<CustomerUser> {
    db.write(actor, |tx| {
        require(tx, Capability::ResetPasswords)?;
        let before = customer_user::get(tx, id)?;
        if before.auth_status != AuthStatus::Reset && before.reset_link_expires_at.is_none() {
            return Err(CoreError::conflict(format!(
                "{} has no password reset to revoke.",
                before.email
            )));
        }
        writer::clear_reset_link(tx, id)?;
        outbox::cancel_links(
            tx,
            id,
            &[Link::Reset, Link::SetPassword],
            "The password reset was revoked.",
        )?;
        if before.auth_status == AuthStatus::Reset {
            writer::set_auth_status(tx, id, AuthStatus::Active)?;
        }
        record_update(tx, id, &before)
    })
}

/// Sets a new password (the admin's, or the user's through a link): the policy and the
/// history apply, and the status returns to Active.
pub fn set_password(
    db: &Database,
    actor: &Actor,
    id: &str,
    new_password: &str,
) -> Result<CustomerUser> {
    db.write(actor, |tx| {
        require(tx, Capability::ResetPasswords)?;
        let before = customer_user::get(tx, id)?;
        if let Some(message) = password_problem(tx, Some(id), new_password)? {
            return Err(CoreError::field("password", message));
        }
        store_password(tx, id, new_password)?;
        record_update(tx, id, &before)
    })
}

/// Stores a checked password.
pub(crate) fn store_password(tx: &Tx<'_>, id: &str, new_password: &str) -> Result<()> {
    writer::set_password(tx, id, new_password)?;
    end_links_of_old_password(tx, id)
}

/// The reset and set-password links still queued for `id` stop working.
fn end_links_of_old_password(tx: &Tx<'_>, id: &str) -> Result<()> {
    outbox::cancel_links(
        tx,
        id,
        &[Link::Reset, Link::SetPassword],
        "A new password was set.",
    )
}

/// Lifts a lock: the failure count starts again and the status is what it was before.
/// The password is not reset.
pub fn unlock(db: &Database, actor: &Actor, id: &str) -> Result<CustomerUser> {
    db.write(actor, |tx| {
        require(tx, Capability::Unlock)?;
        let before = customer_user::get(tx, id)?;
        if before.auth_status != AuthStatus::Locked {
            return Err(CoreError::conflict(format!(
                "{} is not locked.",
                before.email
            )));
        }
        let now = tx.now_utc();
        lift_lock(tx, id, now)?;
        record_update(tx, id, &before)
    })
}

pub(crate) fn lift_lock(tx: &Tx<'_>, id: &str, failures_since: DateTime<Utc>) -> Result<()> {
    writer::lift_lock(tx, id, &timestamp(failures_since))
}

/// With the password change policy on, marks Active users whose password is older than
/// the maximum age as Expired; returns how many. Run at start-up, so the grid shows them.
pub fn expire_passwords(db: &Database) -> Result<usize> {
    expire_passwords_at(db, Utc::now())
}

pub fn expire_passwords_at(db: &Database, now: DateTime<Utc>) -> Result<usize> {
    let stale = |conn: &Connection| -> Result<Vec<String>> {
        let Some(cutoff) = max_age_cutoff(conn, now)? else {
            return Ok(Vec::new());
        };
        let mut stmt = conn.prepare(
            "SELECT id FROM customer_user WHERE auth_status = 'active' AND password_hash IS NOT NULL
                AND password_changed_at < ?1",
        )?;
        let rows = stmt.query_map([&cutoff], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    // Asked first on a read connection: a start-up with nothing to expire takes no write
    // lock, and a read-only store is left as it is.
    if db.is_read_only() || db.read(|c| stale(c))?.is_empty() {
        return Ok(0);
    }
    db.write(&Actor::system(), |tx| {
        let ids = stale(tx)?;
        for id in &ids {
            expire(tx, id)?;
        }
        Ok(ids.len())
    })
}

/// Marks one user's password Expired if it is past the maximum age: the sign-in check asks
/// about the user signing in, not about the whole store.
pub(crate) fn expire_if_stale(tx: &mut Tx<'_>, id: &str, now: DateTime<Utc>) -> Result<()> {
    let Some(cutoff) = max_age_cutoff(tx, now)? else {
        return Ok(());
    };
    let stale: bool = tx.query_row(
        "SELECT auth_status = 'active' AND password_hash IS NOT NULL AND password_changed_at < ?2
         FROM customer_user WHERE id = ?1",
        params![id, cutoff],
        |r| r.get(0),
    )?;
    if stale {
        expire(tx, id)?;
    }
    Ok(())
}

/// Passwords changed before this are too old; `None` while the change policy is off.
fn max_age_cutoff(conn: &Connection, now: DateTime<Utc>) -> Result<Option<String>> {
    if !settings::bool(conn, "passwordMaxAgeEnabled")? {
        return Ok(None);
    }
    let days = settings::int(conn, "passwordMaxAgeDays")?;
    Ok(Some(timestamp(now - Duration::days(days))))
}

fn expire(tx: &mut Tx<'_>, id: &str) -> Result<()> {
    let before = customer_user::get(tx, id)?;
    writer::set_auth_status(tx, id, AuthStatus::Expired)?;
    record_update(tx, id, &before)?;
    Ok(())
}

/// The link in the confirmation e-mail: confirms the user; each link works once, until
/// it expires (the confirmation link lifetime, counted from its sending).
pub fn confirm_by_token(db: &Database, token: &str) -> Result<CustomerUser> {
    confirm_by_token_at(db, token, Utc::now())
}

pub fn confirm_by_token_at(db: &Database, token: &str, now: DateTime<Utc>) -> Result<CustomerUser> {
    db.write(&Actor::system(), |tx| {
        let gone = || {
            CoreError::new(
                crate::ErrorCode::NotFound,
                "This confirmation link may have already been used or is expired.",
            )
        };
        let id = user_by_token(tx, "confirmation_token_hash", token).ok_or_else(gone)?;
        let before = customer_user::get(tx, &id)?;
        if before
            .confirmation_link_expires_at
            .as_deref()
            .is_some_and(|at| at <= timestamp(now).as_str())
        {
            return Err(gone());
        }
        writer::mark_confirmed(tx, &id)?;
        record_update(tx, &id, &before)
    })
}

/// The link in a reset or set-password e-mail: sets the new password while the link lives.
pub fn reset_by_token(db: &Database, token: &str, new_password: &str) -> Result<CustomerUser> {
    reset_by_token_at(db, token, new_password, Utc::now())
}

pub fn reset_by_token_at(
    db: &Database,
    token: &str,
    new_password: &str,
    now: DateTime<Utc>,
) -> Result<CustomerUser> {
    db.write(&Actor::system(), |tx| {
        let gone = || {
            CoreError::new(
                crate::ErrorCode::NotFound,
                "The reset password link has expired.",
            )
        };
        let id = user_by_token(tx, "reset_token_hash", token).ok_or_else(gone)?;
        let before = customer_user::get(tx, &id)?;
        if before
            .reset_link_expires_at
            .as_deref()
            .is_none_or(|at| at <= timestamp(now).as_str())
        {
            return Err(gone());
        }
        if let Some(message) = password_problem(tx, Some(&id), new_password)? {
            return Err(CoreError::field("password", message));
        }
        store_password(tx, &id, new_password)?;
        record_update(tx, &id, &before)
    })
}

fn user_by_token(conn: &Connection, column: &str, token: &str) -> Option<String> {
    conn.query_row(
        &format!("SELECT id FROM customer_user WHERE {column} = ?1"),
        [crate::token::hash(token.trim())],
        |r| r.get(0),
    )
    .ok()
}
