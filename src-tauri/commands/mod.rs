//! Tauri commands: thin adapters that parse arguments, call the core and map its result, one
//! file per area. Each is declared once with [`ui_commands!`], which also describes it to the
//! UI: `ui/src/bindings/commands.ts` (names, arguments, results) and `commands.json` (for
//! the end-to-end tests) are written from these declarations by `cargo test`. Commands run
//! off the UI thread (`async`), so a slow query never freezes the window.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Instant;

use cu_core::actor::{Actor, Via};
use cu_core::{back_office, CoreError, Database};
#[cfg(test)]
use ts_rs::{Config, Dependency, TypeVisitor, TS};

use crate::delivery::Deliverer;
use crate::syncer::Syncer;

/// Declares commands: each `fn` becomes a `#[tauri::command]`, and `signatures()` lists what
/// the UI sees of them. Parameters before `;` are Tauri's (state, app handle); those after
/// it are the UI's arguments, optionally shown to the UI as another type (`as Type`, for
/// JSON parsed by the command to name bad fields) or as TypeScript text
/// (`as "Channel<T>" [T]`, with the types it names).
macro_rules! ui_commands {
    ($(
        $(#[doc = $doc:literal])*
        #[command $(($mode:ident))?]
        fn $name:ident(
            $($inject:ident: $inject_ty:ty),* ;
            $($arg:ident: $arg_ty:ty $(as $ui_ty:ty)? $(as $ui_text:literal [$($dep:ty),*])?),*
        ) -> $ret:ty $body:block
    )*) => {
        $(
            $(#[doc = $doc])*
            #[tauri::command $(($mode))?]
            pub(crate) fn $name($($inject: $inject_ty,)* $($arg: $arg_ty),*) -> $ret $body
        )*

        /// What the UI sees of this area's commands.
        #[cfg(test)]
        pub(crate) fn signatures(cfg: &ts_rs::Config) -> Vec<super::Signature> {
            vec![$({
                let mut deps = Vec::new();
                let args = vec![$((
                    stringify!($arg),
                    ui_commands!(@arg cfg, deps, $arg_ty $(, $ui_ty)? $(, $ui_text [$($dep),*])?),
                )),*];
                let returns = <$ret as super::Returns>::ts(cfg, &mut deps);
                super::Signature { name: stringify!($name), args, returns, deps }
            }),*]
        }
    };
    (@arg $cfg:ident, $deps:ident, $ty:ty) => { super::ts_of::<$ty>($cfg, &mut $deps) };
    (@arg $cfg:ident, $deps:ident, $ty:ty, $ui:ty) => { super::ts_of::<$ui>($cfg, &mut $deps) };
    (@arg $cfg:ident, $deps:ident, $ty:ty, $text:literal [$($dep:ty),*]) => {{
        $(super::ts_of::<$dep>($cfg, &mut $deps);)*
        $text.to_string()
    }};
}

mod account;
mod csv;
mod customer_users;
mod mail;
mod page;
mod reference;
mod roles;
mod settings;
mod sync;

pub struct AppState {
    pub db: Arc<Database>,
    /// When `main` began: the start of the launch the window reports on.
    pub launched: Instant,
    /// Woken after every action that queues e-mail.
    pub deliverer: Deliverer,
    /// Woken after every action, so a change goes to the team server soon.
    pub syncer: Syncer,
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

    /// Runs an action as the current admin, then asks for a sync.
    fn acting<T>(&self, action: impl FnOnce(&Database, &Actor) -> Reply<T>) -> Reply<T> {
        let out = action(&self.db, &self.actor()?)?;
        self.syncer.wake(false);
        Ok(out)
    }

    /// Runs an action that may queue e-mail as the current admin, then asks for delivery.
    fn mailing<T>(&self, action: impl FnOnce(&Database, &Actor) -> Reply<T>) -> Reply<T> {
        let out = self.acting(action)?;
        self.deliverer.wake();
        Ok(out)
    }
}

type Reply<T> = Result<T, CoreError>;

/// A command as the UI sees it.
#[cfg(test)]
pub(crate) struct Signature {
    pub name: &'static str,
    /// Each argument's Rust name and TypeScript type.
    pub args: Vec<(&'static str, String)>,
    pub returns: String,
    /// The exported types the signature names.
    pub deps: Vec<Dependency>,
}

/// `T`'s TypeScript name, noting the exported types it may name (itself, its generic
/// arguments, and theirs).
#[cfg(test)]
fn ts_of<T: TS + 'static + ?Sized>(cfg: &Config, deps: &mut Vec<Dependency>) -> String {
    struct Named<'a> {
        cfg: &'a Config,
        deps: &'a mut Vec<Dependency>,
    }
    impl TypeVisitor for Named<'_> {
        fn visit<U: TS + 'static + ?Sized>(&mut self) {
            self.deps.extend(Dependency::from_ty::<U>(self.cfg));
            U::visit_generics(self);
        }
    }
    let mut named = Named { cfg, deps };
    named.visit::<T>();
    T::name(cfg)
}

