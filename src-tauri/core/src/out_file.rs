//! Files a command writes for the admin (an export, a template, an import's rejects): the
//! target is checked before a byte is written, and it appears complete or not at all.
//!
//! The target must be a regular file or a new name in an existing folder, never the store
//! itself or its `-wal`, `-shm` or `-journal` file (a hard link to one counts), and an
//! existing file is replaced only when the caller said so. A symbolic link is followed: the
//! file it names is the one checked and replaced. On Linux the content goes into an unnamed
//! file (`O_TMPFILE`) that is given its name only when complete, so a killed export leaves
//! nothing behind; elsewhere a temporary file beside the target, removed when the write fails.

use std::fs::File;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{CoreError, Database, ErrorCode, Result};

/// Where a command writes a file, and whether an existing file there may be replaced (the
/// CLI's `--force`; the native save dialog asks the admin itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export, rename = "OutputTarget")]
pub struct Target {
    #[ts(type = "string")]
    pub path: PathBuf,
    #[serde(default)]
    pub replace: bool,
}

impl Target {
    pub fn new(path: impl Into<PathBuf>, replace: bool) -> Self {
        Target {
            path: path.into(),
            replace,
        }
    }
}

/// A file being written to a checked [`Target`]; [`OutFile::keep`] gives it its name.
pub(crate) struct OutFile {
    file: File,
    /// The file the target names, symbolic links followed.
    dest: PathBuf,
    replace: bool,
    field: &'static str,
    /// Where the unnamed file lives until it is kept (Linux), or the named stand-in.
    pending: Pending,
}

enum Pending {
    #[cfg(target_os = "linux")]
    Unnamed,
    Named(tempfile::TempPath),
}

impl OutFile {
    /// Checks `target` against the store of `db` and the files in `keep_off` (an import's own
    /// input), and opens the file to write. `field` names the argument in errors.
    pub(crate) fn create(
        db: &Database,
        target: &Target,
        keep_off: &[&Path],
        field: &'static str,
    ) -> Result<OutFile> {
        let shown = target.path.display();
        let refuse = |why: String| CoreError::field(field, why);
        let dest = destination(&target.path).map_err(refuse)?;
        if let Ok(meta) = std::fs::metadata(&dest) {
            if !meta.is_file() {
                return Err(refuse(format!(
                    "{shown} is not a regular file; choose a file name."
                )));
            }
            if !target.replace {
                return Err(CoreError {
                    code: ErrorCode::Conflict,
                    ..refuse(format!(
                        "{shown} already exists; say to replace it (--force) or choose another name."
                    ))
                });
            }
        }
        if is_store_file(db.path(), &dest) {
            return Err(refuse(format!(
                "{shown} is this app's database; choose another file."
            )));
        }
        if keep_off.iter().any(|p| same_file(p, &dest)) {
            return Err(refuse(format!(
                "{shown} is the file being read; choose another file."
            )));
        }
        let dir = dest.parent().unwrap_or(Path::new("/"));
        let cannot = |e: std::io::Error| refuse(format!("Cannot write {shown}: {e}"));
        let (file, pending) = open_pending(dir, &dest).map_err(cannot)?;
        Ok(OutFile {
            file,
            dest,
            replace: target.replace,
            field,
            pending,
        })
    }

    pub(crate) fn file(&self) -> &File {
        &self.file
    }

    /// Makes the written file durable and gives it the target's name.
    pub(crate) fn keep(self) -> Result<()> {
        let dest = self.dest.display().to_string();
        let cannot =
            |e: std::io::Error| CoreError::field(self.field, format!("Cannot write {dest}: {e}"));
        self.file.sync_all().map_err(cannot)?;
        match self.pending {
            #[cfg(target_os = "linux")]
            Pending::Unnamed => unnamed::link(&self.file, &self.dest, self.replace),
            Pending::Named(temp) if self.replace => temp.persist(&self.dest).map_err(|e| e.error),
            Pending::Named(temp) => temp.persist_noclobber(&self.dest).map_err(|e| e.error),
        }
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => CoreError::conflict(format!(
                "{dest} appeared while it was being written; nothing was replaced."
            )),
            _ => cannot(e),
        })
    }
}

