//! Figures set from outside the request path: tokens, the tenant's
//! setbacks and the webhook outbox.

use crate::api::SetbackCounts;
use std::sync::atomic::{AtomicU64, Ordering};
use time::OffsetDateTime;

/// Stands for "no delivery waiting" in the oldest-waiting gauge.
const NONE_WAITING: u64 = u64::MAX;

pub(super) struct Gauges {
    token_refreshes: AtomicU64,
    throttled: AtomicU64,
    server_errors: AtomicU64,
    unanswered: AtomicU64,
    webhook_backlog: AtomicU64,
    /// When the oldest waiting webhook was queued, in Unix milliseconds.
    /// The lag is counted from it when a snapshot is taken, so it goes on
    /// growing through an outage in which nothing else changes.
    oldest_waiting_ms: AtomicU64,
}

impl Gauges {
    pub fn new() -> Self {
        Self {
            token_refreshes: AtomicU64::new(0),
            throttled: AtomicU64::new(0),
            server_errors: AtomicU64::new(0),
            unanswered: AtomicU64::new(0),
            webhook_backlog: AtomicU64::new(0),
            oldest_waiting_ms: AtomicU64::new(NONE_WAITING),
        }
    }

    /// Whether the count grew. Counts only grow: a reading older than the
    /// last one set changes nothing.
    pub fn set_token_refreshes(&self, issued: u64) -> bool {
        self.token_refreshes.fetch_max(issued, Ordering::Relaxed) < issued
    }

    /// Whether any count grew; like tokens, counts only grow.
    pub fn set_setbacks(&self, counts: SetbackCounts) -> bool {
        let grew = |gauge: &AtomicU64, n: u64| gauge.fetch_max(n, Ordering::Relaxed) < n;
        // Not short-circuited: each count is set.
        grew(&self.throttled, counts.throttled)
            | grew(&self.server_errors, counts.server_errors)
            | grew(&self.unanswered, counts.unanswered)
    }

    pub fn setbacks(&self) -> SetbackCounts {
        SetbackCounts {
            throttled: self.throttled.load(Ordering::Relaxed),
            server_errors: self.server_errors.load(Ordering::Relaxed),
            unanswered: self.unanswered.load(Ordering::Relaxed),
        }
    }

    /// Whether the value changed.
    pub fn set_webhook_backlog(&self, pending: u64) -> bool {
        self.webhook_backlog.swap(pending, Ordering::Relaxed) != pending
    }

    /// Whether the value changed, to the millisecond.
    pub fn set_oldest_waiting(&self, queued: Option<OffsetDateTime>) -> bool {
        let ms = queued.map_or(NONE_WAITING, |at| unix_ms(at).min(NONE_WAITING - 1));
        self.oldest_waiting_ms.swap(ms, Ordering::Relaxed) != ms
    }

    pub fn is_delivery_waiting(&self) -> bool {
        self.oldest_waiting_ms.load(Ordering::Relaxed) != NONE_WAITING
    }

    pub fn token_refreshes(&self) -> u64 {
        self.token_refreshes.load(Ordering::Relaxed)
    }

    pub fn webhook_backlog(&self) -> u64 {
        self.webhook_backlog.load(Ordering::Relaxed)
    }

    /// How long the oldest waiting webhook has waited by `now`.
    pub fn delivery_lag_ms(&self, now: OffsetDateTime) -> Option<u64> {
        let queued = self.oldest_waiting_ms.load(Ordering::Relaxed);
        (queued != NONE_WAITING).then(|| unix_ms(now).saturating_sub(queued))
    }
}

/// Milliseconds since the Unix epoch; 0 for a time before it.
fn unix_ms(at: OffsetDateTime) -> u64 {
    u64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(0)
}
