//! The grid's filters and quick search as SQL predicates, each with a faster way to list
//! the rows it matches when it is selective.

use rusqlite::types::Value as SqlValue;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::customer_user::AuthStatus;
use crate::store::escape_like;
use crate::{CoreError, Result};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct GridFilter {
    #[ts(optional)]
    pub customer_name: Option<String>,
    #[ts(optional)]
    pub customer_name_eq: Option<String>,
    #[ts(optional)]
    pub first_name: Option<String>,
    #[ts(optional)]
    pub first_name_eq: Option<String>,
    #[ts(optional)]
    pub last_name: Option<String>,
    #[ts(optional)]
    pub last_name_eq: Option<String>,
    #[ts(optional)]
    pub email: Option<String>,
    #[ts(optional)]
    pub email_eq: Option<String>,
    /// A role label contained in the user's roles.
    #[ts(optional)]
    pub roles: Option<String>,
    #[ts(optional)]
    pub enabled: Option<bool>,
    #[ts(optional)]
    pub confirmed: Option<bool>,
    #[ts(optional)]
    pub is_guest: Option<bool>,
    #[ts(optional)]
    pub auth_status: Option<AuthStatus>,
    #[ts(optional)]
    pub customer_id: Option<String>,
    #[ts(optional)]
    pub website_id: Option<String>,
    #[ts(optional)]
    pub created_from: Option<String>,
    #[ts(optional)]
    pub created_to: Option<String>,
    #[ts(optional)]
    pub updated_from: Option<String>,
    #[ts(optional)]
    pub updated_to: Option<String>,
    /// Users who accepted this consent (its id)...
    #[ts(optional)]
    pub consent_accepted: Option<String>,
    /// ... or have not.
    #[ts(optional)]
    pub consent_not_accepted: Option<String>,
    /// The organization's own fields, by name: text contains the value, the others equal it
    /// (`true` / `false` for yes/no).
    #[ts(optional)]
    pub extra: Option<std::collections::BTreeMap<String, String>>,
}

/// A filter as SQL, with an optional faster way to list the rows it matches.
pub(super) struct Predicate {
    pub(super) sql: String,
    pub(super) params: Vec<SqlValue>,
    /// `SELECT seq …` through an index, used when the filter is selective.
    pub(super) driver: Option<(String, Vec<SqlValue>)>,
    /// The predicate whose driver (the shared trigram search) also answers this one.
    pub(super) answered_by: Option<usize>,
}

/// A phrase for FTS5 MATCH: the text in double quotes, inner quotes doubled.
fn fts_phrase(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn text(v: &str) -> SqlValue {
    SqlValue::Text(v.to_string())
}

pub(super) fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Builds the predicates of `filter` and `q`. Text "contains" filters of three or more
/// characters also get one shared trigram-index driver.
pub(super) fn predicates(filter: &GridFilter, q: Option<&str>) -> Result<Vec<Predicate>> {
    let mut preds = Vec::new();
    let mut fts_terms: Vec<String> = Vec::new();
    let mut fts_covered: Vec<usize> = Vec::new();

    let contains: [(&str, &Option<String>); 4] = [
        ("customer_name", &filter.customer_name),
        ("first_name", &filter.first_name),
        ("last_name", &filter.last_name),
        ("email", &filter.email),
    ];
    for (column, value) in contains {
        if let Some(v) = present(value) {
            if v.chars().count() >= 3 {
                fts_terms.push(format!("{column} : {}", fts_phrase(v)));
                fts_covered.push(preds.len());
            }
            preds.push(Predicate {
                sql: format!("{column} LIKE ? ESCAPE '\\'"),
                params: vec![text(&format!("%{}%", escape_like(v)))],
                driver: None,
                answered_by: None,
            });
        }
    }
    for term in q.unwrap_or("").split_whitespace() {
        if term.chars().count() >= 3 {
            fts_terms.push(fts_phrase(term));
            fts_covered.push(preds.len());
        }
        let pattern = text(&format!("%{}%", escape_like(term)));
        preds.push(Predicate {
            sql: "(first_name LIKE ? ESCAPE '\\' OR last_name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\' \
                  OR customer_name LIKE ? ESCAPE '\\')"
                .into(),
            params: vec![pattern; 4],
            driver: None,
            answered_by: None,
        });
    }
    if !fts_terms.is_empty() {
        // One driver for all text terms; its predicates are then implied and skipped.
        let sql =
            "SELECT rowid FROM customer_user_search WHERE customer_user_search MATCH ?".to_string();
        let first = fts_covered[0];
        preds[first].driver = Some((sql, vec![text(&fts_terms.join(" AND "))]));
        for &i in &fts_covered {
            preds[i].answered_by = Some(first);
        }
    }

    let equals: [(&str, &Option<String>); 4] = [
        ("customer_name", &filter.customer_name_eq),
        ("first_name", &filter.first_name_eq),
        ("last_name", &filter.last_name_eq),
        ("email", &filter.email_eq),
    ];
    for (column, value) in equals {
        if let Some(v) = present(value) {
            preds.push(indexed(column, text(v)));
        }
    }
    if let Some(v) = present(&filter.roles) {
        preds.push(Predicate {
            sql: "roles_label LIKE ? ESCAPE '\\'".into(),
            params: vec![text(&format!("%{}%", escape_like(v)))],
            driver: None,
            answered_by: None,
        });
    }
    for (column, value) in [
        ("enabled", filter.enabled),
        ("confirmed", filter.confirmed),
        ("is_guest", filter.is_guest),
    ] {
        if let Some(v) = value {
            preds.push(indexed(column, SqlValue::Integer(v as i64)));
        }
    }
    if let Some(status) = filter.auth_status {
        preds.push(indexed("auth_status", text(status.as_str())));
    }
    if let Some(v) = present(&filter.customer_id) {
        preds.push(indexed("customer_id", text(v)));
    }
    if let Some(v) = present(&filter.website_id) {
        preds.push(indexed("website_id", text(v)));
    }
    for (column, from, to, from_field, to_field) in [
        (
            "created_at",
            &filter.created_from,
            &filter.created_to,
            "filter.createdFrom",
            "filter.createdTo",
        ),
        (
            "updated_at",
            &filter.updated_from,
            &filter.updated_to,
            "filter.updatedFrom",
            "filter.updatedTo",
        ),
    ] {
        let lower = present(from)
            .map(|v| time_bound(v, false, from_field))
            .transpose()?;
        let upper = present(to)
            .map(|v| time_bound(v, true, to_field))
            .transpose()?;
        if lower.is_none() && upper.is_none() {
            continue;
        }
        let mut conds = Vec::new();
        let mut params = Vec::new();
        if let Some(l) = lower {
            conds.push(format!("{column} >= ?"));
            params.push(text(&l));
        }
        if let Some(u) = upper {
            conds.push(format!("{column} < ?"));
            params.push(text(&u));
        }
        let sql = conds.join(" AND ");
        preds.push(Predicate {
            driver: Some((
                format!("SELECT seq FROM customer_user WHERE {sql}"),
                params.clone(),
            )),
            answered_by: None,
            sql,
            params,
        });
    }
    if let Some(consent) = present(&filter.consent_accepted) {
        preds.push(Predicate {
            sql: ACCEPTED.into(),
            params: vec![text(consent)],
            driver: Some((
                "SELECT u.seq FROM consent_acceptance a JOIN customer_user u ON u.id = a.customer_user_id
                 WHERE a.consent_id = ?"
                    .into(),
                vec![text(consent)],
            )),
            answered_by: None,
        });
    }
    if let Some(consent) = present(&filter.consent_not_accepted) {
        preds.push(Predicate {
            sql: format!("NOT {ACCEPTED}"),
            params: vec![text(consent)],
            driver: None,
            answered_by: None,
        });
    }
    for (name, value) in filter.extra.iter().flatten() {
        preds.push(extra_predicate(name, value)?);
    }
    Ok(preds)
}

const ACCEPTED: &str = "EXISTS (SELECT 1 FROM consent_acceptance a
    WHERE a.consent_id = ? AND a.customer_user_id = customer_user.id)";

