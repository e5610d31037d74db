//! The Customer Users core: rules, store and change log. Knows nothing of Tauri or HTTP;
//! the desktop shell and the CLI are thin adapters over it.

pub mod account;
pub mod actor;
pub mod address;
pub mod auth;
pub mod back_office;
mod base_data;
pub mod bulk;
pub mod csv_export;
pub mod csv_import;
pub mod csv_read;
pub mod csv_template;
pub mod customer_user;
pub mod customer_user_address_csv;
pub mod customer_user_import;
pub mod customer_user_input;
pub mod customer_user_write;
pub mod db;
pub mod demo;
pub mod email_template;
pub mod error;
pub mod generate;
pub mod grid;
pub mod history;
mod hlc;
pub mod mailer;
pub mod outbox;
pub mod password;
pub mod reference;
pub mod rules;
pub mod secrets;
pub mod settings;
mod token;
pub mod ui_state;

pub use db::Database;
pub use error::{CoreError, ErrorCode, FieldError, Result};
/// The allocator the app, the CLI and the benches run on: the core allocates a few small
/// strings per cell and per field, and mimalloc makes a million-row check or import ~8 %
/// faster than the system allocator (docs/benchmarks.md).
pub use mimalloc::MiMalloc as Allocator;
