//! Live latency and error metrics.
//!
//! Every completed operation is recorded once, with its outcome and latency,
//! into a series for its operation and one for all operations. Each series
//! holds an HDR histogram of the whole run and a sliding window of the last
//! [`WINDOW_SECS`] seconds in one-second buckets, from which a
//! [`MetricsSnapshot`] reads percentiles, throughput, error rates and a
//! second-by-second sparkline.
//!
//! Recording is constant-time and allocation-free: histograms have fixed
//! bounds and are allocated up front, and each lock is held for a couple of
//! counter increments. Time is read from `tokio::time::Instant`, and every
//! method that depends on it has an `_at` twin taking the instant, so tests
//! and paused-time runs drive the window deterministically.

mod gauges;
mod latency;
mod operation;
mod publisher;
mod series;
mod snapshot;
mod window;

pub use latency::{LatencySummary, MAX_LATENCY};
pub use operation::{ErrorClass, ErrorCounts, Operation, Outcome};
pub use publisher::{MIN_PUBLISH_PERIOD, Publisher, spawn_publisher};
pub use snapshot::{MetricsSnapshot, OperationSnapshot, PeriodSnapshot, SecondPoint, SeriesSnapshot};
pub use window::WINDOW_SECS;

use gauges::Gauges;
use series::Series;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::time::Instant;

/// A handle on the metrics of one run. Clones share the same figures, so
/// every task that completes operations can hold one.
#[derive(Clone)]
pub struct Metrics {
    shared: Arc<Shared>,
}

struct Shared {
    start: Instant,
    overall: Mutex<Series>,
    operations: [Mutex<Series>; Operation::COUNT],
    gauges: Gauges,
    /// Bumped by every change, so that a publisher can tell nothing happened.
    generation: AtomicU64,
    /// One more than the newest second a sample was recorded in; 0 before any.
    newest_second: AtomicU64,
}

/// What a snapshot depends on besides the clock: equal markers mean equal
/// snapshots, apart from their elapsed time and the throughput's divisor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Marker {
    generation: u64,
    /// The current second while the window still holds samples, or while
    /// a webhook waits: as it slides, samples leave the window and the
    /// delivery lag grows.
    sliding: Option<u64>,
}

impl Metrics {
    /// Metrics whose run and window start now.
    pub fn new() -> Self {
        Self::starting_at(Instant::now())
    }

    pub fn starting_at(start: Instant) -> Self {
        Self {
            shared: Arc::new(Shared {
                start,
                overall: Mutex::new(Series::new()),
                operations: std::array::from_fn(|_| Mutex::new(Series::new())),
                gauges: Gauges::new(),
                generation: AtomicU64::new(0),
                newest_second: AtomicU64::new(0),
            }),
        }
    }

    /// Records a completed operation that took `latency`, now.
    ///
    /// Every outcome counts towards throughput and error rates; the latency
    /// of a [`ErrorClass::Validation`] failure is left out of the histograms,
    /// since no request was sent.
    pub fn record(&self, operation: Operation, outcome: Outcome, latency: Duration) {
        self.record_at(Instant::now(), operation, outcome, latency);
    }

    /// [`Metrics::record`] for an operation that completed at `at`. A sample
    /// older than the window counts for the run only.
    pub fn record_at(&self, at: Instant, operation: Operation, outcome: Outcome, latency: Duration) {
        let second = self.elapsed_at(at).as_secs();
        lock(&self.shared.operations[operation.index()]).record(second, outcome, latency);
        lock(&self.shared.overall).record(second, outcome, latency);
        self.shared.newest_second.fetch_max(second + 1, Ordering::Relaxed);
        self.changed();
    }

    /// Sets how many access tokens the client has obtained so far.
    pub fn set_token_refreshes(&self, issued: u64) {
        if self.shared.gauges.set_token_refreshes(issued) {
            self.changed();
        }
    }

    /// Sets the tenant's setbacks the client has met so far.
    pub fn set_setbacks(&self, counts: crate::api::SetbackCounts) {
        if self.shared.gauges.set_setbacks(counts) {
            self.changed();
        }
    }

    /// Sets how many webhook deliveries wait in the outbox.
    pub fn set_webhook_backlog(&self, pending: u64) {
        if self.shared.gauges.set_webhook_backlog(pending) {
            self.changed();
        }
    }

    /// Sets when the oldest webhook still waiting for delivery was queued
    /// (`None` when none waits): snapshots count the delivery lag from it.
    pub fn set_oldest_waiting(&self, queued: Option<time::OffsetDateTime>) {
        if self.shared.gauges.set_oldest_waiting(queued) {
            self.changed();
        }
    }

    /// Every figure, as of now.
    pub fn snapshot(&self) -> MetricsSnapshot {
        self.snapshot_at(Instant::now())
    }

    /// Every figure, as of `at`: the window is the [`WINDOW_SECS`] seconds
    /// ending with the second `at` falls in. The delivery lag alone is
    /// counted to the wall clock's now, as the time it was queued is.
    pub fn snapshot_at(&self, at: Instant) -> MetricsSnapshot {
        let elapsed = self.elapsed_at(at);
        let gauges = &self.shared.gauges;
        MetricsSnapshot {
            elapsed_ms: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
            window_secs: WINDOW_SECS,
            overall: lock(&self.shared.overall).snapshot(elapsed),
            operations: Operation::ALL.map(|operation| OperationSnapshot {
                operation,
                series: lock(&self.shared.operations[operation.index()]).snapshot(elapsed),
            }),
            token_refreshes: gauges.token_refreshes(),
            tenant_setbacks: gauges.setbacks(),
            webhook_backlog: gauges.webhook_backlog(),
            delivery_lag_ms: gauges.delivery_lag_ms(time::OffsetDateTime::now_utc()),
        }
    }

    fn marker(&self, at: Instant) -> Marker {
        let now = self.elapsed_at(at).as_secs();
        let newest = self.shared.newest_second.load(Ordering::Relaxed);
        // The window holds samples until its oldest second passes the newest one.
        let holds_samples = newest > 0 && now < newest - 1 + WINDOW_SECS;
        let moving = holds_samples || self.shared.gauges.is_delivery_waiting();
        Marker { generation: self.shared.generation.load(Ordering::Acquire), sliding: moving.then_some(now) }
    }

    fn elapsed_at(&self, at: Instant) -> Duration {
        at.saturating_duration_since(self.shared.start)
    }

    fn changed(&self) {
        self.shared.generation.fetch_add(1, Ordering::Release);
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Metrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Metrics").field("start", &self.shared.start).finish_non_exhaustive()
    }
}

/// A panic elsewhere while a series was locked leaves counters that are
/// still valid numbers; carrying on beats losing the gauges.
fn lock(series: &Mutex<Series>) -> MutexGuard<'_, Series> {
    series.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
