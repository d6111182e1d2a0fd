//! Start-up recovery: settle the changes a crash left without an outcome.
//!
//! An intent without an outcome is a write that may or may not have reached
//! the tenant. Start-up reads its target back and compares it with the
//! intended state the intent recorded in `after`:
//!
//! * **applied** — the target holds that state. A `reconciled` record says
//!   so, and the change's webhook is queued under the id derived from the
//!   change, so one lost in the crash is sent and one already queued is not
//!   queued twice;
//! * **not applied** — it does not: the write never landed (or was undone
//!   since). A `reconciled` record says so; nothing is re-sent, as the
//!   supervisor decides whether the change is still wanted;
//! * **unknown** — the target could not be read. No record is written, so
//!   the intent stays pending and is checked again at the next start.
//!
//! # What an intent must record
//!
//! Each flow writes its intent through [`intents`], and `after` holds:
//!
//! | target | action | `after` |
//! |---|---|---|
//! | interaction | `set_interaction_disposition` | `{"dispositions": [{code, description, agent_id, timestamp, source, notes?}]}` |
//! | interaction | `update_attributes` | `{"attributes": {key: value}}`, every attribute as intended; `before` the same as read |
//! | data action (named by its name) | `deploy_data_action` | `{"name", "version", "handlerUrl"}` |
//! | data action | `new_data_action_version` | `{"version"}` |
//! | data action | `deprecate_data_action` | `{"isDeprecated": true}` |
//! | contact (with its campaign) | any | `{"outcomeCode": …}` |
//! | user | any | `{"status": …, "pauseReason": … or null}`, and `wrapUpCode` and `autoAvailable` when the change set them; `before` the status and reason as read |
//! | webhook (named by its name) | `register_attribute_callbacks` | `{"name", "uri"}` |
//! | webhook (by its id) | `remove_attribute_callbacks` | `{"removed": true}` |
//!
//! Contacts and users are read back whatever the action's name. The webhooks
//! start-up queues are built by [`announcements`], which the flows use too.

pub(crate) mod announcements;
pub(crate) mod intents;
mod read_back;

use super::audit::{AuditEntry, AuditRecord, OpenReport, Target, TargetKind};
use super::context::Ctx;
use super::event::{Outcome, Recovery};
use super::outbox::Message;
use intents::Intended;
use read_back::{Found, Unreadable};
use serde_json::Value;

/// Reads back the target of every intent left without outcome and records
/// what it found; reports the logs' own repairs and the waiting webhooks.
pub(crate) async fn recover(ctx: &Ctx, report: &OpenReport) -> Recovery {
    let mut unreachable = None;
    let mut reconciled = Vec::with_capacity(report.pending.len());
    let (mut still_pending, mut undecided) = (Vec::new(), Vec::new());
    for intent in &report.pending {
        let item = intent.entry.command_id.clone().unwrap_or_default();
        let outcome = match settle(ctx, intent, &mut unreachable).await {
            Verdict::Settled(outcome) => outcome,
            Verdict::Undecided(outcome) => {
                undecided.push(item.clone());
                outcome
            }
            Verdict::Pending(outcome) => {
                still_pending.push(item.clone());
                outcome
            }
        };
        if outcome.is_applied() {
            // Recorded as applied: the run that re-sends this change (a
            // re-run batch file) skips it like any change applied before.
            ctx.applied_earlier(&item);
        }
        tracing::info!(%item, %outcome, "reconciled a change left unsettled by a crash");
        reconciled.push((item, outcome));
    }
    Recovery {
        repairs: report.repairs.iter().filter_map(|r| r.entry.reason.clone()).collect(),
        outbox_repairs: ctx.outbox.repairs(),
        reconciled,
        still_pending,
        undecided,
        webhooks_waiting: ctx.outbox.pending().len(),
    }
}

/// What start-up made of one intent.
enum Verdict {
    /// Found applied or not, and recorded so.
    Settled(Outcome),
    /// Read back, but whether it was applied cannot be told; recorded so.
    Undecided(Outcome),
    /// Not known: nothing recorded, the intent is checked again next start.
    Pending(Outcome),
}

