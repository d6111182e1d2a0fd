//! The five operations, each as its document describes, and the audit
//! trail every one of them follows.
//!
//! A change goes: validate → intent record (durable) → remote write with
//! the retry and conflict policy → webhook queued (durable) → outcome record
//! (durable) → event. The webhook is queued before the outcome is recorded,
//! under an id derived from the change, so a crash between the two leaves an
//! intent that start-up reconciles without queueing the webhook twice.

mod action_metrics;
pub(crate) mod action_names;
mod agent_status;
pub(super) mod attributes;
mod attribution;
mod contact_dispositions;
mod data_actions;
mod ending;
mod interaction_disposition;
mod trail;
mod tries;

pub(crate) use action_names::by_name as data_actions_by_name;
pub(crate) use action_names::one_named as one_action_named;
pub(crate) use agent_status::target as agent_target;
pub(crate) use contact_dispositions::target as contact_target;
pub(crate) use ending::again;
pub(crate) use trail::{Settled, Trail, Webhook};

use super::command::{Change, CommandId};
use super::context::Ctx;
use super::event::Finished;
use super::tally::Tally;
use super::waits::Waits;
use crate::api::watch;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// Runs one command to its end, the console told what it waits on; a
/// batch counts its targets' outcomes in `tally`.
pub(crate) async fn run(
    ctx: &Ctx,
    id: &CommandId,
    change: Change,
    (cancel, tally): (&CancellationToken, &Tally),
) -> Finished {
    let waits = Arc::new(Waits::new(id, &ctx.events));
    watch::watched(waits.clone(), change_to_its_end(ctx, id, change, (cancel, tally), &waits)).await
}

async fn change_to_its_end(
    ctx: &Ctx,
    id: &CommandId,
    change: Change,
    (cancel, tally): (&CancellationToken, &Tally),
    waits: &Waits,
) -> Finished {
    match change {
        Change::InteractionDisposition { interaction_id, dispositions, name } => {
            let target = interaction_disposition::target(&interaction_id, name);
            interaction_disposition::run(ctx, id, target, &interaction_id, &dispositions, cancel).await
        }
        Change::ContactDispositions(items) => {
            contact_dispositions::run(ctx, id, items, (cancel, tally), waits).await
        }
        Change::Attributes { interaction_id, rows, name } => {
            let target = interaction_disposition::target(&interaction_id, name);
            attributes::run(ctx, id, target, &interaction_id, &rows, cancel).await
        }
        Change::WatchAttributes => attributes::watch(ctx, id).await,
        Change::AgentStatus(items) => agent_status::run(ctx, id, items, (cancel, tally)).await,
        Change::DataAction(change) => data_actions::run(ctx, id, change).await,
    }
}
