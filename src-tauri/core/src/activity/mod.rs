//! What happened with a customer user, in one timeline: the notes admins wrote, the e-mails
//! sent to them (from the outbox, with their state) and the events scheduled with them.
//! Notes and events are synced records; this concern is the one writer of
//! `customer_user_note` and `customer_user_event`.

pub mod event;
pub mod note;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::reference::Ref;
use crate::{customer_user, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ActivityKind {
    Note,
    Email,
    Event,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActivityItem {
    pub id: String,
    pub kind: ActivityKind,
    /// Where it sits in the timeline: a note's or an e-mail's creation, an event's start.
    pub at: String,
    /// A note's first line, an e-mail's subject, an event's title.
    pub title: String,
    pub body: Option<String>,
    /// An e-mail's delivery state: queued, sent, failed or cancelled.
    pub state: Option<String>,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    /// Who wrote the note or scheduled the event.
    pub by: Option<Ref>,
    pub updated_at: Option<String>,
}

/// The most items of each kind the timeline shows: the newest.
const PER_KIND: i64 = 500;

/// The user's timeline, newest first, of the `kinds` asked for (every kind when empty).
pub fn timeline(
    conn: &Connection,
    user: &str,
    kinds: &[ActivityKind],
) -> Result<Vec<ActivityItem>> {
    customer_user::require_id(conn, user)?;
    let wanted = |k: ActivityKind| kinds.is_empty() || kinds.contains(&k);
    let mut items = Vec::new();
    if wanted(ActivityKind::Note) {
        items.extend(note::of_user(conn, user, PER_KIND)?);
    }
    if wanted(ActivityKind::Event) {
        items.extend(event::of_user(conn, user, PER_KIND)?);
    }
    if wanted(ActivityKind::Email) {
        items.extend(emails(conn, user)?);
    }
    items.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| b.id.cmp(&a.id)));
    Ok(items)
}

fn emails(conn: &Connection, user: &str) -> Result<Vec<ActivityItem>> {
    let mut stmt = conn.prepare(
        "SELECT id, subject, state, recipient, created_at, sent_at FROM email_outbox
         WHERE customer_user_id = ?1 ORDER BY seq DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(rusqlite::params![user, PER_KIND], |r| {
        let recipient: String = r.get(3)?;
        Ok(ActivityItem {
            id: r.get(0)?,
            kind: ActivityKind::Email,
            title: r.get(1)?,
            state: r.get(2)?,
            body: Some(format!("To {recipient}")),
            at: r.get(4)?,
            updated_at: r.get(5)?,
            starts_at: None,
            ends_at: None,
            by: None,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
