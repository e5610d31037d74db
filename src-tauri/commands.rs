//! Tauri commands: thin adapters that parse arguments, call the core and map its result.
//! Each runs off the UI thread (`async`), so a slow query never freezes the window.

use cu_core::customer_user::CustomerUser;
use cu_core::customer_user_input::CustomerUserInput;
use cu_core::grid::{CustomerUserRow, GridQuery, Page};
use cu_core::history::ChangeRecord;
use cu_core::reference::{self, Customer, CustomerInput, Localization, RoleRef, User, Website};
use cu_core::{
    customer_user, customer_user_write, history, password, ui_state, CoreError, Database,
};
use serde_json::{Map, Value};
use std::time::Instant;

use tauri::State;

pub struct AppState {
    pub db: Database,
    /// When `main` began: the start of the launch the window reports on.
    pub launched: Instant,
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
    customer_user_write::create(&state.db, &CustomerUserInput::from_json(input)?)
}

#[tauri::command(async)]
fn update_customer_user(
    state: State<'_, AppState>,
    id: String,
    patch: Value,
) -> Reply<CustomerUser> {
    customer_user_write::update(&state.db, &id, &patch)
}

#[tauri::command(async)]
fn delete_customer_user(state: State<'_, AppState>, id: String) -> Reply<()> {
    customer_user_write::delete(&state.db, &id)
}

#[tauri::command(async)]
fn set_customer_user_enabled(
    state: State<'_, AppState>,
    id: String,
    enabled: bool,
) -> Reply<CustomerUser> {
    customer_user_write::set_enabled(&state.db, &id, enabled)
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
fn create_customer(state: State<'_, AppState>, input: CustomerInput) -> Reply<Customer> {
    reference::add_customer(&state.db, &input)
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

#[tauri::command(async)]
fn get_ui_state(state: State<'_, AppState>) -> Reply<Map<String, Value>> {
    ui_state::get_all(&state.db)
}

#[tauri::command(async)]
fn set_ui_state(state: State<'_, AppState>, key: String, value: Value) -> Reply<()> {
    ui_state::set(&state.db, &key, &value)
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
        create_customer,
        list_websites,
        list_localizations,
        list_roles,
        list_users,
        get_ui_state,
        set_ui_state,
        first_page_shown,
    ]
}
