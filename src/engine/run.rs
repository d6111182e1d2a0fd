//! The engine's task: takes commands, runs each change as its own task, and
//! forwards metrics, audit records and outbox status as events.

use super::command::{Command, CommandId};
use super::context::Ctx;
use super::event::{Event, Finished, Outcome, RuleBook};
use super::flows;
use super::in_flight::{Ended, InFlight};
use super::metrics::spawn_publisher;
use super::outbox::Deliverer;
use super::refresh::Refresher;
use super::webhooks;
use crate::engine::outbox::OutboxStatus;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Semaphore, broadcast, mpsc};
use tokio_util::sync::CancellationToken;

/// Serves commands until `Shutdown` (or every sender is gone) and the
/// changes in flight have finished, then closes the logs. While it winds
/// down, a `Cancel` still stops a batch starting targets: quitting may mean
/// "skip the rest"; nothing new is started.
pub(crate) async fn serve(
    ctx: Arc<Ctx>,
    mut inbox: mpsc::Receiver<Command>,
    refresher: Refresher,
    deliverer: Deliverer,
    cancel: CancellationToken,
) -> OutboxStatus {
    let mut flows = InFlight::default();
    let turns = Arc::new(Semaphore::new(ctx.config.commands_at_once.max(1)));
    let (mut closing, mut heard_all) = (false, false);
    while !(closing && flows.is_empty()) {
        tokio::select! {
            command = inbox.recv(), if !heard_all => match command {
                Some(Command::Submit { id, .. }) if closing => {
                    let outcome = Outcome::rejected("the console is shutting down; this change was not sent");
                    ctx.emit(answer(id, outcome)).await;
                }
                Some(Command::Submit { id, change }) => {
                    ctx.emit(Event::Accepted { id: id.clone(), total: change.len() }).await;
                    let stop = cancel.child_token();
                    let ctx = Arc::clone(&ctx);
                    let turn = Arc::clone(&turns).acquire_owned();
                    flows.spawn(id.clone(), stop.clone(), async move {
                        // The semaphore is fair, so waiting commands start about in the
                        // order they came. One cancelled while it waits goes without its
                        // turn: its flow sends nothing and only records that it did not start.
                        let _turn = tokio::select! {
                            biased;
                            turn = turn => Some(turn),
                            () = stop.cancelled(), if change.stops_unstarted() => None,
                        };
                        let result = if change.writes() && ctx.config.read_only {
                            Finished::Single {
                                target: None,
                                outcome: Outcome::rejected("the console is read-only; no change was sent"),
                            }
                        } else {
                            flows::run(&ctx, &id, change, &stop).await
                        };
                        ctx.emit(Event::Finished { id, result }).await;
                    });
                }
                Some(Command::Cancel { id }) => flows.cancel(&id),
                Some(Command::Refresh) if !closing => refresher.now(),
                Some(Command::Reload) if !closing => refresher.whole(),
                Some(Command::LoadRules) if !closing => {
                    let ctx = Arc::clone(&ctx);
                    tokio::spawn(async move {
                        let rules = rule_book(&ctx).await;
                        ctx.emit(Event::Rules(rules)).await;
                    });
                }
                Some(Command::ResendWebhooks { id }) if !closing => {
                    let ctx = Arc::clone(&ctx);
                    tokio::spawn(async move {
                        let outcome = webhooks::resend(&ctx).await;
                        ctx.emit(answer(id, outcome)).await;
                    });
                }
                Some(Command::ResendWebhooks { id }) => {
                    let outcome = Outcome::rejected("the console is shutting down; no webhook was put back in line");
                    ctx.emit(answer(id, outcome)).await;
                }
                Some(Command::ListWebhooks { id }) => {
                    let outcome = webhooks::list(&ctx);
                    ctx.emit(answer(id, outcome)).await;
                }
                Some(Command::Refresh | Command::Reload | Command::LoadRules) => {}
                Some(Command::Shutdown) => closing = true,
                None => (closing, heard_all) = (true, true),
            },
            Some(ended) = flows.next() => {
                if let Ended::Panicked { id, message } = ended {
                    tracing::error!(command = %id, "a change's task panicked: {message}");
                    ctx.emit(answer(id, Outcome::failed(PANICKED))).await;
                }
            }
        }
    }
    cancel.cancel();
    flows::attributes::unwatch(&ctx).await;
    let status = deliverer.status();
    deliverer.stopped().await;
    ctx.audit.close().await;
    ctx.outbox.close().await;
    status.borrow().clone()
}

/// A change whose task panicked: an internal fault, not the tenant's. It
/// may have been sent; an intent it recorded without an outcome is read
/// back at the next start.
const PANICKED: &str = "the console met an internal fault while making this change and stopped it (the log file \
     says where); it may have reached the tenant: look at the target before sending it again (the next start \
     reads back what the audit log shows was sent)";

/// The end of a command that has one outcome and no target of its own.
fn answer(id: CommandId, outcome: Outcome) -> Event {
    Event::Finished { id, result: Finished::Single { target: None, outcome } }
}

/// The tenant's rules as cached (read when stale), both lists asked at
/// once and each in words when unreadable.
async fn rule_book(ctx: &Ctx) -> RuleBook {
    let (pause_reasons, dispositions) =
        tokio::join!(ctx.rules.pause_reasons(false), ctx.rules.disposition_matrix(false));
    RuleBook {
        pause_reasons: pause_reasons
            .map_err(|e| format!("the tenant's pause reasons could not be read: {e}")),
        dispositions: dispositions
            .map_err(|e| format!("the tenant's disposition matrix could not be read: {e}")),
    }
}

/// Forwards metrics snapshots and audit records as events until `cancel` fires.
pub(crate) fn forward_metrics_and_audit(ctx: &Arc<Ctx>, period: Duration, cancel: &CancellationToken) {
    let publisher = spawn_publisher(ctx.metrics.clone(), period, cancel.child_token());
    let mut snapshots = publisher.snapshots;
    let events = ctx.events.clone();
    tokio::spawn(async move {
        while snapshots.changed().await.is_ok() {
            let snapshot = Arc::clone(&snapshots.borrow_and_update());
            if events.send(Event::Metrics(snapshot)).await.is_err() {
                break;
            }
        }
    });

    let mut records = ctx.audit.subscribe();
    let events = ctx.events.clone();
    let stop = cancel.clone();
    tokio::spawn(async move {
        loop {
            let record = tokio::select! {
                r = records.recv() => r,
                () = stop.cancelled() => break,
            };
            match record {
                Ok(record) => {
                    if events.send(Event::Audit(record)).await.is_err() {
                        break;
                    }
                }
                // A console too slow to follow loses lines from its pane,
                // never from the log itself.
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => break,
            }
        }
    });
}

/// Forwards the deliverer's status as events, and into the metrics' gauges.
pub(crate) fn forward_outbox_status(ctx: &Arc<Ctx>, deliverer: &Deliverer) {
    let mut status = deliverer.status();
    let events = ctx.events.clone();
    let metrics = ctx.metrics.clone();
    tokio::spawn(async move {
        while status.changed().await.is_ok() {
            let now = status.borrow_and_update().clone();
            metrics.set_webhook_backlog(now.backlog as u64);
            metrics.set_oldest_waiting(now.oldest_pending);
            if events.send(Event::Outbox(now)).await.is_err() {
                break;
            }
        }
    });
}
