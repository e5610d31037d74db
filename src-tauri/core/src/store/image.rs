//! Taking a whole store from a file: a new desktop's first sync receives the team's records
//! as a ready-made store (see the sync's `image` module) and takes it in one step, instead of
//! writing each record and building every index again.

use std::path::Path;

use rusqlite::backup::Backup;
use rusqlite::Connection;

use super::{relock, Database};
use crate::{CoreError, Result};

/// Pages copied per step of the backup; each step holds the writer only briefly, and the
/// whole copy runs under the writer's lock anyway.
const PAGES_PER_STEP: std::ffi::c_int = 4096;

impl Database {
    /// Replaces every table of this store with `image`'s, a store of the same schema, after
    /// `carry` has written into it what this store keeps of its own (`carry` runs on the
    /// writing connection with the image attached as `image`, in one transaction) and said
    /// to go on; returns whether it did. The writer is held from the first step to the
    /// last, so no write of the window falls between them; readers see the old store until
    /// their next read.
    pub(crate) fn replace_with(
        &self,
        image: &Path,
        carry: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<bool>,
    ) -> Result<bool> {
        let mut writer = relock(&self.writer);
        let conn = &mut writer.conn;
        conn.execute(
            "ATTACH DATABASE ?1 AS image",
            [image.to_string_lossy().as_ref()],
        )?;
        let carried = conn.transaction().map_err(CoreError::from).and_then(|tx| {
            let go_on = carry(&tx)?;
            tx.commit()?;
            Ok(go_on)
        });
        conn.execute("DETACH DATABASE image", [])?;
        if !carried? {
            return Ok(false);
        }
        let source = Connection::open(image)?;
        Backup::new(&source, conn)?.run_to_completion(
            PAGES_PER_STEP,
            std::time::Duration::ZERO,
            None,
        )?;
        // Statements prepared against the old pages are prepared again on first use.
        conn.flush_prepared_statement_cache();
        drop(writer);
        self.checkpoints.after_commit();
        Ok(true)
    }
}
