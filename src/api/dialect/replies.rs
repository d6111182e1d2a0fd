//! Reply bodies of docs/wire.md, and how they become model values.
//!
//! Required here is only what the console cannot work without (ids, the
//! state a rule reads); descriptive fields default when absent, and unknown
//! enum values fall into `Other`, so one odd item does not fail a page.

use super::{DecodeError, RawReply};
use crate::api::guards::ETag;
use crate::api::model::{
    ActionVersion, Attribute, AttributeSnapshot, Campaign, Channel, Contact, DataAction, Interaction,
    MetricsRow, Page, RecentExecutions, StatusChanged, User, UserStatus, Webhook, WebhookId,
};
use crate::domain::agent_status::Shift;
use crate::domain::contact_disposition::DialerState;
use crate::domain::interaction_disposition::{Disposition, InteractionStatus};
use crate::domain::{AgentId, CampaignId, ContactId, DataActionId, InteractionId, Timestamp, UserId};
use secrecy::SecretString;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Parses the body as `W`, naming `what` in the error.
pub fn json<W: DeserializeOwned>(reply: &RawReply, what: &str) -> Result<W, DecodeError> {
    serde_json::from_slice(&reply.body)
        .map_err(|e| DecodeError::new(format!("{what} is not as documented: {e}"), &reply.body))
}

