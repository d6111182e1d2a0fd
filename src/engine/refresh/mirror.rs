//! The engine's copy of one kind of entity, and the tables made from it.
//!
//! Rows read from the tenant are merged by key. A merge costs what was read
//! (each row is compared with the one held), and a table is only rebuilt,
//! in one pass over the rows in key order, when something differs.

use crate::api::model::{Campaign, Contact, DataAction, Interaction, User};
use crate::domain::Timestamp;
use crate::engine::RowKey;
use crate::engine::event::Table;
use std::collections::BTreeMap;
use std::sync::Arc;

/// An entity the console shows in a table.
pub(crate) trait Row: Clone + PartialEq + Send + Sync + 'static {
    /// What makes two rows the same entity; tables are in key order.
    type Key: Ord + Clone + Send + Sync;

    fn key(&self) -> Self::Key;

    /// The row's id: unique within its group, when it has one.
    fn id(&self) -> &str;

    /// The group whose rows its id is unique within (a contact's
    /// campaign); none for entities whose ids are unique in their kind.
    fn group(&self) -> Option<&str> {
        None
    }

    /// The key the console knows the row by.
    fn row_key(&self) -> RowKey {
        RowKey::new(self.group(), self.id())
    }

    /// When the tenant last changed it, when it says: lists are ordered by
    /// it, and a paged read goes on from the last one read.
    fn updated_at(&self) -> Option<&Timestamp>;
}

/// What one round read.
#[derive(Debug)]
pub(crate) struct Fetched<R> {
    pub rows: Vec<R>,
    /// The tenant's clock when the round began, when it said.
    pub as_of: Option<String>,
    /// The rows are every entity of the kind: any row held but not read has
    /// been removed from the tenant.
    pub complete: bool,
}

/// The rows held for one kind, and the generation last published.
pub(crate) struct Mirror<R: Row> {
    rows: BTreeMap<R::Key, R>,
    generation: u64,
    as_of: Option<String>,
}

impl<R: Row> Default for Mirror<R> {
    fn default() -> Self {
        Self { rows: BTreeMap::new(), generation: 0, as_of: None }
    }
}

impl<R: Row> Mirror<R> {
    /// Whether a table has been published yet.
    pub fn published(&self) -> bool {
        self.generation > 0
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Merges what a round read. Returns the next table when something
    /// changed, and always for the first round, so the console learns the
    /// kind is loaded even when the tenant holds none.
    pub fn merge(&mut self, fetched: Fetched<R>) -> Option<Arc<Table<R>>> {
        if fetched.as_of.is_some() {
            self.as_of = fetched.as_of;
        }
        let changed = if fetched.complete { self.replace(fetched.rows) } else { self.upsert(fetched.rows) };
        if changed.is_empty() && self.published() {
            return None;
        }
        // The first table marks nothing: there is no earlier one to differ from.
        let changed = if self.published() { changed } else { Vec::new() };
        self.generation += 1;
        Some(Arc::new(Table {
            rows: self.rows.values().cloned().collect(),
            generation: self.generation,
            as_of: self.as_of.clone(),
            changed,
        }))
    }

    /// Adds or replaces the rows read; returns the row keys of those that
    /// differ.
    fn upsert(&mut self, rows: Vec<R>) -> Vec<RowKey> {
        let mut changed = Vec::new();
        for row in rows {
            let key = row.key();
            if self.rows.get(&key) == Some(&row) {
                continue;
            }
            changed.push(row.row_key());
            self.rows.insert(key, row);
        }
        changed
    }

    /// Holds exactly the rows read; returns the row keys of those that
    /// differ, removed rows included.
    fn replace(&mut self, rows: Vec<R>) -> Vec<RowKey> {
        let mut fresh = BTreeMap::new();
        let mut changed = Vec::new();
        for row in rows {
            let key = row.key();
            let held = self.rows.remove(&key);
            if held.as_ref() != Some(&row) {
                changed.push(row.row_key());
            }
            fresh.insert(key, row);
        }
        changed.extend(self.rows.values().map(Row::row_key));
        self.rows = fresh;
        changed
    }
}

impl Row for User {
    type Key = String;

    fn key(&self) -> String {
        self.id.as_str().to_string()
    }

    fn id(&self) -> &str {
        self.id.as_str()
    }

    fn updated_at(&self) -> Option<&Timestamp> {
        self.updated_at.as_ref()
    }
}

impl Row for Interaction {
    type Key = String;

    fn key(&self) -> String {
        self.id.as_str().to_string()
    }

    fn id(&self) -> &str {
        self.id.as_str()
    }

    fn updated_at(&self) -> Option<&Timestamp> {
        self.updated_at.as_ref()
    }
}

impl Row for Campaign {
    type Key = String;

    fn key(&self) -> String {
        self.id.as_str().to_string()
    }

