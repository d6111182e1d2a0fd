//! `Idempotency-Key`: a write retried with the same key is answered from
//! memory instead of being applied again.
//!
//! The first request for a (method, path, key) runs; its reply is kept and
//! replayed to later requests with `Idempotent-Replayed: true`. A duplicate
//! that arrives while the first is still running waits for it. Only replies a
//! retry could not change are kept: a 429, a 5xx, or a 408/409/412/425/428
//! (which depend on timing or on the entity's current version) let the next
//! attempt run for real. A key reused with another body is refused (422) as
//! the IETF Idempotency-Key draft has it: replaying the first reply would
//! tell the client a change was made that never was.

mod fingerprint;

use super::SandboxState;
use super::reply::Failure;
use super::server::unreadable_body;
use axum::body::{Body, Bytes};
use axum::extract::FromRequest;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use fingerprint::Fingerprint;
use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;

pub const KEY_HEADER: HeaderName = HeaderName::from_static("idempotency-key");
pub const REPLAYED_HEADER: HeaderName = HeaderName::from_static("idempotent-replayed");
const REMEMBER_FOR: Duration = Duration::from_secs(24 * 3600);
const CAPACITY: usize = 10_000;
const MAX_KEY_LEN: usize = 255;
/// Write replies are small JSON documents; anything larger is not kept.
const MAX_REPLY_BYTES: usize = 4 << 20;

/// Which request a key belongs to: the same key on another path is another request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct RequestKey {
    method: Method,
    path: String,
    key: String,
}

/// A kept reply: what a replay sends back.
#[derive(Debug)]
struct Kept {
    status: StatusCode,
    content_type: Option<HeaderValue>,
    etag: Option<HeaderValue>,
    body: Bytes,
}

impl Kept {
    fn replay(&self) -> Response {
        let mut response = Response::new(Body::from(self.body.clone()));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        if let Some(v) = &self.content_type {
            headers.insert(header::CONTENT_TYPE, v.clone());
        }
        if let Some(v) = &self.etag {
            headers.insert(header::ETAG, v.clone());
        }
        headers.insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
        response
    }
}

enum Slot {
    /// The first request is running; its guard holds the sender, and
    /// dropping it (finished or cancelled) wakes the waiters.
    Running(watch::Receiver<()>),
    Done {
        kept: std::sync::Arc<Kept>,
        at: Instant,
        body: Fingerprint,
    },
}

enum Begin<'a> {
    Run(RunGuard<'a>),
    Replay(std::sync::Arc<Kept>),
    Wait(watch::Receiver<()>),
    /// The key's kept reply answered a request with another body.
    Reused,
}

pub struct IdempotencyStore {
    remember_for: Duration,
    capacity: usize,
    state: Mutex<Slots>,
}

#[derive(Default)]
struct Slots {
    by_key: HashMap<RequestKey, Slot>,
    /// Finished keys, oldest first, for expiry and eviction.
    order: VecDeque<(RequestKey, Instant)>,
}

impl Default for IdempotencyStore {
    fn default() -> Self {
        Self::new(REMEMBER_FOR, CAPACITY)
    }
}

impl IdempotencyStore {
    pub fn new(remember_for: Duration, capacity: usize) -> Self {
        Self { remember_for, capacity: capacity.max(1), state: Mutex::new(Slots::default()) }
    }

