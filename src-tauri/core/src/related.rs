//! What a customer user owns on the storefront: requests for quote, quotes, orders and
//! shopping lists, each one shape (a number, a status, line items and their total), read
//! for the user's page and made there by an admin on the customer's behalf, who is kept as
//! Created By. The one writer of `request_for_quote`, `quote`, `sales_order` and
//! `shopping_list`.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

use crate::actor::Actor;
use crate::back_office::capability::{require, Capability};
use crate::error::Violations;
use crate::reference::{self, Ref};
use crate::store::{new_id, Tx};
use crate::{customer_user, record, rules, CoreError, Database, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum RelatedKind {
    Rfq,
    Quote,
    Order,
    ShoppingList,
}

struct Shape {
    table: &'static str,
    /// The column the record's number (a shopping list's label) is in.
    number: &'static str,
    /// One record ("Request For Quote") and many ("Requests For Quote").
    one: &'static str,
    label: &'static str,
    prefix: &'static str,
    /// Oro's internal statuses, the first a new record's.
    statuses: &'static [&'static str],
}

impl RelatedKind {
    pub const ALL: [RelatedKind; 4] = [
        RelatedKind::Rfq,
        RelatedKind::Quote,
        RelatedKind::Order,
        RelatedKind::ShoppingList,
    ];

