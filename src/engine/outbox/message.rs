//! Messages in the outbox, and the lines that record what became of them.

use crate::domain::FieldError;
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;
use time::OffsetDateTime;

/// A webhook to send: which system it is for, what happened, and the body.
#[derive(Debug, Clone, PartialEq)]
pub struct Message<'a> {
    /// The receiving system (`crm`, `wfm`, `disposition`), mapped to a URL by
    /// the deliverer's configuration.
    pub target: &'a str,
    /// What happened, as `contact.disposition.updated`.
    pub event_type: &'a str,
    pub body: Value,
}

impl Message<'_> {
    pub(super) fn validate(&self) -> Result<(), FieldError> {
        let name_ok =
            |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
        if self.target.is_empty() || self.target.len() > 64 || !name_ok(self.target) {
            return Err(FieldError::new("target", "must be 1–64 letters, digits, '_', '-' or '.'"));
        }
        if self.event_type.is_empty() || self.event_type.len() > 128 || !name_ok(self.event_type) {
            return Err(FieldError::new("eventType", "must be 1–128 letters, digits, '_', '-' or '.'"));
        }
        Ok(())
    }
}

/// A message's id, `msg_` and 32 hex digits. It is sent as `webhook-id` on
/// every attempt, so a receiver can drop repeats.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MessageId(String);

impl MessageId {
    pub(super) fn fresh() -> Self {
        Self(format!("msg_{}", uuid::Uuid::new_v4().simple()))
    }

    /// The id of the webhook announcing `change`: the same change always
    /// gets the same id.
    pub fn derived(change: &str) -> Self {
        use sha2::Digest;
        let hash = sha2::Sha256::digest(change.as_bytes());
        Self(format!("msg_{}", &hex::encode(hash)[..32]))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A message waiting in the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    pub id: MessageId,
    pub target: String,
    pub event_type: String,
    /// The body exactly as it is sent and signed.
    pub body: Bytes,
    pub enqueued_at: OffsetDateTime,
}

/// A message given up on, kept until someone retries it.
#[derive(Debug, Clone, PartialEq)]
pub struct FailedMessage {
    pub envelope: Envelope,
    pub attempts: u32,
    pub reason: String,
    pub failed_at: OffsetDateTime,
}

/// One line of the outbox journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub(super) enum Op {
    Enqueued {
        id: MessageId,
        target: String,
        event_type: String,
        body: Value,
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
    Delivered {
        id: MessageId,
        attempts: u32,
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
    Failed {
        id: MessageId,
        attempts: u32,
        reason: String,
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
    /// A failed message put back in line by hand.
    Requeued {
        id: MessageId,
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
}
