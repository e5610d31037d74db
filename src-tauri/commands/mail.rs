//! E-mail: the outbox and the templates.

use cu_core::mail::outbox::{self, Delivery, Message, Query};
use cu_core::mail::template::{self as email_template, EmailTemplate, Rendered};
use tauri::State;

use super::{AppState, Reply};
use crate::delivery;

ui_commands! {
    #[command(async)]
    fn list_outbox(state: State<'_, AppState>; query: Query) -> Reply<Vec<Message>> {
        outbox::list(&state.db, &query)
    }

    #[command(async)]
    fn retry_message(state: State<'_, AppState>; id: String) -> Reply<Message> {
        state.mailing(|db, actor| outbox::retry(db, actor, &id))
    }

    /// Delivers what is due now and says what happened (the Outbox screen's "Send now").
    #[command(async)]
    fn deliver_outbox(state: State<'_, AppState>;) -> Reply<Delivery> {
        delivery::deliver_if_due(&state.db)
    }

    #[command(async)]
    fn list_email_templates(state: State<'_, AppState>;) -> Reply<Vec<EmailTemplate>> {
        email_template::list(&state.db)
    }

    #[command(async)]
    fn update_email_template(state: State<'_, AppState>; name: String, subject: String, content: String) -> Reply<EmailTemplate> {
        state.acting(|db, actor| email_template::update(db, actor, &name, &subject, &content))
    }

    #[command(async)]
    fn restore_email_template(state: State<'_, AppState>; name: String) -> Reply<EmailTemplate> {
        state.acting(|db, actor| email_template::restore_default(db, actor, &name))
    }

    #[command]
    fn preview_email_template(; subject: String, content: String) -> Reply<Rendered> {
        email_template::preview(&subject, &content)
    }
}
