//! Interaction attributes and their callbacks (document 002).
//!
//! An attribute change is validated whole, the interaction's attributes are
//! read (the audit's `before`), the intent records the hash of the exact body
//! about to be sent, and one POST applies every entry or none. The tenant
//! announces applied changes itself, through the callbacks of [`callbacks`].

mod accept;
mod callbacks;
mod listener;
mod registration;

use super::ending::{again, not_landed, unsettled};
use super::{Settled, Trail};
use crate::api::model::AttributeSnapshot;
use crate::domain::attributes::{
    AttributeDraft, AttributeEntry, AttributeMode, AttributeUpdate, held_values, plan, same_value,
};
use crate::engine::SkipKey;
use crate::engine::audit::Target;
use crate::engine::command::CommandId;
use crate::engine::context::{Ctx, settle};
use crate::engine::event::{Finished, Outcome};
use crate::engine::metrics::{ErrorClass, Operation};
use crate::engine::reconcile::intents::{self, action, attributes_state};
use serde_json::{Map, Value};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

pub(crate) async fn run(
    ctx: &Ctx,
    id: &CommandId,
    target: Target,
    interaction_id: &str,
    rows: &[AttributeDraft],
    cancel: &CancellationToken,
) -> Finished {
    let trail =
        Trail::new(ctx, id, id.clone(), Operation::Attributes, action::UPDATE_ATTRIBUTES, target.clone());
    let outcome = match trail.settled_before() {
        Some(earlier) => earlier,
        // Sent with others and cancelled while it waited its turn.
        None if cancel.is_cancelled() => trail.unstarted("interaction").await,
        None => apply(ctx, trail, interaction_id, rows).await,
    };
    Finished::Single { target: Some(target), outcome }
}

/// Registers this console for attribute callbacks (once per engine), so
/// the tenant's announcements arrive as `AttributesChanged` events.
pub(crate) async fn watch(ctx: &Ctx, id: &CommandId) -> Finished {
    let outcome = if ctx.config.callbacks {
        callbacks::watch(ctx, id).await
    } else {
        Outcome::rejected(
            "attribute callbacks are turned off in the settings (callbacks = false); nothing was registered",
        )
    };
    Finished::Single { target: None, outcome }
}

/// Removes, at start, a callback registration an earlier run could not.
pub(crate) async fn tidy(ctx: &Ctx) {
    if ctx.config.callbacks {
        callbacks::tidy(ctx).await;
    }
}

/// Removes this engine's callback registration, once it is stopping.
pub(crate) async fn unwatch(ctx: &Ctx) {
    callbacks::unwatch(ctx).await;
}

async fn apply(ctx: &Ctx, mut trail: Trail<'_>, interaction_id: &str, rows: &[AttributeDraft]) -> Outcome {
    let started = Instant::now();
    let update = match AttributeUpdate::validate(interaction_id, rows) {
        Ok(update) => update,
        Err(invalid) => {
            let settled = Settled::new(Outcome::rejected(invalid.to_string())).class(ErrorClass::Validation);
            return trail.finish(settled, started.elapsed()).await;
        }
    };
    // The interaction is read beside its attributes only to name it in the
    // outcome; without it the id stands alone.
    let (read, interaction) = tokio::join!(
        again(ctx.api.retry_policy(), || ctx.api.attributes(&update.interaction_id)),
        ctx.api.interaction(&update.interaction_id)
    );
    let name = match interaction {
        Ok(reply) => {
            trail.name_target(reply.value.customer_name.as_deref().unwrap_or_default());
            reply.value.named()
        }
        Err(_) => update.interaction_id.to_string(),
    };
    let before = match read {
        Ok(reply) => held(&reply.value),
        Err(e) => {
            let (outcome, class) = settle(&e);
            return trail.finish(Settled::new(outcome).call(&e.call).class(class), started.elapsed()).await;
        }
    };
    let values = held_values(&before);
    // Rows that would change nothing (a DELETE of a key not set, a value
    // held already) are named apart in the outcome, not counted as done.
    let planned = plan(&update.entries, |key| values.get(key), before.len()).ok();
    if planned.as_ref().is_some_and(Vec::is_empty) {
        let held = format!("interaction {name} holds these attributes already; nothing was sent");
        let settled =
            Settled::new(Outcome::skipped(SkipKey::Unchanged, held)).after(attributes_state(&before));
        return trail.finish(settled, started.elapsed()).await;
    }
    let key = trail.item().idempotency_key();
    let call = ctx.api.dialect().update_attributes(&update);
    let (request, body) = intents::planned(&ctx.api, &call.spec, None, Some(&key));
    let planned_state = attributes_state(&applied_to(&before, &update.entries));
    if let Err(outcome) =
        trail.intent(request, &body, Some(attributes_state(&before)), Some(planned_state)).await
    {
        return outcome;
    }
    let intended = applied_to(&before, &update.entries);
    let error =
        match again(ctx.api.retry_policy(), || ctx.api.update_attributes(&update, Some(key.clone()))).await {
            Ok(reply) => {
                let summary = applied_summary(&update, planned.as_deref(), &name, "");
                let settled = Settled::new(Outcome::applied(summary))
                    .call(&reply.call)
                    .after(attributes_state(&held(&reply.value)));
                return trail.finish(settled, started.elapsed()).await;
            }
            Err(e) => e,
        };
    let error = match unsettled(&error)
        .then(|| again(ctx.api.retry_policy(), || ctx.api.attributes(&update.interaction_id)))
    {
        Some(read) => match read.await {
            Ok(now) if touched_as_intended(&held(&now.value), &intended, &update.entries) => {
                let how = " (confirmed by reading it back)";
                let settled =
                    Settled::new(Outcome::applied(applied_summary(&update, planned.as_deref(), &name, how)))
                        .call(&now.call)
                        .after(attributes_state(&held(&now.value)));
                return trail.finish(settled, started.elapsed()).await;
            }
            Ok(_) => not_landed(&error),
            Err(_) => error,
        },
        None => error,
    };
    let (outcome, class) = settle(&error);
    trail.finish(Settled::new(outcome).call(&error.call).class(class), started.elapsed()).await
}

