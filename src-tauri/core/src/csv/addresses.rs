//! Customer user addresses as CSV (Oro's `oro_customer_customer_user_address`: the address
//! is identified by "Address ID", its owner by the customer user's id or e-mail).
//!
//! Oro's reference names the identity columns; the others follow Oro's address labels.
//! An address row changes the owner's address list through the customer user write path,
//! so History shows it and every address rule (one default per type, country code,
//! required street, city, postal code, country) applies.

use std::sync::atomic::AtomicBool;

use rusqlite::{params_from_iter, OptionalExtension};
use serde_json::json;

use crate::csv::export::{self as csv_export, bytes, flag, write_error, Query, Selection, Summary};
use crate::csv::formula::write_cell;
use crate::csv::import::{
    self as csv_import, parse_flag, CellError, RowImporter, RowOutcome, ERRORS_HEADER,
};
use crate::csv::read::{header_error, quoted_header};
use crate::customer_user::address::AddressInput;
use crate::customer_user::patch::CustomerUserPatch;
use crate::customer_user::AddressType;
use crate::store::Tx;
use crate::{customer_user::write as customer_user_write, CoreError, Database, Result};

/// The columns, in export order.
pub const HEADERS: &[&str] = &[
    "Address ID",
    "Customer User Id",
    "Customer User Email Address",
    "Label",
    "Organization",
    "Name Prefix",
    "First Name",
    "Middle Name",
    "Last Name",
    "Name Suffix",
    "Street",
    "Street 2",
    "City",
    "Zip/Postal Code",
    "Country",
    "Region",
    "Phone",
    "Primary",
    "Billing",
    "Default Billing",
    "Shipping",
    "Default Shipping",
];

const ADDRESS_ID: usize = 0;
const USER_ID: usize = 1;
const USER_EMAIL: usize = 2;
const PRIMARY: usize = 17;
const BILLING: usize = 18;
const DEFAULT_BILLING: usize = 19;
const SHIPPING: usize = 20;
const DEFAULT_SHIPPING: usize = 21;

/// The address fields of [`AddressInput`] by column, as `addresses.N.<field>` errors name them.
const FIELDS: &[(usize, &str)] = &[
    (3, "label"),
    (4, "organization"),
    (5, "namePrefix"),
    (6, "firstName"),
    (7, "middleName"),
    (8, "lastName"),
    (9, "nameSuffix"),
    (10, "street"),
    (11, "street2"),
    (12, "city"),
    (13, "postalCode"),
    (14, "country"),
    (15, "region"),
    (16, "phone"),
];

/// Writes the addresses of the users `query` selects, owner by owner, primary first.
pub fn export(
    db: &Database,
    query: &Query,
    out: impl std::io::Write,
    progress: impl FnMut(u64, u64),
    cancel: &AtomicBool,
) -> Result<Summary> {
    let selection = Selection::open(db, query)?;
    let condition = &selection.condition;
    let owners = format!("SELECT id FROM customer_user WHERE {condition}");
    let total = selection.count(&format!(
        "SELECT count(*) FROM customer_user_address WHERE customer_user_id IN ({owners})"
    ))?;
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(HEADERS).map_err(write_error)?;
    let mut stmt = selection.conn.prepare(&format!(
        "SELECT a.id, u.id, u.email, a.label, a.organization, a.name_prefix, a.first_name, a.middle_name,
            a.last_name, a.name_suffix, a.street, a.street2, a.city, a.postal_code, a.country, a.region,
            a.phone, a.position = (SELECT min(position) FROM customer_user_address p
                                    WHERE p.customer_user_id = a.customer_user_id),
            a.is_billing, a.default_billing, a.is_shipping, a.default_shipping
         FROM customer_user u JOIN customer_user_address a ON a.customer_user_id = u.id
         WHERE u.id IN ({owners}) ORDER BY u.seq, a.position, a.id"
    ))?;
    let rows = stmt.query(params_from_iter(&selection.params))?;
    let done = csv_export::pump(rows, total, progress, cancel, |row| {
        for i in 0..PRIMARY {
            write_cell(&mut writer, bytes(row, i)?).map_err(write_error)?;
        }
        for i in PRIMARY..HEADERS.len() {
            writer.write_field(flag(row, i)?).map_err(write_error)?;
        }
        writer.write_record(None::<&[u8]>).map_err(write_error)
    })?;
    writer.flush().map_err(|e| write_error(e.into()))?;
    Ok(Summary {
        exported: done,
        message: format!(
            "{done} customer user {} exported.",
            if done == 1 {
                "address was"
            } else {
                "addresses were"
            }
        ),
    })
}

