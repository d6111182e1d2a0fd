//! Rows a change of this session reached that the frozen table does not
//! show: the row still shows the entity as it was before the change, so it
//! is marked as out of date, with what the change did, until the thaw.

use super::TableView;
use crate::engine::RowKey;
use crate::ui::entity::Entity;

impl<T: Entity> TableView<T> {
    /// A change reached the row `key` ([`Entity::key`]) names that the
    /// frozen row does not show: `note` says what it did. Ignored for an
    /// entity the frozen table lacks.
    pub fn mark_out_of_date(&mut self, key: &RowKey, note: &str) {
        if self.rows().iter().any(|row| row.is(key)) {
            self.stale.insert(key.clone(), note.to_string());
        }
    }

    /// What the change its frozen row does not show did to the row `key`
    /// names, if any.
    pub fn out_of_date(&self, key: &RowKey) -> Option<&str> {
        self.stale.get(key).map(String::as_str)
    }

    /// Rows out of date while frozen.
    pub fn out_of_date_count(&self) -> usize {
        self.stale.len()
    }
}
