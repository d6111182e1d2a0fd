//! Data action forms: simulate an input (nothing is sent), deploy an action,
//! give one a new version, deprecate one, read its execution metrics.

use super::{Check, Field, Form, Kind, Outgoing, Plan, PlanLine};
use crate::api::model::DataAction;
use crate::domain::Timestamp;
use crate::domain::data_action::{
    ActionPatch, DEFAULT_TIMEOUT_MS, DataActionDefinition, DataActionDraft, HeldVersion, MetricsRange,
    PatchFit, check_new_version, input_schema, output_schema, parse_timeout, parse_version, sample_input,
};
use crate::domain::strict_json;
use crate::engine::{ActionRef, DataActionChange};

/// How far back the metrics form looks by default.
const METRICS_DAYS: i64 = 7;

/// The version a new action starts at.
const FIRST_VERSION: &str = "1.0.0";

/// The simulation runs the routing handler the console ships (the
/// documents'), whichever action is selected: the title says so, naming
/// the selected one it is not.
pub(super) fn open_simulate(selected: Option<&str>, last: Option<&str>) -> Form {
    let field = match last {
        Some(last) => Field::text("input", "Input (JSON)", last, "the payload simulated last; edit it"),
        None => {
            let sample = serde_json::to_string(&sample_input()).unwrap_or_default();
            Field::text("input", "Input (JSON)", &sample, "the documents' sample; edit it")
        }
    };
    let fields = vec![field.wrapping()];
    let title = match selected {
        Some(name) => format!("Simulate · the shipped routing handler, locally — not {name}"),
        None => "Simulate · the shipped routing handler, locally".to_string(),
    };
    Form::new(Kind::Simulate, title, fields)
}

pub(super) fn check_simulate(fields: &[Field]) -> Check {
    let mut check = Check::default();
    let text = fields.first().map(Field::value).unwrap_or_default();
    // Nothing typed is a missing input, not a document cut short.
    if text.trim().is_empty() {
        check.note("input", "is required");
        return check;
    }
    // As strict as a change file: a key named twice or a number that would
    // be read as another is refused, not resolved silently.
    match strict_json::parse_document(&text) {
        Ok(input) => {
            if let Err(invalid) = input_schema().check("input", &input) {
                // One field holds the whole document: each problem names
                // the place in it (`sentiment_score`, `tags[0]`).
                for e in invalid.errors() {
                    match e.field.strip_prefix("input.") {
                        Some(place) => check.note("input", format!("{place}: {}", e.rule)),
                        None => check.note("input", e.rule.clone()),
                    }
                }
            }
            check.finish(|| {
                let change = DataActionChange::Simulate { input };
                Plan::new("Simulate?".into(), "Simulation".into(), Vec::new(), Outgoing::DataAction(change))
            })
        }
        Err(e) => {
            // A fault of one member names it within the document.
            let rule = if e.field == "line" { e.rule } else { format!("{}: {}", e.field, e.rule) };
            check.note("input", rule);
            check
        }
    }
}

/// A new action starts blank but for the defaults a new action takes: a
/// name or description carried over from another action (the documents'
/// example is one the tenant already runs) would go out unnoticed.
pub(super) fn open_deploy(deployed: Vec<DataAction>) -> Form {
    let fields = vec![
        Field::text("name", "Name", "", "a letter, then letters, digits, _ - ."),
        Field::text("version", "Version", FIRST_VERSION, "MAJOR.MINOR.PATCH"),
        Field::text("handlerUrl", "Handler URL", "", "https://… (plain http only to this machine)"),
        Field::text("timeoutMs", "Timeout (ms)", &DEFAULT_TIMEOUT_MS.to_string(), "100 to 30000"),
        Field::text("description", "Description", "", "optional"),
    ];
    Form::new(
        Kind::Deploy(deployed),
        "Deploy a data action · with the shipped input and output schemas",
        fields,
    )
}