    fn slots(&self) -> MutexGuard<'_, Slots> {
        // Every change is a single map or queue operation, so a panic
        // elsewhere cannot leave the slots inconsistent.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn begin(&self, key: &RequestKey, body: Fingerprint) -> Begin<'_> {
        let now = Instant::now();
        let mut slots = self.slots();
        match slots.by_key.get(key) {
            Some(Slot::Running(waiting)) => return Begin::Wait(waiting.clone()),
            Some(Slot::Done { kept, at, body: first }) if now.duration_since(*at) < self.remember_for => {
                return if *first == body { Begin::Replay(kept.clone()) } else { Begin::Reused };
            }
            _ => {}
        }
        let (sender, receiver) = watch::channel(());
        slots.by_key.insert(key.clone(), Slot::Running(receiver));
        Begin::Run(RunGuard { store: self, key: key.clone(), body, _wakes_waiters: sender, finished: false })
    }

    fn finish(&self, key: RequestKey, body: Fingerprint, kept: Kept) {
        let now = Instant::now();
        let mut slots = self.slots();
        slots.by_key.insert(key.clone(), Slot::Done { kept: std::sync::Arc::new(kept), at: now, body });
        slots.order.push_back((key, now));
        self.evict(&mut slots, now);
    }

    fn evict(&self, slots: &mut Slots, now: Instant) {
        while let Some((key, at)) = slots.order.front() {
            let expired = now.duration_since(*at) >= self.remember_for;
            if !expired && slots.order.len() <= self.capacity {
                break;
            }
            // The queue entry may be older than the key's current slot (the
            // key expired and ran again); only remove the slot it describes.
            if matches!(slots.by_key.get(key), Some(Slot::Done { at: current, .. }) if current == at) {
                slots.by_key.remove(key);
            }
            slots.order.pop_front();
        }
    }

    /// How many keys are remembered or running.
    pub fn len(&self) -> usize {
        self.slots().by_key.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The right to run the first request for a key. Dropped without a kept
/// reply (the reply was not worth keeping, or the client went away), it
/// frees the key so a waiting duplicate runs instead.
struct RunGuard<'a> {
    store: &'a IdempotencyStore,
    key: RequestKey,
    body: Fingerprint,
    _wakes_waiters: watch::Sender<()>,
    finished: bool,
}

impl RunGuard<'_> {
    fn keep(mut self, kept: Kept) {
        self.finished = true;
        self.store.finish(self.key.clone(), self.body, kept);
    }
}

impl Drop for RunGuard<'_> {
    fn drop(&mut self) {
        if !self.finished {
            let mut slots = self.store.slots();
            if matches!(slots.by_key.get(&self.key), Some(Slot::Running(_))) {
                slots.by_key.remove(&self.key);
            }
        }
    }
}

fn worth_keeping(status: StatusCode) -> bool {
    let retry_may_differ = matches!(status.as_u16(), 408 | 409 | 412 | 425 | 428 | 429);
    status.is_success() || (status.is_client_error() && !retry_may_differ)
}

fn key_of(request: &Request) -> Result<Option<RequestKey>, Failure> {
    if !matches!(*request.method(), Method::POST | Method::PATCH | Method::PUT) {
        return Ok(None);
    }
    let Some(value) = request.headers().get(KEY_HEADER) else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .filter(|k| !k.is_empty() && k.len() <= MAX_KEY_LEN && k.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| {
            Failure::bad_request(format!(
                "Idempotency-Key: must be 1 to {MAX_KEY_LEN} visible ASCII characters"
            ))
        })?;
    Ok(Some(RequestKey {
        method: request.method().clone(),
        path: request.uri().path().to_string(),
        key: key.to_string(),
    }))
}

/// The idempotency layer, between the auth check and the handler.
pub async fn replay(State(state): State<SandboxState>, request: Request, next: Next) -> Response {
    let key = match key_of(&request) {
        Ok(Some(key)) => key,
        Ok(None) => return next.run(request).await,
        Err(failure) => return failure.into_response(),
    };
    let (parts, body) = request.into_parts();
    let bytes = match Bytes::from_request(Request::from_parts(parts.clone(), body), &()).await {
        Ok(bytes) => bytes,
        Err(rejection) => return unreadable_body(rejection).into_response(),
    };
    let fingerprint = Fingerprint::of(&bytes);
    let request = Request::from_parts(parts, Body::from(bytes));
    let store = &state.idempotency;
    loop {
        match store.begin(&key, fingerprint) {
            Begin::Replay(kept) => {
                state.stats.idempotent_replay();
                return kept.replay();
            }
            Begin::Reused => return reused(&key).into_response(),
            Begin::Wait(mut first) => {
                // Resolves when the first request's guard is dropped, kept or not.
                let _ = first.changed().await;
            }
            Begin::Run(guard) => {
                let response = next.run(request).await;
                if !worth_keeping(response.status()) {
                    return response;
                }
                return keep(guard, response).await;
            }
        }
    }
}

