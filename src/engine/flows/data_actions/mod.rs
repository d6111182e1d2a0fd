//! Data actions (document 004).
//!
//! Simulating runs the documents' handler locally and writes nothing.
//! Deploying creates an action (one POST, with an idempotency key so a
//! retried deploy creates one). A new version and a deprecation read the
//! action first, check the rules against what it holds, and PATCH with its
//! tag, reading again on a stale one as document 000 does. Reads and writes
//! cut short (a dropped connection, a server error, a revoked token) go again
//! as in the other flows; a write still unsettled is read back. Metrics come
//! from the analytics query, for an action the tenant has (see
//! [`action_metrics`]). An action named by name is looked up when the change
//! runs (see [`action_names`]).

mod deploy;

use super::action_metrics;
use super::action_names::{self, Unresolved};
use super::ending::{Conflicts, Tries, again, not_landed, unsettled};
use super::interaction_disposition::target_id;
use super::{Settled, Trail};
use crate::api::dialect::CallSpec;
use crate::api::model::DataAction;
use crate::api::{ApiError, ETag, IdempotencyKey, Reply};
use crate::domain::data_action::{self, ActionPatch, PatchFit, input_schema, output_schema, parse_version};
use crate::domain::{DataActionId, Problems, Timestamp};
use crate::engine::SkipKey;
use crate::engine::audit::{Target, TargetKind};
use crate::engine::command::{ActionRef, CommandId, DataActionChange};
use crate::engine::context::{Ctx, settle};
use crate::engine::event::{Finished, Outcome};
use crate::engine::metrics::{ErrorClass, Operation};
use crate::engine::reconcile::intents::{self, action};
use serde_json::{Value, json};
use tokio::time::Instant;

pub(crate) async fn run(ctx: &Ctx, id: &CommandId, change: DataActionChange) -> Finished {
    let target = |action: &str| Some(Target::new(TargetKind::DataAction, target_id(action)));
    match change {
        DataActionChange::Simulate { input } => Finished::Single { target: None, outcome: simulate(&input) },
        DataActionChange::Metrics { action, range } => {
            let outcome = action_metrics::metrics(ctx, &action, range).await;
            Finished::Single { target: target(&shown(&action)), outcome }
        }
        DataActionChange::Deploy(draft) => {
            Finished::Single { target: target(&draft.name), outcome: deploy::deploy(ctx, id, &draft).await }
        }
        DataActionChange::NewVersion { action, version } => {
            let outcome = patch(ctx, id, &action, Some(&version)).await;
            Finished::Single { target: target(&shown(&action)), outcome }
        }
        DataActionChange::Deprecate { action } => {
            Finished::Single { target: target(&shown(&action)), outcome: patch(ctx, id, &action, None).await }
        }
    }
}

/// The action as the change names it: its id, or its name until looked up.
fn shown(action: &ActionRef) -> String {
    match action {
        ActionRef::Id(id) | ActionRef::Name(id) => id.trim().to_string(),
    }
}

/// Runs the handler on `input` against the shipped schemas. Not measured in
/// the operation's metrics: those gauge the tenant, and a local run never
/// reaches it.
fn simulate(input: &Value) -> Outcome {
    let started = Instant::now();
    let result = data_action::simulate(input, input_schema(), output_schema(), Timestamp::now());
    let ran_for = started.elapsed();
    match result {
        Ok(routing) => Outcome::Applied {
            summary: format!(
                "the handler routes to {} with confidence {:.2} (ran in {:.2} ms); nothing was sent",
                routing.routing_recommendation,
                routing.confidence_score,
                data_action::latency_ms(ran_for)
            ),
            data: Some(routing.report(ran_for)),
        },
        Err(e) => Outcome::rejected(e.to_string()),
    }
}

