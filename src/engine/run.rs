//! The engine's task: takes commands, runs each change as its own task, and
//! forwards metrics, audit records and outbox status as events.

use super::command::{Command, CommandId};
use super::context::{Claim, Ctx};
use super::event::{Event, Finished, Outcome, RuleBook};
use super::flows;
use super::in_flight::{Ended, InFlight};
use super::metrics::spawn_publisher;
use super::outbox::Deliverer;
use super::refresh::Refresher;
use super::tally::{CutShort, Tally};
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
                    let tally = Arc::new(Tally::of(&change));
                    let ctx = Arc::clone(&ctx);
                    let turn = Arc::clone(&turns).acquire_owned();
                    flows.spawn(id.clone(), (stop.clone(), Arc::clone(&tally)), async move {
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
                            flows::run(&ctx, &id, change, (&stop, &tally)).await
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
                Some(Command::ResendWebhooks { id, only }) if !closing => {
                    let ctx = Arc::clone(&ctx);
                    tokio::spawn(async move {
                        let outcome = webhooks::resend(&ctx, only.as_ref()).await;
                        ctx.emit(answer(id, outcome)).await;
                    });
                }
                Some(Command::ResendWebhooks { id, .. }) => {
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
                if let Ended::Panicked { id, message, tally, cancelled } = ended {
                    tracing::error!(command = %id, "a change's task panicked: {message}");
                    let (events, claims) = panicked(id, &tally, cancelled);
                    for claim in &claims {
                        ctx.release_claim(claim);
                    }
                    for event in events {
                        ctx.emit(event).await;
                    }
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

/// A target of a batch whose task panicked before starting it.
const PANICKED_UNSTARTED: &str = "the console met an internal fault while making this batch and stopped it \
     before this target was started (the log file says where); nothing of it was sent: send it again";

/// What the engine tells of a command whose task panicked: a batch's
/// targets it had not reported, each failed, then its report counting them
/// with the rest; any other change's one outcome. With them, the contacts
/// the batch held in the session's set and did not finish.
fn panicked(id: CommandId, tally: &Tally, cancelled: bool) -> (Vec<Event>, Vec<Claim>) {
    let (started, unstarted) = (Outcome::failed(PANICKED), Outcome::failed(PANICKED_UNSTARTED));
    let Some(cut) = tally.cut(&CutShort { started: &started, unstarted: &unstarted, cancelled }) else {
        return (vec![answer(id, started)], Vec::new());
    };
    let mut events: Vec<Event> = cut
        .unreported
        .into_iter()
        .map(|(item, target, outcome)| Event::ItemFinished { id: id.clone(), item, target, outcome })
        .collect();
    events.push(Event::Finished { id, result: cut.result });
    (events, cut.claims)
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::contact_disposition::ContactDispositionDraft;
    use crate::engine::command::{Change, Item};
    use crate::engine::event::Write;

    /// A contact batch whose task panics after one contact: the two it had
    /// not reported end failed, in the words a panicked change ends with,
    /// and its report counts all three.
    #[tokio::test]
    async fn a_batch_whose_task_panicked_reports_every_target() {
        let base = CommandId::derived([b"batch".as_slice()]);
        let draft = |i: usize| ContactDispositionDraft {
            contact_id: format!("c-{i}"),
            campaign_id: "k".into(),
            ..Default::default()
        };
        let items: Vec<_> = (0..3).map(|i| Item::new(base.item(i), draft(i))).collect();
        let first = items[0].id.clone();
        let tally = Arc::new(Tally::of(&Change::ContactDispositions(items)));
        let mut flows = InFlight::default();
        let counting = Arc::clone(&tally);
        let second = base.item(1);
        flows.spawn(base.clone(), (CancellationToken::new(), Arc::clone(&tally)), async move {
            for item in [&first, &second] {
                counting.started(item, Some(("k".into(), item.to_string())));
            }
            // Applied, it hands back no place to let go of.
            let _ = counting.count(&first, &Outcome::applied("ok"), Write::Sent { latency_ms: Some(5.0) });
            panic!("index 3 out of range");
        });
        let Some(Ended::Panicked { id, tally, cancelled, .. }) = flows.next().await else {
            panic!("the task panicked")
        };
        let (events, claims) = panicked(id, &tally, cancelled);
        assert_eq!(claims, [("k".to_string(), base.item(1).to_string())], "the one started is let go");
        let items: Vec<(&CommandId, &Outcome)> = events
            .iter()
            .filter_map(|e| match e {
                Event::ItemFinished { item, outcome, .. } => Some((item, outcome)),
                _ => None,
            })
            .collect();
        assert_eq!(
            items,
            [
                (&base.item(1), &Outcome::failed(PANICKED)),
                (&base.item(2), &Outcome::failed(PANICKED_UNSTARTED))
            ]
        );
        let Some(Event::Finished { id, result: Finished::Batch(report) }) = events.last() else {
            panic!("the batch ends with its report: {events:?}")
        };
        assert_eq!(*id, base);
        assert_eq!((report.total(), report.successful(), report.failed(), report.unwritten()), (3, 1, 1, 1));
        assert!(Finished::Batch(report.clone()).has_failures());
    }

    #[test]
    fn a_single_change_whose_task_panicked_ends_failed() {
        let id = CommandId::derived([b"one".as_slice()]);
        let (events, claims) = panicked(id.clone(), &Tally::of(&Change::WatchAttributes), false);
        assert!(claims.is_empty());
        let [Event::Finished { id: of, result: Finished::Single { outcome, .. } }] = events.as_slice() else {
            panic!("one outcome: {events:?}")
        };
        assert_eq!((of, outcome), (&id, &Outcome::failed(PANICKED)));
    }
}
