//! The demo's full customer user pages: the organization's own fields and consents, and for
//! the first users their values, acceptances, records (some made by an admin, some on the
//! storefront), notes and events.

use serde_json::{json, Map};

use crate::activity::event::{self, EventInput};
use crate::activity::note::{self, NoteInput};
use crate::consent::{self, ConsentInput};
use crate::customer_user::address::AddressInput;
use crate::customer_user::extra::{self, ExtraFieldInput, ExtraFieldKind};
use crate::customer_user::patch::CustomerUserPatch;
use crate::customer_user::write as writer;
use crate::customer_user::{address_book, AddressType};
use crate::generate::Region::{self, Code, Text};
use crate::related::{self, LineItem, RelatedInput, RelatedKind};
use crate::store::Tx;
use crate::Result;

fn items(lines: &[(&str, &str, u32, &str)]) -> Vec<LineItem> {
    lines
        .iter()
        .map(|&(sku, name, quantity, price)| LineItem {
            sku: sku.into(),
            name: name.into(),
            quantity,
            price: price.into(),
        })
        .collect()
}

fn field(
    tx: &mut Tx<'_>,
    name: &str,
    label: &str,
    kind: ExtraFieldKind,
    choices: &[&str],
) -> Result<()> {
    extra::create_in(
        tx,
        &ExtraFieldInput {
            name: Some(name.into()),
            label: Some(label.into()),
            kind: Some(kind),
            choices: Some(choices.iter().map(|c| c.to_string()).collect()),
        },
    )?;
    Ok(())
}

struct Place {
    label: &'static str,
    street: &'static str,
    city: &'static str,
    postal_code: &'static str,
    country: &'static str,
    region: Region,
}

const fn place(
    label: &'static str,
    street: &'static str,
    city: &'static str,
    postal_code: &'static str,
    country: &'static str,
    region: Region,
) -> Place {
    Place {
        label,
        street,
        city,
        postal_code,
        country,
        region,
    }
}

/// A second address for the first users, one country each.
const ADDRESSES: &[Place] = &[
    place(
        "Warehouse",
        "1 Harbour Road",
        "Hamburg",
        "20095",
        "DE",
        Code("DE-HH"),
    ),
    place(
        "Office",
        "221B Baker Street",
        "London",
        "NW1 6XE",
        "GB",
        Code("GB-LND"),
    ),
    place(
        "Depot",
        "500 Terry Francine Street",
        "San Francisco",
        "94158",
        "US",
        Code("US-CA"),
    ),
    place(
        "Branch",
        "1 Queen's Road Central",
        "Hong Kong",
        "999077",
        "HK",
        Text("Central"),
    ),
    place(
        "Plant",
        "2-1 Umeda",
        "Osaka",
        "530-0001",
        "JP",
        Code("JP-27"),
    ),
    place(
        "Store",
        "8 Rue de la Paix",
        "Paris",
        "75002",
        "FR",
        Code("FR-IDF"),
    ),
];

/// Adds the page records for `users` (the first demo users), as the seeding admin `by`.
pub(super) fn seed(tx: &mut Tx<'_>, users: &[String], by: Option<&str>) -> Result<()> {
    field(
        tx,
        "account_tier",
        "Account Tier",
        ExtraFieldKind::Choice,
        &["Gold", "Silver", "Bronze"],
    )?;
    field(
        tx,
        "credit_limit",
        "Credit Limit",
        ExtraFieldKind::Number,
        &[],
    )?;
    field(tx, "onboarded", "Onboarded", ExtraFieldKind::Boolean, &[])?;
    field(
        tx,
        "contract_date",
        "Contract Date",
        ExtraFieldKind::Date,
        &[],
    )?;
    let terms = consent::create_in(
        tx,
        &ConsentInput {
            name: Some("Terms and Conditions".into()),
            mandatory: Some(true),
            content: Some("I have read and accept the terms and conditions of sale.".into()),
            url: None,
        },
    )?;
    let newsletter = consent::create_in(
        tx,
        &ConsentInput {
            name: Some("Newsletter".into()),
            mandatory: Some(false),
            content: Some("Send me news about products and offers by e-mail.".into()),
            url: Some("https://example.com/newsletter".into()),
        },
    )?;
    let tiers = ["Gold", "Silver", "Bronze"];
    for (n, user) in users.iter().enumerate() {
        let mut values = Map::new();
        values.insert("account_tier".into(), json!(tiers[n % tiers.len()]));
        values.insert("credit_limit".into(), json!(5_000 * (n as i64 + 1)));
        values.insert("onboarded".into(), json!(n % 2 == 0));
        values.insert(
            "contract_date".into(),
            json!(format!("2026-0{}-15", 1 + n % 9)),
        );
        let mut addresses = address_book::current(tx, user)?;
        if let Some(p) = ADDRESSES.get(n) {
            addresses.push(AddressInput {
                label: Some(p.label.into()),
                organization: Some(format!("{} {}", p.label, p.city)),
                street: p.street.into(),
                city: p.city.into(),
                postal_code: p.postal_code.into(),
                country: p.country.into(),
                region: p.region.code(),
                region_text: p.region.text(),
                types: vec![AddressType::Shipping],
                ..Default::default()
            });
        }
        writer::update_in(
            tx,
            user,
            CustomerUserPatch {
                extra: Some(values),
                addresses: Some(addresses),
                ..Default::default()
            },
        )?;
        consent::accept_in(tx, user, &terms)?;
        if n % 2 == 0 {
            consent::accept_in(tx, user, &newsletter)?;
        }
        if n >= 6 {
            continue;
        }
        let made_by = |storefront: bool| if storefront { None } else { by };
        let records: [(RelatedKind, &str, Vec<LineItem>, bool); 4] = [
            (
                RelatedKind::Rfq,
                "open",
                items(&[("1GB81", "Safety Boots", 12, "64.99")]),
                true,
            ),
            (
                RelatedKind::Quote,
                "sent_to_customer",
                items(&[
                    ("2RW93", "Hard Hat", 40, "19.50"),
                    ("5TJ23", "Hi-Vis Vest", 40, "7.25"),
                ]),
                false,
            ),
            (
                RelatedKind::Order,
                "open",
                items(&[
                    ("8DO33", "Work Gloves", 25, "12.40"),
                    ("6VC22", "Ear Defenders", 10, "22.00"),
                ]),
                n % 2 == 1,
            ),
            (
                RelatedKind::ShoppingList,
                "open",
                items(&[("3JK21", "First Aid Kit", 3, "45.00")]),
                true,
            ),
        ];
        for (kind, status, lines, storefront) in records {
            related::create_in(
                tx,
                user,
                kind,
                &RelatedInput {
                    status: Some(status.into()),
                    items: Some(lines),
                    valid_until: (kind == RelatedKind::Quote).then(|| "2027-01-31".into()),
                    ..Default::default()
                },
                made_by(storefront),
            )?;
        }
        note::add_in(
            tx,
            user,
            &NoteInput {
                body: Some(
                    "Called about the spring order.\nPrefers deliveries before noon.".into(),
                ),
            },
        )?;
        event::add_in(
            tx,
            user,
            &EventInput {
                title: Some("Quarterly account review".into()),
                description: Some("Go through open quotes and the credit limit.".into()),
                starts_at: Some(format!("2027-0{}-10T09:00:00Z", 1 + n % 6)),
                ends_at: Some(format!("2027-0{}-10T10:00:00Z", 1 + n % 6)),
            },
        )?;
    }
    Ok(())
}
