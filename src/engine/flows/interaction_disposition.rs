//! Interaction dispositions (document 000).
//!
//! Validate against the tenant's disposition matrix and each entry's agent
//! against the tenant's users, read the interaction (it must be closed; its
//! tag guards the write), record the intent, then PATCH with `If-Match` and
//! an idempotency key derived from the change. A stale tag (409) is read
//! again: when the interaction already holds the dispositions asked for, the
//! change is done; otherwise it is retried with the fresh tag, a few times,
//! after a short jittered pause.

use super::attribution;
use super::ending::{Conflicts, Tries, again, not_landed, unsettled};
use super::{Settled, Trail};
use crate::api::model::Interaction;
use crate::api::{ApiError, ETag, IdempotencyKey, Reply};
use crate::domain::Timestamp;
use crate::domain::interaction_disposition::{DispositionDraft, InteractionDisposition, closed};
use crate::engine::SkipKey;
use crate::engine::audit::{Target, TargetKind};
use crate::engine::command::CommandId;
use crate::engine::context::{Ctx, error_class, settle};
use crate::engine::event::{Finished, Outcome};
use crate::engine::metrics::{ErrorClass, Operation};
use crate::engine::reconcile::announcements;
use crate::engine::reconcile::intents::{self, action, dispositions_state};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

pub(crate) async fn run(
    ctx: &Ctx,
    id: &CommandId,
    target: Target,
    interaction_id: &str,
    drafts: &[DispositionDraft],
    cancel: &CancellationToken,
) -> Finished {
    let trail = Trail::new(
        ctx,
        id,
        id.clone(),
        Operation::InteractionDisposition,
        action::SET_INTERACTION_DISPOSITION,
        target.clone(),
    );
    let outcome = match trail.settled_before() {
        Some(earlier) => earlier,
        // Sent with others and cancelled while it waited its turn.
        None if cancel.is_cancelled() => trail.unstarted("interaction").await,
        None => apply(ctx, trail, interaction_id, drafts).await,
    };
    Finished::Single { target: Some(target), outcome }
}

/// The interaction a change is for, under the name its sender gave (until
/// the change reads it), so that even one cancelled before it started says
/// whom it was for.
pub(super) fn target(interaction_id: &str, name: Option<String>) -> Target {
    Target::new(TargetKind::Interaction, target_id(interaction_id)).named(name.as_deref().unwrap_or_default())
}

/// The target's id as typed, so even a refused change names what it was for.
pub(super) fn target_id(raw: &str) -> String {
    match raw.trim() {
        "" => "(none)".to_string(),
        id => id.to_string(),
    }
}

async fn apply(
    ctx: &Ctx,
    mut trail: Trail<'_>,
    interaction_id: &str,
    drafts: &[DispositionDraft],
) -> Outcome {
    let started = Instant::now();
    let change = match validate(ctx, interaction_id, drafts).await {
        Ok(change) => change,
        Err(settled) => return trail.finish(settled, started.elapsed()).await,
    };
    if let Err(settled) = check_agents(ctx, &change).await {
        return trail.finish(settled, started.elapsed()).await;
    }
    let current = match read(ctx, &change).await {
        Ok(current) => current,
        Err(settled) => return trail.finish(settled, started.elapsed()).await,
    };
    trail.name_target(current.value.customer_name.as_deref().unwrap_or_default());
    if change.held_by(&current.value.dispositions) {
        let settled = if trail.sent_before_restart() {
            let how = " (found in place: this change's write before the restart made it)";
            holds(&change, &current, started, how)
        } else {
            let reason = format!("{}; nothing was sent", change.already(current.value.named()));
            Settled::new(Outcome::skipped(SkipKey::Unchanged, reason))
                .call(&current.call)
                .after(dispositions_state(&current.value.dispositions))
        };
        return trail.finish(settled, started.elapsed()).await;
    }
    let Some(etag) = current.value.etag.clone() else {
        return trail.finish(untagged(&current), started.elapsed()).await;
    };
    let key = trail.item().idempotency_key();
    let call = ctx.api.dialect().set_dispositions(&change);
    let (request, body) = intents::planned(&ctx.api, &call.spec, Some(&etag), Some(&key));
    let before = dispositions_state(&current.value.dispositions);
    let intended = intents::intended_dispositions(&change);
    if let Err(outcome) = trail.intent(request, &body, Some(before), Some(intended)).await {
        return outcome;
    }
    write(ctx, trail, &change, etag, &key, started).await
}

/// Sends the change; after each stale tag, reads the interaction again and
/// either finds the change in place or retries with the fresh tag.
async fn write(
    ctx: &Ctx,
    mut trail: Trail<'_>,
    change: &InteractionDisposition,
    mut etag: ETag,
    key: &IdempotencyKey,
    started: Instant,
) -> Outcome {
    let (mut conflicts, mut tries) =
        (Conflicts::new(ctx.config.conflict_retries), Tries::new(ctx.api.retry_policy()));
    loop {
        let error = match tries.answer(ctx.api.set_dispositions(change, &etag, Some(key.clone()))).await {
            Ok(reply) => return trail.finish(holds(change, &reply, started, ""), started.elapsed()).await,
            Err(e) if e.kind.is_conflict() => e,
            // Sent again with the same key: the tenant answers for the
            // attempt that landed unanswered, or applies it now.
            Err(e) if tries.again(&e).await => {
                trail.sent(&e.call);
                continue;
            }
            Err(e) if unsettled(&e) => {
                return read_back(ctx, trail, change, &tries.carry(e), started).await;
            }
            Err(e) => return failed(trail, &e, started).await,
        };
        if !conflicts.refused() {
            let outcome = Outcome::conflict(format!(
                "interaction {} kept changing: the tenant refused the change {} times because someone else had \
                 just changed it; reload it and decide again",
                change.interaction_id,
                conflicts.times()
            ));
            let settled = Settled::new(outcome).call(&error.call).class(ErrorClass::Conflict);
            return trail.finish(settled, started.elapsed()).await;
        }
        // From here on the outcome records a later call, not this one.
        trail.sent(&error.call);
        conflicts.pause().await;
        let fresh = match read(ctx, change).await {
            Ok(fresh) => fresh,
            Err(settled) => return trail.finish(settled, started.elapsed()).await,
        };
        if change.held_by(&fresh.value.dispositions) {
            let how = " (found in place after the tenant reported a concurrent change)";
            let settled = holds(change, &fresh, started, how);
            return trail.finish(settled, started.elapsed()).await;
        }
        match fresh.value.etag.clone() {
            Some(tag) => etag = tag,
            None => return trail.finish(untagged(&fresh), started.elapsed()).await,
        }
    }
}

