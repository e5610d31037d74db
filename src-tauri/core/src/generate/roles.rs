//! The roles of the generated catalog: customer roles with their permission matrices, and
//! back-office roles with different capabilities.

use crate::back_office;
use crate::role::permission::{Action, Capability, Entity, Level};
use crate::store::Tx;
use crate::Result;

use super::id_by;

pub(super) type BackOfficeRoleSpec = (&'static str, &'static [back_office::capability::Capability]);

pub(super) const SUPPORT: BackOfficeRoleSpec = {
    use back_office::capability::Capability::*;
    ("Support", &[ManageCustomerUsers, ResetPasswords, Unlock])
};
pub(super) const SALES: BackOfficeRoleSpec = {
    use back_office::capability::Capability::*;
    ("Sales", &[ManageCustomerUsers, ImportExport])
};

/// The back-office roles the generated admins hold, added once.
pub(super) fn back_office_roles(tx: &mut Tx<'_>) -> Result<()> {
    for (label, capabilities) in [SUPPORT, SALES] {
        if id_by(tx, "SELECT id FROM app_role WHERE label = ?1", label)?.is_none() {
            let input = back_office::role::BackOfficeRoleInput {
                label: Some(label.into()),
                capabilities: Some(capabilities.to_vec()),
            };
            back_office::role::create_in(tx, &input)?;
        }
    }
    Ok(())
}

/// A role of one customer: `customer` is its place in [`CUSTOMERS`].
pub(super) struct CustomerRole {
    pub(super) customer: usize,
    pub(super) label: &'static str,
    self_managed: bool,
    grants: &'static [(Entity, Action, Level)],
    capabilities: &'static [Capability],
}

pub(super) const CUSTOMER_ROLES: &[CustomerRole] = &[
    // A buyer of Acme who may also see and manage the orders of Acme's other users.
    CustomerRole {
        customer: 0,
        label: "Acme Purchaser",
        self_managed: true,
        grants: &[
            (Entity::Customer, Action::View, Level::Department),
            (Entity::CustomerUser, Action::View, Level::Department),
            (Entity::Order, Action::View, Level::Department),
            (Entity::Order, Action::Create, Level::User),
            (Entity::Order, Action::Edit, Level::Department),
            (Entity::ShoppingList, Action::View, Level::Department),
            (Entity::ShoppingList, Action::Create, Level::User),
        ],
        capabilities: &[Capability::UpdateOwnProfile],
    },
    // Globex's own account manager: its users and its subsidiaries', delegated.
    CustomerRole {
        customer: 3,
        label: "Globex User Manager",
        self_managed: false,
        grants: &[
            (Entity::Customer, Action::View, Level::Corporate),
            (Entity::CustomerUser, Action::View, Level::Corporate),
            (Entity::CustomerUser, Action::Create, Level::Corporate),
            (Entity::CustomerUser, Action::Edit, Level::Corporate),
            (Entity::CustomerUser, Action::Assign, Level::Department),
            (Entity::CustomerUserRole, Action::View, Level::Department),
        ],
        capabilities: &[
            Capability::UpdateOwnProfile,
            Capability::ManageCustomerUsers,
        ],
    },
];

impl CustomerRole {
    pub(super) fn input(&self, customer: &str) -> crate::role::write::RoleInput {
        let mut permissions = crate::role::permission::Permissions::new();
        for (entity, action, level) in self.grants {
            permissions
                .entry(*entity)
                .or_default()
                .insert(*action, *level);
        }
        crate::role::write::RoleInput {
            label: Some(self.label.into()),
            customer: Some(customer.to_string()),
            self_managed: Some(self.self_managed),
            public: Some(true),
            permissions: Some(crate::role::permission::raw(&permissions)),
            capabilities: Some(self.capabilities.to_vec()),
        }
    }
}
