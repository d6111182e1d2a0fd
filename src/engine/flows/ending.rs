//! The remote part of a change, as the flows settle it: how it ended, and
//! whether a failed call is worth another try (see [`Tries`], kept with
//! the rest of a change's ending for the flows).

use crate::api::{ApiError, ApiErrorKind, CallInfo};
use crate::engine::context::settle;
pub(in crate::engine::flows) use crate::engine::context::unsettled;
use crate::engine::event::Outcome;
pub(in crate::engine::flows) use crate::engine::flows::tries::Tries;
pub(crate) use crate::engine::flows::tries::again;
use crate::engine::flows::{Settled, Trail, Webhook};
use crate::engine::metrics::ErrorClass;
use serde_json::Value;
use std::time::Duration;

/// How a change to one target ended, owning what its outcome record cites;
/// [`Ending::finish`] hands it to the audit trail.
pub(in crate::engine::flows) struct Ending {
    pub outcome: Outcome,
    pub call: Option<CallInfo>,
    pub after: Option<Value>,
    pub class: Option<ErrorClass>,
    pub webhook: Option<Webhook>,
    /// The write's latency, for an applied change.
    pub write_ms: Option<f64>,
}

impl Ending {
    pub fn new(outcome: Outcome) -> Self {
        Self { outcome, call: None, after: None, class: None, webhook: None, write_ms: None }
    }

    /// A refusal or failure reported by the client, as the engine reads it.
    pub fn error(error: &ApiError) -> Self {
        let (outcome, class) = settle(error);
        Self { call: Some((*error.call).clone()), class: Some(class), ..Self::new(outcome) }
    }

    pub fn call(mut self, call: CallInfo) -> Self {
        self.call = Some(call);
        self
    }

    pub fn class(mut self, class: ErrorClass) -> Self {
        self.class = Some(class);
        self
    }

    /// Records the outcome (and queues the webhook of an applied change);
    /// returns the outcome to report.
    pub async fn finish(self, trail: Trail<'_>, latency: Duration) -> Outcome {
        let Self { outcome, call, after, class, webhook, .. } = self;
        let mut settled = Settled::new(outcome);
        if let Some(call) = &call {
            settled = settled.call(call);
        }
        if let Some(after) = after {
            settled = settled.after(after);
        }
        if let Some(class) = class {
            settled = settled.class(class);
        }
        if let Some(webhook) = webhook {
            settled = settled.webhook(webhook);
        }
        trail.finish(settled, latency).await
    }
}

/// `error`, once reading the target back found it without the change: the
/// requests that went unanswered did not land after all, so the outcome
/// neither says they may have nor asks for the read-back it was.
pub(in crate::engine::flows) fn not_landed(error: &ApiError) -> ApiError {
    let mut error = error.clone();
    error.call.unanswered = 0;
    if let ApiErrorKind::Interrupted { writes, .. } | ApiErrorKind::Timeout { writes, .. } = &mut error.kind {
        *writes = false;
    }
    error
}

/// A write's refusals as stale (409, 412) against the retries the engine
/// allows it, counted the same way by every flow.
pub(in crate::engine::flows) struct Conflicts {
    refused: u32,
    retries: u32,
}

impl Conflicts {
    pub fn new(retries: u32) -> Self {
        Self { refused: 0, retries }
    }

    /// Counts one refusal; `false` once it leaves no retry.
    pub fn refused(&mut self) -> bool {
        self.refused += 1;
        self.refused <= self.retries
    }

    /// How many times the tenant refused the write.
    pub fn times(&self) -> u32 {
        self.refused
    }

    /// Waits before the retry: longer each time, with jitter so two consoles
    /// racing for one entity do not collide again. Document 000 sleeps 0.5 s
    /// times the attempt; the retry reads the entity afresh first, so a
    /// pause of tens of milliseconds is enough to part two racing writers
    /// and keeps a supervisor from waiting seconds.
    pub async fn pause(&self) {
        let jitter: u64 = rand::random_range(0..50);
        tokio::time::sleep(Duration::from_millis(50 * u64::from(self.refused) + jitter)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_is_sent_again_as_many_times_as_the_retries_allow() {
        let mut conflicts = Conflicts::new(2);
        assert!(conflicts.refused() && conflicts.refused(), "two retries");
        assert!(!conflicts.refused(), "the third refusal ends it");
        assert_eq!(conflicts.times(), 3);
        assert!(!Conflicts::new(0).refused(), "no retry at all");
    }
}
