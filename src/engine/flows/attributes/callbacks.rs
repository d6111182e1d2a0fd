//! The attribute-callback listener: a loopback HTTP endpoint the tenant
//! calls after each applied attribute change.
//!
//! Registering binds 127.0.0.1:0, registers the analytics webhook for that
//! address and keeps the signing secret the tenant returns (shown once). Each
//! callback's Standard Webhooks signature is checked with it: a verified one
//! becomes an `AttributesChanged` event; any other is still reported, marked
//! not verified, and answered 401, so nothing unsigned is trusted silently.
//!
//! Registrations carry this console's instance header. A console holds its
//! audit log's lock, so a registration with its own instance header found at
//! start is a leftover of an earlier run, whose listener is gone: it is
//! removed before registering anew. The listener stops with the engine,
//! which then removes its registration. A marker file beside the audit log
//! stands while a registration may be on the tenant, so a start after a run
//! that could not remove its own (a crash, a kill) removes it at once, in
//! the background, rather than at the next `:watch`. Each registration and
//! removal is an audited change (see [`registration`]).

use super::again;
use super::registration;
use crate::api::model::{ATTRIBUTES_UPDATED, Webhook, WebhookRegistration};
use crate::engine::command::CommandId;
use crate::engine::context::{AttributeWatch, Ctx};
use crate::engine::event::{AttributeCallback, Event, Outcome};
use crate::signing::{self, SigningKey, Verdict};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// The registration's name on the tenant.
const NAME: &str = "cxone-console-analytics";
/// Where callbacks are posted on the listener.
const PATH: &str = "/callbacks/attributes";
const SOURCE_HEADER: (&str, &str) = ("X-Webhook-Source", "cxone-console");
const INSTANCE_HEADER: &str = "X-Console-Instance";
/// Largest callback body read; a full one (50 attributes) is a few KiB.
const BODY_LIMIT: usize = 256 * 1024;
/// Delivery ids remembered to drop the tenant's retries of a delivery.
const REMEMBERED: usize = 1024;
/// How long removing the registration at stop may take.
const FAREWELL: Duration = Duration::from_secs(2);
/// The shortest time between two warnings of refused callbacks.
const WARN_EVERY: Duration = Duration::from_secs(10);

/// Starts the listener and registers it, or reports the registration this
/// engine already made. `command` is the change's id in the audit log.
pub(super) async fn watch(ctx: &Ctx, command: &CommandId) -> Outcome {
    let mut held = ctx.attribute_watch.lock().await;
    if let Some(watch) = held.as_ref() {
        // Nothing is registered again: a skip, not a change applied.
        let hook = &watch.hook;
        let already = format!(
            "already watching attribute changes: the tenant calls back on {} (webhook {})",
            hook.uri, hook.id
        );
        return Outcome::skipped(Outcome::UNCHANGED, already);
    }
    let socket = match TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await {
        Ok(socket) => socket,
        Err(e) => return Outcome::failed(format!("could not listen on 127.0.0.1 for callbacks ({e})")),
    };
    let addr = match socket.local_addr() {
        Ok(addr) => addr,
        Err(e) => return Outcome::failed(format!("could not read the callback listener's address ({e})")),
    };
    let instance = instance_id(ctx);
    remove_leftovers(ctx, command, &instance).await;
    let (hook, key) = match register(ctx, command, addr, &instance).await {
        Ok(registered) => registered,
        Err(outcome) => return outcome,
    };
    let receiver = Arc::new(Receiver {
        key,
        events: ctx.events.clone(),
        seen: Mutex::default(),
        refusals: Mutex::default(),
    });
    let listener = tokio::spawn(serve(socket, receiver, ctx.stop.clone()));
    if let Err(e) = tokio::fs::write(marker(ctx), hook.id.as_str()).await {
        tracing::warn!("could not mark the callback registration for removal after a crash: {e}");
    }
    let outcome = watching(&hook, "watching attribute changes");
    *held = Some(AttributeWatch { hook, listener });
    outcome
}

/// Once the engine is stopping: waits for the listener to close, then
/// removes this run's registration, so the tenant stops calling an address
/// nobody listens on.
pub(super) async fn unwatch(ctx: &Ctx) {
    let Some(AttributeWatch { hook, listener }) = ctx.attribute_watch.lock().await.take() else { return };
    let _ = listener.await;
    let command = CommandId::random();
    let removal = registration::remove(ctx, &command, &hook, "this run's, as the console stops");
    match tokio::time::timeout(FAREWELL, removal).await {
        Ok(outcome) if outcome.is_applied() => {
            let _ = tokio::fs::remove_file(marker(ctx)).await;
            tracing::info!(webhook = %hook.id, "{outcome}");
        }
        Ok(outcome) => {
            tracing::warn!(webhook = %hook.id, "could not remove the callback registration: {outcome}")
        }
        // The intent stays without an outcome: the next start reads it back.
        Err(_) => tracing::warn!(webhook = %hook.id, "gave up removing the callback registration"),
    }
}

