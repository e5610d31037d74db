//! Customer users: the grid's list, one user, create, update, delete, enable, disable, History.

use crate::*;

pub(crate) fn run(session: &mut Session<'_>, command: &Command) -> Result<(), CoreError> {
    let Session { db, actor, out, .. } = session;
    match command {
        Command::List {
            q,
            filters,
            sort,
            desc,
            page_size,
            after,
            before,
        } => {
            let query = GridQuery {
                filter: Some(parse_filters(filters)?),
                q: q.clone(),
                sort: Some(Sort {
                    field: parse_sort(sort)?,
                    order: if *desc {
                        SortOrder::Desc
                    } else {
                        SortOrder::Asc
                    },
                }),
                page_size: Some(*page_size),
                after: after.clone(),
                before: before.clone(),
            };
            let page = cu_core::grid::page(db, &query)?;
            if out.json {
                return out.print(&page);
            }
            let rows = page.rows.iter().map(|r| {
                vec![
                    r.id.clone(),
                    r.customer_name.clone(),
                    r.first_name.clone(),
                    r.last_name.clone(),
                    r.email.clone(),
                    yes_no(r.enabled),
                    yes_no(r.confirmed),
                    yes_no(r.is_guest),
                    r.auth_status.as_str().to_string(),
                ]
            });
            print_table(
                &[
                    "ID",
                    "Customer",
                    "First Name",
                    "Last Name",
                    "Email Address",
                    "Enabled",
                    "Confirmed",
                    "Guest",
                    "Password",
                ],
                rows,
            )?;
            if let Some(next) = &page.next_cursor {
                emit(&format!("next page: --after {next}"))?;
            }
            if let Some(prev) = &page.prev_cursor {
                emit(&format!("previous page: --before {prev}"))?;
            }
            Ok(())
        }
        Command::Show { id } => {
            let id = user_id(db, id)?;
            out.print(&db.read(|c| customer_user::get(c, &id))?)
        }
        Command::Create => {
            let input = CustomerUserInput::from_json(read_stdin_json()?)?;
            out.print(&account::create(db, actor, &input)?)
        }
        Command::Update { id } => {
            let id = user_id(db, id)?;
            out.print(&account::update(db, actor, &id, &read_stdin_json()?)?)
        }
        Command::Delete { ids } => match user_ids(db, ids)?.as_slice() {
            [id] => {
                customer_user_write::delete(db, actor, id)?;
                out.done(&format!("Customer User {id} deleted"))
            }
            ids => bulk(db, actor, out, Action::Delete, ids),
        },
        Command::Enable { ids } => match user_ids(db, ids)?.as_slice() {
            [id] => out.print(&customer_user_write::set_enabled(db, actor, id, true)?),
            ids => bulk(db, actor, out, Action::Enable, ids),
        },
        Command::Disable { ids } => match user_ids(db, ids)?.as_slice() {
            [id] => out.print(&customer_user_write::set_enabled(db, actor, id, false)?),
            ids => bulk(db, actor, out, Action::Disable, ids),
        },
        Command::History { id } => {
            let id = user_id(db, id)?;
            out.print(&db.read(|c| history::for_record(c, "customer_user", &id))?)
        }
        _ => Err(CoreError::internal("not a command of this group")),
    }
}

pub(crate) fn parse_sort(name: &str) -> Result<SortField, CoreError> {
    serde_json::from_value(serde_json::Value::String(name.to_string())).map_err(|_| {
        let names: Vec<String> = SortField::ALL
            .iter()
            .filter_map(|f| {
                serde_json::to_value(f)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
            })
            .collect();
        CoreError::field(
            "sort",
            format!(
                "Unknown sort column \"{name}\"; use one of {}.",
                names.join(", ")
            ),
        )
    })
}

/// `FIELD=VALUE` pairs into a grid filter; `true`/`false` become booleans.
pub(crate) fn parse_filters(pairs: &[String]) -> Result<GridFilter, CoreError> {
    let mut map = serde_json::Map::new();
    for pair in pairs {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| CoreError::field("filter", format!("\"{pair}\" is not FIELD=VALUE.")))?;
        let value = match value {
            "true" | "yes" | "1" if matches!(key, "enabled" | "confirmed" | "isGuest") => {
                serde_json::Value::Bool(true)
            }
            "false" | "no" | "0" if matches!(key, "enabled" | "confirmed" | "isGuest") => {
                serde_json::Value::Bool(false)
            }
            other => serde_json::Value::String(other.to_string()),
        };
        map.insert(key.to_string(), value);
    }
    serde_json::from_value(serde_json::Value::Object(map))
        .map_err(|e| CoreError::field("filter", e.to_string()))
}
