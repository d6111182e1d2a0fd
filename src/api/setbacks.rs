//! The tenant's setbacks as the client met them, request by request: 429s,
//! 5xx answers and requests that got no answer. A change's own outcome
//! hides them when a retry or a pause got it through, yet a supervisor
//! watching a struggling tenant wants to see them.

use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};

/// Counts kept by one client (and its token requests), shared by its clones.
#[derive(Debug, Default)]
pub(crate) struct Setbacks {
    throttled: AtomicU64,
    server_errors: AtomicU64,
    unanswered: AtomicU64,
}

/// Setbacks met since the client was built.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetbackCounts {
    /// Answers of 429: the tenant asked the client to slow down.
    pub throttled: u64,
    /// Answers of 500 to 599.
    pub server_errors: u64,
    /// Requests with no answer: no connection, a dropped one, a timeout.
    pub unanswered: u64,
}

impl SetbackCounts {
    pub fn total(&self) -> u64 {
        self.throttled.saturating_add(self.server_errors).saturating_add(self.unanswered)
    }
}

impl Setbacks {
    /// Counts an answer, if it was a setback.
    pub fn answered(&self, status: reqwest::StatusCode) {
        if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            self.throttled.fetch_add(1, Ordering::Relaxed);
        } else if status.is_server_error() {
            self.server_errors.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Counts a request that got no answer.
    pub fn unanswered(&self) {
        self.unanswered.fetch_add(1, Ordering::Relaxed);
    }

    pub fn counts(&self) -> SetbackCounts {
        SetbackCounts {
            throttled: self.throttled.load(Ordering::Relaxed),
            server_errors: self.server_errors.load(Ordering::Relaxed),
            unanswered: self.unanswered.load(Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;

    #[test]
    fn only_429s_5xx_and_silence_count() {
        let setbacks = Setbacks::default();
        for status in [200, 201, 204, 400, 404, 409, 412, 429, 429, 500, 503] {
            setbacks.answered(StatusCode::from_u16(status).unwrap());
        }
        setbacks.unanswered();
        let counts = setbacks.counts();
        assert_eq!(counts, SetbackCounts { throttled: 2, server_errors: 2, unanswered: 1 });
        assert_eq!(counts.total(), 5);
    }
}
