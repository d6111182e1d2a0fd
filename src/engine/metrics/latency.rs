//! Latency histograms with fixed bounds, and what is read from them.
//!
//! Bounds are fixed so that recording never allocates: a histogram that
//! auto-resizes would reallocate on the first slow sample, in the middle of
//! the hot path. Samples slower than [`MAX_LATENCY`] are recorded at the
//! bound and counted, so a panel can say that its maximum is a floor.

use hdrhistogram::{Counter, Histogram};
use serde::Serialize;
use std::time::Duration;

/// The slowest latency the histograms tell apart. It is well past any
/// request deadline, so only a stalled clock or a bug reaches it.
pub const MAX_LATENCY: Duration = Duration::from_secs(120);

const MAX_MICROS: u64 = MAX_LATENCY.as_micros() as u64;

/// Whole-run histograms: three significant digits (0.1 %).
const RUN_SIGFIG: u8 = 3;

/// Per-second histograms: two significant digits (1 %). There are sixty of
/// them per series, and at three digits they would take ten times the
/// memory for a precision no sparkline shows.
const WINDOW_SIGFIG: u8 = 2;

pub(super) fn run_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, MAX_MICROS, RUN_SIGFIG).expect("the run histogram's bounds are valid")
}

pub(super) fn window_histogram() -> Histogram<u32> {
    Histogram::new_with_bounds(1, MAX_MICROS, WINDOW_SIGFIG).expect("the window histogram's bounds are valid")
}

/// A latency in microseconds, and whether it had to be clamped to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Micros {
    pub value: u64,
    pub clamped: bool,
}

impl Micros {
    pub fn of(latency: Duration) -> Self {
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        Self { value: micros.min(MAX_MICROS), clamped: micros > MAX_MICROS }
    }
}

/// The distribution of a set of latencies, in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LatencySummary {
    pub samples: u64,
    pub p50_us: u64,
    pub p95_us: u64,
    pub p99_us: u64,
    pub max_us: u64,
    pub mean_us: f64,
}

impl LatencySummary {
    /// `None` for an empty histogram, so a panel shows "no data" rather than zeros.
    pub(super) fn of<T: Counter>(histogram: &Histogram<T>) -> Option<Self> {
        if histogram.is_empty() {
            return None;
        }
        Some(Self {
            samples: histogram.len(),
            p50_us: histogram.value_at_quantile(0.50),
            p95_us: histogram.value_at_quantile(0.95),
            p99_us: histogram.value_at_quantile(0.99),
            max_us: histogram.max(),
            mean_us: histogram.mean(),
        })
    }
}
