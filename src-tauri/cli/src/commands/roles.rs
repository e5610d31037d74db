//! Customer user roles, the permissions they add up to, delegated account management, and
//! the back-office users and roles that decide what each admin may do.

use clap::{Args, Subcommand};
use cu_core::back_office::role::{self as back_office_role, BackOfficeRoleInput};
use cu_core::back_office::{self, BackOfficeUserInput};
use cu_core::role::delegation::{self, Delegated};
use cu_core::role::write::{self as role_write, RoleInput};
use cu_core::role::{self, permission, RoleQuery};

use crate::*;

/// The roles grid's filters, as `roles` takes them.
#[derive(Args)]
pub(crate) struct RoleFilter {
    /// Quick search in the label, the code and the customer's name.
    #[arg(long)]
    q: Option<String>,
    /// Roles of this customer (id or name).
    #[arg(long)]
    customer: Option<String>,
    /// Only predefined (true) or only customizable (false) roles.
    #[arg(long)]
    predefined: Option<bool>,
    #[arg(long)]
    self_managed: Option<bool>,
    #[arg(long)]
    public: Option<bool>,
    /// label, role, customer, type, selfManaged, public or users.
    #[arg(long, default_value = "label")]
    sort: String,
    #[arg(long)]
    desc: bool,
}

#[derive(Subcommand)]
pub(crate) enum RolesCommand {
    /// One role with its permission matrix and capabilities.
    Show {
        #[arg(value_name = "ID_OR_CODE")]
        id: String,
    },
    /// Create a role from one JSON object on stdin: label, customer, selfManaged, public,
    /// permissions ({entity: {action: level}}), capabilities.
    Create,
    /// Change a role: a JSON object of the fields to change on stdin (the code never changes).
    Update {
        #[arg(value_name = "ID_OR_CODE")]
        id: String,
    },
    /// Delete a role nobody holds.
    Delete {
        #[arg(value_name = "ID_OR_CODE")]
        id: String,
    },
    /// Give the role to customer users (exit 4 when any is skipped, with the reason).
    Assign {
        #[arg(value_name = "ID_OR_CODE")]
        role: String,
        #[arg(value_name = "USER_ID_OR_EMAIL")]
        users: Vec<String>,
    },
    /// Take the role from customer users; an enabled user keeps their last role.
    Unassign {
        #[arg(value_name = "ID_OR_CODE")]
        role: String,
        #[arg(value_name = "USER_ID_OR_EMAIL")]
        users: Vec<String>,
    },
}

#[derive(Subcommand)]
pub(crate) enum UsersCommand {
    /// Add a back-office user from a JSON object on stdin: username, firstName, lastName,
    /// email, role (id or label; the built-in Administrator when left out).
    Add,
    /// Give a back-office user a back-office role.
    SetRole {
        #[arg(value_name = "USERNAME")]
        user: String,
        #[arg(value_name = "ROLE")]
        role: String,
    },
    /// Back-office roles and their capabilities.
    Roles {
        #[command(subcommand)]
        command: Option<BackOfficeRolesCommand>,
    },
}

#[derive(Subcommand)]
pub(crate) enum BackOfficeRolesCommand {
    /// Create a back-office role from a JSON object on stdin: label, capabilities.
    Create,
    /// Change a back-office role: a JSON object of the fields to change on stdin.
    Update {
        #[arg(value_name = "ID_OR_LABEL")]
        id: String,
    },
    /// Delete a back-office role nobody holds.
    Delete {
        #[arg(value_name = "ID_OR_LABEL")]
        id: String,
    },
}

