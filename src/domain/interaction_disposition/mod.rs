//! Dispositions on closed interactions (`PATCH /api/v1/interactions/{id}`).
//!
//! Rules: every code is in the tenant's disposition matrix; description and
//! agent id are required; the timestamp is RFC 3339 with an explicit offset
//! (default: now); source defaults to `api`; primary (1xx) and secondary (2xx)
//! codes are never applied together; only a closed interaction takes one.

mod matrix;

pub use matrix::{CodeTier, DispositionMatrix, MatrixCode};

use super::errors::{FieldError, Invalid, Problems, free_text, label, required};
use super::{AgentId, InteractionId, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The source recorded when none is given, as the documents do.
pub const DEFAULT_SOURCE: &str = "api";

/// Whether an interaction is still in progress.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InteractionStatus {
    Open,
    Closed,
    /// A status this console does not know; treated as not closed.
    #[serde(untagged)]
    Other(String),
}

impl fmt::Display for InteractionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Open => f.write_str("open"),
            Self::Closed => f.write_str("closed"),
            Self::Other(s) => f.write_str(s),
        }
    }
}

/// Only a closed interaction takes a disposition.
pub fn ensure_closed(id: &InteractionId, status: &InteractionStatus) -> Result<(), FieldError> {
    closed(format_args!("interaction {id}"), status).map_err(|rule| FieldError::new("interaction_id", rule))
}

/// [`ensure_closed`]'s rule as a sentence about `interaction`, named as the
/// caller knows it ("interaction with Ana Ito (…)") once it has been read.
pub fn closed(interaction: impl fmt::Display, status: &InteractionStatus) -> Result<(), String> {
    match status {
        InteractionStatus::Closed => Ok(()),
        other => Err(format!("{interaction} is {other}; only a closed interaction takes a disposition")),
    }
}

/// One disposition as a user typed it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DispositionDraft {
    pub code: String,
    pub description: String,
    pub agent_id: String,
    /// Empty means "now".
    #[serde(default)]
    pub timestamp: String,
    /// Empty means [`DEFAULT_SOURCE`].
    #[serde(default)]
    pub source: String,
    /// Free text kept with the disposition; optional.
    #[serde(default)]
    pub notes: String,
}

/// A disposition that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disposition {
    pub code: String,
    pub description: String,
    pub agent_id: AgentId,
    pub timestamp: Timestamp,
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// The dispositions to set on one interaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InteractionDisposition {
    pub interaction_id: InteractionId,
    pub dispositions: Vec<Disposition>,
    /// Per entry, whether its timestamp was given rather than left to now:
    /// only a given one is part of what the change asks for.
    given_timestamps: Vec<bool>,
}

impl InteractionDisposition {
    /// Checks a draft against the tenant's matrix. `now` fills empty timestamps.
    pub fn validate(
        interaction_id: &str,
        drafts: &[DispositionDraft],
        matrix: &DispositionMatrix,
        now: Timestamp,
    ) -> Result<Self, Invalid> {
        let mut p = Problems::new();
        let id = p.take(InteractionId::parse_as("interaction_id", interaction_id));
        if drafts.is_empty() {
            p.push("dispositions", "at least one disposition is required");
        }
        let entries: Vec<Option<Disposition>> = drafts
            .iter()
            .enumerate()
            .map(|(i, d)| p.take_all(validate_entry(i, drafts.len(), d, matrix, now)))
            .collect();
        check_codes_together(drafts, &mut p);
        let given_timestamps = drafts.iter().map(|d| !d.timestamp.trim().is_empty()).collect();
        p.finish(|| {
            Some(Self {
                interaction_id: id?,
                dispositions: entries.into_iter().collect::<Option<Vec<_>>>()?,
                given_timestamps,
            })
        })
    }

    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.dispositions.iter().map(|d| d.code.as_str())
    }

    /// Each agent the entries are recorded for, once, with the field of the
    /// first entry that names them.
    pub fn agents(&self) -> Vec<(String, &AgentId)> {
        let count = self.dispositions.len();
        let mut seen = BTreeSet::new();
        self.dispositions
            .iter()
            .enumerate()
            .filter(|(_, d)| seen.insert(&d.agent_id))
            .map(|(i, d)| (entry_field(i, count, AGENT_FIELD), &d.agent_id))
            .collect()
    }
}