    const fn shape(self) -> Shape {
        match self {
            RelatedKind::Rfq => Shape {
                table: "request_for_quote",
                number: "identifier",
                one: "Request For Quote",
                label: "Requests For Quote",
                prefix: "RFQ",
                statuses: &[
                    "open",
                    "processed",
                    "more_info_requested",
                    "declined",
                    "cancelled",
                ],
            },
            RelatedKind::Quote => Shape {
                table: "quote",
                number: "identifier",
                one: "Quote",
                label: "Quotes",
                prefix: "Q",
                statuses: &[
                    "draft",
                    "open",
                    "sent_to_customer",
                    "accepted",
                    "declined",
                    "expired",
                    "cancelled",
                ],
            },
            RelatedKind::Order => Shape {
                table: "sales_order",
                number: "identifier",
                one: "Order",
                label: "Orders",
                prefix: "SO",
                statuses: &["open", "closed", "cancelled", "archived"],
            },
            RelatedKind::ShoppingList => Shape {
                table: "shopping_list",
                number: "label",
                one: "Shopping List",
                label: "Shopping Lists",
                prefix: "Shopping List",
                statuses: &["open"],
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RelatedStatuses {
    pub kind: RelatedKind,
    pub label: String,
    pub statuses: Vec<String>,
    pub default_status: String,
}

pub fn kinds() -> Vec<RelatedStatuses> {
    RelatedKind::ALL
        .iter()
        .map(|&kind| {
            let s = kind.shape();
            RelatedStatuses {
                kind,
                label: s.label.into(),
                statuses: s.statuses.iter().map(|s| s.to_string()).collect(),
                default_status: s.statuses[0].into(),
            }
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct LineItem {
    pub sku: String,
    pub name: String,
    pub quantity: u32,
    /// A decimal, up to 4 places: `"12.50"`.
    pub price: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RelatedRecord {
    pub id: String,
    pub kind: RelatedKind,
    pub number: String,
    pub status: String,
    pub total: String,
    pub currency: String,
    pub items: Vec<LineItem>,
    pub customer_user: Ref,
    pub customer: Ref,
    /// The back-office user who made it on the customer's behalf; `None` when the customer
    /// user made it on the storefront.
    pub created_by: Option<Ref>,
    pub created_at: String,
    pub updated_at: String,
    pub valid_until: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct RelatedInput {
    #[serde(default)]
    #[ts(optional = nullable)]
    pub number: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub status: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub currency: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub items: Option<Vec<LineItem>>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub valid_until: Option<String>,
}

impl RelatedInput {
    /// The form's JSON, naming the field whose value has the wrong type or is unknown.
    pub fn from_json(value: Value) -> Result<Self> {
        crate::error::parse_json(value)
    }
}

fn select(kind: RelatedKind, tail: &str) -> String {
    let s = kind.shape();
    format!(
        "SELECT r.id, r.{number}, r.status, r.total, r.currency, r.items, r.valid_until,
                r.created_at, coalesce(r.updated_at, r.created_at),
                u.id, u.first_name || ' ' || u.last_name, c.id, c.name,
                b.id, b.first_name || ' ' || b.last_name
         FROM {table} r
         JOIN customer_user u ON u.id = r.customer_user_id
         JOIN customer c ON c.id = r.customer_id
         LEFT JOIN app_user b ON b.id = r.created_by
         {tail}",
        number = s.number,
        table = s.table,
    )
}

fn row(kind: RelatedKind) -> impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<RelatedRecord> {
    move |r| {
        let items: String = r.get(5)?;
        let by: Option<String> = r.get(13)?;
        Ok(RelatedRecord {
            id: r.get(0)?,
            kind,
            number: r.get(1)?,
            status: r.get(2)?,
            total: r.get(3)?,
            currency: r.get(4)?,
            items: serde_json::from_str(&items).unwrap_or_default(),
            valid_until: r.get(6)?,
            created_at: r.get(7)?,
            updated_at: r.get(8)?,
            customer_user: Ref {
                id: r.get(9)?,
                name: r.get(10)?,
            },
            customer: Ref {
                id: r.get(11)?,
                name: r.get(12)?,
            },
            created_by: Ref::optional(by, r.get(14)?),
        })
    }
}

/// The user's records of `kind`, newest first.
pub fn list(conn: &Connection, user: &str, kind: RelatedKind) -> Result<Vec<RelatedRecord>> {
    customer_user::require_id(conn, user)?;
    let mut stmt = conn.prepare(&select(
        kind,
        "WHERE r.customer_user_id = ?1 ORDER BY r.created_at DESC, r.id DESC",
    ))?;
    let rows = stmt.query_map([user], row(kind))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get(conn: &Connection, kind: RelatedKind, id: &str) -> Result<RelatedRecord> {
    conn.query_row(&select(kind, "WHERE r.id = ?1"), [id], row(kind))
        .optional()?
        .ok_or_else(|| CoreError::not_found(kind.shape().one, id))
}

/// Ten-thousandths in `price` (`"12.5"` → 125000), or why it is not a price.
fn parse_price(price: &str) -> std::result::Result<i128, &'static str> {
    const NOT_A_PRICE: &str = "This value should be a price of at most 4 decimal places.";
    let (whole, part) = price.trim().split_once('.').unwrap_or((price.trim(), ""));
    if whole.is_empty()
        || whole.len() > 12
        || part.len() > 4
        || !whole
            .chars()
            .chain(part.chars())
            .all(|c| c.is_ascii_digit())
    {
        return Err(NOT_A_PRICE);
    }
    let whole: i128 = whole.parse().map_err(|_| NOT_A_PRICE)?;
    let part: i128 = format!("{part:0<4}").parse().map_err(|_| NOT_A_PRICE)?;
    Ok(whole * 10_000 + part)
}

/// Ten-thousandths as money: two places, half up.
fn money(ten_thousandths: i128) -> String {
    let cents = (ten_thousandths + 50) / 100;
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// The most line items one record carries.
const MAX_ITEMS: usize = 500;

fn checked_items(items: &[LineItem], v: &mut Violations) -> (Vec<LineItem>, String) {
    if items.len() > MAX_ITEMS {
        v.add(
            "items",
            format!("A record can have at most {MAX_ITEMS} line items."),
        );
        return (Vec::new(), money(0));
    }
    let mut total: i128 = 0;
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = |f: &str| format!("items.{i}.{f}");
        let sku = rules::required_text(v, &at("sku"), Some(&item.sku), 255);
        let name = rules::required_text(v, &at("name"), Some(&item.name), 255);
        if item.quantity == 0 {
            v.add(at("quantity"), "This value should be greater than 0.");
        }
        match parse_price(&item.price) {
            Ok(price) => total += price * i128::from(item.quantity),
            Err(problem) => v.add(at("price"), problem),
        }
        out.push(LineItem {
            sku,
            name,
            quantity: item.quantity,
            price: parse_price(&item.price).map_or(item.price.clone(), money),
        });
    }
    (out, money(total))
}

/// Makes a record of `kind` for the user, as the acting admin: they are its Created By.
pub fn create(
    db: &Database,
    actor: &Actor,
    user: &str,
    kind: RelatedKind,
    input: &RelatedInput,
) -> Result<RelatedRecord> {
    db.write(actor, |tx| {
        require(tx, Capability::ManageCustomerUsers)?;
        let by = reference::resolve_user(tx, tx.actor())?;
        let id = create_in(tx, user, kind, input, by.as_deref())?;
        get(tx, kind, &id)
    })
}

/// [`create`] inside a transaction, made by back-office user `by` (`None`: by the customer
/// user on the storefront, as demo data has some).
pub(crate) fn create_in(
    tx: &mut Tx<'_>,
    user: &str,
    kind: RelatedKind,
    input: &RelatedInput,
    by: Option<&str>,
) -> Result<String> {
    let owner = customer_user::get(tx, user)?;
    let shape = kind.shape();
    let id = new_id();
    let mut v = Violations::default();
    let number = rules::optional_text(&mut v, "number", input.number.as_deref(), 255, false)
        .unwrap_or_else(|| {
            let tail = id.replace('-', "");
            format!("{}-{}", shape.prefix, tail[tail.len() - 8..].to_uppercase())
        });
    let status = input
        .status
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(shape.statuses[0])
        .to_string();
    if !shape.statuses.contains(&status.as_str()) {
        v.add(
            "status",
            format!("The status must be one of: {}.", shape.statuses.join(", ")),
        );
    }
    let currency = input
        .currency
        .as_deref()
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "USD".into());
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
        v.add("currency", "This value is not a valid currency.");
    }
    let valid_until = rules::optional_text(
        &mut v,
        "validUntil",
        input.valid_until.as_deref(),
        10,
        false,
    );
    if let Some(date) = &valid_until {
        if chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_err() {
            v.add("validUntil", rules::INVALID_DATE);
        }
    }
    let (items, total) = checked_items(input.items.as_deref().unwrap_or(&[]), &mut v);
    v.into_result()?;
    let now = tx.now();
    let fields = json!({
        "number": number,
        "customerUser": owner.id,
        "customer": owner.customer.id,
        "status": status,
        "total": total,
        "currency": currency,
        "items": items,
        "validUntil": valid_until,
        "createdBy": by,
        "createdAt": now,
        "updatedAt": now,
    });
    record::save(tx, shape.table, &id, &record::fields(fields))?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_add_up_exactly() {
        assert_eq!(parse_price("12.5"), Ok(125_000));
        assert_eq!(parse_price("0.0001"), Ok(1));
        assert!(parse_price("1.23456").is_err());
        assert!(parse_price("-1").is_err());
        assert!(parse_price("1e3").is_err());
        assert_eq!(money(3 * 333_350), "100.01");
        assert_eq!(money(0), "0.00");
    }
}
