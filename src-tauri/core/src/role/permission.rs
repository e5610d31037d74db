//! What a customer user role allows on the storefront: the permission matrix (entity ×
//! action × access level), the storefront capabilities, and how the grants of several roles
//! add up. Pure: no store.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How far a grant reaches, narrowest first (Oro's storefront labels).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize, TS,
)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Level {
    #[default]
    None,
    /// The user's own records ("User (Own)").
    User,
    /// The records of the user's customer ("Department (Same Level)").
    Department,
    /// The records of the user's customer and its subsidiaries ("Corporate (All Levels)").
    Corporate,
}

impl Level {
    pub const ALL: [Level; 4] = [
        Level::None,
        Level::User,
        Level::Department,
        Level::Corporate,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Level::None => "None",
            Level::User => "User (Own)",
            Level::Department => "Department (Same Level)",
            Level::Corporate => "Corporate (All Levels)",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Action {
    View,
    Create,
    Edit,
    Delete,
    Assign,
}

impl Action {
    pub const ALL: [Action; 5] = [
        Action::View,
        Action::Create,
        Action::Edit,
        Action::Delete,
        Action::Assign,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Action::View => "View",
            Action::Create => "Create",
            Action::Edit => "Edit",
            Action::Delete => "Delete",
            Action::Assign => "Assign",
        }
    }
}

/// The storefront records a role grants access to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Entity {
    Customer,
    CustomerAddress,
    CustomerUser,
    CustomerUserAddress,
    CustomerUserRole,
    Order,
    Quote,
    RequestForQuote,
    ShoppingList,
    Checkout,
}

impl Entity {
    pub const ALL: [Entity; 10] = [
        Entity::Customer,
        Entity::CustomerAddress,
        Entity::CustomerUser,
        Entity::CustomerUserAddress,
        Entity::CustomerUserRole,
        Entity::Order,
        Entity::Quote,
        Entity::RequestForQuote,
        Entity::ShoppingList,
        Entity::Checkout,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Entity::Customer => "Customer",
            Entity::CustomerAddress => "Customer Address",
            Entity::CustomerUser => "Customer User",
            Entity::CustomerUserAddress => "Customer User Address",
            Entity::CustomerUserRole => "Customer User Role",
            Entity::Order => "Order",
            Entity::Quote => "Quote",
            Entity::RequestForQuote => "Request For Quote",
            Entity::ShoppingList => "Shopping List",
            Entity::Checkout => "Checkout",
        }
    }

    /// The actions that mean something for this record, as Oro's storefront ACLs have them.
    pub fn actions(self) -> &'static [Action] {
        use Action::*;
        match self {
            Entity::Customer => &[View, Edit],
            Entity::CustomerUser => &[View, Create, Edit, Delete, Assign],
            Entity::Order => &[View, Create, Edit],
            Entity::Quote => &[View, Edit],
            Entity::RequestForQuote => &[View, Create, Edit],
            Entity::ShoppingList => &[View, Create, Edit, Delete, Assign],
            Entity::CustomerAddress
            | Entity::CustomerUserAddress
            | Entity::CustomerUserRole
            | Entity::Checkout => &[View, Create, Edit, Delete],
        }
    }
}

/// What a storefront user may do beyond records (Oro's action capabilities).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Capability {
    /// Edit one's own profile without the Edit permission on customer users.
    UpdateOwnProfile,
    /// Manage the users of one's own customer from the storefront's account pages.
    ManageCustomerUsers,
    /// Manage the self-managed roles of one's own customer.
    ManageCustomerRoles,
    /// See the sign-in attempts of the users one may view.
    ViewLoginAttempts,
    /// Share one's saved grid views with the rest of the customer.
    PublishGridViews,
}

impl Capability {
    pub const ALL: [Capability; 5] = [
        Capability::UpdateOwnProfile,
        Capability::ManageCustomerUsers,
        Capability::ManageCustomerRoles,
        Capability::ViewLoginAttempts,
        Capability::PublishGridViews,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Capability::UpdateOwnProfile => "Update User Profile",
            Capability::ManageCustomerUsers => "Manage the users of one's own customer",
            Capability::ManageCustomerRoles => "Manage the roles of one's own customer",
            Capability::ViewLoginAttempts => "View customer user login attempts",
            Capability::PublishGridViews => "Publish grid views",
        }
    }
}

