//! Outbound campaigns and their contacts.

use crate::api::guards::ETag;
use crate::domain::contact_disposition::{DialerState, OutcomeMatrix};
use crate::domain::{CampaignId, ContactId, Timestamp};
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Campaign {
    pub id: CampaignId,
    pub name: String,
    /// `ACTIVE`, `PAUSED`… as the tenant names it.
    pub status: String,
    /// `PREDICTIVE`, `PROGRESSIVE`… as the tenant names it.
    pub dialing_mode: String,
    pub outcome_codes: Vec<String>,
    pub contact_count: u64,
    pub updated_at: Option<Timestamp>,
}

impl Campaign {
    /// The codes a contact disposition may use: the campaign's own, or the
    /// documents' defaults when it publishes none.
    pub fn outcome_matrix(&self) -> OutcomeMatrix {
        if self.outcome_codes.is_empty() {
            OutcomeMatrix::default()
        } else {
            OutcomeMatrix::new(self.outcome_codes.iter().cloned())
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub id: ContactId,
    pub campaign_id: CampaignId,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub state: DialerState,
    pub outcome_code: Option<String>,
    pub agent_id: Option<String>,
    pub notes: Option<String>,
    pub custom_fields: Map<String, Value>,
    pub disposition_timestamp: Option<Timestamp>,
    /// Dial attempts so far.
    pub attempts: u32,
    pub updated_at: Option<Timestamp>,
    /// Present when read one by one or after a write; list items carry none.
    pub etag: Option<ETag>,
}

impl Contact {
    pub fn display_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name).trim().to_string()
    }

    /// The name with the id, as messages name a contact (names repeat), or
    /// the id alone for a contact without a name.
    pub fn named(&self) -> String {
        match self.display_name() {
            name if name.is_empty() => self.id.to_string(),
            name => format!("{name} ({})", self.id),
        }
    }

    /// A pending contact named Ana Silva, for unit tests.
    #[cfg(test)]
    pub(crate) fn sample(campaign: &str, id: &str) -> Self {
        Self {
            id: ContactId::parse(id).unwrap(),
            campaign_id: CampaignId::parse(campaign).unwrap(),
            first_name: "Ana".into(),
            last_name: "Silva".into(),
            phone: "+15550100".into(),
            state: DialerState::Pending,
            outcome_code: None,
            agent_id: None,
            notes: None,
            custom_fields: Map::new(),
            disposition_timestamp: None,
            attempts: 0,
            updated_at: None,
            etag: None,
        }
    }
}
