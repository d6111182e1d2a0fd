//! What the engine tells the console: progress, outcomes, fresh snapshots
//! of the tenant, live metrics, audit lines and the health of its links.

use super::audit::{self, AuditRecord, Target};
use super::command::CommandId;
pub use super::connection::{Connection, Entities, Link, STALE_AFTER, Stale};
use super::metrics::MetricsSnapshot;
use super::outbox::OutboxStatus;
use super::row_key::RowKey;
use super::skip::SkipKey;
use crate::api::model::{Campaign, Contact, DataAction, Interaction, User};
use crate::domain::agent_status::PauseReasons;
use crate::domain::contact_disposition::SkipReason;
use crate::domain::interaction_disposition::DispositionMatrix;
use serde::Serialize;
use serde_json::Value;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

mod report;
mod standing;
mod wait;
pub use report::{BatchReport, Write};
pub use standing::{Standing, WaitTold};
pub use wait::Wait;

#[derive(Debug, Clone)]
pub enum Event {
    /// A command was taken on; `total` targets will be reported.
    Accepted {
        id: CommandId,
        total: usize,
    },
    /// Batch progress: `done` of `total` targets have an outcome.
    Progress {
        id: CommandId,
        done: usize,
        total: usize,
    },
    /// A running command waits on `wait`, for at most `lasts` from now.
    /// WaitTold at most a few times a second per command.
    Waiting {
        id: CommandId,
        wait: Wait,
        lasts: Duration,
    },
    /// One target of a command has its final outcome (already durable in the
    /// audit log, unless its batch's task panicked before reporting it: it
    /// then ends failed with no outcome recorded, as a crash leaves it).
    ItemFinished {
        id: CommandId,
        item: CommandId,
        target: Target,
        outcome: Outcome,
    },
    /// The command is over. Exactly one per submitted command.
    Finished {
        id: CommandId,
        result: Finished,
    },
    Snapshot(Snapshot),
    Metrics(Arc<MetricsSnapshot>),
    Audit(Arc<AuditRecord>),
    /// The last records of earlier runs, oldest first: sent once, at start,
    /// before any record of this run.
    AuditHistory(Vec<Arc<AuditRecord>>),
    Outbox(OutboxStatus),
    Connection(Connection),
    /// The tenant called back about an attribute change.
    AttributesChanged(AttributeCallback),
    /// What start-up found and settled: log repairs, intents left by a crash.
    Recovered(Recovery),
    /// The tenant's rule data, each list or why it could not be read
    /// (`LoadRules`).
    Rules(RuleBook),
}

/// The rules the tenant publishes that forms check input against, each
/// read on its own, or why it could not be: a form needs only its own list,
/// and one list failing must not keep the other's form from working. Each
/// campaign's outcome matrix travels with the campaign snapshots.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleBook {
    pub pause_reasons: Result<Arc<PauseReasons>, String>,
    pub dispositions: Result<Arc<DispositionMatrix>, String>,
}

/// How one change ended, in words a supervisor can act on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// The tenant holds the change (or held it already). `data` carries what
    /// a read-style command returned (a simulation, metrics).
    Applied {
        summary: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        data: Option<Value>,
    },
    /// Deliberately not sent; `key` groups reasons in batch reports.
    Skipped { key: SkipKey, reason: String },
    /// Refused by a rule, locally or by the tenant (400, 403, 404).
    Rejected { reason: String },
    /// Someone else changed the target, or it was locked (409, wrap-up).
    Conflict { reason: String },
    /// Could not be completed: the tenant failed, or could not be reached.
    Failed { error: String },
}

impl Outcome {
    pub fn applied(summary: impl Into<String>) -> Self {
        Self::Applied { summary: summary.into(), data: None }
    }

    /// A change not sent, for the reason `key` names.
    pub fn skipped(key: SkipKey, reason: impl Into<String>) -> Self {
        Self::Skipped { key, reason: reason.into() }
    }

    /// A contact disposition not sent, for `reason`, in its words.
    pub fn skipped_for(reason: &SkipReason) -> Self {
        Self::skipped(SkipKey::from(reason), reason.to_string())
    }

    /// A batch's target left unstarted because the batch was cancelled;
    /// `what` names it ("contact", "agent").
    pub fn unstarted(what: &str) -> Self {
        Self::skipped(SkipKey::Unstarted, format!("the batch was cancelled before this {what} was started"))
    }

    pub fn is_unstarted(&self) -> bool {
        matches!(self, Self::Skipped { key: SkipKey::Unstarted, .. })
    }

    pub fn rejected(reason: impl Into<String>) -> Self {
        Self::Rejected { reason: reason.into() }
    }

    pub fn conflict(reason: impl Into<String>) -> Self {
        Self::Conflict { reason: reason.into() }
    }

