//! `customer-users`: the Customer Users core from a shell, for scripting.
//!
//! JSON in (stdin) and out (stdout); a rejected command prints the core's
//! `{code, message, fields}` on stderr and exits non-zero.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use cu_core::actor::{Actor, Via};
use cu_core::bulk::Action;
use cu_core::csv::import::{self as csv_import, ImportKind, ImportMode, ImportProgress};
use cu_core::customer_user::input::CustomerUserInput;
use cu_core::grid::{GridFilter, GridQuery, Sort, SortField, SortOrder};
use cu_core::{
    account, account::sign_in as auth, bulk, customer_user,
    customer_user::write as customer_user_write, generate, history, mail::outbox,
    mail::template as email_template, reference, settings, CoreError, Database, ErrorCode,
};
use serde::Serialize;

#[derive(Parser)]
#[command(
    name = "customer-users",
    version,
    about = "Manage a B2B storefront's customer users from the shell"
)]
struct Cli {
    /// The database file (default: the desktop app's, in the OS app-data folder).
    #[arg(long, global = true, env = "CUSTOMER_USERS_DB")]
    db: Option<PathBuf>,
    /// The back-office user who acts: recorded as the actor of every change.
    #[arg(long = "as", visible_alias = "actor", value_name = "USERNAME", global = true,
          default_value = cu_core::actor::FIRST_ADMIN)]
    actor: String,
    /// Print JSON (the web API's field names) instead of tables.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// One page of customer users, as the grid shows them.
    List {
        /// Quick search in names, email and customer name.
        #[arg(long)]
        q: Option<String>,
        /// A grid filter, FIELD=VALUE (repeatable): firstName=ann, emailEq=a@b.com, enabled=false, authStatus=reset …
        #[arg(long = "filter", value_name = "FIELD=VALUE")]
        filters: Vec<String>,
        /// Sort column: id, customerName, firstName, lastName, email, enabled, confirmed, isGuest, authStatus,
        /// createdAt, updatedAt, websiteName, roles.
        #[arg(long, default_value = "id")]
        sort: String,
        /// Sort descending.
        #[arg(long)]
        desc: bool,
        #[arg(long, default_value_t = cu_core::grid::DEFAULT_PAGE_SIZE)]
        page_size: u32,
        /// The page after this cursor (a previous page's nextCursor).
        #[arg(long)]
        after: Option<String>,
        /// The page before this cursor (a page's prevCursor).
        #[arg(long)]
        before: Option<String>,
    },
    /// Every detail of one customer user.
    Show {
        #[arg(value_name = "ID_OR_EMAIL")]
        id: String,
    },
    /// Create a customer user from one JSON object on stdin.
    Create,
    /// Change a customer user: a JSON object of the fields to change on stdin.
    Update {
        #[arg(value_name = "ID_OR_EMAIL")]
        id: String,
    },
    /// Delete customer users (each refused while they own records).
    Delete {
        #[arg(value_name = "ID_OR_EMAIL")]
        ids: Vec<String>,
    },
    /// Enable customer users (each needs a role).
    Enable {
        #[arg(value_name = "ID_OR_EMAIL")]
        ids: Vec<String>,
    },
    /// Disable customer users.
    Disable {
        #[arg(value_name = "ID_OR_EMAIL")]
        ids: Vec<String>,
    },
    /// Confirm unconfirmed users; each gets the welcome email with a set-password link.
    Confirm {
        #[arg(value_name = "ID_OR_EMAIL")]
        ids: Vec<String>,
    },
    /// Send the confirmation email again (with a new link).
    ResendConfirmation {
        #[arg(value_name = "ID_OR_EMAIL")]
        ids: Vec<String>,
    },
    /// Admin password reset: the user cannot sign in until they choose a new password
    /// through the emailed link.
    ResetPassword {
        #[arg(value_name = "ID_OR_EMAIL")]
        ids: Vec<String>,
    },
    /// Withdraw a password reset: the link stops working, the status is Active again.
    RevokeReset {
        #[arg(value_name = "ID_OR_EMAIL")]
        id: String,
    },
    /// Unlock users locked after too many failed sign-ins (no reset is forced).
    Unlock {
        #[arg(value_name = "ID_OR_EMAIL")]
        ids: Vec<String>,
    },
    /// Set a user's password, read from stdin (the policy and history apply).
    SetPassword {
        #[arg(value_name = "ID_OR_EMAIL")]
        id: String,
    },
    /// Export customer users as Oro's CSV (all, or those a filter and search select).
    Export {
        /// The file to write; it appears only when the export is complete.
        #[arg(long)]
        out: PathBuf,
        /// Quick search in names, email and customer name.
        #[arg(long)]
        q: Option<String>,
        /// A grid filter, FIELD=VALUE (repeatable), as `list` takes.
        #[arg(long = "filter", value_name = "FIELD=VALUE")]
        filters: Vec<String>,
        /// Export the selected users' addresses instead.
        #[arg(long)]
        addresses: bool,
    },
    /// Import customer users from Oro's CSV (or our export): every row is checked first.
    /// Without options nothing is written unless every row is valid. Exits 6 when rows have
    /// errors.
    Import {
        file: PathBuf,
        /// Check every row and print what the import would do; write nothing.
        #[arg(long, conflicts_with = "valid_rows_only")]
        check_only: bool,
        /// Import the valid rows; save the others, with their errors, to --rejects.
        #[arg(long, requires = "rejects")]
        valid_rows_only: bool,
        /// Where --valid-rows-only saves the failed rows (a CSV to fix and import again).
        #[arg(long, requires = "valid_rows_only")]
        rejects: Option<PathBuf>,
        /// The file holds customer user addresses.
        #[arg(long)]
        addresses: bool,
    },
    /// Imports that were run, newest first.
    Imports,
    /// Save the import data template: the columns and a sample row that imports as it is.
    Template {
        #[arg(long)]
        out: PathBuf,
        /// The address template.
        #[arg(long)]
        addresses: bool,
    },
    /// The e-mail outbox.
    #[command(subcommand)]
    Outbox(OutboxCommand),
    /// Sign-in attempts, newest first.
    LoginAttempts {
        /// A customer user id, or part of the email tried.
        #[arg(long)]
        user: Option<String>,
        /// Only successful (true) or failed (false) attempts.
        #[arg(long)]
        success: Option<bool>,
        /// From this time on (RFC 3339).
        #[arg(long)]
        from: Option<String>,
        /// Up to this time (RFC 3339).
        #[arg(long)]
        to: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
    /// Settings (password policy, lockout, confirmation, SMTP).
    #[command(subcommand)]
    Settings(SettingsCommand),
    /// E-mail templates.
    #[command(subcommand)]
    Templates(TemplatesCommand),
    /// The sign-in check the storefront server calls.
    #[command(subcommand)]
    Auth(AuthCommand),
    /// The change history of a customer user, newest first.
    History {
        #[arg(value_name = "ID_OR_EMAIL")]
        id: String,
    },
    /// Add a deterministic data set of N customer users (with what they need).
    Generate {
        #[arg(long)]
        users: u64,
    },
    /// Seed the desktop app's demo data set if the database has no customer users.
    Demo,
    /// Customers whose name contains --q.
    Customers {
        #[arg(long)]
        q: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Websites with their localizations and default roles.
    Websites,
    /// Customer user roles: the predefined ones plus --customer's own.
    Roles {
        #[arg(long)]
        customer: Option<String>,
    },
    /// Back-office users (owners and sales representatives).
    Users,
}

#[derive(Subcommand)]
enum OutboxCommand {
    /// Messages, newest first.
    List {
        /// Only this customer user's messages.
        #[arg(long)]
        user: Option<String>,
        /// queued, sent, failed or cancelled.
        #[arg(long)]
        state: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
    /// Send the messages that are due now, by SMTP.
    Deliver,
    /// Queue failed or cancelled messages again.
    Retry { ids: Vec<String> },
}

#[derive(Subcommand)]
enum SettingsCommand {
    /// Every setting, or one.
    Get { key: Option<String> },
    /// Change a setting.
    Set { key: String, value: String },
    /// Save the SMTP password, read from stdin, in the OS keychain (empty input forgets it).
    SetSmtpPassword,
}

#[derive(Subcommand)]
enum TemplatesCommand {
    /// The e-mail templates.
    List,
    /// One template.
    Show { name: String },
    /// Change a template: {"subject": …, "content": …} on stdin.
    Set { name: String },
    /// Put back a template's default wording.
    Restore { name: String },
}

#[derive(Subcommand)]
enum AuthCommand {
    /// Check a sign-in: the password is read from stdin. Exits 0 when signed in, 5 when refused.
    Check {
        email: String,
        #[arg(long, default_value = "cli")]
        source: String,
        #[arg(long)]
        ip: Option<String>,
        #[arg(long)]
        user_agent: Option<String>,
    },
}

/// Exit status of a sign-in check that was refused (the command itself worked).
const REFUSED: u8 = 5;
/// Exit status of an import or check that found errors in the file's rows.
const ROWS_REJECTED: u8 = 6;

#[global_allocator]
static ALLOCATOR: cu_core::Allocator = cu_core::Allocator;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run_command(&cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!(
                "{}",
                serde_json::to_string_pretty(&err).unwrap_or_else(|_| err.message.clone())
            );
            ExitCode::from(match err.code {
                ErrorCode::Validation | ErrorCode::InvalidInput => 2,
                ErrorCode::NotFound => 3,
                ErrorCode::Conflict => 4,
                ErrorCode::Storage | ErrorCode::Internal => 1,
            })
        }
    }
}

