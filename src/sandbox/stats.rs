//! Counters tests can trust: what the tenant actually applied.

use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};

/// The resources a write can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Resource {
    InteractionDisposition,
    ContactDisposition,
    Attributes,
    AgentStatus,
    DataAction,
    Webhook,
}

impl Resource {
    pub const ALL: [Self; 6] = [
        Self::InteractionDisposition,
        Self::ContactDisposition,
        Self::Attributes,
        Self::AgentStatus,
        Self::DataAction,
        Self::Webhook,
    ];

    fn index(self) -> usize {
        self as usize
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::InteractionDisposition => "interactionDisposition",
            Self::ContactDisposition => "contactDisposition",
            Self::Attributes => "attributes",
            Self::AgentStatus => "agentStatus",
            Self::DataAction => "dataAction",
            Self::Webhook => "webhook",
        }
    }
}

/// Kinds of injected fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Fault {
    /// A 429 with Retry-After not caused by the rate limiter.
    TooManyRequests,
    /// A 500, 502, 503 or 504 before the request was handled.
    ServerError,
    /// A write was applied, then answered with a 502 or 504.
    ServerErrorAfter,
    /// The connection closed before the request was handled.
    DroppedBefore,
    /// The request was applied, then the connection closed without a reply.
    DroppedAfter,
    /// A token revoked before its expiry.
    TokenRevoked,
}

impl Fault {
    pub const ALL: [Self; 6] = [
        Self::TooManyRequests,
        Self::ServerError,
        Self::ServerErrorAfter,
        Self::DroppedBefore,
        Self::DroppedAfter,
        Self::TokenRevoked,
    ];

    fn index(self) -> usize {
        self as usize
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::TooManyRequests => "tooManyRequests",
            Self::ServerError => "serverError",
            Self::ServerErrorAfter => "serverErrorAfter",
            Self::DroppedBefore => "droppedBefore",
            Self::DroppedAfter => "droppedAfter",
            Self::TokenRevoked => "tokenRevoked",
        }
    }
}

#[derive(Debug, Default)]
pub struct Stats {
    requests: AtomicU64,
    in_flight: AtomicU64,
    most_in_flight: AtomicU64,
    tokens_issued: AtomicU64,
    writes: [AtomicU64; 6],
    repeated: [AtomicU64; 6],
    idempotent_replays: AtomicU64,
    rate_limited: AtomicU64,
    faults: [AtomicU64; 6],
    callbacks_delivered: AtomicU64,
    callbacks_undeliverable: AtomicU64,
}

fn bump(c: &AtomicU64) {
    c.fetch_add(1, Ordering::Relaxed);
}

fn read(c: &AtomicU64) -> u64 {
    c.load(Ordering::Relaxed)
}

impl Stats {
    /// A request arrived; it counts as in flight until the guard is dropped.
    pub fn request(&self) -> InFlight<'_> {
        bump(&self.requests);
        let now = self.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
        self.most_in_flight.fetch_max(now, Ordering::Relaxed);
        InFlight(&self.in_flight)
    }

    pub fn token_issued(&self) {
        bump(&self.tokens_issued);
    }

    /// A write that changed state.
    pub fn write_applied(&self, r: Resource) {
        bump(&self.writes[r.index()]);
    }

    /// A write applied again although its change was already in place: what
    /// a client retrying a non-idempotent request without protection causes.
    pub fn write_repeated(&self, r: Resource) {
        bump(&self.repeated[r.index()]);
    }

    pub fn idempotent_replay(&self) {
        bump(&self.idempotent_replays);
    }

    pub fn rate_limited(&self) {
        bump(&self.rate_limited);
    }

    pub fn fault(&self, f: Fault) {
        bump(&self.faults[f.index()]);
    }

    pub fn callback_delivered(&self) {
        bump(&self.callbacks_delivered);
    }

    pub fn callback_undeliverable(&self) {
        bump(&self.callbacks_undeliverable);
    }

    pub fn snapshot(&self) -> StatsSnapshot {
        let per = |arr: &[AtomicU64; 6]| {
            Resource::ALL.iter().map(|r| (r.name().to_string(), read(&arr[r.index()]))).collect()
        };
        StatsSnapshot {
            requests: read(&self.requests),
            most_in_flight: read(&self.most_in_flight),
            tokens_issued: read(&self.tokens_issued),
            writes: per(&self.writes),
            repeated_writes: per(&self.repeated),
            idempotent_replays: read(&self.idempotent_replays),
            rate_limited: read(&self.rate_limited),
            faults: Fault::ALL
                .iter()
                .map(|f| (f.name().to_string(), read(&self.faults[f.index()])))
                .collect(),
            callbacks_delivered: read(&self.callbacks_delivered),
            callbacks_undeliverable: read(&self.callbacks_undeliverable),
        }
    }
}

/// One request being answered.
pub struct InFlight<'a>(&'a AtomicU64);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// `GET /sandbox/stats`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatsSnapshot {
    pub requests: u64,
    /// The most requests the tenant was answering at once.
    #[serde(default)]
    pub most_in_flight: u64,
    pub tokens_issued: u64,
    pub writes: std::collections::BTreeMap<String, u64>,
    pub repeated_writes: std::collections::BTreeMap<String, u64>,
    pub idempotent_replays: u64,
    pub rate_limited: u64,
    pub faults: std::collections::BTreeMap<String, u64>,
    pub callbacks_delivered: u64,
    pub callbacks_undeliverable: u64,
}

impl StatsSnapshot {
    pub fn writes_of(&self, r: Resource) -> u64 {
        self.writes.get(r.name()).copied().unwrap_or(0)
    }

    pub fn repeated_of(&self, r: Resource) -> u64 {
        self.repeated_writes.get(r.name()).copied().unwrap_or(0)
    }

    pub fn total_repeated(&self) -> u64 {
        self.repeated_writes.values().sum()
    }
}
