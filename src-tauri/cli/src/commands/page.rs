//! The customer user's page from the command line: addresses, consents, the records a user
//! owns, notes, events, the activity timeline and the organization's own fields. JSON in
//! (on stdin) and out, as the other commands.

use clap::{Args, Subcommand};
use cu_core::activity::event::{self, EventInput};
use cu_core::activity::note::{self, NoteInput};
use cu_core::activity::{self, ActivityItem, ActivityKind};
use cu_core::consent::{self, ConsentInput};
use cu_core::customer_user::address::AddressInput;
use cu_core::customer_user::address_book;
use cu_core::customer_user::extra::{self, ExtraFieldInput};
use cu_core::error::parse_json;
use cu_core::geo;
use cu_core::related::{self, RelatedInput, RelatedKind};
use serde_json::Value;

use crate::*;

/// `NOUN ID` lists the user's; `NOUN add ID` and the others change one.
#[derive(Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub(crate) struct Owned<C: Subcommand> {
    #[command(subcommand)]
    pub(crate) command: Option<C>,
    /// The customer user (id or e-mail).
    #[arg(value_name = "USER_ID_OR_EMAIL", required = true)]
    pub(crate) user: Option<String>,
}

impl<C: Subcommand> Owned<C> {
    /// The id of the user `NOUN ID` lists (clap requires the argument without a subcommand).
    fn listed_user(&self, db: &Database) -> Result<String, CoreError> {
        user_id(db, self.user.as_deref().unwrap_or_default())
    }
}

#[derive(Subcommand)]
pub(crate) enum AddressesCommand {
    /// Add an address from a JSON object on stdin (street, city, postalCode, country,
    /// region, regionText, types, defaults, ...).
    Add {
        #[arg(value_name = "USER_ID_OR_EMAIL")]
        user: String,
    },
    /// Replace an address with the JSON object on stdin.
    Update {
        #[arg(value_name = "ADDRESS_ID")]
        id: String,
    },
    Delete {
        #[arg(value_name = "ADDRESS_ID")]
        id: String,
    },
}

#[derive(Subcommand)]
pub(crate) enum ConsentsCommand {
    /// Record that the user accepted the consent (id or name), now.
    Accept {
        #[arg(value_name = "USER_ID_OR_EMAIL")]
        user: String,
        #[arg(value_name = "CONSENT")]
        consent: String,
    },
    /// Take the acceptance back (refused for a mandatory consent).
    Withdraw {
        #[arg(value_name = "USER_ID_OR_EMAIL")]
        user: String,
        #[arg(value_name = "CONSENT")]
        consent: String,
    },
    /// Every consent with when the user accepted it.
    Of {
        #[arg(value_name = "USER_ID_OR_EMAIL")]
        user: String,
    },
    /// Create a consent from a JSON object on stdin: name, mandatory, content, url.
    Create,
    Update {
        #[arg(value_name = "CONSENT")]
        id: String,
    },
    Delete {
        #[arg(value_name = "CONSENT")]
        id: String,
    },
}

#[derive(Subcommand)]
pub(crate) enum RelatedCommand {
    /// Make one for the user from a JSON object on stdin (number, status, currency, items
    /// [{sku, name, quantity, price}], validUntil), with the acting admin as Created By.
    Add {
        #[arg(value_name = "USER_ID_OR_EMAIL")]
        user: String,
    },
    /// One record with its line items.
    Show {
        #[arg(value_name = "RECORD_ID")]
        id: String,
    },
}

#[derive(Subcommand)]
pub(crate) enum ActivityCommand {
    /// Add one for the user from a JSON object on stdin (a note: body; an event: title,
    /// description, startsAt, endsAt).
    Add {
        #[arg(value_name = "USER_ID_OR_EMAIL")]
        user: String,
    },
    /// Change one with the JSON object of the fields to change on stdin.
    Update {
        #[arg(value_name = "ID")]
        id: String,
    },
    Delete {
        #[arg(value_name = "ID")]
        id: String,
    },
}

#[derive(Subcommand)]
pub(crate) enum FieldsCommand {
    /// Define a field from a JSON object on stdin: name, label, kind (text, number, date,
    /// boolean, choice), choices.
    Create,
    /// Change a field's label or choices (JSON on stdin).
    Update {
        #[arg(value_name = "ID_OR_NAME")]
        id: String,
    },
    Delete {
        #[arg(value_name = "ID_OR_NAME")]
        id: String,
    },
}

fn related(
    session: &Session<'_>,
    kind: RelatedKind,
    args: &Owned<RelatedCommand>,
) -> Result<(), CoreError> {
    let Session { db, actor, out, .. } = session;
    match &args.command {
        None => {
            let user = args.listed_user(db)?;
            out.print(&db.read(|c| related::list(c, &user, kind))?)
        }
        Some(RelatedCommand::Add { user }) => {
            let user = user_id(db, user)?;
            let input = RelatedInput::from_json(read_stdin_json()?)?;
            out.print(&related::create(db, actor, &user, kind, &input)?)
        }
        Some(RelatedCommand::Show { id }) => out.print(&db.read(|c| related::get(c, kind, id))?),
    }
}

/// What `notes` and `events` differ in: the timeline's kind, the noun, and the core's calls.
struct TimelineItems<I> {
    kind: ActivityKind,
    noun: &'static str,
    parse: fn(Value) -> Result<I, CoreError>,
    add: fn(&Database, &Actor, &str, &I) -> Result<ActivityItem, CoreError>,
    update: fn(&Database, &Actor, &str, &I) -> Result<ActivityItem, CoreError>,
    delete: fn(&Database, &Actor, &str) -> Result<(), CoreError>,
}

