//! What the console shows: an immutable reading of every gauge.

use super::latency::LatencySummary;
use super::operation::{ErrorCounts, Operation, Tally};
use crate::api::SetbackCounts;
use serde::Serialize;

/// Every gauge at one instant. Cheap to share behind an `Arc`; nothing in it
/// changes after it is taken.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricsSnapshot {
    /// Time since the metrics started.
    pub elapsed_ms: u64,
    /// The length of the sliding window the `window` figures cover.
    pub window_secs: u64,
    /// All operations together.
    pub overall: SeriesSnapshot,
    /// One entry per operation, in [`Operation::ALL`] order.
    pub operations: [OperationSnapshot; Operation::COUNT],
    /// Access tokens obtained since the start, the first one included.
    pub token_refreshes: u64,
    /// The tenant's 429s, 5xx answers and unanswered requests over the run,
    /// each request counted, those a retry or a pause got past included.
    pub tenant_setbacks: SetbackCounts,
    /// Webhook deliveries waiting in the outbox.
    pub webhook_backlog: u64,
    /// How long the oldest waiting delivery has waited; `None` when none waits.
    pub delivery_lag_ms: Option<u64>,
}

impl MetricsSnapshot {
    pub fn operation(&self, operation: Operation) -> &SeriesSnapshot {
        &self.operations[operation.index()].series
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OperationSnapshot {
    pub operation: Operation,
    #[serde(flatten)]
    pub series: SeriesSnapshot,
}

/// The figures of one operation, or of all of them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SeriesSnapshot {
    /// The sliding window.
    pub window: PeriodSnapshot,
    /// The whole run.
    pub run: PeriodSnapshot,
    /// Completed operations per second over the window.
    pub throughput: f64,
    /// Samples slower than [`super::MAX_LATENCY`], counted at that bound.
    pub clamped: u64,
    /// The window second by second, oldest first, newest last; always
    /// [`super::WINDOW_SECS`] points, for a sparkline.
    pub seconds: Vec<SecondPoint>,
}

/// Counts, error rate and latency over a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PeriodSnapshot {
    pub completed: u64,
    pub failed: u64,
    /// Failed over completed; `None` before anything completed.
    pub error_rate: Option<f64>,
    pub errors: ErrorCounts,
    /// `None` when no request reached the tenant in the period.
    pub latency: Option<LatencySummary>,
}

impl PeriodSnapshot {
    pub(super) fn new(tally: &Tally, latency: Option<LatencySummary>) -> Self {
        Self {
            completed: tally.completed,
            failed: tally.failed(),
            error_rate: tally.error_rate(),
            errors: tally.errors,
            latency,
        }
    }
}

/// One second of the window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecondPoint {
    pub completed: u64,
    pub failed: u64,
    /// `None` when no request reached the tenant that second.
    pub p95_us: Option<u64>,
    /// `None` when nothing completed that second.
    pub error_rate: Option<f64>,
}
