//! A snapshot's rows found by id and group, as a row key names them.

use crate::engine::RowKey;
use crate::ui::entity::Entity;
use std::collections::HashMap;

/// Rows by key: by id and group, as a key holds them. Snapshots are
/// ordered by id (contacts by id, then campaign), so a binary search finds
/// a row; a snapshot out of order gets a map instead.
pub(crate) enum Index<'a, T> {
    Sorted(&'a [T]),
    Map(HashMap<(&'a str, Option<&'a str>), &'a T>),
}

/// What orders a row in a snapshot, and finds it by its key.
fn place<T: Entity>(row: &T) -> (&str, Option<&str>) {
    (row.id(), row.group())
}

impl<'a, T: Entity> Index<'a, T> {
    pub fn new(rows: &'a [T]) -> Self {
        if rows.is_sorted_by(|a, b| place(a) < place(b)) {
            Self::Sorted(rows)
        } else {
            Self::Map(rows.iter().map(|row| (place(row), row)).collect())
        }
    }

    /// The row `key` names ([`Entity::key`]).
    pub fn get(&self, key: &RowKey) -> Option<&'a T> {
        self.find(key.group(), key.id())
    }

    /// The row of `id` in `group`.
    pub fn find(&self, group: Option<&str>, id: &str) -> Option<&'a T> {
        match self {
            Self::Sorted(rows) => {
                rows.binary_search_by(|row| place(row).cmp(&(id, group))).ok().map(|i| &rows[i])
            }
            Self::Map(map) => map.get(&(id, group)).copied(),
        }
    }
}
