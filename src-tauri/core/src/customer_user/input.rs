//! What a form, the CLI or an import sends to create or change a customer user, and the
//! checks that turn it into something safe to write.

use chrono::Utc;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::rules::{self as user_rules, EmailHolder};
use crate::customer_user::address::{self, AddressInput};
use crate::customer_user::extra;
use crate::customer_user::CustomerUser;
use crate::error::{parse_json, Violations};
use crate::reference::{self, CustomerInput, RoleRef};
use crate::rules::{self, NOT_BLANK};
use crate::{CoreError, Result};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct CustomerUserInput {
    #[serde(default)]
    #[ts(optional = nullable)]
    pub name_prefix: Option<String>,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub middle_name: Option<String>,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub name_suffix: Option<String>,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub birthday: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub enabled: Option<bool>,
    #[serde(default)]
    #[ts(optional)]
    pub confirmed: Option<bool>,
    #[serde(default)]
    #[ts(optional)]
    pub is_guest: Option<bool>,
    /// An existing customer: its id, or (CLI) its exact name.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub customer: Option<String>,
    /// A customer to create in the same transaction instead.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub new_customer: Option<CustomerInput>,
    /// `None` on create = the customer's sales representatives.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub sales_representatives: Option<Vec<String>>,
    #[serde(default, skip_serializing)]
    #[ts(optional = nullable)]
    pub password: Option<String>,
    #[serde(default, skip_serializing)]
    #[ts(optional = nullable)]
    pub password_confirm: Option<String>,
    #[serde(default, skip_serializing)]
    #[ts(optional)]
    pub generate_password: Option<bool>,
    /// On create: queue the welcome e-mail with a link to choose a password.
    #[serde(default, skip_serializing)]
    #[ts(optional)]
    pub send_welcome_email: Option<bool>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub website: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub preferred_localization: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub owner: Option<String>,
    /// Role ids or codes (`ROLE_FRONTEND_BUYER`).
    #[serde(default)]
    #[ts(optional)]
    pub user_roles: Option<Vec<String>>,
    /// The full list; addresses left out are removed.
    #[serde(default)]
    #[ts(optional)]
    pub addresses: Option<Vec<AddressInput>>,
    /// Values of the organization's own fields, by name; `null` or `""` clears one.
    #[serde(default)]
    #[ts(optional)]
    pub extra: Option<serde_json::Map<String, serde_json::Value>>,
}

impl CustomerUserInput {
    /// Parses JSON, naming the field when a value has the wrong type or is unknown.
    pub fn from_json(value: serde_json::Value) -> Result<Self> {
        parse_json(value)
    }

    /// The input that would leave `user` exactly as it is (the base an update patches).
    pub fn from_user(user: &CustomerUser) -> Self {
        CustomerUserInput {
            name_prefix: user.name_prefix.clone(),
            first_name: user.first_name.clone(),
            middle_name: user.middle_name.clone(),
            last_name: user.last_name.clone(),
            name_suffix: user.name_suffix.clone(),
            email: user.email.clone(),
            birthday: user.birthday.clone(),
            enabled: Some(user.enabled),
            confirmed: Some(user.confirmed),
            is_guest: Some(user.is_guest),
            customer: Some(user.customer.id.clone()),
            new_customer: None,
            sales_representatives: Some(
                user.sales_representatives
                    .iter()
                    .map(|r| r.id.clone())
                    .collect(),
            ),
            password: None,
            password_confirm: None,
            generate_password: None,
            send_welcome_email: None,
            website: user.website.as_ref().map(|w| w.id.clone()),
            preferred_localization: user.preferred_localization.as_ref().map(|l| l.id.clone()),
            owner: user.owner.as_ref().map(|o| o.id.clone()),
            user_roles: Some(user.user_roles.iter().map(|r| r.id.clone()).collect()),
            addresses: Some(
                user.addresses
                    .iter()
                    .cloned()
                    .map(AddressInput::from)
                    .collect(),
            ),
            extra: Some(user.extra.clone()),
        }
    }
}

/// Whether the input creates a user or changes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode<'a> {
    /// A form or the CLI must give a password (or generate one); the generator and imports
    /// may create users without one, who then set it through a link.
    Create {
        password_required: bool,
    },
    Update {
        id: &'a str,
    },
}

/// Where the user's customer comes from.
#[derive(Debug, Clone)]
pub enum CustomerChoice {
    Existing(String),
    New(CustomerInput),
}

