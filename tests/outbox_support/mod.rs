//! Shared setup of the outbox's tests: a real loopback receiver that
//! verifies signatures and answers as told, and a deliverer configured to
//! retry within milliseconds.

#![allow(dead_code)] // each test file uses its own subset

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use cxone_console::engine::outbox::{Backoff, DeliveryConfig, Message, Outbox, OutboxStatus};
use cxone_console::signing::{SigningKey, Verdict};
use serde_json::json;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Semaphore, watch};
use url::Url;

/// How the receiver answers.
#[derive(Clone, Copy)]
pub enum Answer {
    Accept,
    /// 503 to the first n attempts, then 204.
    FailFirst(usize),
    Redirect,
    Refuse,
    /// 400 to the first n attempts, then 204.
    RefuseFirst(usize),
}

pub struct Delivery {
    pub id: String,
    pub body: Vec<u8>,
    pub content_type: String,
    pub verdict: Verdict,
}

pub struct Receiver {
    pub answer: Answer,
    pub key: SigningKey,
    pub deliveries: Mutex<Vec<Delivery>>,
    pub redirected_to: AtomicUsize,
    /// Requests wait here for a permit when the test holds them.
    pub gate: Option<Semaphore>,
    pub inside: AtomicUsize,
    pub most_inside: AtomicUsize,
}

impl Receiver {
    pub fn deliveries(&self) -> Vec<(String, Vec<u8>, Verdict)> {
        let list = self.deliveries.lock().unwrap();
        list.iter().map(|d| (d.id.clone(), d.body.clone(), d.verdict)).collect()
    }
}

async fn hook(State(rx): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> Response {
    let inside = rx.inside.fetch_add(1, Ordering::SeqCst) + 1;
    rx.most_inside.fetch_max(inside, Ordering::SeqCst);
    if let Some(gate) = &rx.gate {
        gate.acquire().await.unwrap().forget();
    }
    rx.inside.fetch_sub(1, Ordering::SeqCst);
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let verdict = rx.key.verify(
        &text("webhook-id"),
        &text("webhook-timestamp"),
        &text("webhook-signature"),
        &body,
        now,
    );
    let delivery =
        Delivery { id: text("webhook-id"), body: body.to_vec(), content_type: text("content-type"), verdict };
    let attempt = {
        let mut list = rx.deliveries.lock().unwrap();
        list.push(delivery);
        list.len()
    };
    match rx.answer {
        Answer::Accept => StatusCode::NO_CONTENT.into_response(),
        Answer::FailFirst(n) if attempt <= n => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        Answer::FailFirst(_) => StatusCode::OK.into_response(),
        Answer::Redirect => (StatusCode::FOUND, [(header::LOCATION, "/elsewhere")]).into_response(),
        Answer::Refuse => (StatusCode::BAD_REQUEST, "no such lead").into_response(),
        Answer::RefuseFirst(n) if attempt <= n => {
            (StatusCode::BAD_REQUEST, "no such lead yet").into_response()
        }
        Answer::RefuseFirst(_) => StatusCode::NO_CONTENT.into_response(),
    }
}

async fn elsewhere(State(rx): State<Arc<Receiver>>) -> StatusCode {
    rx.redirected_to.fetch_add(1, Ordering::SeqCst);
    StatusCode::OK
}

/// A receiver on 127.0.0.1, served by the test's own runtime.
pub async fn receiver(answer: Answer, key: &SigningKey, gated: bool) -> (Url, Arc<Receiver>) {
    receiver_on(tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(), answer, key, gated)
}

/// A receiver answering on `listener`.
pub fn receiver_on(
    listener: tokio::net::TcpListener,
    answer: Answer,
    key: &SigningKey,
    gated: bool,
) -> (Url, Arc<Receiver>) {
    let rx = Arc::new(Receiver {
        answer,
        key: key.clone(),
        deliveries: Mutex::new(Vec::new()),
        redirected_to: AtomicUsize::new(0),
        gate: gated.then(|| Semaphore::new(0)),
        inside: AtomicUsize::new(0),
        most_inside: AtomicUsize::new(0),
    });
    let app = Router::new()
        .route("/hook", post(hook))
        .route("/elsewhere", post(elsewhere))
        .with_state(Arc::clone(&rx));
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (Url::parse(&format!("http://{addr}/hook")).unwrap(), rx)
}

pub fn key() -> SigningKey {
    SigningKey::from_secret(&SigningKey::generate_secret()).unwrap()
}

/// Retries come after a few milliseconds, so tests do not wait on backoff.
pub fn config(url: Url, key: &SigningKey) -> DeliveryConfig {
    let backoff = Backoff { base: Duration::from_millis(2), cap: Duration::from_millis(20) };
    DeliveryConfig { backoff, ..DeliveryConfig::new(HashMap::from([("crm".to_owned(), url)]), key.clone()) }
}

pub fn disposition(n: u32) -> Message<'static> {
    Message {
        target: "crm",
        event_type: "contact.disposition.updated",
        body: json!({ "contactId": n, "code": "SALE" }),
        subject: None,
    }
}

/// Waits, up to ten seconds, until `done` holds; fails saying `what` never
/// happened.
pub async fn eventually(what: &str, done: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "{what} never happened");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

pub async fn until(
    status: &mut watch::Receiver<OutboxStatus>,
    what: impl Fn(&OutboxStatus) -> bool,
) -> OutboxStatus {
    let seen = tokio::time::timeout(Duration::from_secs(60), status.wait_for(|s| what(s)));
    seen.await.expect("the deliverer never got there").expect("the deliverer is gone").clone()
}

pub async fn open(dir: &tempfile::TempDir) -> Outbox {
    Outbox::open(dir.path().join("outbox.jsonl")).await.unwrap()
}