/// The engine's side of a change to a deployed action: its audit words,
/// its request and its summary.
impl ActionPatch {
    fn action(new_version: bool) -> &'static str {
        if new_version { action::NEW_DATA_ACTION_VERSION } else { action::DEPRECATE_DATA_ACTION }
    }

    fn intended(&self) -> Value {
        match self {
            Self::Version(v) => json!({ "version": v.to_string() }),
            Self::Deprecate => json!({ "isDeprecated": true }),
        }
    }

    fn spec(&self, ctx: &Ctx, id: &DataActionId) -> CallSpec {
        let dialect = ctx.api.dialect();
        match self {
            Self::Version(v) => dialect.set_data_action_version(id, v).spec,
            Self::Deprecate => dialect.deprecate_data_action(id).spec,
        }
    }

    async fn send(
        &self,
        ctx: &Ctx,
        id: &DataActionId,
        etag: Option<&ETag>,
        key: &IdempotencyKey,
    ) -> Result<Reply<DataAction>, ApiError> {
        match self {
            Self::Version(v) => ctx.api.set_data_action_version(id, v, etag, Some(key.clone())).await,
            Self::Deprecate => ctx.api.deprecate_data_action(id, etag, Some(key.clone())).await,
        }
    }

    fn done(&self, action: &DataAction) -> String {
        match self {
            Self::Version(_) => {
                format!("{} ({}) is now at version {}", action.name, action.id, action.version)
            }
            Self::Deprecate => format!("{} ({}) is now deprecated", action.name, action.id),
        }
    }
}

/// A new version (`version` given) or a deprecation of `named`.
async fn patch(ctx: &Ctx, id: &CommandId, named: &ActionRef, version: Option<&str>) -> Outcome {
    let target = Target::new(TargetKind::DataAction, target_id(&shown(named)));
    let action = ActionPatch::action(version.is_some());
    let mut trail = Trail::new(ctx, id, id.clone(), Operation::DataAction, action, target);
    if let Some(earlier) = trail.settled_before() {
        return earlier;
    }
    let started = Instant::now();
    let mut p = Problems::new();
    // The id's own rules first, so a malformed id and a bad version are
    // named together; a name is looked up only for a change that can go.
    if let ActionRef::Id(raw) = named {
        p.take(DataActionId::parse_as("id", raw));
    }
    let version = version.map(|raw| p.take(parse_version("version", raw)));
    let checked = p.finish(|| {
        Some(match version {
            Some(v) => ActionPatch::Version(v?),
            None => ActionPatch::Deprecate,
        })
    });
    let change = match checked {
        Ok(change) => change,
        Err(invalid) => return refuse(trail, invalid.to_string(), started).await,
    };
    let action_id = match action_names::resolve(&ctx.api, named).await {
        Ok(action_id) => action_id,
        Err(Unresolved::Rule(rule)) => return refuse(trail, rule.to_string(), started).await,
        Err(Unresolved::Api(e)) => return failed(trail, &e, started).await,
    };
    trail.retarget(Target::new(TargetKind::DataAction, action_id.as_str()));
    let current = match again(ctx.api.retry_policy(), || ctx.api.data_action(&action_id)).await {
        Ok(current) => current,
        Err(e) => return failed(trail, &e, started).await,
    };
    trail.name_target(&current.value.name);
    match change.fit(&current.value.version, current.value.is_deprecated) {
        PatchFit::Send => {}
        PatchFit::InPlace(why) => {
            let outcome = Outcome::skipped(SkipKey::Unchanged, format!("{why}; nothing was sent"));
            let settled = Settled::new(outcome).call(&current.call).after(action_state(&current.value));
            return trail.finish(settled, started.elapsed()).await;
        }
        PatchFit::Refused(rule) => return refuse(trail, rule.to_string(), started).await,
    }
    let key = trail.item().idempotency_key();
    let mut etag = current.value.etag.clone();
    let (request, body) =
        intents::planned(&ctx.api, &change.spec(ctx, &action_id), etag.as_ref(), Some(&key));
    let before = action_state(&current.value);
    if let Err(outcome) = trail.intent(request, &body, Some(before), Some(change.intended())).await {
        return outcome;
    }
    let (mut conflicts, mut tries) =
        (Conflicts::new(ctx.config.conflict_retries), Tries::new(ctx.api.retry_policy()));
    loop {
        let error = match tries.answer(change.send(ctx, &action_id, etag.as_ref(), &key)).await {
            Ok(reply) => {
                let settled = Settled::new(Outcome::applied(change.done(&reply.value)))
                    .call(&reply.call)
                    .after(action_state(&reply.value));
                return trail.finish(settled, started.elapsed()).await;
            }
            Err(e) if e.kind.is_conflict() => e,
            // Sent again with the same key: answered for the attempt that
            // landed unanswered, or applied now.
            Err(e) if tries.again(&e).await => continue,
            Err(e) => return read_back(ctx, trail, &action_id, &change, &tries.carry(e), started).await,
        };
        if !conflicts.refused() {
            let outcome = Outcome::conflict(format!(
                "data action {action_id} kept changing: the tenant refused the change {} times; reload it and \
                 decide again",
                conflicts.times()
            ));
            let settled = Settled::new(outcome).call(&error.call).class(ErrorClass::Conflict);
            return trail.finish(settled, started.elapsed()).await;
        }
        conflicts.pause().await;
        let fresh = match again(ctx.api.retry_policy(), || ctx.api.data_action(&action_id)).await {
            Ok(fresh) => fresh,
            Err(e) => return failed(trail, &e, started).await,
        };
        let settled = match change.fit(&fresh.value.version, fresh.value.is_deprecated) {
            PatchFit::Send => {
                etag = fresh.value.etag.clone();
                continue;
            }
            PatchFit::InPlace(why) => Settled::new(Outcome::applied(format!(
                "{why} (already in place): someone else did it meanwhile"
            ))),
            PatchFit::Refused(rule) => {
                Settled::new(Outcome::conflict(format!("someone else changed the action meanwhile: {rule}")))
                    .class(ErrorClass::Conflict)
            }
        };
        let settled = settled.call(&fresh.call).after(action_state(&fresh.value));
        return trail.finish(settled, started.elapsed()).await;
    }
}

