//! Import of Oro's customer user CSV (`oro_customer_customer_user`, reference §4): our own
//! exports and Oro's files, matched and checked as Oro's add-or-replace strategy does.
//!
//! - A row matches a user by `ID`, then (unless it is a guest) by `Email Address`, always
//!   case-insensitively: our e-mails are unique case-insensitively, Oro's stricter option.
//! - For a matched user, empty cells leave values as they are; any role cell replaces the
//!   user's roles with the row's.
//! - A new user without a website registers with the default website, without roles gets
//!   that website's default role, without an owner is owned by the importing admin, and has
//!   no usable password: they set one through a link.
//! - Two new rows with one e-mail: the second replaces the first. A user matched by an
//!   earlier row cannot be matched again: the row is refused, naming the earlier row.
//!
//! Rows are checked and written with cached statements and cached look-ups, the change log
//! written from the row's own values: no per-row re-read of the user.

mod columns;
mod rows;
mod state;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::rc::Rc;

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use serde_json::json;

pub(crate) use self::columns::{headers, headers_through_roles};
use self::columns::{Col, Columns};
use self::state::*;
use crate::csv::import::{CellError, RowImporter, RowOutcome};
use crate::customer_user::field::Field;
use crate::customer_user::write as writer;
use crate::reference::{self, Ref, RoleRef};
use crate::store::Tx;
use crate::{CoreError, Result};

/// From how many added users (and at least as many as the store had) an import drops the
/// sort indexes and builds them again at the end.
const BULK_ROWS: u64 = 50_000;

pub(crate) struct Importer {
    cols: Rc<Columns>,
    today: NaiveDate,
    organization: String,
    /// The importing admin as a back-office user: the owner of new users.
    actor: Option<Rc<Ref>>,
    default_website: Option<Rc<WebsiteInfo>>,
    /// Users with a larger `seq` were added by this import.
    first_new_seq: i64,
    /// Users this import matched or added, and the row that did.
    touched: Touched,
    /// Set for a check, which writes nothing.
    pending: Option<Pending>,
    /// The settings refuse e-mail addresses that mix scripts.
    refuse_lookalikes: bool,
    /// How many added users switch the import to bulk writing.
    bulk_from: u64,
    added: u64,
    /// The search index triggers (and for a bulk import the sort indexes), set aside while
    /// rows are written and created again at the end; `None` for a check.
    set_aside: Option<writer::row::BulkIndexes>,
    /// Users from before the import whose searchable fields changed: to index again.
    reindex: Vec<i64>,
    customers: HashMap<String, Found<CustomerInfo>>,
    customer_names: HashMap<String, Found<CustomerInfo>>,
    websites: HashMap<String, Found<WebsiteInfo>>,
    users: HashMap<String, Found<Ref>>,
    roles: HashMap<String, Found<RoleRef>>,
    sales_reps: Option<HashMap<String, Rc<Vec<Ref>>>>,
}

impl Importer {
    pub(crate) fn new(tx: &mut Tx<'_>, headers: &[String], check_only: bool) -> Result<Self> {
        Self::with_bulk_from(tx, headers, check_only, BULK_ROWS)
    }

    /// Counts an added user. Once the import has added as many users as the store had (and
    /// at least [`BULK_ROWS`]), it drops the grid's sort indexes and builds them again at
    /// the end: sorting once is several times faster than a million random index inserts.
    fn added_one(&mut self, tx: &Tx<'_>) -> Result<()> {
        self.added += 1;
        if self.added >= self.bulk_from {
            if let Some(indexes) = self.set_aside.as_mut() {
                indexes.sort_indexes(tx)?;
            }
        }
        Ok(())
    }

