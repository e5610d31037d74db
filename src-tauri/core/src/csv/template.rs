//! Data templates: the columns an import takes and a sample row (Oro's "Jerry Coleman",
//! `CB/ImportExport/TemplateFixture/CustomerUserFixture.php`). The samples name this
//! store's first customer and default website (or customer user), so they import as they are.

use std::io::Write;

use rusqlite::{Connection, OptionalExtension};

use crate::csv::import::ImportKind;
use crate::csv::users;
use crate::customer_user::field::Field;
use crate::out_file::{OutFile, Target};
use crate::{CoreError, Database, Result};

/// Oro's customer user template columns (`import_customer_users.feature`, "Data Template"):
/// the export's columns through two roles, then these.
const CUSTOMER_USER_TRAILING: [&str; 4] = [
    Field::Website.csv(0),
    Field::Enabled.csv(0),
    Field::Confirmed.csv(0),
    Field::Owner.csv(0),
];

/// The customer user template as CSV text.
pub fn customer_users(conn: &Connection) -> Result<String> {
    let (customer_id, customer_name): (String, String) = conn
        .query_row(
            "SELECT id, name FROM customer ORDER BY name, id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .unwrap_or_default();
    let website: String = conn
        .query_row("SELECT id FROM website WHERE is_default = 1", [], |r| {
            r.get(0)
        })
        .optional()?
        .unwrap_or_default();
    let sample = [
        "",
        "Mr",
        "Jerry",
        "John",
        "Coleman",
        "Jr.",
        "04/19/1987",
        "jerry.coleman@example.com",
        &customer_id,
        &customer_name,
        "ROLE_FRONTEND_BUYER",
        "",
        &website,
        "1",
        "1",
        "",
    ];
    let mut headers = users::headers_through_roles(2);
    headers.extend(CUSTOMER_USER_TRAILING.map(String::from));
    to_csv(&headers, &sample)
}

/// The address template as CSV text, its sample row for the store's first customer user.
pub fn addresses(conn: &Connection) -> Result<String> {
    let email: String = conn
        .query_row(
            "SELECT email FROM customer_user WHERE is_guest = 0 ORDER BY seq LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or_else(|| "jerry.coleman@example.com".into());
    let sample = [
        "",
        "",
        &email,
        "Head office",
        "Oro Inc.",
        "Mr",
        "Jerry",
        "",
        "Coleman",
        "",
        "2413 Capitol Avenue",
        "",
        "Romney",
        "47981",
        "US",
        "IN",
        "765-555-0123",
        "1",
        "1",
        "1",
        "1",
        "1",
    ];
    to_csv(crate::csv::addresses::HEADERS, &sample)
}

/// Writes the template of `kind` to `target`.
pub fn write(db: &Database, kind: ImportKind, target: &Target) -> Result<()> {
    let text = db.read(|c| match kind {
        ImportKind::CustomerUsers => customer_users(c),
        ImportKind::CustomerUserAddresses => addresses(c),
    })?;
    let out = OutFile::create(db, target, &[], "path")?;
    out.file().write_all(text.as_bytes()).map_err(|e| {
        CoreError::field(
            "path",
            format!("Cannot write {}: {e}", target.path.display()),
        )
    })?;
    out.keep()
}

fn to_csv<H: AsRef<[u8]>>(headers: &[H], sample: &[&str]) -> Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(headers)
        .and_then(|_| writer.write_record(sample))
        .map_err(|e| CoreError::internal(e.to_string()))?;
    let bytes = writer
        .into_inner()
        .map_err(|e| CoreError::internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| CoreError::internal(e.to_string()))
}
