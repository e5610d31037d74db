//! Customer user roles and their permissions, and the back-office users and roles that
//! decide what each admin may do in the window.

use cu_core::back_office::capability::{self, Capability};
use cu_core::back_office::role::{self as back_office_role, BackOfficeRole, BackOfficeRoleInput};
use cu_core::back_office::{self, BackOfficeUser};
use cu_core::role::permission::{self, Effective, PermissionCatalog};
use cu_core::role::write::{self as role_write, RoleInput};
use cu_core::role::{self, Role, RoleQuery};
use serde_json::Value;
use tauri::State;

use super::{AppState, Reply};

ui_commands! {
    /// The entities, actions, levels and capabilities the role forms offer, with labels.
    #[command(async)]
    fn permission_catalog(;) -> Reply<PermissionCatalog> {
        Ok(permission::catalog())
    }

    #[command(async)]
    fn list_customer_user_roles(state: State<'_, AppState>; query: RoleQuery) -> Reply<Vec<Role>> {
        state.db.read(|c| role::list(c, &query))
    }

    #[command(async)]
    fn get_customer_user_role(state: State<'_, AppState>; id: String) -> Reply<Role> {
        state.db.read(|c| role::get(c, &id))
    }

    /// The input arrives as JSON so that a value of the wrong type is named by its field.
    #[command(async)]
    fn create_customer_user_role(state: State<'_, AppState>; input: Value as RoleInput) -> Reply<Role> {
        let input = RoleInput::from_json(input)?;
        state.acting(|db, actor| role_write::create(db, actor, &input))
    }

    #[command(async)]
    fn update_customer_user_role(state: State<'_, AppState>; id: String, input: Value as RoleInput) -> Reply<Role> {
        let input = RoleInput::from_json(input)?;
        state.acting(|db, actor| role_write::update(db, actor, &id, &input))
    }

    #[command(async)]
    fn delete_customer_user_role(state: State<'_, AppState>; id: String) -> Reply<()> {
        state.acting(|db, actor| role_write::delete(db, actor, &id))
    }

    /// What a customer user may do: the grants of all their roles, each with its roles.
    #[command(async)]
    fn customer_user_permissions(state: State<'_, AppState>; id: String) -> Reply<Effective> {
        state.db.read(|c| role::effective(c, &id))
    }

    #[command(async)]
    fn list_back_office_users(state: State<'_, AppState>;) -> Reply<Vec<BackOfficeUser>> {
        state.db.read(|c| back_office::list(c))
    }

    #[command(async)]
    fn set_back_office_user_role(state: State<'_, AppState>; user: String, role: String) -> Reply<BackOfficeUser> {
        state.acting(|db, actor| back_office::set_role(db, actor, &user, &role))
    }

    #[command(async)]
    fn list_back_office_roles(state: State<'_, AppState>;) -> Reply<Vec<BackOfficeRole>> {
        state.db.read(|c| back_office_role::list(c))
    }

    #[command(async)]
    fn create_back_office_role(state: State<'_, AppState>; input: Value as BackOfficeRoleInput) -> Reply<BackOfficeRole> {
        let input = BackOfficeRoleInput::from_json(input)?;
        state.acting(|db, actor| back_office_role::create(db, actor, &input))
    }

    #[command(async)]
    fn update_back_office_role(state: State<'_, AppState>; id: String, input: Value as BackOfficeRoleInput) -> Reply<BackOfficeRole> {
        let input = BackOfficeRoleInput::from_json(input)?;
        state.acting(|db, actor| back_office_role::update(db, actor, &id, &input))
    }

    #[command(async)]
    fn delete_back_office_role(state: State<'_, AppState>; id: String) -> Reply<()> {
        state.acting(|db, actor| back_office_role::delete(db, actor, &id))
    }

    /// What the current admin may do: the window hides or disables the rest.
    #[command(async)]
    fn my_capabilities(state: State<'_, AppState>;) -> Reply<Vec<Capability>> {
        let actor = state.actor()?;
        state.db.read(|c| capability::of(c, &actor.username))
    }
}
