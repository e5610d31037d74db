//! The customer user's page: the address book, consents, the records the user owns, the
//! activity timeline and the organization's own fields, and the windows quick actions open.

use cu_core::activity::event::{self, EventInput};
use cu_core::activity::note::{self, NoteInput};
use cu_core::activity::{self, ActivityItem, ActivityKind};
use cu_core::consent::{self, Consent, ConsentInput, ConsentStatus};
use cu_core::customer_user::address::AddressInput;
use cu_core::customer_user::extra::{self, ExtraField, ExtraFieldInput};
use cu_core::customer_user::{address_book, CustomerUser};
use cu_core::geo::{self, Country, Region};
use cu_core::related::{self, RelatedInput, RelatedKind, RelatedRecord, RelatedStatuses};
use cu_core::{error::parse_json, CoreError};
use serde_json::Value;
use tauri::{AppHandle, Manager, State, WebviewUrl, WebviewWindowBuilder};

use super::{AppState, Reply};

ui_commands! {
    #[command(async)]
    fn list_countries(;) -> Reply<Vec<Country>> {
        Ok(geo::countries())
    }

    #[command(async)]
    fn list_regions(; country: String) -> Reply<Vec<Region>> {
        Ok(geo::regions(&country))
    }

    /// The input arrives as JSON so that a value of the wrong type is named by its field.
    #[command(async)]
    fn add_customer_user_address(state: State<'_, AppState>; user: String, input: Value as AddressInput) -> Reply<CustomerUser> {
        let input: AddressInput = parse_json(input)?;
        state.acting(|db, actor| address_book::add(db, actor, &user, &input))
    }

    #[command(async)]
    fn update_customer_user_address(state: State<'_, AppState>; id: String, input: Value as AddressInput) -> Reply<CustomerUser> {
        let input: AddressInput = parse_json(input)?;
        state.acting(|db, actor| address_book::update(db, actor, &id, &input))
    }

    #[command(async)]
    fn delete_customer_user_address(state: State<'_, AppState>; id: String) -> Reply<CustomerUser> {
        state.acting(|db, actor| address_book::delete(db, actor, &id))
    }

    #[command(async)]
    fn list_consents(state: State<'_, AppState>;) -> Reply<Vec<Consent>> {
        state.db.read(|c| consent::list(c))
    }

    #[command(async)]
    fn create_consent(state: State<'_, AppState>; input: Value as ConsentInput) -> Reply<Consent> {
        let input = ConsentInput::from_json(input)?;
        state.acting(|db, actor| consent::create(db, actor, &input))
    }

    #[command(async)]
    fn update_consent(state: State<'_, AppState>; id: String, input: Value as ConsentInput) -> Reply<Consent> {
        let input = ConsentInput::from_json(input)?;
        state.acting(|db, actor| consent::update(db, actor, &id, &input))
    }

    #[command(async)]
    fn delete_consent(state: State<'_, AppState>; id: String) -> Reply<()> {
        state.acting(|db, actor| consent::delete(db, actor, &id))
    }

    #[command(async)]
    fn customer_user_consents(state: State<'_, AppState>; id: String) -> Reply<Vec<ConsentStatus>> {
        state.db.read(|c| consent::for_user(c, &id))
    }

    #[command(async)]
    fn accept_consent(state: State<'_, AppState>; user: String, consent: String) -> Reply<Vec<ConsentStatus>> {
        state.acting(|db, actor| consent::accept(db, actor, &user, &consent))
    }

    #[command(async)]
    fn withdraw_consent(state: State<'_, AppState>; user: String, consent: String) -> Reply<Vec<ConsentStatus>> {
        state.acting(|db, actor| consent::withdraw(db, actor, &user, &consent))
    }

    /// The kinds of records a user owns, with their labels and statuses.
    #[command(async)]
    fn related_kinds(;) -> Reply<Vec<RelatedStatuses>> {
        Ok(related::kinds())
    }

    #[command(async)]
    fn list_related_records(state: State<'_, AppState>; user: String, kind: RelatedKind) -> Reply<Vec<RelatedRecord>> {
        state.db.read(|c| related::list(c, &user, kind))
    }

    #[command(async)]
    fn get_related_record(state: State<'_, AppState>; kind: RelatedKind, id: String) -> Reply<RelatedRecord> {
        state.db.read(|c| related::get(c, kind, &id))
    }

    /// Made by the current admin on the customer's behalf: they are its Created By.
    #[command(async)]
    fn create_related_record(state: State<'_, AppState>; user: String, kind: RelatedKind, input: Value as RelatedInput) -> Reply<RelatedRecord> {
        let input = RelatedInput::from_json(input)?;
        state.acting(|db, actor| related::create(db, actor, &user, kind, &input))
    }

    /// Newest first; every kind when `kinds` is empty or absent.
    #[command(async)]
    fn customer_user_activity(state: State<'_, AppState>; id: String, kinds: Option<Vec<ActivityKind>>) -> Reply<Vec<ActivityItem>> {
        state.db.read(|c| activity::timeline(c, &id, kinds.as_deref().unwrap_or(&[])))
    }

    #[command(async)]
    fn add_note(state: State<'_, AppState>; user: String, input: Value as NoteInput) -> Reply<ActivityItem> {
        let input = NoteInput::from_json(input)?;
        state.acting(|db, actor| note::add(db, actor, &user, &input))
    }

    #[command(async)]
    fn update_note(state: State<'_, AppState>; id: String, input: Value as NoteInput) -> Reply<ActivityItem> {
        let input = NoteInput::from_json(input)?;
        state.acting(|db, actor| note::update(db, actor, &id, &input))
    }

    #[command(async)]
    fn delete_note(state: State<'_, AppState>; id: String) -> Reply<()> {
        state.acting(|db, actor| note::delete(db, actor, &id))
    }

    #[command(async)]
    fn add_event(state: State<'_, AppState>; user: String, input: Value as EventInput) -> Reply<ActivityItem> {
        let input = EventInput::from_json(input)?;
        state.acting(|db, actor| event::add(db, actor, &user, &input))
    }

    #[command(async)]
    fn update_event(state: State<'_, AppState>; id: String, input: Value as EventInput) -> Reply<ActivityItem> {
        let input = EventInput::from_json(input)?;
        state.acting(|db, actor| event::update(db, actor, &id, &input))
    }

    #[command(async)]
    fn delete_event(state: State<'_, AppState>; id: String) -> Reply<()> {
        state.acting(|db, actor| event::delete(db, actor, &id))
    }

    #[command(async)]
    fn list_customer_user_fields(state: State<'_, AppState>;) -> Reply<Vec<ExtraField>> {
        state.db.read(|c| extra::list(c))
    }

    #[command(async)]
    fn create_customer_user_field(state: State<'_, AppState>; input: Value as ExtraFieldInput) -> Reply<ExtraField> {
        let input = ExtraFieldInput::from_json(input)?;
        state.acting(|db, actor| extra::create(db, actor, &input))
    }

    #[command(async)]
    fn update_customer_user_field(state: State<'_, AppState>; id: String, input: Value as ExtraFieldInput) -> Reply<ExtraField> {
        let input = ExtraFieldInput::from_json(input)?;
        state.acting(|db, actor| extra::update(db, actor, &id, &input))
    }

    #[command(async)]
    fn delete_customer_user_field(state: State<'_, AppState>; id: String) -> Reply<()> {
        state.acting(|db, actor| extra::delete(db, actor, &id))
    }

    /// A quick action's form in a window of its own, on the app at `#path`.
    #[command(async)]
    fn open_window(app: AppHandle; path: String, title: String) -> Reply<()> {
        if !path.starts_with('/') || path.contains("..") || path.contains("//") {
            return Err(CoreError::field("path", "A window opens on one of the app's own pages."));
        }
        let not_opened = |e: tauri::Error| CoreError::internal(format!("The window did not open: {e}"));
        let label = format!("quick-{}", cu_core::store::new_id());
        let mut window =
            WebviewWindowBuilder::new(&app, label, WebviewUrl::App(format!("index.html#{path}").into()))
                .title(title)
                .inner_size(720.0, 760.0);
        // Kept above the main window, as a dialog is: the form belongs to the page it came from.
        if let Some(main) = app.get_webview_window("main") {
            window = window.parent(&main).map_err(not_opened)?;
        }
        window.build().map_err(not_opened)?;
        Ok(())
    }
}
