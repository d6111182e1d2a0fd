//! How the engine's reads of the tenant stand, as the console shows them:
//! the link, and the kinds of entity whose tables have stopped refreshing.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;
use time::OffsetDateTime;

/// How long a kind's reads fail, or one read goes unanswered, before the
/// console says its table has stopped refreshing: a round failing now and
/// then (a tenant's passing fault, retried at the next) is not worth a
/// warning.
pub const STALE_AFTER: Duration = Duration::from_secs(15);

/// How the engine's link to the tenant stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Link {
    #[default]
    Connecting,
    Up,
    /// Unreachable or refusing the credentials; retried in the background.
    Down {
        reason: String,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Connection {
    pub link: Link,
    pub token_refreshes: u64,
    /// The kinds whose last read failed, with why: their tables show what
    /// was last read, which the console must not pass off as current.
    pub stale: BTreeMap<Entities, Stale>,
}

/// One kind of entity the engine keeps a table of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Entities {
    Agents,
    Interactions,
    Campaigns,
    Contacts,
    DataActions,
}

impl Entities {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Agents => "agents",
            Self::Interactions => "interactions",
            Self::Campaigns => "campaigns",
            Self::Contacts => "contacts",
            Self::DataActions => "data actions",
        }
    }
}

impl fmt::Display for Entities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A table that stopped refreshing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    /// Why its last read failed, or that its read has gone unanswered.
    pub reason: String,
    /// When it was last read whole or in part; `None` when never.
    pub last_read: Option<OffsetDateTime>,
    /// When its reads began to fail, or the read unanswered began.
    pub since: OffsetDateTime,
}