pub(super) fn check_deploy(fields: &mut [Field], deployed: &[DataAction]) -> Check {
    let value = |i: usize| fields.get(i).map(Field::value).unwrap_or_default();
    let mut check = Check::default();
    let timeout_ms = parse_timeout(&value(3)).map_err(|e| check.note(e.field, e.rule)).ok().flatten();
    let draft = DataActionDraft {
        name: value(0),
        version: value(1),
        input_schema: input_schema().document().clone(),
        output_schema: output_schema().document().clone(),
        handler_url: value(2),
        timeout_ms,
        description: value(4),
    };
    let definition = match DataActionDefinition::validate(&draft) {
        Ok(definition) => Some(definition),
        Err(invalid) => {
            check.note_all(&invalid);
            None
        }
    };
    let name = draft.name.trim().to_owned();
    // The tenant takes a second action of the same name; a supervisor
    // more likely meant a new version of the first.
    let namesake = deployed.iter().find(|a| a.name.eq_ignore_ascii_case(&name));
    // Said beside the name as it is typed, not first on the confirmation;
    // a warning, not a refusal, since the tenant takes the second one.
    if let Some(field) = fields.first_mut() {
        (field.aside, field.aside_short) = match namesake {
            Some(a) => (
                format!(
                    "already deployed ({}{}): this adds a second action of that name; for a new version, use v on \
                     its row",
                    a.version,
                    if a.is_deprecated { ", deprecated" } else { "" }
                ),
                // Cut short it would hide what to do instead: it goes on
                // its own line under the name where it does not fit beside it.
                String::new(),
            ),
            None => (String::new(), String::new()),
        };
    }
    // The description goes out with the action: the review says it, as it
    // is stored (trimmed), or that there is none.
    let described = definition.as_ref().map(|d| match d.description.as_str() {
        "" => "no description".to_string(),
        text => format!("description: \"{text}\""),
    });
    check.finish(|| {
        let line = definition.map(|d| PlanLine {
            entity: d.name.clone(),
            before: match namesake {
                Some(_) => "(a second action of this name)".into(),
                None => "not deployed".into(),
            },
            after: format!("{} at {} (timeout {} ms)", d.version, d.handler_url, d.timeout_ms),
            note: None,
        });
        let title = format!("Deploy {name} {}?", draft.version.trim());
        let label = format!("deploy {name}");
        let mut plan =
            Plan::new(title, label, line.into_iter().collect(), Outgoing::DataAction(DataActionChange::Deploy(draft)));
        if let Some(described) = described {
            plan = plan.also(described);
        }
        match namesake {
            Some(namesake) => plan.warn(format!(
                "{} is already deployed ({}{}): this adds a second action of that name. For a new version of it, \
                 use v on its row instead.",
                namesake.name,
                namesake.version,
                if namesake.is_deprecated { ", deprecated" } else { "" }
            )),
            None => plan,
        }
    })
}

pub(super) fn open_version(action: DataAction) -> Form {
    let next = action.version.next_patch().map(|v| v.to_string()).unwrap_or_default();
    let title = version_title(&action);
    let hint = match action.version {
        HeldVersion::Semantic(_) => "greater than the current one",
        HeldVersion::Text(_) => "a semantic version, e.g. 1.0.0",
    };
    let fields = vec![Field::text("version", "Version", &next, hint)];
    Form::new(Kind::NewVersion(Box::new(action)), title, fields)
}

pub(super) fn version_title(action: &DataAction) -> String {
    format!("New version · {} (now {})", action.name, action.version)
}

