//! Delegated account management: whether one customer user may view, create, edit,
//! enable, disable or delete another, or give them a role. The one place that decides it,
//! for the storefront API and the CLI's `can`.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::permission::{Action, Capability, Effective, Entity, Level};
use crate::{CoreError, Result};

/// What the acting customer user wants to do to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum Delegated {
    View,
    /// Add a user to the target customer.
    Create,
    Edit,
    Enable,
    Disable,
    Delete,
    AssignRole,
}

impl Delegated {
    pub const ALL: [Delegated; 7] = [
        Delegated::View,
        Delegated::Create,
        Delegated::Edit,
        Delegated::Enable,
        Delegated::Disable,
        Delegated::Delete,
        Delegated::AssignRole,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Delegated::View => "view",
            Delegated::Create => "create",
            Delegated::Edit => "edit",
            Delegated::Enable => "enable",
            Delegated::Disable => "disable",
            Delegated::Delete => "delete",
            Delegated::AssignRole => "assign-role",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// The customer-user permission the action needs (enabling is an edit, as in Oro).
    fn permission(self) -> Action {
        match self {
            Delegated::View => Action::View,
            Delegated::Create => Action::Create,
            Delegated::Edit | Delegated::Enable | Delegated::Disable => Action::Edit,
            Delegated::Delete => Action::Delete,
            Delegated::AssignRole => Action::Assign,
        }
    }
}

/// A customer as the tree places it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub id: String,
    pub name: String,
}

/// The acting customer user.
#[derive(Debug, Clone)]
pub struct ActingUser {
    pub id: String,
    pub name: String,
    pub enabled: bool,
    pub customer: Node,
    pub effective: Effective,
}

/// What is acted on: a customer user (`user` is their id), or for `create` the customer the
/// new user would join. `chain` is that customer and its parents, up to the root.
#[derive(Debug, Clone)]
pub struct Target {
    pub user: Option<String>,
    pub chain: Vec<Node>,
}

/// `Ok` when allowed, else the reason in words.
pub fn decide(actor: &ActingUser, target: &Target, action: Delegated) -> Result<(), String> {
    if !actor.enabled {
        return Err(format!("{} is disabled.", actor.name));
    }
    let own = target.user.as_deref() == Some(actor.id.as_str());
    if own && matches!(action, Delegated::Disable | Delegated::Delete) {
        return Err(format!(
            "Nobody may {} themselves.",
            if action == Delegated::Delete {
                "delete"
            } else {
                "disable"
            }
        ));
    }
    if own && action == Delegated::Edit && actor.effective.has(Capability::UpdateOwnProfile) {
        return Ok(());
    }
    let permission = action.permission();
    let level = actor.effective.level(Entity::CustomerUser, permission);
    let what = format!("{} permission on customer users", permission.label());
    let Some(customer) = target.chain.first() else {
        return Err("The target has no customer.".into());
    };
    match level {
        Level::None => Err(format!("{} has no {what}.", actor.name)),
        Level::User if own => Ok(()),
        Level::User => Err(format!(
            "{}'s {what} is {}: it reaches only their own account.",
            actor.name,
            level.label()
        )),
        Level::Department if own || customer.id == actor.customer.id => Ok(()),
        Level::Department => Err(format!(
            "{}'s {what} is {}: it reaches only the users of {}.",
            actor.name,
            level.label(),
            actor.customer.name
        )),
        Level::Corporate if own || target.chain.iter().any(|c| c.id == actor.customer.id) => Ok(()),
        Level::Corporate => Err(format!(
            "{}'s {what} is {}: it reaches the users of {} and its subsidiaries, and {} is not \
             one of them.",
            actor.name,
            level.label(),
            actor.customer.name,
            customer.name
        )),
    }
}

/// `customer` and its parents up to the root (a cycle stops the walk).
pub fn chain(conn: &Connection, customer: &str) -> Result<Vec<Node>> {
    let mut nodes: Vec<Node> = Vec::new();
    let mut next = Some(customer.to_string());
    while let Some(id) = next.take() {
        if nodes.iter().any(|n| n.id == id) {
            break;
        }
        let Some((name, parent)) = conn
            .prepare_cached("SELECT name, parent_id FROM customer WHERE id = ?1")?
            .query_row([&id], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))
            .optional()?
        else {
            break;
        };
        nodes.push(Node { id, name });
        next = parent;
    }
    Ok(nodes)
}

