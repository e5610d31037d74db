//! The grid against an oracle: every sort, filters and searches, both query plans, paged
//! forward and backward, must list exactly what a plain in-memory filter and sort lists.

use super::*;
use crate::actor::admin;
use crate::{generate, Database};

struct Row {
    row: CustomerUserRow,
    seq: i64,
    customer_id: String,
    website_id: Option<String>,
}

fn all_rows(conn: &Connection) -> Vec<Row> {
    let sql = format!("SELECT {ROW_COLUMNS}, customer_id, website_id FROM customer_user");
    let mut stmt = conn.prepare(&sql).unwrap();
    stmt.query_map([], |r| {
        Ok(Row {
            row: grid_row(r)?,
            seq: r.get(SEQ_AT)?,
            customer_id: r.get(SEQ_AT + 1)?,
            website_id: r.get(SEQ_AT + 2)?,
        })
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

/// SQLite's NOCASE: ASCII letters folded, nothing else.
fn fold(s: &str) -> String {
    s.to_ascii_lowercase()
}

fn contains(hay: &str, needle: &str) -> bool {
    fold(hay).contains(&fold(needle))
}

fn sort_key(r: &CustomerUserRow, field: SortField) -> String {
    let b = |v: bool| if v { "1" } else { "0" }.to_string();
    match field {
        SortField::Id => String::new(),
        SortField::CustomerName => fold(&r.customer_name),
        SortField::FirstName => fold(&r.first_name),
        SortField::LastName => fold(&r.last_name),
        SortField::Email => fold(&r.email),
        SortField::Enabled => b(r.enabled),
        SortField::Confirmed => b(r.confirmed),
        SortField::IsGuest => b(r.is_guest),
        SortField::AuthStatus => r.auth_status.as_str().into(),
        SortField::CreatedAt => r.created_at.clone(),
        SortField::UpdatedAt => r.updated_at.clone(),
        SortField::WebsiteName => fold(&r.website_name),
        SortField::Roles => fold(&r.roles),
        SortField::Orders => format!("{:010}", r.orders),
        SortField::LastOrder => r.last_order.clone().unwrap_or_default(),
    }
}

fn matches(r: &Row, f: &GridFilter, q: Option<&str>) -> bool {
    let u = &r.row;
    let text_ok = |v: &Option<String>, field: &str| v.as_deref().is_none_or(|v| contains(field, v));
    let eq_ok =
        |v: &Option<String>, field: &str| v.as_deref().is_none_or(|v| fold(v) == fold(field));
    text_ok(&f.customer_name, &u.customer_name)
        && text_ok(&f.first_name, &u.first_name)
        && text_ok(&f.last_name, &u.last_name)
        && text_ok(&f.email, &u.email)
        && text_ok(&f.roles, &u.roles)
        && eq_ok(&f.customer_name_eq, &u.customer_name)
        && eq_ok(&f.first_name_eq, &u.first_name)
        && eq_ok(&f.last_name_eq, &u.last_name)
        && eq_ok(&f.email_eq, &u.email)
        && f.enabled.is_none_or(|v| v == u.enabled)
        && f.confirmed.is_none_or(|v| v == u.confirmed)
        && f.is_guest.is_none_or(|v| v == u.is_guest)
        && f.auth_status.is_none_or(|v| v == u.auth_status)
        && f.customer_id.as_ref().is_none_or(|v| *v == r.customer_id)
        && f.website_id
            .as_ref()
            .is_none_or(|v| Some(v) == r.website_id.as_ref())
        && f.created_from
            .as_ref()
            .is_none_or(|v| u.created_at.as_str() >= v.as_str())
        && q.unwrap_or("").split_whitespace().all(|t| {
            contains(&u.first_name, t)
                || contains(&u.last_name, t)
                || contains(&u.email, t)
                || contains(&u.customer_name, t)
        })
}

fn expected(rows: &[Row], sort: Sort, filter: &GridFilter, q: Option<&str>) -> Vec<String> {
    let mut hits: Vec<&Row> = rows.iter().filter(|r| matches(r, filter, q)).collect();
    hits.sort_by(|a, b| {
        (sort_key(&a.row, sort.field), a.seq).cmp(&(sort_key(&b.row, sort.field), b.seq))
    });
    if sort.order == SortOrder::Desc {
        hits.reverse();
    }
    hits.into_iter().map(|r| r.row.id.clone()).collect()
}

/// Every page forward, then every page back from the last one.
fn paged(
    conn: &mut Connection,
    ranks: &mut SortRanks,
    base: &GridQuery,
    plan: (i64, Option<Duration>),
) -> (Vec<String>, Vec<String>) {
    let mut forward = Vec::new();
    let mut query = base.clone();
    let (last_page, last_page_prev) = loop {
        let page = list_planned(conn, ranks, &query, plan.0, plan.1).unwrap();
        let ids: Vec<String> = page.rows.iter().map(|r| r.id.clone()).collect();
        forward.extend(ids.iter().cloned());
        match page.next_cursor {
            Some(next) => query.after = Some(next),
            None => break (ids, page.prev_cursor),
        }
    };
    // Walk back from the last page: the rows before it, page by page, then the last page.
    let mut backward: Vec<String> = last_page;
    let mut query = GridQuery {
        after: None,
        before: last_page_prev,
        ..base.clone()
    };
    while query.before.is_some() {
        let page = list_planned(conn, ranks, &query, plan.0, plan.1).unwrap();
        let mut ids: Vec<String> = page.rows.iter().map(|r| r.id.clone()).collect();
        ids.extend(backward);
        backward = ids;
        query.before = page.prev_cursor;
    }
    (forward, backward)
}

/// Equal lists, or a short report of where they part.
fn assert_same(got: &[String], want: &[String], case: &str) {
    if let Some(i) = (0..got.len().max(want.len())).find(|&i| got.get(i) != want.get(i)) {
        panic!(
            "{case}: {} rows vs {} expected; first difference at {i}",
            got.len(),
            want.len()
        );
    }
}

#[test]
fn every_sort_filter_and_plan_pages_like_the_oracle() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&dir.path().join("grid.sqlite3")).unwrap();
    generate::generate(&db, &admin(), 400, |_| {}).unwrap();
    db.read_ranked(|conn, ranks| {
        let rows = all_rows(conn);
        let some = &rows[17];
        let filters: Vec<(GridFilter, Option<&str>)> = vec![
            (GridFilter::default(), None),
            (
                GridFilter {
                    enabled: Some(false),
                    ..Default::default()
                },
                None,
            ),
            (GridFilter::default(), Some("ann")),
            (GridFilter::default(), Some("an")),
            (GridFilter::default(), Some("acme ROSSI")),
            (
                GridFilter {
                    first_name: Some("ar".into()),
                    ..Default::default()
                },
                None,
            ),
            (
                GridFilter {
                    last_name: Some("sen".into()),
                    confirmed: Some(true),
                    ..Default::default()
                },
                None,
            ),
            (
                GridFilter {
                    email: Some("example".into()),
                    customer_name: Some("Wayne".into()),
                    ..Default::default()
                },
                None,
            ),
            (
                GridFilter {
                    last_name_eq: Some(some.row.last_name.to_uppercase()),
                    ..Default::default()
                },
                None,
            ),
            (
                GridFilter {
                    email_eq: Some(some.row.email.clone()),
                    ..Default::default()
                },
                None,
            ),
            (
                GridFilter {
                    is_guest: Some(true),
                    ..Default::default()
                },
                None,
            ),
            (
                GridFilter {
                    auth_status: Some(AuthStatus::Reset),
                    ..Default::default()
                },
                None,
            ),
            (
                GridFilter {
                    customer_id: Some(some.customer_id.clone()),
                    ..Default::default()
                },
                Some("a"),
            ),
            (
                GridFilter {
                    website_id: some.website_id.clone(),
                    enabled: Some(true),
                    ..Default::default()
                },
                None,
            ),
            (
                GridFilter {
                    roles: Some("admin".into()),
                    ..Default::default()
                },
                None,
            ),
            (
                GridFilter {
                    created_from: Some(rows[200].row.created_at.clone()),
                    ..Default::default()
                },
                None,
            ),
            (
                GridFilter {
                    first_name: Some("100%_\\".into()),
                    ..Default::default()
                },
                None,
            ),
        ];
        let mut checked = 0;
        for field in SortField::ALL {
            for order in [SortOrder::Asc, SortOrder::Desc] {
                let sort = Sort { field, order };
                for (filter, q) in &filters {
                    let want = expected(&rows, sort, filter, *q);
                    let query = GridQuery {
                        filter: Some(filter.clone()),
                        q: q.map(str::to_string),
                        sort: Some(sort),
                        page_size: Some(23),
                        ..Default::default()
                    };
                    // Start from a selective filter; walk the sort index; give the walk up at
                    // once (a search then orders its matches by their places).
                    for plan in [(i64::MAX, None), (0, None), (0, Some(Duration::ZERO))] {
                        let (forward, backward) = paged(conn, ranks, &query, plan);
                        let case = format!("{sort:?} {filter:?} {q:?} plan={plan:?}");
                        assert_same(&forward, &want, &format!("forward {case}"));
                        assert_same(&backward, &want, &format!("backward {case}"));
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 1300);
        Ok(())
    })
    .unwrap();
}

#[test]
fn bad_page_sizes_and_cursors_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&dir.path().join("grid.sqlite3")).unwrap();
    let field_of = |query: GridQuery| page(&db, &query).unwrap_err().fields[0].field.clone();
    assert_eq!(
        field_of(GridQuery {
            page_size: Some(0),
            ..Default::default()
        }),
        "pageSize"
    );
    assert_eq!(
        field_of(GridQuery {
            after: Some("garbage!".into()),
            ..Default::default()
        }),
        "after"
    );
    let other_sort = encode_cursor(SortField::Email, &SqlValue::Text("a".into()), 1);
    assert_eq!(
        field_of(GridQuery {
            before: Some(other_sort),
            ..Default::default()
        }),
        "before"
    );
    assert_eq!(
        field_of(GridQuery {
            filter: Some(GridFilter {
                created_to: Some("yesterday".into()),
                ..Default::default()
            }),
            ..Default::default()
        }),
        "filter.createdTo"
    );
}

/// The first names of a search's first page, through the plan that orders matches by place.
fn ranked_first_names(db: &Database, q: &str, order: SortOrder) -> Vec<String> {
    let query = GridQuery {
        q: Some(q.into()),
        sort: Some(Sort {
            field: SortField::FirstName,
            order,
        }),
        page_size: Some(5),
        ..Default::default()
    };
    db.read_ranked(|conn, ranks| list_planned(conn, ranks, &query, 0, Some(Duration::ZERO)))
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.first_name)
        .collect()
}

#[test]
fn places_follow_changes_from_this_connection_and_from_others() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("grid.sqlite3");
    let db = Database::open(&path).unwrap();
    generate::generate(&db, &admin(), 300, |_| {}).unwrap();
    let ids = |db: &Database| {
        page(
            db,
            &GridQuery {
                q: Some("example".into()),
                page_size: Some(2),
                ..Default::default()
            },
        )
        .unwrap()
        .rows
    };
    let [first, second] = <[CustomerUserRow; 2]>::try_from(ids(&db)).unwrap();
    // Both end up first in first-name order once renamed; the places must know it.
    assert_ne!(
        ranked_first_names(&db, "example", SortOrder::Asc)[0],
        "Aaaa"
    );
    crate::account::update(
        &db,
        &admin(),
        &first.id,
        &serde_json::json!({"firstName": "Aaaa"}),
    )
    .unwrap();
    assert_eq!(
        ranked_first_names(&db, "example", SortOrder::Asc)[0],
        "Aaaa"
    );

    let other = Database::open(&path).unwrap();
    crate::account::update(
        &other,
        &admin(),
        &second.id,
        &serde_json::json!({"firstName": "Zzzz"}),
    )
    .unwrap();
    assert_eq!(
        ranked_first_names(&db, "example", SortOrder::Desc)[0],
        "Zzzz"
    );
}

