//! What a call did, for the audit trail and the metrics panes.

use reqwest::Method;
use std::time::Duration;

/// The facts of one call, success or failure: what was sent, how often,
/// how long it took, and what the tenant last answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallInfo {
    pub method: Method,
    /// The path as sent, percent-encoded, without the query.
    pub path: String,
    /// The last HTTP status received; `None` when no reply ever came.
    pub status: Option<u16>,
    /// HTTP requests sent for this call, retries and re-authentication included.
    pub attempts: u32,
    /// From the start of the call to its end, waits included.
    pub latency: Duration,
    pub etag_sent: Option<String>,
    pub idempotency_key: Option<String>,
    /// The tenant answered from its idempotency store: the write had already
    /// been applied by an earlier attempt or call with the same key.
    pub replay: Option<Replay>,
    /// Requests that went out and got no answer (cut off, or timed out):
    /// a write among them may have been applied, whatever came after.
    pub unanswered: u32,
}

/// Whose write a replayed answer is the answer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replay {
    /// One of this call's own attempts, whose answer was lost.
    OwnAttempt,
    /// A key this client had never sent: another run (of this audit log,
    /// before a restart, or of another) made the write first, and this call
    /// changed nothing.
    KeyNotSentHere,
}

impl CallInfo {
    pub(crate) fn new(method: Method, path: String) -> Self {
        Self {
            method,
            path,
            status: None,
            attempts: 0,
            latency: Duration::ZERO,
            etag_sent: None,
            idempotency_key: None,
            replay: None,
            unanswered: 0,
        }
    }
}

/// A decoded answer and the facts of the call that produced it.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply<T> {
    pub value: T,
    pub call: CallInfo,
}

impl<T> Reply<T> {
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Reply<U> {
        Reply { value: f(self.value), call: self.call }
    }
}
