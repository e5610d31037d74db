//! One file per command group; `dispatch` in main.rs routes each command to its group.

pub(crate) mod account;
pub(crate) mod csv;
pub(crate) mod mail;
pub(crate) mod page;
pub(crate) mod reference;
pub(crate) mod roles;
pub(crate) mod settings;
pub(crate) mod sync;
pub(crate) mod users;
