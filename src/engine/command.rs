//! What the engine is asked to do.
//!
//! A command carries user input as drafts (what a form or a batch file
//! holds); the engine validates it again against the tenant's current rules
//! before anything is written, so a stale form cannot slip past a rule.

use crate::api::IdempotencyKey;
use crate::domain::agent_status::AgentStatusDraft;
use crate::domain::attributes::AttributeDraft;
use crate::domain::contact_disposition::ContactDispositionDraft;
use crate::domain::data_action::{DataActionDraft, MetricsRange};
use crate::domain::interaction_disposition::DispositionDraft;
use crate::engine::metrics::Operation;
use crate::engine::outbox::MessageId;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::fmt;

/// Names one change across events, audit records, idempotency keys and
/// webhooks. Random for changes made on screen; derived from the input for
/// batch files, so re-running a file after a crash finds what was done.
///
/// Made only here, by [`random`](Self::random) and
/// [`derived`](Self::derived): always `cmd_` and hex digits, safe to send
/// in a header, so every id serves as its write's idempotency key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct CommandId(String);

impl CommandId {
    pub fn random() -> Self {
        Self(format!("cmd_{}", uuid::Uuid::new_v4().simple()))
    }

    /// The same parts always give the same id.
    pub fn derived<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> Self {
        let mut hash = Sha256::new();
        for part in parts {
            hash.update((part.len() as u64).to_be_bytes());
            hash.update(part);
        }
        Self(format!("cmd_{}", &hex::encode(hash.finalize())[..32]))
    }

    /// The id of item `index` inside this command's batch.
    pub fn item(&self, index: usize) -> Self {
        Self::derived([self.0.as_bytes(), &index.to_be_bytes()[..]])
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key a write of this change goes with: the id itself, so every
    /// attempt of the change, in this run or a re-run of the same file,
    /// carries the same key and the tenant applies it once.
    pub fn idempotency_key(&self) -> IdempotencyKey {
        IdempotencyKey::parse(&self.0).expect("a command id is cmd_ and hex digits, safe in a header")
    }
}

impl fmt::Display for CommandId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One entry of a batch, with its own id.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item<T> {
    pub id: CommandId,
    pub draft: T,
    /// The target's name as the sender knew it: the audit records of an
    /// entry never read (cancelled before it started, refused by its
    /// checks) name whom it was for; a read renames it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl<T> Item<T> {
    pub fn new(id: CommandId, draft: T) -> Self {
        Self { id, draft, name: None }
    }

    pub fn named(self, name: impl Into<String>) -> Self {
        Self { name: Some(name.into()), ..self }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Apply a change; exactly one `Event::Finished` follows.
    Submit { id: CommandId, change: Change },
    /// Stop a batch: items not yet started finish as skipped.
    Cancel { id: CommandId },
    /// Refresh every entity snapshot now, with what changed since the last
    /// round (as after a change is made).
    Refresh,
    /// Read every entity kind whole now, so that what the tenant removed
    /// leaves the tables too (the supervisor's refresh).
    Reload,
    /// Read the tenant's rule data (pause reasons, disposition matrix) for
    /// forms that check input as it is typed; answered by `Event::Rules`.
    LoadRules,
    /// Put the webhooks given up on back in line (of `only`, when given:
    /// those the supervisor saw listed); answered by one `Event::Finished`
    /// that says how many. One given up on since (as a resend's own engine
    /// sends what waits) is not the one asked for, and is not sent twice over.
    ResendWebhooks { id: CommandId, only: Option<BTreeSet<MessageId>> },
    /// List the webhooks waiting and those given up on; answered by one
    /// `Event::Finished` whose outcome carries them as data.
    ListWebhooks { id: CommandId },
    /// Finish what is in flight, flush the audit log and stop.
    Shutdown,
}

/// The changes the console can make.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    InteractionDisposition {
        interaction_id: String,
        dispositions: Vec<DispositionDraft>,
        /// The interaction's name (its customer's) as the sender knew it;
        /// see [`Item::name`].
        name: Option<String>,
    },
    /// One or many contacts, deduplicated, at most 50 requests at a time.
    ContactDispositions(Vec<Item<ContactDispositionDraft>>),
    Attributes {
        interaction_id: String,
        rows: Vec<AttributeDraft>,
        /// As for a disposition.
        name: Option<String>,
    },
    /// One agent or many (a team).
    AgentStatus(Vec<Item<AgentStatusDraft>>),
    DataAction(DataActionChange),
    /// Register the analytics webhook so attribute changes come back as events.
    WatchAttributes,
}

/// A data action as a change names it: by its id, or by its name, which
/// the engine looks up when the change runs, so a batch file's line finds
/// the actions its earlier lines deployed. A name that more than one action
/// holds then is refused, never sent to one of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionRef {
    Id(String),
    Name(String),
}

impl ActionRef {
    /// The id, when the change names the action by it.
    pub fn id(&self) -> Option<&str> {
        match self {
            Self::Id(id) => Some(id.trim()),
            Self::Name(_) => None,
        }
    }
}

impl fmt::Display for ActionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Id(id) => f.write_str(id.trim()),
            Self::Name(name) => write!(f, "named {}", name.trim()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum DataActionChange {
    /// Run the handler locally on `input`; nothing is sent to the tenant.
    Simulate {
        input: Value,
    },
    Deploy(DataActionDraft),
    NewVersion {
        action: ActionRef,
        version: String,
    },
    Deprecate {
        action: ActionRef,
    },
    /// Read execution metrics over a range read where it was typed.
    Metrics {
        action: ActionRef,
        range: MetricsRange,
    },
}

impl Change {
    /// Which gauge the change feeds.
    pub fn operation(&self) -> Operation {
        match self {
            Self::InteractionDisposition { .. } => Operation::InteractionDisposition,
            Self::ContactDispositions(_) => Operation::ContactDisposition,
            Self::Attributes { .. } | Self::WatchAttributes => Operation::Attributes,
            Self::AgentStatus(_) => Operation::AgentStatus,
            Self::DataAction(_) => Operation::DataAction,
        }
    }

    /// How many targets the change touches (progress totals).
    pub fn len(&self) -> usize {
        match self {
            Self::ContactDispositions(items) => items.len(),
            Self::AgentStatus(items) => items.len(),
            _ => 1,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the flow checks its cancel before it sends anything, so that
    /// a cancelled change ends with nothing sent.
    pub fn stops_unstarted(&self) -> bool {
        !matches!(self, Self::WatchAttributes | Self::DataAction(_))
    }

    /// Whether the change writes to the tenant (hidden in read-only mode).
    pub fn writes(&self) -> bool {
        !matches!(
            self,
            Self::DataAction(DataActionChange::Simulate { .. } | DataActionChange::Metrics { .. })
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_are_stable_and_unambiguous() {
        let a = CommandId::derived([&b"ab"[..], b"c"]);
        assert_eq!(a, CommandId::derived([&b"ab"[..], b"c"]));
        assert_ne!(a, CommandId::derived([&b"a"[..], b"bc"]), "part boundaries count");
        assert_ne!(a.item(0), a.item(1));
        assert!(a.as_str().starts_with("cmd_"));
        assert_ne!(CommandId::random(), CommandId::random());
    }
}
