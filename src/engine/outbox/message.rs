//! Messages in the outbox, and the lines that record what became of them.

use crate::domain::FieldError;
use crate::engine::audit::ChainHash;
use bytes::Bytes;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;
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
    /// What the message is about (`agent:1234`), when it is about one thing:
    /// a target hears the messages about one subject one at a time, in the
    /// order they were queued, so an agent's statuses cannot cross.
    pub subject: Option<&'a str>,
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
        if self.subject.is_some_and(|s| s.is_empty() || s.len() > 512) {
            return Err(FieldError::new("subject", "must be 1–512 characters"));
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

    /// The id of the webhook announcing `change`, whose intent the audit
    /// log sealed as `intent` (the first intent of this log's runs that
    /// sent it): a crash and start-up's read-back, or a re-run the tenant
    /// answers as that write, queue it under the same id, while the same
    /// change made again from another data directory is another event to
    /// its receiver, not a repeat it drops.
    pub fn announcing(change: &str, intent: Option<&ChainHash>) -> Self {
        match intent {
            Some(intent) => Self::derived(&format!("{change}@{intent}")),
            None => Self::derived(change),
        }
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
    /// See [`Message::subject`].
    pub subject: Option<String>,
    /// The body exactly as it is sent and signed.
    pub body: Bytes,
    pub enqueued_at: OffsetDateTime,
    /// The attempts it has had so far, as the journal recorded them: a
    /// restart goes on counting from there.
    pub tried: Option<Tried>,
}

/// The failed attempts of a message still waiting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tried {
    pub attempts: u32,
    /// The last answer or error.
    pub reason: String,
    pub at: OffsetDateTime,
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
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "op", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub(super) enum Op {
    Enqueued {
        id: MessageId,
        target: String,
        event_type: String,
        /// Absent from lines written before messages had subjects.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        subject: Option<String>,
        /// Written as the JSON it is, so the bytes signed and sent are the
        /// bytes stored, and neither writing nor reading it again builds a tree.
        body: Box<RawValue>,
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
    /// An attempt that failed, the message still waiting for another.
    Retried {
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
    /// The first line of a compacted outbox: which compaction wrote it, and
    /// the lines it wrote after this one (`messages` of them `enqueued`),
    /// so a cut of them is seen even before the head file catches up with
    /// the new file.
    Compacted {
        epoch: u64,
        lines: u64,
        messages: u64,
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
}

impl Op {
    /// When the line was written.
    pub fn at(&self) -> OffsetDateTime {
        match self {
            Self::Enqueued { at, .. }
            | Self::Delivered { at, .. }
            | Self::Failed { at, .. }
            | Self::Retried { at, .. }
            | Self::Requeued { at, .. }
            | Self::Compacted { at, .. } => *at,
        }
    }
}

impl<'de> Deserialize<'de> for Op {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Line::deserialize(deserializer)?.into_op().map_err(D::Error::custom)
    }
}

/// A journal line as written, read flat: serde buffers an internally tagged
/// enum's fields before it knows the variant, and a raw body cannot pass
/// through that buffer.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Line {
    op: Kind,
    id: Option<MessageId>,
    target: Option<String>,
    event_type: Option<String>,
    subject: Option<String>,
    body: Option<Box<RawValue>>,
    attempts: Option<u32>,
    reason: Option<String>,
    epoch: Option<u64>,
    lines: Option<u64>,
    messages: Option<u64>,
    #[serde(with = "time::serde::rfc3339")]
    at: OffsetDateTime,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Kind {
    Enqueued,
    Delivered,
    Failed,
    Retried,
    Requeued,
    Compacted,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Self::Enqueued => "enqueued",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
            Self::Retried => "retried",
            Self::Requeued => "requeued",
            Self::Compacted => "compacted",
        }
    }
}

impl Line {
    fn into_op(self) -> Result<Op, String> {
        let Self { op, id, target, event_type, subject, body, attempts, reason, epoch, lines, messages, at } =
            self;
        let needs = |field: &str| format!("missing field `{field}` for op `{}`", op.name());
        // Every kind but the compaction's marker is about one message.
        let id = id.ok_or_else(|| needs("id"));
        Ok(match op {
            Kind::Enqueued => Op::Enqueued {
                id: id?,
                target: target.ok_or_else(|| needs("target"))?,
                event_type: event_type.ok_or_else(|| needs("eventType"))?,
                subject,
                body: body.ok_or_else(|| needs("body"))?,
                at,
            },
            Kind::Delivered => {
                Op::Delivered { id: id?, attempts: attempts.ok_or_else(|| needs("attempts"))?, at }
            }
            Kind::Failed => Op::Failed {
                id: id?,
                attempts: attempts.ok_or_else(|| needs("attempts"))?,
                reason: reason.ok_or_else(|| needs("reason"))?,
                at,
            },
            Kind::Retried => Op::Retried {
                id: id?,
                attempts: attempts.ok_or_else(|| needs("attempts"))?,
                reason: reason.ok_or_else(|| needs("reason"))?,
                at,
            },
            Kind::Requeued => Op::Requeued { id: id?, at },
            Kind::Compacted => Op::Compacted {
                epoch: epoch.ok_or_else(|| needs("epoch"))?,
                lines: lines.ok_or_else(|| needs("lines"))?,
                messages: messages.ok_or_else(|| needs("messages"))?,
                at,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENQUEUED: &str = r#"{"op":"enqueued","id":"msg_1","target":"crm","eventType":"x.y","body":{"z":1, "a":2.50},"at":"2026-11-22T12:00:00Z"}"#;

    #[test]
    fn a_body_is_read_and_written_again_byte_for_byte() {
        let op: Op = serde_json::from_str(ENQUEUED).unwrap();
        let Op::Enqueued { body, .. } = &op else { panic!("read as {op:?}") };
        assert_eq!(body.get(), r#"{"z":1, "a":2.50}"#);
        assert_eq!(serde_json::to_string(&op).unwrap(), ENQUEUED);
    }

    /// Lines written before messages had subjects read as about nothing in
    /// particular; a subject is kept as written.
    #[test]
    fn a_subject_is_optional_and_kept() {
        let op: Op = serde_json::from_str(ENQUEUED).unwrap();
        assert!(matches!(&op, Op::Enqueued { subject: None, .. }), "{op:?}");
        let with = ENQUEUED.replace(r#""eventType":"x.y","#, r#""eventType":"x.y","subject":"user:u1","#);
        let op: Op = serde_json::from_str(&with).unwrap();
        assert!(matches!(&op, Op::Enqueued { subject: Some(s), .. } if s == "user:u1"), "{op:?}");
        assert_eq!(serde_json::to_string(&op).unwrap(), with);
    }

    #[test]
    fn a_line_missing_a_field_of_its_kind_names_it() {
        let line = ENQUEUED.replace(r#""target":"crm","#, "");
        let e = serde_json::from_str::<Op>(&line).unwrap_err().to_string();
        assert!(e.contains("missing field `target` for op `enqueued`"), "{e}");
        let delivered = r#"{"op":"delivered","id":"msg_1","at":"2026-11-22T12:00:00Z"}"#;
        let e = serde_json::from_str::<Op>(delivered).unwrap_err().to_string();
        assert!(e.contains("`attempts`"), "{e}");
    }
}
