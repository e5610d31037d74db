//! Actions on a grid selection. Each user is its own transaction, so one refusal (a user
//! who owns orders, one not locked) skips that user with the reason and the rest go on;
//! running the same selection again finishes what was left.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::Actor;
use crate::{
    account, customer_user, customer_user::write as customer_user_write, Database, Result,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "BulkAction")]
pub enum Action {
    Enable,
    Disable,
    Delete,
    Confirm,
    ResendConfirmation,
    ResetPassword,
    Unlock,
}

impl Action {
    /// "Enabled", "Sent a password reset to": how the summary says what was done.
    fn done_phrase(self) -> &'static str {
        match self {
            Action::Enable => "Enabled",
            Action::Disable => "Disabled",
            Action::Delete => "Deleted",
            Action::Confirm => "Confirmed",
            Action::ResendConfirmation => "Sent the confirmation email again to",
            Action::ResetPassword => "Sent a password reset to",
            Action::Unlock => "Unlocked",
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "BulkSkipped")]
pub struct Skipped {
    pub id: String,
    /// The user's email when the user exists.
    pub email: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "BulkSummary")]
pub struct Summary {
    pub action: Action,
    pub done: Vec<String>,
    pub skipped: Vec<Skipped>,
    /// One line for the admin: "Enabled 3 customer users. Skipped 1."
    pub message: String,
}

/// Applies `action` to every user in `ids` (duplicates once), skipping refusals.
pub fn run(db: &Database, actor: &Actor, action: Action, ids: &[String]) -> Result<Summary> {
    let mut done = Vec::new();
    let mut skipped = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for id in ids.iter().filter(|id| seen.insert(id.as_str())) {
        let outcome = match action {
            Action::Enable => customer_user_write::set_enabled(db, actor, id, true).map(drop),
            Action::Disable => customer_user_write::set_enabled(db, actor, id, false).map(drop),
            Action::Delete => customer_user_write::delete(db, actor, id),
            Action::Confirm => account::confirm(db, actor, id).map(drop),
            Action::ResendConfirmation => account::resend_confirmation(db, actor, id).map(drop),
            Action::ResetPassword => account::reset_password(db, actor, id).map(drop),
            Action::Unlock => account::unlock(db, actor, id).map(drop),
        };
        match outcome {
            Ok(()) => done.push(id.clone()),
            Err(err) => {
                let email = db.read(|c| customer_user::get(c, id)).ok().map(|u| u.email);
                let reason = match err.fields.as_slice() {
                    [one] => one.message.clone(),
                    _ => err.message,
                };
                skipped.push(Skipped {
                    id: id.clone(),
                    email,
                    reason,
                });
            }
        }
    }
    let noun = |n: usize| {
        if n == 1 {
            "customer user"
        } else {
            "customer users"
        }
    };
    let mut message = format!(
        "{} {} {}.",
        action.done_phrase(),
        done.len(),
        noun(done.len())
    );
    if !skipped.is_empty() {
        message.push_str(&format!(" Skipped {}.", skipped.len()));
    }
    Ok(Summary {
        action,
        done,
        skipped,
        message,
    })
}
