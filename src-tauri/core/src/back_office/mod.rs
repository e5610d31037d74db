//! Back-office users (the admins, owners and sales representatives): the one writer of
//! `app_user`, their back-office roles and capabilities, and the desktop's current admin,
//! who acts in its window.

pub mod capability;
pub mod role;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::{Actor, Via};
use crate::error::Violations;
use crate::reference::{self, Ref, User};
use crate::store::{clocks_with, new_id, Tx};
use crate::{rules, CoreError, Database, Result};
use capability::{require, Capability, ADMINISTRATOR_ROLE_ID};

const ENTITY: &str = "app_user";

/// Where the desktop keeps who acts in its window: one admin per database, so each store
/// opens with the admin who last worked on it.
const CURRENT_ADMIN: &str = "current_admin";

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct BackOfficeUserInput {
    pub username: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// The back-office role (id or label); the built-in Administrator when left out.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub role: Option<String>,
}

/// A back-office user as System › Users lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BackOfficeUser {
    pub id: String,
    pub username: String,
    pub name: String,
    pub email: String,
    pub enabled: bool,
    pub role: Option<Ref>,
    pub capabilities: Vec<Capability>,
}

/// Every back-office user, by name.
pub fn list(conn: &Connection) -> Result<Vec<BackOfficeUser>> {
    let mut users: Vec<BackOfficeUser> = conn
        .prepare(
            "SELECT u.id, u.username, u.first_name || ' ' || u.last_name, u.email, u.enabled,
                 u.role_id, r.label
             FROM app_user u LEFT JOIN app_role r ON r.id = u.role_id
             ORDER BY u.last_name, u.first_name, u.id",
        )?
        .query_map([], |r| {
            let role: Option<String> = r.get(5)?;
            Ok(BackOfficeUser {
                id: r.get(0)?,
                username: r.get(1)?,
                name: r.get(2)?,
                email: r.get(3)?,
                enabled: r.get(4)?,
                role: match (role, r.get::<_, Option<String>>(6)?) {
                    (Some(id), Some(name)) => Some(Ref { id, name }),
                    _ => None,
                },
                capabilities: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    for user in &mut users {
        user.capabilities = capability::of(conn, &user.username)?;
    }
    Ok(users)
}

/// The back-office user `key` (id or username) as System › Users shows them.
pub fn get(conn: &Connection, key: &str) -> Result<BackOfficeUser> {
    let id = reference::resolve_user(conn, key.trim())?
        .ok_or_else(|| CoreError::not_found("Back-office user", key))?;
    list(conn)?
        .into_iter()
        .find(|u| u.id == id)
        .ok_or_else(|| CoreError::not_found("Back-office user", key))
}

/// Gives back-office user `key` the back-office role `role`. The last enabled
/// Administrator keeps the role, so a store is never left with nobody who may do everything.
pub fn set_role(db: &Database, actor: &Actor, key: &str, role: &str) -> Result<BackOfficeUser> {
    db.write(actor, |tx| {
        require(tx, Capability::ManageBackOfficeUsers)?;
        let user = get(tx, key)?;
        let role = role::get(tx, role)?;
        let before = user.role.as_ref().map(|r| r.id.clone());
        if before.as_deref() == Some(role.id.as_str()) {
            return Ok(user);
        }
        if before.as_deref() == Some(ADMINISTRATOR_ROLE_ID) && user.enabled {
            let others: i64 = tx.query_row(
                "SELECT count(*) FROM app_user WHERE role_id = ?1 AND enabled = 1 AND id <> ?2",
                params![ADMINISTRATOR_ROLE_ID, user.id],
                |r| r.get(0),
            )?;
            if others == 0 {
                return Err(CoreError::field(
                    "role",
                    format!(
                        "{} is the last enabled Administrator: give another back-office user \
                         the Administrator role first.",
                        user.name
                    ),
                ));
            }
        }
        let mut changed = serde_json::Map::new();
        changed.insert("appRole".into(), serde_json::json!([before, role.id]));
        let hlc = tx.tick();
        let clocks: String = tx.query_row(
            "SELECT field_hlc FROM app_user WHERE id = ?1",
            [&user.id],
            |r| r.get(0),
        )?;
        tx.execute(
            "UPDATE app_user SET role_id = ?2, field_hlc = ?3 WHERE id = ?1",
            params![user.id, role.id, clocks_with(&clocks, &changed, &hlc)],
        )?;
        tx.record(ENTITY, &user.id, "update", &changed, &hlc)?;
        get(tx, &user.id)
    })
}

/// Adds a back-office user in the acting admin's organization.
pub fn create(db: &Database, actor: &Actor, input: &BackOfficeUserInput) -> Result<User> {
    db.write(actor, |tx| {
        require(tx, Capability::ManageBackOfficeUsers)?;
        let organization = reference::default_organization(tx, tx.actor())?;
        create_in(tx, &organization, input)
    })
}

/// Adds a back-office user of `organization`, checked as the form checks it.
pub(crate) fn create_in(
    tx: &mut Tx<'_>,
    organization: &str,
    input: &BackOfficeUserInput,
) -> Result<User> {
    create_with_id(tx, &new_id(), organization, input, false)
}

/// [`create_in`] with the id given. `seeded`: the first admin, the same in every store, whose
/// fields carry the clock of what every store seeds alike, so no store's copy wins.
pub(crate) fn create_with_id(
    tx: &mut Tx<'_>,
    id: &str,
    organization: &str,
    input: &BackOfficeUserInput,
    seeded: bool,
) -> Result<User> {
    let mut problems = Violations::default();
    let trimmed = |s: &str| s.trim().to_string();
    let (username, first_name, last_name, email) = (
        trimmed(&input.username),
        trimmed(&input.first_name),
        trimmed(&input.last_name),
        trimmed(&input.email),
    );
    for (field, value) in [
        ("username", &username),
        ("firstName", &first_name),
        ("lastName", &last_name),
    ] {
        if value.is_empty() {
            problems.add(field, rules::NOT_BLANK);
        } else if let Some(message) = rules::check_text(value, 255) {
            problems.add(field, message);
        }
    }
    let taken: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM app_user WHERE username = ?1)",
        [&username],
        |r| r.get(0),
    )?;
    if taken && !username.is_empty() {
        problems.add("username", rules::USERNAME_USED);
    }
    if let Some(problem) = rules::check_email(&email) {
        problems.add("email", problem);
    }
    let role = match input
        .role
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        None => ADMINISTRATOR_ROLE_ID.to_string(),
        Some(key) => match role::get(tx, key) {
            Ok(role) => role.id,
            Err(_) => {
                problems.add(
                    "role",
                    format!("Back-office role \"{key}\" does not exist."),
                );
                String::new()
            }
        },
    };
    problems.into_result()?;
    let id = id.to_string();
    let fields = [
        ("username", &username),
        ("firstName", &first_name),
        ("lastName", &last_name),
        ("email", &email),
    ]
    .into_iter()
    .chain([("appRole", &role)])
    .map(|(field, value)| (field.to_string(), serde_json::json!([null, value])))
    .collect();
    let hlc = tx.tick();
    tx.execute(
        "INSERT INTO app_user (id, organization_id, username, email, first_name, last_name,
             role_id, field_hlc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            id,
            organization,
            username,
            email,
            first_name,
            last_name,
            role,
            if seeded {
                "{}".to_string()
            } else {
                clocks_with("{}", &fields, &hlc)
            }
        ],
    )?;
    tx.record(ENTITY, &id, "create", &fields, &hlc)?;
    Ok(User {
        id,
        name: format!("{first_name} {last_name}"),
        username,
        email,
    })
}

