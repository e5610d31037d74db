//! Tauri commands: thin adapters that parse arguments, call the core and map its result.
//! Each runs off the UI thread (`async`), so a slow query never freezes the window.

use cu_core::account::sign_in::{AttemptQuery, LoginAttempt};
use cu_core::actor::{Actor, Via};
use cu_core::back_office::{self, BackOfficeUserInput};
use cu_core::bulk::{self, Action, Summary};
use cu_core::csv::export as csv_export;
use cu_core::csv::import::{
    self as csv_import, ImportKind, ImportMode, ImportProgress, ImportRecord, ImportReport,
};
use cu_core::customer_user::input::CustomerUserInput;
use cu_core::customer_user::CustomerUser;
use cu_core::grid::{CustomerUserRow, GridQuery, Page};
use cu_core::history::ChangeRecord;
use cu_core::mail::outbox::{self, Delivery, Message};
use cu_core::mail::template::{self as email_template, EmailTemplate, Rendered};
use cu_core::reference::{self, Customer, Localization, RoleRef, User, Website};
use cu_core::settings::{self, Setting};
use cu_core::{
    account, account::sign_in as auth, csv::template as csv_template, customer_user,
    customer_user::write as customer_user_write, history, password, secrets, store::ui_state,
    CoreError, Database,
};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::{DialogExt, FilePath};

use crate::delivery::{self, Deliverer};

pub struct AppState {
    pub db: Arc<Database>,
    /// When `main` began: the start of the launch the window reports on.
    pub launched: Instant,
    /// Woken after every action that queues e-mail.
    pub deliverer: Deliverer,
    /// Set by `cancel_export` to stop the export under way.
    pub export_cancel: AtomicBool,
    /// Set by `cancel_import` to stop the import (or check) under way.
    pub import_cancel: AtomicBool,
}

impl AppState {
    /// The current admin, who acts in the window; refused until one is chosen.
    fn actor(&self) -> Reply<Actor> {
        let admin = self.db.read(|c| back_office::current_admin(c))?;
        admin
            .map(|user| Actor {
                username: user.username,
                via: Via::Window,
            })
            .ok_or_else(|| {
                CoreError::conflict(
                    "Choose who you are first: no back-office user is acting in this window.",
                )
            })
    }

    /// Runs an action as the current admin.
    fn acting<T>(&self, action: impl FnOnce(&Database, &Actor) -> Reply<T>) -> Reply<T> {
        action(&self.db, &self.actor()?)
    }

    /// Runs an action that may queue e-mail as the current admin, then asks for delivery.
    fn mailing<T>(&self, action: impl FnOnce(&Database, &Actor) -> Reply<T>) -> Reply<T> {
        let out = self.acting(action)?;
        self.deliverer.wake();
        Ok(out)
    }
}

type Reply<T> = Result<T, CoreError>;

#[tauri::command(async)]
fn list_customer_users(
    state: State<'_, AppState>,
    query: GridQuery,
) -> Reply<Page<CustomerUserRow>> {
    cu_core::grid::page(&state.db, &query)
}

#[tauri::command(async)]
fn get_customer_user(state: State<'_, AppState>, id: String) -> Reply<CustomerUser> {
    state.db.read(|c| customer_user::get(c, &id))
}

#[tauri::command(async)]
fn create_customer_user(state: State<'_, AppState>, input: Value) -> Reply<CustomerUser> {
    let input = CustomerUserInput::from_json(input)?;
    state.mailing(|db, actor| account::create(db, actor, &input))
}

#[tauri::command(async)]
fn update_customer_user(
    state: State<'_, AppState>,
    id: String,
    patch: Value,
) -> Reply<CustomerUser> {
    state.acting(|db, actor| account::update(db, actor, &id, &patch))
}

#[tauri::command(async)]
fn delete_customer_user(state: State<'_, AppState>, id: String) -> Reply<()> {
    state.acting(|db, actor| customer_user_write::delete(db, actor, &id))
}

#[tauri::command(async)]
fn set_customer_user_enabled(
    state: State<'_, AppState>,
    id: String,
    enabled: bool,
) -> Reply<CustomerUser> {
    state.acting(|db, actor| customer_user_write::set_enabled(db, actor, &id, enabled))
}

#[tauri::command(async)]
fn customer_user_history(state: State<'_, AppState>, id: String) -> Reply<Vec<ChangeRecord>> {
    state.db.read(|c| {
        customer_user::require_id(c, &id)?;
        history::for_record(c, "customer_user", &id)
    })
}

