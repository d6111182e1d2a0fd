//! What the metrics break results down by: the operation, and how it failed.

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

/// The changes a supervisor can make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Operation {
    InteractionDisposition,
    ContactDisposition,
    Attributes,
    AgentStatus,
    DataAction,
}

impl Operation {
    pub const COUNT: usize = 5;
    pub const ALL: [Self; Self::COUNT] = [
        Self::InteractionDisposition,
        Self::ContactDisposition,
        Self::Attributes,
        Self::AgentStatus,
        Self::DataAction,
    ];

    pub(super) fn index(self) -> usize {
        self as usize
    }

    /// The name used on the wire and in snapshots.
    pub fn name(self) -> &'static str {
        match self {
            Self::InteractionDisposition => "interactionDisposition",
            Self::ContactDisposition => "contactDisposition",
            Self::Attributes => "attributes",
            Self::AgentStatus => "agentStatus",
            Self::DataAction => "dataAction",
        }
    }

    /// How a supervisor calls it.
    pub fn label(self) -> &'static str {
        match self {
            Self::InteractionDisposition => "Interaction disposition",
            Self::ContactDisposition => "Contact disposition",
            Self::Attributes => "Attributes",
            Self::AgentStatus => "Agent status",
            Self::DataAction => "Data action",
        }
    }
}

/// Why an operation failed, in the classes an error panel shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ErrorClass {
    /// Refused by the local rules; nothing was sent.
    Validation,
    /// 400.
    BadRequest,
    /// 401.
    Unauthorized,
    /// 403.
    Forbidden,
    /// 404.
    NotFound,
    /// 409: a stale tag, or the entity is busy (dialer, wrap-up).
    Conflict,
    /// 422: the tenant holds an earlier request under the write's
    /// idempotency key with another body (`idempotency_key_reused`).
    Unprocessable,
    /// 428.
    PreconditionRequired,
    /// Any other 4xx.
    OtherClientError,
    /// 429.
    RateLimited,
    /// Any 5xx.
    ServerError,
    /// No HTTP answer: refused, reset or dropped connection.
    Network,
    /// No answer before the deadline.
    Timeout,
    /// An answer that is not what the API documents for the call.
    Unreadable,
    /// The console's own part failed: the change reached the tenant, but its
    /// audit record or its webhook could not be written, or the client was
    /// misconfigured and sent nothing.
    Console,
}

impl ErrorClass {
    pub const COUNT: usize = 15;
    pub const ALL: [Self; Self::COUNT] = [
        Self::Validation,
        Self::BadRequest,
        Self::Unauthorized,
        Self::Forbidden,
        Self::NotFound,
        Self::Conflict,
        Self::Unprocessable,
        Self::PreconditionRequired,
        Self::OtherClientError,
        Self::RateLimited,
        Self::ServerError,
        Self::Network,
        Self::Timeout,
        Self::Unreadable,
        Self::Console,
    ];

    /// The class of an HTTP status, or `None` when the status is not an error.
    pub fn from_status(status: u16) -> Option<Self> {
        match status {
            400 => Some(Self::BadRequest),
            401 => Some(Self::Unauthorized),
            403 => Some(Self::Forbidden),
            404 => Some(Self::NotFound),
            409 => Some(Self::Conflict),
            422 => Some(Self::Unprocessable),
            428 => Some(Self::PreconditionRequired),
            429 => Some(Self::RateLimited),
            _ if (400..500).contains(&status) => Some(Self::OtherClientError),
            _ if (500..600).contains(&status) => Some(Self::ServerError),
            _ => None,
        }
    }

    pub(super) fn index(self) -> usize {
        self as usize
    }

