//! Figures set from outside the request path: tokens, the tenant's
//! setbacks and the webhook outbox.

use crate::api::SetbackCounts;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Stands for "no delivery waiting" in the lag gauge.
const NO_LAG: u64 = u64::MAX;

pub(super) struct Gauges {
    token_refreshes: AtomicU64,
    throttled: AtomicU64,
    server_errors: AtomicU64,
    unanswered: AtomicU64,
    webhook_backlog: AtomicU64,
    delivery_lag_ms: AtomicU64,
}

impl Gauges {
    pub fn new() -> Self {
        Self {
            token_refreshes: AtomicU64::new(0),
            throttled: AtomicU64::new(0),
            server_errors: AtomicU64::new(0),
            unanswered: AtomicU64::new(0),
            webhook_backlog: AtomicU64::new(0),
            delivery_lag_ms: AtomicU64::new(NO_LAG),
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

    /// Whether the value changed, at the millisecond the snapshot shows.
    pub fn set_delivery_lag(&self, lag: Option<Duration>) -> bool {
        let ms = lag.map_or(NO_LAG, |lag| u64::try_from(lag.as_millis()).unwrap_or(NO_LAG - 1));
        self.delivery_lag_ms.swap(ms, Ordering::Relaxed) != ms
    }

    pub fn token_refreshes(&self) -> u64 {
        self.token_refreshes.load(Ordering::Relaxed)
    }

    pub fn webhook_backlog(&self) -> u64 {
        self.webhook_backlog.load(Ordering::Relaxed)
    }

    pub fn delivery_lag_ms(&self) -> Option<u64> {
        let ms = self.delivery_lag_ms.load(Ordering::Relaxed);
        (ms != NO_LAG).then_some(ms)
    }
}