/// Settles one intent. Once the tenant has proved unreachable, the rest are
/// left pending without trying, so start-up does not wait on each in turn.
async fn settle(ctx: &Ctx, intent: &AuditRecord, unreachable: &mut Option<String>) -> Verdict {
    let entry = &intent.entry;
    let (Some(item), Some(action), Some(target)) = (&entry.command_id, &entry.action, &entry.target) else {
        return unknown("an intent", "it does not name its change, action and target");
    };
    let what = format!("{action} on {} {}", kind_name(target.kind), target.id);
    if let Some(why) = unreachable.as_deref() {
        return unknown(&what, &format!("not tried: {why}"));
    }
    let intended = match Intended::read(target.kind, action, entry.before.as_ref(), entry.after.as_ref()) {
        Ok(intended) => intended,
        Err(why) => return unknown(&what, &why),
    };
    let redacted = intended.holds_redaction();
    let found = match read_back::read(&ctx.api, target, &intended, intent.time).await {
        Ok(found) if redacted => found.despite_redaction(),
        Ok(found) => found,
        Err(Unreadable { reason, unreachable: down }) => {
            if down {
                *unreachable = Some(format!("the tenant could not be reached ({reason})"));
            }
            return unknown(&what, &reason);
        }
    };
    let undecided = matches!(found, Found::Undecided { .. });
    let (outcome, state) = match found {
        Found::Applied { state, webhook, detail } => {
            if let Some(hook) = webhook.filter(|hook| ctx.announces(hook.target)) {
                let subject = target.subject();
                let message = Message {
                    target: hook.target,
                    event_type: hook.event_type,
                    body: hook.body,
                    subject: Some(&subject),
                };
                // Named as the run that sent it named it: by the change's
                // first intent not settled since.
                if let Err(e) = ctx.outbox.enqueue_as(ctx.announcing(item, Some(&intent.hash)), message).await
                {
                    return unknown(
                        &what,
                        &format!("it was applied, but its webhook could not be queued ({e})"),
                    );
                }
            }
            (Outcome::applied(format!("{what} was applied before the restart: {detail}")), state)
        }
        Found::NotApplied { state, detail } => {
            let text = format!(
                "{what} was not applied before the restart, or was changed since ({detail}); start-up \
                 sends nothing again: submit it again, or run its file again, if it is still wanted"
            );
            (Outcome::failed(text), state)
        }
        Found::Undecided { state, detail } => {
            let text = format!(
                "whether {what} was applied before the restart cannot be told ({detail}); start-up sends \
                 nothing again: look at the target, and submit it again, or run its file again, if it is still \
                 wanted"
            );
            (Outcome::failed(text), state)
        }
    };
    match record(ctx, intent, item, action, target, &outcome, state).await {
        Some(pending) => pending,
        None if undecided => Verdict::Undecided(outcome),
        None => Verdict::Settled(outcome),
    }
}

/// Appends the `reconciled` record; on failure, the verdict to report instead.
async fn record(
    ctx: &Ctx,
    intent: &AuditRecord,
    item: &str,
    action: &str,
    target: &Target,
    outcome: &Outcome,
    found: Value,
) -> Option<Verdict> {
    let entry = &intent.entry;
    let config = &ctx.config;
    let mut reconciled = AuditEntry::reconciled(item, action, target.clone(), outcome.kind())
        .by(
            entry.operator.as_deref().unwrap_or(&config.operator),
            entry.client_id.as_deref().unwrap_or(&config.client_id),
            entry.correlation_id.as_deref().unwrap_or(item),
        )
        .reason(outcome.text())
        .after(found);
    if let Some(before) = &entry.before {
        reconciled = reconciled.before(before.clone());
    }
    match ctx.audit.append(reconciled).await {
        Ok(_) => None,
        Err(e) => Some(unknown(
            &format!("{action} on {} {}", kind_name(target.kind), target.id),
            &format!("{}, but the audit log could not record it ({e})", outcome.text()),
        )),
    }
}

fn unknown(what: &str, why: &str) -> Verdict {
    Verdict::Pending(Outcome::failed(format!(
        "unknown whether {what} was applied: {why}; it stays pending and is checked again at the next start"
    )))
}

fn kind_name(kind: TargetKind) -> &'static str {
    match kind {
        TargetKind::Interaction => "interaction",
        TargetKind::Contact => "contact",
        TargetKind::User => "user",
        TargetKind::DataAction => "data action",
        TargetKind::Webhook => "webhook registration",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_verdict_says_the_change_stays_pending() {
        let Verdict::Pending(u) = unknown("deprecate_data_action on data action da-1", "not found") else {
            panic!("an unknown verdict leaves the intent pending")
        };
        assert!(u.text().starts_with("unknown whether deprecate_data_action"), "{u}");
        assert!(u.text().contains("stays pending"), "{u}");
        assert!(!u.is_applied());
    }
}
