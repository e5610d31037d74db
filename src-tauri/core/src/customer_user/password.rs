//! The customer user's password rules: the organization's policy and the history of
//! passwords the user may not use again.

use rusqlite::{params, Connection};

use crate::{password, settings, Result};

/// Why `new_password` cannot be set for `user` (`None` on create), or `None` if it can:
/// the policy's combined message, or the history rule.
pub fn password_problem(
    conn: &Connection,
    user: Option<&str>,
    new_password: &str,
) -> Result<Option<String>> {
    if let Some(message) = settings::password_policy(conn)?.check(new_password) {
        return Ok(Some(message));
    }
    let Some(user) = user else { return Ok(None) };
    if !settings::bool(conn, "passwordHistoryEnabled")? {
        return Ok(None);
    }
    let remembered = settings::int(conn, "passwordHistoryCount")?;
    let used = recent_hashes(conn, user, remembered)?
        .iter()
        .any(|h| password::verify(new_password, h));
    Ok(used.then(|| {
        format!("The password was used recently. Choose one that differs from your last {remembered} passwords.")
    }))
}

/// The current hash and the ones before it, newest first, `count` in all.
fn recent_hashes(conn: &Connection, user: &str, count: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT password_hash FROM (
            SELECT password_hash, 1 AS k, '' AS at FROM customer_user WHERE id = ?1 AND password_hash IS NOT NULL
            UNION ALL
            SELECT password_hash, 2, set_at FROM password_history WHERE customer_user_id = ?1)
         ORDER BY k, at DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![user, count], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