/// Whether customer user `actor` may do `action` to `target` (a customer user's id or
/// e-mail; for `create`, a customer's id or name).
pub fn can(
    conn: &Connection,
    actor: &str,
    target: &str,
    action: Delegated,
) -> Result<Result<(), String>> {
    let actor_id = crate::customer_user::resolve(conn, actor)?;
    let (name, enabled, customer): (String, bool, String) = conn.query_row(
        "SELECT trim(first_name || ' ' || last_name), enabled, customer_id FROM customer_user WHERE id = ?1",
        [&actor_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let customer_node = chain(conn, &customer)?
        .into_iter()
        .next()
        .ok_or_else(|| CoreError::not_found("Customer", &customer))?;
    let acting = ActingUser {
        id: actor_id.clone(),
        name,
        enabled,
        customer: customer_node,
        effective: super::effective(conn, &actor_id)?,
    };
    let target = if action == Delegated::Create {
        let id = crate::reference::resolve_customer(conn, target)?
            .ok_or_else(|| CoreError::not_found("Customer", target))?;
        Target {
            user: None,
            chain: chain(conn, &id)?,
        }
    } else {
        let id = crate::customer_user::resolve(conn, target)?;
        let customer: String = conn.query_row(
            "SELECT customer_id FROM customer_user WHERE id = ?1",
            [&id],
            |r| r.get(0),
        )?;
        Target {
            user: Some(id),
            chain: chain(conn, &customer)?,
        }
    };
    Ok(decide(&acting, &target, action))
}

#[cfg(test)]
mod tests {
    use super::super::permission::{accumulate, Permissions, RoleGrants, Source};
    use super::*;

    /// Holding → Division → Branch, and a Rival beside them.
    fn node(id: &str) -> Node {
        Node {
            id: id.into(),
            name: id.into(),
        }
    }

    fn chain_of(customer: &str) -> Vec<Node> {
        let path: &[&str] = match customer {
            "Holding" => &["Holding"],
            "Division" => &["Division", "Holding"],
            "Branch" => &["Branch", "Division", "Holding"],
            _ => &["Rival"],
        };
        path.iter().map(|c| node(c)).collect()
    }

    fn actor(customer: &str, level: Level, own_profile: bool) -> ActingUser {
        let mut permissions = Permissions::new();
        for action in Entity::CustomerUser.actions() {
            permissions
                .entry(Entity::CustomerUser)
                .or_default()
                .insert(*action, level);
        }
        let role = RoleGrants {
            source: Source {
                id: "r".into(),
                label: "Role".into(),
            },
            permissions,
            capabilities: if own_profile {
                vec![Capability::UpdateOwnProfile]
            } else {
                Vec::new()
            },
        };
        ActingUser {
            id: "me".into(),
            name: "Mia".into(),
            enabled: true,
            customer: node(customer),
            effective: accumulate(&[role]),
        }
    }

    fn target(user: &str, customer: &str) -> Target {
        Target {
            user: Some(user.into()),
            chain: chain_of(customer),
        }
    }

    /// Every access level of an actor at Division against every place a target can be.
    #[test]
    fn each_access_level_reaches_as_far_as_it_says() {
        use Level::*;
        // (level, target user, target customer, allowed)
        let table = [
            (None, "me", "Division", false),
            (None, "other", "Division", false),
            (User, "me", "Division", true),
            (User, "other", "Division", false),
            (Department, "me", "Division", true),
            (Department, "other", "Division", true),
            (Department, "other", "Branch", false),
            (Department, "other", "Holding", false),
            (Department, "other", "Rival", false),
            (Corporate, "me", "Division", true),
            (Corporate, "other", "Division", true),
            (Corporate, "other", "Branch", true),
            (Corporate, "other", "Holding", false),
            (Corporate, "other", "Rival", false),
        ];
        for (level, user, customer, allowed) in table {
            let a = actor("Division", level, false);
            for action in [
                Delegated::View,
                Delegated::Edit,
                Delegated::Enable,
                Delegated::AssignRole,
            ] {
                let got = decide(&a, &target(user, customer), action);
                assert_eq!(
                    got.is_ok(),
                    allowed,
                    "{level:?} {} {user}@{customer}: {got:?}",
                    action.as_str()
                );
            }
            if user != "me" {
                for action in [Delegated::Disable, Delegated::Delete] {
                    let got = decide(&a, &target(user, customer), action);
                    assert_eq!(
                        got.is_ok(),
                        allowed,
                        "{level:?} {}: {got:?}",
                        action.as_str()
                    );
                }
            }
        }
    }

    #[test]
    fn creating_a_user_reaches_the_customer_as_far_as_the_level_says() {
        let new_in = |customer: &str| Target {
            user: Option::None,
            chain: chain_of(customer),
        };
        let cases = [
            (Level::User, "Division", false),
            (Level::Department, "Division", true),
            (Level::Department, "Branch", false),
            (Level::Corporate, "Branch", true),
            (Level::Corporate, "Holding", false),
        ];
        for (level, customer, allowed) in cases {
            let got = decide(
                &actor("Division", level, false),
                &new_in(customer),
                Delegated::Create,
            );
            assert_eq!(
                got.is_ok(),
                allowed,
                "{level:?} create in {customer}: {got:?}"
            );
        }
    }

    #[test]
    fn nobody_may_disable_or_delete_themselves_whatever_their_level() {
        let a = actor("Holding", Level::Corporate, true);
        for action in [Delegated::Disable, Delegated::Delete] {
            let reason = decide(&a, &target("me", "Holding"), action).unwrap_err();
            assert!(reason.contains("themselves"), "{reason}");
        }
    }

    #[test]
    fn update_user_profile_lets_a_user_edit_only_their_own_account() {
        let a = actor("Division", Level::None, true);
        assert!(decide(&a, &target("me", "Division"), Delegated::Edit).is_ok());
        assert!(decide(&a, &target("other", "Division"), Delegated::Edit).is_err());
        assert!(decide(&a, &target("me", "Division"), Delegated::AssignRole).is_err());
    }

    #[test]
    fn a_disabled_user_may_do_nothing_and_a_refusal_says_why() {
        let mut a = actor("Division", Level::Corporate, true);
        a.enabled = false;
        assert_eq!(
            decide(&a, &target("other", "Division"), Delegated::View),
            Err("Mia is disabled.".to_string())
        );
        let b = actor("Division", Level::Department, false);
        let reason = decide(&b, &target("other", "Branch"), Delegated::Edit).unwrap_err();
        assert_eq!(
            reason,
            "Mia's Edit permission on customer users is Department (Same Level): it reaches \
             only the users of Division."
        );
    }
}
