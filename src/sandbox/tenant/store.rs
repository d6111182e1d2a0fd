//! One kind of entity, indexed by id and by update time.
//!
//! Lookups by id are O(1); pages walk the update-time index from
//! `updatedSince`, so a client polling for changes reads only what changed.
//! Slots are kept dense so the simulation can pick a random entity in O(1).

use super::clock::Stamp;
use rand::Rng;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// An entity the tenant stores.
pub(crate) trait Record {
    fn id(&self) -> &str;
    fn meta(&self) -> &Meta;
}

/// What every entity carries: a version that forms its ETag, and when it last changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meta {
    pub version: u64,
    pub updated_at: Stamp,
}

impl Meta {
    pub fn new(at: Stamp) -> Self {
        Self { version: 1, updated_at: at }
    }

    /// Records a change made at `at`.
    pub fn touch(&mut self, at: Stamp) {
        self.version += 1;
        self.updated_at = at;
    }
}

/// Which slice of a list a client asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub top: usize,
    pub skip: usize,
    /// Inclusive.
    pub updated_since: Option<Stamp>,
}

impl Window {
    pub const DEFAULT_TOP: usize = 100;
    pub const MAX_TOP: usize = 1_000;
}

impl Default for Window {
    fn default() -> Self {
        Self { top: Self::DEFAULT_TOP, skip: 0, updated_since: None }
    }
}

/// One page of a list, as the wire carries it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total_count: usize,
    pub top: usize,
    pub skip: usize,
    /// The tenant's clock when the page was read: the next `updatedSince`.
    pub as_of: Stamp,
}

#[derive(Debug)]
pub(crate) struct Store<T> {
    slots: Vec<T>,
    index: HashMap<String, usize>,
    order: BTreeSet<(Stamp, String)>,
}

impl<T> Default for Store<T> {
    fn default() -> Self {
        Self { slots: Vec::new(), index: HashMap::new(), order: BTreeSet::new() }
    }
}

impl<T: Record> Store<T> {
    pub fn with_capacity(n: usize) -> Self {
        Self { slots: Vec::with_capacity(n), index: HashMap::with_capacity(n), order: BTreeSet::new() }
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn get(&self, id: &str) -> Option<&T> {
        self.index.get(id).map(|&i| &self.slots[i])
    }

    /// Adds `item`, replacing an entity with the same id.
    pub fn insert(&mut self, item: T) {
        let id = item.id().to_string();
        self.order.insert((item.meta().updated_at, id.clone()));
        match self.index.get(&id) {
            Some(&i) => {
                let old = std::mem::replace(&mut self.slots[i], item);
                if old.meta().updated_at != self.slots[i].meta().updated_at {
                    self.order.remove(&(old.meta().updated_at, id));
                }
            }
            None => {
                self.index.insert(id, self.slots.len());
                self.slots.push(item);
            }
        }
    }

    pub fn remove(&mut self, id: &str) -> Option<T> {
        let i = self.index.remove(id)?;
        let item = self.slots.swap_remove(i);
        if let Some(moved) = self.slots.get(i) {
            self.index.insert(moved.id().to_string(), i);
        }
        self.order.remove(&(item.meta().updated_at, id.to_string()));
        Some(item)
    }

    /// Changes one entity in place, keeping the update-time index right.
    pub fn edit<R>(&mut self, id: &str, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        let &i = self.index.get(id)?;
        let before = self.slots[i].meta().updated_at;
        let result = f(&mut self.slots[i]);
        let after = self.slots[i].meta().updated_at;
        if before != after {
            self.order.remove(&(before, id.to_string()));
            self.order.insert((after, id.to_string()));
        }
        Some(result)
    }

    /// A uniformly chosen entity's id.
    pub fn random_id(&self, rng: &mut impl Rng) -> Option<&str> {
        if self.slots.is_empty() {
            return None;
        }
        Some(self.slots[rng.random_range(0..self.slots.len())].id())
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.slots.iter()
    }

    /// Entities from the least recently updated on.
    pub fn oldest_first(&self) -> impl Iterator<Item = &T> {
        self.order.iter().filter_map(|(_, id)| self.get(id))
    }

    /// The entities `keep` accepts, updated at or after `window.updated_since`,
    /// ordered by update time then id; returns the page and how many matched.
    pub fn page<'a>(&'a self, window: &Window, keep: impl Fn(&T) -> bool) -> (Vec<&'a T>, usize) {
        let range = match window.updated_since {
            Some(since) => self.order.range((since, String::new())..),
            None => self.order.range::<(Stamp, String), _>(..),
        };
        let matching = range.filter_map(|(_, id)| self.get(id)).filter(|item| keep(item));
        let mut total = 0;
        let mut items = Vec::with_capacity(window.top.min(Window::MAX_TOP));
        for item in matching {
            if total >= window.skip && items.len() < window.top {
                items.push(item);
            }
            total += 1;
        }
        (items, total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::OffsetDateTime;

    #[derive(Debug)]
    struct Item {
        id: String,
        meta: Meta,
        even: bool,
    }

    impl Record for Item {
        fn id(&self) -> &str {
            &self.id
        }
        fn meta(&self) -> &Meta {
            &self.meta
        }
    }

    fn at(secs: i64) -> Stamp {
        Stamp::from_datetime(OffsetDateTime::from_unix_timestamp(1_700_000_000 + secs).unwrap())
    }

    fn store(n: usize) -> Store<Item> {
        let mut s = Store::default();
        for i in 0..n {
            s.insert(Item { id: format!("i{i:03}"), meta: Meta::new(at(i as i64)), even: i % 2 == 0 });
        }
        s
    }

    #[test]
    fn pages_follow_update_time_and_count_every_match() {
        let s = store(10);
        let (items, total) = s.page(&Window { top: 3, skip: 2, updated_since: None }, |_| true);
        assert_eq!(total, 10);
        assert_eq!(items.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), ["i002", "i003", "i004"]);
        let (items, total) = s.page(&Window { top: 100, skip: 0, updated_since: Some(at(7)) }, |_| true);
        assert_eq!(total, 3, "updatedSince is inclusive");
        assert_eq!(items[0].id, "i007");
        let (_, evens) = s.page(&Window::default(), |i| i.even);
        assert_eq!(evens, 5);
    }

    #[test]
    fn an_edit_moves_the_entity_to_the_end_of_the_order() {
        let mut s = store(5);
        s.edit("i001", |i| i.meta.touch(at(100)));
        let (items, _) = s.page(&Window { top: 10, skip: 0, updated_since: Some(at(50)) }, |_| true);
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].id, "i001");
        assert_eq!(items[0].meta.version, 2);
        assert_eq!(s.oldest_first().next().map(|i| i.id.as_str()), Some("i000"));
    }

    #[test]
    fn removal_keeps_lookups_right() {
        let mut s = store(4);
        assert!(s.remove("i000").is_some());
        assert!(s.get("i000").is_none());
        assert_eq!(s.get("i003").map(|i| i.id.as_str()), Some("i003"));
        assert_eq!(s.len(), 3);
        assert_eq!(s.page(&Window::default(), |_| true).1, 3);
        assert!(s.remove("i000").is_none());
    }
}
