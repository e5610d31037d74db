//! The users' file columns: Oro's headers, from the field table, and where each sits in a file.

use std::collections::HashMap;

use crate::csv::import::ERRORS_HEADER;
use crate::csv::read::{header_error, quoted_header};
use crate::customer_user::extra::ExtraField;
use crate::customer_user::field::Field;
use crate::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Col {
    Id,
    NamePrefix,
    FirstName,
    MiddleName,
    LastName,
    NameSuffix,
    Birthday,
    Email,
    CustomerId,
    CustomerName,
    Guest,
    Enabled,
    Confirmed,
    OwnerUsername,
    WebsiteId,
    OwnerId,
}

/// Oro's columns (export, template and import) in Oro's order, each the field it carries
/// and which of the field's CSV headers; the roles' columns sit after `Customer Name`.
pub(super) const COLUMNS: [(Col, Field, usize); 16] = [
    (Col::Id, Field::Id, 0),
    (Col::NamePrefix, Field::NamePrefix, 0),
    (Col::FirstName, Field::FirstName, 0),
    (Col::MiddleName, Field::MiddleName, 0),
    (Col::LastName, Field::LastName, 0),
    (Col::NameSuffix, Field::NameSuffix, 0),
    (Col::Birthday, Field::Birthday, 0),
    (Col::Email, Field::Email, 0),
    (Col::CustomerId, Field::Customer, 0),
    (Col::CustomerName, Field::Customer, 1),
    (Col::Guest, Field::IsGuest, 0),
    (Col::Enabled, Field::Enabled, 0),
    (Col::Confirmed, Field::Confirmed, 0),
    (Col::OwnerUsername, Field::Owner, 1),
    (Col::WebsiteId, Field::Website, 0),
    (Col::OwnerId, Field::Owner, 0),
];

/// The columns before the roles' columns, and after them.
pub(super) const ROLES_AFTER: usize = Col::CustomerName as usize + 1;

/// The header row of a users' file with `roles` role columns, in Oro's order.
pub(crate) fn headers(roles: usize) -> Vec<String> {
    let mut headers = headers_through_roles(roles);
    headers.extend(
        COLUMNS[ROLES_AFTER..]
            .iter()
            .map(|&(col, _, _)| header(col).to_string()),
    );
    headers
}

/// The headers up to the last of `roles` role columns.
pub(crate) fn headers_through_roles(roles: usize) -> Vec<String> {
    COLUMNS[..ROLES_AFTER]
        .iter()
        .map(|&(col, _, _)| header(col).to_string())
        .chain((1..=roles).map(role_header))
        .collect()
}

/// `Roles 3 Role`.
pub(crate) fn role_header(n: usize) -> String {
    format!("Roles {n} Role")
}

/// `Roles 3 Role` → 3.
pub(super) fn role_column(header: &str) -> Option<u32> {
    let n = header.strip_prefix("Roles ")?.strip_suffix(" Role")?;
    n.parse().ok().filter(|n| *n > 0)
}

/// Where each known column sits in the file.
pub(super) struct Columns {
    pub(super) at: [Option<usize>; COLUMNS.len()],
    /// Role columns in their number's order: (position, header).
    pub(super) roles: Vec<(usize, String)>,
    /// The organization's own fields, each headed by its label (or its name).
    pub(super) extras: Vec<(usize, ExtraField)>,
}

impl Columns {
    /// Maps the header row, refusing unknown, duplicate and blank headers and a file that
    /// cannot match any row to a user, all named in one error.
    pub(super) fn map(headers: &[String], fields: &[ExtraField]) -> Result<Self> {
        let mut extras = Vec::new();
        let mut at = [None; COLUMNS.len()];
        let mut roles: Vec<(u32, usize, String)> = Vec::new();
        let mut problems = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut unknown = false;
        for (i, header) in headers.iter().enumerate() {
            let column = i + 1;
            if header.is_empty() {
                problems.push(format!("Column {column} has no header."));
                continue;
            }
            if let Some(first) = seen.insert(header.to_lowercase(), column) {
                problems.push(format!(
                    "Column {} appears twice (columns {first} and {column}).",
                    quoted_header(header)
                ));
                continue;
            }
            if header == ERRORS_HEADER {
                continue;
            }
            if let Some(k) = COLUMNS
                .iter()
                .position(|&(col, _, _)| self::header(col).eq_ignore_ascii_case(header))
            {
                at[k] = Some(i);
            } else if let Some(n) = role_column(header) {
                roles.push((n, i, header.clone()));
            } else if let Some(f) = fields
                .iter()
                .find(|f| f.label.eq_ignore_ascii_case(header) || f.name == *header)
            {
                extras.push((i, f.clone()));
            } else {
                unknown = true;
                problems.push(format!(
                    "Column {} (column {column}) is not a column of the customer user import.",
                    quoted_header(header)
                ));
            }
        }
        let has = |col: Col| at[col as usize].is_some();
        if !has(Col::Id) && !has(Col::Email) {
            problems.push(
                "The file has neither an \"ID\" nor an \"Email Address\" column, so no row can be matched to a user."
                    .to_string(),
            );
        }
        if !problems.is_empty() {
            let columns = format!(
                "{}, Roles 1 Role, Roles 2 Role, … (one per role)",
                COLUMNS.map(|(col, _, _)| self::header(col)).join(", ")
            );
            return Err(header_error(&problems, unknown, &columns));
        }
        roles.sort_by_key(|(n, _, _)| *n);
        Ok(Columns {
            at,
            roles: roles.into_iter().map(|(_, i, h)| (i, h)).collect(),
            extras,
        })
    }

    /// The trimmed cell, `None` when the column is absent or the cell empty.
    pub(super) fn get<'a>(&self, cells: &'a [String], col: Col) -> Option<&'a str> {
        self.at[col as usize]
            .and_then(|i| cells.get(i))
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
    }
}

pub(super) fn header(col: Col) -> &'static str {
    let (_, field, n) = COLUMNS[col as usize];
    field.csv(n)
}
