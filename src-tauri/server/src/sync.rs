//! The server's side of sync, the same over every store: settle a client's pushed batch in
//! one transaction, and page out the records changed after a cursor. A store gives the
//! transaction ([`SyncTx`]); the rules are here once.

use cu_sync::hlc::{self, Stamp};
use cu_sync::merge::{self, Fields};
use cu_sync::wire::{
    self, Mutation, PullResponse, PushRequest, PushResponse, Rejected, Row, SnapshotResponse,
};

use std::collections::HashMap;

use crate::error::{Result, ServerError};

pub use cu_sync::hlc::MAX_DRIFT_MS;
/// The most mutations one push may carry.
pub const MAX_BATCH: usize = 500;
/// The most rows one pull page may hold.
pub const MAX_PAGE: usize = 1000;

/// The most records one snapshot page holds: a new desktop reads the whole team's data in
/// pages of this size.
pub const MAX_SNAPSHOT_PAGE: usize = 5000;

/// A record as a push leaves it: written in one statement with the others of its batch.
pub struct Put {
    pub entity: String,
    pub entity_id: String,
    pub fields: Fields,
    pub version: u64,
    /// The key of the unique e-mail rule (customer users who are not guests and not
    /// deleted).
    pub email_key: Option<String>,
    /// When the record was deleted (the push's time), for the tombstones' expiry.
    pub deleted_at: Option<i64>,
}

/// A record's kind and id.
pub type Key = (String, String);

/// What a push needs of the store, inside one transaction that commits only when the whole
/// batch is settled. Pushes never run side by side (the store serializes them), so a
/// check made here holds until the commit.
pub trait SyncTx {
    fn last_seq(&mut self, client_id: &str) -> Result<u64>;
    fn set_last_seq(&mut self, client_id: &str, seq: u64) -> Result<()>;
    /// The stored fields of those of `keys` the server has, in one read.
    fn records(&mut self, keys: &[Key]) -> Result<HashMap<Key, Fields>>;
    /// The records written by the batch, in one statement.
    fn put_records(&mut self, puts: &[Put]) -> Result<()>;
    /// The id of the record that holds the e-mail key, if any.
    fn email_holder(&mut self, email_key: &str) -> Result<Option<String>>;
    /// Remembers a refusal, so a replay of its batch answers with it again.
    fn note_rejected(&mut self, client_id: &str, rejected: &Rejected) -> Result<()>;
    /// The refusals of `client_id` with a sequence in `seqs`.
    fn rejected_in(
        &mut self,
        client_id: &str,
        seqs: std::ops::RangeInclusive<u64>,
    ) -> Result<Vec<Rejected>>;
    /// Advances the team's version by `n` and returns the first of the `n` versions: one per
    /// record written, so a page of a pull ends between two versions, never inside one.
    fn reserve_versions(&mut self, n: u64) -> Result<u64>;
}