/// Runs the command; `Ok` with the exit status of a command that worked but said no.
fn run_command(cli: &Cli) -> Result<u8, CoreError> {
    let path = match &cli.db {
        Some(p) => p.clone(),
        None => cu_core::store::default_path().ok_or_else(|| {
            CoreError::invalid_input("No app-data folder is known here; pass --db PATH.")
        })?,
    };
    let db = Database::open(&path)?;
    // A new store has only its first admin; they are the default actor.
    let actor = db.read(|c| Actor::back_office(c, &cli.actor, Via::Cli))?;
    let out = Output { json: cli.json };
    let mut status = 0;
    dispatch(&db, &actor, &out, &cli.command, &mut status)?;
    Ok(status)
}

fn dispatch(
    db: &Database,
    actor: &Actor,
    out: &Output,
    command: &Command,
    status: &mut u8,
) -> Result<(), CoreError> {
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
        Command::Export {
            out: path,
            q,
            filters,
            addresses,
        } => {
            let query = cu_core::csv::export::Query {
                filter: Some(parse_filters(filters)?),
                q: q.clone(),
            };
            let progress = |done, total| eprint!("\rexported {done} of {total}");
            let cancel = std::sync::atomic::AtomicBool::new(false);
            let summary = ImportKind::of(*addresses)
                .export_to_file(db, &query, path, progress, &cancel)
                .map_err(|e| rename_field(e, "path", "out"))?;
            eprintln!();
            out.print(&summary)
        }
        Command::Import {
            file,
            check_only,
            valid_rows_only: _,
            rejects,
            addresses,
        } => {
            let mode = match (check_only, rejects) {
                (true, _) => ImportMode::CheckOnly,
                (false, Some(rejects)) => ImportMode::ValidRowsOnly {
                    rejects: rejects.clone(),
                },
                (false, None) => ImportMode::AllOrNothing,
            };
            let progress = |p: ImportProgress| {
                eprint!(
                    "\rread {} rows ({}%)",
                    p.rows,
                    p.done * 100 / p.total.max(1)
                )
            };
            let cancel = std::sync::atomic::AtomicBool::new(false);
            let report =
                ImportKind::of(*addresses).import(db, actor, file, &mode, progress, &cancel)?;
            eprintln!();
            if out.json {
                out.print(&report)?;
            } else {
                emit(&report.message)?;
                for line in &report.errors {
                    emit(line)?;
                }
                if report.counts.errors > report.errors.len() as u64 {
                    emit(&format!(
                        "… and more: {} rows have errors in all.",
                        report.counts.errors
                    ))?;
                }
                if let Some(rejects) = &report.rejects {
                    emit(&format!("The rows with errors are in {rejects}."))?;
                }
            }
            if report.counts.errors > 0 {
                *status = ROWS_REJECTED;
            }
            Ok(())
        }
        Command::Template {
            out: path,
            addresses,
        } => {
            cu_core::csv::template::write(db, ImportKind::of(*addresses), path)
                .map_err(|e| rename_field(e, "path", "out"))?;
            emit(&format!("The data template is in {}.", path.display()))
        }
        Command::Imports => {
            let list = db.read(|c| csv_import::list(c))?;
            if out.json {
                out.print(&list)
            } else {
                for i in &list {
                    emit(&format!(
                        "{} {} {} by {}: {} — read {}, added {}, updated {}, replaced {}, unchanged {}, errors {}",
                        i.finished_at, i.file, i.mode, i.actor, i.outcome, i.counts.read,
                        i.counts.added, i.counts.updated, i.counts.replaced, i.counts.unchanged,
                        i.counts.errors
                    ))?;
                }
                Ok(())
            }
        }
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
            cu_core::secrets::set_smtp_password(db, Some(&password))?;
            out.done(if password.is_empty() {
                "SMTP password forgotten"
            } else {
                "SMTP password saved in the system keychain"
            })
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
        Command::History { id } => {
            let id = user_id(db, id)?;
            out.print(&db.read(|c| history::for_record(c, "customer_user", &id))?)
        }
        Command::Generate { users } => {
            let report = generate::generate(db, actor, *users, |done| {
                eprintln!("generated {done} of {users}")
            })?;
            out.print(&report)
        }
        Command::Demo => {
            let seeded = cu_core::demo::seed_demo_if_empty(db)?;
            out.done(if seeded {
                "Demo data seeded"
            } else {
                "The database already has customer users"
            })
        }
        Command::Customers { q, limit } => {
            let list = db.read(|c| reference::list_customers(c, q.as_deref(), Some(*limit)))?;
            if out.json {
                return out.print(&list);
            }
            print_table(
                &["ID", "Customer", "Path"],
                list.iter()
                    .map(|c| vec![c.id.clone(), c.name.clone(), c.path.clone()]),
            )?;
            Ok(())
        }
        Command::Websites => {
            let list = db.read(|c| reference::list_websites(c))?;
            if out.json {
                return out.print(&list);
            }
            print_table(
                &["ID", "Website", "URL", "Localizations"],
                list.iter().map(|w| {
                    let locs = w
                        .localizations
                        .iter()
                        .map(|l| l.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                    vec![w.id.clone(), w.name.clone(), w.url.clone(), locs]
                }),
            )?;
            Ok(())
        }
        Command::Roles { customer } => {
            let customer = match customer {
                Some(key) => Some(
                    db.read(|c| reference::resolve_customer(c, key))?
                        .ok_or_else(|| CoreError::not_found("Customer", key))?,
                ),
                None => None,
            };
            let list = db.read(|c| reference::list_roles(c, customer.as_deref()))?;
            if out.json {
                return out.print(&list);
            }
            print_table(
                &["ID", "Role", "Label", "Type"],
                list.iter().map(|r| {
                    let kind = if r.customer_id.is_some() {
                        "Customizable"
                    } else {
                        "Predefined"
                    };
                    vec![
                        r.id.clone(),
                        r.role.clone(),
                        r.label.clone(),
                        kind.to_string(),
                    ]
                }),
            )?;
            Ok(())
        }
        Command::Users => {
            let list = db.read(|c| reference::list_users(c))?;
            if out.json {
                return out.print(&list);
            }
            print_table(
                &["ID", "Username", "Name", "Email"],
                list.iter().map(|u| {
                    vec![
                        u.id.clone(),
                        u.username.clone(),
                        u.name.clone(),
                        u.email.clone(),
                    ]
                }),
            )?;
            Ok(())
        }
    }
}

