//! Entity snapshots kept fresh for the console.
//!
//! Each kind (agents, interactions, campaigns, contacts, data actions) is
//! read by its own task through its list endpoint: everything the first
//! time, then every `refresh_every` only what changed since the tenant's
//! last `asOf`, merged by id. A table is published only when a row differs.
//! List endpoints do not tell of removals, so every [`RESYNC_EVERY`], and
//! whenever the supervisor asks, a kind is read whole again. A failing kind backs off on its own; the link's
//! state is reported as the rounds find it.

mod link;
mod mirror;
mod paging;
mod schedule;
mod sources;

use super::context::Ctx;
use super::event::Event;
use link::LinkWatch;
use mirror::Mirror;
use schedule::Round;
use sources::Source;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// How often a kind is read whole, to drop what the tenant removed.
pub const RESYNC_EVERY: Duration = Duration::from_secs(600);

/// Asks for whole reads, counted; each kind remembers the last it met.
/// Shared by the supervisor's reload and the flows, which ask when a target
/// turns out gone (404): the round after the change then drops its row.
#[derive(Clone, Default)]
pub(crate) struct WholeReads(Arc<AtomicU64>);

impl WholeReads {
    /// The next round of every kind reads it whole.
    pub fn ask(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    fn asked(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Asks the refresh tasks for an early round.
pub(crate) struct Refresher {
    asks: Arc<watch::Sender<u64>>,
    wholes: WholeReads,
}

impl Refresher {
    /// Every kind reads again as soon as its current round (if any) ends.
    /// Asks made together make one round.
    pub fn now(&self) {
        self.asks.send_modify(|asked| *asked = asked.wrapping_add(1));
    }

    /// As [`Self::now`], reading every kind whole, so that rows the tenant
    /// removed since the last whole read leave the tables.
    pub fn whole(&self) {
        self.wholes.ask();
        self.now();
    }
}

/// Starts one task per kind, stopped by `cancel` or when the returned
/// [`Refresher`] is dropped. A `refresh_every` of zero starts none: a
/// headless run (`apply`) needs no snapshots.
pub(crate) fn spawn(ctx: Arc<Ctx>, cancel: CancellationToken) -> Refresher {
    let refresher = Refresher { asks: Arc::new(watch::channel(0).0), wholes: ctx.whole_reads.clone() };
    if ctx.config.refresh_every.is_zero() {
        return refresher;
    }
    let link = Arc::new(LinkWatch::new(ctx.api.clone(), ctx.events.clone(), Arc::downgrade(&refresher.asks)));
    start_kind(&ctx, &link, sources::Agents::default(), &refresher, &cancel);
    start_kind(&ctx, &link, sources::Interactions::default(), &refresher, &cancel);
    start_kind(&ctx, &link, sources::Campaigns::default(), &refresher, &cancel);
    start_kind(&ctx, &link, sources::Contacts::default(), &refresher, &cancel);
    start_kind(&ctx, &link, sources::DataActions::default(), &refresher, &cancel);
    refresher
}

fn start_kind<S: Source>(
    ctx: &Arc<Ctx>,
    link: &Arc<LinkWatch>,
    source: S,
    refresher: &Refresher,
    cancel: &CancellationToken,
) {
    let round = Kind::new(ctx, link, source, refresher.wholes.clone());
    let asks = refresher.asks.subscribe();
    tokio::spawn(schedule::run(round, ctx.config.refresh_every, asks, cancel.clone()));
}

/// The state of one kind between rounds.
struct Kind<S: Source> {
    ctx: Arc<Ctx>,
    link: Arc<LinkWatch>,
    source: S,
    mirror: Mirror<S::Row>,
    /// When the last whole read began.
    whole_at: Option<Instant>,
    /// Asks for whole reads, and how many of them the last whole read met.
    wholes: WholeReads,
    wholes_met: u64,
}

impl<S: Source> Kind<S> {
    fn new(ctx: &Arc<Ctx>, link: &Arc<LinkWatch>, source: S, wholes: WholeReads) -> Self {
        Self {
            ctx: Arc::clone(ctx),
            link: Arc::clone(link),
            source,
            mirror: Mirror::default(),
            whole_at: None,
            wholes,
            wholes_met: 0,
        }
    }
}

impl<S: Source> Round for Kind<S> {
    async fn run(&mut self) -> bool {
        let started = Instant::now();
        let asked = self.wholes.asked();
        let whole = asked != self.wholes_met
            || self.whole_at.is_none_or(|at| started.duration_since(at) >= RESYNC_EVERY);
        let fetched = self.source.fetch(&self.ctx, whole, self.link.timing(S::KIND)).await;
        // Tokens are obtained behind the client's calls; each round reads the count.
        self.ctx.metrics.set_token_refreshes(self.ctx.api.token_refreshes());
        self.ctx.metrics.set_setbacks(self.ctx.api.setbacks());
        match fetched {
            Ok(fetched) => {
                if whole {
                    self.whole_at = Some(started);
                    self.wholes_met = asked;
                }
                let read = fetched.rows.len();
                self.link.up(S::KIND).await;
                if let Some(table) = self.mirror.merge(fetched) {
                    tracing::debug!(
                        kind = S::KIND.as_str(),
                        read,
                        rows = self.mirror.len(),
                        changed = table.changed.len(),
                        generation = table.generation,
                        took_ms = started.elapsed().as_millis() as u64,
                        "published a snapshot"
                    );
                    self.ctx.emit(Event::Snapshot(S::snapshot(table))).await;
                }
                true
            }
            Err(e) => {
                tracing::warn!(kind = S::KIND.as_str(), "could not refresh: {e}");
                self.link.failed(S::KIND, &e).await;
                false
            }
        }
    }
}
