//! Reference data the forms offer, the current admin, and the window's own state.

use cu_core::actor::Actor;
use cu_core::back_office::{self, BackOfficeUserInput};
use cu_core::reference::{self, Customer, Localization, RoleRef, User, Website};
use cu_core::store::ui_state;
use serde_json::{Map, Value};
use tauri::State;

use super::{AppState, Reply};

/// The database the window shows.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StoreInfo {
    pub path: String,
    /// A file this user cannot write: the window reads and exports it, and changes nothing.
    pub read_only: bool,
}

ui_commands! {
    #[command(async)]
    fn list_customers(state: State<'_, AppState>; q: Option<String>, limit: Option<u32>) -> Reply<Vec<Customer>> {
        state.db.read(|c| reference::list_customers(c, q.as_deref(), limit))
    }

    #[command(async)]
    fn get_customers(state: State<'_, AppState>; ids: Vec<String>) -> Reply<Vec<Customer>> {
        state.db.read(|c| reference::get_customers(c, &ids))
    }

    #[command(async)]
    fn list_websites(state: State<'_, AppState>;) -> Reply<Vec<Website>> {
        state.db.read(|c| reference::list_websites(c))
    }

    #[command(async)]
    fn list_localizations(state: State<'_, AppState>;) -> Reply<Vec<Localization>> {
        state.db.read(|c| reference::list_localizations(c))
    }

    #[command(async)]
    fn list_roles(state: State<'_, AppState>; customer: Option<String>) -> Reply<Vec<RoleRef>> {
        state.db.read(|c| reference::list_roles(c, customer.as_deref()))
    }

    #[command(async)]
    fn list_users(state: State<'_, AppState>;) -> Reply<Vec<User>> {
        state.db.read(|c| reference::list_users(c))
    }

    /// Which database the window shows, and whether it may change it.
    #[command(async)]
    fn store_info(state: State<'_, AppState>;) -> Reply<StoreInfo> {
        Ok(StoreInfo {
            path: state.db.path().display().to_string(),
            read_only: state.db.is_read_only(),
        })
    }

    /// The back-office user who acts in the window; `null` until one is chosen for this store.
    #[command(async)]
    fn current_admin(state: State<'_, AppState>;) -> Reply<Option<User>> {
        state.db.read(|c| back_office::current_admin(c))
    }

    #[command(async)]
    fn set_current_admin(state: State<'_, AppState>; id: String) -> Reply<User> {
        back_office::set_current_admin(&state.db, &id)
    }

    /// Adds a back-office user (the first-launch choice offers it before anyone acts, so the
    /// system records it when no admin is chosen yet).
    #[command(async)]
    fn create_back_office_user(state: State<'_, AppState>; input: BackOfficeUserInput) -> Reply<User> {
        let actor = state.actor().unwrap_or_else(|_| Actor::system());
        back_office::create(&state.db, &actor, &input)
    }

    #[command(async)]
    fn get_ui_state(state: State<'_, AppState>;) -> Reply<Map<String, Value>> {
        ui_state::get_all(&state.db)
    }

    #[command(async)]
    fn set_ui_state(state: State<'_, AppState>; key: String, value: Value) -> Reply<()> {
        ui_state::set(&state.db, &key, &value)
    }

    /// The window shows its first grid page: logs how long the launch took, once.
    #[command]
    fn first_page_shown(state: State<'_, AppState>;) -> () {
        static LOGGED: std::sync::Once = std::sync::Once::new();
        LOGGED.call_once(|| {
            tracing::info!(
                "first grid page on screen {} ms after launch",
                state.launched.elapsed().as_millis()
            );
        });
    }
}
