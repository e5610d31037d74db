//! Opening a store: its schema, then the records every store needs before anyone can
//! work (an organization, an admin and the e-mail templates).

use std::path::Path;

use rusqlite::params;

use crate::actor::{Actor, FIRST_ADMIN, FIRST_ADMIN_ID};
use crate::back_office::BackOfficeUserInput;
use crate::{Database, Result};

pub const DEFAULT_ORGANIZATION: &str = "Main Organization";

/// The ids of what every store seeds alike, the same in every store (`V7__sync.sql` gave
/// older stores them), so the desktops of a team never collide on them.
pub const ORGANIZATION_ID: &str = "0190a000-0000-7000-8000-000000000010";

impl Database {
    /// Opens (creating if needed) the database at `path`, brings its schema up to date and
    /// adds the base records it lacks.
    pub fn open(path: &Path) -> Result<Self> {
        let db = Database::open_schema(path)?;
        ensure(&db)?;
        Ok(db)
    }
}

fn ensure(db: &Database) -> Result<()> {
    // A read-only store is read as it is: it has what the app wrote when it could.
    if db.is_read_only() {
        return Ok(());
    }
    // Written only when missing, so opening a store never waits for another's write.
    if db.read(|c| crate::mail::template::defaults_missing(c))? {
        db.write(&Actor::system(), |tx| crate::mail::template::seed(tx))?;
    }
    let empty: bool = db.read(|c| {
        Ok(
            c.query_row("SELECT NOT EXISTS (SELECT 1 FROM organization)", [], |r| {
                r.get(0)
            })?,
        )
    })?;
    if !empty {
        return Ok(());
    }
    db.write(&Actor::system(), |tx| {
        // Asked again under the write lock: another process opening the new store at the
        // same moment may have seeded it first.
        let seeded: bool = tx.query_row("SELECT EXISTS (SELECT 1 FROM organization)", [], |r| {
            r.get(0)
        })?;
        if seeded {
            return Ok(());
        }
        let org = ORGANIZATION_ID;
        tx.execute(
            "INSERT INTO organization (id, name) VALUES (?1, ?2)",
            params![org, DEFAULT_ORGANIZATION],
        )?;
        let admin = BackOfficeUserInput {
            username: FIRST_ADMIN.into(),
            first_name: "John".into(),
            last_name: "Doe".into(),
            email: "admin@example.com".into(),
            role: None,
        };
        crate::back_office::create_with_id(tx, FIRST_ADMIN_ID, org, &admin, true)?;
        Ok(())
    })
}
