//! Data-action execution statistics, and the analytics query's arithmetic.
//!
//! Runs are kept three ways: the last few per action for `recentExecutions`;
//! the most recent ones at their moment, so that a query counts exactly the
//! runs its range holds; and older ones as hourly sums, so memory stays
//! bounded however long the sandbox runs.

use super::analytics::{AnalyticsQuery, AnalyticsRow, Dimension, Metric};
use super::clock::Stamp;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, VecDeque};

/// How many runs per action `recentExecutions` summarises.
pub const RECENT_RUNS: usize = 500;
pub(super) const HOUR: i64 = 3_600;
const MICROS: i64 = 1_000_000;
/// Runs kept at their moment, counted as (moment, action, status, version)
/// groups of about 50 bytes each: some 10 MB at most, and about a day of
/// the seeded actions' runs at the default tick of a second (two groups a
/// step). Older runs are folded into their hour.
const MOMENTS: usize = 200_000;

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

/// What runs are counted by: the action, how the run ended, the version.
type Group = (String, RunStatus, String);

#[derive(Debug)]
pub(crate) struct Executions {
    recent: HashMap<String, VecDeque<(RunStatus, f64)>>,
    /// Each group once, so that a kept run costs a number, not its strings.
    groups: Vec<Group>,
    group_ids: HashMap<Group, u32>,
    /// Runs by their moment (microseconds since the epoch) and group.
    moments: BTreeMap<(i64, u32), Aggregate>,
    /// Runs older than those in `moments`, by the start of their hour.
    hours: BTreeMap<(i64, u32), Aggregate>,
    /// How many entries `moments` holds before its oldest are folded.
    keep: usize,
}

impl Default for Executions {
    fn default() -> Self {
        Self::keeping(MOMENTS)
    }
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
    fn keeping(keep: usize) -> Self {
        Self {
            recent: HashMap::new(),
            groups: Vec::new(),
            group_ids: HashMap::new(),
            moments: BTreeMap::new(),
            hours: BTreeMap::new(),
            keep,
        }
    }

    pub fn record(&mut self, action_id: &str, version: &str, at: Stamp, status: RunStatus, latency_ms: f64) {
        let runs = self.recent.entry(action_id.to_string()).or_default();
        if runs.len() == RECENT_RUNS {
            runs.pop_front();
        }
        runs.push_back((status, latency_ms));
        let group = (action_id.to_string(), status, version.to_string());
        let id = match self.group_ids.get(&group) {
            Some(&id) => id,
            None => {
                let id = u32::try_from(self.groups.len()).unwrap_or(u32::MAX);
                self.groups.push(group.clone());
                self.group_ids.insert(group, id);
                id
            }
        };
        let run = Aggregate { count: 1, errors: u64::from(status != RunStatus::Success), latency_ms };
        self.moments.entry((micros(at), id)).or_default().add(run);
        while self.moments.len() > self.keep {
            let Some(((at, id), sum)) = self.moments.pop_first() else { break };
            let hour = at.div_euclid(HOUR * MICROS) * HOUR * MICROS;
            self.hours.entry((hour, id)).or_default().add(sum);
        }
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

    /// The runs with `dateFrom` ≤ moment ≤ `dateTo`. A run kept at its
    /// moment counts when the range holds the moment; one folded into its
    /// hour, when the range holds the whole hour, since where in the hour
    /// it ran is no longer known: a range over older runs is exact when its
    /// ends fall on the hour (a date's midnight, or the end of its day), and
    /// otherwise leaves out the part-hours at its ends, but never counts a
    /// run outside it.
    pub fn query(&self, q: &AnalyticsQuery) -> Vec<AnalyticsRow> {
        let (from, to) = (micros(q.date_from), micros(q.date_to));
        let at_their_moment = self.moments.range((from, 0)..=(to, u32::MAX));
        let by_the_hour =
            self.hours.range((from, 0)..).take_while(|((hour, _), _)| hour + HOUR * MICROS - 1 <= to);
        let step = q.interval.seconds();
        let mut groups: BTreeMap<(String, i64, Option<RunStatus>, Option<String>), Aggregate> =
            BTreeMap::new();
        for (&(at, id), agg) in at_their_moment.chain(by_the_hour) {
            let Some((action, status, version)) = self.groups.get(id as usize) else { continue };
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
                at.div_euclid(MICROS).div_euclid(step) * step,
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

/// Microseconds since the epoch: a stamp's whole precision.
fn micros(at: Stamp) -> i64 {
    i64::try_from(at.datetime().unix_timestamp_nanos() / 1_000).unwrap_or(i64::MAX)
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

    /// Every run from `from` to `to`, whatever its action or day.
    fn counted(e: &Executions, from: &str, to: &str) -> u64 {
        let q = AnalyticsQuery::parse(from, to, &[], Some("PT1H"), &[], &[]).unwrap();
        e.query(&q).iter().filter_map(|row| row.count).sum()
    }

    #[test]
    fn a_range_counts_exactly_the_runs_it_holds() {
        let mut e = Executions::default();
        e.record("a", "1.0.0", at("2026-11-24T02:00:05.25Z"), RunStatus::Success, 10.0);
        e.record("b", "1.0.0", at("2026-11-24T02:00:05.25Z"), RunStatus::Success, 10.0);
        e.record("a", "1.0.0", at("2026-11-24T02:00:06Z"), RunStatus::Error, 10.0);
        assert_eq!(counted(&e, "2026-11-24T02:00:00Z", "2026-11-24T02:00:01Z"), 0, "ends before them");
        assert_eq!(counted(&e, "2026-11-24T02:00:06.000001Z", "2026-11-24T02:00:36Z"), 0, "starts after");
        assert_eq!(counted(&e, "2026-11-24T02:00:05.25Z", "2026-11-24T02:00:06Z"), 3, "both ends are in");
        assert_eq!(counted(&e, "2026-11-24T02:00:05.250001Z", "2026-11-24T02:00:06Z"), 1);
        assert_eq!(counted(&e, "2026-11-24T00:00:00Z", "2026-11-24T02:00:05.25Z"), 2);
    }

    /// Past the moments kept, runs are folded into their hour, which counts
    /// only when the range holds all of it: never a run outside the range.
    #[test]
    fn older_runs_count_by_whole_hours() {
        let mut e = Executions::keeping(2);
        for t in ["10:15", "10:45", "11:10", "11:20", "11:30"] {
            e.record("a", "1.0.0", at(&format!("2026-11-24T{t}:00Z")), RunStatus::Success, 10.0);
        }
        assert_eq!((e.moments.len(), e.hours.len()), (2, 2), "the oldest three are folded");
        assert_eq!(counted(&e, "2026-11-24T10:00:00Z", "2026-11-24T11:59:59.999999Z"), 5);
        assert_eq!(counted(&e, "2026-11-24T11:00:00Z", "2026-11-24T12:00:00Z"), 3);
        // 11:10 is folded and before the range, 11:20 and 11:30 are kept and in it.
        assert_eq!(counted(&e, "2026-11-24T11:15:00Z", "2026-11-24T12:00:00Z"), 2);
        assert_eq!(counted(&e, "2026-11-24T09:00:00Z", "2026-11-24T10:59:59Z"), 0, "a part-hour is left out");
        assert_eq!(counted(&e, "2026-11-24T11:31:00Z", "2026-11-24T12:00:00Z"), 0);
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
