//! Latency histograms with fixed bounds, and what is read from them.
//!
//! Bounds are fixed so that recording never allocates: a histogram that
//! auto-resizes would reallocate on the first slow sample, in the middle of
//! the hot path. Samples slower than [`MAX_LATENCY`] are recorded at the
//! bound and counted, so a panel can say that its maximum is a floor.

use hdrhistogram::{Counter, Histogram};
use serde::Serialize;
use std::sync::LazyLock;
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

/// An empty window histogram, kept only for its buckets: where each value
/// falls at the window's precision. Made once, on first use, never while
/// recording.
static WINDOW_BUCKETS: LazyLock<Histogram<u32>> = LazyLock::new(window_histogram);

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

    /// The percentiles and the maximum as the window's coarser histograms
    /// read them: each the top of its bucket at the window's precision. A
    /// run's figures shown beside the window's go through this, so that the
    /// same samples read the same in both (one sample of 8.54 ms is 8.5 ms
    /// at the run's precision and 8.6 ms at the window's). Each run bucket
    /// lies within one window bucket, so the top of the one holding a
    /// percentile is the window's figure for it.
    pub fn at_window_precision(&self) -> Self {
        let coarse = |us: u64| WINDOW_BUCKETS.highest_equivalent(us);
        Self {
            p50_us: coarse(self.p50_us),
            p95_us: coarse(self.p95_us),
            p99_us: coarse(self.p99_us),
            max_us: coarse(self.max_us),
            ..*self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(l: LatencySummary) -> [u64; 4] {
        [l.p50_us, l.p95_us, l.p99_us, l.max_us]
    }

    /// The same samples, read from a run histogram at the window's
    /// precision, give the window's figures, whatever the samples.
    #[test]
    fn a_run_read_at_the_window_precision_agrees_with_the_window() {
        let cases: [&[u64]; 4] =
            [&[8_540], &[8_499, 8_540, 120], &[1, 255, 256, 257, 9_999_999], &[417_000; 3]];
        for samples in cases {
            let (mut run, mut window) = (run_histogram(), window_histogram());
            for &us in samples {
                run.record(us).unwrap();
                window.record(us).unwrap();
            }
            let (run, window) = (LatencySummary::of(&run).unwrap(), LatencySummary::of(&window).unwrap());
            assert_eq!(figures(run.at_window_precision()), figures(window), "{samples:?}");
        }
        let mut many = (run_histogram(), window_histogram());
        for us in (1..=20_000u64).map(|i| i * 37 % 900_001 + 1) {
            many.0.record(us).unwrap();
            many.1.record(us).unwrap();
        }
        let (run, window) = (LatencySummary::of(&many.0).unwrap(), LatencySummary::of(&many.1).unwrap());
        assert_eq!(figures(run.at_window_precision()), figures(window));
    }
}