/// A single id gives the user (or the error) as the one-user command does; several give the
/// bulk summary, and exit 4 when any was skipped.
fn one_or_bulk(
    db: &Database,
    actor: &Actor,
    out: &Output,
    action: Action,
    ids: &[String],
    one: impl Fn(&Database, &Actor, &str) -> Result<customer_user::CustomerUser, CoreError>,
) -> Result<(), CoreError> {
    match user_ids(db, ids)?.as_slice() {
        [id] => out.print(&one(db, actor, id)?),
        ids => bulk(db, actor, out, action, ids),
    }
}

/// The id of the customer user a command names by id or e-mail.
fn user_id(db: &Database, key: &str) -> Result<String, CoreError> {
    db.read(|c| customer_user::resolve(c, key))
}

/// The ids of the customer users a command names by id or e-mail. One key must name a
/// user; of several, a key that names nobody is passed on as it is, for the bulk summary
/// to skip with its reason.
fn user_ids(db: &Database, keys: &[String]) -> Result<Vec<String>, CoreError> {
    match keys {
        [key] => Ok(vec![user_id(db, key)?]),
        _ => Ok(keys
            .iter()
            .map(|key| user_id(db, key).unwrap_or_else(|_| key.clone()))
            .collect()),
    }
}

fn bulk(
    db: &Database,
    actor: &Actor,
    out: &Output,
    action: Action,
    ids: &[String],
) -> Result<(), CoreError> {
    if ids.is_empty() {
        return Err(CoreError::field(
            "ids",
            "Give at least one customer user id.",
        ));
    }
    let summary = bulk::run(db, actor, action, ids)?;
    if out.json {
        out.print(&summary)?;
    } else {
        emit(&summary.message)?;
        for s in &summary.skipped {
            emit(&format!(
                "skipped {}: {}",
                s.email.as_deref().unwrap_or(&s.id),
                s.reason
            ))?;
        }
    }
    if summary.skipped.is_empty() {
        Ok(())
    } else {
        Err(CoreError {
            fields: summary
                .skipped
                .iter()
                .map(|s| cu_core::FieldError {
                    field: s.id.clone(),
                    message: s.reason.clone(),
                })
                .collect(),
            ..CoreError::conflict(summary.message)
        })
    }
}

