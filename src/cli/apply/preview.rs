//! A dry run: every line held against its target (a closed interaction, an
//! agent's roles and shift, a contact's dialer state) as the run would find
//! it, with what it would change, before → after, or why it would be left
//! alone. Only reads are sent.

use super::batch::Batch;
use super::entry::{Entry, Line};
use super::local;
use super::progress::Progress;
use super::report::{LineReport, Verdict};
use super::targets::Targets;
use crate::api::model::UserStatus;
use crate::api::{ApiError, ApiErrorKind, Client};
use crate::domain::agent_status::{AgentStatusDraft, role_fit, shift_fit};
use crate::domain::attributes::{AttributeDraft, AttributeMode, AttributeUpdate, Refusal, held_values, plan};
use crate::domain::interaction_disposition::{Disposition, DispositionDraft, closed};
use crate::domain::{FieldError, Invalid, Timestamp};
use crate::engine::SkipKey;
use crate::engine::{agent_state, state_after};
use serde_json::{Map, Value, json};
use std::collections::HashSet;

mod actions;
mod contacts;

use actions::{data_action, deploy, metrics, simulation};
use contacts::ContactCache;

type Previewed = Result<LineReport, ApiError>;

/// What earlier runs of the same file did with its lines, by index.
#[derive(Debug, Default)]
pub(crate) struct EarlierLines {
    /// Applied, or found already so: the run skips them without a request.
    pub done: HashSet<usize>,
    /// Those of `done` that wrote their change.
    pub wrote: HashSet<usize>,
    /// Sent with no outcome saying done (a crash, say): start-up reads their
    /// targets back to settle them.
    pub sent: HashSet<usize>,
}

/// What every line would do. Fails only when the tenant cannot be read (no
/// answer, a token refused, a 5xx past the retries): a refusal of one
/// target's read is that line's.
pub(crate) async fn preview(
    client: &Client,
    batch: &Batch,
    earlier: &EarlierLines,
    now: Timestamp,
    progress: &mut Progress,
) -> Result<Vec<LineReport>, ApiError> {
    let done_before = &earlier.done;
    let mut contacts = ContactCache::read(client, batch, earlier).await?;
    let mut targets = Targets::new(client);
    let mut reports = Vec::with_capacity(batch.lines.len());
    for (index, line) in batch.lines.iter().enumerate() {
        let report = match &line.entry {
            _ if done_before.contains(&index) => Ok(earlier_run(line)),
            Entry::InteractionDisposition { interaction_id, dispositions } => {
                interaction(&mut targets, line, interaction_id, dispositions, now).await
            }
            Entry::ContactDisposition(draft) => contacts.preview(client, index, line, draft).await,
            Entry::Attributes { interaction_id, rows } => {
                attributes(&mut targets, line, interaction_id, rows).await
            }
            Entry::AgentStatus(draft) => agent(&mut targets, line, draft, now).await,
            Entry::Deploy(draft) => deploy(&mut targets, line, draft).await,
            Entry::NewVersion { action, version } => {
                data_action(&mut targets, line, action, Some(version)).await
            }
            Entry::Deprecate { action } => data_action(&mut targets, line, action, None).await,
            Entry::Simulate { input } => Ok(simulation(line, input, now)),
            Entry::Metrics { action, range } => metrics(&mut targets, line, action, *range).await,
        }?;
        progress.tick(report.outcome);
        reports.push(report);
    }
    Ok(reports)
}

/// A target the tenant does not have, will not show this client (403) or
/// refuses to read as asked (400) is a refusal of the line, as the run would
/// meet it; any other failure to read stops the dry run, which could read
/// nothing more.
fn refused(line: &Line, result: Result<LineReport, ApiError>) -> Previewed {
    match result {
        Err(ApiError {
            kind:
                kind @ (ApiErrorKind::NotFound { .. }
                | ApiErrorKind::Forbidden { .. }
                | ApiErrorKind::BadRequest { .. }),
            ..
        }) => Ok(LineReport::new(line, Verdict::WouldReject, kind.to_string())),
        other => other,
    }
}

fn broken(line: &Line, error: FieldError) -> LineReport {
    refusal(line, error.to_string())
}

/// A refusal once the target was read, said of it as the run would say it.
fn refusal(line: &Line, reason: String) -> LineReport {
    LineReport::new(line, Verdict::WouldReject, reason)
}

fn changes(mut report: LineReport, before: Value, after: Value) -> LineReport {
    report.before = Some(before);
    report.after = Some(after);
    report
}

/// A line the run would leave alone, its target holding the change already.
fn unchanged(line: &Line, why: String) -> LineReport {
    let mut report = LineReport::new(line, Verdict::WouldSkip, format!("{why}; nothing would be sent"));
    report.key = Some(SkipKey::Unchanged);
    report
}