    fn with_bulk_from(
        tx: &mut Tx<'_>,
        headers: &[String],
        check_only: bool,
        bulk_rows: u64,
    ) -> Result<Self> {
        let fields = crate::customer_user::extra::list(tx)?;
        let cols = Rc::new(Columns::map(headers, &fields)?);
        let actor_name = tx.actor().to_string();
        let organization = reference::default_organization(tx, &actor_name)?;
        let mut importer = Importer {
            cols,
            today: tx.now_utc().date_naive(),
            organization,
            refuse_lookalikes: crate::customer_user::rules::refuses_lookalikes(tx)?,
            actor: None,
            default_website: None,
            first_new_seq: tx.query_row(
                "SELECT coalesce(max(seq), 0) + 1 FROM customer_user",
                [],
                |r| r.get(0),
            )?,
            touched: Touched::default(),
            pending: None,
            bulk_from: u64::MAX,
            added: 0,
            set_aside: None,
            reindex: Vec::new(),
            customers: HashMap::new(),
            customer_names: HashMap::new(),
            websites: HashMap::new(),
            users: HashMap::new(),
            roles: HashMap::new(),
            sales_reps: None,
        };
        if check_only {
            importer.pending = Some(Pending {
                next_seq: importer.first_new_seq,
                ..Pending::default()
            });
        } else {
            importer.set_aside = Some(writer::row::BulkIndexes::triggers(tx)?);
            let users: i64 =
                tx.query_row("SELECT count(*) FROM customer_user", [], |r| r.get(0))?;
            importer.bulk_from = bulk_rows.max(users.unsigned_abs());
        }
        if let Found::One(actor) = importer.user(tx, &actor_name)? {
            importer.actor = Some(actor);
        }
        let default_website: Option<String> = tx
            .query_row("SELECT id FROM website WHERE is_default = 1", [], |r| {
                r.get(0)
            })
            .optional()?;
        if let Some(id) = default_website {
            if let Found::One(w) = importer.website(tx, &id)? {
                importer.default_website = Some(w);
            }
        }
        Ok(importer)
    }

    fn customer(&mut self, tx: &Tx<'_>, id: &str) -> Result<Found<CustomerInfo>> {
        cached(&mut self.customers, id, || {
            Ok(tx
                .prepare_cached("SELECT id, name, organization_id FROM customer WHERE id = ?1")?
                .query_row([id], |r| {
                    Ok(CustomerInfo {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        organization: r.get(2)?,
                    })
                })
                .optional()?)
        })
    }

