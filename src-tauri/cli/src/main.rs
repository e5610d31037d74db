//! `customer-users`: the Customer Users core from a shell, for scripting.
//!
//! JSON in (stdin) and out (stdout); a rejected command prints the core's
//! `{code, message, fields}` on stderr and exits non-zero.

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

mod commands;
mod output;

use output::*;

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
    /// The back-office user who acts: recorded as the actor of every change (default: the
    /// admin signed in to the team server, else the store's first admin).
    #[arg(
        long = "as",
        visible_alias = "actor",
        value_name = "USERNAME",
        global = true
    )]
    actor: Option<String>,
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
        /// Replace --out when it already exists.
        #[arg(long)]
        force: bool,
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
        /// Replace --rejects when it already exists.
        #[arg(long, requires = "rejects")]
        force: bool,
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
        /// Replace --out when it already exists.
        #[arg(long)]
        force: bool,
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
    /// Customer user roles, as the Roles grid lists them (filters and sort); `show`,
    /// `create`, `update`, `delete` one.
    Roles {
        #[command(subcommand)]
        command: Option<commands::roles::RolesCommand>,
        #[command(flatten)]
        filter: commands::roles::RoleFilter,
    },
    /// What a customer user may do: the grants of all their roles, each with its roles.
    Permissions {
        #[arg(value_name = "ID_OR_EMAIL")]
        id: String,
    },
    /// Whether customer user ACTOR may do ACTION (view, create, edit, enable, disable,
    /// delete, assign-role) to customer user TARGET (for create: a customer). Prints
    /// `allowed` (exit 0) or `denied: REASON` (exit 5).
    Can {
        // Not `actor`: that is the id of the global `--as`.
        #[arg(value_name = "ACTOR")]
        who: String,
        #[arg(value_name = "TARGET")]
        target: String,
        #[arg(value_name = "ACTION")]
        action: String,
    },
    /// Back-office users with their roles; `add`, `set-role`, and their `roles`.
    Users {
        #[command(subcommand)]
        command: Option<commands::roles::UsersCommand>,
    },
    /// Every country (ISO 3166-1), with whether an address there must name a region.
    Countries,
    /// A country's regions (ISO 3166-2).
    Regions { country: String },
    /// A customer user's addresses; `add`, `update`, `delete` one.
    Addresses(commands::page::Owned<commands::page::AddressesCommand>),
    /// The consents; `accept`, `withdraw`, `of USER` (a user's acceptances), `create`,
    /// `update`, `delete`.
    Consents {
        #[command(subcommand)]
        command: Option<commands::page::ConsentsCommand>,
    },
    /// A customer user's requests for quote; `add`, `show`.
    Rfqs(commands::page::Owned<commands::page::RelatedCommand>),
    /// A customer user's quotes; `add`, `show`.
    Quotes(commands::page::Owned<commands::page::RelatedCommand>),
    /// A customer user's orders; `add`, `show`.
    Orders(commands::page::Owned<commands::page::RelatedCommand>),
    /// A customer user's shopping lists; `add`, `show`.
    ShoppingLists(commands::page::Owned<commands::page::RelatedCommand>),
    /// A customer user's timeline, newest first: notes, e-mails and events (--kind to pick).
    Activity {
        #[arg(value_name = "USER_ID_OR_EMAIL")]
        user: String,
        /// note, email or event; repeat for several.
        #[arg(long)]
        kind: Vec<String>,
    },
    /// A customer user's notes; `add`, `update`, `delete` one.
    Notes(commands::page::Owned<commands::page::ActivityCommand>),
    /// A customer user's events; `add`, `update`, `delete` one.
    Events(commands::page::Owned<commands::page::ActivityCommand>),
    /// The organization's own customer user fields; `create`, `update`, `delete` one.
    Fields {
        #[command(subcommand)]
        command: Option<commands::page::FieldsCommand>,
    },
    /// The team server this store syncs with.
    #[command(subcommand)]
    Server(ServerCommand),
    /// Push this store's changes to the team server and pull everyone else's, until up to
    /// date; prints what moved.
    Sync {
        #[command(subcommand)]
        command: Option<SyncCommand>,
        /// On the first sync with a team that has records: replace this store's records
        /// with the team's (they are not sent).
        #[arg(long)]
        replace_local: bool,
        #[command(flatten)]
        connection: Connection,
    },
}

#[derive(clap::Args)]
struct Connection {
    /// A PEM file with the CA that signed the server's certificate (beside the system's).
    #[arg(long, global = true)]
    ca_file: Option<PathBuf>,
    /// Allow plain http:// to another machine (the network must be private).
    #[arg(long, global = true)]
    insecure_http: bool,
}

#[derive(Subcommand)]
enum ServerCommand {
    /// Sign in to the team server as EMAIL; the password is read from stdin, the tokens go
    /// to the OS keychain.
    Login {
        url: String,
        email: String,
        #[command(flatten)]
        connection: Connection,
    },
    /// Sign out: the tokens are forgotten, the records stay.
    Logout {
        #[command(flatten)]
        connection: Connection,
    },
}