pub(crate) struct Importer {
    /// Each known column's position in the file.
    at: Vec<Option<usize>>,
}

impl Importer {
    pub(crate) fn new(headers: &[String]) -> Result<Self> {
        let mut at = vec![None; HEADERS.len()];
        let mut problems = Vec::new();
        let mut unknown = false;
        for (i, header) in headers.iter().enumerate() {
            let column = i + 1;
            if header.is_empty() {
                problems.push(format!("Column {column} has no header."));
            } else if header == ERRORS_HEADER {
                continue;
            } else if let Some(k) = HEADERS.iter().position(|h| h.eq_ignore_ascii_case(header)) {
                match at[k] {
                    Some(first) => problems.push(format!(
                        "Column {} appears twice (columns {} and {column}).",
                        quoted_header(header),
                        first + 1
                    )),
                    None => at[k] = Some(i),
                }
            } else {
                unknown = true;
                problems.push(format!(
                    "Column {} (column {column}) is not a column of the address import.",
                    quoted_header(header)
                ));
            }
        }
        if at[ADDRESS_ID].is_none() && at[USER_ID].is_none() && at[USER_EMAIL].is_none() {
            problems.push(
                "The file has no \"Address ID\", \"Customer User Id\" or \"Customer User Email Address\" \
                 column, so no row can be matched to an address or its owner."
                    .to_string(),
            );
        }
        if problems.is_empty() {
            Ok(Importer { at })
        } else {
            Err(header_error(&problems, unknown, &HEADERS.join(", ")))
        }
    }

    fn cell<'a>(&self, cells: &'a [String], k: usize) -> Option<&'a str> {
        self.at[k]
            .and_then(|i| cells.get(i))
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
    }

    /// The owner named by the row's user columns.
    fn owner(&self, tx: &Tx<'_>, cells: &[String]) -> Result<Option<String>> {
        if let Some(id) = self.cell(cells, USER_ID) {
            let found: Option<String> = tx
                .prepare_cached("SELECT id FROM customer_user WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?;
            if found.is_some() {
                return Ok(found);
            }
        }
        match self.cell(cells, USER_EMAIL) {
            Some(email) => Ok(tx
                .prepare_cached(
                    "SELECT id FROM customer_user WHERE email_lowercase = ?1 AND is_guest = 0
                     ORDER BY seq LIMIT 1",
                )?
                .query_row([email.to_lowercase()], |r| r.get(0))
                .optional()?),
            None => Ok(None),
        }
    }
}

fn set_type(list: &mut Vec<AddressType>, t: AddressType, on: bool) {
    list.retain(|x| *x != t);
    if on {
        list.push(t);
        list.sort();
    }
}