    pub fn failed(error: impl Into<String>) -> Self {
        Self::Failed { error: error.into() }
    }

    /// The audit log's name for this outcome.
    pub fn kind(&self) -> audit::Outcome {
        match self {
            Self::Applied { .. } => audit::Outcome::Applied,
            Self::Skipped { .. } => audit::Outcome::Skipped,
            Self::Rejected { .. } => audit::Outcome::Rejected,
            Self::Conflict { .. } => audit::Outcome::Conflict,
            Self::Failed { .. } => audit::Outcome::Failed,
        }
    }

    pub fn is_applied(&self) -> bool {
        matches!(self, Self::Applied { .. })
    }

    /// The sentence shown to the supervisor.
    pub fn text(&self) -> &str {
        match self {
            Self::Applied { summary, .. } => summary,
            Self::Skipped { reason, .. } => reason,
            Self::Rejected { reason } | Self::Conflict { reason } => reason,
            Self::Failed { error } => error,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind().as_str(), self.text())
    }
}

/// The end of a command.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Finished {
    /// A change to one target.
    Single { target: Option<Target>, outcome: Outcome },
    /// A change to many targets; each had its own `ItemFinished`.
    Batch(BatchReport),
}

impl Finished {
    /// Whether anything in the command did not go through.
    pub fn has_failures(&self) -> bool {
        match self {
            Self::Single { outcome, .. } => {
                matches!(
                    outcome,
                    Outcome::Failed { .. } | Outcome::Rejected { .. } | Outcome::Conflict { .. }
                )
            }
            Self::Batch(report) => report.failed() > 0 || report.unwritten() > 0,
        }
    }
}

/// A fresh view of one kind of entity. Rows are in a stable order (by id,
/// and a contact's by id then campaign).
#[derive(Debug)]
pub struct Table<T> {
    pub rows: Vec<T>,
    pub generation: u64,
    /// The tenant's clock when read (`asOf`).
    pub as_of: Option<String>,
    /// The [`RowKey`]s of the rows that differ from the previous snapshot
    /// (removed ones included), so the console can mark them briefly and
    /// knows which rows it has read again: a contact's with its campaign,
    /// as its id alone would name every campaign's contact of that id.
    pub changed: Vec<RowKey>,
}

#[derive(Debug, Clone)]
pub enum Snapshot {
    Agents(Arc<Table<User>>),
    Interactions(Arc<Table<Interaction>>),
    Campaigns(Arc<Table<Campaign>>),
    /// Contacts of every campaign.
    Contacts(Arc<Table<Contact>>),
    DataActions(Arc<Table<DataAction>>),
}

impl Snapshot {
    /// The [`RowKey`]s of the rows that changed since the table's last
    /// generation.
    pub fn changed(&self) -> &[RowKey] {
        match self {
            Self::Agents(t) => &t.changed,
            Self::Interactions(t) => &t.changed,
            Self::Campaigns(t) => &t.changed,
            Self::Contacts(t) => &t.changed,
            Self::DataActions(t) => &t.changed,
        }
    }
}

/// An `interaction.attributes.updated` delivery the engine received.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttributeCallback {
    pub interaction_id: String,
    pub attributes: Value,
    pub callback_latency_ms: Option<f64>,
    /// Whether its signature verified with the registration's secret.
    pub verified: bool,
}

impl AttributeCallback {
    /// How many attributes it says changed: the entries of its list (or
    /// object); `None` when it carries neither.
    pub fn count(&self) -> Option<usize> {
        match &self.attributes {
            Value::Array(entries) => Some(entries.len()),
            Value::Object(entries) => Some(entries.len()),
            _ => None,
        }
    }
}

/// What start-up settled.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Recovery {
    /// Repairs the audit log made to itself (a torn last line cut…).
    pub repairs: Vec<String>,
    /// What the webhook outbox repaired or found on open (an unfinished
    /// last line cut, whole lines gone that its head file said it held, a
    /// head file written anew), in words naming the webhooks when known.
    pub outbox_repairs: Vec<String>,
    /// Intents left without outcome by a crash, and what reading the target back found.
    pub reconciled: Vec<(String, Outcome)>,
    /// Those of them whose target could not be read back (or whose finding
    /// could not be recorded): still pending, checked again at the next start.
    pub still_pending: Vec<String>,
    /// Those read back whose target could not tell whether they were
    /// applied (recorded as failed, saying so).
    pub undecided: Vec<String>,
    /// Webhooks waiting from an earlier run.
    pub webhooks_waiting: usize,
}

impl Recovery {
    /// How many of the reconciled changes were read back and recorded,
    /// found applied or not, rather than left pending.
    pub fn read_back(&self) -> usize {
        self.reconciled.len().saturating_sub(self.still_pending.len())
    }
}
