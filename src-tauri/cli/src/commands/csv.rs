//! Oro's CSV: export, import (or check), the imports run so far, templates.

use super::users::parse_filters;
use crate::*;
use cu_core::out_file::Target;

pub(crate) fn run(session: &mut Session<'_>, command: &Command) -> Result<(), CoreError> {
    let Session {
        db,
        actor,
        out,
        status,
    } = session;
    match command {
        Command::Export {
            out: path,
            q,
            filters,
            addresses,
            force,
        } => {
            let query = cu_core::csv::export::Query {
                filter: Some(parse_filters(filters)?),
                q: q.clone(),
            };
            let progress = |done, total| eprint!("\rexported {done} of {total}");
            let cancel = std::sync::atomic::AtomicBool::new(false);
            let summary = ImportKind::of(*addresses)
                .export_to_file(
                    db,
                    actor,
                    &query,
                    &Target::new(path, *force),
                    progress,
                    &cancel,
                )
                .map_err(|e| rename_field(e, "path", "out"))?;
            eprintln!();
            out.print(&summary)
        }
        Command::Import {
            file,
            check_only,
            valid_rows_only: _,
            rejects,
            force,
            addresses,
        } => {
            let mode = match (check_only, rejects) {
                (true, _) => ImportMode::CheckOnly,
                (false, Some(rejects)) => ImportMode::ValidRowsOnly {
                    rejects: Target::new(rejects, *force),
                },
                (false, None) => ImportMode::AllOrNothing,
            };
            let progress = |p: ImportProgress| {
                eprint!(
                    "\rread {} rows ({}%)",
                    p.rows,
                    p.done * 100 / p.total.max(1)
                )
            };
            let cancel = std::sync::atomic::AtomicBool::new(false);
            let report =
                ImportKind::of(*addresses).import(db, actor, file, &mode, progress, &cancel)?;
            eprintln!();
            if out.json {
                out.print(&report)?;
            } else {
                emit(&report.message)?;
                for line in &report.errors {
                    emit(line)?;
                }
                if report.counts.errors > report.errors.len() as u64 {
                    emit(&format!(
                        "… and more: {} rows have errors in all.",
                        report.counts.errors
                    ))?;
                }
                if let Some(rejects) = &report.rejects {
                    emit(&format!("The rows with errors are in {rejects}."))?;
                }
            }
            if report.counts.errors > 0 {
                *status = ROWS_REJECTED;
            }
            Ok(())
        }
        Command::Template {
            out: path,
            addresses,
            force,
        } => {
            cu_core::csv::template::write(
                db,
                ImportKind::of(*addresses),
                &Target::new(path, *force),
            )
            .map_err(|e| rename_field(e, "path", "out"))?;
            emit(&format!("The data template is in {}.", path.display()))
        }
        Command::Imports => {
            let list = db.read(|c| csv_import::list(c))?;
            if out.json {
                out.print(&list)
            } else {
                for i in &list {
                    emit(&format!(
                        "{} {} {} by {}: {} — read {}, added {}, updated {}, replaced {}, unchanged {}, errors {}",
                        i.finished_at, i.file, i.mode, i.actor, i.outcome, i.counts.read,
                        i.counts.added, i.counts.updated, i.counts.replaced, i.counts.unchanged,
                        i.counts.errors
                    ))?;
                }
                Ok(())
            }
        }
        _ => Err(CoreError::internal("not a command of this group")),
    }
}
