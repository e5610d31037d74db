//! Tauri commands: thin adapters that parse arguments, call the core and map its result.

use cu_core::{CoreError, Database};
use tauri::State;

pub struct AppState {
    pub db: Database,
}

#[tauri::command]
fn app_info() -> Result<String, CoreError> {
    Ok(env!("CARGO_PKG_VERSION").to_string())
}

pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    let _ = std::marker::PhantomData::<State<'static, AppState>>;
    tauri::generate_handler![app_info]
}
