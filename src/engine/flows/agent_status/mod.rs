//! Agent desktop status (document 003): one agent, or many (a team).
//!
//! Each change is checked against the tenant's pause reasons, then the agent
//! is read: their role must allow a status and the change must fall inside
//! their shift. The PUT carries the tag read and a key derived from the
//! change; a wrap-up the change was asked to respect is reported with its
//! end. Every outcome records which compliance checks ran and how they came
//! out. One agent ends as a single outcome; several as a batch report with
//! an `ItemFinished` each.

use super::Trail;
use super::ending::{Conflicts, Ending, Tries, again, not_landed, unsettled};
use crate::api::model::{User, UserStatus};
use crate::api::{ApiError, CallInfo, IdempotencyKey, Reply};
use crate::domain::Timestamp;
use crate::domain::agent_status::{
    AgentStatusChange, AgentStatusDraft, PauseReasons, ends_as_one, held_reason, role_fit, shift_fit,
    with_reason,
};
use crate::engine::SkipKey;
use crate::engine::audit::{Target, TargetKind};
use crate::engine::command::{CommandId, Item};
use crate::engine::context::Ctx;
use crate::engine::event::{Event, Finished, Outcome, Write};
use crate::engine::metrics::{ErrorClass, Operation};
use crate::engine::reconcile::announcements;
use crate::engine::reconcile::intents::{action, agent_state, planned, state_after, with_unseen};
use crate::engine::tally::Tally;
use compliance::{Check, Compliance, ShiftCheck};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use serde_json::Value;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

mod compliance;
mod conflicts;

pub(crate) async fn run(
    ctx: &Ctx,
    id: &CommandId,
    items: Vec<Item<AgentStatusDraft>>,
    (cancel, tally): (&CancellationToken, &Tally),
) -> Finished {
    let mut items = items;
    // One agent ends as a single outcome; `Tally::of` asks the same, so a
    // change whose task panics ends in the shape this one would have.
    if ends_as_one(items.len())
        && let Some(item) = items.pop()
    {
        let (target, outcome, _) = change(ctx, id, item, cancel).await;
        return Finished::Single { target: Some(target), outcome };
    }
    let total = items.len();
    let mut waiting = items.into_iter();
    let mut running = FuturesUnordered::new();
    loop {
        // Once cancelled, the agents not started end at once, each with its
        // record that it was not started, rather than as the others finish.
        while (running.len() < ctx.config.batch_concurrency.max(1) || cancel.is_cancelled())
            && let Some(item) = waiting.next()
        {
            let item_id = item.id.clone();
            tally.started(&item_id, None);
            running.push(async move { (item_id, change(ctx, id, item, cancel).await) });
        }
        let next = tokio::select! {
            next = running.next() => next,
            () = cancel.cancelled(), if waiting.len() > 0 => continue,
        };
        let Some((item, (target, outcome, write))) = next else { break };
        // An agent takes no place in the session's set: nothing to let go of.
        let done = tally.count(&item, &outcome, write).done;
        ctx.emit(Event::ItemFinished { id: id.clone(), item, target, outcome }).await;
        ctx.emit(Event::Progress { id: id.clone(), done, total }).await;
    }
    let mut report = tally.report();
    report.set_cancelled(report.skipped().contains_key(&SkipKey::Unstarted));
    Finished::Batch(report)
}

/// One agent's change to its end: the target, the outcome (durable) and
/// whether its write was sent, with its latency when it was applied.
async fn change(
    ctx: &Ctx,
    id: &CommandId,
    item: Item<AgentStatusDraft>,
    cancel: &CancellationToken,
) -> (Target, Outcome, Write) {
    let started = Instant::now();
    let target = target(&item);
    let mut trail =
        Trail::new(ctx, id, item.id, Operation::AgentStatus, action::AGENT_STATUS, target.clone());
    if let Some(outcome) = trail.settled_before() {
        return (target, outcome, Write::NotSent);
    }
    let ending = if cancel.is_cancelled() {
        Ending::new(Outcome::unstarted("agent"))
    } else {
        let key = trail.item().idempotency_key();
        Flow { ctx, compliance: Compliance::new(&item.draft), started }
            .run(&item.draft, &mut trail, key)
            .await
    };
    let write = trail.write(ending.write_ms);
    (target, ending.finish(trail, started.elapsed()).await, write)
}

/// Whom an agent's change is for, named as the sender knew them: what its
/// records say until the agent is read.
pub(crate) fn target(item: &Item<AgentStatusDraft>) -> Target {
    let user = match item.draft.user_id.trim() {
        "" => "(none)",
        user => user,
    };
    Target::new(TargetKind::User, user).named(item.name.as_deref().unwrap_or_default())
}