    fn customer_named(&mut self, tx: &Tx<'_>, name: &str) -> Result<Found<CustomerInfo>> {
        if let Some(found) = self.customer_names.get(name) {
            return Ok(found.clone());
        }
        let ids: Vec<String> = tx
            .prepare_cached("SELECT id FROM customer WHERE name = ?1 LIMIT 2")?
            .query_map([name], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let found = match ids.as_slice() {
            [] => Found::Missing,
            [id] => self.customer(tx, id)?,
            _ => Found::Many,
        };
        self.customer_names.insert(name.to_string(), found.clone());
        Ok(found)
    }

    fn website(&mut self, tx: &Tx<'_>, key: &str) -> Result<Found<WebsiteInfo>> {
        cached(&mut self.websites, key, || {
            Ok(tx
                .prepare_cached(
                    "SELECT id, name, organization_id, default_role_id FROM website WHERE id = ?1 OR name = ?1",
                )?
                .query_row([key], |r| {
                    Ok(WebsiteInfo {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        organization: r.get(2)?,
                        default_role: r.get(3)?,
                    })
                })
                .optional()?)
        })
    }

    /// A back-office user by id or username.
    fn user(&mut self, tx: &Tx<'_>, key: &str) -> Result<Found<Ref>> {
        cached(&mut self.users, key, || {
            match reference::resolve_user(tx, key)? {
                Some(id) => reference::user_ref(tx, &id),
                None => Ok(None),
            }
        })
    }

    /// A role by id or code.
    fn role(&mut self, tx: &Tx<'_>, key: &str) -> Result<Found<RoleRef>> {
        cached(&mut self.roles, key, || reference::resolve_role(tx, key))
    }

    /// The customer's sales representatives, who become a new user's. All customers' are
    /// read at the first need: one query instead of one per customer.
    fn reps_of(&mut self, tx: &Tx<'_>, customer: &str) -> Result<Rc<Vec<Ref>>> {
        if self.sales_reps.is_none() {
            let mut all: HashMap<String, Vec<Ref>> = HashMap::new();
            for (customer, rep) in reference::sales_reps(tx, None)? {
                all.entry(customer).or_default().push(rep);
            }
            self.sales_reps = Some(all.into_iter().map(|(k, v)| (k, Rc::new(v))).collect());
        }
        Ok(self
            .sales_reps
            .as_ref()
            .and_then(|all| all.get(customer).cloned())
            .unwrap_or_default())
    }

    fn existing(&mut self, tx: &Tx<'_>, by: By<'_>) -> Result<Option<Existing>> {
        // Literal SQL (no string built per row) for the two look-ups of a stored user.
        macro_rules! select_user {
            ($condition:literal) => {
                concat!(
                    "SELECT seq, id, customer_id, website_id, owner_id, name_prefix, first_name,
                        middle_name, last_name, name_suffix, email, birthday, enabled, confirmed, is_guest,
                        field_hlc,
                        (SELECT group_concat(role_id, ',') FROM customer_user_role_link
                          WHERE customer_user_id = customer_user.id),
                        extra
                     FROM customer_user WHERE ",
                    $condition
                )
            };
        }
        type Row = (
            i64,
            String,
            String,
            Option<String>,
            Option<String>,
            UserState,
            String,
            Option<String>,
        );
        let read = |r: &rusqlite::Row<'_>| -> rusqlite::Result<Row> {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                UserState {
                    name_prefix: r.get(5)?,
                    first_name: r.get(6)?,
                    middle_name: r.get(7)?,
                    last_name: r.get(8)?,
                    name_suffix: r.get(9)?,
                    email: r.get(10)?,
                    birthday: r.get(11)?,
                    enabled: r.get(12)?,
                    confirmed: r.get(13)?,
                    is_guest: r.get(14)?,
                    customer: None,
                    website: None,
                    owner: None,
                    roles: Vec::new(),
                    extra: r
                        .get::<_, Option<String>>(17)?
                        .and_then(|text| serde_json::from_str(&text).ok()),
                },
                r.get(15)?,
                r.get(16)?,
            ))
        };
        let row = match by {
            By::Id(id) => tx
                .prepare_cached(select_user!("id = ?1"))?
                .query_row([id], read)
                .optional()?,
            By::Email(org, email) => tx
                .prepare_cached(select_user!(
                    "organization_id = ?1 AND email_lowercase = ?2 AND is_guest = 0"
                ))?
                .query_row(params![org, email.to_lowercase()], read)
                .optional()?,
        };
        let Some((seq, id, customer, website, owner, mut state, field_hlc, roles)) = row else {
            return Ok(None);
        };
        if let Found::One(c) = self.customer(tx, &customer)? {
            state.customer = Some(c);
        }
        if let Some(w) = website {
            if let Found::One(w) = self.website(tx, &w)? {
                state.website = Some(w);
            }
        }
        if let Some(o) = owner {
            if let Found::One(o) = self.user(tx, &o)? {
                state.owner = Some(o);
            }
        }
        for role in roles.iter().flat_map(|r| r.split(',')) {
            if let Found::One(r) = self.role(tx, role)? {
                state.roles.push(r);
            }
        }
        state.roles.sort_by(|a, b| a.role.cmp(&b.role));
        Ok(Some(Existing {
            seq,
            id,
            field_hlc,
            state,
        }))
    }
}

impl RowImporter for Importer {
    const CHECKS_IN_MEMORY: bool = true;

    fn import_row(
        &mut self,
        tx: &mut Tx<'_>,
        row: usize,
        cells: &[String],
    ) -> Result<std::result::Result<RowOutcome, Vec<CellError>>> {
        let cols = self.cols.clone();
        let mut errors = Vec::new();
        let read = self.read_cells(tx, &cols, cells, &mut errors)?;
        let (target, by_id) = self.find_target(tx, &cols, cells, &read)?;
        if let Some(refusal) = self.matched_again(&target, by_id) {
            // The row is refused for that; what else it would change is moot.
            errors.push(refusal);
            return Ok(Err(errors));
        }
        let state = self.merged_state(tx, &cols, cells, &target, &read, &mut errors)?;
        let email_given = cols.get(cells, Col::Email).is_some();
        self.check_rules(tx, email_given, &target, &read, &state, &mut errors)?;
        if !errors.is_empty() {
            return Ok(Err(errors));
        }
        let id = cols.get(cells, Col::Id);
        self.write(tx, target, row, id, &state).map(Ok)
    }

    fn finish(&mut self, tx: &mut Tx<'_>) -> Result<()> {
        writer::row::link_added(tx, self.first_new_seq)?;
        let reindex = std::mem::take(&mut self.reindex);
        match self.set_aside.take() {
            Some(indexes) => indexes.restore_with(tx, &reindex),
            None => Ok(()),
        }
    }
}

