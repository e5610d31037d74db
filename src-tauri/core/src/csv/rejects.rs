//! The rejects file of an import: the refused rows as they were, each with its errors, for
//! the admin to fix and import again.

use std::path::Path;

use super::import::ERRORS_HEADER;
use crate::out_file::{OutFile, Target};
use crate::{CoreError, Database, Result};

/// The rows that failed, with their errors in an extra column: fix them and import this
/// file again. It takes its name only when the import is done.
pub(super) struct Rejects {
    out: OutFile,
    shown: String,
    writer: csv::Writer<std::io::BufWriter<std::fs::File>>,
    /// The input's own Errors column (a rejects file imported again), replaced by this run's.
    old_errors: Option<usize>,
}

impl Rejects {
    /// Opens the rejects file of the import of `input`, which it must not be.
    pub(super) fn create(
        db: &Database,
        target: &Target,
        input: &Path,
        headers: &[String],
    ) -> Result<Self> {
        let out = OutFile::create(db, target, &[input], "rejects")?;
        let file = out.file().try_clone().map_err(|e| {
            CoreError::field(
                "rejects",
                format!("Cannot write {}: {e}", target.path.display()),
            )
        })?;
        let mut writer = csv::Writer::from_writer(std::io::BufWriter::new(file));
        let old_errors = headers.iter().position(|h| h == ERRORS_HEADER);
        writer
            .write_record(line(old_errors, headers, ERRORS_HEADER))
            .map_err(rejects_error)?;
        Ok(Rejects {
            out,
            shown: target.path.display().to_string(),
            writer,
            old_errors,
        })
    }

    pub(super) fn write(&mut self, cells: &[String], errors: &[String]) -> Result<()> {
        let joined = errors.join("\n");
        self.writer
            .write_record(super::formula::neutralised(line(
                self.old_errors,
                cells,
                &joined,
            )))
            .map_err(rejects_error)
    }

    pub(super) fn keep(mut self) -> Result<String> {
        self.writer.flush().map_err(|e| rejects_error(e.into()))?;
        self.out.keep()?;
        Ok(self.shown)
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
