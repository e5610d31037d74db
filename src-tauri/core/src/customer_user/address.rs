//! Typed billing/shipping addresses of a customer user, with one default per type.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::customer_user::{Address, AddressType};
use crate::error::Violations;
use crate::geo;
use crate::rules::{self, NOT_BLANK};
use crate::store::{new_id, Tx};
use crate::Result;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct AddressInput {
    /// An existing address to keep (and update); absent for a new one.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub id: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub label: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub name_prefix: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub first_name: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub middle_name: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub last_name: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub name_suffix: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub organization: Option<String>,
    #[serde(default)]
    pub street: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub street2: Option<String>,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub postal_code: String,
    #[serde(default)]
    pub country: String,
    /// ISO 3166-2 (`US-CA`, or `CA` within the country).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub region: Option<String>,
    /// For a country without regions to pick from.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub region_text: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub phone: Option<String>,
    #[serde(default)]
    pub types: Vec<AddressType>,
    #[serde(default)]
    pub defaults: Vec<AddressType>,
}

impl From<Address> for AddressInput {
    fn from(a: Address) -> Self {
        AddressInput {
            id: Some(a.id),
            label: a.label,
            name_prefix: a.name_prefix,
            first_name: a.first_name,
            middle_name: a.middle_name,
            last_name: a.last_name,
            name_suffix: a.name_suffix,
            organization: a.organization,
            street: a.street,
            street2: a.street2,
            city: a.city,
            postal_code: a.postal_code,
            country: a.country,
            region: a.region,
            region_text: a.region_text,
            phone: a.phone,
            types: a.types,
            defaults: a.defaults,
        }
    }
}

/// The most addresses one customer user may have: far more than a person ships to, few
/// enough that a form or a sync never carries thousands.
pub const MAX_ADDRESSES: usize = 100;

/// Checks every address and the one-default-per-type rule across them.
pub fn validate(addresses: &[AddressInput], v: &mut Violations) {
    if addresses.len() > MAX_ADDRESSES {
        v.add(
            "addresses",
            format!("A customer user can have at most {MAX_ADDRESSES} addresses."),
        );
        return;
    }
    let mut default_of: [Option<usize>; 2] = [None, None];
    for (i, a) in addresses.iter().enumerate() {
        let at = |f: &str| format!("addresses.{i}.{f}");
        for (field, value) in [
            ("street", &a.street),
            ("city", &a.city),
            ("postalCode", &a.postal_code),
            ("country", &a.country),
        ] {
            if value.trim().is_empty() {
                v.add(at(field), NOT_BLANK);
            }
        }
        check_region(a, &at, v);
        for (field, value, max) in [
            ("street", Some(&a.street), 500),
            ("street2", a.street2.as_ref(), 500),
            ("city", Some(&a.city), 255),
            ("postalCode", Some(&a.postal_code), 255),
            ("label", a.label.as_ref(), 255),
            ("namePrefix", a.name_prefix.as_ref(), 255),
            ("firstName", a.first_name.as_ref(), 255),
            ("middleName", a.middle_name.as_ref(), 255),
            ("lastName", a.last_name.as_ref(), 255),
            ("nameSuffix", a.name_suffix.as_ref(), 255),
            ("phone", a.phone.as_ref(), 255),
            ("organization", a.organization.as_ref(), 255),
            ("region", a.region.as_ref(), 255),
            ("regionText", a.region_text.as_ref(), 255),
        ] {
            if let Some(message) = value.and_then(|s| rules::check_text(s, max)) {
                v.add(at(field), message);
            }
        }
        for t in &a.defaults {
            if !a.types.contains(t) {
                v.add(
                    at("defaults"),
                    "An address can only be the default for a type it has.",
                );
            }
            let slot = &mut default_of[*t as usize];
            match slot {
                Some(_) => v.add(
                    at("defaults"),
                    format!(
                        "Several addresses have the same default type {}.",
                        type_label(*t)
                    ),
                ),
                None => *slot = Some(i),
            }
        }
    }
}

/// Oro's country and region rules (`ValidRegion`, `RegionText`, `RequiredRegion`): a known
/// country; where it has regions, one of them; where it has none, free text at most.
fn check_region(a: &AddressInput, at: &dyn Fn(&str) -> String, v: &mut Violations) {
    let code = a.country.trim();
    if code.is_empty() {
        return;
    }
    let Some(country) = geo::country(code) else {
        v.add(at("country"), rules::INVALID_COUNTRY);
        return;
    };
    let region = a.region.as_deref().map(str::trim).filter(|r| !r.is_empty());
    let text = a
        .region_text
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if !country.has_regions {
        if let Some(region) = region {
            v.add(
                at("region"),
                rules::invalid_country_region(region, &country.code),
            );
        }
        return;
    }
    if text.is_some() {
        v.add(at("regionText"), rules::INVALID_REGION_TEXT);
    }
    match region {
        None => v.add(at("region"), rules::region_required(&country.name)),
        Some(region) if geo::region(&country.code, region).is_none() => {
            v.add(
                at("region"),
                rules::invalid_country_region(region, &country.code),
            );
        }
        Some(_) => {}
    }
}

