//! The first sync of a store with a team server. A team has one set of records, so a desktop
//! either brings its records to a team that has none yet, or starts from the team's:
//! - its demo data is never sent: a desktop with only demo data (or nothing) starts from
//!   the team's, even when the team has nothing yet;
//! - a desktop with records of its own, joining a team that has none, shares them;
//! - a desktop with records of its own, joining a team that has some, is asked first: its
//!   records are replaced by the team's only when the admin says so.

use super::{entity, state, Transport};
use crate::actor::Actor;
use crate::{CoreError, Database, Result};

/// What the first sync may do with this desktop's own records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Join {
    /// Share them with a team that has no records; never replace them.
    Ask,
    /// Replace them with the team's (they are not sent).
    ReplaceLocal,
}

/// Joins the team whose server is `server`, as [`Join`] allows.
pub fn join(db: &Database, transport: &mut dyn Transport, server: &str, how: Join) -> Result<()> {
    let team_has_records = !transport.pull(0, 1)?.rows.is_empty();
    let (own_users, demo) = db.read(|c| {
        let users: i64 = c.query_row("SELECT count(*) FROM customer_user", [], |r| r.get(0))?;
        Ok((users, state::get(c, state::DEMO)?.is_some()))
    })?;
    let has_own = own_users > 0 && !demo;
    if has_own && team_has_records && how == Join::Ask {
        return Err(CoreError::conflict(format!(
            "This desktop has {own_users} customer users of its own, and the team's server \
             already has records. A team has one set of records: to work with the team, \
             replace this desktop's records with the team's (`sync --replace-local`, or \
             \"Start from the team's data\" in the app); they are not sent. To keep them, \
             use another database for the team."
        )));
    }
    let share = has_own && !team_has_records && how == Join::Ask;
    db.write(&Actor::system(), |tx| {
        if share {
            queue_everything(tx)?;
        } else {
            clear_records(tx)?;
            // The admin signed in here is one of the team's: the others learn of them.
            let admin: Option<String> = state::get(tx, "current_admin")?;
            if let Some(admin) = admin.filter(|a| a != crate::actor::FIRST_ADMIN_ID) {
                tx.queue_push("app_user", &admin)?;
            }
        }
        state::set(tx, state::JOINED, Some(server))?;
        state::set(tx, state::CURSOR, Some("0"))?;
        state::set(tx, state::DEMO, None)?;
        tx.set_syncing(true);
        Ok(())
    })
}

/// Puts every record that syncs in the outbox, what others refer to first.
fn queue_everything(tx: &mut crate::store::Tx<'_>) -> Result<()> {
    tx.execute("DELETE FROM sync_outbox", [])?;
    for name in entity::ORDER {
        for id in entity::ids(tx, name)?
            .iter()
            .filter(|id| entity::syncs(name, id))
        {
            tx.queue_push(name, id)?;
        }
    }
    Ok(())
}

/// Removes this desktop's records before it takes the team's: customer users and what they
/// own, customers, websites, localizations, consents, the organization's own fields,
/// back-office users and roles of its own, team
/// settings, edited templates, and History. The first admin (the same in every store),
/// imports and the desktop's own settings stay.
pub(super) fn clear_records(tx: &mut crate::store::Tx<'_>) -> Result<()> {
    tx.execute_batch("UPDATE email_outbox SET state = 'cancelled' WHERE state = 'queued';")?;
    crate::customer_user::write::remote::remove_all(tx)?;
    tx.execute_batch(
        "UPDATE website SET default_role_id = NULL, guest_role_id = NULL;
         DELETE FROM website;
         DELETE FROM customer_user_role WHERE customer_id IS NOT NULL OR field_hlc != '{}'
            OR id NOT LIKE '0190a000-0000-7000-8000-%';
         DELETE FROM customer_sales_rep;
         UPDATE customer SET parent_id = NULL;
         DELETE FROM customer;
         DELETE FROM localization;
         DELETE FROM consent;
         DELETE FROM customer_user_field;
         DELETE FROM change_log;
         DELETE FROM sync_outbox;
         DELETE FROM sync_inbox;
         DELETE FROM sync_rejected;
         DELETE FROM sync_tombstone;",
    )?;
    // The first admin and the admin signed in stay: the others are this desktop's own.
    tx.execute(
        "DELETE FROM app_user WHERE id != ?1
            AND id NOT IN (SELECT value FROM client_state WHERE key = 'current_admin')",
        [crate::actor::FIRST_ADMIN_ID],
    )?;
    let keys: Vec<String> = tx
        .prepare("SELECT key FROM setting")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for key in keys.iter().filter(|k| crate::settings::is_team(k)) {
        tx.execute("DELETE FROM setting WHERE key = ?1", [key])?;
    }
    tx.execute("DELETE FROM email_template", [])?;
    crate::mail::template::seed(tx)?;
    Ok(())
}