fn watching(hook: &Webhook, what: &str) -> Outcome {
    Outcome::Applied {
        summary: format!("{what}: the tenant calls back on {} (webhook {})", hook.uri, hook.id),
        data: Some(json!({ "webhookId": hook.id.as_str(), "uri": hook.uri })),
    }
}

/// Names this console's registrations: the same data directory, the same
/// console, whichever run made them.
fn instance_id(ctx: &Ctx) -> String {
    let path = ctx.config.audit_path.to_string_lossy();
    hex::encode(&Sha256::digest(path.as_bytes())[..8])
}

/// Stands beside the audit log while a registration of this console may
/// be on the tenant; holds its id, no secret.
fn marker(ctx: &Ctx) -> PathBuf {
    ctx.config.audit_path.with_file_name("callbacks.registered")
}

/// At start: when an earlier run left its marker, removes what that run
/// registered, then the marker. Holds the watch's lock meanwhile, so a
/// `:watch` given at once waits rather than have its own registration
/// taken for a leftover.
pub(super) async fn tidy(ctx: &Ctx) {
    let marker = marker(ctx);
    if !tokio::fs::try_exists(&marker).await.unwrap_or(false) {
        return;
    }
    let held = ctx.attribute_watch.lock().await;
    if held.is_some() {
        return;
    }
    if remove_leftovers(ctx, &CommandId::random(), &instance_id(ctx)).await {
        let _ = tokio::fs::remove_file(&marker).await;
    }
}

/// Removes registrations an earlier run of this console left behind; true
/// when none is left.
async fn remove_leftovers(ctx: &Ctx, command: &CommandId, instance: &str) -> bool {
    let hooks = match again(|| ctx.api.webhooks()).await {
        Ok(reply) => reply.value,
        Err(e) => {
            tracing::warn!("could not list webhook registrations to remove leftovers: {e}");
            return false;
        }
    };
    let mut all_gone = true;
    let ours = |h: &&Webhook| {
        h.name == NAME
            && h.headers.iter().any(|(k, v)| k.eq_ignore_ascii_case(INSTANCE_HEADER) && v == instance)
    };
    for hook in hooks.iter().filter(ours) {
        let outcome = registration::remove(ctx, command, hook, "left by an earlier run").await;
        if !outcome.is_applied() {
            all_gone = false;
            tracing::warn!(webhook = %hook.id, "could not remove a leftover callback registration: {outcome}");
        }
    }
    all_gone
}

/// Registers the listener at `addr`; the signing key comes from the secret
/// the tenant returns, which is never kept anywhere else.
async fn register(
    ctx: &Ctx,
    command: &CommandId,
    addr: SocketAddr,
    instance: &str,
) -> Result<(Webhook, SigningKey), Outcome> {
    let uri = format!("http://{addr}{PATH}");
    let registration = WebhookRegistration::new(NAME, &uri)
        .and_then(|r| Ok(r.with_header(SOURCE_HEADER.0, SOURCE_HEADER.1)?))
        .and_then(|r| Ok(r.with_header(INSTANCE_HEADER, instance)?))
        .map_err(|e| Outcome::failed(format!("the callback registration is malformed ({e})")))?;
    let mut hook = registration::register(ctx, command, &registration).await?;
    let key = hook.secret.take().ok_or("the tenant returned no signing secret").and_then(|secret| {
        SigningKey::from_secret(&secret).map_err(|_| "the tenant's signing secret is unusable")
    });
    match key {
        Ok(key) => Ok((hook, key)),
        Err(why) => {
            // Callbacks that cannot be verified are worth nothing: undo.
            registration::remove(ctx, command, &hook, "unusable without its secret").await;
            Err(Outcome::failed(format!(
                "{why}, so callbacks could not be verified; nothing stays registered"
            )))
        }
    }
}

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

async fn serve(socket: TcpListener, receiver: Arc<Receiver>, stop: CancellationToken) {
    let app = Router::new()
        .route(PATH, post(receive))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(receiver);
    if let Err(e) = axum::serve(socket, app).with_graceful_shutdown(stop.cancelled_owned()).await {
        tracing::error!("the attribute callback listener stopped: {e}");
    }
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
            tracing::warn!(event_type, "an attribute callback of another event type was ignored");
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
        interaction_id = %callback.interaction_id,
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