/// The core names the file `path`; the CLI's option for it is `--out`.
fn rename_field(mut err: CoreError, from: &str, to: &str) -> CoreError {
    for f in &mut err.fields {
        if f.field == from {
            f.field = to.to_string();
        }
    }
    err
}

/// A setting's value as typed on a command line.
fn plain(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A password or other secret from stdin: one line, its line ending removed.
fn read_stdin_secret() -> Result<String, CoreError> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| CoreError::invalid_input(format!("Cannot read standard input: {e}")))?;
    Ok(text.trim_end_matches(['\r', '\n']).to_string())
}

struct Output {
    json: bool,
}

impl Output {
    /// Records print as JSON either way: a detail reads best that way in a terminal too.
    fn print(&self, value: &impl Serialize) -> Result<(), CoreError> {
        emit(&serde_json::to_string_pretty(value).map_err(|e| CoreError::internal(e.to_string()))?)
    }

    fn done(&self, message: &str) -> Result<(), CoreError> {
        if self.json {
            self.print(&serde_json::json!({ "message": message }))
        } else {
            emit(message)
        }
    }
}

fn read_stdin_json() -> Result<serde_json::Value, CoreError> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| CoreError::invalid_input(format!("Cannot read standard input: {e}")))?;
    if text.trim().is_empty() {
        return Err(CoreError::invalid_input(
            "Expected one JSON object on standard input; got nothing.",
        ));
    }
    Ok(serde_json::from_str(&text)?)
}

fn parse_sort(name: &str) -> Result<SortField, CoreError> {
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
fn parse_filters(pairs: &[String]) -> Result<GridFilter, CoreError> {
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

fn yes_no(b: bool) -> String {
    if b { "Yes" } else { "No" }.to_string()
}

/// Writes a line to stdout. A reader that went away (`| head`) ends the output quietly.
fn emit(text: &str) -> Result<(), CoreError> {
    match writeln!(std::io::stdout().lock(), "{text}") {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        other => other.map_err(|e| CoreError::internal(format!("Cannot write the output: {e}"))),
    }
}

fn print_table(headers: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Result<(), CoreError> {
    let rows: Vec<Vec<String>> = rows.collect();
    let widths: Vec<usize> = (0..headers.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([headers[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        emit(padded.join("  ").trim_end())
    };
    line(headers.iter().map(|h| h.to_string()).collect())?;
    for row in rows {
        line(row)?;
    }
    Ok(())
}
