//! Deploying a data action (document 004), and reading back one whose
//! answer never came.

use super::{action_state, failed, refuse};
use crate::api::ApiError;
use crate::domain::data_action::{DataActionDefinition, DataActionDraft};
use crate::engine::audit::{Target, TargetKind};
use crate::engine::command::CommandId;
use crate::engine::context::{Ctx, settle};
use crate::engine::event::Outcome;
use crate::engine::flows::action_names;
use crate::engine::flows::ending::{again, not_landed, unsettled};
use crate::engine::flows::interaction_disposition::target_id;
use crate::engine::flows::{Settled, Trail};
use crate::engine::metrics::Operation;
use crate::engine::reconcile::intents::{self, action};
use serde_json::json;
use tokio::time::Instant;

/// Deploys `draft`: one POST under one idempotency key, so a retried deploy
/// still creates one action; one left unsettled is read back by its name,
/// handler and creation.
pub(super) async fn deploy(ctx: &Ctx, id: &CommandId, draft: &DataActionDraft) -> Outcome {
    let target = Target::new(TargetKind::DataAction, target_id(&draft.name));
    let mut trail =
        Trail::new(ctx, id, id.clone(), Operation::DataAction, action::DEPLOY_DATA_ACTION, target);
    if let Some(earlier) = trail.settled_before() {
        return earlier;
    }
    let started = Instant::now();
    let definition = match DataActionDefinition::validate(draft) {
        Ok(definition) => definition,
        Err(invalid) => return refuse(trail, invalid.to_string(), started).await,
    };
    let key = trail.item().idempotency_key();
    let call = ctx.api.dialect().deploy_data_action(&definition);
    let (request, body) = intents::planned(&ctx.api, &call.spec, None, Some(&key));
    let intended = json!({
        "name": definition.name,
        "version": definition.version.to_string(),
        "handlerUrl": definition.handler_url.as_str(),
        "timeoutMs": definition.timeout_ms,
        "description": definition.description,
        "isDeprecated": false,
    });
    // Names need not be unique on the tenant, but a second action under one
    // is worth saying in the result and the record: a later change by name
    // is refused until it is told apart by id. Best effort: a tenant that
    // cannot list its actions does not stop the deploy.
    let namesakes = action_names::by_name(&ctx.api)
        .await
        .map(|mut by_name| by_name.remove(definition.name.as_str()).unwrap_or_default())
        .ok();
    let sent_at = time::OffsetDateTime::now_utc();
    // Recorded, so that a start-up reading the deploy back after a crash
    // takes none of them for the action it made.
    let before = namesakes.as_ref().map(|ids| json!({ "namesakes": ids }));
    if let Err(outcome) = trail.intent(request, &body, before, Some(intended)).await {
        return outcome;
    }
    // One key for every try, so a retried deploy still creates one action.
    let (deployed, call, how) =
        match again(ctx.api.retry_policy(), || ctx.api.deploy_data_action(&definition, Some(key.clone())))
            .await
        {
            Ok(reply) => (reply.value, reply.call, ""),
            Err(e) if unsettled(&e) => {
                let found = action_names::deployed_since(
                    &ctx.api,
                    &definition.name,
                    &definition.version.to_string(),
                    definition.handler_url.as_str(),
                    sent_at,
                    namesakes.as_deref(),
                )
                .await;
                let name = &definition.name;
                match found {
                    Ok(Some(action)) => (action, (*e.call).clone(), " (confirmed by reading it back)"),
                    Ok(None) => return maybe_deployed(trail, &e, name, Looked::NotThere, started).await,
                    Err(_) => return maybe_deployed(trail, &e, name, Looked::Unreadable, started).await,
                }
            }
            Err(e) => return failed(trail, &e, started).await,
        };
    // The action itself, should a re-run's key have found it, is no other.
    let others = namesakes.iter().flatten().filter(|id| id.as_str() != deployed.id.as_str()).count();
    let beside = match others {
        0 => String::new(),
        1 => format!(", beside the 1 other action named {}", deployed.name),
        n => format!(", beside the {n} other actions named {}", deployed.name),
    };
    let outcome = Outcome::Applied {
        summary: format!("deployed {} {} as {}{beside}{how}", deployed.name, deployed.version, deployed.id),
        data: Some(json!({ "id": deployed.id.as_str() })),
    };
    // The record files the outcome under the id the deploy made, which later
    // changes to the action are filed under too.
    trail.retarget(Target::new(TargetKind::DataAction, deployed.id.as_str()).named(&deployed.name));
    let settled = Settled::new(outcome).call(&call).after(action_state(&deployed));
    trail.finish(settled, started.elapsed()).await
}

/// What reading a deploy back found of it, when not the action it made.
enum Looked {
    /// No action matched: the deploy did not land, or has not yet (a
    /// gateway's timeout may hide a tenant still making it).
    NotThere,
    /// The tenant's actions could not be read.
    Unreadable,
}

/// A deploy that went unsettled, and reading it back did not find the
/// action it made: sending it again would make a second action if the
/// first landed after all, so the outcome says to look before deploying
/// again.
async fn maybe_deployed(
    trail: Trail<'_>,
    error: &ApiError,
    name: &str,
    looked: Looked,
    started: Instant,
) -> Outcome {
    let (_, class) = settle(error);
    let seen = match looked {
        Looked::NotThere => "the tenant's actions do not show it yet, though it may still be made",
        Looked::Unreadable => {
            "the deploy may have been made all the same, and the tenant's actions could not be read to see"
        }
    };
    let outcome = Outcome::failed(format!(
        "{}; {seen}: look for {name} in the data actions before deploying it again, which would make a \
         second action",
        not_landed(error)
    ));
    trail.finish(Settled::new(outcome).call(&error.call).class(class), started.elapsed()).await
}
