//! The e-mail outbox: messages are queued in the transaction of the action that causes them
//! and delivered later by SMTP, with retries and backoff. A message's link token is minted
//! at delivery, so no token is ever stored: only its hash, on the customer user.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::Actor;
use crate::customer_user::write as customer_user_write;
use crate::customer_user::{self, CustomerUser};
use crate::mail::smtp::{Mailer, Outgoing};
use crate::mail::template::{self as email_template, Link, TOKEN_PLACEHOLDER};
use crate::store::{new_id, timestamp, Tx};
use crate::{settings, token, CoreError, Database, Result};

/// How a masked token shows in the Outbox screen.
const MASK: &str = "••••••";
/// The first retry waits this long; each later one twice as long, up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::seconds(30);
const MAX_BACKOFF: Duration = Duration::hours(1);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "OutboxState")]
pub enum State {
    Queued,
    Sent,
    Failed,
    Cancelled,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Queued => "queued",
            State::Sent => "sent",
            State::Failed => "failed",
            State::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [State::Queued, State::Sent, State::Failed, State::Cancelled]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "OutboxMessage")]
pub struct Message {
    pub id: String,
    pub template: String,
    pub customer_user_id: Option<String>,
    pub recipient: String,
    pub subject: String,
    /// The body with its link token masked.
    pub body: String,
    pub link: Option<Link>,
    pub state: State,
    #[ts(type = "number")]
    pub attempts: i64,
    pub next_attempt_at: String,
    /// The server's answer to the last failed attempt, or why the message was cancelled.
    pub last_error: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export, rename = "OutboxQuery")]
pub struct Query {
    pub customer_user_id: Option<String>,
    pub state: Option<State>,
    /// Newest first; at most this many (default 100).
    pub limit: Option<u32>,
}

/// What one delivery run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "OutboxDelivery")]
pub struct Delivery {
    pub sent: u32,
    /// Failed this time; tried again later.
    pub retrying: u32,
    /// Failed for the last time.
    pub failed: u32,
    /// Dropped because the link no longer applies (reset revoked, user confirmed or deleted).
    pub cancelled: u32,
}

/// Queues the template `name` for `user`; returns the message id. The message is rendered
/// by [`render_queued`] once the action's transaction has committed, so the template never
/// runs under the write lock; what can be known now (a website URL for its links) is
/// checked now, so the action fails rather than its message.
pub fn enqueue(tx: &mut Tx<'_>, name: &str, user: &CustomerUser) -> Result<String> {
    let link = email_template::check_sendable(tx, name, user)?;
    let id = new_id();
    let now = tx.now();
    tx.execute(
        "INSERT INTO email_outbox (id, template, customer_user_id, recipient, subject, body, link,
            next_attempt_at, created_at, rendered)
         VALUES (?1, ?2, ?3, ?4, '', '', ?5, ?6, ?6, 0)",
        params![id, name, user.id, user.email, link.map(Link::as_str), now],
    )?;
    Ok(id)
}