/// What a command gives the UI: its `Ok` value (an `Err` rejects the call with `ApiError`).
#[cfg(test)]
trait Returns {
    fn ts(cfg: &Config, deps: &mut Vec<Dependency>) -> String;
}

#[cfg(test)]
impl<T: TS + 'static> Returns for Reply<T> {
    fn ts(cfg: &Config, deps: &mut Vec<Dependency>) -> String {
        ts_of::<T>(cfg, deps)
    }
}

#[cfg(test)]
impl Returns for () {
    fn ts(_: &Config, _: &mut Vec<Dependency>) -> String {
        "null".into()
    }
}

pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        customer_users::list_customer_users,
        customer_users::get_customer_user,
        customer_users::create_customer_user,
        customer_users::update_customer_user,
        customer_users::delete_customer_user,
        customer_users::set_customer_user_enabled,
        customer_users::customer_user_history,
        customer_users::generate_password,
        customer_users::bulk_action,
        customer_users::bulk_role,
        reference::list_customers,
        reference::get_customers,
        reference::list_websites,
        reference::list_localizations,
        reference::list_roles,
        reference::list_users,
        reference::store_info,
        reference::current_admin,
        reference::set_current_admin,
        reference::create_back_office_user,
        reference::get_ui_state,
        reference::set_ui_state,
        reference::first_page_shown,
        roles::permission_catalog,
        roles::list_customer_user_roles,
        roles::get_customer_user_role,
        roles::create_customer_user_role,
        roles::update_customer_user_role,
        roles::delete_customer_user_role,
        roles::customer_user_permissions,
        roles::list_back_office_users,
        roles::set_back_office_user_role,
        roles::list_back_office_roles,
        roles::create_back_office_role,
        roles::update_back_office_role,
        roles::delete_back_office_role,
        roles::my_capabilities,
        page::list_countries,
        page::list_regions,
        page::add_customer_user_address,
        page::update_customer_user_address,
        page::delete_customer_user_address,
        page::list_consents,
        page::create_consent,
        page::update_consent,
        page::delete_consent,
        page::customer_user_consents,
        page::accept_consent,
        page::withdraw_consent,
        page::related_kinds,
        page::list_related_records,
        page::get_related_record,
        page::create_related_record,
        page::customer_user_activity,
        page::add_note,
        page::update_note,
        page::delete_note,
        page::add_event,
        page::update_event,
        page::delete_event,
        page::list_customer_user_fields,
        page::create_customer_user_field,
        page::update_customer_user_field,
        page::delete_customer_user_field,
        page::open_window,
        account::confirm_customer_user,
        account::resend_confirmation,
        account::reset_password,
        account::revoke_reset,
        account::unlock_customer_user,
        account::list_login_attempts,
        mail::list_outbox,
        mail::retry_message,
        mail::deliver_outbox,
        mail::list_email_templates,
        mail::update_email_template,
        mail::restore_email_template,
        mail::preview_email_template,
        sync::sync_status,
        sync::server_sign_in,
        sync::server_sign_out,
        sync::sync_now,
        sync::sync_retry,
        sync::sync_discard,
        settings::list_settings,
        settings::set_setting,
        settings::smtp_password_saved,
        settings::set_smtp_password,
        csv::export_customer_users,
        csv::cancel_export,
        csv::pick_import_file,
        csv::import_customer_users,
        csv::cancel_import,
        csv::save_import_template,
        csv::list_imports,
    ]
}

#[cfg(test)]
mod bindings;