/// A value of the organization's field `name`: text contains `value`, the other kinds
/// equal it.
fn extra_predicate(name: &str, value: &str) -> Result<Predicate> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(CoreError::field(
            format!("filter.extra.{name}"),
            "There is no customer user field with this name.",
        ));
    }
    let path = text(&format!("$.{name}"));
    let value = value.trim();
    Ok(Predicate {
        sql: "CASE json_type(extra, ?)
                WHEN 'text' THEN json_extract(extra, ?) LIKE ? ESCAPE '\\'
                WHEN 'true' THEN ? = 'true'
                WHEN 'false' THEN ? = 'false'
                ELSE CAST(json_extract(extra, ?) AS TEXT) = ? END"
            .into(),
        params: vec![
            path.clone(),
            path.clone(),
            text(&format!("%{}%", escape_like(value))),
            text(value),
            text(value),
            path,
            text(value),
        ],
        driver: None,
        answered_by: None,
    })
}

/// The condition of a query with no filter and no search.
pub(crate) const EVERYONE: &str = "1";

/// The filter and quick search as one SQL condition on `customer_user` (for exports, which
/// read every matching row in order rather than a page).
pub(crate) fn where_clause(
    filter: &GridFilter,
    q: Option<&str>,
) -> Result<(String, Vec<SqlValue>)> {
    let preds = predicates(filter, q)?;
    if preds.is_empty() {
        return Ok((EVERYONE.into(), Vec::new()));
    }
    let sql = preds
        .iter()
        .map(|p| format!("({})", p.sql))
        .collect::<Vec<_>>()
        .join(" AND ");
    let params = preds.into_iter().flat_map(|p| p.params).collect();
    Ok((sql, params))
}

/// `column = value`, listed through the column's own index when selective.
fn indexed(column: &str, value: SqlValue) -> Predicate {
    Predicate {
        sql: format!("{column} = ?"),
        params: vec![value.clone()],
        driver: Some((
            format!("SELECT seq FROM customer_user WHERE {column} = ?"),
            vec![value],
        )),
        answered_by: None,
    }
}

/// A date or timestamp as a bound on RFC 3339 text. An upper date bound includes that day.
fn time_bound(value: &str, upper: bool, field: &str) -> Result<String> {
    if let Ok(date) = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        let day = if upper {
            date.succ_opt().unwrap_or(date)
        } else {
            date
        };
        return Ok(format!("{}T00:00:00.000Z", day.format("%Y-%m-%d")));
    }
    match chrono::DateTime::parse_from_rfc3339(value) {
        Ok(t) => {
            let t = t.with_timezone(&chrono::Utc);
            let t = if upper {
                t + chrono::Duration::milliseconds(1)
            } else {
                t
            };
            Ok(crate::store::timestamp(t))
        }
        Err(_) => Err(CoreError::field(field, "This value is not a valid date.")),
    }
}
