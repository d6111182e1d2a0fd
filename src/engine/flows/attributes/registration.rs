//! The callback registration as audited changes. Registering the listener,
//! and removing a registration (this run's at stop, an earlier run's left
//! over), are writes to the tenant: each has an intent and an outcome in the
//! audit log like any change, kept out of the operations' gauges. The
//! signing secret the tenant returns never reaches a record.

use super::again;
use crate::api::ApiErrorKind;
use crate::api::model::{Webhook, WebhookRegistration};
use crate::engine::audit::{Target, TargetKind};
use crate::engine::command::CommandId;
use crate::engine::context::{Ctx, settle};
use crate::engine::event::Outcome;
use crate::engine::flows::{Settled, Trail};
use crate::engine::reconcile::intents::{action, planned};
use serde_json::json;
use tokio::time::Instant;

/// Registers `registration` as the change `command`; the webhook comes back
/// with its secret, or the outcome recorded instead.
pub(super) async fn register(
    ctx: &Ctx,
    command: &CommandId,
    registration: &WebhookRegistration,
) -> Result<Webhook, Outcome> {
    let started = Instant::now();
    let target = Target::new(TargetKind::Webhook, registration.name.as_str());
    let mut trail = Trail::upkeep(ctx, command, command.clone(), action::REGISTER_CALLBACKS, target);
    let key = command.idempotency_key();
    let spec = ctx.api.dialect().register_webhook(registration).spec;
    let (request, body) = planned(&ctx.api, &spec, None, Some(&key));
    let intended = json!({ "name": registration.name, "uri": registration.uri.as_str() });
    trail.intent(request, &body, None, Some(intended)).await?;
    // One key for every try, so a retried registration is made once.
    match again(ctx.api.retry_policy(), || ctx.api.register_webhook(registration, Some(key.clone()))).await {
        Ok(reply) => {
            let hook = reply.value;
            let summary = format!("registered webhook {} for attribute callbacks to {}", hook.id, hook.uri);
            let after = json!({ "id": hook.id.as_str(), "name": hook.name, "uri": hook.uri });
            let settled = Settled::new(Outcome::applied(summary)).call(&reply.call).after(after);
            let recorded = trail.finish(settled, started.elapsed()).await;
            if recorded.is_applied() { Ok(hook) } else { Err(recorded) }
        }
        Err(e) => {
            let (outcome, _) = settle(&e);
            Err(trail.finish(Settled::new(outcome).call(&e.call), started.elapsed()).await)
        }
    }
}

/// Removes `hook` as part of `command`; `whose` names it in the outcome
/// ("this run's", "left by an earlier run").
pub(super) async fn remove(ctx: &Ctx, command: &CommandId, hook: &Webhook, whose: &str) -> Outcome {
    let started = Instant::now();
    let target = Target::new(TargetKind::Webhook, hook.id.as_str());
    // One command may remove several registrations: each is its own item.
    let item = CommandId::derived([command.as_str().as_bytes(), hook.id.as_str().as_bytes()]);
    let mut trail = Trail::upkeep(ctx, command, item, action::REMOVE_CALLBACKS, target);
    let spec = ctx.api.dialect().delete_webhook(&hook.id).spec;
    let (request, body) = planned(&ctx.api, &spec, None, None);
    let before = json!({ "id": hook.id.as_str(), "name": hook.name, "uri": hook.uri });
    if let Err(outcome) = trail.intent(request, &body, Some(before), Some(json!({ "removed": true }))).await {
        return outcome;
    }
    let removed = || json!({ "removed": true });
    match ctx.api.delete_webhook(&hook.id).await {
        Ok(reply) => {
            let summary = format!("removed webhook {} ({whose})", hook.id);
            let settled = Settled::new(Outcome::applied(summary)).call(&reply.call).after(removed());
            trail.finish(settled, started.elapsed()).await
        }
        // Gone already (removed by hand, or by a delete that landed
        // unanswered): what was intended holds either way.
        Err(e) if matches!(e.kind, ApiErrorKind::NotFound { .. }) => {
            let summary = format!("webhook {} ({whose}) was already gone", hook.id);
            let settled = Settled::new(Outcome::applied(summary)).call(&e.call).after(removed());
            trail.finish(settled, started.elapsed()).await
        }
        Err(e) => {
            let (outcome, _) = settle(&e);
            trail.finish(Settled::new(outcome).call(&e.call), started.elapsed()).await
        }
    }
}
