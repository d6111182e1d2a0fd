//! Rows a change of this session reached that the frozen table does not
//! show: the row still shows the entity as it was before the change, so it
//! is marked as out of date, with what the change did, until the thaw.

use super::TableView;
use crate::ui::entity::Entity;

impl<T: Entity> TableView<T> {
    /// A change reached the row `key` ([`Entity::key`]) names that the
    /// frozen row does not show: `note` says what it did. Ignored for an
    /// entity the frozen table lacks.
    pub fn mark_out_of_date(&mut self, key: &str, note: &str) {
        let place = crate::engine::row_key_parts(key);
        if self.rows().iter().any(|row| row.is(place)) {
            self.stale.insert(key.to_string(), note.to_string());
        }
    }

    /// What the change its frozen row does not show did to the row `key`
    /// names, if any.
    pub fn out_of_date(&self, key: &str) -> Option<&str> {
        self.stale.get(key).map(String::as_str)
    }

    /// Rows out of date while frozen.
    pub fn out_of_date_count(&self) -> usize {
        self.stale.len()
    }
}