fn reused(key: &RequestKey) -> Failure {
    Failure::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
        format!(
            "Idempotency-Key {:?} was used for an earlier {} {} with a different body; this request was not \
             applied: a different change needs a new key",
            key.key, key.method, key.path
        ),
    )
}

async fn keep(guard: RunGuard<'_>, response: Response) -> Response {
    let (parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, MAX_REPLY_BYTES).await {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "a write's reply could not be read to keep it");
            return Failure::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "the reply could not be recorded for idempotent replay",
            )
            .into_response();
        }
    };
    guard.keep(Kept {
        status: parts.status,
        content_type: parts.headers.get(header::CONTENT_TYPE).cloned(),
        etag: parts.headers.get(header::ETAG).cloned(),
        body: body.clone(),
    });
    Response::from_parts(parts, Body::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> RequestKey {
        RequestKey { method: Method::POST, path: "/api/v2/data-actions".into(), key: k.into() }
    }

    fn kept(body: &'static str) -> Kept {
        Kept { status: StatusCode::CREATED, content_type: None, etag: None, body: Bytes::from(body) }
    }

    fn same() -> Fingerprint {
        Fingerprint::of(b"{}")
    }

    fn run(store: &IdempotencyStore, k: &str, body: &'static str) {
        match store.begin(&key(k), same()) {
            Begin::Run(guard) => guard.keep(kept(body)),
            _ => panic!("{k} should run"),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn keys_are_forgotten_after_a_day() {
        let store = IdempotencyStore::default();
        run(&store, "a", "first");
        assert!(matches!(store.begin(&key("a"), same()), Begin::Replay(k) if k.body == "first"));
        tokio::time::sleep(REMEMBER_FOR).await;
        run(&store, "a", "second");
        assert!(matches!(store.begin(&key("a"), same()), Begin::Replay(k) if k.body == "second"));
    }

    #[tokio::test(start_paused = true)]
    async fn the_oldest_keys_are_evicted_beyond_capacity() {
        let store = IdempotencyStore::new(REMEMBER_FOR, 3);
        for k in ["a", "b", "c", "d"] {
            run(&store, k, "x");
        }
        assert_eq!(store.len(), 3);
        assert!(matches!(store.begin(&key("a"), same()), Begin::Run(_)), "a was evicted");
        assert!(matches!(store.begin(&key("d"), same()), Begin::Replay(_)));
    }

    #[test]
    fn a_guard_dropped_without_a_reply_frees_the_key_and_wakes_waiters() {
        let store = IdempotencyStore::default();
        let guard = match store.begin(&key("a"), same()) {
            Begin::Run(guard) => guard,
            _ => panic!("first should run"),
        };
        let Begin::Wait(waiter) = store.begin(&key("a"), same()) else { panic!("second should wait") };
        drop(guard);
        assert!(waiter.has_changed().is_err(), "the waiter sees the first one end");
        assert!(matches!(store.begin(&key("a"), same()), Begin::Run(_)));
    }

    #[test]
    fn a_kept_key_with_another_body_is_reused_not_replayed() {
        let store = IdempotencyStore::default();
        run(&store, "a", "first");
        assert!(matches!(store.begin(&key("a"), Fingerprint::of(br#"{"x":1}"#)), Begin::Reused));
        assert!(matches!(store.begin(&key("a"), same()), Begin::Replay(k) if k.body == "first"));
    }

    #[test]
    fn only_replies_a_retry_cannot_change_are_kept() {
        for kept in [200, 201, 204, 400, 404, 422] {
            assert!(worth_keeping(StatusCode::from_u16(kept).unwrap()), "{kept}");
        }
        for not in [408, 409, 412, 428, 429, 500, 502, 503, 504] {
            assert!(!worth_keeping(StatusCode::from_u16(not).unwrap()), "{not}");
        }
    }
}
