//! Where each customer user stands in each sort order, held in memory.
//!
//! A quick search that matches tens of thousands of users clustered far along the sort order
//! (every "Anna", sorted by first name) can neither walk the sort index quickly nor sort its
//! matches quickly: reading a match's row to learn its sort key costs about a microsecond.
//! With each row's position at hand, the matches are put in order without reading them, and
//! only the rows of the page are read.

use std::collections::HashMap;

use rusqlite::Connection;

use super::SortField;
use crate::Result;

/// Per sort column, every row's position in `(column, seq)` order, indexed by `seq`: 4 bytes
/// a user, built on first use (a scan of the column's index). The positions describe one
/// state of the table: [`SortRanks::invalidate`] drops them when this connection changes it,
/// and a commit by another connection shows as a new `PRAGMA data_version`.
#[derive(Default)]
pub struct SortRanks {
    data_version: i64,
    by_field: HashMap<SortField, Vec<u32>>,
}

/// A row's place in a sort order: `2 × position` for a row, odd numbers for the gaps between.
pub(super) type Place = i64;

impl SortRanks {
    pub fn invalidate(&mut self) {
        self.by_field.clear();
    }

    /// Each row's place in `field`'s order, by `seq`.
    pub(super) fn places<'a>(
        &'a mut self,
        conn: &Connection,
        field: SortField,
    ) -> Result<impl Fn(i64) -> Place + 'a> {
        let version: i64 = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        if version != self.data_version {
            self.by_field.clear();
            self.data_version = version;
        }
        if field != SortField::Id && !self.by_field.contains_key(&field) {
            let built = build(conn, field)?;
            self.by_field.insert(field, built);
        }
        let positions = self.by_field.get(&field);
        Ok(move |seq: i64| {
            let position = match positions {
                // `seq` order is the table's own.
                None => seq,
                Some(p) => usize::try_from(seq)
                    .ok()
                    .and_then(|s| p.get(s))
                    .map_or(i64::from(u32::MAX), |&r| i64::from(r)),
            };
            2 * position
        })
    }
}

fn build(conn: &Connection, field: SortField) -> Result<Vec<u32>> {
    let (column, index) = field.column();
    let index = index.unwrap_or_default();
    let max_seq: i64 =
        conn.query_row("SELECT coalesce(max(seq), 0) FROM customer_user", [], |r| {
            r.get(0)
        })?;
    let mut positions = vec![u32::MAX; max_seq.max(0) as usize + 1];
    let mut stmt = conn.prepare(&format!(
        "SELECT seq FROM customer_user INDEXED BY {index} ORDER BY {column}, seq"
    ))?;
    let mut rows = stmt.query([])?;
    let mut position = 0u32;
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        if let Some(slot) = positions.get_mut(seq as usize) {
            *slot = position;
        }
        position += 1;
    }
    Ok(positions)
}
