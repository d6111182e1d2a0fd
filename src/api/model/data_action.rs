//! Data actions and their execution metrics.

use crate::api::guards::ETag;
use crate::domain::data_action::{HeldVersion, MetricsRange};
use crate::domain::{DataActionId, Timestamp};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct DataAction {
    pub id: DataActionId,
    pub name: String,
    pub version: HeldVersion,
    pub is_deprecated: bool,
    pub input_schema: Value,
    pub output_schema: Value,
    pub handler_url: String,
    pub timeout_ms: u64,
    pub description: String,
    /// Every version deployed, oldest first.
    pub versions: Vec<ActionVersion>,
    /// What the action did lately; `None` when the tenant reports nothing.
    pub recent_executions: Option<RecentExecutions>,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
    /// Present when read one by one or after a write; list items carry none.
    pub etag: Option<ETag>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActionVersion {
    pub version: String,
    pub created_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RecentExecutions {
    pub count: u64,
    /// Between 0 and 1.
    pub error_rate: f64,
    pub avg_latency_ms: f64,
}

/// An analytics query over data-action executions.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricsQuery {
    date_from: Timestamp,
    date_to: Timestamp,
    action_id: Option<DataActionId>,
    group_by: Vec<String>,
    interval: String,
    metrics: Vec<String>,
}

impl MetricsQuery {
    /// The documents' query: daily counts, latency and error rate grouped
    /// by status and version, for one action or (with `None`) all of them.
    /// The range's rule is [`MetricsRange`]'s, checked where it was read.
    pub fn daily(action_id: Option<DataActionId>, range: MetricsRange) -> Self {
        Self {
            date_from: range.from(),
            date_to: range.to(),
            action_id,
            group_by: vec!["status".into(), "version".into()],
            interval: "P1D".into(),
            metrics: vec!["count".into(), "avgLatencyMs".into(), "errorRate".into()],
        }
    }

    pub fn date_from(&self) -> Timestamp {
        self.date_from
    }

    pub fn date_to(&self) -> Timestamp {
        self.date_to
    }

    pub fn action_id(&self) -> Option<&DataActionId> {
        self.action_id.as_ref()
    }

    pub fn group_by(&self) -> &[String] {
        &self.group_by
    }

    pub fn interval(&self) -> &str {
        &self.interval
    }

    pub fn metrics(&self) -> &[String] {
        &self.metrics
    }
}

/// One row of the analytics answer: one action, day, status and version.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricsRow {
    pub action_id: String,
    /// The interval's start, as the tenant labels it (`2026-11-21`).
    pub date: String,
    pub status: String,
    pub version: String,
    pub count: u64,
    pub avg_latency_ms: f64,
    pub error_rate: f64,
}
