//! Outcome dispositions on outbound campaign contacts
//! (`PATCH /api/v1/outbound/campaigns/{campaignId}/contacts/{contactId}`).
//!
//! Rules: the outcome code matches `^[A-Z_]{3,20}$` and is in the campaign's
//! outcome matrix; contact, campaign and agent ids are required; notes and
//! custom fields are optional; the disposition timestamp defaults to now (UTC);
//! a contact the dialer holds (DIALING, RINGING, CONNECTED, WRAP_UP) is not
//! changed, nor one whose outcome already is the requested one; the agent is
//! a user of the tenant holding the Agent role.

use super::custom_fields::custom_fields;
use super::errors::{FieldError, Invalid, Problems, free_text};
use super::{AgentId, CampaignId, ContactId, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::fmt;

/// Outcome codes accepted when a campaign does not publish its own matrix.
pub const DEFAULT_OUTCOMES: [&str; 6] =
    ["INTERESTED", "NOT_INTERESTED", "CALLBACK_LATER", "DO_NOT_CALL", "NO_ANSWER", "BUSY"];

/// The outcome a customer's opt-out is recorded as: replacing it means
/// calling someone who asked not to be called, so it is warned of.
pub const OPT_OUT: &str = "DO_NOT_CALL";

/// The most concurrent requests document 001 allows a batch: however many
/// contacts are under way, no more requests than this are at the tenant.
pub const MAX_BATCH: usize = 50;

/// An outcome code: 3 to 20 of `A`–`Z` and `_`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OutcomeCode(String);

impl OutcomeCode {
    pub fn parse_as(field: &str, raw: &str) -> Result<Self, FieldError> {
        let code = raw.trim();
        if code.is_empty() {
            return Err(FieldError::new(field, "is required"));
        }
        let shape_ok =
            (3..=20).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_uppercase() || b == b'_');
        if !shape_ok {
            return Err(FieldError::new(
                field,
                format!("{code:?} must match ^[A-Z_]{{3,20}}$ (3 to 20 capital letters or underscores)"),
            ));
        }
        Ok(Self(code.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OutcomeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The outcome codes a campaign accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeMatrix(BTreeSet<String>);

impl OutcomeMatrix {
    pub fn new(codes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self(codes.into_iter().map(Into::into).collect())
    }

    pub fn contains(&self, code: &str) -> bool {
        self.0.contains(code)
    }

    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

impl Default for OutcomeMatrix {
    fn default() -> Self {
        Self::new(DEFAULT_OUTCOMES)
    }
}

/// Where the dialer has a contact.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DialerState {
    Pending,
    Dialing,
    Ringing,
    Connected,
    WrapUp,
    Completed,
    /// A state this console does not know. Like the documents, only the four
    /// named active states block a change.
    #[serde(untagged)]
    Other(String),
}

impl DialerState {
    /// While the dialer holds a contact, a write would race the call itself.
    pub fn blocks_disposition(&self) -> bool {
        matches!(self, Self::Dialing | Self::Ringing | Self::Connected | Self::WrapUp)
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Pending => "PENDING",
            Self::Dialing => "DIALING",
            Self::Ringing => "RINGING",
            Self::Connected => "CONNECTED",
            Self::WrapUp => "WRAP_UP",
            Self::Completed => "COMPLETED",
            Self::Other(s) => s,
        }
    }
}

impl fmt::Display for DialerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a requested contact disposition is not sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum SkipReason {
    /// The same contact appeared earlier in this batch, or was already processed.
    Duplicate,
    /// The dialer holds the contact.
    DialerState { state: DialerState },
    /// The contact already has this outcome.
    Unchanged,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Duplicate => f.write_str("duplicate: this contact appears earlier in this batch"),
            Self::DialerState { state } => {
                write!(f, "the dialer holds the contact ({state}); try again when the call ends")
            }
            Self::Unchanged => f.write_str("the contact already has this outcome"),
        }
    }
}

/// Decides from the contact as read whether the change goes ahead.
pub fn check_contact(
    state: &DialerState,
    current: Option<&str>,
    wanted: &OutcomeCode,
) -> Result<(), SkipReason> {
    if state.blocks_disposition() {
        return Err(SkipReason::DialerState { state: state.clone() });
    }
    if current == Some(wanted.as_str()) {
        return Err(SkipReason::Unchanged);
    }
    Ok(())
}

/// The field an outcome names its agent in, on the wire and in errors.
pub const AGENT_FIELD: &str = "agentId";

/// A contact disposition as a user typed it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContactDispositionDraft {
    pub contact_id: String,
    pub campaign_id: String,
    pub outcome_code: String,
    pub agent_id: String,
    #[serde(default)]
    pub notes: String,
    /// A JSON object, or nothing.
    #[serde(default)]
    pub custom_fields: Option<Value>,
    /// Empty means "now".
    #[serde(default)]
    pub disposition_timestamp: String,
}

/// A contact disposition that passed every rule.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactDisposition {
    pub contact_id: ContactId,
    pub campaign_id: CampaignId,
    pub outcome_code: OutcomeCode,
    pub agent_id: AgentId,
    pub notes: Option<String>,
    pub custom_fields: Option<Map<String, Value>>,
    pub disposition_timestamp: Timestamp,
}

