//! What the import knows of a user and of the rows before: the row's state, the stored user
//! it matches, and a check's memory of what earlier rows would write.

use std::collections::HashMap;
use std::rc::Rc;

use crate::customer_user::field::Field;
use crate::customer_user::write::row::{Named, Row};
pub(super) use crate::reference::{cached, Found};
use crate::reference::{Ref, RoleRef};
use crate::{CoreError, Result};
#[derive(Debug)]
pub(super) struct CustomerInfo {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) organization: String,
}

#[derive(Debug)]
pub(super) struct WebsiteInfo {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) organization: String,
    pub(super) default_role: Option<String>,
}

/// A customer user's importable fields.
#[derive(Debug, Clone)]
pub(super) struct UserState {
    pub(super) name_prefix: Option<String>,
    pub(super) first_name: String,
    pub(super) middle_name: Option<String>,
    pub(super) last_name: String,
    pub(super) name_suffix: Option<String>,
    pub(super) email: String,
    pub(super) birthday: Option<String>,
    pub(super) enabled: bool,
    pub(super) confirmed: bool,
    pub(super) is_guest: bool,
    pub(super) customer: Option<Rc<CustomerInfo>>,
    pub(super) website: Option<Rc<WebsiteInfo>>,
    pub(super) owner: Option<Rc<Ref>>,
    /// Sorted by role code.
    pub(super) roles: Vec<Rc<RoleRef>>,
    /// The organization's own fields, `None` when the user has no values.
    pub(super) extra: Option<serde_json::Map<String, serde_json::Value>>,
}

impl UserState {
    /// The row the writer stores; `None` until the row names a customer.
    pub(super) fn row(&self) -> Option<Row<'_>> {
        let customer = self.customer.as_deref()?;
        Some(Row {
            name_prefix: self.name_prefix.as_deref(),
            first_name: &self.first_name,
            middle_name: self.middle_name.as_deref(),
            last_name: &self.last_name,
            name_suffix: self.name_suffix.as_deref(),
            email: &self.email,
            birthday: self.birthday.as_deref(),
            enabled: self.enabled,
            confirmed: self.confirmed,
            is_guest: self.is_guest,
            organization: &customer.organization,
            customer: Named {
                id: &customer.id,
                name: &customer.name,
            },
            website: self.website.as_deref().map(|w| Named {
                id: &w.id,
                name: &w.name,
            }),
            owner: self.owner.as_deref().map(|o| Named {
                id: &o.id,
                name: &o.name,
            }),
            roles: self.roles.iter().map(|r| &**r).collect(),
            extra: self.extra.as_ref().filter(|m| !m.is_empty()),
        })
    }

    /// The row fields that differ from `before`'s.
    pub(super) fn changed_since(&self, before: &UserState) -> Result<Vec<Field>> {
        match (self.row(), before.row()) {
            (Some(after), Some(before)) => Ok(after.changed_since(&before)),
            _ => Err(CoreError::internal("customer missing after the check")),
        }
    }
}

/// A user already in the store.
pub(super) struct Existing {
    pub(super) seq: i64,
    pub(super) id: String,
    pub(super) field_hlc: String,
    pub(super) state: UserState,
}

pub(super) enum Target {
    New,
    Update(Existing),
    /// A user an earlier new row of this file added with the same e-mail.
    Replace(Existing),
    /// In a check: a user an earlier row would have added (and this row replaces)...
    ReplacePending(i64),
    /// ... or, matched by id or by an e-mail an earlier row gave them, a user an earlier
    /// row already changes.
    Pending(i64),
}

/// What a check, which writes nothing, remembers of the rows before: the e-mails and ids
/// they would add or change, so that later rows match as they will in the import.
#[derive(Default)]
pub(super) struct Pending {
    /// The `seq` the next added user would get.
    pub(super) next_seq: i64,
    /// Organization and e-mail (hashed) → the user holding it after the rows so far.
    pub(super) emails: HashMap<u64, i64>,
    /// E-mails an updated user gave up.
    pub(super) freed: std::collections::HashSet<u64>,
    /// UUIDs taken by added users.
    pub(super) ids: HashMap<u128, i64>,
}

impl Pending {
    /// Who holds the e-mail `key` after the rows so far: `Some(Some(seq))` the user an
    /// earlier row gave it to, `Some(None)` nobody (an earlier row took it from its user),
    /// `None` whoever the store says.
    pub(super) fn holder(&self, key: u64) -> Option<Option<i64>> {
        self.emails
            .get(&key)
            .copied()
            .map(Some)
            .or_else(|| self.freed.contains(&key).then_some(None))
    }
}

/// An organization's e-mail as a 64-bit key (a million keys collide with odds of 1 in 30
/// million, and a collision could only make a check differ from its import).
pub(super) fn email_key(organization: &str, email: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (organization, email.to_lowercase()).hash(&mut h);
    h.finish()
}

pub(super) fn uuid_key(id: &str) -> Option<u128> {
    uuid::Uuid::parse_str(id).ok().map(|u| u.as_u128())
}

/// The row that matched or added each user so far. Users this import added have
/// consecutive `seq`s, so they take four bytes each (a million-row file stays small).
#[derive(Default)]
pub(super) struct Touched {
    /// By `seq - first_new_seq`; 0 = not yet.
    pub(super) added: Vec<u32>,
    pub(super) earlier: HashMap<i64, usize>,
}

impl Touched {
    pub(super) fn mark(&mut self, seq: i64, first_new_seq: i64, row: usize) {
        match usize::try_from(seq - first_new_seq) {
            Ok(i) => {
                if i >= self.added.len() {
                    self.added.resize(i + 1, 0);
                }
                self.added[i] = u32::try_from(row).unwrap_or(u32::MAX);
            }
            Err(_) => {
                self.earlier.insert(seq, row);
            }
        }
    }

    pub(super) fn by(&self, seq: i64, first_new_seq: i64) -> Option<usize> {
        match usize::try_from(seq - first_new_seq) {
            Ok(i) => self
                .added
                .get(i)
                .filter(|row| **row > 0)
                .map(|row| *row as usize),
            Err(_) => self.earlier.get(&seq).copied(),
        }
    }
}

pub(super) enum By<'a> {
    Id(&'a str),
    /// Organization and e-mail.
    Email(&'a str, &'a str),
}
