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

use std::collections::HashMap;
use std::rc::Rc;

use chrono::NaiveDate;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, OptionalExtension};
use serde_json::{json, Map, Value};

use crate::csv_import::{self, parse_flag, CellError, RowImporter, RowOutcome, ERRORS_HEADER};
use crate::customer_user_write::{created, diff};
use crate::db::{new_id, Tx};
use crate::reference::{self, Ref, RoleRef};
use crate::rules::{self, NOT_BLANK};
use crate::{CoreError, Result};

const ENTITY: &str = "customer_user";

/// From how many added users (and at least as many as the store had) an import drops the
/// sort indexes and builds them again at the end.
const BULK_ROWS: u64 = 50_000;

/// Bytes of search terms FTS5 keeps in memory before writing a segment: its default, and
/// what a bulk import uses.
const DEFAULT_SEARCH_HASH: u32 = 1 << 20;
const BULK_SEARCH_HASH: u32 = 64 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
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

/// Oro's headers (export, template and import) and what each holds.
const HEADERS: &[(&str, Col)] = &[
    ("ID", Col::Id),
    ("Name Prefix", Col::NamePrefix),
    ("First Name", Col::FirstName),
    ("Middle Name", Col::MiddleName),
    ("Last Name", Col::LastName),
    ("Name Suffix", Col::NameSuffix),
    ("Birthday", Col::Birthday),
    ("Email Address", Col::Email),
    ("Customer Id", Col::CustomerId),
    ("Customer Name", Col::CustomerName),
    ("Guest", Col::Guest),
    ("Enabled", Col::Enabled),
    ("Confirmed", Col::Confirmed),
    ("Owner Username", Col::OwnerUsername),
    ("Website Id", Col::WebsiteId),
    ("Owner Id", Col::OwnerId),
];

/// `Roles 3 Role` → 3.
fn role_column(header: &str) -> Option<u32> {
    let n = header.strip_prefix("Roles ")?.strip_suffix(" Role")?;
    n.parse().ok().filter(|n| *n > 0)
}

/// Where each known column sits in the file.
struct Columns {
    at: [Option<usize>; HEADERS.len()],
    /// Role columns in their number's order: (position, header).
    roles: Vec<(usize, String)>,
}

impl Columns {
    /// Maps the header row, refusing unknown, duplicate and blank headers and a file that
    /// cannot match any row to a user, all named in one error.
    fn map(headers: &[String]) -> Result<Self> {
        let mut at = [None; HEADERS.len()];
        let mut roles: Vec<(u32, usize, String)> = Vec::new();
        let mut problems = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, header) in headers.iter().enumerate() {
            let column = i + 1;
            if header.is_empty() {
                problems.push(format!("Column {column} has no header."));
                continue;
            }
            if let Some(first) = seen.insert(header.to_lowercase(), column) {
                problems.push(format!(
                    "Column \"{header}\" appears twice (columns {first} and {column})."
                ));
                continue;
            }
            if header == ERRORS_HEADER {
                continue;
            }
            if let Some(k) = HEADERS
                .iter()
                .position(|(h, _)| h.eq_ignore_ascii_case(header))
            {
                at[k] = Some(i);
            } else if let Some(n) = role_column(header) {
                roles.push((n, i, header.clone()));
            } else {
                problems.push(format!(
                    "Column \"{header}\" (column {column}) is not a column of the customer user import. \
                     The columns are: {}, Roles 1 Role, Roles 2 Role, … (one per role).",
                    HEADERS.iter().map(|(h, _)| *h).collect::<Vec<_>>().join(", ")
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
            return Err(CoreError::invalid_input(format!(
                "The header row has problems. {}",
                problems.join(" ")
            )));
        }
        roles.sort_by_key(|(n, _, _)| *n);
        Ok(Columns {
            at,
            roles: roles.into_iter().map(|(_, i, h)| (i, h)).collect(),
        })
    }

    /// The trimmed cell, `None` when the column is absent or the cell empty.
    fn get<'a>(&self, cells: &'a [String], col: Col) -> Option<&'a str> {
        self.at[col as usize]
            .and_then(|i| cells.get(i))
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
    }
}

fn header(col: Col) -> &'static str {
    HEADERS[col as usize].0
}

#[derive(Debug)]
struct CustomerInfo {
    id: String,
    name: String,
    organization: String,
}

#[derive(Debug)]
struct WebsiteInfo {
    id: String,
    name: String,
    organization: String,
    default_role: Option<String>,
}