#[tauri::command]
fn generate_password() -> Reply<String> {
    Ok(password::generate())
}

#[tauri::command(async)]
fn list_customers(
    state: State<'_, AppState>,
    q: Option<String>,
    limit: Option<u32>,
) -> Reply<Vec<Customer>> {
    state
        .db
        .read(|c| reference::list_customers(c, q.as_deref(), limit))
}

#[tauri::command(async)]
fn get_customers(state: State<'_, AppState>, ids: Vec<String>) -> Reply<Vec<Customer>> {
    state.db.read(|c| reference::get_customers(c, &ids))
}

#[tauri::command(async)]
fn list_websites(state: State<'_, AppState>) -> Reply<Vec<Website>> {
    state.db.read(|c| reference::list_websites(c))
}

#[tauri::command(async)]
fn list_localizations(state: State<'_, AppState>) -> Reply<Vec<Localization>> {
    state.db.read(|c| reference::list_localizations(c))
}

#[tauri::command(async)]
fn list_roles(state: State<'_, AppState>, customer: Option<String>) -> Reply<Vec<RoleRef>> {
    state
        .db
        .read(|c| reference::list_roles(c, customer.as_deref()))
}

#[tauri::command(async)]
fn list_users(state: State<'_, AppState>) -> Reply<Vec<User>> {
    state.db.read(|c| reference::list_users(c))
}

/// The back-office user who acts in the window; `null` until one is chosen for this store.
#[tauri::command(async)]
fn current_admin(state: State<'_, AppState>) -> Reply<Option<User>> {
    state.db.read(|c| back_office::current_admin(c))
}

#[tauri::command(async)]
fn set_current_admin(state: State<'_, AppState>, id: String) -> Reply<User> {
    back_office::set_current_admin(&state.db, &id)
}

/// Adds a back-office user (the first-launch choice offers it before anyone acts, so the
/// system records it when no admin is chosen yet).
#[tauri::command(async)]
fn create_back_office_user(state: State<'_, AppState>, input: BackOfficeUserInput) -> Reply<User> {
    let actor = state.actor().unwrap_or_else(|_| Actor::system());
    back_office::create(&state.db, &actor, &input)
}

#[tauri::command(async)]
fn get_ui_state(state: State<'_, AppState>) -> Reply<Map<String, Value>> {
    ui_state::get_all(&state.db)
}

#[tauri::command(async)]
fn set_ui_state(state: State<'_, AppState>, key: String, value: Value) -> Reply<()> {
    ui_state::set(&state.db, &key, &value)
}

#[tauri::command(async)]
fn confirm_customer_user(state: State<'_, AppState>, id: String) -> Reply<CustomerUser> {
    state.mailing(|db, actor| account::confirm(db, actor, &id))
}

#[tauri::command(async)]
fn resend_confirmation(state: State<'_, AppState>, id: String) -> Reply<CustomerUser> {
    state.mailing(|db, actor| account::resend_confirmation(db, actor, &id))
}

#[tauri::command(async)]
fn reset_password(state: State<'_, AppState>, id: String) -> Reply<CustomerUser> {
    state.mailing(|db, actor| account::reset_password(db, actor, &id))
}

#[tauri::command(async)]
fn revoke_reset(state: State<'_, AppState>, id: String) -> Reply<CustomerUser> {
    state.acting(|db, actor| account::revoke_reset(db, actor, &id))
}

#[tauri::command(async)]
fn unlock_customer_user(state: State<'_, AppState>, id: String) -> Reply<CustomerUser> {
    state.acting(|db, actor| account::unlock(db, actor, &id))
}

#[tauri::command(async)]
fn bulk_action(state: State<'_, AppState>, action: Action, ids: Vec<String>) -> Reply<Summary> {
    state.mailing(|db, actor| bulk::run(db, actor, action, &ids))
}

#[tauri::command(async)]
fn list_outbox(state: State<'_, AppState>, query: outbox::Query) -> Reply<Vec<Message>> {
    outbox::list(&state.db, &query)
}

#[tauri::command(async)]
fn retry_message(state: State<'_, AppState>, id: String) -> Reply<Message> {
    state.mailing(|db, actor| outbox::retry(db, actor, &id))
}

/// Delivers what is due now and says what happened (the Outbox screen's "Send now").
#[tauri::command(async)]
fn deliver_outbox(state: State<'_, AppState>) -> Reply<Delivery> {
    delivery::deliver_if_due(&state.db)
}

