//! Where each customer user stands in each sort order, held in memory.
//!
//! A quick search that matches tens of thousands of users clustered far along the sort order
//! (every "Anna", sorted by first name) can neither walk the sort index quickly nor sort its
//! matches quickly: reading a match's row to learn its sort key costs about a microsecond.
//! With each row's position at hand, the matches are put in order without reading them, and
//! only the rows of the page are read.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::Result;

/// Per sort column of `customer_user`, every row's position in `(column, seq)` order, indexed
/// by `seq`: 4 bytes a user, built on first use (a scan of the column's index). The positions describe one
/// state of the table: [`SortRanks::invalidate`] drops them when this connection changes it,
/// and a commit by another connection shows as a new `PRAGMA data_version`.
#[derive(Default)]
pub struct SortRanks {
    data_version: i64,
    by_column: HashMap<&'static str, Vec<u32>>,
}

/// A row's place in a sort order: `2 × position` for a row, odd numbers for the gaps between.
pub type Place = i64;

impl SortRanks {
    pub fn invalidate(&mut self) {
        self.by_column.clear();
    }

    /// Each row's place in the order of `column` (read through `index`), by `seq`; with no
    /// index, `seq` order (the table's own).
    pub fn places<'a>(
        &'a mut self,
        conn: &Connection,
        column: &'static str,
        index: Option<&'static str>,
    ) -> Result<impl Fn(i64) -> Place + 'a> {
        let version: i64 = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        if version != self.data_version {
            self.by_column.clear();
            self.data_version = version;
        }
        if let Some(index) = index {
            if !self.by_column.contains_key(column) {
                let built = build(conn, column, index)?;
                self.by_column.insert(column, built);
            }
        }
        let positions = index.and_then(|_| self.by_column.get(column));
        Ok(move |seq: i64| {
            let position = match positions {
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

fn build(conn: &Connection, column: &str, index: &str) -> Result<Vec<u32>> {
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