/// One row of the permission matrix as the role form shows it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EntityRow {
    pub entity: Entity,
    pub label: &'static str,
    /// The actions that apply to it, in matrix column order.
    pub actions: Vec<Action>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Labelled<T> {
    pub value: T,
    pub label: &'static str,
}

/// Everything the role forms offer, with the labels to show: the one list the window, the
/// CLI and the core share.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PermissionCatalog {
    pub entities: Vec<EntityRow>,
    pub actions: Vec<Labelled<Action>>,
    pub levels: Vec<Labelled<Level>>,
    pub capabilities: Vec<Labelled<Capability>>,
    pub back_office_capabilities: Vec<Labelled<crate::back_office::capability::Capability>>,
}

pub fn catalog() -> PermissionCatalog {
    PermissionCatalog {
        entities: Entity::ALL
            .iter()
            .map(|e| EntityRow {
                entity: *e,
                label: e.label(),
                actions: e.actions().to_vec(),
            })
            .collect(),
        actions: Action::ALL
            .iter()
            .map(|a| Labelled {
                value: *a,
                label: a.label(),
            })
            .collect(),
        levels: Level::ALL
            .iter()
            .map(|l| Labelled {
                value: *l,
                label: l.label(),
            })
            .collect(),
        capabilities: Capability::ALL
            .iter()
            .map(|c| Labelled {
                value: *c,
                label: c.label(),
            })
            .collect(),
        back_office_capabilities: crate::back_office::capability::Capability::ALL
            .iter()
            .map(|c| Labelled {
                value: *c,
                label: c.label(),
            })
            .collect(),
    }
}

/// A role's grants: each entity's actions with their levels. What is missing is `None`.
pub type Permissions = BTreeMap<Entity, BTreeMap<Action, Level>>;

/// The level `permissions` grant for `action` on `entity`.
pub fn level(permissions: &Permissions, entity: Entity, action: Action) -> Level {
    permissions
        .get(&entity)
        .and_then(|a| a.get(&action))
        .copied()
        .unwrap_or_default()
}

/// A matrix as a form or a file gives it: entity and action names as text, so a name that
/// is not one is refused by its path.
pub type RawPermissions = BTreeMap<String, BTreeMap<String, Level>>;

/// `permissions` as a form gives them (the inverse of [`parse`]).
pub fn raw(permissions: &Permissions) -> RawPermissions {
    serde_json::from_value(serde_json::json!(permissions)).unwrap_or_default()
}

/// `raw` as a matrix with only the actions that apply and a level above `None`, so two equal
/// matrices are stored alike; else the first wrong name as (its path, why).
pub fn parse(raw: &RawPermissions) -> Result<Permissions, (String, String)> {
    fn names<T: Serialize>(all: &[T]) -> String {
        all.iter()
            .map(|t| {
                serde_json::to_value(t)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
            })
            .map(Option::unwrap_or_default)
            .collect::<Vec<_>>()
            .join(", ")
    }
    let mut kept = Permissions::new();
    for (entity_name, actions) in raw {
        let path = format!("permissions.{entity_name}");
        let entity: Entity =
            serde_json::from_value(serde_json::json!(entity_name)).map_err(|_| {
                (
                    path.clone(),
                    format!(
                        "\"{entity_name}\" is not a storefront entity: {}.",
                        names(&Entity::ALL)
                    ),
                )
            })?;
        for (action_name, level) in actions {
            let path = format!("{path}.{action_name}");
            let action: Action =
                serde_json::from_value(serde_json::json!(action_name)).map_err(|_| {
                    (
                        path.clone(),
                        format!(
                            "\"{action_name}\" is not an action: {}.",
                            names(&Action::ALL)
                        ),
                    )
                })?;
            if !entity.actions().contains(&action) {
                if *level == Level::None {
                    continue;
                }
                let applies: Vec<&str> = entity.actions().iter().map(|a| a.label()).collect();
                return Err((
                    path,
                    format!(
                        "{} has no {} permission: it applies only to {}.",
                        entity.label(),
                        action.label(),
                        applies.join(", ")
                    ),
                ));
            }
            if *level != Level::None {
                kept.entry(entity).or_default().insert(action, *level);
            }
        }
    }
    Ok(kept)
}