struct Flow<'a> {
    ctx: &'a Ctx,
    compliance: Compliance,
    started: Instant,
}

impl Flow<'_> {
    async fn run(mut self, draft: &AgentStatusDraft, trail: &mut Trail<'_>, key: IdempotencyKey) -> Ending {
        let change = match self.validate(draft).await {
            Ok(change) => change,
            Err(ending) => return self.noted(ending),
        };
        let (user, read_call) = match self.read(&change).await {
            Ok(read) => (read.value, read.call),
            Err(e) => return self.noted(Ending::error(&e)),
        };
        trail.name_target(&user.display_name());
        // The user is read: the refusal names them, not only their id.
        if let Some(refusal) = self.unfit(&user) {
            return self.noted(refusal);
        }
        if user.holds(&change, Timestamp::now()) {
            if trail.sent_before_restart() {
                return self.noted(self.found_in_place(&change, &user, read_call));
            }
            return self.noted(unchanged(&user, &change));
        }
        let spec = self.ctx.api.dialect().set_agent_status(&change).spec;
        let (request, body) = planned(&self.ctx.api, &spec, user.etag.as_ref(), Some(&key));
        let before = agent_state(&user.status, user.pause_reason.as_deref());
        let after = self.with_compliance(state_after(&change));
        if let Err(outcome) = trail.intent(request, &body, Some(before), Some(after)).await {
            return self.noted(Ending::new(outcome));
        }
        let ending = self.write(&change, user, key).await;
        self.noted(ending)
    }

    async fn read(&self, change: &AgentStatusChange) -> Result<Reply<User>, ApiError> {
        again(self.ctx.api.retry_policy(), || self.ctx.api.user(&change.user_id)).await
    }

    /// The payload against the tenant's pause reasons, read again once when
    /// the reason is missing from the cached list (it may just be new).
    async fn validate(&self, draft: &AgentStatusDraft) -> Result<AgentStatusChange, Ending> {
        let reason = draft.pause_reason.trim();
        if reason.is_empty() {
            // Only a reason is checked against the tenant's list: a change
            // naming none (a Training, or a Break refused for lacking one)
            // goes on while the list cannot be read.
            return AgentStatusChange::validate(draft, &PauseReasons::new([] as [&str; 0])).map_err(refused);
        }
        let reasons = self.ctx.rules.pause_reasons(false).await.map_err(|e| Ending::error(&e))?;
        match AgentStatusChange::validate(draft, &reasons) {
            Err(_) if !reason.is_empty() && !reasons.contains(reason) => {
                let fresh = self.ctx.rules.pause_reasons(true).await.map_err(|e| Ending::error(&e))?;
                AgentStatusChange::validate(draft, &fresh).map_err(refused)
            }
            checked => checked.map_err(refused),
        }
    }

    /// The refusal of a change to `user` when their role allows no status
    /// or the change falls outside their shift; `None` when both pass. Each
    /// check is noted in the compliance flags.
    fn unfit(&mut self, user: &User) -> Option<Ending> {
        if let Err(unfit) = role_fit(user.role_names()) {
            self.compliance.role_checked = Check::Refused;
            return Some(refused(unfit.said_of(user.named())));
        }
        self.compliance.role_checked = Check::Passed;
        if let Err(unfit) = shift_fit(user.shift, Timestamp::now()) {
            self.compliance.shift_validated = ShiftCheck::Refused;
            return Some(refused(unfit.said_of(user.named())));
        }
        self.compliance.shift_validated =
            if user.shift.is_some() { ShiftCheck::Passed } else { ShiftCheck::NoShiftSet };
        None
    }

    /// PUTs with the tag last read. A 409 reads the agent again to say why,
    /// and goes again only when nothing but the tag moved: a status changed
    /// elsewhere (an agent who took a call) is not overwritten, and a
    /// refusal that was not about the tag is reported with the tenant's words.
    async fn write(&mut self, change: &AgentStatusChange, mut user: User, key: IdempotencyKey) -> Ending {
        let (mut conflicts, mut tries) =
            (Conflicts::new(self.ctx.config.conflict_retries), Tries::new(self.ctx.api.retry_policy()));
        loop {
            let written = tries
                .answer(self.ctx.api.set_agent_status(change, user.etag.as_ref(), Some(key.clone())))
                .await;
            let error = match written {
                Ok(reply) => {
                    let now = (&reply.value.status, reply.value.pause_reason.as_deref());
                    return self.applied(change, &user, now, reply.call, "");
                }
                Err(e) => e,
            };
            if tries.again(&error).await {
                continue;
            }
            let error = tries.carry(error);
            if !error.kind.is_conflict() {
                return self.read_back(change, &user, &error).await;
            }
            let again = match self.read(change).await {
                Ok(again) => again.value,
                Err(_) => return Ending::error(&error),
            };
            if let Some(ending) = self.refusal(change, (&user, &again), &error, &mut conflicts) {
                return ending.call(*error.call);
            }
            conflicts.pause().await;
            user = again;
        }
    }

    /// A write still unsettled after its extra tries is read back: the agent
    /// holding the status settles it as applied.
    async fn read_back(&mut self, change: &AgentStatusChange, before: &User, error: &ApiError) -> Ending {
        if !unsettled(error) {
            return Ending::error(error);
        }
        // Sent to an agent who showed its status and reason already, for
        // what a read does not show (a wrap-up code, an autoAvailable, a
        // wrap-up to end), the change is shown whether it landed or not.
        if change.shown_by(before.status.known(), before.pause_reason.as_deref(), false) {
            return Ending::error(error);
        }
        match self.read(change).await {
            // What the read cannot show (a wrap-up code, the flags) is taken
            // as landed with the rest, which was not so before.
            Ok(read) if read.value.shows(change, Timestamp::now()) => {
                let now = (&read.value.status, read.value.pause_reason.as_deref());
                self.applied(change, before, now, (*error.call).clone(), " (confirmed by reading it back)")
            }
            Ok(_) => Ending::error(&not_landed(error)),
            Err(_) => Ending::error(error),
        }
    }

    /// The tenant took `change` (its answer, or a read since, shows `now`):
    /// a wrap-up it was asked to respect did not stop it. What the record,
    /// the summary and the WFM webhook say the agent is comes from the
    /// tenant, as document 003's `result.get("status", …)` has it; a status
    /// other than the one asked for is said beside it.
    fn applied(
        &mut self,
        change: &AgentStatusChange,
        before: &User,
        (status, reason): (&UserStatus, Option<&str>),
        call: CallInfo,
        how: &str,
    ) -> Ending {
        self.compliance.accepted(change);
        let latency_ms = self.started.elapsed().as_secs_f64() * 1000.0;
        let write_ms = call.latency.as_secs_f64() * 1000.0;
        let (is, asked) = (with_reason(status, held_reason(status.known(), reason)), described(change));
        let asked = if is == asked { String::new() } else { format!(" (the change asked for {asked})") };
        let summary = format!("agent {} is now {is}{asked}{how}; was {}", before.named(), holding(before));
        let webhook =
            announcements::agent_status(change.user_id.as_str(), &status.to_string(), Some(latency_ms));
        Ending {
            after: Some(with_unseen(change, agent_state(status, reason))),
            webhook: Some(webhook),
            write_ms: Some(write_ms),
            ..Ending::new(Outcome::applied(summary)).call(call)
        }
    }

    /// The agent holds the change that this log's write before a restart
    /// asked for: applied then, announced now.
    fn found_in_place(&self, change: &AgentStatusChange, user: &User, call: CallInfo) -> Ending {
        let summary = format!(
            "agent {} is {}, as this change's write before the restart left it (found in place now)",
            user.named(),
            described(change)
        );
        let after = agent_state(&user.status, user.pause_reason.as_deref());
        let webhook = announcements::agent_status(change.user_id.as_str(), change.status.as_str(), None);
        Ending {
            after: Some(with_unseen(change, after)),
            webhook: Some(webhook),
            ..Ending::new(Outcome::applied(summary)).call(call)
        }
    }

    /// Adds the compliance flags to what the outcome record says after.
    fn noted(&self, mut ending: Ending) -> Ending {
        ending.after = Some(self.with_compliance(ending.after.take().unwrap_or(Value::Null)));
        ending
    }

    /// `state` with the compliance flags as they stand: an intent's say
    /// which checks passed before the change was sent, which start-up
    /// carries into the record of what it finds.
    fn with_compliance(&self, state: Value) -> Value {
        let mut fields = match state {
            Value::Object(fields) => fields,
            _ => serde_json::Map::new(),
        };
        fields.insert("compliance".into(), self.compliance.json());
        Value::Object(fields)
    }
}

fn refused(reason: impl std::fmt::Display) -> Ending {
    Ending::new(Outcome::rejected(reason.to_string())).class(ErrorClass::Validation)
}

fn unchanged(user: &User, change: &AgentStatusChange) -> Ending {
    let reason = change.held_words(user.named(), &user.status, user.held_reason());
    Ending::new(Outcome::skipped(SkipKey::Unchanged, reason))
}

/// What `user` holds, its pause reason with it: a change from one reason
/// to another under the same status still says what it replaced.
fn holding(user: &User) -> String {
    with_reason(&user.status, user.held_reason())
}

fn described(change: &AgentStatusChange) -> String {
    with_reason(change.status, change.kept_reason())
}
