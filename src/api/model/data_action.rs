//! Data actions and their execution metrics.

use crate::api::guards::ETag;
use crate::domain::data_action::HeldVersion;
use crate::domain::{DataActionId, FieldError, Timestamp};
use serde_json::Value;
use std::cmp::Ordering;

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
    pub fn daily(
        action_id: Option<DataActionId>,
        date_from: Timestamp,
        date_to: Timestamp,
    ) -> Result<Self, FieldError> {
        // A range that ends where it starts holds no execution: refused,
        // rather than answered with rows that read as an action never run.
        // Shown to the second, unless both fall in the same one: "10:00:00Z
        // is before 10:00:00Z" would say nothing.
        let (to, from) = match (date_to.to_the_second(), date_from.to_the_second()) {
            (to, from) if to == from => (date_to, date_from),
            shown => shown,
        };
        let rule = match date_to.cmp(&date_from) {
            Ordering::Greater => None,
            Ordering::Equal => Some(format!(
                "{to} is where the range starts too: a range must end after it starts, or it holds nothing"
            )),
            Ordering::Less => Some(format!("{to} is before {from}, where the range starts")),
        };
        if let Some(rule) = rule {
            return Err(FieldError::new("dateTo", rule));
        }
        Ok(Self {
            date_from,
            date_to,
            action_id,
            group_by: vec!["status".into(), "version".into()],
            interval: "P1D".into(),
            metrics: vec!["count".into(), "avgLatencyMs".into(), "errorRate".into()],
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn at(raw: &str) -> Timestamp {
        Timestamp::parse_as("t", raw).unwrap()
    }

    #[test]
    fn a_backwards_range_is_refused_by_name() {
        let err =
            MetricsQuery::daily(None, at("2026-11-21T00:00:00Z"), at("2026-11-20T00:00:00Z")).unwrap_err();
        assert_eq!(err.field, "dateTo");
        let empty =
            MetricsQuery::daily(None, at("2026-11-20T00:00:00Z"), at("2026-11-20T00:00:00Z")).unwrap_err();
        assert_eq!(empty.field, "dateTo");
        assert!(empty.rule.contains("a range must end after it starts"), "{}", empty.rule);
        assert!(MetricsQuery::daily(None, at("2026-11-20T00:00:00Z"), at("2026-11-20T00:00:01Z")).is_ok());
    }

    #[test]
    fn ends_in_one_second_are_told_apart_by_their_fractions() {
        let err = MetricsQuery::daily(None, at("2026-11-20T10:00:00.750Z"), at("2026-11-20T10:00:00.250Z"))
            .unwrap_err();
        assert!(err.rule.contains(".25") && err.rule.contains(".75"), "{}", err.rule);
        let apart = MetricsQuery::daily(None, at("2026-11-20T10:00:05.750Z"), at("2026-11-20T10:00:00.250Z"))
            .unwrap_err();
        assert!(!apart.rule.contains(".25"), "whole seconds are enough here: {}", apart.rule);
    }
}
