//! The Customer Users core: rules, store and change log. Knows nothing of Tauri or HTTP;
//! the desktop shell and the CLI are thin adapters over it.

pub mod account;
pub mod activity;
pub mod actor;
pub mod back_office;
mod base_data;
pub mod bulk;
pub mod consent;
pub mod csv;
pub mod customer_user;
pub mod demo;
pub mod error;
pub mod generate;
pub mod geo;
pub mod grid;
pub mod history;
pub mod mail;
pub mod out_file;
pub mod password;
mod record;
pub mod reference;
pub mod related;
pub mod role;
pub mod rules;
pub mod secrets;
pub mod settings;
pub mod store;
pub mod sync;
mod token;

pub use error::{CoreError, ErrorCode, FieldError, Result};
pub use store::Database;