/// The entity tag of a single-entity reply; an unusable one is ignored.
pub fn etag(reply: &RawReply) -> Option<ETag> {
    reply.header("etag").and_then(|raw| ETag::parse(raw).ok())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WirePage<T> {
    items: Vec<T>,
    total_count: u64,
    #[serde(default)]
    top: u32,
    #[serde(default)]
    skip: u64,
    as_of: String,
}

impl<T> WirePage<T> {
    pub fn into_page<M>(self, item: impl Fn(T) -> Result<M, String>) -> Result<Page<M>, String> {
        Ok(Page {
            items: self.items.into_iter().map(item).collect::<Result<_, _>>()?,
            total_count: self.total_count,
            top: self.top,
            skip: self.skip,
            as_of: self.as_of,
        })
    }
}

#[derive(Deserialize)]
pub struct WireDispositionEntry {
    code: String,
    #[serde(default)]
    description: String,
    agent_id: AgentId,
    timestamp: Timestamp,
    #[serde(default)]
    source: String,
    #[serde(default)]
    notes: Option<String>,
}

#[derive(Deserialize)]
pub struct WireAttribute {
    key: String,
    #[serde(default)]
    value: Value,
}

fn attributes(wire: Vec<WireAttribute>) -> Vec<Attribute> {
    wire.into_iter().map(|a| Attribute { key: a.key, value: a.value }).collect()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireInteraction {
    id: InteractionId,
    status: InteractionStatus,
    #[serde(default)]
    channel: String,
    agent_id: Option<String>,
    queue: Option<String>,
    customer_name: Option<String>,
    started_at: Option<Timestamp>,
    closed_at: Option<Timestamp>,
    #[serde(default)]
    dispositions: Vec<WireDispositionEntry>,
    #[serde(default)]
    attributes: Vec<WireAttribute>,
    updated_at: Option<Timestamp>,
}

impl WireInteraction {
    pub fn into_model(self, etag: Option<ETag>) -> Interaction {
        Interaction {
            id: self.id,
            status: self.status,
            channel: Channel::from_wire(&self.channel),
            agent_id: self.agent_id,
            queue: self.queue,
            customer_name: self.customer_name,
            started_at: self.started_at,
            closed_at: self.closed_at,
            dispositions: self
                .dispositions
                .into_iter()
                .map(|d| Disposition {
                    code: d.code,
                    description: d.description,
                    agent_id: d.agent_id,
                    timestamp: d.timestamp,
                    source: d.source,
                    notes: d.notes,
                })
                .collect(),
            attributes: attributes(self.attributes),
            updated_at: self.updated_at,
            etag,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireAttributes {
    interaction_id: InteractionId,
    attributes: Vec<WireAttribute>,
    last_updated: Option<Timestamp>,
}

impl WireAttributes {
    pub fn into_model(self) -> AttributeSnapshot {
        AttributeSnapshot {
            interaction_id: self.interaction_id,
            attributes: attributes(self.attributes),
            last_updated: self.last_updated,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireWebhook {
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    uri: String,
    #[serde(default)]
    events: Vec<String>,
    #[serde(default)]
    enabled: bool,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    secret: Option<SecretString>,
    created_at: Option<Timestamp>,
}

impl WireWebhook {
    pub fn into_model(self) -> Result<Webhook, String> {
        Ok(Webhook {
            id: WebhookId::parse(&self.id).map_err(|e| e.to_string())?,
            name: self.name,
            uri: self.uri,
            events: self.events,
            enabled: self.enabled,
            headers: self.headers,
            secret: self.secret,
            created_at: self.created_at,
        })
    }
}

/// The list of registrations: a bare array, or an object holding it.
#[derive(Deserialize)]
#[serde(untagged)]
pub enum WireWebhookList {
    Bare(Vec<WireWebhook>),
    Items { items: Vec<WireWebhook> },
    Named { webhooks: Vec<WireWebhook> },
}

impl WireWebhookList {
    pub fn into_model(self) -> Result<Vec<Webhook>, String> {
        let (Self::Bare(list) | Self::Items { items: list } | Self::Named { webhooks: list }) = self;
        list.into_iter().map(WireWebhook::into_model).collect()
    }
}

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

#[derive(Deserialize)]
pub struct WireRole {
    name: String,
}

/// `{}` (or nothing) when no shift is set.
#[derive(Deserialize, Default)]
pub struct WireShift {
    start: Option<f64>,
    end: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireUser {
    id: UserId,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    user_name: String,
    team_id: Option<String>,
    team_name: Option<String>,
    #[serde(default)]
    roles: Vec<WireRole>,
    #[serde(default)]
    shift_schedule: Option<WireShift>,
    status: String,
    pause_reason: Option<String>,
    status_since: Option<Timestamp>,
    wrap_up_until: Option<Timestamp>,
    updated_at: Option<Timestamp>,
}

impl WireUser {
    pub fn into_model(self, etag: Option<ETag>) -> User {
        let shift = match self.shift_schedule.unwrap_or_default() {
            WireShift { start: Some(start), end: Some(end) } => Some(Shift { start, end }),
            _ => None,
        };
        User {
            id: self.id,
            first_name: self.first_name,
            last_name: self.last_name,
            user_name: self.user_name,
            team_id: self.team_id,
            team_name: self.team_name,
            roles: self.roles.into_iter().map(|r| r.name).collect(),
            shift,
            status: UserStatus::from_wire(&self.status),
            pause_reason: self.pause_reason,
            status_since: self.status_since,
            wrap_up_until: self.wrap_up_until,
            updated_at: self.updated_at,
            etag,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireStatusChanged {
    user_id: UserId,
    status: String,
    pause_reason: Option<String>,
    wrap_up_code: Option<String>,
    previous_status: Option<String>,
    timestamp: Option<Timestamp>,
}

impl WireStatusChanged {
    pub fn into_model(self) -> StatusChanged {
        StatusChanged {
            user_id: self.user_id,
            status: UserStatus::from_wire(&self.status),
            pause_reason: self.pause_reason,
            wrap_up_code: self.wrap_up_code,
            previous_status: self.previous_status.as_deref().map(UserStatus::from_wire),
            timestamp: self.timestamp,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireVersion {
    version: String,
    created_at: Option<Timestamp>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireExecutions {
    #[serde(default)]
    count: u64,
    #[serde(default)]
    error_rate: f64,
    #[serde(default)]
    avg_latency_ms: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireDataAction {
    id: DataActionId,
    #[serde(default)]
    name: String,
    version: String,
    #[serde(default)]
    is_deprecated: bool,
    #[serde(default)]
    input_schema: Value,
    #[serde(default)]
    output_schema: Value,
    #[serde(default)]
    handler_url: String,
    #[serde(default)]
    timeout_ms: u64,
    #[serde(default)]
    description: String,
    #[serde(default)]
    versions: Vec<WireVersion>,
    recent_executions: Option<WireExecutions>,
    created_at: Option<Timestamp>,
    updated_at: Option<Timestamp>,
}

impl WireDataAction {
    pub fn into_model(self, etag: Option<ETag>) -> Result<DataAction, String> {
        let version = semver::Version::parse(self.version.trim()).map_err(|e| {
            format!("data action {} has version {:?}, not a semantic version ({e})", self.id, self.version)
        })?;
        Ok(DataAction {
            id: self.id,
            name: self.name,
            version,
            is_deprecated: self.is_deprecated,
            input_schema: self.input_schema,
            output_schema: self.output_schema,
            handler_url: self.handler_url,
            timeout_ms: self.timeout_ms,
            description: self.description,
            versions: self
                .versions
                .into_iter()
                .map(|v| ActionVersion { version: v.version, created_at: v.created_at })
                .collect(),
            recent_executions: self.recent_executions.map(|r| RecentExecutions {
                count: r.count,
                error_rate: r.error_rate,
                avg_latency_ms: r.avg_latency_ms,
            }),
            created_at: self.created_at,
            updated_at: self.updated_at,
            etag,
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireMetricsRow {
    #[serde(default)]
    action_id: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    count: u64,
    #[serde(default)]
    avg_latency_ms: f64,
    #[serde(default)]
    error_rate: f64,
}

#[derive(Deserialize)]
pub struct WireMetrics {
    data: Vec<WireMetricsRow>,
}

impl WireMetrics {
    pub fn into_model(self) -> Vec<MetricsRow> {
        self.data
            .into_iter()
            .map(|r| MetricsRow {
                action_id: r.action_id,
                date: r.date,
                status: r.status,
                version: r.version,
                count: r.count,
                avg_latency_ms: r.avg_latency_ms,
                error_rate: r.error_rate,
            })
            .collect()
    }
}