/// A line an earlier run of this file applied, as the audit log says.
fn earlier_run(line: &Line) -> LineReport {
    let reason =
        "done by an earlier run (applied, or found already so; see the audit log); nothing would be sent";
    let mut report = LineReport::new(line, Verdict::WouldSkip, reason);
    report.key = Some(SkipKey::EarlierRun);
    report
}

/// An invalid line the rules let through: said, never unwrapped.
fn invalid(line: &Line, invalid: Invalid) -> LineReport {
    refusal(line, invalid.to_string())
}

async fn interaction(
    targets: &mut Targets<'_>,
    line: &Line,
    id: &str,
    drafts: &[DispositionDraft],
    now: Timestamp,
) -> Previewed {
    let read = async {
        let change = match local::interaction_disposition(id, drafts, now) {
            Ok(change) => change,
            Err(e) => return Ok(invalid(line, e)),
        };
        let found = targets.interaction(&change.interaction_id).await?;
        if let Err(reason) = closed(format_args!("interaction {}", found.named()), &found.status) {
            return Ok(refusal(line, reason));
        }
        if change.held_by(&found.dispositions) {
            return Ok(unchanged(line, change.already(found.named())));
        }
        let codes = |list: &[Disposition]| list.iter().map(|d| d.code.clone()).collect::<Vec<_>>();
        let (before, after) = (codes(&found.dispositions), codes(&change.dispositions));
        found.dispositions = change.dispositions;
        let report =
            LineReport::new(line, Verdict::WouldApply, "would replace the interaction's dispositions");
        Ok(changes(report, json!({"dispositions": before}), json!({"dispositions": after})))
    };
    refused(line, read.await)
}

async fn attributes(targets: &mut Targets<'_>, line: &Line, id: &str, rows: &[AttributeDraft]) -> Previewed {
    let read = async {
        let update = match AttributeUpdate::validate(id, rows) {
            Ok(update) => update,
            Err(e) => return Ok(invalid(line, e)),
        };
        let held = targets.attributes(&update.interaction_id).await?;
        let values = held_values(held);
        match plan(&update.entries, |key| values.get(key), held.len()) {
            Ok(changes) if changes.is_empty() => {
                return Ok(unchanged(line, "the interaction holds these attributes already".into()));
            }
            Ok(_) => {}
            Err(Refusal::Conflict(conflicts)) => {
                return Ok(LineReport::new(line, Verdict::WouldConflict, conflicts.to_string()));
            }
            Err(too_many) => return Ok(refusal(line, too_many.to_string())),
        }
        let (mut before, mut after) = (Map::new(), Map::new());
        for entry in &update.entries {
            let key = entry.key.as_str();
            if let Some(value) = held.get(key) {
                before.insert(key.to_string(), value.clone());
            }
            match entry.mode {
                AttributeMode::Delete => drop(held.remove(key)),
                _ => drop(held.insert(key.to_string(), entry.value.to_json())),
            }
            if let Some(value) = held.get(key) {
                after.insert(key.to_string(), value.clone());
            }
        }
        let report = LineReport::new(line, Verdict::WouldApply, "would change these attributes, all or none");
        Ok(changes(report, Value::Object(before), Value::Object(after)))
    };
    refused(line, read.await)
}

async fn agent(
    targets: &mut Targets<'_>,
    line: &Line,
    draft: &AgentStatusDraft,
    now: Timestamp,
) -> Previewed {
    let read = async {
        let change = match local::agent_status(draft) {
            Ok(change) => change,
            Err(e) => return Ok(invalid(line, e)),
        };
        let user = targets.user(&change.user_id).await?;
        if let Err(unfit) = role_fit(user.role_names()).and_then(|()| shift_fit(user.shift, now)) {
            return Ok(refusal(line, unfit.said_of(user.named())));
        }
        if user.holds(&change, now) {
            return Ok(unchanged(line, change.held_words(user.named(), &user.status, user.held_reason())));
        }
        let before = agent_state(&user.status, user.pause_reason.as_deref());
        let after = state_after(&change);
        let report = match user.wrap_up_at(now).filter(|_| change.flags.respect_wrap_up) {
            Some(until) => LineReport::new(
                line,
                Verdict::WouldConflict,
                format!(
                    "user {} is in wrap-up until {}; with respectWrapUp the tenant refuses the change until then",
                    user.named(),
                    until.up_to_the_second()
                ),
            ),
            None => {
                user.status = UserStatus::Known(change.status);
                user.pause_reason = change.kept_reason().map(str::to_string);
                user.wrap_up_until = None;
                LineReport::new(line, Verdict::WouldApply, "would change the agent's status")
            }
        };
        Ok(changes(report, before, after))
    };
    refused(line, read.await)
}