#[test]
fn a_cursor_whose_row_moved_or_went_pages_like_the_walk() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&dir.path().join("grid.sqlite3")).unwrap();
    generate::generate(&db, &admin(), 300, |_| {}).unwrap();
    let query = GridQuery {
        q: Some("example".into()),
        sort: Some(Sort {
            field: SortField::LastName,
            order: SortOrder::Asc,
        }),
        page_size: Some(20),
        ..Default::default()
    };
    let ids = |page: Page<CustomerUserRow>| page.rows.into_iter().map(|r| r.id).collect::<Vec<_>>();
    let next_page = |after: &str, walk_budget: Option<Duration>| {
        let query = GridQuery {
            after: Some(after.to_string()),
            ..query.clone()
        };
        db.read_ranked(|conn, ranks| list_planned(conn, ranks, &query, 0, walk_budget))
            .map(ids)
            .unwrap()
    };
    for change in ["move", "delete"] {
        let first = page(&db, &query).unwrap();
        let cursor = first.next_cursor.clone().unwrap();
        let last = first.rows.last().unwrap().id.clone();
        match change {
            "move" => {
                crate::account::update(
                    &db,
                    &admin(),
                    &last,
                    &serde_json::json!({"lastName": "Zz"}),
                )
                .unwrap();
            }
            _ => crate::customer_user::write::delete(&db, &admin(), &last).unwrap(),
        }
        let walked = next_page(&cursor, None);
        assert_eq!(walked.len(), 20, "{change}");
        assert_eq!(next_page(&cursor, Some(Duration::ZERO)), walked, "{change}");
    }
}
