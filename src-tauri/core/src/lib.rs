//! The Customer Users core: rules, store and change log. Knows nothing of Tauri or HTTP.

pub mod db;
pub mod demo;
pub mod error;

pub use db::Database;
pub use error::{CoreError, FieldError, Result};
