//! Creating and changing a customer user as the form and the CLI do: the record through the
//! writer, then what the account needs: the confirmation and welcome e-mails of a new user,
//! and the links a new password makes stale.

use serde_json::Value;

use crate::actor::Actor;
use crate::back_office::capability::{require, Capability};
use crate::customer_user::input::CustomerUserInput;
use crate::customer_user::patch::CustomerUserPatch;
use crate::customer_user::write as writer;
use crate::customer_user::CustomerUser;
use crate::mail::outbox;
use crate::mail::template as email_template;
use crate::{settings, Database, Result};

/// Creates a user: a password is required (typed or generated). With "confirmation
/// required" on, a user not marked confirmed starts unconfirmed and is sent the confirmation
/// e-mail; "Send Welcome Email" sends the set-password welcome.
pub fn create(db: &Database, actor: &Actor, input: &CustomerUserInput) -> Result<CustomerUser> {
    super::writing_mail(db, actor, |tx| {
        require(tx, Capability::ManageCustomerUsers)?;
        let mut input = input.clone();
        if input.confirmed.is_none() {
            input.confirmed = Some(!settings::bool(tx, "confirmationRequired")?);
        }
        let user = writer::create_in(tx, &input, true)?;
        if !user.confirmed {
            outbox::enqueue(tx, email_template::CONFIRMATION, &user)?;
        }
        if input.send_welcome_email == Some(true) {
            outbox::enqueue(tx, email_template::WELCOME_REGISTERED_BY_ADMIN, &user)?;
        }
        Ok(user)
    })
}

/// Applies `patch` (only the keys to change; `null` clears) to the user `id`. A new
/// password ends the reset and set-password links still queued.
pub fn update(db: &Database, actor: &Actor, id: &str, patch: &Value) -> Result<CustomerUser> {
    let patch = CustomerUserPatch::from_json(patch)?;
    let new_password = patch.password.as_deref().is_some_and(|p| !p.is_empty())
        || patch.generate_password == Some(true);
    db.write(actor, |tx| {
        require(tx, Capability::ManageCustomerUsers)?;
        let user = writer::update_in(tx, id, patch)?;
        if new_password {
            super::end_links_of_old_password(tx, id)?;
        }
        Ok(user)
    })
}