impl Importer {
    /// The organization of `customer`, or the admin's when the row names none.
    fn organization_of(&self, customer: Option<&Rc<CustomerInfo>>) -> String {
        customer
            .map_or(&self.organization, |c| &c.organization)
            .clone()
    }

    /// The key of the user's e-mail in their organization; guests have none.
    fn key_of(&self, s: &UserState) -> Option<u64> {
        (!s.is_guest).then(|| email_key(&self.organization_of(s.customer.as_ref()), &s.email))
    }

    /// A check's stand-in for writing a valid row: remembers what the row would change.
    fn remember(
        &mut self,
        target: Target,
        row: usize,
        id: Option<&str>,
        state: &UserState,
    ) -> RowOutcome {
        let first_new_seq = self.first_new_seq;
        let new_key = self.key_of(state);
        let old_key = match &target {
            Target::Update(existing) => self.key_of(&existing.state),
            _ => None,
        };
        let Some(p) = self.pending.as_mut() else {
            return RowOutcome::Unchanged;
        };
        let (seq, outcome) = match &target {
            Target::New => {
                let seq = p.next_seq;
                p.next_seq += 1;
                if let Some(k) = id.and_then(uuid_key) {
                    p.ids.insert(k, seq);
                }
                (seq, RowOutcome::Added)
            }
            Target::Update(existing) => {
                if old_key != new_key {
                    if let Some(old) = old_key {
                        p.emails.remove(&old);
                        p.freed.insert(old);
                    }
                }
                let changed = state
                    .changed_since(&existing.state)
                    .is_ok_and(|c| !c.is_empty());
                (
                    existing.seq,
                    if changed {
                        RowOutcome::Updated
                    } else {
                        RowOutcome::Unchanged
                    },
                )
            }
            Target::Replace(existing) => (existing.seq, RowOutcome::Replaced),
            Target::ReplacePending(seq) | Target::Pending(seq) => (*seq, RowOutcome::Replaced),
        };
        if let Some(k) = new_key {
            p.emails.insert(k, seq);
        }
        self.touched.mark(seq, first_new_seq, row);
        outcome
    }

    /// Writes a new user; returns their `seq`.
    fn insert(&mut self, tx: &mut Tx<'_>, id: &str, s: &UserState) -> Result<i64> {
        let row = s
            .row()
            .ok_or_else(|| CoreError::internal("customer missing after the check"))?;
        let added = writer::row::insert(tx, id, &row)?;
        // Sales representatives and website settings are added for every new user at the end.
        let reps = self.reps_of(tx, row.customer.id)?;
        let mut after = row.fields();
        after.insert("authStatus".into(), json!("active"));
        after.insert("hasPassword".into(), json!(false));
        after.insert("loginCount".into(), json!(0));
        after.insert("salesRepresentatives".into(), json!(&*reps));
        after.insert("addresses".into(), json!([]));
        writer::record_create(tx, id, &added.hlc, after)?;
        Ok(added.seq)
    }

    /// Writes what changed; `false` when nothing did.
    fn update(&mut self, tx: &mut Tx<'_>, existing: &Existing, s: &UserState) -> Result<bool> {
        let changed = s.changed_since(&existing.state)?;
        if changed.is_empty() {
            return Ok(false);
        }
        let searchable = [
            Field::FirstName,
            Field::LastName,
            Field::Email,
            Field::Customer,
        ];
        if existing.seq < self.first_new_seq && searchable.iter().any(|f| changed.contains(f)) {
            tx.prepare_cached(
                "INSERT INTO customer_user_search (customer_user_search, rowid, first_name, last_name, email,
                    customer_name)
                 SELECT 'delete', seq, first_name, last_name, email, customer_name FROM customer_user
                 WHERE seq = ?1",
            )?
            .execute([existing.seq])?;
            self.reindex.push(existing.seq);
        }
        let (Some(before), Some(after)) = (existing.state.row(), s.row()) else {
            return Err(CoreError::internal("customer missing after the check"));
        };
        writer::update_row(
            tx,
            (existing.seq, &existing.id, &existing.field_hlc),
            &before,
            &after,
            &changed,
        )?;
        Ok(true)
    }
}
