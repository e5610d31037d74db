//! The Customer Users grid: filters, quick search, sort on every column, keyset paging.
//!
//! A page is read one of three ways. When some filter matches few rows (at most
//! [`SMALL_SET`]), the query starts from that filter's index (or the trigram index for
//! text) and sorts those rows. Otherwise matches are dense, and walking the sort column's
//! index while testing the filters reaches a page's worth of rows quickly. A text search
//! whose many matches lie far along the sort order stops that walk early; its matches are
//! then put in order by the rows' positions held in memory ([`SortRanks`]). No OFFSET is
//! used: cursors carry the last row's sort key and `seq`.

use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rusqlite::types::Value as SqlValue;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::customer_user::AuthStatus;
use crate::{CoreError, Database, Result};

pub use self::filter::GridFilter;
use self::filter::{predicates, Predicate};
use crate::store::sort_ranks::SortRanks;

mod filter;
pub(crate) use self::filter::{where_clause, EVERYONE};

/// The most rows a "selective" filter may match for the query to start from it.
const SMALL_SET: i64 = 4_000;
pub const DEFAULT_PAGE_SIZE: u32 = 25;
pub const MAX_PAGE_SIZE: u32 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum SortField {
    #[default]
    Id,
    CustomerName,
    FirstName,
    LastName,
    Email,
    Enabled,
    Confirmed,
    IsGuest,
    AuthStatus,
    CreatedAt,
    UpdatedAt,
    WebsiteName,
    Roles,
    Orders,
    LastOrder,
}

impl SortField {
    pub const ALL: [SortField; 15] = [
        SortField::Id,
        SortField::CustomerName,
        SortField::FirstName,
        SortField::LastName,
        SortField::Email,
        SortField::Enabled,
        SortField::Confirmed,
        SortField::IsGuest,
        SortField::AuthStatus,
        SortField::CreatedAt,
        SortField::UpdatedAt,
        SortField::WebsiteName,
        SortField::Roles,
        SortField::Orders,
        SortField::LastOrder,
    ];

    /// The column and the index that orders it (`None`: the table's own `seq` order).
    fn column(self) -> (&'static str, Option<&'static str>) {
        match self {
            SortField::Id => ("seq", None),
            SortField::CustomerName => ("customer_name", Some("idx_cu_customer_name")),
            SortField::FirstName => ("first_name", Some("idx_cu_first_name")),
            SortField::LastName => ("last_name", Some("idx_cu_last_name")),
            SortField::Email => ("email", Some("idx_cu_email")),
            SortField::Enabled => ("enabled", Some("idx_cu_enabled")),
            SortField::Confirmed => ("confirmed", Some("idx_cu_confirmed")),
            SortField::IsGuest => ("is_guest", Some("idx_cu_is_guest")),
            SortField::AuthStatus => ("auth_status", Some("idx_cu_auth_status")),
            SortField::CreatedAt => ("created_at", Some("idx_cu_created_at")),
            SortField::UpdatedAt => ("updated_at", Some("idx_cu_updated_at")),
            SortField::WebsiteName => ("website_name", Some("idx_cu_website_name")),
            SortField::Roles => ("roles_label", Some("idx_cu_roles_label")),
            SortField::Orders => ("order_count", Some("idx_cu_order_count")),
            SortField::LastOrder => ("last_order_at", Some("idx_cu_last_order_at")),
        }
    }

    fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum SortOrder {
    #[default]
    #[serde(rename = "ASC")]
    Asc,
    #[serde(rename = "DESC")]
    Desc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Sort {
    pub field: SortField,
    pub order: SortOrder,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct GridQuery {
    #[serde(default)]
    #[ts(optional)]
    pub filter: Option<GridFilter>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub q: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub sort: Option<Sort>,
    #[serde(default)]
    #[ts(optional)]
    pub page_size: Option<u32>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub after: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub before: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CustomerUserRow {
    pub id: String,
    pub customer_name: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub enabled: bool,
    pub confirmed: bool,
    pub is_guest: bool,
    pub auth_status: AuthStatus,
    pub website_name: String,
    pub roles: String,
    pub created_at: String,
    pub updated_at: String,
    pub orders: u32,
    /// When the user's newest order was placed.
    pub last_order: Option<String>,
    pub extra: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub next_cursor: Option<String>,
    pub prev_cursor: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Cursor(String, serde_json::Value, i64);

fn encode_cursor(field: SortField, key: &SqlValue, seq: i64) -> String {
    let key = match key {
        SqlValue::Integer(i) => serde_json::json!(i),
        SqlValue::Text(s) => serde_json::json!(s),
        _ => serde_json::Value::Null,
    };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&Cursor(field.name(), key, seq)).unwrap_or_default())
}

fn decode_cursor(field: SortField, cursor: &str, name: &str) -> Result<(SqlValue, i64)> {
    let bad = || {
        CoreError::field(
            name,
            "This cursor is not valid for this sort; start from the first page.",
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let Cursor(f, key, seq) = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    if f != field.name() {
        return Err(bad());
    }
    let key = match key {
        serde_json::Value::Number(n) => SqlValue::Integer(n.as_i64().ok_or_else(bad)?),
        serde_json::Value::String(s) => SqlValue::Text(s),
        _ => return Err(bad()),
    };
    Ok((key, seq))
}

const ROW_COLUMNS: &str =
    "id, customer_name, first_name, last_name, email, enabled, confirmed, is_guest, \
                           auth_status, website_name, roles_label, created_at, updated_at, order_count, last_order_at, \
                           extra, seq";

/// One page of the grid.
pub fn page(db: &Database, query: &GridQuery) -> Result<Page<CustomerUserRow>> {
    db.read_ranked(|conn, ranks| list_planned(conn, ranks, query, SMALL_SET, Some(WALK_BUDGET)))
}

/// How long a walk of the sort index may take before a text search orders its matches by
/// place instead: matches clustered far along the sort order (say "anna" sorted by first
/// name, descending) make the walk long. Time, not VM steps: a step that reads a row from
/// disk costs a thousand times one that does not.
const WALK_BUDGET: Duration = Duration::from_millis(4);

type Fetched = Vec<(CustomerUserRow, SqlValue, i64)>;

/// [`page`] with the planner's limits as parameters, so tests can force every plan (a walk
/// budget of zero skips the walk).
fn list_planned(
    conn: &mut Connection,
    ranks: &mut SortRanks,
    query: &GridQuery,
    small_set: i64,
    walk_budget: Option<Duration>,
) -> Result<Page<CustomerUserRow>> {
    let sort = query.sort.unwrap_or_default();
    let page_size = query.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
    if page_size == 0 || page_size > MAX_PAGE_SIZE {
        return Err(CoreError::field(
            "pageSize",
            format!("The page size must be between 1 and {MAX_PAGE_SIZE}."),
        ));
    }
    let cursor = match (&query.after, &query.before) {
        (Some(_), Some(_)) => {
            return Err(CoreError::invalid_input(
                "Give either `after` or `before`, not both.",
            ))
        }
        (Some(c), None) => Some(decode_cursor(sort.field, c, "after")?),
        (None, Some(c)) => Some(decode_cursor(sort.field, c, "before")?),
        (None, None) => None,
    };
    let page = PageRequest {
        sort,
        cursor,
        backwards: query.before.is_some(),
        limit: page_size as i64 + 1,
    };
    let preds = predicates(
        &query.filter.clone().unwrap_or_default(),
        query.q.as_deref(),
    )?;
    // The trigram search, if any, holds its own driver.
    let search = (0..preds.len()).find(|&i| preds[i].answered_by == Some(i));
    let mut rows = match pick_driver(conn, &preds, small_set)? {
        Some(driver) => fetch(conn, &preds, Some(driver), &page, None)?,
        None => {
            let budget = search.and(walk_budget);
            let walked = match budget {
                Some(Duration::ZERO) => None,
                _ => fetch(conn, &preds, None, &page, budget)?,
            };
            match (walked, search) {
                (Some(rows), _) => Some(rows),
                (None, Some(search)) => Some(fetch_ranked(conn, ranks, &preds, search, &page)?),
                (None, None) => None,
            }
        }
    }
    .ok_or_else(|| CoreError::internal("The grid query was interrupted."))?;

    let more = rows.len() > page_size as usize;
    rows.truncate(page_size as usize);
    if page.backwards {
        rows.reverse();
    }
    let cursor_at = |i: usize| {
        rows.get(i)
            .map(|(_, key, seq)| encode_cursor(sort.field, key, *seq))
    };
    let last = rows.len().saturating_sub(1);
    let (next_cursor, prev_cursor) = if page.backwards {
        (cursor_at(last), if more { cursor_at(0) } else { None })
    } else {
        (
            if more { cursor_at(last) } else { None },
            if query.after.is_some() {
                cursor_at(0)
            } else {
                None
            },
        )
    };
    Ok(Page {
        rows: rows.into_iter().map(|(row, _, _)| row).collect(),
        next_cursor,
        prev_cursor,
    })
}

struct PageRequest {
    sort: Sort,
    cursor: Option<(SqlValue, i64)>,
    backwards: bool,
    limit: i64,
}

/// Reads up to `page.limit` rows. With a `driver`, starts from that predicate's matches and
/// sorts them; without, walks the sort column's index. A walk with a `budget` gives up
/// (`None`) once it has taken that long.
fn fetch(
    conn: &mut Connection,
    preds: &[Predicate],
    driver: Option<usize>,
    page: &PageRequest,
    budget: Option<Duration>,
) -> Result<Option<Fetched>> {
    let (column, index) = page.sort.field.column();
    let mut conds: Vec<String> = Vec::new();
    let mut params: Vec<SqlValue> = Vec::new();
    let from = match (driver, index) {
        (Some(i), _) => {
            let (sql, p) = preds[i].driver.clone().unwrap_or_default();
            conds.push(format!("seq IN ({sql})"));
            params.extend(p);
            "customer_user".to_string()
        }
        (None, Some(index)) => format!("customer_user INDEXED BY {index}"),
        (None, None) => "customer_user NOT INDEXED".to_string(),
    };
    for (i, p) in preds.iter().enumerate() {
        // Predicates answered by the chosen driver need no second test.
        if driver != Some(i) && (driver.is_none() || p.answered_by != driver) {
            conds.push(p.sql.clone());
            params.extend(p.params.iter().cloned());
        }
    }
    // Forward in the sort order, or backward from a `before` cursor.
    let ascending = (page.sort.order == SortOrder::Asc) != page.backwards;
    let (cmp, dir) = if ascending {
        (">", "ASC")
    } else {
        ("<", "DESC")
    };
    if let Some((key, seq)) = &page.cursor {
        if column == "seq" {
            conds.push(format!("seq {cmp} ?"));
        } else {
            conds.push(format!("({column}, seq) {cmp} (?, ?)"));
            params.push(key.clone());
        }
        params.push(SqlValue::Integer(*seq));
    }
    let where_sql = if conds.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conds.join(" AND "))
    };
    // `+column` keeps SQLite from walking the sort index when a driver lists the rows.
    let order = match (column, driver) {
        ("seq", _) => format!("seq {dir}"),
        (_, Some(_)) => format!("+{column} {dir}, seq {dir}"),
        (_, None) => format!("{column} {dir}, seq {dir}"),
    };
    let sql =
        format!("SELECT {ROW_COLUMNS}, {column} FROM {from} {where_sql} ORDER BY {order} LIMIT ?");
    params.push(SqlValue::Integer(page.limit));

    if let Some(budget) = budget {
        let deadline = Instant::now() + budget;
        conn.progress_handler(100, Some(move || Instant::now() > deadline))?;
    }
    let result = read_rows(conn, &sql, &params);
    if budget.is_some() {
        conn.progress_handler(0, None::<fn() -> bool>)?;
    }
    match result {
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::OperationInterrupted =>
        {
            Ok(None)
        }
        other => Ok(Some(other?)),
    }
}

/// Reads up to `page.limit` rows among the matches of the `search` driver: puts every match
/// in sort order by its place, then reads them a chunk at a time, testing the other filters,
/// until the page is full.
fn fetch_ranked(
    conn: &mut Connection,
    ranks: &mut SortRanks,
    preds: &[Predicate],
    search: usize,
    page: &PageRequest,
) -> Result<Fetched> {
    let (column, index) = page.sort.field.column();
    let (sql, params) = preds[search].driver.clone().unwrap_or_default();
    let mut seqs = conn
        .prepare_cached(&sql)?
        .query_map(rusqlite::params_from_iter(params.iter()), |r| {
            r.get::<_, i64>(0)
        })?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    let place = ranks.places(conn, column, index)?;

    let ascending = (page.sort.order == SortOrder::Asc) != page.backwards;
    if let Some((key, seq)) = &page.cursor {
        // The cursor's row, unless it has since moved or gone: then the gap where it was.
        let unmoved = page.sort.field == SortField::Id
            || conn
                .prepare_cached(&format!(
                    "SELECT count(*) FROM customer_user WHERE seq = ? AND {column} IS ?"
                ))?
                .query_row(rusqlite::params![seq, key], |r| r.get::<_, i64>(0))?
                > 0;
        let at = if unmoved {
            place(*seq)
        } else {
            let before: i64 = conn
                .prepare_cached(&format!(
                    "SELECT count(*) FROM customer_user INDEXED BY {} WHERE ({column}, seq) < (?, ?)",
                    index.unwrap_or_default()
                ))?
                .query_row(rusqlite::params![key, seq], |r| r.get(0))?;
            2 * before - 1
        };
        seqs.retain(|&s| {
            if ascending {
                place(s) > at
            } else {
                place(s) < at
            }
        });
    }
    seqs.sort_unstable_by_key(|&s| place(s));
    if !ascending {
        seqs.reverse();
    }

    let mut rest_sql = String::new();
    let mut rest_params = Vec::new();
    for (i, p) in preds.iter().enumerate() {
        if i != search && p.answered_by != Some(search) {
            rest_sql.push_str(&format!(" AND {}", p.sql));
            rest_params.extend(p.params.iter().cloned());
        }
    }
    let sql = format!(
        "SELECT {ROW_COLUMNS}, {column} FROM customer_user \
         WHERE seq IN (SELECT value FROM json_each(?)){rest_sql}"
    );
    let limit = page.limit as usize;
    let mut rows: Fetched = Vec::with_capacity(limit);
    let mut chunk = limit.max(64);
    let mut start = 0;
    while rows.len() < limit && start < seqs.len() {
        let end = (start + chunk).min(seqs.len());
        let ids = serde_json::to_string(&seqs[start..end]).unwrap_or_default();
        let mut params = vec![SqlValue::Text(ids)];
        params.extend(rest_params.iter().cloned());
        let mut read = read_rows(conn, &sql, &params)?;
        read.sort_unstable_by_key(|(_, _, seq)| place(*seq));
        if !ascending {
            read.reverse();
        }
        rows.extend(read);
        start = end;
        chunk *= 2;
    }
    rows.truncate(limit);
    Ok(rows)
}

/// A row of [`ROW_COLUMNS`] (the `seq` after them is the caller's).
pub(super) fn grid_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CustomerUserRow> {
    let status: String = r.get(8)?;
    Ok(CustomerUserRow {
        id: r.get(0)?,
        customer_name: r.get(1)?,
        first_name: r.get(2)?,
        last_name: r.get(3)?,
        email: r.get(4)?,
        enabled: r.get(5)?,
        confirmed: r.get(6)?,
        is_guest: r.get(7)?,
        auth_status: AuthStatus::parse(&status).unwrap_or(AuthStatus::Active),
        website_name: r.get(9)?,
        roles: r.get(10)?,
        created_at: r.get(11)?,
        updated_at: r.get(12)?,
        orders: r.get(13)?,
        last_order: Some(r.get::<_, String>(14)?).filter(|t| !t.is_empty()),
        extra: crate::customer_user::extra::decode(r.get(15)?),
    })
}

/// The index of `seq` in a row of [`ROW_COLUMNS`].
const SEQ_AT: usize = 16;

fn read_rows(conn: &Connection, sql: &str, params: &[SqlValue]) -> rusqlite::Result<Fetched> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params.iter()), |r| {
        Ok((
            grid_row(r)?,
            r.get::<_, SqlValue>(SEQ_AT + 1)?,
            r.get(SEQ_AT)?,
        ))
    })?;
    rows.collect()
}

/// The predicate whose own index lists the fewest rows, if that is at most `small_set`.
fn pick_driver(conn: &Connection, preds: &[Predicate], small_set: i64) -> Result<Option<usize>> {
    let mut best: Option<(usize, i64)> = None;
    for (i, p) in preds.iter().enumerate() {
        let Some((sql, params)) = &p.driver else {
            continue;
        };
        let count: i64 = conn
            .prepare_cached(&format!(
                "SELECT count(*) FROM ({sql} LIMIT {})",
                small_set.saturating_add(1)
            ))?
            .query_row(rusqlite::params_from_iter(params.iter()), |r| r.get(0))?;
        if count <= small_set && best.is_none_or(|(_, c)| count < c) {
            best = Some((i, count));
        }
    }
    Ok(best.map(|(i, _)| i))
}

#[cfg(test)]
mod tests;
