//! What one line of a batch file asks for.

use crate::domain::agent_status::AgentStatusDraft;
use crate::domain::attributes::AttributeDraft;
use crate::domain::contact_disposition::ContactDispositionDraft;
use crate::domain::data_action::{DataActionDraft, MetricsRange};
use crate::domain::interaction_disposition::DispositionDraft;
use crate::engine::{Change, DataActionChange};
use serde_json::Value;
use std::fmt;

/// The operations a line may name in its `op` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    InteractionDisposition,
    ContactDisposition,
    Attributes,
    AgentStatus,
    Deploy,
    NewVersion,
    Deprecate,
    Simulate,
    Metrics,
}

impl Op {
    pub const ALL: [Self; 9] = [
        Self::InteractionDisposition,
        Self::ContactDisposition,
        Self::Attributes,
        Self::AgentStatus,
        Self::Deploy,
        Self::NewVersion,
        Self::Deprecate,
        Self::Simulate,
        Self::Metrics,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::InteractionDisposition => "interaction_disposition",
            Self::ContactDisposition => "contact_disposition",
            Self::Attributes => "attributes",
            Self::AgentStatus => "agent_status",
            Self::Deploy => "data_action.deploy",
            Self::NewVersion => "data_action.new_version",
            Self::Deprecate => "data_action.deprecate",
            Self::Simulate => "data_action.simulate",
            Self::Metrics => "data_action.metrics",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|op| op.name() == text.trim())
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A data action named by its id, or by its name: looked up by the engine
/// when the line runs, so the line finds what earlier lines deployed.
pub use crate::engine::ActionRef;

/// One line's change, as drafts the tenant's rules are applied to. A
/// metrics line's range is already moments: a date or an age in the file
/// stands for the moment it named as the file was read, not whenever the
/// line comes to run.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    InteractionDisposition { interaction_id: String, dispositions: Vec<DispositionDraft> },
    ContactDisposition(ContactDispositionDraft),
    Attributes { interaction_id: String, rows: Vec<AttributeDraft> },
    AgentStatus(AgentStatusDraft),
    Deploy(DataActionDraft),
    NewVersion { action: ActionRef, version: String },
    Deprecate { action: ActionRef },
    Simulate { input: Value },
    Metrics { action: ActionRef, range: MetricsRange },
}

impl Entry {
    pub fn op(&self) -> Op {
        match self {
            Self::InteractionDisposition { .. } => Op::InteractionDisposition,
            Self::ContactDisposition(_) => Op::ContactDisposition,
            Self::Attributes { .. } => Op::Attributes,
            Self::AgentStatus(_) => Op::AgentStatus,
            Self::Deploy(_) => Op::Deploy,
            Self::NewVersion { .. } => Op::NewVersion,
            Self::Deprecate { .. } => Op::Deprecate,
            Self::Simulate { .. } => Op::Simulate,
            Self::Metrics { .. } => Op::Metrics,
        }
    }

    /// The data action the line names, if it names one.
    pub fn action(&self) -> Option<&ActionRef> {
        match self {
            Self::NewVersion { action, .. } | Self::Deprecate { action } | Self::Metrics { action, .. } => {
                Some(action)
            }
            _ => None,
        }
    }

    /// What the line changes, in words.
    pub fn target(&self) -> String {
        match self {
            Self::InteractionDisposition { interaction_id, .. } | Self::Attributes { interaction_id, .. } => {
                format!("interaction {}", interaction_id.trim())
            }
            Self::ContactDisposition(d) => {
                format!("contact {} in campaign {}", d.contact_id.trim(), d.campaign_id.trim())
            }
            Self::AgentStatus(d) => format!("user {}", d.user_id.trim()),
            Self::Deploy(d) => format!("new data action {} {}", d.name.trim(), d.version.trim()),
            Self::NewVersion { action, .. } | Self::Deprecate { action } | Self::Metrics { action, .. } => {
                format!("data action {action}")
            }
            Self::Simulate { .. } => "the routing handler, run locally".to_string(),
        }
    }

    /// The engine's change for a line that is not a contact disposition
    /// nor an agent status (those are gathered into batches).
    pub fn change(&self) -> Option<Change> {
        Some(match self {
            Self::InteractionDisposition { interaction_id, dispositions } => Change::InteractionDisposition {
                interaction_id: interaction_id.trim().to_string(),
                dispositions: dispositions.clone(),
                name: None,
            },
            Self::Attributes { interaction_id, rows } => {
                let interaction_id = interaction_id.trim().to_string();
                Change::Attributes { interaction_id, rows: rows.clone(), name: None }
            }
            Self::Deploy(draft) => Change::DataAction(DataActionChange::Deploy(draft.clone())),
            Self::NewVersion { action, version } => Change::DataAction(DataActionChange::NewVersion {
                action: action.clone(),
                version: version.trim().to_string(),
            }),
            Self::Deprecate { action } => {
                Change::DataAction(DataActionChange::Deprecate { action: action.clone() })
            }
            Self::Simulate { input } => {
                Change::DataAction(DataActionChange::Simulate { input: input.clone() })
            }
            Self::Metrics { action, range } => {
                Change::DataAction(DataActionChange::Metrics { action: action.clone(), range: *range })
            }
            Self::ContactDisposition(_) | Self::AgentStatus(_) => return None,
        })
    }
}

/// A line of the file and what it asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// 1-based, as an editor shows it.
    pub number: usize,
    pub entry: Entry,
}
