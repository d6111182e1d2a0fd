//! Campaigns and contacts.

use crate::api::guards::ETag;
use crate::api::model::{Campaign, Contact};
use crate::domain::contact_disposition::DialerState;
use crate::domain::{CampaignId, ContactId, Timestamp};
use serde::Deserialize;
use serde_json::{Map, Value};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireCampaign {
    id: CampaignId,
    #[serde(default)]
    name: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    dialing_mode: String,
    #[serde(default)]
    outcome_codes: Vec<String>,
    #[serde(default)]
    contact_count: u64,
    updated_at: Option<Timestamp>,
}

impl WireCampaign {
    pub fn into_model(self) -> Campaign {
        Campaign {
            id: self.id,
            name: self.name,
            status: self.status,
            dialing_mode: self.dialing_mode,
            outcome_codes: self.outcome_codes,
            contact_count: self.contact_count,
            updated_at: self.updated_at,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireContact {
    id: ContactId,
    campaign_id: CampaignId,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    phone: String,
    /// Absent, it is `UNKNOWN`, as document 001 reads it: a state that
    /// does not block a disposition.
    #[serde(default = "unknown_state")]
    state: DialerState,
    outcome_code: Option<String>,
    agent_id: Option<String>,
    notes: Option<String>,
    #[serde(default)]
    custom_fields: Option<Map<String, Value>>,
    disposition_timestamp: Option<Timestamp>,
    #[serde(default)]
    attempts: u32,
    updated_at: Option<Timestamp>,
}

fn unknown_state() -> DialerState {
    DialerState::Other("UNKNOWN".into())
}

impl WireContact {
    pub fn into_model(self, etag: Option<ETag>) -> Contact {
        Contact {
            id: self.id,
            campaign_id: self.campaign_id,
            first_name: self.first_name,
            last_name: self.last_name,
            phone: self.phone,
            state: self.state,
            outcome_code: self.outcome_code.filter(|c| !c.is_empty()),
            agent_id: self.agent_id,
            notes: self.notes.filter(|n| !n.is_empty()),
            custom_fields: self.custom_fields.unwrap_or_default(),
            disposition_timestamp: self.disposition_timestamp,
            attempts: self.attempts,
            updated_at: self.updated_at,
            etag,
        }
    }
}
