//! E-mail: the outbox and the templates.

use crate::*;

pub(crate) fn run(session: &mut Session<'_>, command: &Command) -> Result<(), CoreError> {
    let Session { db, actor, out, .. } = session;
    match command {
        Command::Outbox(OutboxCommand::List { user, state, limit }) => {
            let state = match state {
                Some(s) => Some(outbox::State::parse(s).ok_or_else(|| {
                    CoreError::field("state", "Use one of queued, sent, failed, cancelled.")
                })?),
                None => None,
            };
            let list = outbox::list(
                db,
                &outbox::Query {
                    customer_user_id: user.clone(),
                    state,
                    limit: Some(*limit),
                },
            )?;
            if out.json {
                return out.print(&list);
            }
            print_table(
                &[
                    "ID",
                    "Created",
                    "To",
                    "Subject",
                    "State",
                    "Attempts",
                    "Last error",
                ],
                list.into_iter().map(|m| {
                    vec![
                        m.id,
                        m.created_at,
                        m.recipient,
                        m.subject,
                        m.state.as_str().to_string(),
                        m.attempts.to_string(),
                        m.last_error.unwrap_or_default(),
                    ]
                }),
            )
        }
        Command::Outbox(OutboxCommand::Deliver) => out.print(&outbox::deliver_configured(db)?),
        Command::Outbox(OutboxCommand::Retry { ids }) => {
            let retried = ids
                .iter()
                .map(|id| outbox::retry(db, actor, id))
                .collect::<Result<Vec<_>, _>>()?;
            out.print(&retried)
        }
        Command::Templates(TemplatesCommand::List) => out.print(&email_template::list(db)?),
        Command::Templates(TemplatesCommand::Show { name }) => {
            out.print(&email_template::get(db, name)?)
        }
        Command::Templates(TemplatesCommand::Set { name }) => {
            let input = read_stdin_json()?;
            let text = |key: &str| {
                input
                    .get(key)
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
                    .ok_or_else(|| CoreError::field(key, "Give the template's text as a string."))
            };
            out.print(&email_template::update(
                db,
                actor,
                name,
                &text("subject")?,
                &text("content")?,
            )?)
        }
        Command::Templates(TemplatesCommand::Restore { name }) => {
            out.print(&email_template::restore_default(db, actor, name)?)
        }
        _ => Err(CoreError::internal("not a command of this group")),
    }
}
