//! The account's own columns of the customer user. Each function writes one state change;
//! its caller reads the user before and ends with [`super::record_update`], so the change
//! record and the fields' clocks cover every step of the action together.

use rusqlite::params;

use crate::customer_user::AuthStatus;
use crate::store::Tx;
use crate::Result;

/// Confirmed, and the confirmation link spent.
pub(crate) fn mark_confirmed(tx: &Tx<'_>, id: &str) -> Result<()> {
    tx.execute(
        "UPDATE customer_user SET confirmed = 1, confirmation_token_hash = NULL,
            confirmation_expires_at = NULL WHERE id = ?1",
        [id],
    )?;
    Ok(())
}

/// The reset link stops working.
pub(crate) fn clear_reset_link(tx: &Tx<'_>, id: &str) -> Result<()> {
    tx.execute(
        "UPDATE customer_user SET reset_token_hash = NULL, reset_expires_at = NULL WHERE id = ?1",
        [id],
    )?;
    Ok(())
}

/// A new password hash: any reset ends (Oro's `updatePassword`); a lock stays, to end as
/// Active when lifted.
pub(crate) fn set_password_hash(tx: &Tx<'_>, id: &str, hash: &str, at: &str) -> Result<()> {
    tx.execute(
        "UPDATE customer_user SET password_hash = ?2, password_changed_at = ?3,
            reset_token_hash = NULL, reset_expires_at = NULL,
            auth_status = CASE auth_status WHEN 'locked' THEN 'locked' ELSE 'active' END,
            status_before_lock = CASE auth_status WHEN 'locked' THEN 'active' ELSE NULL END
         WHERE id = ?1",
        params![id, hash, at],
    )?;
    Ok(())
}

/// The password status; a locked user keeps the lock and gets `status` when unlocked.
pub(crate) fn set_auth_status(tx: &Tx<'_>, id: &str, status: AuthStatus) -> Result<()> {
    tx.execute(
        "UPDATE customer_user SET
            status_before_lock = CASE auth_status WHEN 'locked' THEN ?2 ELSE NULL END,
            auth_status = CASE auth_status WHEN 'locked' THEN 'locked' ELSE ?2 END
         WHERE id = ?1",
        params![id, status.as_str()],
    )?;
    Ok(())
}

/// Locked from `at` until `until` (`None`: until unlocked), remembering the status to return to.
pub(crate) fn lock(tx: &Tx<'_>, id: &str, at: &str, until: Option<&str>) -> Result<()> {
    tx.execute(
        "UPDATE customer_user SET status_before_lock = auth_status, auth_status = 'locked',
            locked_at = ?2, locked_until = ?3 WHERE id = ?1",
        params![id, at, until],
    )?;
    Ok(())
}

/// The lock lifted: the status is what it was, and failures count again from `failures_since`.
pub(crate) fn lift_lock(tx: &Tx<'_>, id: &str, failures_since: &str) -> Result<()> {
    tx.execute(
        "UPDATE customer_user SET auth_status = coalesce(status_before_lock, 'active'),
            status_before_lock = NULL, locked_at = NULL, locked_until = NULL, failures_since = ?2
         WHERE id = ?1",
        params![id, failures_since],
    )?;
    Ok(())
}

/// A successful sign-in at `at`: counted, and the failures before it no longer count.
pub(crate) fn count_sign_in(tx: &Tx<'_>, id: &str, at: &str) -> Result<()> {
    tx.execute(
        "UPDATE customer_user SET login_count = login_count + 1, last_login = ?2, failures_since = ?2
         WHERE id = ?1",
        params![id, at],
    )?;
    Ok(())
}

/// The hash of the confirmation link just sent (the token itself is never stored) and when
/// it expires.
pub(crate) fn stamp_confirmation_link(
    tx: &Tx<'_>,
    id: &str,
    hash: &str,
    expires_at: &str,
) -> Result<()> {
    tx.execute(
        "UPDATE customer_user SET confirmation_token_hash = ?2, confirmation_expires_at = ?3
         WHERE id = ?1",
        params![id, hash, expires_at],
    )?;
    Ok(())
}

/// The hash of the reset (or set-password) link just sent, when it was asked for and when
/// it expires.
pub(crate) fn stamp_reset_link(
    tx: &Tx<'_>,
    id: &str,
    hash: &str,
    requested_at: &str,
    expires_at: &str,
) -> Result<()> {
    tx.execute(
        "UPDATE customer_user SET reset_token_hash = ?2, password_requested_at = ?3,
            reset_expires_at = ?4 WHERE id = ?1",
        params![id, hash, requested_at, expires_at],
    )?;
    Ok(())
}

/// A demo user's sign-in history: `count` sign-ins, the last at `at`.
pub(crate) fn set_sign_ins(tx: &Tx<'_>, id: &str, count: i64, at: &str) -> Result<()> {
    tx.execute(
        "UPDATE customer_user SET login_count = ?2, last_login = ?3 WHERE id = ?1",
        params![id, count, at],
    )?;
    Ok(())
}

/// Hashes and stores a checked password, keeping the old hash for the history policy
/// (at most 100 are kept: the policy remembers no more).
pub(crate) fn set_password(tx: &Tx<'_>, id: &str, new_password: &str) -> Result<()> {
    let now = tx.now();
    tx.execute(
        "INSERT INTO password_history (customer_user_id, password_hash, set_at)
         SELECT id, password_hash, coalesce(password_changed_at, ?2) FROM customer_user
         WHERE id = ?1 AND password_hash IS NOT NULL",
        params![id, now],
    )?;
    tx.execute(
        "DELETE FROM password_history WHERE customer_user_id = ?1 AND rowid NOT IN (
            SELECT rowid FROM password_history WHERE customer_user_id = ?1 ORDER BY set_at DESC LIMIT 100)",
        [id],
    )?;
    set_password_hash(tx, id, &crate::password::hash(new_password)?, &now)
}
