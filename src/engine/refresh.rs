//! Entity snapshots kept fresh for the console.
//!
//! Each kind (agents, interactions, campaigns, contacts, data actions) is
//! read by its own task through its list endpoint: everything the first
//! time, then every `refresh_every` only what changed since the tenant's
//! last `asOf`, merged by id. A table is published only when a row differs.
//! List endpoints do not tell of removals, so every [`RESYNC_EVERY`] a kind
//! is read whole again. A failing kind backs off on its own; the link's
//! state is reported as the rounds find it.

mod link;
mod mirror;
mod schedule;
mod sources;

use super::context::Ctx;
use super::event::Event;
use link::LinkWatch;
use mirror::Mirror;
use schedule::Round;
use sources::Source;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// How often a kind is read whole, to drop what the tenant removed.
pub const RESYNC_EVERY: Duration = Duration::from_secs(600);

/// Asks the refresh tasks for an early round.
pub(crate) struct Refresher {
    asks: watch::Sender<u64>,
}

impl Refresher {
    /// Every kind reads again as soon as its current round (if any) ends.
    /// Asks made together make one round.
    pub fn now(&self) {
        self.asks.send_modify(|asked| *asked = asked.wrapping_add(1));
    }
}

/// Starts one task per kind, stopped by `cancel` or when the returned
/// [`Refresher`] is dropped. A `refresh_every` of zero starts none: a
/// headless run (`apply`) needs no snapshots.
pub(crate) fn spawn(ctx: Arc<Ctx>, cancel: CancellationToken) -> Refresher {
    let (asks, _) = watch::channel(0);
    let every = ctx.config.refresh_every;
    if every.is_zero() {
        return Refresher { asks };
    }
    let link = Arc::new(LinkWatch::new(ctx.api.clone(), ctx.events.clone()));
    start_kind(&ctx, &link, sources::Agents::default(), &asks, &cancel);
    start_kind(&ctx, &link, sources::Interactions::default(), &asks, &cancel);
    start_kind(&ctx, &link, sources::Campaigns::default(), &asks, &cancel);
    start_kind(&ctx, &link, sources::Contacts::default(), &asks, &cancel);
    start_kind(&ctx, &link, sources::DataActions::default(), &asks, &cancel);
    Refresher { asks }
}

fn start_kind<S: Source>(
    ctx: &Arc<Ctx>,
    link: &Arc<LinkWatch>,
    source: S,
    asks: &watch::Sender<u64>,
    cancel: &CancellationToken,
) {
    let round = Kind::new(ctx, link, source);
    tokio::spawn(schedule::run(round, ctx.config.refresh_every, asks.subscribe(), cancel.clone()));
}

/// The state of one kind between rounds.
struct Kind<S: Source> {
    ctx: Arc<Ctx>,
    link: Arc<LinkWatch>,
    source: S,
    mirror: Mirror<S::Row>,
    /// When the last whole read began.
    whole_at: Option<Instant>,
}

impl<S: Source> Kind<S> {
    fn new(ctx: &Arc<Ctx>, link: &Arc<LinkWatch>, source: S) -> Self {
        Self {
            ctx: Arc::clone(ctx),
            link: Arc::clone(link),
            source,
            mirror: Mirror::default(),
            whole_at: None,
        }
    }
}

impl<S: Source> Round for Kind<S> {
    async fn run(&mut self) -> bool {
        let started = Instant::now();
        let whole = self.whole_at.is_none_or(|at| started.duration_since(at) >= RESYNC_EVERY);
        let fetched = self.source.fetch(&self.ctx, whole).await;
        // Tokens are obtained behind the client's calls; each round reads the count.
        self.ctx.metrics.set_token_refreshes(self.ctx.api.token_refreshes());
        match fetched {
            Ok(fetched) => {
                if whole {
                    self.whole_at = Some(started);
                }
                let read = fetched.rows.len();
                self.link.up().await;
                if let Some(table) = self.mirror.merge(fetched) {
                    tracing::debug!(
                        kind = S::NAME,
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
                tracing::warn!(kind = S::NAME, "could not refresh: {e}");
                self.link.failed(&e).await;
                false
            }
        }
    }
}