/// The interaction holds the dispositions asked for: the change is applied
/// and announced. `how` says how that was learnt: from the write's own
/// answer (empty), or from a read after a stale tag or a lost answer —
/// possibly this console's own earlier attempt, so it is announced like
/// any applied change (receivers drop a repeated `webhook-id`; a lost
/// announcement could not be recovered).
fn holds<'r>(
    change: &InteractionDisposition,
    reply: &'r Reply<Interaction>,
    started: Instant,
    how: &str,
) -> Settled<'r> {
    let codes: Vec<&str> = change.codes().collect();
    let summary =
        format!("interaction {} now has disposition {}{how}", reply.value.named(), codes.join(", "));
    let webhook = announcements::interaction_disposition(
        change.interaction_id.as_str(),
        &change.dispositions,
        Some(started.elapsed().as_secs_f64() * 1_000.0),
    );
    Settled::new(Outcome::applied(summary))
        .call(&reply.call)
        .after(dispositions_state(&reply.value.dispositions))
        .webhook(webhook)
}

/// A tenant that sends no tag leaves nothing to guard the write with.
fn untagged(read: &Reply<Interaction>) -> Settled<'_> {
    let outcome = Outcome::failed("the tenant sent no version tag with the interaction, so nothing was sent");
    Settled::new(outcome).call(&read.call).class(ErrorClass::OtherClientError)
}

/// Checks the drafts against the matrix, reading it afresh once when a
/// code is unknown: the tenant may just have added it.
async fn validate(
    ctx: &Ctx,
    interaction_id: &str,
    drafts: &[DispositionDraft],
) -> Result<InteractionDisposition, Settled<'static>> {
    let now = Timestamp::now();
    let mut fresh = false;
    loop {
        let matrix = ctx.rules.disposition_matrix(fresh).await.map_err(|e| {
            let outcome = Outcome::failed(format!("the disposition matrix could not be read: {e}"));
            Settled::new(outcome).class(error_class(&e))
        })?;
        let unknown_code =
            drafts.iter().any(|d| !d.code.trim().is_empty() && !matrix.contains(d.code.trim()));
        match InteractionDisposition::validate(interaction_id, drafts, &matrix, now) {
            Ok(change) => return Ok(change),
            Err(_) if unknown_code && !fresh => fresh = true,
            Err(invalid) => return Err(refused(invalid)),
        }
    }
}

/// Document 000 records each disposition for an agent: an id the tenant
/// does not have, or a user who is not an agent, is refused before the
/// interaction is read.
async fn check_agents(ctx: &Ctx, change: &InteractionDisposition) -> Result<(), Settled<'static>> {
    for (field, agent) in change.agents() {
        if let Err((outcome, class)) = attribution::check(ctx, &field, agent).await {
            return Err(Settled::new(outcome).class(class));
        }
    }
    Ok(())
}

fn refused(reason: impl std::fmt::Display) -> Settled<'static> {
    Settled::new(Outcome::rejected(reason.to_string())).class(ErrorClass::Validation)
}

/// Reads the interaction, which must be closed; a read that went unsettled
/// (a revoked token, a 5xx, no answer) is tried again.
async fn read<'c>(ctx: &Ctx, change: &InteractionDisposition) -> Result<Reply<Interaction>, Settled<'c>> {
    let reply = again(ctx.api.retry_policy(), || ctx.api.interaction(&change.interaction_id)).await;
    let reply = reply.map_err(|e| {
        let (outcome, class) = settle(&e);
        Settled::new(outcome).class(class)
    })?;
    closed(format_args!("interaction {}", reply.value.named()), &reply.value.status).map_err(refused)?;
    Ok(reply)
}

/// A write still unsettled after its extra tries is read back: the
/// interaction holding the dispositions settles it as applied.
async fn read_back(
    ctx: &Ctx,
    trail: Trail<'_>,
    change: &InteractionDisposition,
    error: &ApiError,
    started: Instant,
) -> Outcome {
    match read(ctx, change).await {
        Ok(now) if change.held_by(&now.value.dispositions) => {
            let settled = holds(change, &now, started, " (confirmed by reading it back)");
            trail.finish(settled, started.elapsed()).await
        }
        Ok(_) => failed(trail, &not_landed(error), started).await,
        Err(_) => failed(trail, error, started).await,
    }
}

async fn failed(trail: Trail<'_>, error: &ApiError, started: Instant) -> Outcome {
    let (outcome, class) = settle(error);
    trail.finish(Settled::new(outcome).call(&error.call).class(class), started.elapsed()).await
}
