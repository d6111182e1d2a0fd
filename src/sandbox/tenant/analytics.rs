//! The analytics query of document 004: what a client may ask for, checked.

use super::clock::Stamp;
use super::executions::{HOUR, RunStatus};
use crate::domain::{Invalid, Problems};
use serde::Serialize;

const DAY: i64 = 86_400;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    Hour,
    Day,
}

impl Interval {
    pub(super) fn seconds(self) -> i64 {
        match self {
            Self::Hour => HOUR,
            Self::Day => DAY,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hour => "PT1H",
            Self::Day => "P1D",
        }
    }

    /// A bucket's name: the date for days, the hour's start for hours.
    pub(super) fn label(self, start: i64) -> String {
        let at = time::OffsetDateTime::from_unix_timestamp(start).map(Stamp::from_datetime);
        match (self, at) {
            (Self::Day, Ok(at)) => at.to_string()[..10].to_string(),
            (Self::Hour, Ok(at)) => at.to_string(),
            (_, Err(_)) => start.to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    ActionId,
    Status,
    Version,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    Count,
    AvgLatencyMs,
    ErrorRate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub dimension: Dimension,
    pub value: String,
}

/// A checked analytics query.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalyticsQuery {
    pub date_from: Stamp,
    pub date_to: Stamp,
    pub group_by_status: bool,
    pub group_by_version: bool,
    pub interval: Interval,
    pub filters: Vec<Filter>,
    pub metrics: Vec<Metric>,
}

/// One filter as sent: `{ "dimension", "operator", "value" }`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterDraft {
    pub dimension: String,
    pub operator: String,
    pub value: String,
}

impl AnalyticsQuery {
    /// Checks the query's fields; `interval` defaults to P1D, `metrics` to all three.
    pub fn parse(
        date_from: &str,
        date_to: &str,
        group_by: &[String],
        interval: Option<&str>,
        filters: &[FilterDraft],
        metrics: &[String],
    ) -> Result<Self, Invalid> {
        let mut p = Problems::new();
        let from = p.take(Stamp::parse_as("dateFrom", date_from));
        let to = p.take(Stamp::parse_as("dateTo", date_to));
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            p.push("dateTo", format!("{t} is before dateFrom {f}"));
        }
        let (mut by_status, mut by_version) = (false, false);
        for (i, g) in group_by.iter().enumerate() {
            match g.as_str() {
                "status" => by_status = true,
                "version" => by_version = true,
                other => p.push(
                    format!("groupBy[{i}]"),
                    format!("{other:?} is not a dimension; use status or version"),
                ),
            }
        }
        let interval = match interval.map(str::trim) {
            None | Some("P1D") => Some(Interval::Day),
            Some("PT1H") => Some(Interval::Hour),
            Some(other) => {
                p.push("interval", format!("{other:?} is not supported; use P1D or PT1H"));
                None
            }
        };
        let filters: Vec<Option<Filter>> = filters
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let dimension = match f.dimension.as_str() {
                    "actionId" => Some(Dimension::ActionId),
                    "status" => Some(Dimension::Status),
                    "version" => Some(Dimension::Version),
                    other => {
                        p.push(
                            format!("filters[{i}].dimension"),
                            format!("{other:?} is not a dimension; use actionId, status or version"),
                        );
                        None
                    }
                };
                if f.operator != "EQUALS" {
                    p.push(
                        format!("filters[{i}].operator"),
                        format!("{:?} is not supported; use EQUALS", f.operator),
                    );
                }
                Some(Filter { dimension: dimension?, value: f.value.clone() })
            })
            .collect();
        let mut wanted = Vec::new();
        for (i, m) in metrics.iter().enumerate() {
            match m.as_str() {
                "count" => wanted.push(Metric::Count),
                "avgLatencyMs" => wanted.push(Metric::AvgLatencyMs),
                "errorRate" => wanted.push(Metric::ErrorRate),
                other => p.push(
                    format!("metrics[{i}]"),
                    format!("{other:?} is not a metric; use count, avgLatencyMs or errorRate"),
                ),
            }
        }
        if metrics.is_empty() {
            wanted = vec![Metric::Count, Metric::AvgLatencyMs, Metric::ErrorRate];
        }
        p.finish(|| {
            Some(Self {
                date_from: from?,
                date_to: to?,
                group_by_status: by_status,
                group_by_version: by_version,
                interval: interval?,
                filters: filters.into_iter().collect::<Option<Vec<_>>>()?,
                metrics: wanted,
            })
        })
    }
}

/// One row of `data` in the analytics reply.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalyticsRow {
    pub action_id: String,
    pub date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<RunStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avg_latency_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_rate: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_queries_name_their_fields() {
        let bad = [FilterDraft { dimension: "queue".into(), operator: "LIKE".into(), value: "x".into() }];
        let err = AnalyticsQuery::parse(
            "yesterday",
            "2024-01-01T00:00:00Z",
            &["agent".into()],
            Some("P1W"),
            &bad,
            &["p99".into()],
        )
        .unwrap_err();
        for f in [
            "dateFrom",
            "groupBy[0]",
            "interval",
            "filters[0].dimension",
            "filters[0].operator",
            "metrics[0]",
        ] {
            assert!(err.mentions(f), "{f}: {err}");
        }
        let err = AnalyticsQuery::parse("2024-02-01T00:00:00Z", "2024-01-01T00:00:00Z", &[], None, &[], &[])
            .unwrap_err();
        assert!(err.mentions("dateTo"));
    }
}