/// Renders the queued messages not rendered yet, each on a read connection and stored in a
/// short write of its own. A message that cannot be rendered (its user deleted meanwhile, a
/// template the user's data breaks) fails with the reason; the others go on.
pub fn render_queued(db: &Database) -> Result<()> {
    let pending: Vec<(String, String, Option<String>)> = db.read(|conn| {
        let mut stmt = conn.prepare(
            "SELECT id, template, customer_user_id FROM email_outbox
             WHERE rendered = 0 AND state = 'queued' ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    })?;
    for (id, template, user_id) in pending {
        let rendered = db.read(|conn| {
            let user_id = user_id
                .as_deref()
                .ok_or_else(|| CoreError::not_found("Customer user", "(deleted)"))?;
            let user = customer_user::get(conn, user_id)?;
            email_template::render(conn, &template, &user)
        });
        db.write(&Actor::system(), |tx| {
            match &rendered {
                Ok(r) => tx.execute(
                    "UPDATE email_outbox SET subject = ?2, body = ?3, rendered = 1
                     WHERE id = ?1 AND rendered = 0",
                    params![id, r.subject, r.body],
                )?,
                Err(e) => tx.execute(
                    "UPDATE email_outbox SET state = 'failed', last_error = ?2, rendered = 1
                     WHERE id = ?1 AND rendered = 0",
                    params![id, e.message],
                )?,
            };
            Ok(())
        })?;
    }
    Ok(())
}

/// Cancels the user's queued messages carrying one of `links`, saying why.
pub(crate) fn cancel_links(tx: &Tx<'_>, user_id: &str, links: &[Link], why: &str) -> Result<()> {
    for link in links {
        tx.execute(
            "UPDATE email_outbox SET state = 'cancelled', last_error = ?3
             WHERE customer_user_id = ?1 AND link = ?2 AND state = 'queued'",
            params![user_id, link.as_str(), why],
        )?;
    }
    Ok(())
}

const COLUMNS: &str =
    "id, template, customer_user_id, recipient, subject, body, link, state, attempts,
    next_attempt_at, last_error, created_at, sent_at";

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Message> {
    let link: Option<String> = r.get(6)?;
    let state: String = r.get(7)?;
    let body: String = r.get(5)?;
    Ok(Message {
        id: r.get(0)?,
        template: r.get(1)?,
        customer_user_id: r.get(2)?,
        recipient: r.get(3)?,
        subject: r.get(4)?,
        body: body.replace(TOKEN_PLACEHOLDER, MASK),
        link: link.as_deref().and_then(Link::parse),
        state: State::parse(&state).unwrap_or(State::Failed),
        attempts: r.get(8)?,
        next_attempt_at: r.get(9)?,
        last_error: r.get(10)?,
        created_at: r.get(11)?,
        sent_at: r.get(12)?,
    })
}

pub fn list(db: &Database, query: &Query) -> Result<Vec<Message>> {
    db.read(|conn| {
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM email_outbox
             WHERE (?1 IS NULL OR customer_user_id = ?1) AND (?2 IS NULL OR state = ?2)
             ORDER BY seq DESC LIMIT ?3"
        ))?;
        let rows = stmt.query_map(
            params![
                query.customer_user_id,
                query.state.map(State::as_str),
                query.limit.unwrap_or(100).min(1000)
            ],
            read_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    })
}

pub fn get(conn: &Connection, id: &str) -> Result<Message> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM email_outbox WHERE id = ?1"),
        [id],
        read_row,
    )
    .optional()?
    .ok_or_else(|| CoreError::not_found("Message", id))
}

/// Queues a failed or cancelled message again, with a fresh count of attempts.
pub fn retry(db: &Database, actor: &Actor, id: &str) -> Result<Message> {
    db.write(actor, |tx| {
        let message = get(tx, id)?;
        if message.state == State::Sent {
            return Err(CoreError::conflict(format!(
                "The message to {} was sent already.",
                message.recipient
            )));
        }
        let now = tx.now();
        tx.execute(
            "UPDATE email_outbox SET state = 'queued', attempts = 0, next_attempt_at = ?2 WHERE id = ?1",
            params![id, now],
        )?;
        get(tx, id)
    })
}

/// Whether any queued message is due now.
pub fn has_due(db: &Database) -> Result<bool> {
    db.read(|conn| {
        Ok(conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM email_outbox WHERE state = 'queued' AND next_attempt_at <= ?1)",
            [timestamp(Utc::now())],
            |r| r.get(0),
        )?)
    })
}

/// One delivery run with the SMTP settings in force (the password from the keychain when an
/// SMTP user is set).
pub fn deliver_configured(db: &Database) -> Result<Delivery> {
    let mailer = db.read(|c| Mailer::from_settings(c, || crate::secrets::smtp_password(db)))?;
    deliver_due(db, &mailer)
}

/// Sends every queued message that is due, one at a time.
pub fn deliver_due(db: &Database, mailer: &Mailer) -> Result<Delivery> {
    deliver_due_at(db, mailer, Utc::now())
}

