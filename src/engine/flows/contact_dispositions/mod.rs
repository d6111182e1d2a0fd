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

use super::{Settled, Trail, Webhook, request_info};
use crate::api::dialect::CallSpec;
use crate::api::{ApiError, CallInfo, Client, ETag, IdempotencyKey};
use crate::domain::contact_disposition::{ContactDispositionDraft, MAX_BATCH};
use crate::engine::audit::{RequestInfo, Target};
use crate::engine::command::{CommandId, Item};
use crate::engine::context::{Ctx, settle};
use crate::engine::event::{BatchReport, Event, Finished, Outcome};
use crate::engine::metrics::ErrorClass;
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use plan::{Plan, Planner};
use serde_json::Value;
use tokio::time::Instant;
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
    // Reads and writes of other campaigns go on while one waits out its pace.
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

/// How a change to one target ended, owning what its outcome record cites;
/// [`Ending::finish`] hands it to the audit trail.
pub(super) struct Ending {
    pub outcome: Outcome,
    pub call: Option<CallInfo>,
    pub after: Option<Value>,
    pub class: Option<ErrorClass>,
    pub webhook: Option<Webhook>,
    /// The write's latency, for an applied change.
    pub write_ms: Option<f64>,
}

impl Ending {
    pub fn new(outcome: Outcome) -> Self {
        Self { outcome, call: None, after: None, class: None, webhook: None, write_ms: None }
    }

    /// A refusal or failure reported by the client, as the engine reads it.
    pub fn error(error: &ApiError) -> Self {
        let (outcome, class) = settle(error);
        Self { call: Some((*error.call).clone()), class: Some(class), ..Self::new(outcome) }
    }

    pub fn call(mut self, call: CallInfo) -> Self {
        self.call = Some(call);
        self
    }

    pub fn class(mut self, class: ErrorClass) -> Self {
        self.class = Some(class);
        self
    }

    /// Records the outcome (and queues the webhook of an applied change);
    /// returns the outcome to report.
    pub async fn finish(self, trail: Trail<'_>, started: Instant) -> Outcome {
        let Self { outcome, call, after, class, webhook, .. } = self;
        let mut settled = Settled::new(outcome);
        if let Some(call) = &call {
            settled = settled.call(call);
        }
        if let Some(after) = after {
            settled = settled.after(after);
        }
        if let Some(class) = class {
            settled = settled.class(class);
        }
        if let Some(webhook) = webhook {
            settled = settled.webhook(webhook);
        }
        trail.finish(settled, started.elapsed()).await
    }
}

/// The intent form of a write about to be sent: its method and path, the
/// guards it carries, and the exact bytes of its body.
pub(super) fn planned_request(
    api: &Client,
    spec: &CallSpec,
    etag: Option<&ETag>,
    key: &IdempotencyKey,
) -> (RequestInfo, Vec<u8>) {
    let mut url = api.base_url().clone();
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(&spec.segments);
    }
    let mut call = CallInfo::new(spec.method.clone(), url.path().to_string());
    call.etag_sent = etag.map(|t| t.as_str().to_string());
    call.idempotency_key = Some(key.as_str().to_string());
    let body = spec.body.as_ref().map(|b| b.to_string().into_bytes()).unwrap_or_default();
    (request_info(&call), body)
}
