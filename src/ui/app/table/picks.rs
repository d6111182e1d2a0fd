//! Rows marked with Space for a batch change. Marks follow the entity, not
//! the position, and survive refreshes while the entity is still there.

use super::TableView;
use crate::engine::RowKey;
use crate::ui::entity::Entity;
use std::collections::HashSet;

impl<T: Entity> TableView<T> {
    /// Marks the selected row, or unmarks it; true when it is now marked.
    pub fn toggle_pick(&mut self) -> Option<bool> {
        let key = self.selected_row()?.key();
        if self.picks.remove(&key) {
            Some(false)
        } else {
            self.picks.insert(key);
            Some(true)
        }
    }

    /// Marks every row the group and the filter show; returns how many.
    pub fn pick_shown(&mut self) -> usize {
        let rows = self.table.as_deref().map_or(&[][..], |t| &t.rows[..]);
        self.picks.extend(self.shown.iter().map(|&i| rows[i as usize].key()));
        self.shown.len()
    }

    /// Clears every mark; returns how many there were.
    pub fn clear_picks(&mut self) -> usize {
        let n = self.picks.len();
        self.picks.clear();
        n
    }

    /// Whether the row `key` names ([`Entity::key`]) is marked.
    pub fn is_picked_key(&self, key: &RowKey) -> bool {
        self.picks.contains(key)
    }

    pub fn pick_count(&self) -> usize {
        self.picks.len()
    }

    /// The marked rows in the table's order, whatever the filter shows.
    pub fn picked_rows(&self) -> Vec<&T> {
        if self.picks.is_empty() {
            return Vec::new();
        }
        let rows = self.rows();
        // The marks' parts, rather than a key made for every row.
        let picked: HashSet<(Option<&str>, &str)> = self.picks.iter().map(RowKey::parts).collect();
        self.sorted
            .iter()
            .map(|&i| &rows[i as usize])
            .filter(|row| picked.contains(&(row.group(), row.id())))
            .collect()
    }

    /// Drops the marks of rows the newest snapshot no longer holds.
    pub(super) fn prune_picks(&mut self) {
        if self.picks.is_empty() {
            return;
        }
        let rows = self.table.as_deref().map_or(&[][..], |t| &t.rows[..]);
        // Borrowed, not a mark made for each of what may be 100,000 rows.
        let present: HashSet<(Option<&str>, &str)> = rows.iter().map(|r| (r.group(), r.id())).collect();
        self.picks.retain(|mark| present.contains(&mark.parts()));
    }
}
