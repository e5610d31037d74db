//! A deterministic data set of any size: the organization's websites, localizations,
//! back-office users, a customer tree and customer users in every state. The demo data and
//! the benchmarks are built from it. Users are written as Oro's CSV and imported.

use std::ops::Range;
use std::path::Path;

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

mod roles;

use roles::{back_office_roles, CUSTOMER_ROLES, SALES, SUPPORT};

use crate::actor::Actor;
use crate::back_office::{self, BackOfficeUserInput};
use crate::customer_user::address::AddressInput;
use crate::customer_user::field::Field;
use crate::customer_user::input::CustomerUserInput;
use crate::customer_user::AddressType;

use crate::csv::import::ImportKind;
use crate::customer_user::patch::CustomerUserPatch;
use crate::customer_user::write::update_in;
use crate::reference::CustomerInput;
use crate::store::{new_id, Tx};
use crate::{CoreError, Database, Result};

const FIRST_NAMES: &[&str] = &[
    "Amanda", "Brandon", "Carla", "Daniel", "Elena", "Felix", "Grace", "Hiroshi", "Irene", "Jamal",
    "Karin", "Liam", "Maria", "Nikolai", "Olivia", "Pedro", "Quinn", "Rosa", "Samuel", "Tamara",
    "Umar", "Vera", "William", "Ximena", "Yusuf", "Zoe", "Anna", "Bruno", "Chloe", "Dmitri",
    "Emma", "Farid", "Greta", "Hugo", "Ingrid", "Jonas", "Kenji", "Lucia", "Marek", "Nora",
    "Oscar", "Priya", "Rafael", "Sofia", "Tobias", "Ulla", "Viktor", "Wen", "Yara", "Zain",
];
const LAST_NAMES: &[&str] = &[
    "Anderson",
    "Brown",
    "Coleman",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Hansen",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lopez",
    "Miller",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quintero",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Ueda",
    "Varga",
    "Williams",
    "Xu",
    "Yilmaz",
    "Zimmermann",
    "Adams",
    "Becker",
    "Costa",
    "Dias",
    "Eriksson",
    "Ferreira",
    "Gomez",
    "Horvat",
    "Ito",
    "Johnson",
    "Kim",
    "Larsen",
    "Moreau",
    "Novak",
    "Olsen",
    "Park",
    "Reyes",
    "Silva",
    "Torres",
    "Ulrich",
    "Vogel",
    "Weber",
    "Young",
    "Zhang",
];
/// The first customers: a small tree (child, parent index) that reads well in a demo.
const CUSTOMERS: &[(&str, Option<usize>)] = &[
    ("Acme Corporation", None),
    ("Acme East", Some(0)),
    ("Acme West", Some(0)),
    ("Globex", None),
    ("Globex Retail", Some(3)),
    ("Initech", None),
    ("Umbrella Supplies", None),
    ("Stark Industrial", None),
    ("Wayne Enterprises", None),
    ("Wayne Retail", Some(8)),
];
const STREETS: &[&str] = &[
    "Main Street",
    "Oak Avenue",
    "Industrial Way",
    "Harbor Road",
    "Market Square",
];
/// City, postal code, country and its region (ISO 3166-2), or the region as text where
/// the country has none to pick from.
const CITIES: &[(&str, &str, &str, Region)] = &[
    ("Los Angeles", "90001", "US", Region::Code("US-CA")),
    ("Berlin", "10115", "DE", Region::Code("DE-BE")),
    ("Lyon", "69001", "FR", Region::Code("FR-ARA")),
    ("Austin", "73301", "US", Region::Code("US-TX")),
    ("London", "EC1A 1BB", "GB", Region::Code("GB-LND")),
    ("Osaka", "530-0001", "JP", Region::Code("JP-27")),
    ("Hong Kong", "999077", "HK", Region::Text("Kowloon")),
];

