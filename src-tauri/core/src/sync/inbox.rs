//! Pulling: each page of the server's changes is checked against its checksum and stored in
//! the inbox with the cursor after it, in one transaction, so a pull cut off anywhere
//! resumes from the last page kept. The inbox is then merged into the store, field by
//! field, in the order that puts what a record refers to before it; a record that still
//! refers to one not here waits in the inbox with the reason, and is tried again after
//! every page.

use cu_sync::merge;
use cu_sync::wire::{self, Row};
use rusqlite::params;

use super::{entity, snapshot, state, Failure, Report, Transport, PAGE};
use crate::actor::Actor;
use crate::store::Tx;
use crate::{CoreError, Database, Result};

/// Rows merged per transaction: short enough that the window's writes never wait long.
const APPLY_CHUNK: i64 = 500;

pub(super) fn pull_all(
    db: &Database,
    transport: &mut dyn Transport,
    report: &mut Report,
    progress: &mut dyn FnMut(u64),
) -> Result<()> {
    if db.read(|c| state::cursor(c))? == 0 {
        snapshot::read_all(db, transport, report, progress)?;
    }
    loop {
        let cursor = db.read(|c| state::cursor(c))?;
        let page = match transport.pull(cursor, PAGE) {
            Ok(page) => page,
            Err(Failure::Gone(message)) => {
                return Err(CoreError::conflict(format!(
                    "{message} This desktop must re-bootstrap from the team's data."
                )))
            }
            Err(other) => return Err(other.into()),
        };
        if wire::checksum(&page.rows) != page.checksum {
            return Err(CoreError::conflict(
                "A page from the server does not match its checksum: nothing of it was kept. \
                 Sync again; if it happens again, the server or the network alters data.",
            ));
        }
        if page.rows.iter().any(|r| r.version <= cursor) || page.next_cursor < cursor {
            return Err(CoreError::conflict(
                "The server sent changes this desktop already has: nothing of the page was \
                 kept.",
            ));
        }
        report.pulled += page.rows.len() as u64;
        store_page(db, &page.rows, state::CURSOR, &page.next_cursor.to_string())?;
        progress(report.pulled);
        apply(db, report)?;
        if !page.has_more {
            break;
        }
    }
    retry_waiting(db, report)?;
    sweep(db)
}

/// After starting again from the team's data: removes what the server no longer has (it
/// was deleted while this desktop was away, and the server has forgotten the delete), but
/// not what this desktop still has to send, nor a refused change still to fix.
fn sweep(db: &Database) -> Result<()> {
    if db.read(|c| state::get(c, state::RESTARTED))?.is_none() {
        return Ok(());
    }
    db.write(&Actor::system(), |tx| {
        for name in entity::ORDER.iter().rev() {
            for id in entity::ids(tx, name)? {
                let kept: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM sync_seen WHERE entity = ?1 AND entity_id = ?2)
                        OR EXISTS (SELECT 1 FROM sync_outbox WHERE entity = ?1 AND entity_id = ?2)
                        OR EXISTS (SELECT 1 FROM sync_rejected WHERE entity = ?1 AND entity_id = ?2)",
                    [name, &id.as_str()],
                    |r| r.get(0),
                )?;
                if !kept && entity::syncs(name, &id) && *name != entity::CHANGE {
                    let gone = merge::deleted(entity::SEEDED.to_string());
                    // A record that cannot go (it is still used here) stays.
                    tx.execute_batch("SAVEPOINT sweep_one")?;
                    match entity::apply(tx, name, &id, &gone)? {
                        None => tx.execute_batch("RELEASE sweep_one")?,
                        Some(_) => tx.execute_batch("ROLLBACK TO sweep_one; RELEASE sweep_one")?,
                    }
                }
            }
        }
        tx.execute("DELETE FROM sync_seen", [])?;
        state::set(tx, state::RESTARTED, None)
    })
}

/// Keeps `rows` in the inbox, and `position` (how far the pull got) at `key`, in one
/// transaction.
pub(super) fn store_page(db: &Database, rows: &[Row], key: &str, position: &str) -> Result<()> {
    db.write(&Actor::system(), |tx| {
        let restarted = state::get(tx, state::RESTARTED)?.is_some();
        for row in rows {
            if restarted {
                tx.prepare_cached(
                    "INSERT INTO sync_seen (entity, entity_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                )?
                .execute([&row.entity, &row.entity_id])?;
            }
            // The server's row is the record's whole state: an older one waiting is stale.
            tx.prepare_cached("DELETE FROM sync_inbox WHERE entity = ?1 AND entity_id = ?2")?
                .execute([&row.entity, &row.entity_id])?;
            tx.prepare_cached(
                "INSERT INTO sync_inbox (version, entity, entity_id, fields) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                row.version as i64,
                row.entity,
                row.entity_id,
                serde_json::to_string(&row.fields)?
            ])?;
        }
        state::set(tx, key, Some(position))
    })
}