/// What changed first (`ADD tier, DELETE legacy`), then how, the rows that
/// changed nothing (by key: a value may run to 2,000 characters), then
/// where: the audit pane's line shows the start of it, beside a column that
/// holds the interaction already.
/// `changes` are the rows that changed something, when the plan was made.
fn applied_summary(
    update: &AttributeUpdate,
    changes: Option<&[AttributeEntry]>,
    interaction: &str,
    how: &str,
) -> String {
    const NAMED: usize = 3;
    let changed = changes.unwrap_or(&update.entries);
    let mut named: Vec<String> =
        changed.iter().take(NAMED).map(|e| format!("{} {}", e.mode, e.key)).collect();
    if changed.len() > NAMED {
        named.push(format!("{} more", changed.len() - NAMED));
    }
    let idle: Vec<String> = update
        .entries
        .iter()
        .filter(|e| !changed.iter().any(|c| c.key == e.key))
        .map(|e| match e.mode {
            AttributeMode::Delete => format!("{} not set, nothing to delete", e.key),
            AttributeMode::Add | AttributeMode::Update => format!("{} already so", e.key),
        })
        .collect();
    let idle = if idle.is_empty() { String::new() } else { format!(" ({})", idle.join("; ")) };
    format!("{} applied in one request{how}{idle} to interaction {interaction}", named.join(", "))
}

/// Whether every key the change touches holds what the change leaves.
fn touched_as_intended(
    now: &Map<String, Value>,
    intended: &Map<String, Value>,
    entries: &[AttributeEntry],
) -> bool {
    entries.iter().all(|e| match (now.get(e.key.as_str()), intended.get(e.key.as_str())) {
        (Some(held), Some(wanted)) => same_value(held, wanted),
        (held, wanted) => held.is_none() && wanted.is_none(),
    })
}

/// The attributes an interaction holds, by key.
fn held(snapshot: &AttributeSnapshot) -> Map<String, Value> {
    snapshot.attributes.iter().map(|a| (a.key.clone(), a.value.clone())).collect()
}

/// What `entries` leave when applied to `before`.
fn applied_to(before: &Map<String, Value>, entries: &[AttributeEntry]) -> Map<String, Value> {
    let mut after = before.clone();
    for entry in entries {
        let key = entry.key.as_str().to_string();
        match entry.mode {
            AttributeMode::Add | AttributeMode::Update => {
                after.insert(key, entry.value.to_json());
            }
            AttributeMode::Delete => {
                after.remove(&key);
            }
        }
    }
    after
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::attributes::{AttributeKey, AttributeValue};
    use serde_json::json;

    #[test]
    fn the_intended_state_applies_every_entry_to_what_was_read() {
        let before = json!({"segment": "smb", "gone": 1}).as_object().cloned().unwrap_or_default();
        let update = AttributeUpdate::validate(
            "i-1",
            &[
                AttributeDraft { key: "segment".into(), value: json!("enterprise"), mode: String::new() },
                AttributeDraft { key: "priority".into(), value: json!(9), mode: "ADD".into() },
                AttributeDraft { key: "gone".into(), value: Value::Null, mode: "DELETE".into() },
            ],
        )
        .unwrap();
        let after = applied_to(&before, &update.entries);
        assert_eq!(Value::Object(after), json!({"segment": "enterprise", "priority": 9}));
    }

    /// A row writing `1` over a held `1.0` is held as intended though the
    /// tenant keeps its own spelling.
    #[test]
    fn a_read_back_takes_numbers_by_value() {
        let object = |v: Value| v.as_object().cloned().unwrap_or_default();
        let update = AttributeUpdate::validate(
            "i-1",
            &[AttributeDraft { key: "n".into(), value: json!(1), mode: "UPDATE".into() }],
        )
        .unwrap();
        let intended = applied_to(&object(json!({"n": 1.0})), &update.entries);
        assert!(touched_as_intended(&object(json!({"n": 1.0})), &intended, &update.entries));
        assert!(!touched_as_intended(&object(json!({"n": 2})), &intended, &update.entries));
        assert!(!touched_as_intended(&object(json!({})), &intended, &update.entries));
    }

    #[test]
    fn rows_that_changed_nothing_are_named_apart_from_those_applied() {
        let before: std::collections::BTreeMap<AttributeKey, AttributeValue> = [(
            AttributeKey::parse_as("k", "language").unwrap(),
            AttributeValue::parse_as("v", &json!("en")).unwrap(),
        )]
        .into();
        let update = AttributeUpdate::validate(
            "i-1",
            &[
                AttributeDraft { key: "tier".into(), value: json!("gold"), mode: "ADD".into() },
                AttributeDraft { key: "language".into(), value: json!("en"), mode: "UPDATE".into() },
                AttributeDraft { key: "priority_score".into(), value: Value::Null, mode: "DELETE".into() },
            ],
        )
        .unwrap();
        let changes = plan(&update.entries, |k| before.get(k), before.len()).unwrap();
        let summary = applied_summary(&update, Some(&changes), "Ana", "");
        assert_eq!(
            summary,
            "ADD tier applied in one request (language already so; priority_score not set, nothing to \
             delete) to interaction Ana"
        );
    }
}