/// Makes the team server's admin `email` (server id `id`) this store's current admin,
/// adding them as a back-office user (username: the e-mail) the first time: signing a
/// desktop in makes them the actor of everything done there.
pub(crate) fn sign_in_team_admin(tx: &mut Tx<'_>, id: &str, email: &str) -> Result<User> {
    let known: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM app_user WHERE id = ?1)",
        [id],
        |r| r.get(0),
    )?;
    if !known {
        let organization = reference::default_organization(tx, email)?;
        let name = email.split('@').next().unwrap_or(email);
        let input = BackOfficeUserInput {
            username: email.to_string(),
            first_name: name.to_string(),
            last_name: "(team admin)".to_string(),
            email: email.to_string(),
            role: None,
        };
        create_with_id(tx, id, &organization, &input, false)?;
    }
    tx.execute(
        "INSERT INTO client_state (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![CURRENT_ADMIN, id],
    )?;
    current_admin(tx)?.ok_or_else(|| CoreError::not_found("Back-office user", email))
}

/// The back-office user who acts in the desktop's window, if one was chosen for this store.
pub fn current_admin(conn: &Connection) -> Result<Option<User>> {
    let id: Option<String> = conn
        .query_row(
            "SELECT value FROM client_state WHERE key = ?1",
            [CURRENT_ADMIN],
            |r| r.get(0),
        )
        .optional()?;
    match id {
        Some(id) => reference::get_user(conn, &id),
        None => Ok(None),
    }
}

/// Makes the back-office user `key` (id or username) the one who acts in the window.
pub fn set_current_admin(db: &Database, key: &str) -> Result<User> {
    let actor = db.read(|c| Actor::back_office(c, key, Via::Window))?;
    db.write(&actor, |tx| {
        tx.execute(
            "INSERT INTO client_state (key, value)
             SELECT ?1, id FROM app_user WHERE username = ?2
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![CURRENT_ADMIN, actor.username],
        )?;
        current_admin(tx)?.ok_or_else(|| CoreError::not_found("Back-office user", key))
    })
}
