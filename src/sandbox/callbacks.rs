//! `interaction.attributes.updated` deliveries to registered webhooks.
//!
//! The attribute POST only queues the event; a background task delivers it,
//! so a slow subscriber never slows the tenant. Each delivery is signed the
//! Standard Webhooks way with the registration's own secret, carries the
//! registration's headers, and is retried a few times with backoff. Only
//! loopback URIs are ever contacted: any other is recorded as undeliverable.

use super::Stats;
use super::tenant::{AttributesUpdated, Subscriber};
use crate::domain::data_action::is_loopback;
use crate::signing::{HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP};
use reqwest::header::CONTENT_TYPE;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Semaphore, mpsc};
use tokio_util::sync::CancellationToken;

/// Events waiting for delivery; beyond this the subscribers are far behind.
const QUEUE: usize = 1_024;
/// Deliveries in flight at once.
const IN_FLIGHT: usize = 16;
/// Attempts per delivery, and the wait before each retry.
const BACKOFF: [Duration; 3] = [Duration::from_millis(500), Duration::from_secs(2), Duration::from_secs(5)];
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);

/// The handle the attribute endpoint queues events on. Cheap to clone.
#[derive(Clone)]
pub struct Callbacks {
    queue: mpsc::Sender<AttributesUpdated>,
    stats: Arc<Stats>,
}

impl Callbacks {
    /// Starts the delivery task; it stops when `shutdown` is cancelled.
    pub fn start(stats: Arc<Stats>, shutdown: CancellationToken) -> Self {
        let (queue, events) = mpsc::channel(QUEUE);
        tokio::spawn(deliver_all(events, stats.clone(), shutdown));
        Self { queue, stats }
    }

    /// Queues `event` for its subscribers without waiting.
    pub fn send(&self, event: AttributesUpdated) {
        if event.subscribers.is_empty() {
            return;
        }
        if let Err(refused) = self.queue.try_send(event) {
            let event = refused.into_inner();
            tracing::warn!(event_id = %event.event_id, "callback queue full or closed; deliveries dropped");
            for _ in &event.subscribers {
                self.stats.callback_undeliverable();
            }
        }
    }
}

async fn deliver_all(
    mut events: mpsc::Receiver<AttributesUpdated>,
    stats: Arc<Stats>,
    shutdown: CancellationToken,
) {
    let client = match reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(ATTEMPT_TIMEOUT)
        // Let go of an idle connection before the console's listener, which
        // closes one after 5 s, so no callback is sent on a closing one.
        .pool_idle_timeout(Duration::from_secs(4))
        .build()
    {
        Ok(c) => Some(c),
        Err(e) => {
            tracing::error!(error = %e, "cannot build the callback client; every delivery will be undeliverable");
            None
        }
    };
    let slots = Arc::new(Semaphore::new(IN_FLIGHT));
    loop {
        let event = tokio::select! {
            () = shutdown.cancelled() => return,
            event = events.recv() => match event {
                Some(e) => Arc::new(e),
                None => return,
            },
        };
        for subscriber in &event.subscribers {
            let Some(client) = client.clone().filter(|_| is_loopback(&subscriber.uri)) else {
                tracing::info!(webhook = %subscriber.webhook_id, "callback URI is not loopback; not contacted");
                stats.callback_undeliverable();
                continue;
            };
            let Ok(slot) = slots.clone().acquire_owned().await else { return };
            let delivery = Delivery { client, event: event.clone(), subscriber: subscriber.clone() };
            let (stats, shutdown) = (stats.clone(), shutdown.clone());
            tokio::spawn(async move {
                if delivery.run(&shutdown).await {
                    stats.callback_delivered();
                } else {
                    stats.callback_undeliverable();
                }
                drop(slot);
            });
        }
    }
}

struct Delivery {
    client: reqwest::Client,
    event: Arc<AttributesUpdated>,
    subscriber: Subscriber,
}

impl Delivery {
    /// Tries until a 2xx, the attempts run out, or the sandbox stops.
    async fn run(&self, shutdown: &CancellationToken) -> bool {
        let waits = std::iter::once(Duration::ZERO).chain(BACKOFF);
        for (attempt, wait) in waits.enumerate() {
            tokio::select! {
                () = shutdown.cancelled() => return false,
                () = tokio::time::sleep(wait) => {}
            }
            match self.attempt().await {
                Ok(()) => return true,
                Err(why) => tracing::debug!(
                    webhook = %self.subscriber.webhook_id, attempt, %why, "callback attempt failed"
                ),
            }
        }
        false
    }

    async fn attempt(&self) -> Result<(), String> {
        let latency_ms = self.event.applied.elapsed().as_secs_f64() * 1_000.0;
        let body = serde_json::to_vec(&self.event.body(latency_ms)).map_err(|e| e.to_string())?;
        // Retries keep the message id, so a receiver can drop duplicates.
        let id = format!("msg_{}", self.event.event_id);
        let timestamp = time::OffsetDateTime::now_utc().unix_timestamp();
        let mut request = self
            .client
            .post(self.subscriber.uri.clone())
            .header(CONTENT_TYPE, "application/json")
            .header(HEADER_ID, &id)
            .header(HEADER_TIMESTAMP, timestamp.to_string())
            .header(HEADER_SIGNATURE, self.subscriber.key.sign(&id, timestamp, &body));
        for (name, value) in &self.subscriber.headers {
            request = request.header(name, value);
        }
        let response = request.body(body).send().await.map_err(|e| e.without_url().to_string())?;
        if response.status().is_success() { Ok(()) } else { Err(format!("answered {}", response.status())) }
    }
}