#[tauri::command(async)]
fn list_login_attempts(
    state: State<'_, AppState>,
    query: AttemptQuery,
) -> Reply<Vec<LoginAttempt>> {
    auth::attempts(&state.db, &query)
}

#[tauri::command(async)]
fn list_settings(state: State<'_, AppState>) -> Reply<Vec<Setting>> {
    settings::list(&state.db)
}

#[tauri::command(async)]
fn set_setting(state: State<'_, AppState>, key: String, value: Value) -> Reply<Setting> {
    state.acting(|db, actor| settings::set(db, actor, &key, &value))
}

/// Whether an SMTP password is saved in the keychain (the password never goes to the UI).
#[tauri::command(async)]
fn smtp_password_saved(state: State<'_, AppState>) -> Reply<bool> {
    Ok(secrets::smtp_password(&state.db)?.is_some())
}

#[tauri::command(async)]
fn set_smtp_password(state: State<'_, AppState>, password: Option<String>) -> Reply<()> {
    secrets::set_smtp_password(&state.db, password.as_deref())
}

#[tauri::command(async)]
fn list_email_templates(state: State<'_, AppState>) -> Reply<Vec<EmailTemplate>> {
    email_template::list(&state.db)
}

#[tauri::command(async)]
fn update_email_template(
    state: State<'_, AppState>,
    name: String,
    subject: String,
    content: String,
) -> Reply<EmailTemplate> {
    state.acting(|db, actor| email_template::update(db, actor, &name, &subject, &content))
}

#[tauri::command(async)]
fn restore_email_template(state: State<'_, AppState>, name: String) -> Reply<EmailTemplate> {
    state.acting(|db, actor| email_template::restore_default(db, actor, &name))
}

#[tauri::command]
fn preview_email_template(subject: String, content: String) -> Reply<Rendered> {
    email_template::preview(&subject, &content)
}

/// Progress of an export, sent to the window as rows go out.
#[derive(Clone, serde::Serialize)]
pub struct ExportProgress {
    done: u64,
    total: u64,
}

/// Exports the users `query` selects (or with `addresses`, their addresses) as Oro's CSV to
/// `path`, or to a file the admin picks in the native save dialog (`None` when they close
/// it). Cancel with `cancel_export`.
#[tauri::command(async)]
fn export_customer_users(
    app: AppHandle,
    state: State<'_, AppState>,
    query: csv_export::Query,
    path: Option<String>,
    addresses: Option<bool>,
    on_progress: Channel<ExportProgress>,
) -> Reply<Option<csv_export::Summary>> {
    let addresses = addresses == Some(true);
    let (title, name) = if addresses {
        (
            "Export Customer User Addresses",
            "customer-user-addresses.csv",
        )
    } else {
        ("Export Customer Users", "customer-users.csv")
    };
    let Some(path) = save_path(&app, path, title, name)? else {
        return Ok(None);
    };
    state.export_cancel.store(false, Ordering::Relaxed);
    // A window that went away stops listening; the export still completes.
    let progress = |done, total| {
        let _ = on_progress.send(ExportProgress { done, total });
    };
    ImportKind::of(addresses)
        .export_to_file(&state.db, &query, &path, progress, &state.export_cancel)
        .map(Some)
}

#[tauri::command]
fn cancel_export(state: State<'_, AppState>) {
    state.export_cancel.store(true, Ordering::Relaxed);
}

/// A CSV file the admin picks in the native open dialog; `None` when they close it.
#[tauri::command(async)]
fn pick_import_file(app: AppHandle) -> Reply<Option<String>> {
    let picked = app
        .dialog()
        .file()
        .set_title("Import Customer Users")
        .add_filter("CSV", &["csv", "txt"])
        .blocking_pick_file();
    Ok(local_path(picked)?.map(|p| p.display().to_string()))
}

/// A dialog's pick as a local path (`None`: the dialog was closed).
fn local_path(picked: Option<FilePath>) -> Reply<Option<PathBuf>> {
    picked
        .map(|p| p.into_path())
        .transpose()
        .map_err(|e| CoreError::field("path", format!("Cannot use that file: {e}")))
}

/// Where to save a file, from `path` or the native save dialog (`None`: closed).
fn save_path(
    app: &AppHandle,
    path: Option<String>,
    title: &str,
    name: &str,
) -> Reply<Option<PathBuf>> {
    if let Some(path) = path {
        return Ok(Some(PathBuf::from(path)));
    }
    local_path(
        app.dialog()
            .file()
            .set_title(title)
            .set_file_name(name)
            .add_filter("CSV", &["csv"])
            .blocking_save_file(),
    )
}

