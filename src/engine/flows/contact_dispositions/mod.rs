//! Outbound contact dispositions (document 001): one command, many contacts.
//!
//! Each entry is checked against its campaign's outcome matrix and against
//! the others (a contact twice in a batch, or already done this session, is
//! sent once). What remains is applied in waves of at most
//! [`MAX_BATCH`](crate::domain::contact_disposition::MAX_BATCH), a few
//! contacts at a time, every request paced by its campaign's rate; each
//! contact is read first, so one the dialer holds or that already has the
//! outcome is left alone.

mod paced;
mod plan;
mod worker;

pub(super) use super::ending::{Ending, again, try_again, unsettled};

use crate::domain::contact_disposition::{ContactDispositionDraft, MAX_BATCH};
use crate::engine::audit::Target;
use crate::engine::command::{CommandId, Item};
use crate::engine::context::Ctx;
use crate::engine::event::{BatchReport, Event, Finished, Outcome};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use plan::{Plan, Planner};
use tokio_util::sync::CancellationToken;

pub(crate) async fn run(
    ctx: &Ctx,
    id: &CommandId,
    items: Vec<Item<ContactDispositionDraft>>,
    cancel: &CancellationToken,
) -> Finished {
    let mut batch = Batch { ctx, id, total: items.len(), report: BatchReport::default() };
    let mut planner = Planner::new(ctx, id);
    let mut ready = Vec::new();
    for item in items {
        match planner.plan(item).await {
            Plan::Ready(contact) => ready.push(contact),
            Plan::Done(done) => batch.record(done).await,
        }
    }
    // A 429 ends the call at once, to pause its campaign's pace (see `paced`)
    // while the other campaigns' contacts go on.
    let client = ctx.api.surfacing_rate_limits();
    let at_once = ctx.config.batch_concurrency.clamp(1, MAX_BATCH);
    let mut ready = ready.into_iter().peekable();
    while ready.peek().is_some() {
        let mut wave = ready.by_ref().take(MAX_BATCH);
        let mut running = FuturesUnordered::new();
        loop {
            while running.len() < at_once
                && let Some(contact) = wave.next()
            {
                running.push(worker::apply(ctx, &client, contact, cancel));
            }
            let Some(done) = running.next().await else { break };
            batch.record(done).await;
        }
    }
    batch.report.cancelled = cancel.is_cancelled() && batch.report.skipped.contains_key(worker::CANCELLED);
    Finished::Batch(batch.report)
}

/// One contact's end, as the batch reports it.
pub(super) struct Done {
    pub item: CommandId,
    pub target: Target,
    pub outcome: Outcome,
    /// The write's latency, for an applied change.
    pub write_ms: Option<f64>,
    /// The (campaign, contact) this entry held in the session's set.
    pub claim: Option<(String, String)>,
}

/// The running report of one command.
struct Batch<'a> {
    ctx: &'a Ctx,
    id: &'a CommandId,
    total: usize,
    report: BatchReport,
}

impl Batch<'_> {
    /// Counts an entry's outcome (already durable) and tells the console.
    async fn record(&mut self, done: Done) {
        let Done { item, target, outcome, write_ms, claim } = done;
        if let Some(claim) = claim.filter(|_| !outcome.is_applied()) {
            // Not done after all: a later batch this session may try it again.
            self.ctx.processed_contacts.lock().unwrap_or_else(|p| p.into_inner()).remove(&claim);
        }
        self.report.count(&outcome, write_ms);
        let id = self.id.clone();
        self.ctx.emit(Event::ItemFinished { id: id.clone(), item, target, outcome }).await;
        self.ctx.emit(Event::Progress { id, done: self.report.total, total: self.total }).await;
    }
}
