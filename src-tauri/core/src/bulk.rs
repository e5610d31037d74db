//! Actions on a grid selection. Each user is its own transaction, so one refusal (a user
//! who owns orders, one not locked) skips that user with the reason and the rest go on;
//! running the same selection again finishes what was left.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::Actor;
use crate::back_office::capability::{require, Capability};
use crate::customer_user::patch::CustomerUserPatch;
use crate::{
    account, customer_user, customer_user::write as customer_user_write, CoreError, Database,
    Result,
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
    /// Give the users a role ([`change_role`]).
    AddRole,
    /// Take a role from the users ([`change_role`]).
    RemoveRole,
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
            Action::AddRole => "Gave the role to",
            Action::RemoveRole => "Took the role from",
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

/// Applies `action` to every user in `ids` (duplicates once), skipping refusals. The role
/// actions need their role: [`change_role`].
pub fn run(db: &Database, actor: &Actor, action: Action, ids: &[String]) -> Result<Summary> {
    each(db, action, ids, |id| match action {
        Action::Enable => customer_user_write::set_enabled(db, actor, id, true).map(drop),
        Action::Disable => customer_user_write::set_enabled(db, actor, id, false).map(drop),
        Action::Delete => customer_user_write::delete(db, actor, id),
        Action::Confirm => account::confirm(db, actor, id).map(drop),
        Action::ResendConfirmation => account::resend_confirmation(db, actor, id).map(drop),
        Action::ResetPassword => account::reset_password(db, actor, id).map(drop),
        Action::Unlock => account::unlock(db, actor, id).map(drop),
        Action::AddRole | Action::RemoveRole => {
            Err(CoreError::field("role", "Say which role to give or take."))
        }
    })
}

/// Gives (`add`) or takes the role `role` (id or code) to or from every user in `ids`. A
/// user the role does not fit (another customer's) is skipped with the reason, and so is an
/// enabled user it would leave without a role ("You cannot remove last role from …").
pub fn change_role(
    db: &Database,
    actor: &Actor,
    role: &str,
    add: bool,
    ids: &[String],
) -> Result<Summary> {
    let role = db.read(|c| crate::role::get(c, role))?;
    let action = if add {
        Action::AddRole
    } else {
        Action::RemoveRole
    };
    each(db, action, ids, |id| {
        db.write(actor, |tx| {
            require(tx, Capability::ManageCustomerUsers)?;
            let user = customer_user::get(tx, id)?;
            let mut roles: Vec<String> = user.user_roles.iter().map(|r| r.id.clone()).collect();
            let holds = roles.contains(&role.id);
            if add == holds {
                return Ok(());
            }
            if add {
                roles.push(role.id.clone());
            } else {
                roles.retain(|r| *r != role.id);
            }
            let patch = CustomerUserPatch {
                user_roles: Some(roles),
                ..CustomerUserPatch::default()
            };
            customer_user_write::update_in(tx, id, patch).map(drop)
        })
    })
}

/// Runs `one` for every user in `ids` (duplicates once), each on its own, and sums up.
fn each(
    db: &Database,
    action: Action,
    ids: &[String],
    one: impl Fn(&str) -> Result<()>,
) -> Result<Summary> {
    let mut done = Vec::new();
    let mut skipped = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for id in ids.iter().filter(|id| seen.insert(id.as_str())) {
        match one(id) {
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
