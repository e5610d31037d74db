//! The team's store image: a ready-made desktop store holding every record, which a new
//! desktop downloads whole instead of writing a million records one by one (`docs/sync.md`,
//! "Starting from a store image"). It is built by the desktop's own snapshot code reading
//! this server's store in-process, kept in the images folder beside the store, and rebuilt
//! by `serve` in the background once the team has changed. An image is a cache: any server
//! process can build its own, and a desktop that finds none reads the records instead.

use std::path::{Path, PathBuf};

use cu_core::sync::{Failure, Transport};
use cu_sync::wire::{ImageInfo, PullResponse, PushRequest, PushResponse, Row, SnapshotResponse};

use crate::error::{Result, ServerError};
use crate::store::Store;

/// The folder of a server's images.
#[derive(Debug, Clone)]
pub struct Images {
    dir: PathBuf,
}

const PREFIX: &str = "image-";

impl Images {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Images { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The newest image built, with its file.
    pub fn latest(&self) -> Option<(ImageInfo, PathBuf)> {
        let entries = std::fs::read_dir(&self.dir).ok()?;
        entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let stem = name
                    .strip_prefix(PREFIX)?
                    .strip_suffix(".json")?
                    .to_string();
                let info: ImageInfo =
                    serde_json::from_slice(&std::fs::read(e.path()).ok()?).ok()?;
                let file = self.dir.join(format!("{PREFIX}{stem}.sqlite3"));
                file.exists().then_some((info, file))
            })
            .max_by_key(|(info, _)| info.version)
    }

    /// Builds an image of the team as `store` holds it now, keeps it as the newest and
    /// removes the older ones.
    pub fn build(&self, store: &dyn Store) -> Result<ImageInfo> {
        std::fs::create_dir_all(&self.dir).map_err(|e| io_error(&self.dir, &e))?;
        let building = self
            .dir
            .join(format!(".building-{}.sqlite3", uuid::Uuid::now_v7()));
        let info = cu_core::sync::image::build(&building, &mut InProcess(store)).map_err(|e| {
            remove(&building);
            ServerError::Storage(format!("The store image cannot be built: {}", e.message))
        })?;
        let stem = format!("{PREFIX}{:020}", info.version);
        let file = self.dir.join(format!("{stem}.sqlite3"));
        std::fs::rename(&building, &file).map_err(|e| io_error(&file, &e))?;
        // The description last, and whole: an image without one is not offered.
        let described = self.dir.join(format!(".{stem}.json"));
        let text = serde_json::to_vec_pretty(&info)
            .map_err(|e| ServerError::Storage(format!("Cannot describe the image: {e}")))?;
        std::fs::write(&described, text).map_err(|e| io_error(&described, &e))?;
        let description = self.dir.join(format!("{stem}.json"));
        std::fs::rename(&described, &description).map_err(|e| io_error(&description, &e))?;
        self.remove_older_than(info.version);
        Ok(info)
    }

    /// The image files of versions before `version` (a desktop downloading one keeps its
    /// open file until it is done).
    fn remove_older_than(&self, version: u64) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.filter_map(|e| e.ok()) {
            let name = entry.file_name().to_string_lossy().into_owned();
            let older = name
                .strip_prefix(PREFIX)
                .and_then(|rest| rest.split('.').next())
                .and_then(|v| v.parse::<u64>().ok())
                .is_some_and(|v| v < version);
            if older {
                remove(&entry.path());
            }
        }
    }
}

fn remove(path: &Path) {
    if let Err(e) = std::fs::remove_file(path) {
        tracing::warn!("cannot remove {}: {e}", path.display());
    }
}

fn io_error(path: &Path, e: &std::io::Error) -> ServerError {
    ServerError::Storage(format!("Cannot write {}: {e}", path.display()))
}

/// The server's store as the snapshot code reads it: the same pages a desktop would get,
/// without the network.
struct InProcess<'a>(&'a dyn Store);

fn failure(e: ServerError) -> Failure {
    Failure::Offline(e.to_string())
}

impl Transport for InProcess<'_> {
    fn push(&mut self, _: &PushRequest) -> std::result::Result<PushResponse, Failure> {
        Err(Failure::Refused(
            "An image is built from the store, not pushed to.".into(),
        ))
    }

    fn pull(&mut self, cursor: u64, limit: usize) -> std::result::Result<PullResponse, Failure> {
        self.0.pull(cursor, limit).map_err(failure)
    }

    fn snapshot(
        &mut self,
        entity: &str,
        after: &str,
        limit: usize,
    ) -> std::result::Result<SnapshotResponse, Failure> {
        self.0.snapshot(entity, after, limit).map_err(failure)
    }

    fn fetch(&mut self, entity: &str, id: &str) -> std::result::Result<Option<Row>, Failure> {
        self.0.record(entity, id).map_err(failure)
    }
}
