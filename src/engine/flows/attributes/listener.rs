//! The attribute-callback listener's HTTP side: each delivery's Standard
//! Webhooks signature checked, a retried delivery dropped, a verified one
//! sent to the console as an `AttributesChanged` event and any other still
//! reported, marked not verified, and answered 401.

use crate::api::model::ATTRIBUTES_UPDATED;
use crate::engine::event::{AttributeCallback, Event};
use crate::signing::{self, SigningKey, Verdict};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::Value;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Where callbacks are posted on the listener.
pub(super) const PATH: &str = "/callbacks/attributes";
/// Largest callback body read; a full one (50 attributes) is a few KiB.
const BODY_LIMIT: usize = 256 * 1024;
/// Delivery ids remembered to drop the tenant's retries of a delivery.
const REMEMBERED: usize = 1024;
/// The shortest time between two warnings of refused callbacks.
const WARN_EVERY: Duration = Duration::from_secs(10);

/// What the listener's handler shares.
struct Receiver {
    key: SigningKey,
    events: mpsc::Sender<Event>,
    /// Ids of verified deliveries lately received, newest last.
    seen: Mutex<VecDeque<String>>,
    refusals: Mutex<Refusals>,
}

/// Warnings of refused callbacks, at most one every [`WARN_EVERY`]: anything
/// on this machine can post to the listener, and a flood of forgeries must
/// not become a flood in the log.
#[derive(Debug, Default)]
struct Refusals {
    last_warned: Option<Instant>,
    unsaid: u64,
}

impl Refusals {
    /// Whether a refusal at `now` is warned of, with how many went unsaid
    /// since the last warning; `None` counts it among those.
    fn warn_at(&mut self, now: Instant) -> Option<u64> {
        match self.last_warned {
            Some(last) if now.saturating_duration_since(last) < WARN_EVERY => {
                self.unsaid += 1;
                None
            }
            _ => {
                self.last_warned = Some(now);
                Some(std::mem::take(&mut self.unsaid))
            }
        }
    }
}

impl Receiver {
    /// Whether a verified delivery id is new; remembers it.
    fn first_time(&self, id: &str) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.iter().any(|s| s == id) {
            return false;
        }
        if seen.len() >= REMEMBERED {
            seen.pop_front();
        }
        seen.push_back(id.to_string());
        true
    }

    /// Warns of a refused callback, unless one was warned of lately.
    fn refused(&self, verdict: Verdict, why: &str) {
        let unsaid = self.refusals.lock().unwrap_or_else(|p| p.into_inner()).warn_at(Instant::now());
        match unsaid {
            Some(0) => tracing::warn!(?verdict, "an attribute callback {why}"),
            Some(n) => tracing::warn!(
                ?verdict,
                "an attribute callback {why} ({n} more refused since the last warning, unsaid)"
            ),
            None => {}
        }
    }
}

/// Answers callbacks on `socket`, checked with `key`, until `stop`.
pub(super) async fn serve(
    socket: TcpListener,
    key: SigningKey,
    events: mpsc::Sender<Event>,
    stop: CancellationToken,
) {
    let receiver = Arc::new(Receiver { key, events, seen: Mutex::default(), refusals: Mutex::default() });
    let app = Router::new()
        .route(PATH, post(receive))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(receiver);
    super::accept::serve(socket, app, stop).await;
}

async fn receive(State(receiver): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let verdict = verdict(&receiver.key, &headers, &body);
    let verified = verdict == Verdict::Valid;
    let Ok(payload) = serde_json::from_slice::<Value>(&body) else {
        receiver.refused(verdict, "whose body is not JSON was refused");
        return if verified { StatusCode::BAD_REQUEST } else { StatusCode::UNAUTHORIZED };
    };
    if verified {
        // Another event type is acknowledged and left alone, as document
        // 002's handler does: refused, it would be sent again and again.
        let event_type = payload.get("eventType").and_then(Value::as_str);
        if event_type != Some(ATTRIBUTES_UPDATED) {
            tracing::warn!(?event_type, "an attribute callback of another event type was ignored");
            return StatusCode::OK;
        }
        if payload.get("interactionId").and_then(Value::as_str).is_none() {
            return StatusCode::BAD_REQUEST;
        }
        let id = headers.get(signing::HEADER_ID).and_then(|v| v.to_str().ok()).unwrap_or_default();
        if !receiver.first_time(id) {
            return StatusCode::OK;
        }
    } else {
        receiver.refused(verdict, "failed its signature check; reported as not verified");
    }
    let callback = AttributeCallback {
        interaction_id: payload
            .get("interactionId")
            .and_then(Value::as_str)
            .unwrap_or("(not given)")
            .to_string(),
        attributes: payload.get("attributes").cloned().unwrap_or(Value::Null),
        callback_latency_ms: payload.get("callbackLatencyMs").and_then(Value::as_f64),
        verified,
    };
    // What document 002 logs of each: never the values, which may be a
    // customer's.
    tracing::info!(
        // Debug, so that what the peer sent is escaped, not replayed into a
        // terminal reading the log.
        interaction_id = ?callback.interaction_id,
        attribute_count = callback.count(),
        callback_latency_ms = callback.callback_latency_ms,
        verified,
        "attribute callback received"
    );
    let event = Event::AttributesChanged(callback);
    if verified {
        let _ = receiver.events.send(event).await;
        return StatusCode::OK;
    }
    // Anything on this machine can post here: a delivery nobody signed is
    // shown only while at least half the engine's event room is free, so a
    // flood of them never fills it and makes the engine's own events wait.
    let room = receiver.events.capacity();
    if room * 2 <= receiver.events.max_capacity() || receiver.events.try_send(event).is_err() {
        tracing::debug!("an unverified attribute callback was not shown: the console is behind");
    }
    StatusCode::UNAUTHORIZED
}

