//! Data action lines in a dry run: a deploy makes an action the later
//! lines can name; a new version, a deprecation and metrics are held to the
//! action their line would find when it runs (by id, or by name among the
//! tenant's actions and those the earlier lines deploy); a simulation runs
//! the handler locally.

use super::{Previewed, broken, changes, refused, unchanged};
use crate::api::ApiError;
use crate::cli::apply::entry::{ActionRef, Line};
use crate::cli::apply::report::{LineReport, Verdict};
use crate::cli::apply::targets::{ActionState, Targets};
use crate::domain::data_action::{
    ActionPatch, DEFAULT_TIMEOUT_MS, DataActionDraft, MetricsRange, PatchFit, input_schema, output_schema,
    parse_version, simulate,
};
use crate::domain::{DataActionId, FieldError, Timestamp};
use serde_json::{Value, json};

/// A deploy always creates an action; one whose name the tenant (or an
/// earlier line) already gives another is said to make a second of it.
pub(super) async fn deploy(targets: &mut Targets<'_>, line: &Line, draft: &DataActionDraft) -> Previewed {
    let name = draft.name.trim();
    let version = parse_version("version", &draft.version).ok();
    let reason = match targets.deploy(line.number, name, version).await? {
        0 => "would create a new data action".to_string(),
        held => format!(
            "would create a new data action beside the {held} already named {name}; \
             for a new version of one, use data_action.new_version"
        ),
    };
    let mut report = LineReport::new(line, Verdict::WouldApply, reason);
    report.after = Some(json!({"name": name, "version": draft.version.trim(),
        "handlerUrl": draft.handler_url.trim(), "timeoutMs": draft.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS)}));
    Ok(report)
}

/// A new version (`version` given) or a deprecation.
pub(super) async fn data_action(
    targets: &mut Targets<'_>,
    line: &Line,
    action: &ActionRef,
    version: Option<&String>,
) -> Previewed {
    let read = async {
        let patch = match version.map(|v| parse_version("version", v)).transpose() {
            Ok(Some(version)) => ActionPatch::Version(version),
            Ok(None) => ActionPatch::Deprecate,
            Err(e) => return Ok(broken(line, e)),
        };
        let held = match found(targets, action).await? {
            Ok(held) => held,
            Err(e) => return Ok(broken(line, e)),
        };
        let before = json!({"version": held.version.to_string(), "isDeprecated": held.is_deprecated});
        match patch.fit(&held.version, held.is_deprecated) {
            PatchFit::Send => {}
            PatchFit::InPlace(why) => return Ok(unchanged(line, why)),
            PatchFit::Refused(e) => return Ok(broken(line, e)),
        }
        let report = match patch {
            ActionPatch::Version(version) => {
                held.version = version.into();
                LineReport::new(line, Verdict::WouldApply, "would publish a new version")
            }
            ActionPatch::Deprecate => {
                held.is_deprecated = true;
                LineReport::new(line, Verdict::WouldApply, "would deprecate the action")
            }
        };
        let after = json!({"version": held.version.to_string(), "isDeprecated": held.is_deprecated});
        Ok(changes(report, before, after))
    };
    refused(line, read.await)
}

/// The action `action` names, as the run would find it when the line runs;
/// the broken rule when there is none, or more than one by its name.
async fn found<'t>(
    targets: &'t mut Targets<'_>,
    action: &ActionRef,
) -> Result<Result<&'t mut ActionState, FieldError>, ApiError> {
    match action {
        ActionRef::Id(raw) => match DataActionId::parse_as("id", raw) {
            Ok(id) => Ok(Ok(targets.action(&id).await?)),
            Err(e) => Ok(Err(e)),
        },
        ActionRef::Name(name) => targets.named(name).await,
    }
}

/// Metrics are read of an action the run would find; one the tenant does
/// not have is refused, as the run refuses it.
pub(super) async fn metrics(
    targets: &mut Targets<'_>,
    line: &Line,
    action: &ActionRef,
    range: MetricsRange,
) -> Previewed {
    let read = async {
        if let Err(e) = found(targets, action).await? {
            return Ok(broken(line, e));
        }
        let reason = format!("would read daily execution metrics from {} to {}", range.from(), range.to());
        Ok(LineReport::new(line, Verdict::WouldApply, reason))
    };
    refused(line, read.await)
}

pub(super) fn simulation(line: &Line, input: &Value, now: Timestamp) -> LineReport {
    let started = std::time::Instant::now();
    match simulate(input, input_schema(), output_schema(), now) {
        Ok(routing) => {
            let mut report = LineReport::new(
                line,
                Verdict::WouldApply,
                format!(
                    "routes to {} (confidence {})",
                    routing.routing_recommendation, routing.confidence_score
                ),
            );
            // As the run reports it: a script reads both alike.
            report.data = Some(routing.report(started.elapsed()));
            report
        }
        Err(e) => LineReport::new(line, Verdict::WouldReject, e.to_string()),
    }
}