    /// A short name for a panel column and for snapshots.
    pub fn name(self) -> &'static str {
        match self {
            Self::Validation => "validation",
            Self::BadRequest => "400",
            Self::Unauthorized => "401",
            Self::Forbidden => "403",
            Self::NotFound => "404",
            Self::Conflict => "409",
            Self::Unprocessable => "422",
            Self::PreconditionRequired => "428",
            Self::OtherClientError => "4xx",
            Self::RateLimited => "429",
            Self::ServerError => "5xx",
            Self::Network => "network",
            Self::Timeout => "timeout",
            Self::Unreadable => "unreadable",
            Self::Console => "console",
        }
    }

    /// Whether the failure is the tenant's to time. A validation failure's
    /// latency measures the console, and so does the console's own failure
    /// (its audit log or outbox refusing a record), so histograms leave
    /// both out.
    pub fn reached_tenant(self) -> bool {
        !matches!(self, Self::Validation | Self::Console)
    }
}

/// How a completed operation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    Failed(ErrorClass),
}

impl Outcome {
    /// The outcome of an HTTP status: 2xx and 3xx succeeded.
    pub fn from_status(status: u16) -> Self {
        ErrorClass::from_status(status).map_or(Self::Succeeded, Self::Failed)
    }

    fn error(self) -> Option<ErrorClass> {
        match self {
            Self::Succeeded => None,
            Self::Failed(class) => Some(class),
        }
    }

    /// Whether the latency of this outcome belongs in the histograms.
    pub(super) fn has_latency(self) -> bool {
        self.error().is_none_or(ErrorClass::reached_tenant)
    }
}

/// Errors counted by class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ErrorCounts([u64; ErrorClass::COUNT]);

impl ErrorCounts {
    pub fn get(&self, class: ErrorClass) -> u64 {
        self.0[class.index()]
    }

    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    /// Every class with its count, in [`ErrorClass::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (ErrorClass, u64)> + '_ {
        ErrorClass::ALL.into_iter().map(|class| (class, self.get(class)))
    }

    pub(super) fn add(&mut self, other: &Self) {
        for (mine, theirs) in self.0.iter_mut().zip(other.0) {
            *mine += theirs;
        }
    }

    fn count(&mut self, class: ErrorClass) {
        self.0[class.index()] += 1;
    }
}

/// A map from class name to count, every class present so panels keep
/// their columns stable.
impl Serialize for ErrorCounts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(ErrorClass::COUNT))?;
        for (class, count) in self.iter() {
            map.serialize_entry(class.name(), &count)?;
        }
        map.end()
    }
}

/// Completed operations and their failures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Tally {
    pub completed: u64,
    pub errors: ErrorCounts,
}

impl Tally {
    pub fn count(&mut self, outcome: Outcome) {
        self.completed += 1;
        if let Some(class) = outcome.error() {
            self.errors.count(class);
        }
    }

    pub fn add(&mut self, other: &Self) {
        self.completed += other.completed;
        self.errors.add(&other.errors);
    }

    pub fn failed(&self) -> u64 {
        self.errors.total()
    }

    /// Failed over completed; `None` before anything completed.
    pub fn error_rate(&self) -> Option<f64> {
        (self.completed > 0).then(|| self.failed() as f64 / self.completed as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 422 (the client's `idempotency_key_reused`) is named as such, not
    /// lumped with the 4xx the API does not document.
    #[test]
    fn a_422_has_a_class_of_its_own() {
        assert_eq!(ErrorClass::from_status(422).map(ErrorClass::name), Some("422"));
        assert_eq!(ErrorClass::from_status(422), Some(ErrorClass::Unprocessable));
        assert_eq!(ErrorClass::from_status(418), Some(ErrorClass::OtherClientError));
        let mut tally = Tally::default();
        tally.count(Outcome::from_status(422));
        assert_eq!(tally.errors.get(ErrorClass::Unprocessable), 1);
        assert_eq!(tally.errors.get(ErrorClass::OtherClientError), 0);
    }

    /// Every class has its own place in the counts and its own name, in
    /// [`ErrorClass::ALL`] order.
    #[test]
    fn every_class_has_its_own_place_and_name() {
        for (i, class) in ErrorClass::ALL.into_iter().enumerate() {
            assert_eq!(class.index(), i, "{class:?}");
        }
        let mut names: Vec<_> = ErrorClass::ALL.iter().map(|c| c.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ErrorClass::COUNT);
    }
}
