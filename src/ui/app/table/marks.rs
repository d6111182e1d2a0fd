//! Cells that changed in the last refreshes, marked for a few seconds so a
//! supervisor sees what moved without comparing by eye.

use crate::engine::Table;
use crate::ui::entity::{Entity, Lookup};
use std::collections::HashMap;
use std::time::Duration;

/// How long a changed cell stays marked.
pub const MARK_FOR: Duration = Duration::from_secs(3);

/// Past this many changed rows in one refresh (a reload of everything),
/// marks would be noise and cost a pass per row; none are made.
const MOST_MARKED: usize = 2000;

#[derive(Debug, Default)]
pub(super) struct Marks {
    /// Per row id: when the mark fades, and which columns (bit per column).
    cells: HashMap<String, (Duration, u64)>,
}

impl Marks {
    /// Marks the cells of `new`'s changed rows that differ from `old`; a row
    /// new to the table is marked whole.
    pub fn note<T: Entity>(&mut self, old: &Table<T>, new: &Table<T>, lookup: &Lookup<'_>, now: Duration) {
        if new.changed.len() > MOST_MARKED {
            return;
        }
        let columns = T::columns();
        let (old_rows, new_rows) = (Index::new(&old.rows), Index::new(&new.rows));
        for id in &new.changed {
            let Some(row) = new_rows.get(id) else { continue };
            let bits = match old_rows.get(id) {
                Some(before) => columns
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| !c.live && (c.text)(row, lookup) != (c.text)(before, lookup))
                    .fold(0u64, |bits, (i, _)| bits | 1u64.checked_shl(i as u32).unwrap_or(0)),
                None => u64::MAX,
            };
            if bits != 0 {
                let entry = self.cells.entry(id.clone()).or_insert((now, 0));
                *entry = (now + MARK_FOR, entry.1 | bits);
            }
        }
    }

    /// Drops faded marks; true when any faded.
    pub fn expire(&mut self, now: Duration) -> bool {
        let before = self.cells.len();
        self.cells.retain(|_, (until, _)| *until > now);
        self.cells.len() != before
    }

    pub fn cells(&self, id: &str) -> u64 {
        self.cells.get(id).map_or(0, |(_, bits)| *bits)
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }
}

/// Rows by id. Snapshots are ordered by id, so a binary search finds a
/// row; a snapshot out of order gets a map instead.
enum Index<'a, T> {
    Sorted(&'a [T]),
    Map(HashMap<&'a str, &'a T>),
}

impl<'a, T: Entity> Index<'a, T> {
    fn new(rows: &'a [T]) -> Self {
        if rows.is_sorted_by(|a, b| a.id() < b.id()) {
            Self::Sorted(rows)
        } else {
            Self::Map(rows.iter().map(|row| (row.id(), row)).collect())
        }
    }

    fn get(&self, id: &str) -> Option<&'a T> {
        match self {
            Self::Sorted(rows) => rows.binary_search_by(|row| row.id().cmp(id)).ok().map(|i| &rows[i]),
            Self::Map(map) => map.get(id).copied(),
        }
    }
}
