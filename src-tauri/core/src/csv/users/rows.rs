//! One row of a users' file: its cells read and resolved, the user it matches, the user it
//! leaves, Oro's rules on that user (the customer user's own rule functions), and the write.

use std::rc::Rc;

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};

use super::columns::{header, role_column, Col, Columns};
use super::state::*;
use super::Importer;
use crate::csv::import::{self as csv_import, parse_flag, CellError, RowOutcome};
use crate::customer_user::field::Field;
use crate::customer_user::rules::{self as user_rules, EmailHolder};
use crate::reference::{Ref, RoleRef};
use crate::rules::{self, NOT_BLANK};
use crate::store::{new_id, Tx};
use crate::{CoreError, Result};

/// Oro's m/d/Y (`04/19/1987`) or ISO (`1987-04-19`), as ISO.
pub(super) fn parse_birthday(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value, "%m/%d/%Y")
        .or_else(|_| NaiveDate::parse_from_str(value, "%Y-%m-%d"))
        .ok()
}

/// A row's cells read and resolved; what could not be is among the row's errors.
pub(super) struct RowCells<'a> {
    guest: Option<bool>,
    enabled: Option<bool>,
    confirmed: Option<bool>,
    birthday: Option<String>,
    customer: Option<Rc<CustomerInfo>>,
    website: Option<Rc<WebsiteInfo>>,
    owner: Option<Rc<Ref>>,
    /// The roles the role cells name, each with the header of its cell.
    roles: Vec<(Rc<RoleRef>, &'a str)>,
    /// Filled role cells (one naming no role still counts).
    role_cells: usize,
    /// The filled cells of the organization's own fields: (name, value).
    extra: Vec<(String, serde_json::Value)>,
}

