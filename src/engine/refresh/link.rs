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
use crate::engine::event::{Connection, Entities, Event, Link, STALE_AFTER, Stale};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::pin;
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

/// How a round stands, as a kind reports it.
enum Round<'a> {
    Read,
    Failed(&'a ApiError),
    /// Still out, begun at this time.
    Unanswered(OffsetDateTime),
}

impl LinkWatch {
    pub fn new(api: Client, events: mpsc::Sender<Event>, asks: Weak<watch::Sender<u64>>) -> Self {
        let told = Connection { token_refreshes: api.token_refreshes(), ..Connection::default() };
        Self { api, events, asks, state: Mutex::new(State { kinds: BTreeMap::new(), told }) }
    }

    /// A round of `kind` read the tenant.
    pub async fn up(&self, kind: Entities) {
        self.report(kind, Round::Read).await;
    }

    /// A round of `kind` failed.
    pub async fn failed(&self, kind: Entities, error: &ApiError) {
        self.report(kind, Round::Failed(error)).await;
    }

    /// A round of `kind`, begun at `began`, has had no answer for
    /// [`STALE_AFTER`] and still waits: a tenant that takes the request and
    /// never answers leaves the table as far behind as one that fails it,
    /// and is told as promptly, not once the request's time runs out.
    async fn unanswered(&self, kind: Entities, began: OffsetDateTime) {
        self.report(kind, Round::Unanswered(began)).await;
    }

    /// Times the requests of one kind's rounds, each on its own.
    pub fn timing(&self, kind: Entities) -> Timed<'_> {
        Timed { link: self, kind }
    }

    async fn report(&self, kind: Entities, round: Round<'_>) {
        let mut state = self.state.lock().await;
        let last = state.kinds.entry(kind).or_default();
        let now = OffsetDateTime::now_utc();
        last.failure = match round {
            Round::Read => {
                last.read_at = Some(now);
                None
            }
            Round::Failed(e) => Some(Failure {
                reason: e.to_string(),
                cut_off: is_link_failure(&e.kind),
                since: last.failure.as_ref().map_or(now, |f| f.since),
            }),
            // Rounds failing already say why, and whether the tenant can be
            // reached at all: a slow one after them changes neither.
            Round::Unanswered(_) if last.failure.is_some() => return,
            // Not known to be cut off: only the one read is.
            Round::Unanswered(began) => Some(Failure {
                reason: format!(
                    "the tenant has not answered its read for {} s; still waiting",
                    STALE_AFTER.as_secs()
                ),
                cut_off: false,
                since: began,
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

/// Times each request of a kind's round from when it is sent: a round of
/// many pages, or one held by a campaign's pause before a page goes, is not
/// unanswered while every request of it is answered in time.
#[derive(Clone, Copy)]
pub(crate) struct Timed<'a> {
    link: &'a LinkWatch,
    kind: Entities,
}

impl Timed<'_> {
    /// Awaits `request`, telling the link once it has been out
    /// [`STALE_AFTER`]: a request the tenant takes and never answers ends
    /// only once its time (and any retry's) runs out, long after a failing
    /// read's table is called stale, so it is told stale while it waits.
    pub async fn answer<T>(self, request: impl Future<Output = T>) -> T {
        let began = OffsetDateTime::now_utc();
        let mut request = pin!(request);
        tokio::select! {
            answered = &mut request => answered,
            () = tokio::time::sleep(STALE_AFTER) => {
                self.link.unanswered(self.kind, began).await;
                request.await
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{CallInfo, ClientConfig};
    use secrecy::SecretString;
    use std::time::Duration;
    use url::Url;

    fn watch() -> (LinkWatch, mpsc::Receiver<Event>) {
        let url = Url::parse("http://127.0.0.1:9").expect("a URL");
        let api = Client::new(ClientConfig::new(url, "id", SecretString::from("s3cr3t"))).expect("a client");
        let (events, told) = mpsc::channel(16);
        (LinkWatch::new(api, events, Weak::new()), told)
    }

    fn stale(told: &mut mpsc::Receiver<Event>) -> BTreeMap<Entities, Stale> {
        let mut last = None;
        while let Ok(event) = told.try_recv() {
            if let Event::Connection(connection) = event {
                last = Some(connection.stale);
            }
        }
        last.expect("the console was told")
    }

    fn timeout() -> ApiError {
        let kind = ApiErrorKind::Timeout { after: Duration::from_secs(30), writes: false };
        ApiError { kind, call: Box::new(CallInfo::new(reqwest::Method::GET, "/api/v2/data-actions".into())) }
    }

    /// Stale from the read's start, so the console, which waits
    /// [`STALE_AFTER`] from there, says so at once; the read's end keeps
    /// that start, and the link is not called down for one slow read.
    #[tokio::test]
    async fn an_unanswered_read_is_stale_from_its_start_until_a_read_answers() {
        let (link, mut told) = watch();
        link.up(Entities::Agents).await;
        let began = OffsetDateTime::now_utc() - STALE_AFTER;
        link.unanswered(Entities::DataActions, began).await;
        let now = stale(&mut told);
        assert_eq!(now[&Entities::DataActions].since, began);
        assert!(now[&Entities::DataActions].reason.contains("has not answered"), "{now:?}");
        assert_eq!(link.state.lock().await.link(), Link::Up);

        link.failed(Entities::DataActions, &timeout()).await;
        let now = stale(&mut told);
        assert_eq!(now[&Entities::DataActions].since, began, "stale since the read began");
        // A slow read after failed ones leaves their words and start.
        link.unanswered(Entities::DataActions, OffsetDateTime::now_utc()).await;
        assert_eq!(link.state.lock().await.stale()[&Entities::DataActions], now[&Entities::DataActions]);

        link.up(Entities::DataActions).await;
        assert!(stale(&mut told).is_empty());
    }
}