const NOTES: TimelineItems<NoteInput> = TimelineItems {
    kind: ActivityKind::Note,
    noun: "Note",
    parse: NoteInput::from_json,
    add: note::add,
    update: note::update,
    delete: note::delete,
};

const EVENTS: TimelineItems<EventInput> = TimelineItems {
    kind: ActivityKind::Event,
    noun: "Event",
    parse: EventInput::from_json,
    add: event::add,
    update: event::update,
    delete: event::delete,
};

fn timeline_items<I>(
    session: &Session<'_>,
    items: &TimelineItems<I>,
    args: &Owned<ActivityCommand>,
) -> Result<(), CoreError> {
    let Session { db, actor, out, .. } = session;
    match &args.command {
        None => {
            let user = args.listed_user(db)?;
            out.print(&db.read(|c| activity::timeline(c, &user, &[items.kind]))?)
        }
        Some(ActivityCommand::Add { user }) => {
            let user = user_id(db, user)?;
            let input = (items.parse)(read_stdin_json()?)?;
            out.print(&(items.add)(db, actor, &user, &input)?)
        }
        Some(ActivityCommand::Update { id }) => {
            let input = (items.parse)(read_stdin_json()?)?;
            out.print(&(items.update)(db, actor, id, &input)?)
        }
        Some(ActivityCommand::Delete { id }) => {
            (items.delete)(db, actor, id)?;
            out.done(&format!("{} {id} deleted", items.noun))
        }
    }
}

pub(crate) fn run(session: &mut Session<'_>, command: &Command) -> Result<(), CoreError> {
    let Session { db, actor, out, .. } = session;
    match command {
        Command::Countries => out.print(&geo::countries()),
        Command::Regions { country } => out.print(&geo::regions(country)),
        Command::Addresses(args) => match &args.command {
            None => {
                let user = args.listed_user(db)?;
                out.print(
                    &db.read(|c| cu_core::customer_user::get(c, &user))?
                        .addresses,
                )
            }
            Some(AddressesCommand::Add { user }) => {
                let user = user_id(db, user)?;
                let input: AddressInput = parse_json(read_stdin_json()?)?;
                out.print(&address_book::add(db, actor, &user, &input)?.addresses)
            }
            Some(AddressesCommand::Update { id }) => {
                let input: AddressInput = parse_json(read_stdin_json()?)?;
                out.print(&address_book::update(db, actor, id, &input)?.addresses)
            }
            Some(AddressesCommand::Delete { id }) => {
                out.print(&address_book::delete(db, actor, id)?.addresses)
            }
        },
        Command::Consents { command: None } => out.print(&db.read(|c| consent::list(c))?),
        Command::Consents {
            command: Some(command),
        } => match command {
            ConsentsCommand::Accept { user, consent: c } => {
                let user = user_id(db, user)?;
                out.print(&consent::accept(db, actor, &user, c)?)
            }
            ConsentsCommand::Withdraw { user, consent: c } => {
                let user = user_id(db, user)?;
                out.print(&consent::withdraw(db, actor, &user, c)?)
            }
            ConsentsCommand::Of { user } => {
                let user = user_id(db, user)?;
                out.print(&db.read(|c| consent::for_user(c, &user))?)
            }
            ConsentsCommand::Create => {
                let input = ConsentInput::from_json(read_stdin_json()?)?;
                out.print(&consent::create(db, actor, &input)?)
            }
            ConsentsCommand::Update { id } => {
                let input = ConsentInput::from_json(read_stdin_json()?)?;
                out.print(&consent::update(db, actor, id, &input)?)
            }
            ConsentsCommand::Delete { id } => {
                consent::delete(db, actor, id)?;
                out.done(&format!("Consent {id} deleted"))
            }
        },
        Command::Rfqs(args) => related(session, RelatedKind::Rfq, args),
        Command::Quotes(args) => related(session, RelatedKind::Quote, args),
        Command::Orders(args) => related(session, RelatedKind::Order, args),
        Command::ShoppingLists(args) => related(session, RelatedKind::ShoppingList, args),
        Command::Activity { user, kind } => {
            let user = user_id(db, user)?;
            let kinds: Vec<ActivityKind> = kind
                .iter()
                .map(|k| parse_json(Value::String(k.clone())))
                .collect::<Result<_, _>>()?;
            out.print(&db.read(|c| activity::timeline(c, &user, &kinds))?)
        }
        Command::Notes(args) => timeline_items(session, &NOTES, args),
        Command::Events(args) => timeline_items(session, &EVENTS, args),
        Command::Fields { command: None } => out.print(&db.read(|c| extra::list(c))?),
        Command::Fields {
            command: Some(command),
        } => match command {
            FieldsCommand::Create => {
                let input = ExtraFieldInput::from_json(read_stdin_json()?)?;
                out.print(&extra::create(db, actor, &input)?)
            }
            FieldsCommand::Update { id } => {
                let input = ExtraFieldInput::from_json(read_stdin_json()?)?;
                out.print(&extra::update(db, actor, id, &input)?)
            }
            FieldsCommand::Delete { id } => {
                extra::delete(db, actor, id)?;
                out.done(&format!("Field {id} deleted"))
            }
        },
        _ => Err(CoreError::internal("not a command of this group")),
    }
}
