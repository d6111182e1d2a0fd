//! How the link to the tenant stands, as the refresh rounds find it.
//!
//! Every kind reports each round; the console hears only when the link or
//! the number of token requests changes.

use crate::api::{ApiError, ApiErrorKind, Client};
use crate::engine::event::{Connection, Event, Link};
use tokio::sync::{Mutex, mpsc};

pub(crate) struct LinkWatch {
    api: Client,
    events: mpsc::Sender<Event>,
    /// What the console was last told. Held while telling, so that two
    /// kinds reporting at once cannot deliver their news out of order.
    told: Mutex<Connection>,
}

impl LinkWatch {
    pub fn new(api: Client, events: mpsc::Sender<Event>) -> Self {
        let told = Connection { link: Link::Connecting, token_refreshes: api.token_refreshes() };
        Self { api, events, told: Mutex::new(told) }
    }

    /// A round read the tenant.
    pub async fn up(&self) {
        self.report(Some(Link::Up)).await;
    }

    /// A round failed; the link is down when the error says the tenant
    /// cannot be reached or will not let the console in. Other refusals
    /// (a missing scope, say) concern one kind, not the link.
    pub async fn failed(&self, error: &ApiError) {
        let link = is_link_failure(&error.kind).then(|| Link::Down { reason: error.to_string() });
        self.report(link).await;
    }

    async fn report(&self, link: Option<Link>) {
        let mut told = self.told.lock().await;
        let now = Connection {
            link: link.unwrap_or_else(|| told.link.clone()),
            token_refreshes: self.api.token_refreshes(),
        };
        if *told == now {
            return;
        }
        match &now.link {
            Link::Down { reason } if told.link != now.link => {
                tracing::warn!("the tenant link is down: {reason}")
            }
            Link::Up if told.link != now.link => tracing::info!("the tenant link is up"),
            _ => {}
        }
        *told = now.clone();
        // A console that has gone away is not this task's concern.
        let _ = self.events.send(Event::Connection(now)).await;
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