/// Checks (`checkOnly`) or imports the file at `path`. For `validRowsOnly` the failed rows
/// go to `rejects`, or to a file picked in the save dialog (`None` back when it is closed).
/// Cancel with `cancel_import`.
#[tauri::command(async)]
fn import_customer_users(
    app: AppHandle,
    state: State<'_, AppState>,
    path: String,
    mode: String,
    rejects: Option<String>,
    addresses: Option<bool>,
    on_progress: Channel<ImportProgress>,
) -> Reply<Option<ImportReport>> {
    let mode = match mode.as_str() {
        "checkOnly" => ImportMode::CheckOnly,
        "allOrNothing" => ImportMode::AllOrNothing,
        "validRowsOnly" => {
            let name = Path::new(&path)
                .file_stem()
                .map_or("customer-users".into(), |s| {
                    s.to_string_lossy().into_owned()
                });
            let title = "Save the rows with errors";
            match save_path(&app, rejects, title, &format!("{name}-errors.csv"))? {
                Some(rejects) => ImportMode::ValidRowsOnly { rejects },
                None => return Ok(None),
            }
        }
        other => {
            return Err(CoreError::field(
                "mode",
                format!(
                "Unknown import mode \"{other}\"; use checkOnly, allOrNothing or validRowsOnly."
            ),
            ))
        }
    };
    state.import_cancel.store(false, Ordering::Relaxed);
    let progress = |progress| {
        let _ = on_progress.send(progress);
    };
    state
        .acting(|db, actor| {
            ImportKind::of(addresses == Some(true)).import(
                db,
                actor,
                Path::new(&path),
                &mode,
                progress,
                &state.import_cancel,
            )
        })
        .map(Some)
}

#[tauri::command]
fn cancel_import(state: State<'_, AppState>) {
    state.import_cancel.store(true, Ordering::Relaxed);
}

/// Saves the import data template (headers and a sample row) of customer users (or with
/// `addresses`, of addresses) to `path` or a picked file.
#[tauri::command(async)]
fn save_import_template(
    app: AppHandle,
    state: State<'_, AppState>,
    path: Option<String>,
    addresses: Option<bool>,
) -> Reply<Option<String>> {
    let kind = ImportKind::of(addresses == Some(true));
    let name = match kind {
        ImportKind::CustomerUsers => "customer-users-template.csv",
        ImportKind::CustomerUserAddresses => "customer-user-addresses-template.csv",
    };
    let Some(path) = save_path(&app, path, "Save the data template", name)? else {
        return Ok(None);
    };
    csv_template::write(&state.db, kind, &path)?;
    Ok(Some(path.display().to_string()))
}

#[tauri::command(async)]
fn list_imports(state: State<'_, AppState>) -> Reply<Vec<ImportRecord>> {
    state.db.read(|c| csv_import::list(c))
}

/// The window shows its first grid page: logs how long the launch took, once.
#[tauri::command]
fn first_page_shown(state: State<'_, AppState>) {
    static LOGGED: std::sync::Once = std::sync::Once::new();
    LOGGED.call_once(|| {
        tracing::info!(
            "first grid page on screen {} ms after launch",
            state.launched.elapsed().as_millis()
        );
    });
}

pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        list_customer_users,
        get_customer_user,
        create_customer_user,
        update_customer_user,
        delete_customer_user,
        set_customer_user_enabled,
        customer_user_history,
        generate_password,
        list_customers,
        get_customers,
        list_websites,
        list_localizations,
        list_roles,
        list_users,
        current_admin,
        set_current_admin,
        create_back_office_user,
        get_ui_state,
        set_ui_state,
        first_page_shown,
        confirm_customer_user,
        resend_confirmation,
        reset_password,
        revoke_reset,
        unlock_customer_user,
        bulk_action,
        list_outbox,
        retry_message,
        deliver_outbox,
        list_login_attempts,
        list_settings,
        set_setting,
        smtp_password_saved,
        set_smtp_password,
        list_email_templates,
        update_email_template,
        restore_email_template,
        preview_email_template,
        export_customer_users,
        cancel_export,
        pick_import_file,
        import_customer_users,
        cancel_import,
        save_import_template,
        list_imports,
    ]
}
