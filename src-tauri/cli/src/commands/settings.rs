//! The organization's settings and the SMTP password.

use crate::*;

pub(crate) fn run(session: &mut Session<'_>, command: &Command) -> Result<(), CoreError> {
    let Session { db, actor, out, .. } = session;
    match command {
        Command::Settings(SettingsCommand::Get { key }) => {
            let all = settings::list(db)?;
            match key {
                None if !out.json => print_table(
                    &["Key", "Value", "Default", "Setting"],
                    all.into_iter()
                        .map(|s| vec![s.key, plain(&s.value), plain(&s.default), s.label]),
                ),
                None => out.print(&all),
                Some(key) => out.print(
                    &all.into_iter()
                        .find(|s| &s.key == key)
                        .ok_or_else(|| CoreError::not_found("Setting", key))?,
                ),
            }
        }
        Command::Settings(SettingsCommand::Set { key, value }) => out.print(&settings::set(
            db,
            actor,
            key,
            &serde_json::Value::String(value.clone()),
        )?),
        Command::Settings(SettingsCommand::SetSmtpPassword) => {
            let password = read_stdin_secret()?;
            cu_core::secrets::set_smtp_password(db, actor, Some(&password))?;
            out.done(if password.is_empty() {
                "SMTP password forgotten"
            } else {
                "SMTP password saved in the system keychain"
            })
        }
        _ => Err(CoreError::internal("not a command of this group")),
    }
}
