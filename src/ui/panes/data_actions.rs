//! The data actions pane: what is deployed, at which version, and how it
//! has been doing lately.

use super::format;
use crate::api::model::{DataAction, RecentExecutions};
use crate::domain::data_action::HeldVersion;
use crate::ui::entity::{Column, Entity, Field, Header, Lookup, SortKey};
use crate::ui::theme::Role;
use std::borrow::Cow;

/// Error rates from here on are worth a look, and from here on a problem.
pub const ERROR_RATE_WARN: f64 = 0.01;
pub const ERROR_RATE_BAD: f64 = 0.05;

static COLUMNS: [Column<DataAction>; 6] = [
    Column {
        title: Header::new("Name"),
        letter: 'N',
        width: 24,
        min: 12,
        drop: 0,
        right: false,
        live: false,
        text: |a, _| Cow::Borrowed(&a.name),
        role: |a, _| if a.is_deprecated { Role::Muted } else { Role::Text },
        sort: |a, _| SortKey::text(&a.name),
    },
    Column {
        title: Header::new("Version"),
        letter: 'V',
        width: 8,
        min: 7,
        drop: 0,
        right: false,
        live: false,
        text: |a, _| Cow::Owned(a.version.to_string()),
        role: |_, _| Role::Text,
        // Semantic versions in their order, then any other text.
        sort: |a, _| match &a.version {
            HeldVersion::Semantic(v) => {
                SortKey::Text(format!("0 {:010}.{:010}.{:010}", v.major, v.minor, v.patch))
            }
            HeldVersion::Text(text) => SortKey::Text(format!("1 {}", text.to_lowercase())),
        },
    },
    Column {
        title: Header::new("State"),
        letter: 'S',
        width: 10,
        min: 10,
        drop: 1,
        right: false,
        live: false,
        text: |a, _| Cow::Borrowed(if a.is_deprecated { "deprecated" } else { "live" }),
        role: |a, _| if a.is_deprecated { Role::Warn } else { Role::Ok },
        sort: |a, _| SortKey::Int(i64::from(a.is_deprecated)),
    },
    Column {
        title: Header::new("Runs"),
        letter: 'R',
        width: 7,
        min: 5,
        drop: 0,
        right: true,
        live: false,
        text: |a, _| Cow::Owned(a.recent_executions.map_or_else(|| "—".into(), |e| format::count(e.count))),
        role: |a, _| if a.recent_executions.is_some() { Role::Text } else { Role::Muted },
        sort: |a, _| {
            a.recent_executions
                .map_or(SortKey::Missing, |e| SortKey::Int(i64::try_from(e.count).unwrap_or(i64::MAX)))
        },
    },
    Column {
        title: Header::new("Errors"),
        letter: 'E',
        width: 7,
        min: 6,
        drop: 1,
        right: true,
        live: false,
        text: |a, _| Cow::Owned(ran(a).map_or_else(|| "—".into(), |e| format::percent(e.error_rate))),
        role: |a, _| ran(a).map_or(Role::Muted, |e| error_role(e.error_rate)),
        sort: |a, _| ran(a).map_or(SortKey::Missing, |e| SortKey::Int((e.error_rate * 1e6) as i64)),
    },
    Column {
        title: Header::new("Latency"),
        letter: 'L',
        width: 8,
        min: 7,
        drop: 2,
        right: true,
        live: false,
        text: |a, _| Cow::Owned(ran(a).map_or_else(|| "—".into(), latency)),
        role: |a, _| if ran(a).is_some() { Role::Text } else { Role::Muted },
        sort: |a, _| ran(a).map_or(SortKey::Missing, |e| SortKey::Int((e.avg_latency_ms * 1000.0) as i64)),
    },
];

impl Entity for DataAction {
    const NOUN: &'static str = "data action";

    fn id(&self) -> &str {
        self.id.as_str()
    }

    fn columns() -> &'static [Column<Self>] {
        &COLUMNS
    }

    fn detail(&self, lookup: &Lookup<'_>) -> Vec<Field> {
        let versions: Vec<&str> = self.versions.iter().map(|v| v.version.as_str()).collect();
        let runs = self.recent_executions.map(|e| match e.count {
            0 => "no runs".to_string(),
            _ => format!(
                "{} runs, {} errors, {} average",
                format::count(e.count),
                format::percent(e.error_rate),
                latency(e)
            ),
        });
        let runs_role = ran(self).map_or(Role::Muted, |e| error_role(e.error_rate));
        vec![
            Field::new("Name", &self.name),
            Field::new("Id", self.id.to_string()),
            Field::new("Version", self.version.to_string()),
            Field::new("Versions", versions.join(", ")),
            Field::with_role(
                "State",
                if self.is_deprecated { "deprecated" } else { "live" },
                if self.is_deprecated { Role::Warn } else { Role::Ok },
            ),
            Field::maybe("Description", (!self.description.is_empty()).then_some(&self.description)),
            Field::new("Handler", &self.handler_url),
            Field::new("Timeout", format!("{} ms", self.timeout_ms)),
            match runs {
                Some(text) => Field::with_role("Recently", text, runs_role),
                None => Field::maybe("Recently", None::<String>),
            },
            Field::maybe("Updated", self.updated_at.map(|t| format::moment(t, lookup.now))),
        ]
    }
}

pub fn error_role(rate: f64) -> Role {
    if rate >= ERROR_RATE_BAD {
        Role::Error
    } else if rate >= ERROR_RATE_WARN {
        Role::Warn
    } else {
        Role::Ok
    }
}

/// The recent executions, if there were any: an error rate or a latency
/// of no runs means nothing.
fn ran(a: &DataAction) -> Option<RecentExecutions> {
    a.recent_executions.filter(|e| e.count > 0)
}

fn latency(e: RecentExecutions) -> String {
    format::micros((e.avg_latency_ms * 1000.0).max(0.0) as u64)
}
