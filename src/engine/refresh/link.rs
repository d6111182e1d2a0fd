//! How the reads of the tenant stand, as the refresh rounds find them.
//!
//! Every kind reports each round. The link is down while every kind's last
//! round could not reach the tenant (or was refused entry), and up once any
//! reads it: one kind failing while the others read is that kind's table
//! gone stale, not the link, so the console's header does not flap between
//! the two. The console hears only when what it shows changes, and when the
//! link comes back every kind is asked to read again, rather than each
//! sitting out its own backoff (a failing kind's ask still waits out a
//! period, see `schedule`).

use crate::api::{ApiError, ApiErrorKind, Client};
use crate::engine::event::{Connection, Entities, Event, Link, Stale};
use std::collections::BTreeMap;
use std::sync::Weak;
use time::OffsetDateTime;
use tokio::sync::{Mutex, mpsc, watch};

pub(crate) struct LinkWatch {
    api: Client,
    events: mpsc::Sender<Event>,
    /// Asks every kind for an early round. Weak, so that the kinds' tasks,
    /// which hold this watch, do not keep their own asking side alive: they
    /// stop once the [`Refresher`](super::Refresher) holding it is dropped.
    asks: Weak<watch::Sender<u64>>,
    /// Each kind's last round, and what the console was last told. Held
    /// while telling, so that two kinds reporting at once cannot deliver
    /// their news out of order.
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    kinds: BTreeMap<Entities, Last>,
    told: Connection,
}

/// One kind's last round.
#[derive(Default)]
struct Last {
    read_at: Option<OffsetDateTime>,
    /// Why the last round failed, whether the tenant could not be reached
    /// (or let nobody in) at all, and since when the rounds have failed.
    failure: Option<Failure>,
}

struct Failure {
    reason: String,
    cut_off: bool,
    since: OffsetDateTime,
}

impl LinkWatch {
    pub fn new(api: Client, events: mpsc::Sender<Event>, asks: Weak<watch::Sender<u64>>) -> Self {
        let told = Connection { token_refreshes: api.token_refreshes(), ..Connection::default() };
        Self { api, events, asks, state: Mutex::new(State { kinds: BTreeMap::new(), told }) }
    }

    /// A round of `kind` read the tenant.
    pub async fn up(&self, kind: Entities) {
        self.report(kind, None).await;
    }

    /// A round of `kind` failed.
    pub async fn failed(&self, kind: Entities, error: &ApiError) {
        self.report(kind, Some(error)).await;
    }

    async fn report(&self, kind: Entities, error: Option<&ApiError>) {
        let mut state = self.state.lock().await;
        let last = state.kinds.entry(kind).or_default();
        let now = OffsetDateTime::now_utc();
        last.failure = match error {
            None => {
                last.read_at = Some(now);
                None
            }
            Some(e) => Some(Failure {
                reason: e.to_string(),
                cut_off: is_link_failure(&e.kind),
                since: last.failure.as_ref().map_or(now, |f| f.since),
            }),
        };
        let now = Connection {
            link: state.link(),
            token_refreshes: self.api.token_refreshes(),
            stale: state.stale(),
        };
        if state.told == now {
            return;
        }
        let was = state.told.link.clone();
        match &now.link {
            Link::Down { reason } if was != now.link => tracing::warn!("the tenant link is down: {reason}"),
            Link::Up if was != now.link => {
                tracing::info!("the tenant link is up");
                if let Some(asks) = self.asks.upgrade().filter(|_| matches!(was, Link::Down { .. })) {
                    asks.send_modify(|asked| *asked = asked.wrapping_add(1));
                }
            }
            _ => {}
        }
        state.told = now.clone();
        // A console that has gone away is not this task's concern.
        let _ = self.events.send(Event::Connection(now)).await;
    }
}

impl State {
    /// Down while every kind that has reported cannot reach the tenant; up
    /// once any kind reads it.
    fn link(&self) -> Link {
        let cut_off = |last: &Last| last.failure.as_ref().is_some_and(|f| f.cut_off);
        if !self.kinds.is_empty() && self.kinds.values().all(cut_off) {
            let reason = self.kinds.values().find_map(|last| last.failure.as_ref()).map(|f| f.reason.clone());
            return Link::Down { reason: reason.unwrap_or_default() };
        }
        if self.kinds.values().any(|last| last.read_at.is_some()) { Link::Up } else { self.told.link.clone() }
    }

    fn stale(&self) -> BTreeMap<Entities, Stale> {
        self.kinds
            .iter()
            .filter_map(|(kind, last)| {
                let failure = last.failure.as_ref()?;
                let stale =
                    Stale { reason: failure.reason.clone(), last_read: last.read_at, since: failure.since };
                Some((*kind, stale))
            })
            .collect()
    }
}

fn is_link_failure(kind: &ApiErrorKind) -> bool {
    matches!(
        kind,
        ApiErrorKind::Network { .. }
            | ApiErrorKind::Interrupted { .. }
            | ApiErrorKind::Timeout { .. }
            | ApiErrorKind::Server { .. }
            | ApiErrorKind::Unauthorized { .. }
            | ApiErrorKind::TokenRefused { .. }
            | ApiErrorKind::Config { .. }
    )
}