/// The ISO codes an address is kept with: the country upper-case, the region in full.
fn normalized_region(a: &AddressInput) -> (String, Option<String>, Option<String>) {
    let country = a.country.trim().to_ascii_uppercase();
    let blank = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let region = blank(&a.region).map(|r| geo::region(&country, &r).map_or(r, |found| found.code));
    (country, region, blank(&a.region_text))
}

fn type_label(t: AddressType) -> &'static str {
    match t {
        AddressType::Billing => "billing",
        AddressType::Shipping => "shipping",
    }
}

pub fn list(conn: &Connection, user_id: &str) -> Result<Vec<Address>> {
    let mut stmt = conn.prepare(
        "SELECT id, label, name_prefix, first_name, middle_name, last_name, name_suffix, organization, street, street2,
                city, postal_code, country, region, phone, is_billing, is_shipping, default_billing, default_shipping,
                region_text
         FROM customer_user_address WHERE customer_user_id = ?1 ORDER BY position, id",
    )?;
    let rows = stmt.query_map([user_id], |r| {
        let flags: [bool; 4] = [r.get(15)?, r.get(16)?, r.get(17)?, r.get(18)?];
        let pick = |billing: bool, shipping: bool| {
            [
                (billing, AddressType::Billing),
                (shipping, AddressType::Shipping),
            ]
            .into_iter()
            .filter_map(|(on, t)| on.then_some(t))
            .collect::<Vec<_>>()
        };
        Ok(Address {
            id: r.get(0)?,
            label: r.get(1)?,
            name_prefix: r.get(2)?,
            first_name: r.get(3)?,
            middle_name: r.get(4)?,
            last_name: r.get(5)?,
            name_suffix: r.get(6)?,
            organization: r.get(7)?,
            street: r.get(8)?,
            street2: r.get(9)?,
            city: r.get(10)?,
            postal_code: r.get(11)?,
            country: r.get(12)?,
            region: r.get(13)?,
            region_text: r.get(19)?,
            phone: r.get(14)?,
            types: pick(flags[0], flags[1]),
            defaults: pick(flags[2], flags[3]),
            country_name: None,
            region_name: None,
        })
    })?;
    let mut addresses: Vec<Address> = rows.collect::<rusqlite::Result<_>>()?;
    for a in &mut addresses {
        a.country_name = geo::country(&a.country).map(|c| c.name);
        a.region_name = a
            .region
            .as_deref()
            .and_then(|r| geo::region(&a.country, r))
            .map(|r| r.name);
    }
    Ok(addresses)
}

/// Replaces the user's addresses with `addresses`, keeping the ids of those that had one.
pub fn replace(tx: &Tx<'_>, user_id: &str, addresses: &[AddressInput]) -> Result<()> {
    tx.execute(
        "DELETE FROM customer_user_address WHERE customer_user_id = ?1",
        [user_id],
    )?;
    let mut stmt = tx.prepare_cached(
        "INSERT INTO customer_user_address (id, customer_user_id, position, label, name_prefix, first_name, middle_name,
            last_name, name_suffix, organization, street, street2, city, postal_code, country, region, phone,
            is_billing, is_shipping, default_billing, default_shipping, region_text)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
    )?;
    for (i, a) in addresses.iter().enumerate() {
        let has = |list: &[AddressType], t| list.contains(&t);
        let (country, region, region_text) = normalized_region(a);
        stmt.execute(params![
            a.id.clone()
                .filter(|id| !id.is_empty())
                .unwrap_or_else(new_id),
            user_id,
            i as i64,
            a.label,
            a.name_prefix,
            a.first_name,
            a.middle_name,
            a.last_name,
            a.name_suffix,
            a.organization,
            a.street.trim(),
            a.street2,
            a.city.trim(),
            a.postal_code.trim(),
            country,
            region,
            a.phone,
            has(&a.types, AddressType::Billing),
            has(&a.types, AddressType::Shipping),
            has(&a.defaults, AddressType::Billing),
            has(&a.defaults, AddressType::Shipping),
            region_text,
        ])?;
    }
    Ok(())
}
