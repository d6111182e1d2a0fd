//! What the deliverer reports on its watch channel.

use std::time::Duration;
use time::OffsetDateTime;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxStatus {
    /// Messages waiting, in flight included.
    pub backlog: usize,
    pub in_flight: usize,
    /// Messages delivered since the deliverer started.
    pub delivered: u64,
    /// Messages given up on and kept in the outbox.
    pub failed: usize,
    /// Waiting messages whose target has no URL configured.
    pub misconfigured: usize,
    /// Those messages' targets, by name.
    pub unrouted: Vec<String>,
    /// When the oldest waiting message was enqueued.
    pub oldest_pending: Option<OffsetDateTime>,
    /// The last thing that went wrong, in words.
    pub last_error: Option<String>,
    /// What opening the outbox cut from its end, or found gone from it, in
    /// words: a webhook it held will not be sent, so it stays said while
    /// the deliverer runs. And a head file that cannot be written now, while
    /// it cannot.
    pub repaired: Option<String>,
    /// False once the deliverer has stopped.
    pub running: bool,
}

impl OutboxStatus {
    /// Delivery lag: how long the oldest waiting message has waited.
    pub fn delivery_lag(&self, now: OffsetDateTime) -> Duration {
        self.oldest_pending.map_or(Duration::ZERO, |t| (now - t).try_into().unwrap_or(Duration::ZERO))
    }
}
