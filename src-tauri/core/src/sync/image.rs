//! Starting from a store image. Writing a million users record by record and building the
//! grid's indexes and the search index again costs a new desktop minutes; the server keeps
//! a ready-made store of the team's records instead ([`build`], made by the same snapshot
//! code a desktop runs), and a desktop that has nothing of the team yet downloads it,
//! checks it, and takes it whole ([`start_from`]), keeping what is its own: its identity
//! and clock, its sign-in, its outbox, its own settings, its mail and imports. It then
//! pulls after the image's version, as after a snapshot. A server without an image, an
//! image of another schema, or a store that has records to keep, reads the records
//! instead (`snapshot`).

use std::io::Read;
use std::path::Path;

use cu_sync::wire::{self, ImageInfo};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};

use super::{join, snapshot, state, Report, Transport};
use crate::actor::Actor;
use crate::store::schema_version;
use crate::{CoreError, Database, Result};

/// The tables that are this desktop's own, not the team's: an image brings every other one.
/// Settings, back-office users and the inbox are partly each (see [`carry_own`]).
pub const OWN_TABLES: &[&str] = &[
    "client_state",
    "ui_state",
    "import_run",
    "email_outbox",
    "login_attempt",
    "password_history",
    "sync_outbox",
    "sync_seen",
    "sync_rejected",
];

/// Builds at `path` (a new file) a store holding every record of the team as `transport`
/// reads them, as one self-contained file ready to be sent.
pub fn build(path: &Path, transport: &mut dyn Transport) -> Result<ImageInfo> {
    if path.exists() {
        return Err(CoreError::internal(format!(
            "{} exists: a store image is built into a new file.",
            path.display()
        )));
    }
    let (version, records) = {
        let db = Database::open(path)?;
        // As a desktop that takes the team's records is: without what its own opening
        // wrote (the History of its seeding).
        db.write(&Actor::system(), join::clear_records)?;
        let mut report = Report::default();
        snapshot::read_all(&db, transport, &mut report, &mut |_| {})?;
        (db.read(|c| state::cursor(c))?, report.pulled)
    };
    // Closed above, so the log is folded into the file; without one, the file is all of it.
    let conn = Connection::open(path)?;
    conn.query_row("PRAGMA journal_mode = DELETE", [], |r| {
        r.get::<_, String>(0)
    })?;
    let schema = schema_version(&conn);
    drop(conn);
    let (bytes, sha256) = digest(path)?;
    Ok(ImageInfo {
        version,
        records,
        schema,
        bytes,
        sha256,
    })
}

/// The size and SHA-256 of a file, as [`ImageInfo`] gives them.
pub fn digest(path: &Path) -> Result<(u64, String)> {
    let mut file = std::fs::File::open(path)
        .map_err(|e| CoreError::internal(format!("Cannot read {}: {e}", path.display())))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = file
            .read(&mut buffer)
            .map_err(|e| CoreError::internal(format!("Cannot read {}: {e}", path.display())))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        bytes += n as u64;
    }
    Ok((bytes, wire::hex(&hasher.finalize())))
}

/// A store taken from an image.
pub(super) struct Started {
    /// The version to pull after.
    pub version: u64,
    /// The last stamp of the desktop that built it, which is past every record's.
    pub clock: Option<String>,
}

/// Takes the team's records from the server's image when it has one this store can use,
/// or returns `None` to read the records instead. Only for a
/// store with no customer users (checked again under the writer, so a user the window adds
/// meanwhile is never lost).
pub(super) fn start_from(
    db: &Database,
    transport: &mut dyn Transport,
    report: &mut Report,
    progress: &mut dyn FnMut(u64),
) -> Result<Option<Started>> {
    let Some(info) = transport.image_info()? else {
        return Ok(None);
    };
    let schema = db.read(|c| Ok(schema_version(c)))?;
    if info.schema != schema {
        tracing::info!(
            image = info.schema,
            store = schema,
            "the server's store image has another schema: reading the records instead"
        );
        return Ok(None);
    }
    let folder = db
        .path()
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let prefix = format!(
        ".{}.team-image-",
        db.path().file_name().unwrap_or_default().to_string_lossy()
    );
    remove_left_over(folder, &prefix);
    let file = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".sqlite3")
        .tempfile_in(folder)
        .map_err(|e| {
            CoreError::internal(format!(
                "Cannot make room for the team's data in {}: {e}",
                folder.display()
            ))
        })?;
    let whole = info.bytes.max(1);
    transport.download_image(&info, file.path(), &mut |bytes| {
        progress(report.pulled + info.records * bytes.min(whole) / whole)
    })?;
    let builder_clock = Connection::open_with_flags(file.path(), OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|c| {
            c.query_row(
                "SELECT value FROM client_state WHERE key = 'hlc'",
                [],
                |r| r.get::<_, String>(0),
            )
            .optional()
        })
        .map_err(|e| unusable(&e.to_string()))?;
    let taken = db
        .replace_with(file.path(), carry_own)
        .map_err(|e| unusable(&e.message))?;
    if !taken {
        return Ok(None);
    }
    report.pulled += info.records;
    report.applied += info.records;
    report.from_image = true;
    progress(report.pulled);
    Ok(Some(Started {
        version: info.version,
        clock: builder_clock,
    }))
}

/// Downloads a sync cut off by a crash left behind (each is as large as the team's data).
fn remove_left_over(folder: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        if entry.file_name().to_string_lossy().starts_with(prefix) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn unusable(why: &str) -> CoreError {
    CoreError::conflict(format!(
        "The team's store image from the server cannot be used ({why}): nothing of it was \
         kept. Sync again; if it happens again, the server's image is damaged."
    ))
}

/// Writes into the attached `image` what this store keeps of its own: the tables in
/// [`OWN_TABLES`], the settings that stay on this desktop, the back-office users the team
/// does not have yet (the admin signed in here, until their record is pushed), and what
/// waits in its inbox beside what waits in the image's (a team record whose reference the
/// server does not have yet).
/// Declines when this store has customer users (the window added one since the sync began).
fn carry_own(tx: &Transaction<'_>) -> Result<bool> {
    let has_users: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM main.customer_user)",
        [],
        |r| r.get(0),
    )?;
    if has_users {
        return Ok(false);
    }
    for table in OWN_TABLES {
        tx.execute_batch(&format!(
            "DELETE FROM image.{table}; INSERT INTO image.{table} SELECT * FROM main.{table};"
        ))?;
    }
    let keys: Vec<String> = tx
        .prepare("SELECT key FROM main.setting UNION SELECT key FROM image.setting")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for key in keys.iter().filter(|k| !crate::settings::is_team(k)) {
        tx.execute("DELETE FROM image.setting WHERE key = ?1", [key])?;
        tx.execute(
            "INSERT INTO image.setting SELECT * FROM main.setting WHERE key = ?1",
            [key],
        )?;
    }
    tx.execute_batch(
        "INSERT OR IGNORE INTO image.app_user SELECT * FROM main.app_user;
         INSERT OR REPLACE INTO image.sync_inbox SELECT * FROM main.sync_inbox;",
    )?;
    Ok(true)
}
