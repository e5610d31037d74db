//! Oro-compatible CSV: reading files, importing users and addresses, exporting, templates.

pub mod addresses;
pub mod export;
mod formula;
pub mod import;
pub mod read;
mod rejects;
pub mod template;
pub mod users;
