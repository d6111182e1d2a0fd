//! The figures of one operation (or of all of them): the whole run and the window.

use super::latency::{LatencySummary, Micros, run_histogram, window_histogram};
use super::operation::{Outcome, Tally};
use super::snapshot::{PeriodSnapshot, SecondPoint, SeriesSnapshot};
use super::window::{WINDOW_SECS, Window};
use hdrhistogram::Histogram;
use std::time::Duration;

pub(super) struct Series {
    run: Tally,
    run_latency: Histogram<u64>,
    clamped: u64,
    window: Window,
    /// The window's seconds added together; kept so that a snapshot reuses
    /// it instead of allocating a histogram each time.
    merged: Histogram<u32>,
}

impl Series {
    pub fn new() -> Self {
        Self {
            run: Tally::default(),
            run_latency: run_histogram(),
            clamped: 0,
            window: Window::new(),
            merged: window_histogram(),
        }
    }

    /// Records one completed operation during second `at` since the start.
    /// A sample too late for the window still counts for the run.
    pub fn record(&mut self, at: u64, outcome: Outcome, latency: Duration) {
        let latency = outcome.has_latency().then(|| Micros::of(latency));
        self.run.count(outcome);
        if let Some(latency) = latency {
            self.run_latency.saturating_record(latency.value);
            self.clamped += u64::from(latency.clamped);
        }
        if let Some(second) = self.window.bucket(at) {
            second.record(outcome, latency);
        }
    }

    /// The figures as of `elapsed` since the start.
    pub fn snapshot(&mut self, elapsed: Duration) -> SeriesSnapshot {
        let now = elapsed.as_secs();
        let mut window = Tally::default();
        self.merged.reset();
        let mut seconds = Vec::with_capacity(WINDOW_SECS as usize);
        for second in self.window.seconds(now) {
            let Some(second) = second else {
                seconds.push(SecondPoint::default());
                continue;
            };
            window.add(&second.tally);
            // Same bounds and precision on both sides: adding cannot overflow the range.
            let _ = self.merged.add(&second.latency);
            seconds.push(SecondPoint {
                completed: second.tally.completed,
                failed: second.tally.failed(),
                p95_us: (!second.latency.is_empty()).then(|| second.latency.value_at_quantile(0.95)),
                error_rate: second.tally.error_rate(),
            });
        }
        SeriesSnapshot {
            throughput: window.completed as f64 / covered_secs(elapsed),
            window: PeriodSnapshot::new(&window, LatencySummary::of(&self.merged)),
            run: PeriodSnapshot::new(&self.run, LatencySummary::of(&self.run_latency)),
            clamped: self.clamped,
            seconds,
        }
    }
}

/// How much time the window's buckets cover at `elapsed`: from the start of
/// its oldest second to now. Early in a run that is less than the window,
/// and dividing by the full window would understate the rate. At least one
/// second, so that the first few samples do not read as a burst.
fn covered_secs(elapsed: Duration) -> f64 {
    let oldest = elapsed.as_secs().saturating_sub(WINDOW_SECS - 1);
    (elapsed.as_secs_f64() - oldest as f64).max(1.0)
}