impl Disposition {
    /// Whether `held` is this disposition as asked for. A timestamp left to
    /// default is stamped anew by each attempt, so it asks for nothing and
    /// is compared only when `timestamp_given`: then it holds when it names
    /// the same instant, whatever the offset it is written with.
    pub fn held_as(&self, held: &Disposition, timestamp_given: bool) -> bool {
        self.code == held.code
            && self.description == held.description
            && self.agent_id == held.agent_id
            && self.source == held.source
            && self.notes == held.notes
            && (!timestamp_given || self.timestamp == held.timestamp)
    }
}

impl InteractionDisposition {
    /// Per entry, whether its timestamp was given rather than left to now.
    pub fn given_timestamps(&self) -> &[bool] {
        &self.given_timestamps
    }

    /// Whether an interaction holding `held` already has these dispositions
    /// (see [`Disposition::held_as`]).
    pub fn held_by(&self, held: &[Disposition]) -> bool {
        held.len() == self.dispositions.len()
            && held
                .iter()
                .zip(&self.dispositions)
                .zip(&self.given_timestamps)
                .all(|((h, w), given)| w.held_as(h, *given))
    }

    /// Why the change is not sent to `interaction`, which holds it already.
    pub fn already(&self, interaction: impl fmt::Display) -> String {
        let codes: Vec<&str> = self.codes().collect();
        format!("interaction {interaction} already has disposition {} exactly as asked", codes.join(", "))
    }
}

/// The field an entry names its agent in, on the wire and in errors.
pub const AGENT_FIELD: &str = "agent_id";

/// The field name of entry `i`: plain for a single entry (what a form shows),
/// indexed when there are several.
fn entry_field(i: usize, count: usize, name: &str) -> String {
    if count == 1 { name.to_string() } else { format!("dispositions[{i}].{name}") }
}

fn validate_entry(
    i: usize,
    count: usize,
    d: &DispositionDraft,
    matrix: &DispositionMatrix,
    now: Timestamp,
) -> Result<Disposition, Invalid> {
    let field = |name: &str| entry_field(i, count, name);
    let mut p = Problems::new();
    let code = p.take(check_code(&field("code"), &d.code, matrix));
    let description = p.take(required(&field("description"), &d.description));
    if let Some(desc) = &description {
        p.take(free_text(&field("description"), desc));
    }
    let agent_id = p.take(AgentId::parse_as(&field(AGENT_FIELD), &d.agent_id));
    let timestamp = if d.timestamp.trim().is_empty() {
        Some(now)
    } else {
        p.take(Timestamp::parse_as(&field("timestamp"), &d.timestamp))
    };
    let source = match d.source.trim() {
        "" => Some(DEFAULT_SOURCE.to_string()),
        s => p.take(label(&field("source"), s)).map(|()| s.to_string()),
    };
    let notes = match d.notes.trim() {
        "" => None,
        n => {
            p.take(free_text(&field("notes"), n));
            Some(n.to_string())
        }
    };
    p.finish(|| {
        Some(Disposition {
            code: code?,
            description: description?,
            agent_id: agent_id?,
            timestamp: timestamp?,
            source: source?,
            notes,
        })
    })
}

fn check_code(field: &str, raw: &str, matrix: &DispositionMatrix) -> Result<String, FieldError> {
    let code = required(field, raw)?;
    if !matrix.contains(&code) {
        return Err(FieldError::new(field, format!("{code} is not in the tenant's disposition matrix")));
    }
    Ok(code)
}