/// Keeps a record that cannot be written here yet in the inbox, with the reason.
pub(super) fn set_waiting(tx: &Tx<'_>, row: &Row, reason: &str) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO sync_inbox (version, entity, entity_id, fields, waiting) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (version) DO UPDATE SET waiting = excluded.waiting",
    )?
    .execute(params![
        row.version as i64,
        row.entity,
        row.entity_id,
        serde_json::to_string(&row.fields)?,
        reason
    ])?;
    Ok(())
}

/// Merges every inbox row not yet tried; returns how many it applied or set waiting.
pub(super) fn apply(db: &Database, report: &mut Report) -> Result<u64> {
    let rank = rank_sql();
    let mut done = 0;
    loop {
        let worked = db.write(&Actor::system(), |tx| {
            let rows: Vec<(i64, String, String, String)> = tx
                .prepare_cached(&format!(
                    "SELECT version, entity, entity_id, fields FROM sync_inbox
                     WHERE waiting IS NULL ORDER BY {rank}, version LIMIT ?1"
                ))?
                .query_map([APPLY_CHUNK], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            for (version, entity_name, id, fields) in &rows {
                let incoming: merge::Fields = serde_json::from_str(fields)?;
                let waiting = merge_one(tx, entity_name, id, &incoming, report)?;
                match waiting {
                    Some(reason) => tx
                        .prepare_cached("UPDATE sync_inbox SET waiting = ?2 WHERE version = ?1")?
                        .execute(params![version, reason])?,
                    None => tx
                        .prepare_cached("DELETE FROM sync_inbox WHERE version = ?1")?
                        .execute([version])?,
                };
            }
            Ok(rows.len() as u64)
        })?;
        if worked == 0 {
            return Ok(done);
        }
        done += worked;
    }
}

/// Merges one record in a savepoint, so a record that cannot be written leaves nothing
/// half-done and the rest of the chunk goes on.
pub(super) fn merge_one(
    tx: &mut Tx<'_>,
    entity_name: &str,
    id: &str,
    incoming: &merge::Fields,
    report: &mut Report,
) -> Result<Option<String>> {
    let local = entity::state(tx, entity_name, id)?;
    let merged = match &local {
        Some(local) => merge::merge(local, incoming),
        None => incoming.clone(),
    };
    if local.as_ref() == Some(&merged) {
        return Ok(None);
    }
    tx.execute_batch("SAVEPOINT merge_one")?;
    match entity::apply(tx, entity_name, id, &merged) {
        Ok(None) => {
            tx.execute_batch("RELEASE merge_one")?;
            report.applied += 1;
            Ok(None)
        }
        Ok(Some(reason)) => {
            tx.execute_batch("ROLLBACK TO merge_one; RELEASE merge_one")?;
            Ok(Some(reason))
        }
        Err(e) if !e.fields.is_empty() => {
            // A rule of this store (an e-mail another user here has): the record waits
            // until the change here that breaks it is fixed or discarded.
            tx.execute_batch("ROLLBACK TO merge_one; RELEASE merge_one")?;
            Ok(Some(e.field_reasons()))
        }
        Err(e) => {
            tx.execute_batch("ROLLBACK TO merge_one; RELEASE merge_one")?;
            Err(e)
        }
    }
}

/// Tries the waiting rows again until a pass frees none (a customer whose parent arrived
/// later, then its users).
pub(super) fn retry_waiting(db: &Database, report: &mut Report) -> Result<()> {
    loop {
        let before = waiting_count(db)?;
        if before == 0 {
            break;
        }
        db.write(&Actor::system(), |tx| {
            Ok(tx.execute("UPDATE sync_inbox SET waiting = NULL", [])?)
        })?;
        apply(db, report)?;
        if waiting_count(db)? >= before {
            break;
        }
    }
    report.waiting = waiting_count(db)?;
    Ok(())
}

fn waiting_count(db: &Database) -> Result<u64> {
    db.read(|c| {
        Ok(c.query_row(
            "SELECT count(*) FROM sync_inbox WHERE waiting IS NOT NULL",
            [],
            |r| r.get::<_, i64>(0),
        )? as u64)
    })
}

/// `CASE entity …`: the position of each kind of record in [`entity::ORDER`].
fn rank_sql() -> String {
    let arms: Vec<String> = entity::ORDER
        .iter()
        .enumerate()
        .map(|(i, e)| format!("WHEN '{e}' THEN {i}"))
        .collect();
    format!(
        "CASE entity {} ELSE {} END",
        arms.join(" "),
        entity::ORDER.len()
    )
}

/// Starts the pull again from the first version: the server no longer keeps what this
/// desktop missed. Every record is merged again, so nothing here is lost that is newer.
pub(super) fn restart(db: &Database) -> Result<()> {
    db.write(&Actor::system(), |tx| {
        tx.execute("DELETE FROM sync_inbox", [])?;
        tx.execute("DELETE FROM sync_seen", [])?;
        state::set(tx, state::RESTARTED, Some("1"))?;
        state::set(tx, state::CURSOR, Some("0"))
    })
}