    fn id(&self) -> &str {
        self.id.as_str()
    }

    fn updated_at(&self) -> Option<&Timestamp> {
        self.updated_at.as_ref()
    }
}

/// Contacts of every campaign in one table: a contact id is only unique
/// within its campaign, so the campaign is part of the key (after the id,
/// which orders the table).
impl Row for Contact {
    type Key = (String, String);

    fn key(&self) -> (String, String) {
        (self.id.as_str().to_string(), self.campaign_id.as_str().to_string())
    }

    fn id(&self) -> &str {
        self.id.as_str()
    }

    fn group(&self) -> Option<&str> {
        Some(self.campaign_id.as_str())
    }

    fn updated_at(&self) -> Option<&Timestamp> {
        self.updated_at.as_ref()
    }
}

impl Row for DataAction {
    type Key = String;

    fn key(&self) -> String {
        self.id.as_str().to_string()
    }

    fn id(&self) -> &str {
        self.id.as_str()
    }

    fn updated_at(&self) -> Option<&Timestamp> {
        self.updated_at.as_ref()
    }
}

/// A row for the refresh's tests: an id, a value that changes, and the
/// time of its last change when it has one.
#[cfg(test)]
#[derive(Debug, Clone, PartialEq)]
pub(super) struct TestRow {
    pub id: String,
    pub value: u32,
    pub at: Option<Timestamp>,
}

#[cfg(test)]
impl Row for TestRow {
    type Key = String;

    fn key(&self) -> String {
        self.id.clone()
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn updated_at(&self) -> Option<&Timestamp> {
        self.at.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Item = TestRow;

    fn item(id: &str, value: u32) -> Item {
        Item { id: id.into(), value, at: None }
    }

    fn read(rows: Vec<Item>, complete: bool) -> Fetched<Item> {
        Fetched { rows, as_of: Some("t".into()), complete }
    }

    /// The keys of rows with no group.
    fn keys(ids: &[&str]) -> Vec<RowKey> {
        ids.iter().map(|id| RowKey::new(None, id)).collect()
    }

    #[test]
    fn the_first_table_is_published_sorted_and_marks_nothing() {
        let mut m = Mirror::default();
        let t = m.merge(read(vec![item("b", 1), item("a", 1)], true)).unwrap();
        let ids: Vec<_> = t.rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!((ids, t.generation, t.changed.len()), (vec!["a", "b"], 1, 0));
        assert_eq!(t.as_of.as_deref(), Some("t"));
        let empty = Mirror::<Item>::default().merge(read(Vec::new(), true)).unwrap();
        assert!(empty.rows.is_empty(), "an empty tenant is still announced");
    }

    #[test]
    fn later_tables_carry_only_what_differs() {
        let mut m = Mirror::default();
        m.merge(read(vec![item("a", 1), item("b", 1)], true));
        assert!(m.merge(read(vec![item("a", 1)], false)).is_none(), "an unchanged row is no news");
        let t = m.merge(read(vec![item("a", 1), item("b", 2), item("c", 1)], false)).unwrap();
        assert_eq!(t.changed, keys(&["b", "c"]));
        assert_eq!((t.generation, t.rows.len()), (2, 3));
        assert_eq!(t.rows[1], item("b", 2));
    }

    #[test]
    fn a_complete_read_drops_what_the_tenant_no_longer_holds() {
        let mut m = Mirror::default();
        m.merge(read(vec![item("a", 1), item("b", 1), item("c", 1)], true));
        let t = m.merge(read(vec![item("a", 1), item("c", 5)], true)).unwrap();
        assert_eq!(t.changed, keys(&["c", "b"]));
        assert_eq!(t.rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["a", "c"]);
        assert_eq!(m.len(), 2);
        assert!(m.merge(read(vec![item("a", 1), item("c", 5)], true)).is_none());
    }

    fn contact(campaign: &str, id: &str, attempts: u32) -> Contact {
        Contact { attempts, ..Contact::sample(campaign, id) }
    }

    /// A contact id is unique only within its campaign: a change to one
    /// names that one, not another campaign's contact of the same id.
    #[test]
    fn a_contact_that_changed_is_named_with_its_campaign() {
        let mut m = Mirror::default();
        let both = |spring| vec![contact("spring", "c-1", spring), contact("winter", "c-1", 1)];
        m.merge(Fetched { rows: both(1), as_of: None, complete: true });
        let t = m.merge(Fetched { rows: both(2), as_of: None, complete: true }).unwrap();
        assert_eq!(t.changed, [RowKey::new(Some("spring"), "c-1")]);
        let t = m.merge(Fetched { rows: vec![contact("spring", "c-1", 2)], as_of: None, complete: true });
        assert_eq!(t.unwrap().changed, [RowKey::new(Some("winter"), "c-1")], "the one removed");
    }
}
