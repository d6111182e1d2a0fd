//! The data actions pane: what is deployed, at which version, and how it
//! has been doing lately.

use super::format;
use crate::api::model::{DataAction, RecentExecutions};
use crate::domain::data_action::HeldVersion;
use crate::ui::entity::{Column, Entity, Field, Header, Lookup, SortKey};
use crate::ui::theme::Role;
use serde_json::Value;
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
            // Last: the side pane shows them where there is room; Enter
            // shows the action whole.
            Field::maybe("Input", outline(&self.input_schema)),
            Field::maybe("Output", outline(&self.output_schema)),
        ]
    }
}

/// A schema in a line: its top-level members with their types, a required
/// one marked `*` (`interaction_id: string*, tags: array`); `None` when the
/// tenant sent no schema.
fn outline(schema: &Value) -> Option<String> {
    let members = schema.get("properties").and_then(Value::as_object);
    let Some(members) = members.filter(|m| !m.is_empty()) else {
        return schema.get("type").map(kinds);
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let outlined: Vec<String> = members
        .iter()
        .map(|(name, member)| {
            let kind = member.get("type").map_or_else(|| "any".to_string(), kinds);
            let star = if required.contains(&name.as_str()) { "*" } else { "" };
            format!("{name}: {kind}{star}")
        })
        .collect();
    Some(outlined.join(", "))
}

/// A schema's `type`: one, or several joined by `|`.
fn kinds(kind: &Value) -> String {
    match kind {
        Value::String(kind) => kind.clone(),
        Value::Array(kinds) => kinds.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("|"),
        other => other.to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_schema_reads_as_its_members_their_types_and_which_are_required() {
        let schema = json!({
            "type": "object",
            "required": ["interaction_id", "sentiment_score"],
            "properties": {
                "interaction_id": { "type": "string" },
                "sentiment_score": { "type": ["number", "null"] },
                "tags": { "type": "array" },
                "extra": {}
            }
        });
        assert_eq!(
            outline(&schema).as_deref(),
            Some("extra: any, interaction_id: string*, sentiment_score: number|null*, tags: array")
        );
        assert_eq!(outline(&json!({ "type": "object" })).as_deref(), Some("object"));
        assert_eq!(outline(&Value::Null), None);
    }
}
