//! The idempotency keys a client has sent, so that a replayed answer can be
//! told apart. The tenant replays the first answer to a key: for a key this
//! client sent before, that answers its own earlier attempt; for a key it
//! never sent, it answers another run's write (`apply` derives its keys from
//! the file, so the same file run from another machine sends them again),
//! and this call changed nothing.

use super::guards::IdempotencyKey;
use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

/// Keys remembered; the oldest are forgotten first. A write is retried
/// within minutes, long before this many others have been sent.
const REMEMBERED: usize = 100_000;

#[derive(Debug, Default)]
pub(super) struct SentKeys {
    keys: Mutex<Remembered>,
}

#[derive(Debug, Default)]
struct Remembered {
    set: HashSet<String>,
    order: VecDeque<String>,
}

impl SentKeys {
    /// Records `key` as sent; `true` when this client had not sent it before.
    pub fn first_send(&self, key: &IdempotencyKey) -> bool {
        let mut keys = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        if !keys.set.insert(key.as_str().to_string()) {
            return false;
        }
        keys.order.push_back(key.as_str().to_string());
        if keys.order.len() > REMEMBERED
            && let Some(oldest) = keys.order.pop_front()
        {
            keys.set.remove(&oldest);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_new_once_and_forgotten_last_of_all() {
        let sent = SentKeys::default();
        let key = |i: usize| IdempotencyKey::parse(&format!("key-{i}")).unwrap();
        assert!(sent.first_send(&key(0)));
        assert!(!sent.first_send(&key(0)), "sent again");
        for i in 1..=REMEMBERED {
            assert!(sent.first_send(&key(i)));
        }
        assert!(sent.first_send(&key(0)), "the oldest key was forgotten");
        assert!(!sent.first_send(&key(REMEMBERED)), "the newest is remembered");
    }
}
