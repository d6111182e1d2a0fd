//! Cells that changed in the last refreshes, marked for a few seconds so a
//! supervisor sees what moved without comparing by eye.

use super::index::Index;
use crate::engine::{RowKey, Table};
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
    /// Per row key ([`Entity::key`]): when the mark fades, and which
    /// columns (bit per column).
    cells: HashMap<RowKey, (Duration, u64)>,
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
        for key in &new.changed {
            let Some(row) = new_rows.get(key) else { continue };
            let bits = match old_rows.get(key) {
                Some(before) => columns
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| !c.live && c.cell(row, lookup) != c.cell(before, lookup))
                    .fold(0u64, |bits, (i, _)| bits | 1u64.checked_shl(i as u32).unwrap_or(0)),
                None => u64::MAX,
            };
            if bits != 0 {
                let entry = self.cells.entry(key.clone()).or_insert((now, 0));
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

    /// The marked columns of the row `key` names.
    pub fn cells(&self, key: &RowKey) -> u64 {
        self.cells.get(key).map_or(0, |(_, bits)| *bits)
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::Contact;
    use crate::ui::entity::Directory;

    fn table(rows: Vec<Contact>, changed: &[RowKey]) -> Table<Contact> {
        Table { rows, generation: 1, as_of: None, changed: changed.to_vec() }
    }

    /// A contact id is unique only within its campaign: a change to one
    /// marks its cells, not another campaign's contact of the same id,
    /// whether the rows come in the engine's order (id, then campaign) or not.
    #[test]
    fn a_changed_contact_marks_its_cells_not_another_campaigns_of_its_id() {
        let names = Directory::default();
        let lookup = Lookup { now: time::OffsetDateTime::UNIX_EPOCH, names: &names };
        let (spring, winter) = (RowKey::new(Some("spring"), "c-1"), RowKey::new(Some("winter"), "c-1"));
        for order in [["spring", "winter"], ["winter", "spring"]] {
            let rows = |sold: bool| {
                let outcome = |k: &str| (sold && k == "spring").then(|| "SALE".to_string());
                order.map(|k| Contact { outcome_code: outcome(k), ..Contact::sample(k, "c-1") }).to_vec()
            };
            let mut marks = Marks::default();
            marks.note(
                &table(rows(false), &[]),
                &table(rows(true), std::slice::from_ref(&spring)),
                &lookup,
                MARK_FOR,
            );
            assert_ne!(marks.cells(&spring), 0, "{order:?}");
            assert_eq!(marks.cells(&winter), 0, "{order:?}");
        }
    }
}
