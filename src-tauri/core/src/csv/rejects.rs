//! The rejects file of an import: the refused rows as they were, each with its errors, for
//! the admin to fix and import again.

use std::path::{Path, PathBuf};

use super::import::ERRORS_HEADER;
use crate::{CoreError, Result};

/// The rows that failed, with their errors in an extra column: fix them and import this
/// file again. Written beside its final path and moved there only when the import is done.
pub(super) struct Rejects {
    path: PathBuf,
    temp: tempfile::NamedTempFile,
    writer: csv::Writer<std::io::BufWriter<std::fs::File>>,
    /// The input's own Errors column (a rejects file imported again), replaced by this run's.
    old_errors: Option<usize>,
}

impl Rejects {
    pub(super) fn create(path: &Path, headers: &[String]) -> Result<Self> {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let cannot = |e: std::io::Error| {
            CoreError::field("rejects", format!("Cannot write {}: {e}", path.display()))
        };
        let temp = tempfile::NamedTempFile::new_in(dir).map_err(cannot)?;
        let file = temp.reopen().map_err(cannot)?;
        let mut writer = csv::Writer::from_writer(std::io::BufWriter::new(file));
        let old_errors = headers.iter().position(|h| h == ERRORS_HEADER);
        writer
            .write_record(line(old_errors, headers, ERRORS_HEADER))
            .map_err(rejects_error)?;
        Ok(Rejects {
            path: path.to_path_buf(),
            temp,
            writer,
            old_errors,
        })
    }

    pub(super) fn write(&mut self, cells: &[String], errors: &[String]) -> Result<()> {
        let joined = errors.join("\n");
        self.writer
            .write_record(line(self.old_errors, cells, &joined))
            .map_err(rejects_error)
    }

    pub(super) fn keep(mut self) -> Result<String> {
        self.writer.flush().map_err(|e| rejects_error(e.into()))?;
        self.temp.persist(&self.path).map_err(|e| {
            CoreError::field(
                "rejects",
                format!("Cannot write {}: {}", self.path.display(), e.error),
            )
        })?;
        Ok(self.path.display().to_string())
    }
}

fn line<'a>(skip: Option<usize>, cells: &'a [String], last: &'a str) -> Vec<&'a str> {
    cells
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != skip)
        .map(|(_, c)| c.as_str())
        .chain([last])
        .collect()
}

fn rejects_error(err: csv::Error) -> CoreError {
    CoreError::field(
        "rejects",
        format!("The file of failed rows could not be written: {err}"),
    )
}
