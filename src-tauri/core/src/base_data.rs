//! The records every store needs before anyone can work: an organization, an admin and
//! the e-mail templates.

use rusqlite::params;

use crate::db::new_id;
use crate::{Database, Result};

pub const DEFAULT_ORGANIZATION: &str = "Main Organization";

pub(crate) fn ensure(db: &Database) -> Result<()> {
    db.write(|tx| crate::email_template::seed(tx))?;
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
    db.write(|tx| {
        let org = new_id();
        tx.execute(
            "INSERT INTO organization (id, name) VALUES (?1, ?2)",
            params![org, DEFAULT_ORGANIZATION],
        )?;
        tx.execute(
            "INSERT INTO app_user (id, organization_id, username, email, first_name, last_name)
             VALUES (?1, ?2, 'admin', 'admin@example.com', 'John', 'Doe')",
            params![new_id(), org],
        )?;
        Ok(())
    })
}