/// Every action of every entity at `level`: the predefined Administrator's matrix.
pub fn everything_at(level: Level) -> Permissions {
    Entity::ALL
        .iter()
        .map(|e| (*e, e.actions().iter().map(|a| (*a, level)).collect()))
        .collect()
}

/// One role's part in an accumulation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Source {
    pub id: String,
    pub label: String,
}

/// One accumulated grant: the widest level any role gives, and the roles that give it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Grant {
    pub entity: Entity,
    pub action: Action,
    pub level: Level,
    pub from: Vec<Source>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CapabilityGrant {
    pub capability: Capability,
    pub from: Vec<Source>,
}

/// What a customer user may do: the grants of all their roles together.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Effective {
    /// In entity and action order; only grants above `None`.
    pub grants: Vec<Grant>,
    pub capabilities: Vec<CapabilityGrant>,
}

impl Effective {
    pub fn level(&self, entity: Entity, action: Action) -> Level {
        self.grants
            .iter()
            .find(|g| g.entity == entity && g.action == action)
            .map_or(Level::None, |g| g.level)
    }

    pub fn has(&self, capability: Capability) -> bool {
        self.capabilities.iter().any(|c| c.capability == capability)
    }
}

/// One role as accumulation reads it.
#[derive(Debug, Clone)]
pub struct RoleGrants {
    pub source: Source,
    pub permissions: Permissions,
    pub capabilities: Vec<Capability>,
}

