//! Why a change was deliberately not sent, as one stable key: what the
//! audit log's `skip`, a batch report's `skipped` counts and `apply`'s
//! report call it, and the console's words for it.

use crate::domain::contact_disposition::SkipReason;
use serde::{Serialize, Serializer};
use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;

/// A skipped change's reason. Ordered and hashed by its key, as the reports
/// that count by it have always listed them, and as [`Borrow<str>`] requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipKey {
    /// Left unstarted because its batch was cancelled.
    Unstarted,
    /// Its target holds it already.
    Unchanged,
    /// An earlier run (of the same file) made it.
    EarlierRun,
    /// The same contact came earlier in the batch, or in this session.
    Duplicate,
    /// The dialer holds the contact.
    DialerState,
    /// A resend found no webhook given up on.
    NothingFailed,
}

impl SkipKey {
    pub const ALL: [Self; 6] = [
        Self::Unstarted,
        Self::Unchanged,
        Self::EarlierRun,
        Self::Duplicate,
        Self::DialerState,
        Self::NothingFailed,
    ];

    /// The key as the audit log and the reports write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unstarted => "cancelled",
            Self::Unchanged => "unchanged",
            Self::EarlierRun => "earlier_run",
            Self::Duplicate => "duplicate",
            Self::DialerState => "dialer_state",
            Self::NothingFailed => "nothing_failed",
        }
    }

    /// The console's words for a count of them ("skipped 2 already so").
    pub fn words(self) -> &'static str {
        match self {
            // Not started, or stopped waiting out a pause a 429 asked for:
            // nothing of either was written.
            Self::Unstarted => "cancelled (not written)",
            Self::Unchanged => "already so",
            Self::EarlierRun => "done by an earlier run",
            Self::Duplicate => "duplicates",
            Self::DialerState => "held by the dialer",
            // A resend is one change, never counted in a batch's report.
            Self::NothingFailed => "nothing_failed",
        }
    }

    /// Whether the count says all there is to say of them: the console
    /// lists the others one by one, with their own words.
    pub fn said_by_the_count(self) -> bool {
        matches!(self, Self::Unchanged | Self::Duplicate | Self::EarlierRun | Self::Unstarted)
    }
}

impl From<&SkipReason> for SkipKey {
    fn from(reason: &SkipReason) -> Self {
        match reason {
            SkipReason::Duplicate => Self::Duplicate,
            SkipReason::DialerState { .. } => Self::DialerState,
            SkipReason::Unchanged => Self::Unchanged,
        }
    }
}

impl fmt::Display for SkipKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for SkipKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Ord for SkipKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::hash::Hash for SkipKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for SkipKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A report's counts are looked up by the key as written.
impl Borrow<str> for SkipKey {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<str> for SkipKey {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// The keys are written in the audit log and read by whatever reads
    /// the reports: each is its own, and they sort as their text does.
    #[test]
    fn keys_are_distinct_and_sort_as_written() {
        let keys: Vec<&str> = SkipKey::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            keys,
            ["cancelled", "unchanged", "earlier_run", "duplicate", "dialer_state", "nothing_failed"]
        );
        let counted: BTreeMap<SkipKey, usize> = SkipKey::ALL.iter().map(|&k| (k, 1)).collect();
        let json = serde_json::to_string(&counted).unwrap();
        assert_eq!(
            json,
            r#"{"cancelled":1,"dialer_state":1,"duplicate":1,"earlier_run":1,"nothing_failed":1,"unchanged":1}"#
        );
        assert_eq!(counted.get("duplicate"), Some(&1));
    }

    #[test]
    fn a_contacts_skip_reason_has_its_key() {
        let held =
            SkipReason::DialerState { state: crate::domain::contact_disposition::DialerState::Dialing };
        assert_eq!(SkipKey::from(&held), SkipKey::DialerState);
        assert_eq!(SkipKey::from(&SkipReason::Duplicate).as_str(), "duplicate");
    }
}
