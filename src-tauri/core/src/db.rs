//! Opening the embedded SQLite store.

use std::path::Path;

use crate::Result;

pub struct Database;

impl Database {
    pub fn open(_path: &Path) -> Result<Self> {
        Ok(Database)
    }
}
