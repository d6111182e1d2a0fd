//! Interactions, their dispositions and their attributes.

use crate::api::guards::ETag;
use crate::domain::interaction_disposition::{Disposition, InteractionStatus};
use crate::domain::{InteractionId, Timestamp};
use serde_json::Value;
use std::fmt;

/// How the customer reached the contact center.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Channel {
    Voice,
    Chat,
    Email,
    Sms,
    /// A channel this console does not know by name.
    Other(String),
}

impl Channel {
    pub fn from_wire(raw: &str) -> Self {
        match raw {
            "voice" => Self::Voice,
            "chat" => Self::Chat,
            "email" => Self::Email,
            "sms" => Self::Sms,
            other => Self::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Voice => "voice",
            Self::Chat => "chat",
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Other(s) => s,
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An interaction as the tenant holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Interaction {
    pub id: InteractionId,
    pub status: InteractionStatus,
    pub channel: Channel,
    pub agent_id: Option<String>,
    pub queue: Option<String>,
    pub customer_name: Option<String>,
    pub started_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    pub dispositions: Vec<Disposition>,
    pub attributes: Vec<Attribute>,
    pub updated_at: Option<Timestamp>,
    /// Present when read one by one or after a write; list items carry none.
    pub etag: Option<ETag>,
}

impl Interaction {
    /// "with the customer (id)", or the id alone, as messages name an
    /// interaction after the word: a supervisor knows it by whom it was with.
    pub fn named(&self) -> String {
        match self.customer_name.as_deref().map(str::trim) {
            Some(customer) if !customer.is_empty() => format!("with {customer} ({})", self.id),
            _ => self.id.to_string(),
        }
    }
}

/// One stored attribute. Values are JSON scalars as the tenant stores them.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub key: String,
    pub value: Value,
}

/// The attributes of one interaction after a read or a write.
#[derive(Debug, Clone, PartialEq)]
pub struct AttributeSnapshot {
    pub interaction_id: InteractionId,
    pub attributes: Vec<Attribute>,
    pub last_updated: Option<Timestamp>,
}

impl AttributeSnapshot {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.attributes.iter().find(|a| a.key == key).map(|a| &a.value)
    }
}