/// The Standard Webhooks verdict on one delivery.
fn verdict(key: &SigningKey, headers: &HeaderMap, body: &[u8]) -> Verdict {
    let text = |name: &str| headers.get(name).map(|v| v.to_str());
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    match (text(signing::HEADER_ID), text(signing::HEADER_TIMESTAMP), text(signing::HEADER_SIGNATURE)) {
        (None, None, None) => Verdict::Unsigned,
        (Some(Ok(id)), Some(Ok(ts)), Some(Ok(sig))) => key.verify(id, ts, sig, body, now),
        _ => Verdict::Malformed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A signed delivery as the tenant sends one, with `body`.
    fn signed(key: &SigningKey, id: &str, body: &Value) -> (HeaderMap, Bytes) {
        let body = body.to_string();
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let mut headers = HeaderMap::new();
        headers.insert(signing::HEADER_ID, id.parse().unwrap());
        headers.insert(signing::HEADER_TIMESTAMP, now.to_string().parse().unwrap());
        headers.insert(signing::HEADER_SIGNATURE, key.sign(id, now, body.as_bytes()).parse().unwrap());
        (headers, Bytes::from(body))
    }

    /// A verified event of another type is acknowledged, so the tenant does
    /// not send it again, and shown nowhere; one of ours reaches the console
    /// with its count and latency.
    #[tokio::test]
    async fn another_event_type_is_acknowledged_and_left_alone() {
        let key = SigningKey::from_secret(&SigningKey::generate_secret()).unwrap();
        let (events, mut rx) = mpsc::channel(4);
        let receiver = Arc::new(Receiver {
            key: key.clone(),
            events,
            seen: Mutex::default(),
            refusals: Mutex::default(),
        });
        let other = json!({ "eventType": "interaction.created", "interactionId": "i-1" });
        let (headers, body) = signed(&key, "msg_1", &other);
        assert_eq!(receive(State(Arc::clone(&receiver)), headers, body).await, StatusCode::OK);
        assert!(rx.try_recv().is_err(), "nothing shown");

        let ours = json!({
            "eventType": ATTRIBUTES_UPDATED, "interactionId": "i-1",
            "attributes": [{"key": "a"}, {"key": "b"}], "callbackLatencyMs": 14.5,
        });
        let (headers, body) = signed(&key, "msg_2", &ours);
        assert_eq!(receive(State(receiver), headers, body).await, StatusCode::OK);
        let Ok(Event::AttributesChanged(callback)) = rx.try_recv() else { panic!("the callback is shown") };
        assert_eq!(
            (callback.count(), callback.callback_latency_ms, callback.verified),
            (Some(2), Some(14.5), true)
        );
    }

    #[test]
    fn a_delivery_is_let_through_once() {
        let secret = SigningKey::generate_secret();
        let key = SigningKey::from_secret(&secret).unwrap();
        let (events, _rx) = mpsc::channel(1);
        let receiver = Receiver { key, events, seen: Mutex::default(), refusals: Mutex::default() };
        assert!(receiver.first_time("msg_1"));
        assert!(!receiver.first_time("msg_1"), "a retried delivery is dropped");
        assert!(receiver.first_time("msg_2"));
    }

    #[test]
    fn refusals_are_warned_of_once_in_a_while_with_the_count_left_unsaid() {
        let mut refusals = Refusals::default();
        let start = Instant::now();
        assert_eq!(refusals.warn_at(start), Some(0), "the first is said");
        for i in 1..=500 {
            assert_eq!(refusals.warn_at(start + Duration::from_millis(i)), None, "a flood is not");
        }
        assert_eq!(refusals.warn_at(start + WARN_EVERY), Some(500), "then once, with the count");
        assert_eq!(refusals.warn_at(start + WARN_EVERY * 3), Some(0));
    }
}
