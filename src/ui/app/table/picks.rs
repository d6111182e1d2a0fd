//! Rows marked with Space for a batch change. Marks follow the entity, not
//! the position, and survive refreshes while the entity is still there.

use super::TableView;
use crate::ui::entity::Entity;
use std::collections::HashSet;

impl<T: Entity> TableView<T> {
    /// Marks the selected row, or unmarks it; true when it is now marked.
    pub fn toggle_pick(&mut self) -> Option<bool> {
        let id = self.selected_row()?.id().to_string();
        if self.picks.remove(&id) {
            Some(false)
        } else {
            self.picks.insert(id);
            Some(true)
        }
    }

    /// Marks every row the group and the filter show; returns how many.
    pub fn pick_shown(&mut self) -> usize {
        let rows = self.table.as_deref().map_or(&[][..], |t| &t.rows[..]);
        self.picks.extend(self.shown.iter().map(|&i| rows[i as usize].id().to_string()));
        self.shown.len()
    }

    /// Clears every mark; returns how many there were.
    pub fn clear_picks(&mut self) -> usize {
        let n = self.picks.len();
        self.picks.clear();
        n
    }

    pub fn is_picked(&self, id: &str) -> bool {
        self.picks.contains(id)
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
        self.sorted.iter().map(|&i| &rows[i as usize]).filter(|row| self.picks.contains(row.id())).collect()
    }

    /// Drops the marks of rows the newest snapshot no longer holds.
    pub(super) fn prune_picks(&mut self) {
        if self.picks.is_empty() {
            return;
        }
        let rows = self.table.as_deref().map_or(&[][..], |t| &t.rows[..]);
        let present: HashSet<&str> = rows.iter().map(Entity::id).collect();
        self.picks.retain(|id| present.contains(id.as_str()));
    }
}