/// The file `path` names: an existing one with its links followed, or a new name in an
/// existing folder.
fn destination(path: &Path) -> std::result::Result<PathBuf, String> {
    let shown = path.display();
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(path)
            .map_err(|_| format!("{shown} is a link to nothing; choose a file name.")),
        Ok(_) => std::fs::canonicalize(path).map_err(|e| format!("Cannot write {shown}: {e}")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let name = path
                .file_name()
                .ok_or_else(|| format!("{shown} is not a file name."))?;
            let dir = path
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let dir = std::fs::canonicalize(dir)
                .map_err(|_| format!("The folder of {shown} does not exist."))?;
            Ok(dir.join(name))
        }
        Err(e) => Err(format!("Cannot write {shown}: {e}")),
    }
}

/// Whether `dest` is the store at `store` or one of SQLite's files beside it.
fn is_store_file(store: &Path, dest: &Path) -> bool {
    let Ok(store) = destination(store) else {
        return false;
    };
    ["", "-wal", "-shm", "-journal"].iter().any(|suffix| {
        let mut name = store.clone().into_os_string();
        name.push(suffix);
        let name = PathBuf::from(name);
        name == dest || same_file(&name, dest)
    })
}

/// Whether two existing paths are one file (a hard link or a second name for it).
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(a), Ok(b)) if a == b
        )
    }
}

fn open_pending(dir: &Path, dest: &Path) -> std::io::Result<(File, Pending)> {
    #[cfg(target_os = "linux")]
    if let Some(file) = unnamed::open(dir)? {
        return Ok((file, Pending::Unnamed));
    }
    let name = dest.file_name().unwrap_or_default().to_string_lossy();
    let temp = tempfile::Builder::new()
        .prefix(&format!("{name}."))
        .suffix(".partial")
        .tempfile_in(dir)?;
    let (file, path) = temp.into_parts();
    Ok((file, Pending::Named(path)))
}

#[cfg(target_os = "linux")]
mod unnamed {
    use std::ffi::CString;
    use std::fs::File;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::OpenOptionsExt;
    use std::os::unix::io::AsRawFd;
    use std::path::Path;

    /// An unnamed file in `dir`, or `None` where its file system has none (then a named
    /// temporary file stands in).
    pub(super) fn open(dir: &Path) -> std::io::Result<Option<File>> {
        match std::fs::OpenOptions::new()
            .write(true)
            .mode(0o644)
            .custom_flags(libc::O_TMPFILE)
            .open(dir)
        {
            Ok(file) => Ok(Some(file)),
            Err(e) if matches!(e.raw_os_error(), Some(libc::EOPNOTSUPP | libc::EISDIR)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Names the unnamed `file` `dest`: directly when the name is free, else (when replacing
    /// is allowed) under a passing name renamed over it, which replaces it in one step.
    pub(super) fn link(file: &File, dest: &Path, replace: bool) -> std::io::Result<()> {
        match link_at(file, dest) {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && replace => {
                let mut passing = dest.as_os_str().to_owned();
                passing.push(format!(".{}.partial", uuid::Uuid::now_v7().simple()));
                link_at(file, Path::new(&passing))?;
                std::fs::rename(&passing, dest).inspect_err(|_| {
                    let _ = std::fs::remove_file(&passing);
                })
            }
            other => other,
        }
    }

    fn link_at(file: &File, dest: &Path) -> std::io::Result<()> {
        let from = CString::new(format!("/proc/self/fd/{}", file.as_raw_fd()))?;
        let to = CString::new(dest.as_os_str().as_bytes())?;
        // SAFETY: both are NUL-terminated strings that outlive the call.
        let done = unsafe {
            libc::linkat(
                libc::AT_FDCWD,
                from.as_ptr(),
                libc::AT_FDCWD,
                to.as_ptr(),
                libc::AT_SYMLINK_FOLLOW,
            )
        };
        if done == 0 {
            Ok(())
        } else {
            Err(std::io::Error::last_os_error())
        }
    }
}