#[derive(Subcommand)]
enum SyncCommand {
    /// Pending changes, refused changes with their reasons, last sync, cursor.
    Status,
    /// Send a refused change again at the next sync (a clock that was ahead, now right).
    Retry {
        /// The refused change's number (`sync status`).
        seq: u64,
    },
    /// Drop a change the server refused: the record goes back to the server's copy.
    Discard {
        /// The refused change's number (`sync status`).
        seq: u64,
    },
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

/// The core allocates a few small strings per cell and per field; mimalloc makes a
/// million-row check or import ~8 % faster than the system allocator (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run_command(&cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            let json = serde_json::to_string_pretty(&err).unwrap_or_else(|_| err.message.clone());
            eprintln!("{}", output::terminal_safe(&json));
            ExitCode::from(match err.code {
                ErrorCode::Validation | ErrorCode::InvalidInput => 2,
                ErrorCode::NotFound => 3,
                ErrorCode::Conflict => 4,
                ErrorCode::Storage | ErrorCode::Internal => 1,
                ErrorCode::Unavailable => 8,
                ErrorCode::Unauthorized => 9,
                ErrorCode::Forbidden => 7,
            })
        }
    }
}

/// The desktop app's database, which the CLI works on unless told otherwise (`--db PATH` or
/// `CUSTOMER_USERS_DB`): in the OS app-data folder, as Tauri names it for the app.
fn default_db_path() -> Option<PathBuf> {
    let folder = dirs::data_dir()?.join(cu_core::store::APP_IDENTIFIER);
    Some(folder.join("customer-users.sqlite3"))
}

/// Runs the command; `Ok` with the exit status of a command that worked but said no.
fn run_command(cli: &Cli) -> Result<u8, CoreError> {
    let path = match &cli.db {
        Some(p) => p.clone(),
        None => default_db_path().ok_or_else(|| {
            CoreError::invalid_input("No app-data folder is known here; pass --db PATH.")
        })?,
    };
    let db = Database::open(&path)?;
    // A new store has only its first admin; they are the default actor, until an admin
    // signs the store in to a team server.
    let actor = db.read(|c| {
        let key = match &cli.actor {
            Some(key) => key.clone(),
            None => cu_core::sync::state::server_url(c)?
                .and(cu_core::back_office::current_admin(c)?)
                .map_or_else(|| cu_core::actor::FIRST_ADMIN.to_string(), |u| u.username),
        };
        Actor::back_office(c, &key, Via::Cli)
    })?;
    let mut session = Session {
        db: &db,
        actor: &actor,
        out: &Output { json: cli.json },
        status: 0,
    };
    dispatch(&mut session, &cli.command)?;
    Ok(session.status)
}

/// What every command runs with: the store, who acts, how to print, and the exit status of
/// a command that worked but said no.
pub(crate) struct Session<'a> {
    db: &'a Database,
    actor: &'a Actor,
    out: &'a Output,
    status: u8,
}

fn dispatch(session: &mut Session<'_>, command: &Command) -> Result<(), CoreError> {
    match command {
        Command::List { .. }
        | Command::Show { .. }
        | Command::Create
        | Command::Update { .. }
        | Command::Delete { .. }
        | Command::Enable { .. }
        | Command::Disable { .. }
        | Command::History { .. } => commands::users::run(session, command),
        Command::Confirm { .. }
        | Command::ResendConfirmation { .. }
        | Command::ResetPassword { .. }
        | Command::RevokeReset { .. }
        | Command::Unlock { .. }
        | Command::SetPassword { .. }
        | Command::LoginAttempts { .. }
        | Command::Auth { .. } => commands::account::run(session, command),
        Command::Export { .. }
        | Command::Import { .. }
        | Command::Template { .. }
        | Command::Imports => commands::csv::run(session, command),
        Command::Outbox { .. } | Command::Templates { .. } => commands::mail::run(session, command),
        Command::Settings { .. } => commands::settings::run(session, command),
        Command::Generate { .. }
        | Command::Demo
        | Command::Customers { .. }
        | Command::Websites => commands::reference::run(session, command),
        Command::Roles { .. }
        | Command::Permissions { .. }
        | Command::Can { .. }
        | Command::Users { .. } => commands::roles::run(session, command),
        Command::Server(_) | Command::Sync { .. } => commands::sync::run(session, command),
        Command::Countries
        | Command::Regions { .. }
        | Command::Addresses(_)
        | Command::Consents { .. }
        | Command::Rfqs(_)
        | Command::Quotes(_)
        | Command::Orders(_)
        | Command::ShoppingLists(_)
        | Command::Activity { .. }
        | Command::Notes(_)
        | Command::Events(_)
        | Command::Fields { .. } => commands::page::run(session, command),
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
    report_bulk(out, ids, |ids| bulk::run(db, actor, action, ids))
}

/// Runs a bulk action on `ids` and prints its summary; exits 4 when any user was skipped.
fn report_bulk(
    out: &Output,
    ids: &[String],
    run: impl FnOnce(&[String]) -> Result<bulk::Summary, CoreError>,
) -> Result<(), CoreError> {
    if ids.is_empty() {
        return Err(CoreError::field(
            "ids",
            "Give at least one customer user id.",
        ));
    }
    let summary = run(ids)?;
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