/// A customer user's importable fields.
#[derive(Debug, Clone)]
struct UserState {
    name_prefix: Option<String>,
    first_name: String,
    middle_name: Option<String>,
    last_name: String,
    name_suffix: Option<String>,
    email: String,
    birthday: Option<String>,
    enabled: bool,
    confirmed: bool,
    is_guest: bool,
    customer: Option<Rc<CustomerInfo>>,
    website: Option<Rc<WebsiteInfo>>,
    owner: Option<Rc<Ref>>,
    /// Sorted by role code.
    roles: Vec<Rc<RoleRef>>,
}

impl UserState {
    /// Whether [`fields`] of both are equal, found without building them: most rows of a
    /// re-imported export change nothing.
    fn same_fields(&self, other: &Self) -> bool {
        fn same<T>(a: &Option<Rc<T>>, b: &Option<Rc<T>>, key: impl Fn(&T) -> (&str, &str)) -> bool {
            match (a, b) {
                (Some(a), Some(b)) => key(a) == key(b),
                (a, b) => a.is_none() && b.is_none(),
            }
        }
        self.name_prefix == other.name_prefix
            && self.first_name == other.first_name
            && self.middle_name == other.middle_name
            && self.last_name == other.last_name
            && self.name_suffix == other.name_suffix
            && self.email == other.email
            && self.birthday == other.birthday
            && self.enabled == other.enabled
            && self.confirmed == other.confirmed
            && self.is_guest == other.is_guest
            && same(&self.customer, &other.customer, |c| (&c.id, &c.name))
            && same(&self.website, &other.website, |w| (&w.id, &w.name))
            && same(&self.owner, &other.owner, |o| (&o.id, &o.name))
            && self.roles.len() == other.roles.len()
            && self.roles.iter().zip(&other.roles).all(|(a, b)| **a == **b)
    }
}

/// A user already in the store.
struct Existing {
    seq: i64,
    id: String,
    field_hlc: String,
    state: UserState,
}

enum Target {
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
struct Pending {
    /// The `seq` the next added user would get.
    next_seq: i64,
    /// Organization and e-mail (hashed) → the user holding it after the rows so far.
    emails: HashMap<u64, i64>,
    /// E-mails an updated user gave up.
    freed: std::collections::HashSet<u64>,
    /// UUIDs taken by added users.
    ids: HashMap<u128, i64>,
}

impl Pending {
    /// Who holds the e-mail `key` after the rows so far: `Some(Some(seq))` the user an
    /// earlier row gave it to, `Some(None)` nobody (an earlier row took it from its user),
    /// `None` whoever the store says.
    fn holder(&self, key: u64) -> Option<Option<i64>> {
        self.emails
            .get(&key)
            .copied()
            .map(Some)
            .or_else(|| self.freed.contains(&key).then_some(None))
    }
}

/// An organization's e-mail as a 64-bit key (a million keys collide with odds of 1 in 30
/// million, and a collision could only make a check differ from its import).
fn email_key(organization: &str, email: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (organization, email.to_lowercase()).hash(&mut h);
    h.finish()
}

fn uuid_key(id: &str) -> Option<u128> {
    uuid::Uuid::parse_str(id).ok().map(|u| u.as_u128())
}

/// `key` from `cache`, or else `look_up`'s answer, kept in the cache.
fn cached<T>(
    cache: &mut HashMap<String, Found<T>>,
    key: &str,
    look_up: impl FnOnce() -> Result<Option<T>>,
) -> Result<Found<T>> {
    if let Some(found) = cache.get(key) {
        return Ok(found.clone());
    }
    let found = look_up()?.map_or(Found::Missing, |t| Found::One(Rc::new(t)));
    cache.insert(key.to_string(), found.clone());
    Ok(found)
}

/// A cached look-up by key: found, missing, or (customer names) ambiguous.
enum Found<T> {
    One(Rc<T>),
    Missing,
    Many,
}

// Not derived: a derive would ask `T: Clone`, and only the `Rc` is cloned.
impl<T> Clone for Found<T> {
    fn clone(&self) -> Self {
        match self {
            Found::One(t) => Found::One(Rc::clone(t)),
            Found::Missing => Found::Missing,
            Found::Many => Found::Many,
        }
    }
}

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
    /// Writing without the sort indexes (see [`Importer::added_one`]).
    bulk: bool,
    /// How many added users switch the import to bulk writing.
    bulk_from: u64,
    added: u64,
    /// The search index triggers (and for a bulk import the sort indexes), set aside while
    /// rows are written and created again at the end (see [`Importer::new`]).
    set_aside: Vec<String>,
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

