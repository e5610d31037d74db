//! The customer users: the grid, one user, create, update, delete, enable, History, bulk.

use cu_core::bulk::{self, Action, Summary};
use cu_core::customer_user::input::CustomerUserInput;
use cu_core::customer_user::write as customer_user_write;
use cu_core::customer_user::{self, CustomerUser};
use cu_core::grid::{CustomerUserRow, GridQuery, Page};
use cu_core::history::{self, ChangeRecord};
use cu_core::{account, password};
use serde_json::Value;
use tauri::State;

use super::{AppState, Reply};

ui_commands! {
    #[command(async)]
    fn list_customer_users(state: State<'_, AppState>; query: GridQuery) -> Reply<Page<CustomerUserRow>> {
        cu_core::grid::page(&state.db, &query)
    }

    #[command(async)]
    fn get_customer_user(state: State<'_, AppState>; id: String) -> Reply<CustomerUser> {
        state.db.read(|c| customer_user::get(c, &id))
    }

    /// The input arrives as JSON so that a value of the wrong type is named by its field.
    #[command(async)]
    fn create_customer_user(state: State<'_, AppState>; input: Value as CustomerUserInput) -> Reply<CustomerUser> {
        let input = CustomerUserInput::from_json(input)?;
        state.mailing(|db, actor| account::create(db, actor, &input))
    }

    /// The patch arrives as JSON so that a key no field has is refused by name.
    #[command(async)]
    fn update_customer_user(state: State<'_, AppState>; id: String, patch: Value as cu_core::customer_user::patch::CustomerUserPatch) -> Reply<CustomerUser> {
        state.acting(|db, actor| account::update(db, actor, &id, &patch))
    }

    #[command(async)]
    fn delete_customer_user(state: State<'_, AppState>; id: String) -> Reply<()> {
        state.acting(|db, actor| customer_user_write::delete(db, actor, &id))
    }

    #[command(async)]
    fn set_customer_user_enabled(state: State<'_, AppState>; id: String, enabled: bool) -> Reply<CustomerUser> {
        state.acting(|db, actor| customer_user_write::set_enabled(db, actor, &id, enabled))
    }

    #[command(async)]
    fn customer_user_history(state: State<'_, AppState>; id: String) -> Reply<Vec<ChangeRecord>> {
        state.db.read(|c| {
            customer_user::require_id(c, &id)?;
            history::for_record(c, "customer_user", &id)
        })
    }

    #[command]
    fn generate_password(;) -> Reply<String> {
        Ok(password::generate())
    }

    #[command(async)]
    fn bulk_action(state: State<'_, AppState>; action: Action, ids: Vec<String>) -> Reply<Summary> {
        state.mailing(|db, actor| bulk::run(db, actor, action, &ids))
    }

    /// Gives (`add`) or takes the role `role` to or from the selected users.
    #[command(async)]
    fn bulk_role(state: State<'_, AppState>; role: String, add: bool, ids: Vec<String>) -> Reply<Summary> {
        state.acting(|db, actor| bulk::change_role(db, actor, &role, add, &ids))
    }
}