/// Primary and secondary codes never go together, and no code twice.
fn check_codes_together(drafts: &[DispositionDraft], p: &mut Problems) {
    let codes: Vec<&str> = drafts.iter().map(|d| d.code.trim()).collect();
    let tiers: BTreeSet<CodeTier> = codes.iter().map(|c| CodeTier::of(c)).collect();
    if tiers.contains(&CodeTier::Primary) && tiers.contains(&CodeTier::Secondary) {
        p.push("dispositions", "primary (1xx) and secondary (2xx) codes cannot be applied together");
    }
    // Said once a code, however often it repeats.
    let mut times: BTreeMap<&str, usize> = BTreeMap::new();
    for code in codes.iter().filter(|c| !c.is_empty()) {
        *times.entry(code).or_default() += 1;
    }
    for (code, n) in times.into_iter().filter(|(_, n)| *n > 1) {
        p.push("dispositions", format!("code {code} is listed {n} times; list each code once"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix() -> DispositionMatrix {
        DispositionMatrix::new(
            [("101", "Issue Resolved"), ("102", "Sale"), ("201", "Follow-up")]
                .map(|(c, d)| MatrixCode { code: c.into(), description: d.into() }),
        )
    }

    fn draft(code: &str) -> DispositionDraft {
        DispositionDraft {
            code: code.into(),
            description: "Issue Resolved".into(),
            agent_id: "agent_xyz_123".into(),
            ..Default::default()
        }
    }

    fn now() -> Timestamp {
        Timestamp::parse_as("t", "2024-05-15T14:32:10Z").unwrap()
    }

    #[test]
    fn documents_example_is_valid_with_defaults() {
        let d = InteractionDisposition::validate(
            "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
            &[draft("101")],
            &matrix(),
            now(),
        )
        .unwrap();
        assert_eq!(d.dispositions[0].source, "api");
        assert_eq!(d.dispositions[0].timestamp, now());
        assert_eq!(d.dispositions[0].notes, None);
    }

    #[test]
    fn every_broken_rule_is_named() {
        let bad = DispositionDraft {
            code: "999".into(),
            description: " ".into(),
            agent_id: String::new(),
            timestamp: "2024-05-15T14:32:10".into(),
            ..Default::default()
        };
        let err = InteractionDisposition::validate("i-1", &[bad], &matrix(), now()).unwrap_err();
        for field in ["code", "description", "agent_id", "timestamp"] {
            assert!(err.mentions(field), "{field} missing from {err}");
        }
        assert!(err.to_string().contains("999 is not in the tenant's disposition matrix"));
    }

    #[test]
    fn primary_and_secondary_never_together() {
        let err = InteractionDisposition::validate("i-1", &[draft("101"), draft("201")], &matrix(), now())
            .unwrap_err();
        assert!(err.mentions("dispositions"));
        assert!(err.to_string().contains("primary (1xx) and secondary (2xx)"));
        assert!(
            InteractionDisposition::validate("i-1", &[draft("101"), draft("102")], &matrix(), now()).is_ok()
        );
    }

    #[test]
    fn empty_and_repeated_codes_are_refused() {
        assert!(
            InteractionDisposition::validate("i-1", &[], &matrix(), now())
                .unwrap_err()
                .mentions("dispositions")
        );
        let err =
            InteractionDisposition::validate("i-1", &vec![draft("101"); 100], &matrix(), now()).unwrap_err();
        assert_eq!(err.to_string(), "dispositions: code 101 is listed 100 times; list each code once");
    }

    #[test]
    fn only_closed_interactions_take_a_disposition() {
        let id = InteractionId::parse("i-1").unwrap();
        assert!(ensure_closed(&id, &InteractionStatus::Closed).is_ok());
        let err = ensure_closed(&id, &InteractionStatus::Open).unwrap_err();
        assert!(err.rule.contains("is open"), "{}", err.rule);
        assert!(ensure_closed(&id, &InteractionStatus::Other("parked".into())).is_err());
    }

    #[test]
    fn an_interaction_holds_a_change_whatever_the_timestamps_left_to_now() {
        let id = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";
        let change = InteractionDisposition::validate(id, &[draft("101")], &matrix(), now()).unwrap();
        let later = Timestamp::parse_as("t", "2024-05-16T09:00:00Z").unwrap();
        let resent = InteractionDisposition::validate(id, &[draft("101")], &matrix(), later).unwrap();
        assert!(change.held_by(&resent.dispositions), "stamped anew, asking for nothing new");
        let other = InteractionDisposition::validate(id, &[draft("102")], &matrix(), now()).unwrap();
        assert!(!change.held_by(&other.dispositions));
        assert!(!change.held_by(&[]));
        assert_eq!(change.already("X"), "interaction X already has disposition 101 exactly as asked");
    }
}
