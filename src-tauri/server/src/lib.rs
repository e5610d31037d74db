//! The team server: the admin accounts desktops sign in with, the server's side of sync, and
//! HTTP over them. Its storage is a trait ([`store::Store`]), so the same server runs on an
//! embedded SQLite file or on PostgreSQL.

pub mod admins;
pub mod auth;
pub mod error;
pub mod http;
pub mod image;
pub mod store;
pub mod sync;
