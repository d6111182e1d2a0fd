//! Rows that may not show this session's own latest change to them: one
//! still on its way, or one that came back before the table read the row
//! again. A form foretells nothing from such a row's state (already so, a
//! dialer state, a wrap-up): the engine reads the target when the change
//! goes, and decides then.
//!
//! Targets are named by the key the console knows their rows by
//! ([`RowKey`]): a contact's holds its campaign, so a change to one never
//! makes another campaign's contact of the same id lag.

use crate::engine::{CommandId, RowKey};
use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

/// How long a change that came back keeps its row counted as lagging at
/// most. A table that read the row before the change's answer reached the
/// console does not list it as changed again, so the mark cannot wait for
/// that alone; by then the rounds after the change have ended.
pub const CAUGHT_UP_WITHIN: Duration = Duration::from_secs(10);

#[derive(Debug, Default)]
pub struct Lagging {
    /// The targets' row keys of each change on its way, by the id the
    /// change ends under.
    on_the_way: HashMap<CommandId, BTreeSet<RowKey>>,
    /// The row keys of targets whose change came back, with when (the
    /// console's clock).
    came_back: HashMap<RowKey, Duration>,
}

/// Why a target's row may not show its latest change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lag {
    /// A change to it has not come back yet.
    OnTheWay,
    /// A change to it came back, and its row has not been read since.
    Unread,
}

impl Lagging {
    /// The change `id` went to `targets`.
    pub fn sent(&mut self, id: CommandId, targets: BTreeSet<RowKey>) {
        self.on_the_way.insert(id, targets);
    }

    /// The change `id` came back.
    pub fn ended(&mut self, id: &CommandId) {
        self.on_the_way.remove(id);
    }

    /// A change to `target` was applied, as heard at `now`: its row is
    /// behind until read.
    pub fn applied(&mut self, target: &RowKey, now: Duration) {
        self.came_back.insert(target.clone(), now);
    }

    /// A table read these rows (by row key) and found them changed.
    pub fn read<'a>(&mut self, keys: impl IntoIterator<Item = &'a RowKey>) {
        if self.came_back.is_empty() {
            return;
        }
        for key in keys {
            self.came_back.remove(key);
        }
    }

    /// The changes that came back and whose rows were not read (the tables
    /// were frozen) count as coming back at `now`, so that they are given
    /// the time any change is to be read.
    pub fn held_until(&mut self, now: Duration) {
        self.came_back.values_mut().for_each(|at| *at = now);
    }

    /// Forgets the changes that came back long enough ago; true when any was.
    pub fn expire(&mut self, now: Duration) -> bool {
        let before = self.came_back.len();
        self.came_back.retain(|_, at| now.saturating_sub(*at) < CAUGHT_UP_WITHIN);
        self.came_back.len() != before
    }

    /// The targets whose change came back and whose rows have not been
    /// read since.
    pub fn unread(&self) -> impl Iterator<Item = &RowKey> {
        self.came_back.keys()
    }

    pub fn of(&self, target: &RowKey) -> Option<Lag> {
        if self.on_the_way.values().any(|targets| targets.contains(target)) {
            Some(Lag::OnTheWay)
        } else if self.came_back.contains_key(target) {
            Some(Lag::Unread)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(ids: &[&str]) -> BTreeSet<RowKey> {
        ids.iter().map(|id| key(id)).collect()
    }

    fn key(id: &str) -> RowKey {
        RowKey::new(None, id)
    }

    #[test]
    fn a_target_lags_from_sending_until_its_row_is_read() {
        let mut lagging = Lagging::default();
        let change = CommandId::random();
        lagging.sent(change.clone(), keys(&["a", "b"]));
        assert_eq!(lagging.of(&key("a")), Some(Lag::OnTheWay));
        lagging.applied(&key("a"), Duration::from_secs(1));
        lagging.ended(&change);
        assert_eq!(lagging.of(&key("a")), Some(Lag::Unread));
        assert_eq!(lagging.of(&key("b")), None, "not applied: its row is as it was");
        lagging.read(&[key("a")]);
        assert_eq!(lagging.of(&key("a")), None);
    }

    #[test]
    fn two_changes_to_one_target_keep_it_on_the_way_until_both_are_back() {
        let mut lagging = Lagging::default();
        let (first, second) = (CommandId::random(), CommandId::random());
        lagging.sent(first.clone(), keys(&["a"]));
        lagging.sent(second.clone(), keys(&["a"]));
        lagging.ended(&first);
        assert_eq!(lagging.of(&key("a")), Some(Lag::OnTheWay));
        lagging.ended(&second);
        assert_eq!(lagging.of(&key("a")), None);
    }

    #[test]
    fn a_row_never_listed_again_stops_lagging_after_a_while() {
        let mut lagging = Lagging::default();
        let change = CommandId::random();
        lagging.sent(change.clone(), keys(&["a"]));
        lagging.applied(&key("a"), Duration::from_secs(5));
        lagging.ended(&change);
        assert!(!lagging.expire(Duration::from_secs(14)));
        assert_eq!(lagging.of(&key("a")), Some(Lag::Unread));
        assert!(lagging.expire(Duration::from_secs(15)));
        assert_eq!(lagging.of(&key("a")), None);
    }
}