impl RowImporter for Importer {
    fn import_row(
        &mut self,
        tx: &mut Tx<'_>,
        _row: usize,
        cells: &[String],
    ) -> Result<std::result::Result<RowOutcome, Vec<CellError>>> {
        let mut errors = Vec::new();
        let mut flags = [None; HEADERS.len()];
        for k in PRIMARY..HEADERS.len() {
            if let Some(v) = self.cell(cells, k) {
                flags[k] = parse_flag(v);
                if flags[k].is_none() {
                    errors.push(CellError::new(HEADERS[k], csv_import::NOT_A_FLAG));
                }
            }
        }
        // The address the row names, and whose it is.
        let address_id = self.cell(cells, ADDRESS_ID);
        let existing: Option<String> = match address_id {
            Some(id) => tx
                .prepare_cached("SELECT customer_user_id FROM customer_user_address WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?,
            None => None,
        };
        let named_owner = self.owner(tx, cells)?;
        let owner = match (&existing, &named_owner) {
            (Some(current), Some(named)) if current != named => {
                errors.push(CellError::new(
                    HEADERS[USER_ID],
                    "The address belongs to another customer user; an address cannot move.",
                ));
                None
            }
            (Some(current), _) => Some(current.clone()),
            (None, Some(named)) => Some(named.clone()),
            (None, None) => {
                let (column, message) =
                    match (self.cell(cells, USER_ID), self.cell(cells, USER_EMAIL)) {
                        (_, Some(email)) => (
                            USER_EMAIL,
                            format!("Customer user \"{email}\" does not exist."),
                        ),
                        (Some(id), None) => {
                            (USER_ID, format!("Customer user \"{id}\" does not exist."))
                        }
                        (None, None) => (USER_EMAIL, crate::rules::NOT_BLANK.to_string()),
                    };
                errors.push(CellError::new(HEADERS[column], message));
                None
            }
        };
        let owner = match owner {
            Some(owner) if errors.is_empty() => owner,
            _ => return Ok(Err(errors)),
        };

        let before = crate::customer_user::address::list(tx, &owner)?;
        let mut list: Vec<AddressInput> = before.iter().cloned().map(AddressInput::from).collect();
        let index = match existing
            .as_ref()
            .and_then(|_| list.iter().position(|a| a.id.as_deref() == address_id))
        {
            Some(i) => i,
            None => {
                list.push(AddressInput {
                    id: address_id
                        .filter(|id| uuid::Uuid::parse_str(id).is_ok())
                        .map(str::to_string),
                    ..Default::default()
                });
                list.len() - 1
            }
        };
        let is_new = existing.is_none();
        {
            let a = &mut list[index];
            let mut value = serde_json::to_value(&*a)?;
            for (k, field) in FIELDS {
                if let Some(v) = self.cell(cells, *k) {
                    value[*field] = json!(v);
                }
            }
            *a = serde_json::from_value(value)?;
            for (k, t, default) in [
                (BILLING, AddressType::Billing, false),
                (SHIPPING, AddressType::Shipping, false),
                (DEFAULT_BILLING, AddressType::Billing, true),
                (DEFAULT_SHIPPING, AddressType::Shipping, true),
            ] {
                if let Some(on) = flags[k] {
                    set_type(
                        if default {
                            &mut a.defaults
                        } else {
                            &mut a.types
                        },
                        t,
                        on,
                    );
                }
            }
        }
        // A default moves here from the owner's other addresses, as in the form.
        let defaults = list[index].defaults.clone();
        for (i, other) in list.iter_mut().enumerate() {
            if i != index {
                other.defaults.retain(|t| !defaults.contains(t));
            }
        }
        if flags[PRIMARY] == Some(true) && index > 0 {
            let primary = list.remove(index);
            list.insert(0, primary);
        }
        let position = if flags[PRIMARY] == Some(true) {
            0
        } else {
            index
        };
        let patch = CustomerUserPatch {
            addresses: Some(list),
            ..CustomerUserPatch::default()
        };
        match customer_user_write::update_in(tx, &owner, patch) {
            Ok(after) => Ok(Ok(if is_new {
                RowOutcome::Added
            } else if after.addresses == before {
                RowOutcome::Unchanged
            } else {
                RowOutcome::Updated
            })),
            Err(err) if !err.fields.is_empty() => Ok(Err(cell_errors(&err, position))),
            Err(err) => Err(err),
        }
    }
}

/// The write path's field errors as the row's cells: `addresses.2.city` → "City".
fn cell_errors(err: &CoreError, index: usize) -> Vec<CellError> {
    let prefix = format!("addresses.{index}.");
    err.fields
        .iter()
        .map(|f| match f.field.strip_prefix(&prefix) {
            Some(field) => {
                let column = FIELDS
                    .iter()
                    .find(|(_, name)| *name == field)
                    .map(|(k, _)| HEADERS[*k])
                    .unwrap_or(match field {
                        "defaults" => "Default Billing",
                        _ => "Address ID",
                    });
                CellError::new(column, f.message.clone())
            }
            None => CellError::row(format!("The customer user cannot be saved: {}", f.message)),
        })
        .collect()
}