pub fn deliver_due_at(db: &Database, mailer: &Mailer, now: DateTime<Utc>) -> Result<Delivery> {
    render_queued(db)?;
    let mut done = Delivery::default();
    let due: Vec<String> = db.read(|conn| {
        let mut stmt = conn.prepare(
            "SELECT id FROM email_outbox WHERE state = 'queued' AND rendered = 1 AND next_attempt_at <= ?1
             ORDER BY seq",
        )?;
        let ids = stmt.query_map([timestamp(now)], |r| r.get(0))?;
        Ok(ids.collect::<rusqlite::Result<Vec<_>>>()?)
    })?;
    for id in due {
        let Some(outgoing) = db.write(&Actor::system(), |tx| prepare(tx, &id, now))? else {
            done.cancelled += 1;
            continue;
        };
        // The database is not held while the SMTP server answers.
        let outcome = mailer.send(&outgoing);
        db.write(&Actor::system(), |tx| {
            match &outcome {
                Ok(()) => {
                    tx.execute(
                        "UPDATE email_outbox SET state = 'sent', attempts = attempts + 1, sent_at = ?2,
                            last_error = NULL WHERE id = ?1",
                        params![id, timestamp(now)],
                    )?;
                    done.sent += 1;
                }
                Err(answer) => {
                    let attempts: i64 = tx.query_row(
                        "SELECT attempts + 1 FROM email_outbox WHERE id = ?1",
                        [&id],
                        |r| r.get(0),
                    )?;
                    let max = settings::int(tx, "outboxMaxAttempts")?;
                    let state = if attempts >= max {
                        done.failed += 1;
                        State::Failed
                    } else {
                        done.retrying += 1;
                        State::Queued
                    };
                    tx.execute(
                        "UPDATE email_outbox SET state = ?2, attempts = ?3, next_attempt_at = ?4,
                            last_error = ?5 WHERE id = ?1",
                        params![
                            id,
                            state.as_str(),
                            attempts,
                            timestamp(now + backoff(attempts)),
                            answer
                        ],
                    )?;
                    tracing::warn!(message = %id, attempts, "email delivery failed: {answer}");
                }
            }
            Ok(())
        })?;
    }
    Ok(done)
}

/// The wait after `attempts` failed attempts.
fn backoff(attempts: i64) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(16);
    (FIRST_BACKOFF * 2i32.pow(doublings)).min(MAX_BACKOFF)
}

/// Mints the message's link token (storing only its hash) and fills it in; `None` when
/// the link no longer applies and the message was cancelled instead.
fn prepare(tx: &mut Tx<'_>, id: &str, now: DateTime<Utc>) -> Result<Option<Outgoing>> {
    let message = get(tx, id)?;
    let (subject, body): (String, String) = tx.query_row(
        "SELECT subject, body FROM email_outbox WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let body = match message.link {
        None => body,
        Some(link) => match mint(tx, &message, link, now)? {
            Ok(token) => body.replace(TOKEN_PLACEHOLDER, &token),
            Err(why) => {
                tx.execute(
                    "UPDATE email_outbox SET state = 'cancelled', last_error = ?2 WHERE id = ?1",
                    params![id, why],
                )?;
                return Ok(None);
            }
        },
    };
    Ok(Some(Outgoing {
        to: message.recipient,
        subject,
        body,
    }))
}

/// A fresh token for `link`, or why the link no longer applies.
fn mint(
    tx: &mut Tx<'_>,
    message: &Message,
    link: Link,
    now: DateTime<Utc>,
) -> Result<std::result::Result<String, String>> {
    let Some(user_id) = &message.customer_user_id else {
        return Ok(Err("The customer user was deleted.".into()));
    };
    let user = match customer_user::get(tx, user_id) {
        Ok(user) => user,
        Err(_) => return Ok(Err("The customer user was deleted.".into())),
    };
    let (token, hash) = token::mint();
    match link {
        Link::Confirmation => {
            if user.confirmed {
                return Ok(Err("The customer user is confirmed already.".into()));
            }
            let ttl = settings::int(tx, "confirmationLinkTtl")?;
            customer_user_write::stamp_confirmation_link(
                tx,
                user_id,
                &hash,
                &timestamp(now + Duration::seconds(ttl)),
            )?;
        }
        Link::SetPassword | Link::Reset => {
            if link == Link::Reset && user.auth_status != customer_user::AuthStatus::Reset {
                return Ok(Err("The password reset was revoked.".into()));
            }
            let ttl = settings::int(tx, "resetLinkTtl")?;
            customer_user_write::stamp_reset_link(
                tx,
                user_id,
                &hash,
                &timestamp(now),
                &timestamp(now + Duration::seconds(ttl)),
            )?;
        }
    }
    // The link's hash is a secret and not recorded; when it was asked for and its expiry are.
    customer_user_write::record_update(tx, user_id, &user)?;
    Ok(Ok(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_thirty_seconds_up_to_an_hour() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(4), Duration::seconds(240));
        assert_eq!(backoff(9), Duration::hours(1));
        assert_eq!(backoff(60), Duration::hours(1));
    }
}
