//! The organization's settings and the SMTP password in the OS keychain.

use cu_core::secrets;
use cu_core::settings::{self, Setting};
use serde_json::Value;
use tauri::State;

use super::{AppState, Reply};

ui_commands! {
    #[command(async)]
    fn list_settings(state: State<'_, AppState>;) -> Reply<Vec<Setting>> {
        settings::list(&state.db)
    }

    #[command(async)]
    fn set_setting(state: State<'_, AppState>; key: String, value: Value) -> Reply<Setting> {
        state.acting(|db, actor| settings::set(db, actor, &key, &value))
    }

    /// Whether an SMTP password is saved in the keychain (the password never goes to the UI).
    #[command(async)]
    fn smtp_password_saved(state: State<'_, AppState>;) -> Reply<bool> {
        Ok(secrets::smtp_password(&state.db)?.is_some())
    }

    #[command(async)]
    fn set_smtp_password(state: State<'_, AppState>; password: Option<String>) -> Reply<()> {
        state.acting(|db, actor| secrets::set_smtp_password(db, actor, password.as_deref()))
    }
}
