//! Account actions on one customer user, and the sign-in attempts.

use cu_core::account;
use cu_core::account::sign_in::{self as auth, AttemptQuery, LoginAttempt};
use cu_core::customer_user::CustomerUser;
use tauri::State;

use super::{AppState, Reply};

ui_commands! {
    #[command(async)]
    fn confirm_customer_user(state: State<'_, AppState>; id: String) -> Reply<CustomerUser> {
        state.mailing(|db, actor| account::confirm(db, actor, &id))
    }

    #[command(async)]
    fn resend_confirmation(state: State<'_, AppState>; id: String) -> Reply<CustomerUser> {
        state.mailing(|db, actor| account::resend_confirmation(db, actor, &id))
    }

    #[command(async)]
    fn reset_password(state: State<'_, AppState>; id: String) -> Reply<CustomerUser> {
        state.mailing(|db, actor| account::reset_password(db, actor, &id))
    }

    #[command(async)]
    fn revoke_reset(state: State<'_, AppState>; id: String) -> Reply<CustomerUser> {
        state.acting(|db, actor| account::revoke_reset(db, actor, &id))
    }

    #[command(async)]
    fn unlock_customer_user(state: State<'_, AppState>; id: String) -> Reply<CustomerUser> {
        state.acting(|db, actor| account::unlock(db, actor, &id))
    }

    #[command(async)]
    fn list_login_attempts(state: State<'_, AppState>; query: AttemptQuery) -> Reply<Vec<LoginAttempt>> {
        auth::attempts(&state.db, &query)
    }
}