impl Importer {
    /// Reads the row's cells and resolves what they name; what cannot be read or found is
    /// added to `errors`.
    pub(super) fn read_cells<'a>(
        &mut self,
        tx: &Tx<'_>,
        cols: &'a Columns,
        cells: &[String],
        errors: &mut Vec<CellError>,
    ) -> Result<RowCells<'a>> {
        let cell = |col: Col| cols.get(cells, col);
        let flag = |col: Col, errors: &mut Vec<CellError>| {
            cell(col).and_then(|v| {
                let parsed = parse_flag(v);
                if parsed.is_none() {
                    errors.push(CellError::new(header(col), csv_import::NOT_A_FLAG));
                }
                parsed
            })
        };
        let guest = flag(Col::Guest, errors);
        let enabled = flag(Col::Enabled, errors);
        let confirmed = flag(Col::Confirmed, errors);
        let birthday = match cell(Col::Birthday) {
            None => None,
            Some(b) => {
                let iso = parse_birthday(b).map(|d| d.format("%Y-%m-%d").to_string());
                match iso.as_deref().map(|d| rules::check_birthday(d, self.today)) {
                    None => {
                        errors.push(CellError::new(header(Col::Birthday), rules::INVALID_DATE));
                        None
                    }
                    Some(Err(message)) => {
                        errors.push(CellError::new(header(Col::Birthday), message));
                        None
                    }
                    Some(Ok(_)) => iso,
                }
            }
        };

        // The customer the row names, if it names one.
        let customer = match (cell(Col::CustomerId), cell(Col::CustomerName)) {
            (None, None) => None,
            (id, name) => {
                let by_id = match id {
                    Some(id) => self.customer(tx, id)?,
                    None => Found::Missing,
                };
                let found = match (by_id, name) {
                    (Found::One(c), _) => Found::One(c),
                    (_, Some(name)) => self.customer_named(tx, name)?,
                    (other, None) => other,
                };
                match found {
                    Found::One(c) => Some(c),
                    Found::Many => {
                        errors.push(CellError::new(
                            header(Col::CustomerName),
                            format!(
                                "More than one customer is named \"{}\"; give the Customer Id.",
                                name.unwrap_or_default()
                            ),
                        ));
                        None
                    }
                    Found::Missing => {
                        let (col, key) = match (id, name) {
                            (Some(id), None) => (Col::CustomerId, id),
                            (_, Some(name)) => (Col::CustomerName, name),
                            (None, None) => unreachable!("matched above"),
                        };
                        errors.push(CellError::new(
                            header(col),
                            format!("Customer \"{key}\" does not exist."),
                        ));
                        None
                    }
                }
            }
        };
        let website = match cell(Col::WebsiteId) {
            None => None,
            Some(key) => match self.website(tx, key)? {
                Found::One(w) => Some(w),
                _ => {
                    errors.push(CellError::new(
                        header(Col::WebsiteId),
                        format!("Website \"{key}\" does not exist."),
                    ));
                    None
                }
            },
        };
        let owner_cell = match (cell(Col::OwnerId), cell(Col::OwnerUsername)) {
            (Some(id), _) => Some((Col::OwnerId, id)),
            (None, Some(name)) => Some((Col::OwnerUsername, name)),
            (None, None) => None,
        };
        let owner = match owner_cell {
            None => None,
            Some((col, key)) => match self.user(tx, key)? {
                Found::One(u) => Some(u),
                _ => {
                    errors.push(CellError::new(
                        header(col),
                        format!("User \"{key}\" does not exist."),
                    ));
                    None
                }
            },
        };
        let mut roles: Vec<(Rc<RoleRef>, &'a str)> = Vec::new();
        let mut role_cells = 0;
        for (i, role_header) in &cols.roles {
            let Some(key) = cells.get(*i).map(|c| c.trim()).filter(|c| !c.is_empty()) else {
                continue;
            };
            role_cells += 1;
            match self.role(tx, key)? {
                Found::One(r) => {
                    if !roles.iter().any(|(have, _)| have.id == r.id) {
                        roles.push((r, role_header.as_str()));
                    }
                }
                _ => errors.push(CellError::new(
                    role_header.as_str(),
                    format!("Role \"{key}\" does not exist."),
                )),
            }
        }

        let mut extra = Vec::new();
        for (i, f) in &cols.extras {
            let Some(value) = cells.get(*i).map(|c| c.trim()).filter(|c| !c.is_empty()) else {
                continue;
            };
            match crate::customer_user::extra::value_of(f, &serde_json::json!(value)) {
                Ok(Some(v)) => extra.push((f.name.clone(), v)),
                Ok(None) => {}
                Err(message) => errors.push(CellError::new(f.label.as_str(), message)),
            }
        }

        Ok(RowCells {
            extra,
            guest,
            enabled,
            confirmed,
            birthday,
            customer,
            website,
            owner,
            roles,
            role_cells,
        })
    }

    /// The user the row is about: by ID, then (unless a guest) by e-mail; and whether the ID
    /// found them.
    pub(super) fn find_target(
        &mut self,
        tx: &Tx<'_>,
        cols: &Columns,
        cells: &[String],
        read: &RowCells<'_>,
    ) -> Result<(Target, bool)> {
        let cell = |col: Col| cols.get(cells, col);
        let organization = self.organization_of(read.customer.as_ref());
        let email = cell(Col::Email);
        let mut target = Target::New;
        let mut matched_by_id = false;
        if let Some(id) = cell(Col::Id) {
            if let Some(existing) = self.existing(tx, By::Id(id))? {
                target = Target::Update(existing);
                matched_by_id = true;
            } else if let Some(seq) = self
                .pending
                .as_ref()
                .and_then(|p| uuid_key(id).and_then(|k| p.ids.get(&k)))
            {
                target = Target::Pending(*seq);
                matched_by_id = true;
            }
        }
        if let (Target::New, Some(email), false) = (&target, email, read.guest == Some(true)) {
            let key = email_key(&organization, email);
            let pending = self.pending.as_ref().and_then(|p| p.holder(key));
            match pending {
                Some(Some(seq)) if seq >= self.first_new_seq => {
                    target = Target::ReplacePending(seq)
                }
                Some(Some(seq)) => target = Target::Pending(seq),
                // An earlier row took this e-mail from its user.
                Some(None) => {}
                None => {
                    if let Some(existing) = self.existing(tx, By::Email(&organization, email))? {
                        target = if existing.seq >= self.first_new_seq {
                            Target::Replace(existing)
                        } else {
                            Target::Update(existing)
                        };
                    }
                }
            }
        }
        Ok((target, matched_by_id))
    }

    /// Refuses a row that matches a user an earlier row of the file already matched or added.
    pub(super) fn matched_again(&self, target: &Target, by_id: bool) -> Option<CellError> {
        let seq = match target {
            Target::Update(existing) => existing.seq,
            Target::Pending(seq) => *seq,
            _ => return None,
        };
        let earlier = self.touched.by(seq, self.first_new_seq)?;
        Some(if by_id {
            CellError::new(
                header(Col::Id),
                format!("This user is already imported from row #{earlier} of this file."),
            )
        } else {
            CellError::row(format!(
                "{} (by row #{earlier} of this file)",
                rules::EMAIL_USED
            ))
        })
    }

    /// The user as the row leaves them: the matched user with the row's filled cells, or a
    /// new user from the cells and Oro's defaults.
    pub(super) fn merged_state(
        &mut self,
        tx: &Tx<'_>,
        cols: &Columns,
        cells: &[String],
        target: &Target,
        read: &RowCells<'_>,
        errors: &mut Vec<CellError>,
    ) -> Result<UserState> {
        let cell = |col: Col| cols.get(cells, col);
        let email = cell(Col::Email);
        let base = match target {
            Target::Update(existing) => Some(existing.state.clone()),
            _ => None,
        };
        let text = |col: Col| cell(col).map(str::to_string);
        let mut state = match base {
            Some(mut s) => {
                let keep = |value: Option<String>, old: &mut Option<String>| {
                    if value.is_some() {
                        *old = value;
                    }
                };
                keep(text(Col::NamePrefix), &mut s.name_prefix);
                keep(text(Col::MiddleName), &mut s.middle_name);
                keep(text(Col::NameSuffix), &mut s.name_suffix);
                keep(read.birthday.clone(), &mut s.birthday);
                if let Some(v) = text(Col::FirstName) {
                    s.first_name = v;
                }
                if let Some(v) = text(Col::LastName) {
                    s.last_name = v;
                }
                if let Some(v) = email {
                    s.email = v.to_string();
                }
                s.enabled = read.enabled.unwrap_or(s.enabled);
                s.confirmed = read.confirmed.unwrap_or(s.confirmed);
                s.is_guest = read.guest.unwrap_or(s.is_guest);
                s.customer = read.customer.clone().or(s.customer);
                s.website = read.website.clone().or(s.website);
                s.owner = read.owner.clone().or(s.owner);
                if read.role_cells > 0 {
                    s.roles = read.roles.iter().map(|(r, _)| r.clone()).collect();
                }
                if !read.extra.is_empty() {
                    let values = s.extra.get_or_insert_with(Default::default);
                    values.extend(read.extra.iter().cloned());
                }
                s
            }
            None => {
                let website = read
                    .website
                    .clone()
                    .or_else(|| self.default_website.clone());
                if website.is_none()
                    && !errors
                        .iter()
                        .any(|e| e.column.as_deref() == Some(header(Col::WebsiteId)))
                {
                    errors.push(CellError::new(
                        header(Col::WebsiteId),
                        "There is no default website: give the user's website.",
                    ));
                }
                let mut role_list: Vec<Rc<RoleRef>> =
                    read.roles.iter().map(|(r, _)| r.clone()).collect();
                if read.role_cells == 0 {
                    match website.as_ref().and_then(|w| w.default_role.clone()) {
                        Some(default) => {
                            if let Found::One(r) = self.role(tx, &default)? {
                                role_list.push(r);
                            }
                        }
                        None if website.is_some() => errors.push(CellError::new(
                            "Roles 1 Role",
                            "The website has no default role: give the user a role.",
                        )),
                        None => {}
                    }
                }
                UserState {
                    name_prefix: text(Col::NamePrefix),
                    first_name: text(Col::FirstName).unwrap_or_default(),
                    middle_name: text(Col::MiddleName),
                    last_name: text(Col::LastName).unwrap_or_default(),
                    name_suffix: text(Col::NameSuffix),
                    email: email.unwrap_or_default().to_string(),
                    birthday: read.birthday.clone(),
                    enabled: read.enabled.unwrap_or(true),
                    confirmed: read.confirmed.unwrap_or(true),
                    is_guest: read.guest.unwrap_or(false),
                    customer: read.customer.clone(),
                    website,
                    owner: read.owner.clone().or_else(|| self.actor.clone()),
                    roles: role_list,
                    extra: Some(read.extra.iter().cloned().collect()),
                }
            }
        };
        state.roles.sort_by(|a, b| a.role.cmp(&b.role));
        Ok(state)
    }

    /// Oro's rules on the user the row would leave, and e-mail uniqueness (`email_given`:
    /// the row has an e-mail cell).
    pub(super) fn check_rules(
        &self,
        tx: &Tx<'_>,
        email_given: bool,
        target: &Target,
        read: &RowCells<'_>,
        state: &UserState,
        errors: &mut Vec<CellError>,
    ) -> Result<()> {
        let failed_cell = |errors: &Vec<CellError>, col: Col| {
            errors
                .iter()
                .any(|e| e.column.as_deref() == Some(header(col)))
        };
        let named = |field: Field| field.csv(0);
        user_rules::name_problems(
            user_rules::name_parts(
                state.name_prefix.as_deref(),
                &state.first_name,
                state.middle_name.as_deref(),
                &state.last_name,
                state.name_suffix.as_deref(),
            ),
            |field, message| errors.push(CellError::new(named(field), message)),
        );
        let is_new = !matches!(target, Target::Update(_));
        if is_new || email_given {
            let stored = match target {
                Target::Update(existing) => Some(existing.state.email.as_str()),
                _ => None,
            };
            if let Some(message) = rules::check_email(&state.email).or_else(|| {
                user_rules::lookalike_refusal(&state.email, stored, self.refuse_lookalikes)
            }) {
                errors.push(CellError::new(header(Col::Email), message));
            }
        }
        match &state.customer {
            None if !failed_cell(errors, Col::CustomerId)
                && !failed_cell(errors, Col::CustomerName) =>
            {
                errors.push(CellError::new(header(Col::CustomerName), NOT_BLANK))
            }
            Some(c) => {
                if let Some(message) = state
                    .website
                    .as_ref()
                    .and_then(|w| user_rules::website_problem(&w.organization, &c.organization))
                {
                    errors.push(CellError::new(header(Col::WebsiteId), message));
                }
                for role in &state.roles {
                    if let Some(message) = user_rules::role_problem(role, Some(&c.id)) {
                        let column = read
                            .roles
                            .iter()
                            .find(|(r, _)| r.id == role.id)
                            .map_or("Roles 1 Role", |(_, h)| h);
                        errors.push(CellError::new(column, message));
                    }
                }
            }
            None => {}
        }
        let role_failed = errors.iter().any(|e| {
            e.column
                .as_deref()
                .is_some_and(|c| role_column(c).is_some())
        });
        let holder = match target {
            Target::Update(e) | Target::Replace(e) if !e.state.roles.is_empty() => Some(
                format!("{} {}", e.state.first_name, e.state.last_name)
                    .trim()
                    .to_string(),
            ),
            _ => None,
        };
        if let Some(message) =
            user_rules::roles_problem(state.enabled, !state.roles.is_empty(), holder.as_deref())
        {
            if !role_failed {
                errors.push(CellError::new("Roles 1 Role", message));
            }
        }
        let own_seq = match target {
            Target::Update(e) | Target::Replace(e) => Some(e.seq),
            Target::ReplacePending(seq) | Target::Pending(seq) => Some(*seq),
            Target::New => None,
        };
        if !state.is_guest && !failed_cell(errors, Col::Email) {
            // New rows were looked up by this e-mail already; an update may take another's.
            let changed_identity = match target {
                Target::Update(e) => {
                    e.state.email.to_lowercase() != state.email.to_lowercase()
                        || e.state.is_guest
                        || e.state.customer.as_ref().map(|c| &c.organization)
                            != state.customer.as_ref().map(|c| &c.organization)
                }
                _ => false,
            };
            if changed_identity {
                let org = self.organization_of(state.customer.as_ref());
                let key = email_key(&org, &state.email);
                let pending = self.pending.as_ref().and_then(|p| p.holder(key));
                let other: Option<i64> = match pending {
                    Some(holder) => holder,
                    None => tx
                        .prepare_cached(
                            "SELECT seq FROM customer_user
                             WHERE organization_id = ?1 AND email_lowercase = ?2 AND is_guest = 0",
                        )?
                        .query_row(params![org, state.email.to_lowercase()], |r| r.get(0))
                        .optional()?,
                };
                let holder = match other.filter(|&seq| Some(seq) != own_seq) {
                    None => EmailHolder::Nobody,
                    Some(seq) if self.touched.by(seq, self.first_new_seq).is_some() => {
                        EmailHolder::EarlierRow
                    }
                    Some(_) => EmailHolder::Stored,
                };
                if let Some((message, names_field)) = user_rules::email_taken(holder) {
                    errors.push(if names_field {
                        CellError::new(header(Col::Email), message)
                    } else {
                        CellError::row(message)
                    });
                }
            }
        }
        Ok(())
    }

    /// Writes the checked row; a check only remembers what it would write.
    pub(super) fn write(
        &mut self,
        tx: &mut Tx<'_>,
        target: Target,
        row: usize,
        id: Option<&str>,
        state: &UserState,
    ) -> Result<RowOutcome> {
        if self.pending.is_some() {
            return Ok(self.remember(target, row, id, state));
        }
        let outcome = match target {
            Target::New => {
                let id = id
                    .filter(|id| uuid::Uuid::parse_str(id).is_ok())
                    .map_or_else(new_id, str::to_string);
                let seq = self.insert(tx, &id, state)?;
                self.touched.mark(seq, self.first_new_seq, row);
                self.added_one(tx)?;
                RowOutcome::Added
            }
            Target::Update(existing) => {
                self.touched.mark(existing.seq, self.first_new_seq, row);
                if self.update(tx, &existing, state)? {
                    RowOutcome::Updated
                } else {
                    RowOutcome::Unchanged
                }
            }
            Target::Replace(existing) => {
                self.touched.mark(existing.seq, self.first_new_seq, row);
                self.update(tx, &existing, state)?;
                RowOutcome::Replaced
            }
            Target::ReplacePending(_) | Target::Pending(_) => {
                return Err(CoreError::internal("a check's target in an import"))
            }
        };
        Ok(outcome)
    }
}
