//! Consents (Oro's ConsentBundle): what the storefront asks customer users to accept, and
//! each user's acceptances with the time given. The one writer of `consent` and
//! `consent_acceptance`.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::actor::Actor;
use crate::back_office::capability::{require, Capability};
use crate::error::Violations;
use crate::store::{new_id, Tx};
use crate::{customer_user, record, rules, CoreError, Database, Result};

const ENTITY: &str = "consent";
const ACCEPTANCE: &str = "consent_acceptance";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Consent {
    pub id: String,
    pub name: String,
    /// The storefront cannot go on without it, and a user who gave it cannot take it back.
    pub mandatory: bool,
    /// The text the user accepts.
    pub content: Option<String>,
    /// Or the page that holds it.
    pub url: Option<String>,
    /// How many customer users accepted it.
    pub acceptances: u32,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct ConsentInput {
    #[serde(default)]
    #[ts(optional = nullable)]
    pub name: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub mandatory: Option<bool>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub content: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub url: Option<String>,
}

impl ConsentInput {
    /// The form's JSON, naming the field whose value has the wrong type or is unknown.
    pub fn from_json(value: Value) -> Result<Self> {
        crate::error::parse_json(value)
    }
}

/// One consent as one customer user stands with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConsentStatus {
    pub consent: Consent,
    /// When the user accepted it; `None` while they have not.
    pub accepted_at: Option<String>,
}

const CONSENT_SQL: &str = "SELECT c.id, c.name, c.mandatory, c.content, c.url,
        (SELECT count(*) FROM consent_acceptance a WHERE a.consent_id = c.id) FROM consent c";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Consent> {
    Ok(Consent {
        id: r.get(0)?,
        name: r.get(1)?,
        mandatory: r.get(2)?,
        content: r.get(3)?,
        url: r.get(4)?,
        acceptances: r.get(5)?,
    })
}

pub fn list(conn: &Connection) -> Result<Vec<Consent>> {
    let mut stmt = conn.prepare(&format!(
        "{CONSENT_SQL} ORDER BY c.position, lower(c.name), c.id"
    ))?;
    let rows = stmt.query_map([], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The consent `key`: its id or its name.
pub fn get(conn: &Connection, key: &str) -> Result<Consent> {
    conn.query_row(
        &format!(
            "{CONSENT_SQL} WHERE c.id = ?1 OR lower(c.name) = lower(?1) ORDER BY c.id LIMIT 1"
        ),
        [key.trim()],
        row,
    )
    .optional()?
    .ok_or_else(|| CoreError::not_found("Consent", key))
}

/// The record's synced fields for `input` over `before`.
fn checked(
    tx: &Tx<'_>,
    id: &str,
    input: &ConsentInput,
    before: Option<&Consent>,
) -> Result<Map<String, Value>> {
    let mut v = Violations::default();
    let name = rules::required_text(
        &mut v,
        "name",
        input.name.as_deref().or(before.map(|b| b.name.as_str())),
        255,
    );
    let content = rules::optional_text(
        &mut v,
        "content",
        input
            .content
            .as_deref()
            .or(before.and_then(|b| b.content.as_deref())),
        65_535,
        true,
    );
    let url = rules::optional_text(
        &mut v,
        "url",
        input
            .url
            .as_deref()
            .or(before.and_then(|b| b.url.as_deref())),
        2048,
        false,
    );
    if let Some(u) = &url {
        if !url::Url::parse(u).is_ok_and(|u| matches!(u.scheme(), "http" | "https")) {
            v.add("url", "This value is not a valid URL.");
        }
    }
    let taken: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM consent WHERE id <> ?1 AND lower(name) = lower(?2))",
        [id, &name],
        |r| r.get(0),
    )?;
    if taken {
        v.add("name", "A consent with this name already exists.");
    }
    v.into_result()?;
    let mandatory = input
        .mandatory
        .or(before.map(|b| b.mandatory))
        .unwrap_or(false);
    let mut fields = json!({"name": name, "mandatory": mandatory, "content": content, "url": url});
    if before.is_none() {
        fields["position"] = json!(record::next_position(tx, ENTITY)?);
    }
    Ok(record::fields(fields))
}

pub fn create(db: &Database, actor: &Actor, input: &ConsentInput) -> Result<Consent> {
    db.write(actor, |tx| {
        require(tx, Capability::ManageSettings)?;
        let id = create_in(tx, input)?;
        get(tx, &id)
    })
}