pub(crate) fn run(session: &mut Session<'_>, command: &Command) -> Result<(), CoreError> {
    let Session {
        db,
        actor,
        out,
        status,
    } = session;
    match command {
        Command::Roles {
            command: None,
            filter,
        } => {
            let query = RoleQuery {
                q: filter.q.clone(),
                customer: filter.customer.clone(),
                predefined: filter.predefined,
                self_managed: filter.self_managed,
                public: filter.public,
                sort: Some(filter.sort.clone()),
                desc: filter.desc,
                ..RoleQuery::default()
            };
            let list = db.read(|c| role::list(c, &query))?;
            if out.json {
                return out.print(&list);
            }
            let yes_no = |b: bool| if b { "Yes" } else { "No" }.to_string();
            print_table(
                &[
                    "ID",
                    "Label",
                    "Role",
                    "Type",
                    "Customer",
                    "Self-managed",
                    "Public",
                    "Users",
                ],
                list.iter().map(|r| {
                    vec![
                        r.id.clone(),
                        r.label.clone(),
                        r.role.clone(),
                        if r.predefined {
                            "Predefined"
                        } else {
                            "Customizable"
                        }
                        .to_string(),
                        r.customer
                            .as_ref()
                            .map_or(String::new(), |c| c.name.clone()),
                        yes_no(r.self_managed),
                        yes_no(r.public),
                        r.users.to_string(),
                    ]
                }),
            )
        }
        Command::Roles {
            command: Some(command),
            ..
        } => match command {
            RolesCommand::Show { id } => out.print(&db.read(|c| role::get(c, id))?),
            RolesCommand::Create => {
                let input = RoleInput::from_json(read_stdin_json()?)?;
                out.print(&role_write::create(db, actor, &input)?)
            }
            RolesCommand::Update { id } => {
                let input = RoleInput::from_json(read_stdin_json()?)?;
                out.print(&role_write::update(db, actor, id, &input)?)
            }
            RolesCommand::Delete { id } => {
                role_write::delete(db, actor, id)?;
                out.done(&format!("Role {id} deleted"))
            }
            RolesCommand::Assign { role, users } | RolesCommand::Unassign { role, users } => {
                let add = matches!(command, RolesCommand::Assign { .. });
                let ids = user_ids(db, users)?;
                report_bulk(out, &ids, |ids| {
                    cu_core::bulk::change_role(db, actor, role, add, ids)
                })
            }
        },
        Command::Permissions { id } => {
            let effective = db.read(|c| {
                let user = cu_core::customer_user::resolve(c, id)?;
                role::effective(c, &user)
            })?;
            if out.json {
                return out.print(&effective);
            }
            let from = |sources: &[permission::Source]| {
                sources
                    .iter()
                    .map(|s| s.label.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            print_table(
                &["Entity", "Action", "Level", "From"],
                effective
                    .grants
                    .iter()
                    .map(|g| {
                        vec![
                            g.entity.label().to_string(),
                            g.action.label().to_string(),
                            g.level.label().to_string(),
                            from(&g.from),
                        ]
                    })
                    .chain(effective.capabilities.iter().map(|c| {
                        vec![
                            "Capability".to_string(),
                            c.capability.label().to_string(),
                            String::new(),
                            from(&c.from),
                        ]
                    })),
            )
        }
        Command::Can {
            who,
            target,
            action,
        } => {
            let action = Delegated::parse(action).ok_or_else(|| {
                CoreError::field(
                    "action",
                    format!(
                        "\"{action}\" is not an action: {}.",
                        Delegated::ALL.map(Delegated::as_str).join(", ")
                    ),
                )
            })?;
            match db.read(|c| delegation::can(c, who, target, action))? {
                Ok(()) => out.done("allowed"),
                Err(reason) => {
                    *status = REFUSED;
                    out.done(&format!("denied: {reason}"))
                }
            }
        }
        Command::Users { command: None } => {
            let list = db.read(|c| back_office::list(c))?;
            if out.json {
                return out.print(&list);
            }
            print_table(
                &["ID", "Username", "Name", "Email", "Enabled", "Role"],
                list.iter().map(|u| {
                    vec![
                        u.id.clone(),
                        u.username.clone(),
                        u.name.clone(),
                        u.email.clone(),
                        if u.enabled { "Yes" } else { "No" }.to_string(),
                        u.role.as_ref().map_or(String::new(), |r| r.name.clone()),
                    ]
                }),
            )
        }
        Command::Users {
            command: Some(command),
        } => users(db, actor, out, command),
        _ => Err(CoreError::internal("not a command of this group")),
    }
}

fn users(
    db: &Database,
    actor: &Actor,
    out: &Output,
    command: &UsersCommand,
) -> Result<(), CoreError> {
    match command {
        UsersCommand::Add => {
            let input: BackOfficeUserInput = cu_core::error::parse_json(read_stdin_json()?)?;
            out.print(&back_office::create(db, actor, &input)?)
        }
        UsersCommand::SetRole { user, role } => {
            out.print(&back_office::set_role(db, actor, user, role)?)
        }
        UsersCommand::Roles { command: None } => {
            let list = db.read(|c| back_office_role::list(c))?;
            if out.json {
                return out.print(&list);
            }
            print_table(
                &["ID", "Label", "Capabilities", "Users"],
                list.iter().map(|r| {
                    vec![
                        r.id.clone(),
                        r.label.clone(),
                        if r.builtin {
                            "everything".to_string()
                        } else {
                            r.capabilities
                                .iter()
                                .map(|c| c.label())
                                .collect::<Vec<_>>()
                                .join(", ")
                        },
                        r.users.to_string(),
                    ]
                }),
            )
        }
        UsersCommand::Roles {
            command: Some(command),
        } => match command {
            BackOfficeRolesCommand::Create => {
                let input = BackOfficeRoleInput::from_json(read_stdin_json()?)?;
                out.print(&back_office_role::create(db, actor, &input)?)
            }
            BackOfficeRolesCommand::Update { id } => {
                let input = BackOfficeRoleInput::from_json(read_stdin_json()?)?;
                out.print(&back_office_role::update(db, actor, id, &input)?)
            }
            BackOfficeRolesCommand::Delete { id } => {
                back_office_role::delete(db, actor, id)?;
                out.done(&format!("Back-office role {id} deleted"))
            }
        },
    }
}
