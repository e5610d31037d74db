//! Pushing the outbox: batches of the records this desktop changed, oldest first, each with
//! its synced fields as they are now. A record changed several times before a push goes
//! once with its latest state (the earlier entries keep their sequence, empty), so the
//! server settles every sequence and a replay changes nothing.

use std::collections::HashSet;

use cu_sync::merge::Fields;
use cu_sync::wire::{Mutation, PushRequest, PushResponse};

use super::{entity, state, Failure, Report, Transport};
use crate::actor::Actor;
use crate::{CoreError, Database, Result};

/// Changes per push: the server's limit.
pub(super) const BATCH: usize = 500;

/// Pushes until the outbox is empty.
pub(super) fn push_all(
    db: &Database,
    transport: &mut dyn Transport,
    report: &mut Report,
) -> Result<()> {
    loop {
        let Some(request) = db.read(|conn| next_batch(conn))? else {
            return Ok(());
        };
        let response = match transport.push(&request) {
            Ok(response) => response,
            Err(Failure::Conflict(message)) => {
                return Err(CoreError::conflict(format!(
                    "The server has lost changes this desktop sent ({message}). Ask the \
                     server's operator to restore it; the changes stay here meanwhile."
                )))
            }
            Err(other) => return Err(other.into()),
        };
        settle(db, &request, &response, report)?;
    }
}

fn next_batch(conn: &rusqlite::Connection) -> Result<Option<PushRequest>> {
    let queued: Vec<(i64, String, String)> = conn
        .prepare_cached("SELECT seq, entity, entity_id FROM sync_outbox ORDER BY seq LIMIT ?1")?
        .query_map([BATCH as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if queued.is_empty() {
        return Ok(None);
    }
    // The last entry of each record carries its state; the earlier ones go empty.
    let mut seen = HashSet::new();
    let mut mutations: Vec<Mutation> = Vec::with_capacity(queued.len());
    for (seq, entity_name, id) in queued.into_iter().rev() {
        // A change to a desktop's own setting is queued too, but carries nothing.
        let fields =
            if entity::syncs(&entity_name, &id) && seen.insert((entity_name.clone(), id.clone())) {
                entity::state(conn, &entity_name, &id)?.unwrap_or_default()
            } else {
                Fields::new()
            };
        mutations.push(Mutation {
            seq: seq as u64,
            entity: entity_name,
            entity_id: id,
            fields,
        });
    }
    mutations.reverse();
    Ok(Some(PushRequest {
        client_id: state::client_id(conn)?,
        mutations,
    }))
}

/// Drops what the server settled from the outbox, keeps its refusals to show, and clears
/// the refusals of records it has now taken.
fn settle(
    db: &Database,
    request: &PushRequest,
    response: &PushResponse,
    report: &mut Report,
) -> Result<()> {
    let refused: HashSet<u64> = response.rejected.iter().map(|r| r.seq).collect();
    db.write(&Actor::system(), |tx| {
        let now = tx.now();
        for m in request
            .mutations
            .iter()
            .filter(|m| m.seq <= response.acked_seq)
        {
            if m.fields.is_empty() {
                continue;
            }
            report.pushed += 1;
            if !refused.contains(&m.seq) {
                tx.prepare_cached(
                    "DELETE FROM sync_rejected WHERE entity = ?1 AND entity_id = ?2",
                )?
                .execute([&m.entity, &m.entity_id])?;
            }
        }
        for r in &response.rejected {
            let Some(m) = request.mutations.iter().find(|m| m.seq == r.seq) else {
                continue;
            };
            report.refused += 1;
            tx.prepare_cached(
                "INSERT INTO sync_rejected (seq, entity, entity_id, field, message, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (seq) DO NOTHING",
            )?
            .execute(rusqlite::params![
                r.seq as i64,
                m.entity,
                m.entity_id,
                r.field,
                r.message,
                now
            ])?;
        }
        tx.prepare_cached("DELETE FROM sync_outbox WHERE seq <= ?1")?
            .execute([response.acked_seq as i64])?;
        Ok(())
    })?;
    if response.acked_seq < request.mutations.first().map_or(0, |m| m.seq) {
        // Nothing of the batch was settled: pushing it again would loop.
        return Err(CoreError::conflict(
            "The server settled none of the changes it was sent; they stay here.",
        ));
    }
    Ok(())
}