/// The grants of `roles` together: any grant counts and the widest level wins. The answer
/// does not depend on the roles' order (sources are listed by label, then id).
pub fn accumulate(roles: &[RoleGrants]) -> Effective {
    let mut sorted: Vec<&RoleGrants> = roles.iter().collect();
    sorted.sort_by(|a, b| (&a.source.label, &a.source.id).cmp(&(&b.source.label, &b.source.id)));
    sorted.dedup_by(|a, b| a.source.id == b.source.id);
    let mut grants = Vec::new();
    for entity in Entity::ALL {
        for action in entity.actions() {
            let widest = sorted
                .iter()
                .map(|r| level(&r.permissions, entity, *action))
                .max()
                .unwrap_or_default();
            if widest == Level::None {
                continue;
            }
            let from = sorted
                .iter()
                .filter(|r| level(&r.permissions, entity, *action) == widest)
                .map(|r| r.source.clone())
                .collect();
            grants.push(Grant {
                entity,
                action: *action,
                level: widest,
                from,
            });
        }
    }
    let capabilities = Capability::ALL
        .iter()
        .filter_map(|c| {
            let from: Vec<Source> = sorted
                .iter()
                .filter(|r| r.capabilities.contains(c))
                .map(|r| r.source.clone())
                .collect();
            (!from.is_empty()).then_some(CapabilityGrant {
                capability: *c,
                from,
            })
        })
        .collect();
    Effective {
        grants,
        capabilities,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn any_level() -> impl Strategy<Value = Level> {
        prop::sample::select(Level::ALL.to_vec())
    }

    fn any_role(n: usize) -> impl Strategy<Value = RoleGrants> {
        let cells: Vec<(Entity, Action)> = Entity::ALL
            .iter()
            .flat_map(|e| e.actions().iter().map(move |a| (*e, *a)))
            .collect();
        (
            prop::collection::vec(any_level(), cells.len()),
            prop::collection::vec(any::<bool>(), Capability::ALL.len()),
        )
            .prop_map(move |(levels, caps)| {
                let mut permissions = Permissions::new();
                for ((entity, action), level) in cells.iter().zip(levels) {
                    permissions
                        .entry(*entity)
                        .or_default()
                        .insert(*action, level);
                }
                RoleGrants {
                    source: Source {
                        id: format!("role-{n}"),
                        label: format!("Role {n}"),
                    },
                    permissions,
                    capabilities: Capability::ALL
                        .iter()
                        .zip(caps)
                        .filter_map(|(c, on)| on.then_some(*c))
                        .collect(),
                }
            })
    }

    fn any_roles() -> impl Strategy<Value = Vec<RoleGrants>> {
        (0usize..5).prop_flat_map(|n| (0..n).map(any_role).collect::<Vec<_>>())
    }

    proptest! {
        #[test]
        fn accumulation_does_not_depend_on_the_roles_order(
            roles in any_roles(),
            order in any::<prop::sample::Index>(),
        ) {
            let mut shuffled = roles.clone();
            if !shuffled.is_empty() {
                let k = order.index(shuffled.len());
                shuffled.rotate_left(k);
                shuffled.reverse();
            }
            prop_assert_eq!(accumulate(&roles), accumulate(&shuffled));
        }

        #[test]
        fn adding_a_role_never_takes_a_permission_away(
            roles in any_roles(),
            extra in any_role(9),
        ) {
            let before = accumulate(&roles);
            let mut more = roles.clone();
            more.push(extra.clone());
            let after = accumulate(&more);
            for entity in Entity::ALL {
                for action in entity.actions() {
                    let (b, a) = (before.level(entity, *action), after.level(entity, *action));
                    prop_assert!(a >= b, "{entity:?} {action:?}: {b:?} became {a:?}");
                    prop_assert!(a >= level(&extra.permissions, entity, *action));
                }
            }
            for c in Capability::ALL {
                prop_assert!(!before.has(c) || after.has(c));
            }
        }

        #[test]
        fn the_widest_grant_is_named_with_every_role_that_gives_it(roles in any_roles()) {
            let effective = accumulate(&roles);
            for grant in &effective.grants {
                for role in &roles {
                    let given = level(&role.permissions, grant.entity, grant.action);
                    prop_assert!(given <= grant.level);
                    prop_assert_eq!(
                        given == grant.level,
                        grant.from.iter().any(|s| s.id == role.source.id)
                    );
                }
            }
        }
    }

    #[test]
    fn a_user_with_no_roles_may_do_nothing() {
        let none = accumulate(&[]);
        assert!(none.grants.is_empty() && none.capabilities.is_empty());
    }

    fn raw_of(cells: &[(&str, &str, Level)]) -> RawPermissions {
        let mut p = RawPermissions::new();
        for (entity, action, level) in cells {
            p.entry(entity.to_string())
                .or_default()
                .insert(action.to_string(), *level);
        }
        p
    }

    #[test]
    fn a_wrong_name_or_an_action_that_does_not_apply_is_refused_by_its_path() {
        let (path, why) = parse(&raw_of(&[("quote", "delete", Level::User)])).unwrap_err();
        assert_eq!(path, "permissions.quote.delete");
        assert_eq!(
            why,
            "Quote has no Delete permission: it applies only to View, Edit."
        );
        let (path, why) = parse(&raw_of(&[("invoice", "view", Level::User)])).unwrap_err();
        assert_eq!(path, "permissions.invoice");
        assert!(
            why.starts_with("\"invoice\" is not a storefront entity: customer, "),
            "{why}"
        );
        let (path, _) = parse(&raw_of(&[("order", "approve", Level::User)])).unwrap_err();
        assert_eq!(path, "permissions.order.approve");
    }

    #[test]
    fn none_is_dropped_so_equal_matrices_are_stored_alike() {
        let parsed = parse(&raw_of(&[
            ("quote", "delete", Level::None),
            ("order", "view", Level::None),
            ("order", "edit", Level::User),
        ]))
        .unwrap();
        let mut expected = Permissions::new();
        expected
            .entry(Entity::Order)
            .or_default()
            .insert(Action::Edit, Level::User);
        assert_eq!(parsed, expected);
        assert_eq!(parse(&raw(&expected)), Ok(expected));
    }
}
