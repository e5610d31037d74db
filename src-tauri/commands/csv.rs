//! Oro's CSV in the window: export, import (or check), templates, the imports so far.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use cu_core::csv::export::{Query, Summary};
use cu_core::csv::import::{
    self as csv_import, ImportKind, ImportMode, ImportProgress, ImportRecord, ImportReport,
};
use cu_core::csv::template as csv_template;
use cu_core::out_file::Target;
use cu_core::CoreError;
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::{DialogExt, FilePath};
use ts_rs::TS;

use super::{AppState, Reply};

/// Progress of an export, sent to the window as rows go out.
#[derive(Clone, Serialize, TS)]
#[ts(export)]
pub struct ExportProgress {
    #[ts(type = "number")]
    done: u64,
    #[ts(type = "number")]
    total: u64,
}

/// How the window asks for an import: checked only, all rows or none, or the valid rows
/// (the others to a rejects file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ImportChoice {
    CheckOnly,
    AllOrNothing,
    ValidRowsOnly,
}

ui_commands! {
    /// Exports the users `query` selects (or, for `kind` addresses, their addresses) as Oro's
    /// CSV to `path`, or to a file the admin picks in the native save dialog (`None` when
    /// they close it). Cancel with `cancel_export`.
    #[command(async)]
    fn export_customer_users(
        app: AppHandle, state: State<'_, AppState>;
        query: Query,
        path: Option<String>,
        kind: Option<ImportKind>,
        on_progress: Channel<ExportProgress> as "Channel<ExportProgress>" [ExportProgress]
    ) -> Reply<Option<Summary>> {
        let kind = kind.unwrap_or(ImportKind::CustomerUsers);
        let (title, name) = match kind {
            ImportKind::CustomerUserAddresses => (
                "Export Customer User Addresses",
                "customer-user-addresses.csv",
            ),
            ImportKind::CustomerUsers => ("Export Customer Users", "customer-users.csv"),
        };
        let Some(target) = save_path(&app, path, title, name)? else {
            return Ok(None);
        };
        state.export_cancel.store(false, Ordering::Relaxed);
        // A window that went away stops listening; the export still completes.
        let progress = |done, total| {
            let _ = on_progress.send(ExportProgress { done, total });
        };
        let actor = state.actor()?;
        kind.export_to_file(&state.db, &actor, &query, &target, progress, &state.export_cancel)
            .map(Some)
    }

    #[command]
    fn cancel_export(state: State<'_, AppState>;) -> () {
        state.export_cancel.store(true, Ordering::Relaxed);
    }

    /// A CSV file the admin picks in the native open dialog; `None` when they close it.
    #[command(async)]
    fn pick_import_file(app: AppHandle;) -> Reply<Option<String>> {
        let picked = app
            .dialog()
            .file()
            .set_title("Import Customer Users")
            .add_filter("CSV", &["csv", "txt"])
            .blocking_pick_file();
        Ok(local_path(picked)?.map(|p| p.display().to_string()))
    }

    /// Checks or imports the file at `path`. For `validRowsOnly` the failed rows go to
    /// `rejects`, or to a file picked in the save dialog (`None` back when it is closed).
    /// Cancel with `cancel_import`.
    #[command(async)]
    fn import_customer_users(
        app: AppHandle, state: State<'_, AppState>;
        path: String,
        mode: ImportChoice,
        rejects: Option<String>,
        kind: Option<ImportKind>,
        on_progress: Channel<ImportProgress> as "Channel<ImportProgress>" [ImportProgress]
    ) -> Reply<Option<ImportReport>> {
        let mode = match mode {
            ImportChoice::CheckOnly => ImportMode::CheckOnly,
            ImportChoice::AllOrNothing => ImportMode::AllOrNothing,
            ImportChoice::ValidRowsOnly => {
                let name = Path::new(&path)
                    .file_stem()
                    .map_or("customer-users".into(), |s| s.to_string_lossy().into_owned());
                let title = "Save the rows with errors";
                match save_path(&app, rejects, title, &format!("{name}-errors.csv"))? {
                    Some(rejects) => ImportMode::ValidRowsOnly { rejects },
                    None => return Ok(None),
                }
            }
        };
        state.import_cancel.store(false, Ordering::Relaxed);
        let progress = |progress| {
            let _ = on_progress.send(progress);
        };
        let kind = kind.unwrap_or(ImportKind::CustomerUsers);
        state
            .acting(|db, actor| {
                kind.import(db, actor, Path::new(&path), &mode, progress, &state.import_cancel)
            })
            .map(Some)
    }

    #[command]
    fn cancel_import(state: State<'_, AppState>;) -> () {
        state.import_cancel.store(true, Ordering::Relaxed);
    }

    /// Saves the import data template (headers and a sample row) of `kind` to `path` or a
    /// picked file.
    #[command(async)]
    fn save_import_template(
        app: AppHandle, state: State<'_, AppState>;
        path: Option<String>,
        kind: Option<ImportKind>
    ) -> Reply<Option<String>> {
        let kind = kind.unwrap_or(ImportKind::CustomerUsers);
        let name = match kind {
            ImportKind::CustomerUsers => "customer-users-template.csv",
            ImportKind::CustomerUserAddresses => "customer-user-addresses-template.csv",
        };
        let Some(target) = save_path(&app, path, "Save the data template", name)? else {
            return Ok(None);
        };
        csv_template::write(&state.db, kind, &target)?;
        Ok(Some(target.path.display().to_string()))
    }

    #[command(async)]
    fn list_imports(state: State<'_, AppState>;) -> Reply<Vec<ImportRecord>> {
        state.db.read(|c| csv_import::list(c))
    }
}

/// A dialog's pick as a local path (`None`: the dialog was closed).
fn local_path(picked: Option<FilePath>) -> Reply<Option<PathBuf>> {
    picked
        .map(|p| p.into_path())
        .transpose()
        .map_err(|e| CoreError::field("path", format!("Cannot use that file: {e}")))
}

/// Where to save a file, from `path` (which must be new) or the native save dialog, which
/// asks the admin itself before they pick a file that exists (`None`: closed).
fn save_path(
    app: &AppHandle,
    path: Option<String>,
    title: &str,
    name: &str,
) -> Reply<Option<Target>> {
    if let Some(path) = path {
        return Ok(Some(Target::new(path, false)));
    }
    let picked = local_path(
        app.dialog()
            .file()
            .set_title(title)
            .set_file_name(name)
            .add_filter("CSV", &["csv"])
            .blocking_save_file(),
    )?;
    Ok(picked.map(|path| Target::new(path, true)))
}