/// A write still unsettled after its extra tries is read back: the action
/// already in the state the change leaves settles it as applied.
async fn read_back(
    ctx: &Ctx,
    trail: Trail<'_>,
    action_id: &DataActionId,
    change: &ActionPatch,
    error: &ApiError,
    started: Instant,
) -> Outcome {
    if !unsettled(error) {
        return failed(trail, error, started).await;
    }
    match again(ctx.api.retry_policy(), || ctx.api.data_action(action_id)).await {
        Ok(now)
            if matches!(change.fit(&now.value.version, now.value.is_deprecated), PatchFit::InPlace(_)) =>
        {
            let done = format!("{} (confirmed by reading it back)", change.done(&now.value));
            let settled =
                Settled::new(Outcome::applied(done)).call(&now.call).after(action_state(&now.value));
            trail.finish(settled, started.elapsed()).await
        }
        Ok(_) => failed(trail, &not_landed(error), started).await,
        Err(_) => failed(trail, error, started).await,
    }
}

/// An action as the audit log shows it before and after a change.
fn action_state(action: &DataAction) -> Value {
    json!({
        "id": action.id.as_str(),
        "name": action.name,
        "version": action.version.to_string(),
        "isDeprecated": action.is_deprecated,
        "handlerUrl": action.handler_url,
        "timeoutMs": action.timeout_ms,
        "description": action.description,
    })
}

async fn refuse(trail: Trail<'_>, reason: String, started: Instant) -> Outcome {
    let settled = Settled::new(Outcome::rejected(reason)).class(ErrorClass::Validation);
    trail.finish(settled, started.elapsed()).await
}

async fn failed(trail: Trail<'_>, error: &ApiError, started: Instant) -> Outcome {
    let (outcome, class) = settle(error);
    trail.finish(Settled::new(outcome).call(&error.call).class(class), started.elapsed()).await
}