pub(super) fn check_version(fields: &[Field], action: &DataAction) -> Check {
    let raw = fields.first().map(Field::value).unwrap_or_default();
    let mut check = Check::default();
    // The version the action has already: nothing to send, in the words a
    // change file's line gets for it (`apply` skips such a line).
    let in_place = parse_version("version", &raw).ok().and_then(|v| {
        match ActionPatch::Version(v).fit(&action.version, action.is_deprecated) {
            PatchFit::InPlace(why) if !action.is_deprecated => Some(why),
            _ => None,
        }
    });
    let next = match (check_new_version(&action.version, action.is_deprecated, &raw), in_place) {
        (Ok(next), _) => Some(next),
        (Err(_), Some(why)) => {
            check.note("version", format!("{why}; there is nothing to send"));
            None
        }
        // Said at once, over the form: no version typed mends it.
        (Err(_), None) if action.is_deprecated => {
            let rule = format!(
                "{} is deprecated; deploy a new action instead of versioning this one",
                named(action)
            );
            check.note("", rule);
            None
        }
        (Err(e), None) => {
            check.note(e.field, e.rule);
            None
        }
    };
    check.finish(|| {
        let version = next.map(|v| v.to_string()).unwrap_or_default();
        let line = PlanLine {
            entity: named(action),
            before: action.version.to_string(),
            after: version.clone(),
            note: None,
        };
        let change = DataActionChange::NewVersion {
            action: ActionRef::Id(action.id.to_string()),
            version: version.clone(),
        };
        Plan::new(
            format!("Move {} to version {version}?", action.name),
            format!("version {version}"),
            vec![line],
            Outgoing::DataAction(change),
        )
    })
}

pub(super) fn open_deprecate(action: DataAction) -> Form {
    let title = format!("Deprecate · {}", action.name);
    Form::new(Kind::Deprecate(Box::new(action)), title, Vec::new())
}

pub(super) fn check_deprecate(action: &DataAction) -> Check {
    let mut check = Check::default();
    if action.is_deprecated {
        check.note("", format!("{} is already deprecated", named(action)));
    }
    check.finish(|| {
        let line =
            PlanLine { entity: named(action), before: "live".into(), after: "deprecated".into(), note: None };
        let change = DataActionChange::Deprecate { action: ActionRef::Id(action.id.to_string()) };
        Plan::new(
            format!("Deprecate {}?", action.name),
            "deprecation".into(),
            vec![line],
            Outgoing::DataAction(change),
        )
        .warn("Deprecating is final: a deprecated action takes no new version; deploy a new action instead.")
    })
}

pub(super) fn open_metrics(action: DataAction, now: Timestamp) -> Form {
    let to = now.datetime().replace_nanosecond(0).unwrap_or(now.datetime());
    let from = to - time::Duration::days(METRICS_DAYS);
    let text = |t: time::OffsetDateTime| Timestamp::from_datetime(t).to_string();
    let title = format!("Metrics · {}", action.name);
    let fields = vec![
        // As `audit export --since` takes it: one parser reads both.
        Field::text(
            "from",
            "From",
            &text(from),
            "RFC 3339 with an offset, a date (2026-11-14, UTC midnight) or an age (8h, 7d)",
        ),
        Field::text(
            "to",
            "To",
            &text(to),
            "as From: a moment, a date (through its end, UTC) or an age (30m)",
        ),
    ];
    Form::new(Kind::Metrics(Box::new(action)), title, fields)
}

/// `now` reads a From or To given as an age or a date; what is sent is the
/// moment each stands for, so the engine and the audit log see timestamps.
pub(super) fn check_metrics(fields: &[Field], action: &DataAction, now: Timestamp) -> Check {
    let value = |i: usize| fields.get(i).map(Field::value).unwrap_or_default();
    let mut check = Check::default();
    match MetricsRange::read(["from", "to"], &value(0), &value(1), now) {
        Ok(range) => check.finish(|| {
            let change = DataActionChange::Metrics { action: ActionRef::Id(action.id.to_string()), range };
            let label = format!("metrics of {}", action.name);
            Plan::new("Read metrics?".into(), label, Vec::new(), Outgoing::DataAction(change))
        }),
        Err(invalid) => {
            check.note_all(&invalid);
            check
        }
    }
}

fn named(action: &DataAction) -> String {
    format!("{} ({})", action.name, action.id)
}
