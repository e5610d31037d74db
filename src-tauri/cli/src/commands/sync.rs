//! The team server: signing in and out, syncing, and where a sync stands.

use cu_client::{Options, Remote};
use cu_core::sync::{self, Join};

use crate::*;

fn options(connection: &Connection) -> Options {
    Options {
        ca_file: connection.ca_file.clone(),
        insecure_http: connection.insecure_http,
    }
}

/// The options given on this command line, or `None` to connect as the sign-in did.
fn given(connection: &Connection) -> Option<Options> {
    (connection.ca_file.is_some() || connection.insecure_http).then(|| options(connection))
}

pub(crate) fn run(session: &mut Session<'_>, command: &Command) -> Result<(), CoreError> {
    let Session { db, out, .. } = session;
    match command {
        Command::Server(ServerCommand::Login {
            url,
            email,
            connection,
        }) => {
            let password = read_stdin_secret()?;
            let mut remote = Remote::new(db, url, &options(connection))?;
            let admin = remote.sign_in(email, &password)?;
            out.done(&format!(
                "Signed in to {url} as {admin}; the tokens are in the system keychain. \
                 Run `customer-users sync` to sync."
            ))
        }
        Command::Server(ServerCommand::Logout { connection }) => {
            match Remote::signed_in(db, given(connection).as_ref()) {
                Ok(mut remote) => remote.sign_out()?,
                // Not signed in: there is nothing to end on a server, only tokens to forget.
                Err(_) => {
                    cu_core::secrets::set_sync_tokens(db, None)?;
                    sync::disconnect(db)?;
                }
            }
            out.done("Signed out; this store's records stay.")
        }
        Command::Sync {
            command: Some(SyncCommand::Status),
            ..
        } => {
            let status = sync::status(db)?;
            if out.json {
                return out.print(&status);
            }
            let lines = [
                (
                    "Server",
                    status
                        .server
                        .clone()
                        .unwrap_or_else(|| "(not signed in)".into()),
                ),
                ("Admin", status.admin.clone().unwrap_or_default()),
                ("Pending changes", status.pending.to_string()),
                ("Refused changes", status.refused.len().to_string()),
                ("Waiting records", status.waiting.len().to_string()),
                (
                    "Last sync",
                    status.last_sync.clone().unwrap_or_else(|| "never".into()),
                ),
                ("Last error", status.last_error.clone().unwrap_or_default()),
                ("Cursor", status.cursor.to_string()),
            ];
            print_table(
                &["", ""],
                lines.into_iter().map(|(k, v)| vec![k.to_string(), v]),
            )?;
            if !status.refused.is_empty() {
                print_table(
                    &["#", "Record", "Field", "Refused because"],
                    status.refused.into_iter().map(|r| {
                        vec![
                            r.seq.to_string(),
                            format!("{} {}", r.entity, r.entity_id),
                            r.field.unwrap_or_default(),
                            r.message,
                        ]
                    }),
                )?;
            }
            Ok(())
        }
        Command::Sync {
            command: Some(SyncCommand::Retry { seq }),
            ..
        } => {
            sync::retry(db, *seq)?;
            out.done(&format!(
                "Change #{seq} goes to the server again at the next sync."
            ))
        }
        Command::Sync {
            command: Some(SyncCommand::Discard { seq }),
            connection,
            ..
        } => {
            let mut remote = Remote::signed_in(db, given(connection).as_ref())?;
            sync::discard(db, &mut remote, *seq)?;
            out.done(&format!(
                "Change #{seq} discarded: the record is the server's copy again."
            ))
        }
        Command::Sync {
            command: None,
            replace_local,
            connection,
        } => {
            let mut remote = Remote::signed_in(db, given(connection).as_ref())?;
            let how = if *replace_local {
                Join::ReplaceLocal
            } else {
                Join::Ask
            };
            let report = sync::run(db, &mut remote, how, &mut |received| {
                if !out.json {
                    eprintln!("received {received} records");
                }
            })?;
            if out.json {
                return out.print(&report);
            }
            out.done(&format!(
                "Up to date: sent {} records ({} refused), received {} ({} changed here, {} \
                 waiting).",
                report.pushed, report.refused, report.pulled, report.applied, report.waiting
            ))
        }
        _ => Err(CoreError::internal("not a command of this group")),
    }
}
