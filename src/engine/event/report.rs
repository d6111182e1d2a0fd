//! What a batch did, counted target by target as document 001 counts it.

use super::Outcome;
use crate::engine::skip::SkipKey;
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

/// A batch's report, with document 001's definitions: `processed` counts the
/// targets a write was attempted for, `accuracy_rate_percent` is successful
/// over processed, `average_latency_ms` averages the successful writes, both
/// rounded to two places as the document rounds them. Only [`count`]
/// changes the counts, so they always agree with each other, and the rates
/// are worked out from them when read, so they cannot disagree with them;
/// the fields are read through the methods of their names.
///
/// [`count`]: BatchReport::count
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BatchReport {
    total: usize,
    processed: usize,
    successful: usize,
    /// Processed but not successful: rejected, conflicting or failed.
    failed: usize,
    /// Not through, with no write sent: refused by the rules or by what
    /// the tenant answered to a read (a contact it does not have), or
    /// stopped before the write. The document leaves these out of
    /// `processed`, as its check does.
    unwritten: usize,
    /// Skipped targets by reason key (`duplicate`, `dialer_state`, `unchanged`…).
    skipped: BTreeMap<SkipKey, usize>,
    /// Stopped by the supervisor before every target was tried.
    cancelled: bool,
    /// The successful writes' latencies summed, and how many were timed.
    timed: (f64, usize),
}

/// The report as the JSON reports show it: the counts, then the rates
/// worked out from them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Shown<'a> {
    total: usize,
    processed: usize,
    successful: usize,
    failed: usize,
    unwritten: usize,
    skipped: &'a BTreeMap<SkipKey, usize>,
    accuracy_rate_percent: f64,
    average_latency_ms: f64,
    cancelled: bool,
}

impl Serialize for BatchReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Shown {
            total: self.total,
            processed: self.processed,
            successful: self.successful,
            failed: self.failed,
            unwritten: self.unwritten,
            skipped: &self.skipped,
            accuracy_rate_percent: self.accuracy_rate_percent(),
            average_latency_ms: self.average_latency_ms(),
            cancelled: self.cancelled,
        }
        .serialize(serializer)
    }
}

/// `x` rounded to two places, as document 001 rounds its rates.
fn two_places(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Whether a target's write went to the tenant, as a batch report counts it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Write {
    /// None was sent: skipped, refused before it, or stopped.
    NotSent,
    /// Sent; with its latency once applied.
    Sent { latency_ms: Option<f64> },
}

impl BatchReport {
    /// Adds one target's outcome and what became of its write.
    pub fn count(&mut self, outcome: &Outcome, write: Write) {
        self.total += 1;
        match (outcome, write) {
            (Outcome::Skipped { key, .. }, _) => *self.skipped.entry(*key).or_default() += 1,
            (Outcome::Applied { .. }, write) => {
                self.processed += 1;
                self.successful += 1;
                if let Write::Sent { latency_ms: Some(ms) } = write {
                    self.timed = (self.timed.0 + ms, self.timed.1 + 1);
                }
            }
            (_, Write::NotSent) => self.unwritten += 1,
            (_, Write::Sent { .. }) => {
                self.processed += 1;
                self.failed += 1;
            }
        }
    }

    /// Says whether the supervisor stopped the batch before every target
    /// was tried; counting never sets it.
    pub fn set_cancelled(&mut self, cancelled: bool) {
        self.cancelled = cancelled;
    }

    /// The targets counted, whatever became of them.
    pub fn total(&self) -> usize {
        self.total
    }

    /// The targets a write was attempted for.
    pub fn processed(&self) -> usize {
        self.processed
    }

    /// The targets applied.
    pub fn successful(&self) -> usize {
        self.successful
    }

    /// Processed but not successful: rejected, conflicting or failed.
    pub fn failed(&self) -> usize {
        self.failed
    }

    /// Not through, with no write sent: refused before it, or stopped.
    pub fn unwritten(&self) -> usize {
        self.unwritten
    }

    /// Skipped targets by reason key.
    pub fn skipped(&self) -> &BTreeMap<SkipKey, usize> {
        &self.skipped
    }

    pub fn skipped_total(&self) -> usize {
        self.skipped.values().sum()
    }

    /// Successful over processed, in percent, to two places; 0 when none
    /// was processed.
    pub fn accuracy_rate_percent(&self) -> f64 {
        match self.processed {
            0 => 0.0,
            n => two_places(self.successful as f64 * 100.0 / n as f64),
        }
    }

    /// The successful writes' average latency, to two places; 0 when none
    /// was timed.
    pub fn average_latency_ms(&self) -> f64 {
        match self.timed {
            (_, 0) => 0.0,
            (sum, n) => two_places(sum / n as f64),
        }
    }

    /// Stopped by the supervisor before every target was tried.
    pub fn cancelled(&self) -> bool {
        self.cancelled
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::event::Finished;

    #[test]
    fn batch_report_follows_the_documents_definitions() {
        let mut r = BatchReport::default();
        let sent = |ms| Write::Sent { latency_ms: Some(ms) };
        r.count(&Outcome::applied("ok"), sent(10.0));
        r.count(&Outcome::applied("ok"), sent(30.1));
        r.count(&Outcome::failed("503"), Write::Sent { latency_ms: None });
        r.count(&Outcome::skipped(SkipKey::DialerState, "DIALING"), Write::NotSent);
        r.count(&Outcome::skipped(SkipKey::Duplicate, "again"), Write::NotSent);
        // Document 001's check drops a contact the tenant does not have
        // before anything counts it as processed.
        r.count(&Outcome::rejected("no contact c-9 in campaign k"), Write::NotSent);
        assert_eq!((r.total(), r.processed(), r.successful(), r.failed(), r.unwritten()), (6, 3, 2, 1, 1));
        assert_eq!(r.skipped_total(), 2);
        assert_eq!(r.accuracy_rate_percent(), 66.67, "rounded to two places");
        assert_eq!(r.average_latency_ms(), 20.05);
        assert!(Finished::Batch(r.clone()).has_failures(), "a contact not found did not go through");
        // The JSON reports show the counts, then the rates worked out from them.
        let shown = serde_json::to_string(&r).expect("a report serializes");
        let written = r#"{"total":6,"processed":3,"successful":2,"failed":1,"unwritten":1,"skipped":{"#;
        assert!(shown.starts_with(written), "{shown}");
        assert!(
            shown.ends_with(r#"},"accuracyRatePercent":66.67,"averageLatencyMs":20.05,"cancelled":false}"#)
        );
    }
}
