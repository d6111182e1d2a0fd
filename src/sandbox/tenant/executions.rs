//! Data-action execution statistics and the analytics query over them.
//!
//! Runs are kept twice: the last few per action for `recentExecutions`, and
//! hourly aggregates for the analytics query, so memory stays bounded however
//! long the sandbox runs.

use super::clock::Stamp;
use crate::domain::{Invalid, Problems};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, VecDeque};

/// How many runs per action `recentExecutions` summarises.
pub const RECENT_RUNS: usize = 500;
const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    Success,
    /// The input failed the action's schema, or the handler failed.
    Error,
    /// The handler did not answer within the action's `timeoutMs`.
    Timeout,
}

impl RunStatus {
    pub const ALL: [Self; 3] = [Self::Success, Self::Error, Self::Timeout];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Error => "error",
            Self::Timeout => "timeout",
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Aggregate {
    count: u64,
    errors: u64,
    latency_ms: f64,
}

impl Aggregate {
    fn add(&mut self, other: Aggregate) {
        self.count += other.count;
        self.errors += other.errors;
        self.latency_ms += other.latency_ms;
    }

    fn avg_latency(&self) -> f64 {
        if self.count == 0 { 0.0 } else { round2(self.latency_ms / self.count as f64) }
    }

    fn error_rate(&self) -> f64 {
        if self.count == 0 { 0.0 } else { round4(self.errors as f64 / self.count as f64) }
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

type HourKey = (String, i64, RunStatus, String);

#[derive(Debug, Default)]
pub(crate) struct Executions {
    recent: HashMap<String, VecDeque<(RunStatus, f64)>>,
    hours: BTreeMap<HourKey, Aggregate>,
}

/// `recentExecutions` of a data action.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecentExecutions {
    pub count: usize,
    pub error_rate: f64,
    pub avg_latency_ms: f64,
}

impl Executions {
    pub fn record(&mut self, action_id: &str, version: &str, at: Stamp, status: RunStatus, latency_ms: f64) {
        let runs = self.recent.entry(action_id.to_string()).or_default();
        if runs.len() == RECENT_RUNS {
            runs.pop_front();
        }
        runs.push_back((status, latency_ms));
        let hour = at.datetime().unix_timestamp().div_euclid(HOUR) * HOUR;
        let agg = self.hours.entry((action_id.to_string(), hour, status, version.to_string())).or_default();
        agg.add(Aggregate { count: 1, errors: u64::from(status != RunStatus::Success), latency_ms });
    }

    pub fn recent(&self, action_id: &str) -> RecentExecutions {
        let mut agg = Aggregate::default();
        for &(status, latency_ms) in self.recent.get(action_id).into_iter().flatten() {
            agg.add(Aggregate { count: 1, errors: u64::from(status != RunStatus::Success), latency_ms });
        }
        RecentExecutions {
            count: agg.count as usize,
            error_rate: agg.error_rate(),
            avg_latency_ms: agg.avg_latency(),
        }
    }

    pub fn query(&self, q: &AnalyticsQuery) -> Vec<AnalyticsRow> {
        let from = q.date_from.datetime().unix_timestamp();
        let to = q.date_to.datetime().unix_timestamp();
        let step = q.interval.seconds();
        let mut groups: BTreeMap<(String, i64, Option<RunStatus>, Option<String>), Aggregate> =
            BTreeMap::new();
        for ((action, hour, status, version), agg) in &self.hours {
            // An hour counts when it overlaps the range: aggregates are hourly.
            if *hour + HOUR <= from || *hour > to {
                continue;
            }
            let keep = q.filters.iter().all(|f| match f.dimension {
                Dimension::ActionId => *action == f.value,
                Dimension::Status => status.as_str() == f.value,
                Dimension::Version => *version == f.value,
            });
            if !keep {
                continue;
            }
            let key = (
                action.clone(),
                hour.div_euclid(step) * step,
                q.group_by_status.then_some(*status),
                q.group_by_version.then(|| version.clone()),
            );
            groups.entry(key).or_default().add(*agg);
        }
        groups
            .into_iter()
            .map(|((action_id, start, status, version), agg)| AnalyticsRow {
                action_id,
                date: q.interval.label(start),
                status,
                version,
                count: q.metrics.contains(&Metric::Count).then_some(agg.count),
                avg_latency_ms: q.metrics.contains(&Metric::AvgLatencyMs).then(|| agg.avg_latency()),
                error_rate: q.metrics.contains(&Metric::ErrorRate).then(|| agg.error_rate()),
            })
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    Hour,
    Day,
}

impl Interval {
    fn seconds(self) -> i64 {
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
    fn label(self, start: i64) -> String {
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

    fn at(raw: &str) -> Stamp {
        Stamp::parse_as("t", raw).unwrap()
    }

    fn query(group_by: &[&str], filters: &[(&str, &str)]) -> AnalyticsQuery {
        let group_by: Vec<String> = group_by.iter().map(|s| s.to_string()).collect();
        let filters: Vec<FilterDraft> = filters
            .iter()
            .map(|(d, v)| FilterDraft {
                dimension: d.to_string(),
                operator: "EQUALS".into(),
                value: v.to_string(),
            })
            .collect();
        AnalyticsQuery::parse(
            "2026-11-20T00:00:00Z",
            "2026-11-21T23:59:59Z",
            &group_by,
            Some("P1D"),
            &filters,
            &[],
        )
        .unwrap()
    }

    fn runs() -> Executions {
        let mut e = Executions::default();
        e.record("a", "1.0.0", at("2026-11-20T10:00:00Z"), RunStatus::Success, 10.0);
        e.record("a", "1.0.0", at("2026-11-20T11:30:00Z"), RunStatus::Error, 30.0);
        e.record("a", "1.1.0", at("2026-11-21T09:00:00Z"), RunStatus::Success, 20.0);
        e.record("b", "2.0.0", at("2026-11-21T09:00:00Z"), RunStatus::Timeout, 800.0);
        e.record("a", "1.1.0", at("2026-11-25T09:00:00Z"), RunStatus::Success, 20.0);
        e
    }

    #[test]
    fn days_aggregate_and_filters_narrow() {
        let rows = runs().query(&query(&[], &[("actionId", "a")]));
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[0].date, "2026-11-20");
        assert_eq!(
            (rows[0].count, rows[0].error_rate, rows[0].avg_latency_ms),
            (Some(2), Some(0.5), Some(20.0))
        );
        assert_eq!(rows[1].count, Some(1), "the run outside the range is left out");
    }

    #[test]
    fn grouping_splits_by_status_and_version() {
        let rows = runs().query(&query(&["status", "version"], &[("actionId", "a")]));
        let keys: Vec<_> = rows.iter().map(|r| (r.date.as_str(), r.status, r.version.as_deref())).collect();
        assert_eq!(
            keys,
            [
                ("2026-11-20", Some(RunStatus::Success), Some("1.0.0")),
                ("2026-11-20", Some(RunStatus::Error), Some("1.0.0")),
                ("2026-11-21", Some(RunStatus::Success), Some("1.1.0")),
            ]
        );
    }

    #[test]
    fn recent_runs_are_bounded() {
        let mut e = Executions::default();
        for i in 0..(RECENT_RUNS + 10) {
            let status = if i < 10 { RunStatus::Error } else { RunStatus::Success };
            e.record("a", "1.0.0", at("2026-11-20T10:00:00Z"), status, 40.0);
        }
        let r = e.recent("a");
        assert_eq!((r.count, r.error_rate, r.avg_latency_ms), (RECENT_RUNS, 0.0, 40.0));
        assert_eq!(e.recent("none").count, 0);
    }

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