/// A checked input: references resolved to ids, ready to write.
#[derive(Debug, Clone)]
pub struct Checked {
    pub name_prefix: Option<String>,
    pub first_name: String,
    pub middle_name: Option<String>,
    pub last_name: String,
    pub name_suffix: Option<String>,
    pub email: String,
    pub birthday: Option<String>,
    pub enabled: bool,
    pub confirmed: bool,
    pub is_guest: bool,
    pub customer: CustomerChoice,
    pub organization: String,
    /// `None` = take the (new) customer's representatives.
    pub sales_representatives: Option<Vec<String>>,
    /// A new password to hash and store, if the input sets one.
    pub new_password: Option<String>,
    pub website: Option<String>,
    pub preferred_localization: Option<String>,
    pub owner: Option<String>,
    pub roles: Vec<RoleRef>,
    pub addresses: Vec<AddressInput>,
    pub extra: serde_json::Map<String, serde_json::Value>,
}

fn clean(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Checks every rule, resolving references; returns all field errors at once.
pub fn check(
    conn: &Connection,
    input: &CustomerUserInput,
    mode: Mode<'_>,
    actor: &str,
) -> Result<Checked> {
    let mut v = Violations::default();
    let name_prefix = clean(&input.name_prefix);
    let middle_name = clean(&input.middle_name);
    let name_suffix = clean(&input.name_suffix);
    user_rules::name_problems(
        user_rules::name_parts(
            name_prefix.as_deref(),
            input.first_name.trim(),
            middle_name.as_deref(),
            input.last_name.trim(),
            name_suffix.as_deref(),
        ),
        |field, message| v.add(field.api(), message),
    );

    let email = input.email.trim().to_string();
    if let Some(message) = rules::check_email(&email) {
        v.add("email", message);
    } else {
        let stored: Option<String> = match mode {
            Mode::Update { id } => conn
                .query_row("SELECT email FROM customer_user WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .optional()?,
            Mode::Create { .. } => None,
        };
        let refuse = user_rules::refuses_lookalikes(conn)?;
        if let Some(message) = user_rules::lookalike_refusal(&email, stored.as_deref(), refuse) {
            v.add("email", message);
        }
    }

    let birthday = clean(&input.birthday);
    if let Some(b) = &birthday {
        if let Err(message) = rules::check_birthday(b, Utc::now().date_naive()) {
            v.add("birthday", message);
        }
    }

    // The customer, and with it the organization the user belongs to.
    let (customer, customer_org) = match (&input.new_customer, clean(&input.customer)) {
        (Some(new), _) => (Some(CustomerChoice::New(new.clone())), None),
        (None, Some(key)) => match reference::resolve_customer(conn, &key) {
            Ok(Some(id)) => {
                let org = reference::customer_organization(conn, &id)?;
                (Some(CustomerChoice::Existing(id)), Some(org))
            }
            Ok(None) => {
                v.add("customer", format!("Customer \"{key}\" does not exist."));
                (None, None)
            }
            Err(e) => {
                v.add("customer", e.message);
                (None, None)
            }
        },
        (None, None) => {
            v.add("customer", NOT_BLANK);
            (None, None)
        }
    };
    if let Some(CustomerChoice::New(new)) = &customer {
        if new.name.trim().is_empty() {
            v.add("newCustomer.name", NOT_BLANK);
        }
    }

    let website = match clean(&input.website) {
        Some(key) => match reference::resolve_website(conn, &key)? {
            Some(id) => Some(id),
            None => {
                v.add("website", format!("Website \"{key}\" does not exist."));
                None
            }
        },
        None => None,
    };
    let website_org: Option<String> = match &website {
        Some(w) => conn
            .query_row(
                "SELECT organization_id FROM website WHERE id = ?1",
                [w],
                |r| r.get(0),
            )
            .optional()?,
        None => None,
    };
    let organization = match customer_org.or(website_org.clone()) {
        Some(org) => org,
        None => reference::default_organization(conn, actor)?,
    };
    if let Some(message) = website_org
        .as_deref()
        .and_then(|w| user_rules::website_problem(w, &organization))
    {
        v.add("website", message);
    }

    let preferred_localization = match clean(&input.preferred_localization) {
        Some(loc) => match &website {
            Some(w) if reference::website_has_localization(conn, w, &loc)? => Some(loc),
            Some(_) => {
                v.add(
                    "preferredLocalization",
                    "This localization is not enabled for the selected website.",
                );
                None
            }
            None => {
                v.add(
                    "preferredLocalization",
                    "Select a website before a preferred localization.",
                );
                None
            }
        },
        None => None,
    };

    let owner = match clean(&input.owner) {
        Some(key) => match reference::resolve_user(conn, &key)? {
            Some(id) => Some(id),
            None => {
                v.add("owner", format!("User \"{key}\" does not exist."));
                None
            }
        },
        None if matches!(mode, Mode::Create { .. }) => reference::resolve_user(conn, actor)?,
        None => None,
    };

    let mut sales_representatives = None;
    if let Some(keys) = &input.sales_representatives {
        let mut ids = Vec::new();
        for (i, key) in keys.iter().enumerate() {
            match reference::resolve_user(conn, key)? {
                Some(id) if !ids.contains(&id) => ids.push(id),
                Some(_) => {}
                None => v.add(
                    format!("salesRepresentatives.{i}"),
                    format!("User \"{key}\" does not exist."),
                ),
            }
        }
        sales_representatives = Some(ids);
    }

    let existing_customer = match &customer {
        Some(CustomerChoice::Existing(id)) => Some(id.as_str()),
        _ => None,
    };
    let mut roles: Vec<RoleRef> = Vec::new();
    for (i, key) in input.user_roles.iter().flatten().enumerate() {
        match reference::resolve_role(conn, key)? {
            Some(role) => match user_rules::role_problem(&role, existing_customer) {
                Some(message) => v.add(format!("userRoles.{i}"), message),
                None if !roles.iter().any(|r| r.id == role.id) => roles.push(role),
                None => {}
            },
            None => v.add(
                format!("userRoles.{i}"),
                format!("Role \"{key}\" does not exist."),
            ),
        }
    }
    let enabled = input.enabled.unwrap_or(true);
    let holder: Option<String> = match mode {
        Mode::Update { id } => conn
            .query_row(
                "SELECT trim(first_name || ' ' || last_name) FROM customer_user u WHERE id = ?1
                   AND EXISTS (SELECT 1 FROM customer_user_role_link l WHERE l.customer_user_id = u.id)",
                [id],
                |r| r.get(0),
            )
            .optional()?,
        Mode::Create { .. } => None,
    };
    if let Some(message) = user_rules::roles_problem(enabled, !roles.is_empty(), holder.as_deref())
    {
        if !v.has("userRoles.0") {
            v.add("userRoles", message);
        }
    }

    let is_guest = input.is_guest.unwrap_or(false);
    if !is_guest && !v.has("email") {
        let other: Option<String> = conn
            .query_row(
                "SELECT id FROM customer_user WHERE organization_id = ?1 AND email_lowercase = ?2 AND is_guest = 0
                   AND id <> ?3",
                rusqlite::params![
                    organization,
                    email.to_lowercase(),
                    match mode {
                        Mode::Update { id } => id,
                        Mode::Create { .. } => "",
                    }
                ],
                |r| r.get(0),
            )
            .optional()?;
        let holder = match other {
            Some(_) => EmailHolder::Stored,
            None => EmailHolder::Nobody,
        };
        if let Some((message, _)) = user_rules::email_taken(holder) {
            v.add("email", message);
        }
    }

    let new_password = check_password(conn, input, mode, &mut v)?;

    let addresses = input.addresses.clone().unwrap_or_default();
    address::validate(&addresses, &mut v);

    let kept: serde_json::Map<String, serde_json::Value> = match mode {
        Mode::Update { id } => extra::decode(
            conn.query_row("SELECT extra FROM customer_user WHERE id = ?1", [id], |r| {
                r.get::<_, Option<String>>(0)
            })
            .optional()?
            .flatten(),
        ),
        Mode::Create { .. } => Default::default(),
    };
    let extra = extra::check_values(conn, input.extra.as_ref(), &kept, &mut v)?;

    v.into_result()?;
    Ok(Checked {
        name_prefix,
        first_name: input.first_name.trim().to_string(),
        middle_name,
        last_name: input.last_name.trim().to_string(),
        name_suffix,
        email,
        birthday,
        enabled,
        confirmed: input.confirmed.unwrap_or(true),
        is_guest,
        customer: customer
            .ok_or_else(|| CoreError::internal("customer missing after validation"))?,
        organization,
        sales_representatives,
        new_password,
        website,
        preferred_localization,
        owner,
        roles,
        addresses,
        extra,
    })
}

/// The password to set, if any: typed twice, or generated. Required when creating.
fn check_password(
    conn: &Connection,
    input: &CustomerUserInput,
    mode: Mode<'_>,
    v: &mut Violations,
) -> Result<Option<String>> {
    if input.generate_password == Some(true) {
        return Ok(Some(crate::password::generate()));
    }
    let password = input.password.as_deref().filter(|p| !p.is_empty());
    let Some(password) = password else {
        if mode
            == (Mode::Create {
                password_required: true,
            })
        {
            v.add("password", NOT_BLANK);
        }
        return Ok(None);
    };
    if let Some(confirm) = &input.password_confirm {
        if confirm != password {
            v.add("passwordConfirm", rules::PASSWORDS_DIFFER);
        }
    }
    let user = match mode {
        Mode::Update { id } => Some(id),
        Mode::Create { .. } => None,
    };
    if let Some(message) = super::password::password_problem(conn, user, password)? {
        v.add("password", message);
    }
    Ok(Some(password.to_string()))
}
