//! The last sixty seconds, one bucket per second.
//!
//! Buckets live in a ring indexed by the second modulo the window's length.
//! Each remembers which second it holds, so a bucket is emptied when a later
//! second claims its slot, and a bucket whose second has left the window is
//! simply not read. Nothing is swept on a timer and nothing is allocated after
//! construction.

use super::latency::{Micros, window_histogram};
use super::operation::{Outcome, Tally};
use hdrhistogram::Histogram;

/// The length of the sliding window, in seconds.
pub const WINDOW_SECS: u64 = 60;

/// What completed during one second.
pub(super) struct Second {
    /// The second since the start this bucket holds; `None` until first used.
    at: Option<u64>,
    pub tally: Tally,
    pub latency: Histogram<u32>,
}

impl Second {
    fn new() -> Self {
        Self { at: None, tally: Tally::default(), latency: window_histogram() }
    }

    fn reuse(&mut self, at: u64) {
        self.at = Some(at);
        self.tally = Tally::default();
        self.latency.reset();
    }

    pub fn record(&mut self, outcome: Outcome, latency: Option<Micros>) {
        self.tally.count(outcome);
        if let Some(latency) = latency {
            self.latency.saturating_record(latency.value);
        }
    }
}

pub(super) struct Window {
    ring: Box<[Second]>,
}

impl Window {
    pub fn new() -> Self {
        Self { ring: (0..WINDOW_SECS).map(|_| Second::new()).collect() }
    }

    fn slot(&self, at: u64) -> &Second {
        &self.ring[(at % WINDOW_SECS) as usize]
    }

    /// The bucket for second `at`, emptied first if it held an older second.
    /// `None` when a newer second holds the slot: `at` has left the window.
    pub fn bucket(&mut self, at: u64) -> Option<&mut Second> {
        let slot = &mut self.ring[(at % WINDOW_SECS) as usize];
        match slot.at {
            Some(held) if held == at => {}
            Some(held) if held > at => return None,
            _ => slot.reuse(at),
        }
        Some(slot)
    }

    /// The window ending with second `now`, oldest first, always
    /// [`WINDOW_SECS`] entries: `None` for a second with no bucket, including
    /// seconds before the start.
    pub fn seconds(&self, now: u64) -> impl Iterator<Item = Option<&Second>> {
        (0..WINDOW_SECS).map(move |k| {
            let at = now.checked_sub(WINDOW_SECS - 1 - k)?;
            let slot = self.slot(at);
            (slot.at == Some(at)).then_some(slot)
        })
    }
}
