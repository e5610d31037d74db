//! Demo data for a newcomer's first launch: the generated data set at a small size, plus
//! a few records that show the rest of the product (passwords, resets, and full pages:
//! addresses, consents, orders, quotes, notes, events, the organization's own fields).

mod page;

use crate::actor::{Actor, Via};
use crate::customer_user::write as writer;
use crate::customer_user::{self, AuthStatus};
use crate::{generate, password, Database, Result};

/// How many customer users the demo holds.
pub const DEMO_USERS: u64 = 200;

/// The password of the demo users who have one (shown in the README).
pub const DEMO_PASSWORD: &str = "Demo1234";

/// Seeds the demo data set when the store holds no customer users. Returns whether it seeded.
pub fn seed_demo_if_empty(db: &Database) -> Result<bool> {
    if db.is_read_only() {
        return Ok(false);
    }
    let empty: bool = db.read(|c| {
        Ok(
            c.query_row("SELECT NOT EXISTS (SELECT 1 FROM customer_user)", [], |r| {
                r.get(0)
            })?,
        )
    })?;
    if !empty {
        return Ok(false);
    }
    let seeding = Actor::first_admin(Via::System);
    generate::generate(db, &seeding, DEMO_USERS, |_| {})?;
    let hash = password::hash(DEMO_PASSWORD)?;
    db.write(&seeding, |tx| {
        let ids: Vec<String> = tx
            .prepare("SELECT id FROM customer_user WHERE is_guest = 0 ORDER BY seq LIMIT 12")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let now = tx.now();
        for (n, id) in ids.iter().enumerate() {
            // One shared hash keeps first launch fast; each user is still argon2id-verified.
            let before = customer_user::get(tx, id)?;
            writer::set_password_hash(tx, id, &hash, &now)?;
            if n >= 10 {
                writer::set_auth_status(tx, id, AuthStatus::Reset)?;
            }
            writer::set_sign_ins(tx, id, (n * 3 + 1) as i64, &now)?;
            writer::record_update(tx, id, &before)?;
        }
        let admin = crate::reference::resolve_user(tx, tx.actor())?;
        page::seed(tx, &ids, admin.as_deref())?;
        // Demo records are never sent to a team (`sync::join`).
        crate::sync::state::set(tx, crate::sync::state::DEMO, Some("1"))
    })?;
    Ok(true)
}
