//! Interactions, their attributes, and webhook registrations.

use crate::api::guards::ETag;
use crate::api::model::{Attribute, AttributeSnapshot, Channel, Interaction, Webhook, WebhookId};
use crate::domain::interaction_disposition::{Disposition, InteractionStatus};
use crate::domain::{AgentId, InteractionId, Timestamp};
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

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
