//! The address book on the user's page: one address added, changed or removed at a time.
//! Each is the user's whole list written through the customer user writer, so History and
//! sync see an address change as they see the form's.

use rusqlite::OptionalExtension;

use super::address::AddressInput;
use super::patch::CustomerUserPatch;
use super::write as writer;
use super::{AddressType, CustomerUser};
use crate::actor::Actor;
use crate::back_office::capability::{require, Capability};
use crate::store::{new_id, Tx};
use crate::{CoreError, Database, Result};

pub fn add(db: &Database, actor: &Actor, user: &str, input: &AddressInput) -> Result<CustomerUser> {
    db.write(actor, |tx| {
        require(tx, Capability::ManageCustomerUsers)?;
        let mut list = current(tx, user)?;
        let mut address = input.clone();
        address.id = Some(new_id());
        list.push(address);
        let at = list.len() - 1;
        save(tx, user, list, at)
    })
}

pub fn update(
    db: &Database,
    actor: &Actor,
    id: &str,
    input: &AddressInput,
) -> Result<CustomerUser> {
    db.write(actor, |tx| {
        require(tx, Capability::ManageCustomerUsers)?;
        let user = owner(tx, id)?;
        let mut list = current(tx, &user)?;
        let at = list
            .iter()
            .position(|a| a.id.as_deref() == Some(id))
            .ok_or_else(|| CoreError::not_found("Address", id))?;
        list[at] = AddressInput {
            id: Some(id.to_string()),
            ..input.clone()
        };
        save(tx, &user, list, at)
    })
}

pub fn delete(db: &Database, actor: &Actor, id: &str) -> Result<CustomerUser> {
    db.write(actor, |tx| {
        require(tx, Capability::ManageCustomerUsers)?;
        let user = owner(tx, id)?;
        let list: Vec<AddressInput> = current(tx, &user)?
            .into_iter()
            .filter(|a| a.id.as_deref() != Some(id))
            .collect();
        writer::update_in(tx, &user, addresses(list))
    })
}

fn owner(tx: &Tx<'_>, address: &str) -> Result<String> {
    tx.query_row(
        "SELECT customer_user_id FROM customer_user_address WHERE id = ?1",
        [address],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| CoreError::not_found("Address", address))
}

/// The user's addresses as the inputs a changed list is written from.
pub(crate) fn current(tx: &Tx<'_>, user: &str) -> Result<Vec<AddressInput>> {
    Ok(super::get(tx, user)?
        .addresses
        .into_iter()
        .map(AddressInput::from)
        .collect())
}

fn addresses(list: Vec<AddressInput>) -> CustomerUserPatch {
    CustomerUserPatch {
        addresses: Some(list),
        ..Default::default()
    }
}

/// Writes `list`, where the address at `at` is the one the admin changed: the
/// defaults it claims move to it from the others (one default per type, as the page's
/// checkboxes promise), and its errors are named by the plain field.
fn save(
    tx: &mut Tx<'_>,
    user: &str,
    mut list: Vec<AddressInput>,
    at: usize,
) -> Result<CustomerUser> {
    let claimed: Vec<AddressType> = list[at].defaults.clone();
    for (i, other) in list.iter_mut().enumerate() {
        if i != at {
            other.defaults.retain(|t| !claimed.contains(t));
        }
    }
    writer::update_in(tx, user, addresses(list)).map_err(|mut e| {
        let prefix = format!("addresses.{at}.");
        for f in &mut e.fields {
            if let Some(plain) = f.field.strip_prefix(&prefix) {
                f.field = plain.to_string();
            }
        }
        e
    })
}
