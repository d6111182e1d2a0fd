//! Data-action execution statistics, and the analytics query's arithmetic.
//!
//! Runs are kept twice: the last few per action for `recentExecutions`, and
//! hourly aggregates for the analytics query, so memory stays bounded however
//! long the sandbox runs.

use super::analytics::{AnalyticsQuery, AnalyticsRow, Dimension, Metric};
use super::clock::Stamp;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, VecDeque};

/// How many runs per action `recentExecutions` summarises.
pub const RECENT_RUNS: usize = 500;
pub(super) const HOUR: i64 = 3_600;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::tenant::analytics::FilterDraft;

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
}
