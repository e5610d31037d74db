//! Account actions and sign-in: confirmation, password reset and set, unlock, sign-in checks and attempts.

use crate::*;

pub(crate) fn run(session: &mut Session<'_>, command: &Command) -> Result<(), CoreError> {
    let Session {
        db,
        actor,
        out,
        status,
    } = session;
    match command {
        Command::Confirm { ids } => {
            one_or_bulk(db, actor, out, Action::Confirm, ids, account::confirm)
        }
        Command::ResendConfirmation { ids } => one_or_bulk(
            db,
            actor,
            out,
            Action::ResendConfirmation,
            ids,
            account::resend_confirmation,
        ),
        Command::ResetPassword { ids } => one_or_bulk(
            db,
            actor,
            out,
            Action::ResetPassword,
            ids,
            account::reset_password,
        ),
        Command::RevokeReset { id } => {
            out.print(&account::revoke_reset(db, actor, &user_id(db, id)?)?)
        }
        Command::Unlock { ids } => {
            one_or_bulk(db, actor, out, Action::Unlock, ids, account::unlock)
        }
        Command::SetPassword { id } => {
            let password = read_stdin_secret()?;
            out.print(&account::set_password(
                db,
                actor,
                &user_id(db, id)?,
                &password,
            )?)
        }
        Command::LoginAttempts {
            user,
            success,
            from,
            to,
            limit,
        } => {
            let list = auth::attempts(
                db,
                &auth::AttemptQuery {
                    user: user.clone(),
                    success: *success,
                    from: from.clone(),
                    to: to.clone(),
                    limit: Some(*limit),
                },
            )?;
            if out.json {
                return out.print(&list);
            }
            print_table(
                &["Time", "Email", "Result", "Source", "IP", "User agent"],
                list.into_iter().map(|a| {
                    let result = match a.reason {
                        None => "success".to_string(),
                        Some(r) => r.as_str().to_string(),
                    };
                    vec![
                        a.at,
                        a.username,
                        result,
                        a.source,
                        a.ip.unwrap_or_default(),
                        a.user_agent.unwrap_or_default(),
                    ]
                }),
            )
        }
        Command::Auth(AuthCommand::Check {
            email,
            source,
            ip,
            user_agent,
        }) => {
            let outcome = auth::check(
                db,
                &auth::SignIn {
                    email: email.clone(),
                    password: read_stdin_secret()?,
                    source: Some(source.clone()),
                    ip: ip.clone(),
                    user_agent: user_agent.clone(),
                },
            )?;
            if !outcome.success {
                *status = REFUSED;
            }
            out.print(&outcome)
        }
        _ => Err(CoreError::internal("not a command of this group")),
    }
}
