//! Rows a change of this session reached that the frozen table does not
//! show: the row still shows the entity as it was before the change, so it
//! is marked as out of date, with what the change did, until the thaw.

use super::TableView;
use crate::ui::entity::Entity;

impl<T: Entity> TableView<T> {
    /// A change reached `id` that its frozen row does not show: `note`
    /// says what it did. Ignored for an entity the frozen table lacks.
    pub fn mark_out_of_date(&mut self, id: &str, note: &str) {
        if self.rows().iter().any(|row| row.id() == id) {
            self.stale.insert(id.to_string(), note.to_string());
        }
    }

    /// What the change its frozen row does not show did to `id`, if any.
    pub fn out_of_date(&self, id: &str) -> Option<&str> {
        self.stale.get(id).map(String::as_str)
    }

    /// Rows out of date while frozen.
    pub fn out_of_date_count(&self) -> usize {
        self.stale.len()
    }
}