    /// Drops the schema objects `condition` selects, to create again in [`Self::finish`].
    fn set_aside(&mut self, tx: &Tx<'_>, condition: &str) -> Result<()> {
        let objects: Vec<(String, String, String)> = tx
            .prepare(&format!(
                "SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND {condition}"
            ))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (kind, name, sql) in objects {
            tx.execute_batch(&format!("DROP {} {name}", kind.to_uppercase()))?;
            self.set_aside.push(sql);
        }
        Ok(())
    }

    /// Counts an added user. Once the import has added as many users as the store had (and
    /// at least [`BULK_ROWS`]), it drops the grid's sort indexes and builds them again at
    /// the end: sorting once is several times faster than a million random index inserts.
    fn added_one(&mut self, tx: &Tx<'_>) -> Result<()> {
        self.added += 1;
        if !self.bulk && self.added >= self.bulk_from {
            self.bulk = true;
            self.set_aside(
                tx,
                "type = 'index' AND tbl_name = 'customer_user' AND name <> 'uniq_customer_user_email'",
            )?;
        }
        Ok(())
    }

    fn with_bulk_from(
        tx: &mut Tx<'_>,
        headers: &[String],
        check_only: bool,
        bulk_rows: u64,
    ) -> Result<Self> {
        let cols = Rc::new(Columns::map(headers)?);
        let actor_name = tx.actor().to_string();
        let organization = reference::default_organization(tx, &actor_name)?;
        let mut importer = Importer {
            cols,
            today: tx.now_utc().date_naive(),
            organization,
            actor: None,
            default_website: None,
            first_new_seq: tx.query_row(
                "SELECT coalesce(max(seq), 0) + 1 FROM customer_user",
                [],
                |r| r.get(0),
            )?,
            touched: Touched::default(),
            pending: None,
            bulk: false,
            bulk_from: u64::MAX,
            added: 0,
            set_aside: Vec::new(),
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
            // FTS5 flushes its pending terms to disk at every statement savepoint, so
            // indexing row by row through the triggers writes a tiny segment per row and
            // merges them (most of an import's time). The rows are indexed in one statement
            // at the end instead; dropping the triggers inside the transaction is undone by
            // a rollback.
            importer.set_aside(
                tx,
                "type = 'trigger' AND name IN ('customer_user_search_ai', 'customer_user_search_au')",
            )?;
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
                          WHERE customer_user_id = customer_user.id)
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

/// The row that matched or added each user so far. Users this import added have
/// consecutive `seq`s, so they take four bytes each (a million-row file stays small).
#[derive(Default)]
struct Touched {
    /// By `seq - first_new_seq`; 0 = not yet.
    added: Vec<u32>,
    earlier: HashMap<i64, usize>,
}

impl Touched {
    fn mark(&mut self, seq: i64, first_new_seq: i64, row: usize) {
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

    fn by(&self, seq: i64, first_new_seq: i64) -> Option<usize> {
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

enum By<'a> {
    Id(&'a str),
    /// Organization and e-mail.
    Email(&'a str, &'a str),
}

/// Oro's m/d/Y (`04/19/1987`) or ISO (`1987-04-19`), as ISO.
fn parse_birthday(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value, "%m/%d/%Y")
        .or_else(|_| NaiveDate::parse_from_str(value, "%Y-%m-%d"))
        .ok()
}

/// A row's cells read and resolved; what could not be is among the row's errors.
struct RowCells<'a> {
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
}

impl Importer {
    /// Reads the row's cells and resolves what they name; what cannot be read or found is
    /// added to `errors`.
    fn read_cells<'a>(
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
            Some(b) => match parse_birthday(b) {
                None => {
                    errors.push(CellError::new(header(Col::Birthday), rules::INVALID_DATE));
                    None
                }
                Some(d) if d > self.today => {
                    errors.push(CellError::new(
                        header(Col::Birthday),
                        rules::BIRTHDAY_IN_FUTURE,
                    ));
                    None
                }
                Some(d) => Some(d.format("%Y-%m-%d").to_string()),
            },
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

        Ok(RowCells {
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
    fn find_target(
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
    fn matched_again(&self, target: &Target, by_id: bool) -> Option<CellError> {
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
    fn merged_state(
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
                }
            }
        };
        state.roles.sort_by(|a, b| a.role.cmp(&b.role));
        Ok(state)
    }

    /// Oro's rules on the user the row would leave, and e-mail uniqueness (`email_given`:
    /// the row has an e-mail cell).
    fn check_rules(
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
        for (col, value) in [
            (Col::FirstName, Some(&state.first_name)),
            (Col::LastName, Some(&state.last_name)),
            (Col::NamePrefix, state.name_prefix.as_ref()),
            (Col::MiddleName, state.middle_name.as_ref()),
            (Col::NameSuffix, state.name_suffix.as_ref()),
        ] {
            match value {
                Some(v) if v.is_empty() => errors.push(CellError::new(header(col), NOT_BLANK)),
                Some(v) if v.chars().count() > 255 => {
                    errors.push(CellError::new(header(col), rules::too_long(255)))
                }
                _ => {}
            }
        }
        let is_new = !matches!(target, Target::Update(_));
        if is_new || email_given {
            if let Some(message) = rules::check_email(&state.email) {
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
                if state
                    .website
                    .as_ref()
                    .is_some_and(|w| w.organization != c.organization)
                {
                    errors.push(CellError::new(
                        header(Col::WebsiteId),
                        "The website belongs to another organization than the customer.",
                    ));
                }
                for role in &state.roles {
                    if role.customer_id.as_ref().is_some_and(|rc| *rc != c.id) {
                        let column = read
                            .roles
                            .iter()
                            .find(|(r, _)| r.id == role.id)
                            .map_or("Roles 1 Role", |(_, h)| h);
                        errors.push(CellError::new(
                            column,
                            format!(
                                "Role \"{}\" is not available for the selected customer.",
                                role.label
                            ),
                        ));
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
        if state.enabled && state.roles.is_empty() && !role_failed {
            errors.push(CellError::new("Roles 1 Role", rules::ROLE_REQUIRED));
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
                if let Some(holder) = other.filter(|&seq| Some(seq) != own_seq) {
                    // Oro names the field when a stored user holds the e-mail, as the form
                    // does, and not when the holder came from an earlier row of the file.
                    let in_file = self.touched.by(holder, self.first_new_seq).is_some();
                    errors.push(if in_file {
                        CellError::row(rules::EMAIL_USED)
                    } else {
                        CellError::new(header(Col::Email), rules::EMAIL_USED)
                    });
                }
            }
        }
        Ok(())
    }

    /// Writes the checked row; a check only remembers what it would write.
    fn write(
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
        // Added users get their customer's sales representatives and a settings row for
        // their website in one statement each rather than row by row.
        tx.execute(
            "INSERT INTO customer_user_sales_rep (customer_user_id, user_id)
             SELECT u.id, s.user_id FROM customer_user u JOIN customer_sales_rep s ON s.customer_id = u.customer_id
             WHERE u.seq >= ?1",
            [self.first_new_seq],
        )?;
        tx.execute(
            "INSERT INTO customer_user_settings (customer_user_id, website_id)
             SELECT id, website_id FROM customer_user WHERE seq >= ?1 AND website_id IS NOT NULL
             ON CONFLICT (customer_user_id, website_id) DO NOTHING",
            [self.first_new_seq],
        )?;
        const INDEX: &str =
            "INSERT INTO customer_user_search (rowid, first_name, last_name, email, customer_name)
            SELECT seq, first_name, last_name, email, customer_name FROM customer_user";
        const SEARCH_CONFIG: &str =
            "INSERT INTO customer_user_search (customer_user_search, rank) VALUES";
        if self.bulk {
            // A bulk import indexes mostly new rows: FTS5 gathers 64 MiB of terms (not 1 MiB)
            // before writing a segment, and merges the segments once at the end rather than
            // as it goes (automerge 4 is the default): 8.8 s → 6.3 s for a million users.
            tx.execute_batch(&format!(
                "{SEARCH_CONFIG} ('automerge', 0); {SEARCH_CONFIG} ('hashsize', {BULK_SEARCH_HASH});"
            ))?;
        }
        tx.execute(&format!("{INDEX} WHERE seq >= ?1"), [self.first_new_seq])?;
        let one = format!("{INDEX} WHERE seq = ?1");
        for seq in std::mem::take(&mut self.reindex) {
            tx.prepare_cached(&one)?.execute([seq])?;
        }
        if self.bulk {
            tx.execute_batch(&format!(
                "INSERT INTO customer_user_search (customer_user_search) VALUES ('optimize');
                 {SEARCH_CONFIG} ('automerge', 4); {SEARCH_CONFIG} ('hashsize', {DEFAULT_SEARCH_HASH});"
            ))?;
            // SQLite sorts an index it builds in worker threads only when the sort outgrows
            // the page cache, so a small cache is what lets every core share the sorting:
            // 18.9 s → 7.8 s for the 17 sort indexes of a million users.
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            tx.execute_batch(&format!(
                "PRAGMA threads = {threads}; PRAGMA cache_size = -2048;"
            ))?;
        }
        for sql in std::mem::take(&mut self.set_aside) {
            tx.execute_batch(&sql)?;
        }
        if self.bulk {
            tx.execute_batch("PRAGMA threads = 0")?;
        }
        Ok(())
    }
}

fn ref_value(r: &Option<Rc<Ref>>) -> Value {
    r.as_ref()
        .map_or(Value::Null, |r| json!({ "id": r.id, "name": r.name }))
}

/// The fields History shows, named as the API names them (`customer_user_write::snapshot`).
fn fields(state: &UserState) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("namePrefix".into(), json!(state.name_prefix));
    m.insert("firstName".into(), json!(state.first_name));
    m.insert("middleName".into(), json!(state.middle_name));
    m.insert("lastName".into(), json!(state.last_name));
    m.insert("nameSuffix".into(), json!(state.name_suffix));
    m.insert("email".into(), json!(state.email));
    m.insert("birthday".into(), json!(state.birthday));
    m.insert("enabled".into(), json!(state.enabled));
    m.insert("confirmed".into(), json!(state.confirmed));
    m.insert("isGuest".into(), json!(state.is_guest));
    m.insert(
        "customer".into(),
        state
            .customer
            .as_ref()
            .map_or(Value::Null, |c| json!({ "id": c.id, "name": c.name })),
    );
    m.insert(
        "website".into(),
        state
            .website
            .as_ref()
            .map_or(Value::Null, |w| json!({ "id": w.id, "name": w.name })),
    );
    m.insert("owner".into(), ref_value(&state.owner));
    m.insert(
        "userRoles".into(),
        Value::Array(
            state
                .roles
                .iter()
                .map(|r| serde_json::to_value(&**r).unwrap_or(Value::Null))
                .collect(),
        ),
    );
    m
}

/// The columns an update writes for the changed fields (`diff` of [`fields`]), with their
/// values: only these, so SQLite rewrites only the indexes of what changed (a full `SET` made it
/// delete and insert every index entry of the user, 17 of them).
fn changed_columns(
    changes: &Map<String, Value>,
    s: &UserState,
    customer: &CustomerInfo,
) -> Result<Vec<(&'static str, SqlValue)>> {
    let text = |v: &str| SqlValue::Text(v.to_string());
    let optional = |v: &Option<String>| v.as_deref().map_or(SqlValue::Null, text);
    let mut columns = Vec::new();
    for field in changes.keys() {
        match field.as_str() {
            "namePrefix" => columns.push(("name_prefix", optional(&s.name_prefix))),
            "firstName" => columns.push(("first_name", text(&s.first_name))),
            "middleName" => columns.push(("middle_name", optional(&s.middle_name))),
            "lastName" => columns.push(("last_name", text(&s.last_name))),
            "nameSuffix" => columns.push(("name_suffix", optional(&s.name_suffix))),
            "email" => {
                columns.push(("email", text(&s.email)));
                columns.push(("email_lowercase", SqlValue::Text(s.email.to_lowercase())));
            }
            "birthday" => columns.push(("birthday", optional(&s.birthday))),
            "enabled" => columns.push(("enabled", SqlValue::Integer(s.enabled.into()))),
            "confirmed" => columns.push(("confirmed", SqlValue::Integer(s.confirmed.into()))),
            "isGuest" => columns.push(("is_guest", SqlValue::Integer(s.is_guest.into()))),
            "customer" => {
                columns.push(("organization_id", text(&customer.organization)));
                columns.push(("customer_id", text(&customer.id)));
                columns.push(("customer_name", text(&customer.name)));
            }
            "website" => {
                columns.push((
                    "website_id",
                    s.website.as_ref().map_or(SqlValue::Null, |w| text(&w.id)),
                ));
                columns.push((
                    "website_name",
                    text(s.website.as_ref().map_or("", |w| w.name.as_str())),
                ));
            }
            "owner" => columns.push((
                "owner_id",
                s.owner.as_ref().map_or(SqlValue::Null, |o| text(&o.id)),
            )),
            "userRoles" => columns.push(("roles_label", SqlValue::Text(roles_label(s)))),
            other => {
                return Err(CoreError::internal(format!(
                    "the import has no column for the field {other}"
                )))
            }
        }
    }
    Ok(columns)
}

fn roles_label(state: &UserState) -> String {
    let mut labels: Vec<&str> = state.roles.iter().map(|r| r.label.as_str()).collect();
    labels.sort_unstable_by_key(|l| l.to_lowercase());
    labels.join(", ")
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
                let changed = !existing.state.same_fields(state);
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
        let customer = s
            .customer
            .as_ref()
            .ok_or_else(|| CoreError::internal("customer missing after the check"))?;
        let hlc = tx.tick();
        let now = tx.now();
        tx.prepare_cached(
            "INSERT INTO customer_user (id, organization_id, customer_id, website_id, owner_id, name_prefix,
                first_name, middle_name, last_name, name_suffix, email, email_lowercase, birthday, enabled,
                confirmed, is_guest, created_at, updated_at, customer_name, website_name, roles_label, created_hlc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17, ?18, ?19,
                ?20, ?21)",
        )?
        .execute(params![
            id,
            customer.organization,
            customer.id,
            s.website.as_ref().map(|w| &w.id),
            s.owner.as_ref().map(|o| &o.id),
            s.name_prefix,
            s.first_name,
            s.middle_name,
            s.last_name,
            s.name_suffix,
            s.email,
            s.email.to_lowercase(),
            s.birthday,
            s.enabled,
            s.confirmed,
            s.is_guest,
            now,
            customer.name,
            s.website.as_ref().map_or("", |w| w.name.as_str()),
            roles_label(s),
            hlc,
        ])?;
        let seq = tx.last_insert_rowid();
        self.link_roles(tx, id, s)?;
        // Sales representatives and website settings are added for every new user at the end.
        let reps = self.reps_of(tx, &customer.id)?;
        let mut after = fields(s);
        after.insert("authStatus".into(), json!("active"));
        after.insert("hasPassword".into(), json!(false));
        after.insert("loginCount".into(), json!(0));
        after.insert("salesRepresentatives".into(), json!(&*reps));
        after.insert("addresses".into(), json!([]));
        tx.record(ENTITY, id, "create", &created(after), &hlc)?;
        Ok(seq)
    }

    /// Writes what changed; `false` when nothing did.
    fn update(&mut self, tx: &mut Tx<'_>, existing: &Existing, s: &UserState) -> Result<bool> {
        if existing.state.same_fields(s) {
            return Ok(false);
        }
        let changes = diff(&fields(&existing.state), &fields(s));
        let customer = s
            .customer
            .as_ref()
            .ok_or_else(|| CoreError::internal("customer missing after the check"))?;
        let hlc = tx.tick();
        let mut field_hlc: Map<String, Value> =
            serde_json::from_str(&existing.field_hlc).unwrap_or_default();
        for name in changes.keys() {
            field_hlc.insert(name.clone(), Value::String(hlc.clone()));
        }
        let now = tx.now();
        let searchable = ["firstName", "lastName", "email", "customer"];
        if existing.seq < self.first_new_seq && searchable.iter().any(|f| changes.contains_key(*f))
        {
            tx.prepare_cached(
                "INSERT INTO customer_user_search (customer_user_search, rowid, first_name, last_name, email,
                    customer_name)
                 SELECT 'delete', seq, first_name, last_name, email, customer_name FROM customer_user
                 WHERE seq = ?1",
            )?
            .execute([existing.seq])?;
            self.reindex.push(existing.seq);
        }
        let mut columns = changed_columns(&changes, s, customer)?;
        columns.push(("updated_at", SqlValue::Text(now)));
        columns.push((
            "field_hlc",
            SqlValue::Text(Value::Object(field_hlc).to_string()),
        ));
        let sets: Vec<String> = columns.iter().map(|(c, _)| format!("{c} = ?")).collect();
        tx.prepare_cached(&format!(
            "UPDATE customer_user SET {} WHERE seq = ?",
            sets.join(", ")
        ))?
        .execute(rusqlite::params_from_iter(
            columns
                .into_iter()
                .map(|(_, v)| v)
                .chain([SqlValue::Integer(existing.seq)]),
        ))?;
        if changes.contains_key("userRoles") {
            tx.prepare_cached("DELETE FROM customer_user_role_link WHERE customer_user_id = ?1")?
                .execute([&existing.id])?;
            self.link_roles(tx, &existing.id, s)?;
        }
        if changes.contains_key("website") {
            self.link_website(tx, &existing.id, s)?;
        }
        tx.record(ENTITY, &existing.id, "update", &changes, &hlc)?;
        Ok(true)
    }

    fn link_roles(&self, tx: &Tx<'_>, id: &str, s: &UserState) -> Result<()> {
        for role in &s.roles {
            tx.prepare_cached(
                "INSERT INTO customer_user_role_link (customer_user_id, role_id) VALUES (?1, ?2)",
            )?
            .execute([id, &role.id])?;
        }
        Ok(())
    }

    /// The per-website settings row the user's website needs (no localization chosen yet).
    fn link_website(&self, tx: &Tx<'_>, id: &str, s: &UserState) -> Result<()> {
        if let Some(w) = &s.website {
            tx.prepare_cached(
                "INSERT INTO customer_user_settings (customer_user_id, website_id) VALUES (?1, ?2)
                 ON CONFLICT (customer_user_id, website_id) DO NOTHING",
            )?
            .execute([id, &w.id])?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;

    use super::*;
    use crate::csv_import::{ImportKind, ImportMode};
    use crate::Database;

    #[test]
    fn a_bulk_import_builds_the_sort_and_search_indexes_again() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("bulk.sqlite3")).unwrap();
        let admin = crate::actor::Actor::first_admin(crate::actor::Via::Window);
        crate::generate::generate(&db, &admin, 0, |_| {}).unwrap();
        let schema = |db: &Database| -> Vec<String> {
            db.read(|c| {
                let mut stmt =
                    c.prepare("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name")?;
                let rows = stmt.query_map([], |r| r.get(0))?;
                Ok(rows.collect::<rusqlite::Result<_>>()?)
            })
            .unwrap()
        };
        let before = schema(&db);
        let file = dir.path().join("bulk.csv");
        let mut text = String::from("First Name,Last Name,Email Address,Customer Name\n");
        for i in 0..30 {
            text.push_str(&format!(
                "Bulk,User{i},bulk{i}@example.com,Acme Corporation\n"
            ));
        }
        std::fs::write(&file, text).unwrap();
        let run = |mode: ImportMode| {
            csv_import::run(
                &db,
                &admin,
                csv_import::Job {
                    kind: ImportKind::CustomerUsers,
                    path: &file,
                    mode: &mode,
                    listed: true,
                },
                |tx, headers, check_only| Importer::with_bulk_from(tx, headers, check_only, 10),
                |_| {},
                &AtomicBool::new(false),
            )
            .unwrap()
        };
        assert_eq!(run(ImportMode::CheckOnly).counts.added, 30);
        assert_eq!(schema(&db), before, "a check leaves the schema as it was");
        assert_eq!(run(ImportMode::AllOrNothing).counts.added, 30);
        assert_eq!(schema(&db), before, "indexes and triggers are back");
        let search_config: Vec<(String, i64)> = db
            .read(|c| {
                let mut stmt = c.prepare(
                    "SELECT k, v FROM customer_user_search_config WHERE k IN ('automerge', 'hashsize') ORDER BY k",
                )?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                Ok(rows.collect::<rusqlite::Result<_>>()?)
            })
            .unwrap();
        assert_eq!(
            search_config,
            [
                ("automerge".to_string(), 4),
                ("hashsize".to_string(), i64::from(DEFAULT_SEARCH_HASH))
            ],
            "the search index's settings are FTS5's defaults again"
        );
        let ok: String = db
            .read(|c| Ok(c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(ok, "ok");
        let query: crate::grid::GridQuery =
            serde_json::from_value(json!({ "q": "bulk17@example" })).unwrap();
        let found = crate::grid::page(&db, &query).unwrap();
        assert_eq!(
            found
                .rows
                .iter()
                .map(|r| r.email.as_str())
                .collect::<Vec<_>>(),
            ["bulk17@example.com"]
        );
        // The search triggers work again for the next change.
        let id = found.rows[0].id.clone();
        crate::customer_user_write::update(&db, &admin, &id, &json!({ "lastName": "Renamed" }))
            .unwrap();
        let query: crate::grid::GridQuery =
            serde_json::from_value(json!({ "q": "Renamed" })).unwrap();
        assert_eq!(crate::grid::page(&db, &query).unwrap().rows.len(), 1);
    }

    #[test]
    fn same_fields_agrees_with_the_change_record() {
        let role = |code: &str| {
            Rc::new(RoleRef {
                id: format!("id-{code}"),
                role: code.to_string(),
                label: code.to_lowercase(),
                customer_id: None,
            })
        };
        let base = UserState {
            name_prefix: None,
            first_name: "Ann".into(),
            middle_name: Some("B".into()),
            last_name: "Lee".into(),
            name_suffix: None,
            email: "ann@example.com".into(),
            birthday: Some("1990-01-02".into()),
            enabled: true,
            confirmed: true,
            is_guest: false,
            customer: Some(Rc::new(CustomerInfo {
                id: "c1".into(),
                name: "Acme".into(),
                organization: "o1".into(),
            })),
            website: Some(Rc::new(WebsiteInfo {
                id: "w1".into(),
                name: "Default".into(),
                organization: "o1".into(),
                default_role: None,
            })),
            owner: Some(Rc::new(Ref {
                id: "u1".into(),
                name: "John Doe".into(),
            })),
            roles: vec![role("ROLE_A"), role("ROLE_B")],
        };
        type Change = Box<dyn Fn(&mut UserState)>;
        let changes: Vec<(&str, Change)> = vec![
            ("nothing", Box::new(|_| {})),
            (
                "name prefix",
                Box::new(|s| s.name_prefix = Some("Dr".into())),
            ),
            ("first name", Box::new(|s| s.first_name = "ann".into())),
            ("middle name", Box::new(|s| s.middle_name = None)),
            ("last name", Box::new(|s| s.last_name = "Lea".into())),
            (
                "name suffix",
                Box::new(|s| s.name_suffix = Some("Jr.".into())),
            ),
            ("email", Box::new(|s| s.email = "Ann@example.com".into())),
            ("birthday", Box::new(|s| s.birthday = None)),
            ("enabled", Box::new(|s| s.enabled = false)),
            ("confirmed", Box::new(|s| s.confirmed = false)),
            ("guest", Box::new(|s| s.is_guest = true)),
            ("customer", Box::new(|s| s.customer = None)),
            (
                "customer name",
                Box::new(|s| {
                    s.customer = Some(Rc::new(CustomerInfo {
                        id: "c1".into(),
                        name: "Acme Inc.".into(),
                        organization: "o1".into(),
                    }))
                }),
            ),
            ("website", Box::new(|s| s.website = None)),
            (
                "owner",
                Box::new(|s| {
                    s.owner = Some(Rc::new(Ref {
                        id: "u2".into(),
                        name: "John Doe".into(),
                    }))
                }),
            ),
            ("a role fewer", Box::new(|s| s.roles.truncate(1))),
            (
                "another role",
                Box::new(move |s| s.roles[1] = role("ROLE_C")),
            ),
        ];
        for (what, change) in changes {
            let mut other = base.clone();
            change(&mut other);
            assert_eq!(
                base.same_fields(&other),
                diff(&fields(&base), &fields(&other)).is_empty(),
                "{what}"
            );
            assert_eq!(base.same_fields(&other), what == "nothing", "{what}");
        }
    }

    fn headers(h: &str) -> Vec<String> {
        h.split(',').map(str::to_string).collect()
    }

    #[test]
    fn maps_oros_headers_in_any_order_with_any_number_of_roles() {
        let cols = Columns::map(&headers(
            "Email Address,Roles 2 Role,First Name,Roles 1 Role,Roles 10 Role,Errors",
        ))
        .unwrap();
        assert_eq!(cols.at[Col::Email as usize], Some(0));
        assert_eq!(
            cols.roles.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
            vec![3, 1, 4]
        );
    }

    #[test]
    fn names_unknown_duplicate_blank_and_missing_headers() {
        let err = Columns::map(&headers("First Name,Frist Name,,first name"))
            .err()
            .unwrap();
        let m = err.message;
        assert!(
            m.contains("Column \"Frist Name\" (column 2) is not a column"),
            "{m}"
        );
        assert!(m.contains("Column 3 has no header."), "{m}");
        assert!(
            m.contains("\"first name\" appears twice (columns 1 and 4)"),
            "{m}"
        );
        assert!(
            m.contains("neither an \"ID\" nor an \"Email Address\""),
            "{m}"
        );
    }

    #[test]
    fn reads_oros_flags_and_dates() {
        assert_eq!(parse_flag("Yes"), Some(true));
        assert_eq!(parse_flag("0"), Some(false));
        assert_eq!(parse_flag("maybe"), None);
        assert_eq!(
            parse_birthday("04/19/1987"),
            NaiveDate::from_ymd_opt(1987, 4, 19)
        );
        assert_eq!(
            parse_birthday("1987-04-19"),
            NaiveDate::from_ymd_opt(1987, 4, 19)
        );
        assert_eq!(parse_birthday("19.04.1987"), None);
    }
}