/// [`create`] inside a transaction (demo data); returns the new consent's id.
pub(crate) fn create_in(tx: &mut Tx<'_>, input: &ConsentInput) -> Result<String> {
    let id = new_id();
    let fields = checked(tx, &id, input, None)?;
    record::save(tx, ENTITY, &id, &fields)?;
    Ok(id)
}

pub fn update(db: &Database, actor: &Actor, key: &str, input: &ConsentInput) -> Result<Consent> {
    db.write(actor, |tx| {
        require(tx, Capability::ManageSettings)?;
        let before = get(tx, key)?;
        let fields = checked(tx, &before.id, input, Some(&before))?;
        record::save(tx, ENTITY, &before.id, &fields)?;
        get(tx, &before.id)
    })
}

/// Refused while customer users have accepted it: their acceptances are the record of what
/// they agreed to.
pub fn delete(db: &Database, actor: &Actor, key: &str) -> Result<()> {
    db.write(actor, |tx| {
        require(tx, Capability::ManageSettings)?;
        let consent = get(tx, key)?;
        if consent.acceptances > 0 {
            let n = consent.acceptances;
            return Err(CoreError::conflict(format!(
                "The consent \"{}\" cannot be deleted: {n} customer user{} accepted it.",
                consent.name,
                if n == 1 { "" } else { "s" }
            )));
        }
        record::delete(tx, ENTITY, &consent.id)?;
        Ok(())
    })
}

/// Every consent, with when the user accepted it.
pub fn for_user(conn: &Connection, user: &str) -> Result<Vec<ConsentStatus>> {
    customer_user::require_id(conn, user)?;
    let mut stmt = conn.prepare(
        "SELECT consent_id, accepted_at FROM consent_acceptance WHERE customer_user_id = ?1",
    )?;
    let accepted: std::collections::HashMap<String, String> = stmt
        .query_map([user], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(list(conn)?
        .into_iter()
        .map(|consent| ConsentStatus {
            accepted_at: accepted.get(&consent.id).cloned(),
            consent,
        })
        .collect())
}

/// The acceptance's id: the same for the same consent and user on every desktop, so two
/// admins recording it offline record one acceptance.
fn acceptance_id(consent: &str, user: &str) -> String {
    let hash = Sha256::digest(format!("{consent}/{user}").as_bytes());
    let mut bytes = [0; 16];
    bytes.copy_from_slice(&hash[..16]);
    uuid::Uuid::from_bytes(bytes).to_string()
}

/// The user's id and the consent an acceptance is of, each refused when not found.
fn user_and_consent(conn: &Connection, user: &str, consent: &str) -> Result<(String, Consent)> {
    Ok((customer_user::require_id(conn, user)?, get(conn, consent)?))
}

/// Records that the user accepted the consent, now (kept as it was if they had).
pub fn accept(
    db: &Database,
    actor: &Actor,
    user: &str,
    consent: &str,
) -> Result<Vec<ConsentStatus>> {
    db.write(actor, |tx| {
        require(tx, Capability::ManageCustomerUsers)?;
        accept_in(tx, user, consent)?;
        for_user(tx, user)
    })
}

/// [`accept`] inside a transaction (demo data).
pub(crate) fn accept_in(tx: &mut Tx<'_>, user: &str, consent: &str) -> Result<()> {
    let (user, consent) = user_and_consent(tx, user, consent)?;
    let id = acceptance_id(&consent.id, &user);
    let here: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM consent_acceptance WHERE id = ?1)",
        [&id],
        |r| r.get(0),
    )?;
    if !here {
        let fields = json!({
            "consent": consent.id,
            "customerUser": user,
            "acceptedAt": tx.now(),
        });
        record::save(tx, ACCEPTANCE, &id, &record::fields(fields))?;
    }
    Ok(())
}

/// Takes the user's acceptance back; refused for a mandatory consent.
pub fn withdraw(
    db: &Database,
    actor: &Actor,
    user: &str,
    consent: &str,
) -> Result<Vec<ConsentStatus>> {
    db.write(actor, |tx| {
        require(tx, Capability::ManageCustomerUsers)?;
        let (user, consent) = user_and_consent(tx, user, consent)?;
        if consent.mandatory {
            return Err(CoreError::conflict(format!(
                "\"{}\" is a mandatory consent: once accepted, it cannot be withdrawn.",
                consent.name
            )));
        }
        record::delete(tx, ACCEPTANCE, &acceptance_id(&consent.id, &user))?;
        for_user(tx, &user)
    })
}