impl ContactDisposition {
    pub fn validate(
        draft: &ContactDispositionDraft,
        matrix: &OutcomeMatrix,
        now: Timestamp,
    ) -> Result<Self, Invalid> {
        let mut p = Problems::new();
        let contact_id = p.take(ContactId::parse_as("contactId", &draft.contact_id));
        let campaign_id = p.take(CampaignId::parse_as("campaignId", &draft.campaign_id));
        let outcome_code = p.take(OutcomeCode::parse_as("outcomeCode", &draft.outcome_code).and_then(|c| {
            if matrix.contains(c.as_str()) {
                Ok(c)
            } else {
                Err(FieldError::new("outcomeCode", format!("{c} is not in the campaign's outcome matrix")))
            }
        }));
        let agent_id = p.take(AgentId::parse_as(AGENT_FIELD, &draft.agent_id));
        let notes = match draft.notes.trim() {
            "" => None,
            n => p.take(free_text("notes", n)).map(|()| n.to_string()),
        };
        let custom_fields = match &draft.custom_fields {
            None | Some(Value::Null) => Some(None),
            Some(Value::Object(map)) => p.take_all(custom_fields(map)).map(Some),
            Some(_) => {
                p.push("customFields", "must be a JSON object of field names to values");
                None
            }
        };
        let disposition_timestamp = match draft.disposition_timestamp.trim() {
            "" => Some(now),
            raw => p.take(Timestamp::parse_as("dispositionTimestamp", raw)),
        };
        p.finish(|| {
            Some(Self {
                contact_id: contact_id?,
                campaign_id: campaign_id?,
                outcome_code: outcome_code?,
                agent_id: agent_id?,
                notes,
                custom_fields: custom_fields?,
                disposition_timestamp: disposition_timestamp?,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn draft() -> ContactDispositionDraft {
        ContactDispositionDraft {
            contact_id: "contact-uuid-111111111111".into(),
            campaign_id: "a1b2c3d4-e5f6-7890-g1h2-i3j4k5l6m7n8".into(),
            outcome_code: "INTERESTED".into(),
            agent_id: "agent-uuid-1234567890abcdef".into(),
            notes: "Scheduled follow-up for next week".into(),
            custom_fields: Some(json!({"lead_score": 85})),
            disposition_timestamp: String::new(),
        }
    }

    #[test]
    fn documents_example_is_valid_and_timestamp_defaults_to_now() {
        let now = Timestamp::now();
        let d = ContactDisposition::validate(&draft(), &OutcomeMatrix::default(), now).unwrap();
        assert_eq!(d.disposition_timestamp, now);
        assert_eq!(d.custom_fields.unwrap()["lead_score"], 85);
    }

    #[test]
    fn outcome_shape_and_matrix_are_separate_rules() {
        let m = OutcomeMatrix::default();
        for (raw, needle) in [
            ("interested", "^[A-Z_]{3,20}$"),
            ("AB", "^[A-Z_]{3,20}$"),
            ("A_VERY_LONG_OUTCOME_CODE", "^[A-Z_]{3,20}$"),
            ("SOLD", "not in the campaign's outcome matrix"),
        ] {
            let mut d = draft();
            d.outcome_code = raw.into();
            let err = ContactDisposition::validate(&d, &m, Timestamp::now()).unwrap_err();
            assert!(err.mentions("outcomeCode"), "{raw}: {err}");
            assert!(err.to_string().contains(needle), "{raw}: {err}");
        }
        // Typed with spaces around, a code is the code; the sandbox's wire
        // takes it only as sent (routes::extract::Fields::exact).
        let typed = OutcomeCode::parse_as("outcomeCode", " INTERESTED ").unwrap();
        assert_eq!(typed, OutcomeCode::parse_as("outcomeCode", "INTERESTED").unwrap());
    }

    #[test]
    fn ids_are_required_and_custom_fields_must_be_an_object() {
        let d = ContactDispositionDraft { custom_fields: Some(json!([1, 2])), ..Default::default() };
        let err = ContactDisposition::validate(&d, &OutcomeMatrix::default(), Timestamp::now()).unwrap_err();
        for field in ["contactId", "campaignId", "outcomeCode", "agentId", "customFields"] {
            assert!(err.mentions(field), "{field}: {err}");
        }
    }

    #[test]
    fn active_dialer_states_block_and_unchanged_is_skipped() {
        let wanted = OutcomeCode::parse_as("outcomeCode", "BUSY").unwrap();
        for s in [DialerState::Dialing, DialerState::Ringing, DialerState::Connected, DialerState::WrapUp] {
            assert_eq!(check_contact(&s, None, &wanted), Err(SkipReason::DialerState { state: s.clone() }));
        }
        assert_eq!(check_contact(&DialerState::Completed, Some("BUSY"), &wanted), Err(SkipReason::Unchanged));
        assert_eq!(check_contact(&DialerState::Completed, Some("NO_ANSWER"), &wanted), Ok(()));
        let unknown: DialerState = serde_json::from_value(json!("PAUSED")).unwrap();
        assert_eq!(unknown, DialerState::Other("PAUSED".into()));
        assert_eq!(check_contact(&unknown, None, &wanted), Ok(()));
    }
}
