//! Outbound contact dispositions (document 001): one command, many contacts.
//!
//! Each entry is checked against its campaign's outcome matrix and against
//! the others (a contact twice in a batch, or already done this session, is
//! sent once). What remains is applied with at most `batch_concurrency`
//! requests at the tenant at once, never more than
//! [`MAX_BATCH`](crate::domain::contact_disposition::MAX_BATCH), every
//! request paced by its campaign's rate; each contact is read first, so one
//! the dialer holds or that already has the outcome is left alone.

mod behind;
mod paced;
mod places;
mod plan;
mod turns;
mod worker;

pub(super) use super::ending::{Conflicts, Ending, Tries, again, not_landed, unsettled};
pub(crate) use plan::target;

use crate::domain::contact_disposition::{ContactDispositionDraft, MAX_BATCH};
use crate::engine::SkipKey;
use crate::engine::audit::Target;
use crate::engine::command::{CommandId, Item};
use crate::engine::context::Ctx;
use crate::engine::event::{Event, Finished, Outcome, Write};
use crate::engine::tally::{Count, Tally};
use crate::engine::waits::Waits;
use behind::{After, Behind};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use places::Places;
use plan::{Plan, Planner, Ready};
use tokio_util::sync::CancellationToken;
use turns::Turns;

/// Contacts under way for each request allowed at the tenant. A contact
/// spends part of its time on no request (waiting for its intent or outcome
/// to be durable); with a few more contacts than request places, another
/// contact's request fills each such wait.
const CONTACTS_PER_PLACE: usize = 4;

pub(crate) async fn run(
    ctx: &Ctx,
    id: &CommandId,
    items: Vec<Item<ContactDispositionDraft>>,
    (cancel, tally): (&CancellationToken, &Tally),
    waits: &Waits,
) -> Finished {
    let mut batch = Batch { ctx, id, total: items.len(), tally };
    let at_once = ctx.config.batch_concurrency.clamp(1, MAX_BATCH);
    plan::warm(ctx, &items, at_once, cancel).await;
    let mut planner = Planner::new(ctx, id, tally, &items);
    let mut ready = Turns::default();
    let mut behind = Behind::default();
    for item in items {
        // Cancelled while the entries were checked: the rest never start.
        let planned = if cancel.is_cancelled() {
            Plan::Done(planner.unstarted(item).await)
        } else {
            planner.plan(item).await
        };
        match planned {
            Plan::Ready(contact) => ready.push(contact),
            Plan::Behind { contact, holder } => behind.queue(holder, contact),
            Plan::Done(done) => batch.record(done).await,
        }
    }
    // A 429 ends the call at once, to pause its campaign's pace (see `paced`)
    // while the other campaigns' contacts go on.
    let client = ctx.api.surfacing_rate_limits();
    // A place at the tenant is held only while a request is out, so a
    // contact waiting for its records to be durable lets another's request
    // go, and a contact that has read writes before more are read (see
    // `places`); the contacts under way are bounded too, those recording how
    // they ended included.
    let places = Places::new(at_once);
    let under_way = at_once * CONTACTS_PER_PLACE;
    let mut asking = FuturesUnordered::new();
    let mut settling = FuturesUnordered::new();
    loop {
        // Once cancelled, the contacts not under way end at once, each with
        // its record that it was not started, rather than as places free.
        while asking.len() + settling.len() < under_way || cancel.is_cancelled() {
            // A paused campaign's contacts wait for another campaign's to
            // start first; with nothing under way, one starts to wait out
            // the pause, or the batch would end with them unstarted.
            let idle = asking.is_empty() && settling.is_empty();
            let unpaused = |campaign: &str| ctx.campaign_pacing.paused_for(campaign).is_none();
            let Some(contact) = ready.next(|campaign| idle || cancel.is_cancelled() || unpaused(campaign))
            else {
                break;
            };
            asking.push(worker::ask(ctx, &client, &places, contact, (cancel, waits)));
        }
        if asking.is_empty() && settling.is_empty() {
            break;
        }
        // Room left with contacts ready means their campaigns are all paused:
        // the first pause to end starts one, not the next contact to settle.
        let room = asking.len() + settling.len() < under_way;
        let unpaused_in =
            ready.campaigns().filter(|_| room).filter_map(|c| ctx.campaign_pacing.paused_for(c)).min();
        tokio::select! {
            Some(answered) = asking.next(), if !asking.is_empty() => settling.push(answered.settle()),
            Some(done) = settling.next(), if !settling.is_empty() => {
                let after = behind.ended(&done);
                batch.record(done).await;
                if let Some(next) = batch.after(after, &planner, &mut behind).await {
                    ready.push(next);
                }
            }
            () = cancel.cancelled(), if !ready.is_empty() => {}
            () = tokio::time::sleep(unpaused_in.unwrap_or_default()), if unpaused_in.is_some() => {}
        }
    }
    let mut report = tally.report();
    let unstarted = report.skipped().contains_key(&SkipKey::Unstarted);
    report.set_cancelled(cancel.is_cancelled() && unstarted);
    Finished::Batch(report)
}

/// One contact's end, as the batch reports it.
pub(super) struct Done {
    pub item: CommandId,
    pub target: Target,
    pub outcome: Outcome,
    /// Whether its write was sent, with its latency once applied.
    pub write: Write,
}

/// The running report of one command.
struct Batch<'a> {
    ctx: &'a Ctx,
    id: &'a CommandId,
    total: usize,
    /// Where the outcomes are counted, for the engine to read should the
    /// batch's task panic.
    tally: &'a Tally,
}

impl Batch<'_> {
    /// Settles what waited behind an entry that ended (see `behind`): the
    /// next entry for its contact, once it takes the contact, to be sent;
    /// or each entry waiting, as a duplicate of the one that ended.
    async fn after<'a>(
        &mut self,
        mut after: After<'a>,
        planner: &Planner<'a>,
        behind: &mut Behind<'a>,
    ) -> Option<Ready<'a>> {
        loop {
            match after {
                After::Nothing => return None,
                After::Next(contact) => {
                    let claim = contact.claim();
                    match planner.take(contact, tokio::time::Instant::now()).await {
                        Ok(contact) => {
                            behind.hold(contact.trail.item().clone(), claim);
                            return Some(contact);
                        }
                        // Another change of the session took the contact:
                        // this one is skipped, which leaves it to the next.
                        Err(done) => {
                            after = behind.after(&claim, &done);
                            self.record(done).await;
                        }
                    }
                }
                After::Duplicates(contacts, outcome) => {
                    for contact in contacts {
                        let done = planner.duplicate(contact, &outcome).await;
                        self.record(done).await;
                    }
                    return None;
                }
            }
        }
    }

    /// Counts an entry's outcome (already durable) and tells the console.
    async fn record(&mut self, done: Done) {
        let Done { item, target, outcome, write } = done;
        let Count { done, release } = self.tally.count(&item, &outcome, write);
        if let Some(claim) = release {
            self.ctx.release_claim(&claim);
        }
        let id = self.id.clone();
        self.ctx.emit(Event::ItemFinished { id: id.clone(), item, target, outcome }).await;
        self.ctx.emit(Event::Progress { id, done, total: self.total }).await;
    }
}
