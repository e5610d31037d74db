//! The server's side of sync, the same over every store: settle a client's pushed batch in
//! one transaction, and page out the records changed after a cursor. A store gives the
//! transaction ([`SyncTx`]); the rules are here once.

use cu_sync::hlc::{self, Stamp};
use cu_sync::merge::{self, Fields};
use cu_sync::wire::{self, Mutation, PullResponse, PushRequest, PushResponse, Rejected, Row};

use crate::error::{Result, ServerError};

pub use cu_sync::hlc::MAX_DRIFT_MS;
/// The most mutations one push may carry.
pub const MAX_BATCH: usize = 500;
/// The most rows one pull page may hold.
pub const MAX_PAGE: usize = 1000;

/// What a push needs of the store, inside one transaction that commits only when the whole
/// batch is settled.
pub trait SyncTx {
    fn last_seq(&mut self, client_id: &str) -> Result<u64>;
    fn set_last_seq(&mut self, client_id: &str, seq: u64) -> Result<()>;
    fn record(&mut self, entity: &str, entity_id: &str) -> Result<Option<Fields>>;
    /// Stores the record at `version`, with the key of the unique e-mail rule (customer
    /// users who are not guests and not deleted).
    fn put_record(
        &mut self,
        entity: &str,
        entity_id: &str,
        fields: &Fields,
        version: u64,
        email_key: Option<&str>,
    ) -> Result<()>;
    /// Whether a record other than `except` holds the e-mail key.
    fn email_taken(&mut self, email_key: &str, except: &str) -> Result<bool>;
    /// Remembers a refusal, so a replay of its batch answers with it again.
    fn note_rejected(&mut self, client_id: &str, rejected: &Rejected) -> Result<()>;
    /// The refusals of `client_id` with a sequence in `seqs`.
    fn rejected_in(
        &mut self,
        client_id: &str,
        seqs: std::ops::RangeInclusive<u64>,
    ) -> Result<Vec<Rejected>>;
    /// The team's next version, one per record written: a page of a pull then ends between
    /// two versions, never inside one.
    fn next_version(&mut self) -> Result<u64>;
}

/// Settles `push` as of `now_ms`: skips the mutations settled before (a replay changes
/// nothing), applies the rest field by field, refuses a mutation it cannot take with a
/// reason and goes on with the others. A gap (a `seq` that is not one after the one before)
/// is a conflict that keeps nothing of the batch and names the last `seq` settled before it,
/// so the client resends from there.
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
    for m in push.mutations.iter().filter(|m| m.seq > settled) {
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
        match check(m, now_ms) {
            Err(reason) => rejected.push(reason),
            Ok(()) => {
                let mut fields = tx.record(&m.entity, &m.entity_id)?.unwrap_or_default();
                let before = fields.clone();
                merge::apply(&mut fields, &m.fields);
                if fields != before {
                    let key = email_key(&m.entity, &fields);
                    match &key {
                        Some(key)
                            if key_changed(&m.entity, &before, key)
                                && tx.email_taken(key, &m.entity_id)? =>
                        {
                            rejected.push(Rejected {
                                seq: m.seq,
                                field: Some("email".into()),
                                message: EMAIL_USED.into(),
                            });
                        }
                        _ => {
                            let version = tx.next_version()?;
                            tx.put_record(
                                &m.entity,
                                &m.entity_id,
                                &fields,
                                version,
                                key.as_deref(),
                            )?;
                        }
                    }
                }
            }
        }
        last = m.seq;
    }
    for r in &rejected[replayed..] {
        tx.note_rejected(&push.client_id, r)?;
    }
    tx.set_last_seq(&push.client_id, last)?;
    Ok(PushResponse {
        acked_seq: last,
        rejected,
    })
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