/// Settles `push` as of `now_ms`: skips the mutations settled before (a replay changes
/// nothing), applies the rest field by field, refuses a mutation it cannot take with a
/// reason and goes on with the others. A gap (a `seq` that is not one after the one before)
/// is a conflict that keeps nothing of the batch and names the last `seq` settled before it,
/// so the client resends from there. The batch reads its records in one go and writes them
/// in one go.
pub fn push(tx: &mut dyn SyncTx, push: &PushRequest, now_ms: i64) -> Result<PushResponse> {
    if push.mutations.len() > MAX_BATCH {
        return Err(ServerError::invalid(
            "mutations",
            format!("A push carries at most {MAX_BATCH} changes; send the rest in the next one."),
        ));
    }
    let mut last = tx.last_seq(&push.client_id)?;
    let settled = last;
    // A replay (its answer was lost) hears the refusals of what it repeats once more.
    let mut rejected = match push.mutations.first() {
        Some(first) if first.seq <= settled => {
            tx.rejected_in(&push.client_id, first.seq..=settled)?
        }
        _ => Vec::new(),
    };
    let replayed = rejected.len();
    let fresh: Vec<&Mutation> = push.mutations.iter().filter(|m| m.seq > settled).collect();
    let keys: Vec<Key> = fresh
        .iter()
        .map(|m| (m.entity.clone(), m.entity_id.clone()))
        .collect();
    let mut stored = tx.records(&keys)?;
    // What the batch writes, in the order each record was last written.
    let mut written: Vec<Key> = Vec::new();
    let mut keys_now: HashMap<String, String> = HashMap::new();
    for m in fresh {
        if m.seq != last + 1 {
            // The whole batch rolls back, so the client resends from the last one settled
            // before it.
            return Err(ServerError::Conflict(format!(
                "Changes are missing before #{}: the server has settled up to #{settled}; \
                 send from #{}.",
                m.seq,
                settled + 1
            )));
        }
        last = m.seq;
        if let Err(reason) = check(m, now_ms) {
            rejected.push(reason);
            continue;
        }
        let key = (m.entity.clone(), m.entity_id.clone());
        let before = stored.get(&key).cloned().unwrap_or_default();
        let mut fields = before.clone();
        merge::apply(&mut fields, &m.fields);
        if fields == before {
            continue;
        }
        if let Some(message) = roleless(&m.entity, &before, &fields) {
            rejected.push(Rejected {
                seq: m.seq,
                field: Some("userRoles".into()),
                message,
            });
            continue;
        }
        if let Some(email) = email_key(&m.entity, &fields) {
            if key_changed(&m.entity, &before, &email)
                && email_taken(tx, &stored, &keys_now, &email, &m.entity_id)?
            {
                rejected.push(Rejected {
                    seq: m.seq,
                    field: Some("email".into()),
                    message: EMAIL_USED.into(),
                });
                continue;
            }
            keys_now.insert(email, m.entity_id.clone());
        }
        written.retain(|k| *k != key);
        written.push(key.clone());
        stored.insert(key, fields);
    }
    let first = tx.reserve_versions(written.len() as u64)?;
    let puts: Vec<Put> = written
        .into_iter()
        .enumerate()
        .map(|(i, (entity, entity_id))| {
            let fields = stored
                .remove(&(entity.clone(), entity_id.clone()))
                .unwrap_or_default();
            Put {
                email_key: email_key(&entity, &fields),
                deleted_at: merge::is_deleted(&fields).then_some(now_ms),
                entity,
                entity_id,
                fields,
                version: first + i as u64,
            }
        })
        .collect();
    tx.put_records(&puts)?;
    for r in &rejected[replayed..] {
        tx.note_rejected(&push.client_id, r)?;
    }
    tx.set_last_seq(&push.client_id, last)?;
    Ok(PushResponse {
        acked_seq: last,
        rejected,
    })
}

/// Whether another customer user holds `email` once the batch so far is applied: one the
/// batch gave it to, or one stored with it that the batch has not moved to another.
fn email_taken(
    tx: &mut dyn SyncTx,
    batch: &HashMap<Key, Fields>,
    given: &HashMap<String, String>,
    email: &str,
    except: &str,
) -> Result<bool> {
    // A holder the batch rewrote holds the key only if its new state still has it.
    let holds = |holder: &str| match batch.get(&("customer_user".to_string(), holder.to_string())) {
        Some(fields) => email_key("customer_user", fields).as_deref() == Some(email),
        None => true,
    };
    if let Some(holder) = given.get(email) {
        if holder != except && holds(holder) {
            return Ok(true);
        }
    }
    match tx.email_holder(email)? {
        Some(holder) if holder != except => Ok(holds(&holder)),
        _ => Ok(false),
    }
}

/// Oro's message for the unique e-mail rule (`UniqueCustomerUserNameAndEmail`).
pub const EMAIL_USED: &str = "This email is already used.";

/// The key of the unique e-mail rule for a customer user who is not a guest and not
/// deleted: the e-mail, lowercased as the desktop's rule compares them.
fn email_key(entity: &str, fields: &Fields) -> Option<String> {
    if entity != "customer_user" || merge::is_deleted(fields) {
        return None;
    }
    let guest = fields
        .get("isGuest")
        .is_some_and(|v| v.value == serde_json::Value::Bool(true));
    let email = fields.get("email")?.value.as_str()?;
    (!guest && !email.is_empty()).then(|| email.to_lowercase())
}