/// An address's region: ISO 3166-2, or text where the country has no regions to pick from.
#[derive(Clone, Copy)]
pub(crate) enum Region {
    Code(&'static str),
    Text(&'static str),
}

impl Region {
    pub(crate) fn code(self) -> Option<String> {
        match self {
            Region::Code(code) => Some(code.into()),
            Region::Text(_) => None,
        }
    }

    pub(crate) fn text(self) -> Option<String> {
        match self {
            Region::Text(text) => Some(text.into()),
            Region::Code(_) => None,
        }
    }
}

/// What a generation run wrote.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Generated {
    pub users: u64,
    pub customers: u64,
    pub websites: u64,
    pub localizations: u64,
    pub back_office_users: u64,
}

/// SplitMix64: a fixed sequence of numbers for row `i`, so every run writes the same data.
fn mix(i: u64, salt: u64) -> u64 {
    let mut z = i.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(salt);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn pct(i: u64, salt: u64) -> u64 {
    mix(i, salt) % 100
}

/// The websites, localizations, back-office users and customers `users` need. Idempotent.
pub struct Catalog {
    pub websites: Vec<(String, Vec<String>)>,
    pub customers: Vec<String>,
    pub customer_roles: Vec<(String, String)>,
}

fn id_by(tx: &Tx<'_>, sql: &str, key: &str) -> Result<Option<String>> {
    Ok(tx.query_row(sql, [key], |r| r.get(0)).optional()?)
}

fn catalog(tx: &mut Tx<'_>, customers_wanted: usize) -> Result<Catalog> {
    let org: String = tx.query_row(
        "SELECT id FROM organization ORDER BY name LIMIT 1",
        [],
        |r| r.get(0),
    )?;
    let mut localizations = Vec::new();
    for (name, code) in [
        ("English (United States)", "en_US"),
        ("German (Germany)", "de_DE"),
    ] {
        let id = match id_by(tx, "SELECT id FROM localization WHERE code = ?1", code)? {
            Some(id) => id,
            None => {
                let id = new_id();
                tx.execute(
                    "INSERT INTO localization (id, name, code) VALUES (?1, ?2, ?3)",
                    params![id, name, code],
                )?;
                id
            }
        };
        localizations.push(id);
    }
    let buyer: String = tx.query_row(
        "SELECT id FROM customer_user_role WHERE role = 'ROLE_FRONTEND_BUYER'",
        [],
        |r| r.get(0),
    )?;
    let guest: String = tx.query_row(
        "SELECT id FROM customer_user_role WHERE role = 'ROLE_FRONTEND_ANONYMOUS'",
        [],
        |r| r.get(0),
    )?;
    let mut websites = Vec::new();
    for (name, url, locs) in [
        (
            "Default",
            "https://shop.example.com/",
            localizations.clone(),
        ),
        (
            "Wholesale",
            "https://wholesale.example.com/",
            vec![localizations[0].clone()],
        ),
    ] {
        let id = match id_by(tx, "SELECT id FROM website WHERE name = ?1", name)? {
            Some(id) => id,
            None => {
                let id = new_id();
                tx.execute(
                    "INSERT INTO website (id, organization_id, name, url, default_role_id, guest_role_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![id, org, name, url, buyer, guest],
                )?;
                for loc in &locs {
                    tx.execute(
                        "INSERT INTO website_localization (website_id, localization_id) VALUES (?1, ?2)",
                        params![id, loc],
                    )?;
                }
                id
            }
        };
        websites.push((id, locs));
    }
    // The first website is the default one new users register with (Oro's default website).
    tx.execute(
        "UPDATE website SET is_default = 1 WHERE id = ?1
           AND NOT EXISTS (SELECT 1 FROM website WHERE is_default = 1)",
        [&websites[0].0],
    )?;
    back_office_roles(tx)?;
    let mut reps = Vec::new();
    // Admins who may do different things: the sales representatives work on their
    // customers' users, support also resets passwords and unlocks.
    for (username, first, last, role) in [
        ("ann.rivera", "Ann", "Rivera", None),
        ("ben.okafor", "Ben", "Okafor", Some(SUPPORT)),
        ("chen.li", "Chen", "Li", Some(SALES)),
    ] {
        let id = match id_by(tx, "SELECT id FROM app_user WHERE username = ?1", username)? {
            Some(id) => id,
            None => {
                let input = BackOfficeUserInput {
                    username: username.into(),
                    first_name: first.into(),
                    last_name: last.into(),
                    email: format!("{username}@example.com"),
                    role: role.map(|(label, _)| label.to_string()),
                };
                back_office::create_in(tx, &org, &input)?.id
            }
        };
        reps.push(id);
    }
    let mut customers: Vec<String> = tx
        .prepare("SELECT id FROM customer ORDER BY created_at, id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    while customers.len() < customers_wanted {
        let n = customers.len();
        let (name, parent) = match CUSTOMERS.get(n) {
            Some((name, parent)) => (name.to_string(), parent.map(|p| customers[p].clone())),
            // Every fifth customer is a subsidiary of the one before it.
            None => (
                format!("Customer {:05}", n + 1),
                (n % 5 == 4).then(|| customers[n - 1].clone()),
            ),
        };
        let input = CustomerInput {
            name,
            parent,
            sales_representatives: Some(vec![reps[n % reps.len()].clone()]),
        };
        customers.push(crate::reference::create_customer(tx, &org, &input, "")?);
    }
    // Customer-specific roles, to show roles beyond the predefined ones.
    let mut customer_roles = Vec::new();
    for spec in CUSTOMER_ROLES {
        let customer = customers[spec.customer].clone();
        let id = match tx
            .query_row(
                "SELECT id FROM customer_user_role WHERE customer_id = ?1 AND label = ?2",
                [&customer, spec.label],
                |r| r.get(0),
            )
            .optional()?
        {
            Some(id) => id,
            None => crate::role::write::create_in(tx, &spec.input(&customer))?,
        };
        customer_roles.push((customer, id));
    }
    Ok(Catalog {
        websites,
        customers,
        customer_roles,
    })
}

/// The input for generated user number `i`.
fn user_input(i: u64, catalog: &Catalog) -> CustomerUserInput {
    let first = FIRST_NAMES[(mix(i, 1) % FIRST_NAMES.len() as u64) as usize];
    let last = LAST_NAMES[(mix(i, 2) % LAST_NAMES.len() as u64) as usize];
    let customer = &catalog.customers[(mix(i, 3) % catalog.customers.len() as u64) as usize];
    let is_guest = pct(i, 4) < 2;
    let enabled = pct(i, 5) >= 15;
    let mut roles = Vec::new();
    if enabled || pct(i, 6) >= 30 {
        roles.push("ROLE_FRONTEND_BUYER".to_string());
        if pct(i, 7) < 10 {
            roles.push("ROLE_FRONTEND_ADMINISTRATOR".to_string());
        }
        if let Some((_, role)) = catalog.customer_roles.iter().find(|(c, _)| c == customer) {
            if pct(i, 8) < 50 {
                roles.push(role.clone());
            }
        }
    }
    let (website, localization) = match pct(i, 9) {
        0..=69 => {
            let (id, locs) = &catalog.websites[0];
            (
                Some(id.clone()),
                (pct(i, 10) < 50).then(|| locs[locs.len() - 1].clone()),
            )
        }
        70..=94 => (Some(catalog.websites[1].0.clone()), None),
        _ => (None, None),
    };
    let birthday = (pct(i, 11) < 60).then(|| {
        let days = mix(i, 12) % (365 * 45);
        (chrono::NaiveDate::from_ymd_opt(1960, 1, 1).unwrap_or_default() + chrono::Days::new(days))
            .format("%Y-%m-%d")
            .to_string()
    });
    let addresses = if pct(i, 13) < 10 {
        let (city, postal, country, region) = CITIES[(mix(i, 14) % CITIES.len() as u64) as usize];
        vec![AddressInput {
            label: Some("Primary address".into()),
            first_name: Some(first.into()),
            last_name: Some(last.into()),
            street: format!(
                "{} {}",
                1 + mix(i, 15) % 999,
                STREETS[(mix(i, 16) % STREETS.len() as u64) as usize]
            ),
            city: city.into(),
            postal_code: postal.into(),
            country: country.into(),
            region: region.code(),
            region_text: region.text(),
            types: vec![AddressType::Billing, AddressType::Shipping],
            defaults: vec![AddressType::Billing, AddressType::Shipping],
            ..Default::default()
        }]
    } else {
        Vec::new()
    };
    CustomerUserInput {
        name_prefix: (pct(i, 17) < 10)
            .then(|| ["Mr.", "Ms.", "Dr."][(mix(i, 18) % 3) as usize].to_string()),
        first_name: first.into(),
        last_name: last.into(),
        email: format!(
            "{}.{}{}@example.com",
            first.to_lowercase(),
            last.to_lowercase(),
            i + 1
        ),
        birthday,
        enabled: Some(enabled),
        confirmed: Some(pct(i, 19) >= 10),
        is_guest: Some(is_guest),
        customer: Some(customer.clone()),
        website,
        preferred_localization: localization,
        user_roles: Some(roles),
        addresses: Some(addresses),
        ..Default::default()
    }
}

/// How many users (counted over every run) also get what Oro's CSV has no column for: an
/// address (10 %), a preferred localization (a third) or no website (5 %). These go through
/// the form's write path one user at a time, so at a million users they are kept to the
/// first ones: the demo shows every kind, and a large data set is made in about a minute.
const DETAILED_USERS: u64 = 20_000;

/// The generated users' CSV header: the import's columns, in Oro's names.
const HEADERS: [&str; 13] = [
    Field::NamePrefix.csv(0),
    Field::FirstName.csv(0),
    Field::LastName.csv(0),
    Field::Birthday.csv(0),
    Field::Email.csv(0),
    Field::Customer.csv(0),
    "Roles 1 Role",
    "Roles 2 Role",
    "Roles 3 Role",
    Field::IsGuest.csv(0),
    Field::Enabled.csv(0),
    Field::Confirmed.csv(0),
    Field::Website.csv(0),
];

/// The most users one store may be generated up to: ten times the million the app is
/// measured at, and far below where counting them could overflow.
pub const MAX_GENERATED: u64 = 10_000_000;

/// Adds `users` customer users (and whatever they need). They are written as Oro's CSV and
/// imported in one transaction, through the import's bulk path with its rules, change
/// records and search index; `progress` hears the running total.
pub fn generate(
    db: &Database,
    actor: &Actor,
    users: u64,
    mut progress: impl FnMut(u64),
) -> Result<Generated> {
    let start: u64 = db.read(|c| {
        Ok(c.query_row("SELECT count(*) FROM customer_user", [], |r| {
            r.get::<_, i64>(0)
        })? as u64)
    })?;
    if start.saturating_add(users) > MAX_GENERATED {
        return Err(CoreError::field(
            "users",
            format!(
                "This value should be {} or less: the store would hold more than {MAX_GENERATED} \
                 customer users.",
                MAX_GENERATED - start.min(MAX_GENERATED)
            ),
        ));
    }
    let customers_wanted = ((start + users) / 100).max(CUSTOMERS.len() as u64) as usize;
    let catalog = db.write(actor, |tx| catalog(tx, customers_wanted))?;
    if users > 0 {
        let dir = tempfile::tempdir().map_err(|e| {
            CoreError::internal(format!("No temporary folder for the generated users: {e}"))
        })?;
        let file = dir.path().join("generated-customer-users.csv");
        write_csv(&file, start..start + users, &catalog)?;
        let report = ImportKind::import_generated(db, actor, &file, |p| progress(p.rows))?;
        if !report.written || report.counts.added != users {
            return Err(CoreError::internal(format!(
                "The generated users were not all added: {} {}",
                report.message,
                report.errors.join(" ")
            )));
        }
        add_details(
            db,
            actor,
            start..(start + users).min(DETAILED_USERS),
            &catalog,
        )?;
        progress(users);
    }
    let count = |sql: &str| db.read(|c| Ok(c.query_row(sql, [], |r| r.get::<_, i64>(0))? as u64));
    Ok(Generated {
        users,
        customers: count("SELECT count(*) FROM customer")?,
        websites: count("SELECT count(*) FROM website")?,
        localizations: count("SELECT count(*) FROM localization")?,
        back_office_users: count("SELECT count(*) FROM app_user")?,
    })
}

/// Users number `range` as the rows of a CSV file to import.
fn write_csv(path: &Path, range: Range<u64>, catalog: &Catalog) -> Result<()> {
    let failed = |e: csv::Error| {
        CoreError::internal(format!("The generated users' file cannot be written: {e}"))
    };
    let mut out = csv::Writer::from_path(path).map_err(failed)?;
    out.write_record(HEADERS).map_err(failed)?;
    let yes_no = |b: Option<bool>| if b == Some(true) { "1" } else { "0" };
    for i in range {
        let user = user_input(i, catalog);
        let roles = user.user_roles.unwrap_or_default();
        let role = |n: usize| roles.get(n).map_or("", String::as_str);
        out.write_record([
            user.name_prefix.as_deref().unwrap_or_default(),
            &user.first_name,
            &user.last_name,
            user.birthday.as_deref().unwrap_or_default(),
            &user.email,
            user.customer.as_deref().unwrap_or_default(),
            role(0),
            role(1),
            role(2),
            yes_no(user.is_guest),
            yes_no(user.enabled),
            yes_no(user.confirmed),
            user.website.as_deref().unwrap_or_default(),
        ])
        .map_err(failed)?;
    }
    out.flush().map_err(|e| failed(e.into()))
}

/// Gives users number `range` their address, preferred localization or lack of a website,
/// through the form's write path.
fn add_details(db: &Database, actor: &Actor, range: Range<u64>, catalog: &Catalog) -> Result<()> {
    db.write(actor, |tx| {
        for i in range {
            let user = user_input(i, catalog);
            let patch = CustomerUserPatch {
                website: user.website.is_none().then_some(None),
                preferred_localization: user.preferred_localization.clone().map(Some),
                addresses: user.addresses.clone().filter(|a| !a.is_empty()),
                ..CustomerUserPatch::default()
            };
            if patch == CustomerUserPatch::default() {
                continue;
            }
            // Generated e-mails are unique and lower-case: the e-mail's sort index finds them.
            let id: String = tx.query_row(
                "SELECT id FROM customer_user WHERE email = ?1",
                [&user.email],
                |r| r.get(0),
            )?;
            update_in(tx, &id, patch)?;
        }
        Ok(())
    })
}