/// Why a change that leaves an enabled customer user without a role is refused: two admins
/// may each take a role away offline, or one enable the user while another empties their
/// roles; the merge of both must still hold Oro's rule.
fn roleless(entity: &str, before: &Fields, after: &Fields) -> Option<String> {
    let holds = |fields: &Fields| {
        fields
            .get("userRoles")
            .and_then(|v| v.value.as_array())
            .is_some_and(|roles| !roles.is_empty())
    };
    let enabled = |fields: &Fields| {
        fields
            .get("enabled")
            .is_some_and(|v| v.value == serde_json::Value::Bool(true))
    };
    if entity != "customer_user" || merge::is_deleted(after) || !enabled(after) || holds(after) {
        return None;
    }
    if holds(before) {
        let name = |field: &str| {
            after
                .get(field)
                .and_then(|v| v.value.as_str())
                .unwrap_or("")
                .to_string()
        };
        let full = format!("{} {}", name("firstName"), name("lastName"));
        return Some(format!("You cannot remove last role from {}", full.trim()));
    }
    // A record the server takes first without roles (an older desktop's, or a disabled
    // user enabled elsewhere) is refused only when this change enabled it.
    (!enabled(before) && !before.is_empty())
        .then(|| "Please select at least one role before you enable the customer user.".into())
}

/// Whether the record's e-mail key is not the one it had (a record that keeps its e-mail
/// is never refused for it, even if an older duplicate slipped in).
fn key_changed(entity: &str, before: &Fields, key: &str) -> bool {
    email_key(entity, before).as_deref() != Some(key)
}

/// Why one mutation cannot be taken at all, before any rule about its data.
fn check(m: &Mutation, now_ms: i64) -> std::result::Result<(), Rejected> {
    let refuse = |field: Option<&str>, message: String| Rejected {
        seq: m.seq,
        field: field.map(str::to_string),
        message,
    };
    if !wire::ENTITIES.contains(&m.entity.as_str()) {
        return Err(refuse(
            None,
            format!("\"{}\" is not a kind of record that syncs.", m.entity),
        ));
    }
    if m.entity_id.is_empty() || m.entity_id.len() > 200 {
        return Err(refuse(None, "The record has no usable id.".into()));
    }
    for (name, v) in &m.fields {
        let Some(stamp) = Stamp::parse(&v.hlc) else {
            return Err(refuse(
                Some(name),
                format!("\"{}\" is not a clock stamp.", v.hlc),
            ));
        };
        if let Err(hlc::Refused::TooFarAhead { ahead_ms }) =
            hlc::check_drift(&stamp, now_ms, MAX_DRIFT_MS)
        {
            return Err(refuse(
                Some(name),
                format!(
                    "The change is stamped {} s ahead of the server's clock (at most {} s are \
                     allowed): check the computer's clock.",
                    ahead_ms / 1000,
                    MAX_DRIFT_MS / 1000
                ),
            ));
        }
    }
    Ok(())
}

/// How long a deleted record is kept by default: longer than any admin stays offline.
pub const TOMBSTONE_DAYS: i64 = 90;

/// The refusal of a pull from before what `purge` forgot: the desktop starts again.
pub fn gone(cursor: u64, purged_through: u64) -> Result<()> {
    if cursor > 0 && cursor < purged_through {
        return Err(ServerError::Gone(format!(
            "This desktop last synced at version {cursor}; records deleted since were forgotten \
             up to version {purged_through}."
        )));
    }
    Ok(())
}

/// The page of `rows` (read as `limit + 1` after `cursor`, in version order) as it answers.
pub fn page(cursor: u64, limit: usize, mut rows: Vec<Row>) -> PullResponse {
    let has_more = rows.len() > limit;
    rows.truncate(limit);
    PullResponse {
        next_cursor: rows.last().map_or(cursor, |r| r.version),
        has_more,
        checksum: wire::checksum(&rows),
        rows,
    }
}

/// The snapshot page of `rows` (read as `limit + 1` after an id, in id order) as it answers.
pub fn snapshot_page(version: u64, limit: usize, mut rows: Vec<Row>) -> SnapshotResponse {
    let has_more = rows.len() > limit;
    rows.truncate(limit);
    SnapshotResponse {
        version,
        has_more,
        checksum: wire::checksum(&rows),
        rows,
    }
}
