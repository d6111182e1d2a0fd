//! The deliverer against real loopback receivers: signatures, retries with a
//! stable webhook-id, redirects, permanent failures, concurrency, status.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use cxone_console::engine::outbox::{
    Backoff, Deliverer, DeliveryConfig, DeliveryError, Message, Outbox, OutboxStatus,
};
use cxone_console::signing::{SigningKey, Verdict};
use serde_json::json;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Semaphore, watch};
use tokio_util::sync::CancellationToken;
use url::Url;

/// How the receiver answers.
#[derive(Clone, Copy)]
enum Answer {
    Accept,
    /// 503 to the first n attempts, then 204.
    FailFirst(usize),
    Redirect,
    Refuse,
}

struct Delivery {
    id: String,
    body: Vec<u8>,
    content_type: String,
    verdict: Verdict,
}

struct Receiver {
    answer: Answer,
    key: SigningKey,
    deliveries: Mutex<Vec<Delivery>>,
    redirected_to: AtomicUsize,
    /// Requests wait here for a permit when the test holds them.
    gate: Option<Semaphore>,
    inside: AtomicUsize,
    most_inside: AtomicUsize,
}

impl Receiver {
    fn deliveries(&self) -> Vec<(String, Vec<u8>, Verdict)> {
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
    }
}

async fn elsewhere(State(rx): State<Arc<Receiver>>) -> StatusCode {
    rx.redirected_to.fetch_add(1, Ordering::SeqCst);
    StatusCode::OK
}

/// A receiver on 127.0.0.1, served by the test's own runtime.
async fn receiver(answer: Answer, key: &SigningKey, gated: bool) -> (Url, Arc<Receiver>) {
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
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (Url::parse(&format!("http://{addr}/hook")).unwrap(), rx)
}

fn key() -> SigningKey {
    SigningKey::from_secret(&SigningKey::generate_secret()).unwrap()
}

/// Retries come after a few milliseconds, so tests do not wait on backoff.
fn config(url: Url, key: &SigningKey) -> DeliveryConfig {
    let backoff = Backoff { base: Duration::from_millis(2), cap: Duration::from_millis(20) };
    DeliveryConfig { backoff, ..DeliveryConfig::new(HashMap::from([("crm".to_owned(), url)]), key.clone()) }
}

fn disposition(n: u32) -> Message<'static> {
    Message {
        target: "crm",
        event_type: "contact.disposition.updated",
        body: json!({ "contactId": n, "code": "SALE" }),
    }
}

async fn until(
    status: &mut watch::Receiver<OutboxStatus>,
    what: impl Fn(&OutboxStatus) -> bool,
) -> OutboxStatus {
    let seen = tokio::time::timeout(Duration::from_secs(60), status.wait_for(|s| what(s)));
    seen.await.expect("the deliverer never got there").expect("the deliverer is gone").clone()
}

async fn open(dir: &tempfile::TempDir) -> Outbox {
    Outbox::open(dir.path().join("outbox.jsonl")).await.unwrap()
}

#[tokio::test]
async fn deliveries_are_signed_and_verify_with_the_same_secret() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let (url, rx) = receiver(Answer::Accept, &key, false).await;
    let outbox = open(&dir).await;
    let mut ids = Vec::new();
    for n in 1..=3 {
        ids.push(outbox.enqueue(disposition(n)).await.unwrap());
    }
    let cancel = CancellationToken::new();
    let deliverer = Deliverer::spawn(outbox.clone(), config(url, &key), cancel.clone()).unwrap();
    let status = until(&mut deliverer.status(), |s| s.delivered == 3).await;
    assert_eq!((status.backlog, status.failed, status.oldest_pending), (0, 0, None));

    let deliveries = std::mem::take(&mut *rx.deliveries.lock().unwrap());
    assert_eq!(deliveries.len(), 3);
    for (delivery, (id, n)) in deliveries.iter().zip(ids.iter().zip(1..)) {
        assert_eq!(delivery.id, id.as_str());
        assert!(id.as_str().starts_with("msg_"));
        assert_eq!(delivery.verdict, Verdict::Valid);
        assert_eq!(delivery.content_type, "application/json");
        let body: serde_json::Value = serde_json::from_slice(&delivery.body).unwrap();
        assert_eq!(body, json!({ "contactId": n, "code": "SALE" }));
    }
    assert!(outbox.pending().is_empty());
    cancel.cancel();
    deliverer.stopped().await;
}

#[tokio::test]
async fn a_failing_receiver_gets_the_same_webhook_id_until_it_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let (url, rx) = receiver(Answer::FailFirst(3), &key, false).await;
    let outbox = open(&dir).await;
    let id = outbox.enqueue(disposition(1)).await.unwrap();
    let cancel = CancellationToken::new();
    let deliverer = Deliverer::spawn(outbox.clone(), config(url, &key), cancel.clone()).unwrap();
    let mut status = deliverer.status();
    let failing = until(&mut status, |s| s.last_error.is_some()).await;
    assert!(failing.last_error.unwrap().contains("503"));
    assert_eq!(failing.backlog, 1);
    until(&mut status, |s| s.delivered == 1).await;

    let deliveries = rx.deliveries();
    assert_eq!(deliveries.len(), 4, "three refusals, then the delivery");
    assert!(
        deliveries
            .iter()
            .all(|(webhook_id, _, verdict)| webhook_id == id.as_str() && *verdict == Verdict::Valid)
    );
    assert!(outbox.failed().is_empty() && outbox.pending().is_empty());
    cancel.cancel();
    deliverer.stopped().await;
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_the_message_is_kept_as_failed() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let (url, rx) = receiver(Answer::Redirect, &key, false).await;
    let outbox = open(&dir).await;
    let id = outbox.enqueue(disposition(1)).await.unwrap();
    let cancel = CancellationToken::new();
    let deliverer = Deliverer::spawn(outbox.clone(), config(url, &key), cancel.clone()).unwrap();
    let status = until(&mut deliverer.status(), |s| s.failed == 1).await;
    assert_eq!(status.backlog, 0);
    assert_eq!(rx.redirected_to.load(Ordering::SeqCst), 0, "the redirect was followed");
    assert_eq!(rx.deliveries().len(), 1);
    let failed = outbox.failed();
    assert_eq!(failed[0].envelope.id, id);
    assert!(failed[0].reason.contains("redirect"), "{}", failed[0].reason);
    cancel.cancel();
    deliverer.stopped().await;
}

#[tokio::test]
async fn a_permanent_refusal_is_reported_once_and_not_retried() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let (url, rx) = receiver(Answer::Refuse, &key, false).await;
    let outbox = open(&dir).await;
    outbox.enqueue(disposition(1)).await.unwrap();
    let cancel = CancellationToken::new();
    let deliverer = Deliverer::spawn(outbox.clone(), config(url, &key), cancel.clone()).unwrap();
    let status = until(&mut deliverer.status(), |s| s.failed == 1 && s.last_error.is_some()).await;
    assert!(status.last_error.as_deref().is_some_and(|e| e.contains("400")), "{status:?}");
    let failed = outbox.failed();
    assert_eq!((failed.len(), failed[0].attempts), (1, 1));
    assert_eq!(rx.deliveries().len(), 1);
    cancel.cancel();
    deliverer.stopped().await;
}

#[tokio::test]
async fn running_out_of_attempts_keeps_the_message_as_failed() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let (url, rx) = receiver(Answer::FailFirst(usize::MAX), &key, false).await;
    let outbox = open(&dir).await;
    outbox.enqueue(disposition(1)).await.unwrap();
    let config = DeliveryConfig { max_attempts: 3, ..config(url, &key) };
    let cancel = CancellationToken::new();
    let deliverer = Deliverer::spawn(outbox.clone(), config, cancel.clone()).unwrap();
    until(&mut deliverer.status(), |s| s.failed == 1).await;
    assert_eq!(rx.deliveries().len(), 3);
    let failed = outbox.failed();
    assert!(failed[0].reason.contains("gave up after 3 attempts"), "{}", failed[0].reason);
    cancel.cancel();
    deliverer.stopped().await;
}

#[tokio::test]
async fn concurrency_is_bounded_and_the_status_follows_the_backlog() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let (url, rx) = receiver(Answer::Accept, &key, true).await;
    let outbox = open(&dir).await;
    for n in 1..=6 {
        outbox.enqueue(disposition(n)).await.unwrap();
    }
    let config = DeliveryConfig { max_in_flight: 2, ..config(url, &key) };
    let cancel = CancellationToken::new();
    let deliverer = Deliverer::spawn(outbox.clone(), config, cancel.clone()).unwrap();
    let mut status = deliverer.status();
    let busy = until(&mut status, |s| s.in_flight == 2).await;
    assert_eq!(busy.backlog, 6);
    assert!(busy.oldest_pending.is_some());
    assert!(
        busy.delivery_lag(time::OffsetDateTime::now_utc() + time::Duration::minutes(1))
            >= Duration::from_secs(59)
    );

    // Both held requests reach the receiver before any is let through.
    while rx.inside.load(Ordering::SeqCst) < 2 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let gate = rx.gate.as_ref().unwrap();
    gate.add_permits(3);
    let later = until(&mut status, |s| s.delivered == 3).await;
    assert_eq!(later.backlog, 3);
    gate.add_permits(3);
    let done = until(&mut status, |s| s.delivered == 6).await;
    assert_eq!((done.backlog, done.in_flight, done.oldest_pending), (0, 0, None));
    assert_eq!(rx.most_inside.load(Ordering::SeqCst), 2, "never more than two at once");
    cancel.cancel();
    deliverer.stopped().await;
}

#[tokio::test]
async fn a_target_without_url_stays_waiting_and_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let (url, rx) = receiver(Answer::Accept, &key, false).await;
    let outbox = open(&dir).await;
    let stranded = outbox
        .enqueue(Message {
            target: "wfm",
            event_type: "agent.status.changed",
            body: json!({ "userId": "u1" }),
        })
        .await
        .unwrap();
    outbox.enqueue(disposition(1)).await.unwrap();
    let cancel = CancellationToken::new();
    let deliverer = Deliverer::spawn(outbox.clone(), config(url, &key), cancel.clone()).unwrap();
    let status = until(&mut deliverer.status(), |s| s.delivered == 1 && s.misconfigured == 1).await;
    assert_eq!(status.backlog, 1);
    let error = status.last_error.unwrap();
    assert!(error.contains("\"wfm\"") && error.contains(stranded.as_str()), "{error}");
    assert_eq!(outbox.pending()[0].id, stranded);
    assert_eq!(rx.deliveries().len(), 1);
    cancel.cancel();
    deliverer.stopped().await;
}

#[tokio::test]
async fn shutting_down_says_so_on_the_status() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let (url, _rx) = receiver(Answer::Accept, &key, true).await;
    let outbox = open(&dir).await;
    outbox.enqueue(disposition(1)).await.unwrap();
    let cancel = CancellationToken::new();
    let deliverer = Deliverer::spawn(outbox.clone(), config(url, &key), cancel.clone()).unwrap();
    let mut status = deliverer.status();
    until(&mut status, |s| s.in_flight == 1).await;
    cancel.cancel();
    deliverer.stopped().await;
    let last = status.borrow().clone();
    assert!(!last.running);
    assert_eq!((last.backlog, last.in_flight), (1, 0), "the cut-short attempt stays waiting");
}

#[tokio::test]
async fn plain_http_off_this_machine_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let outbox = open(&dir).await;
    for url in ["http://example.com/hook", "http://10.0.0.8/hook", "ftp://127.0.0.1/hook"] {
        let refused = Deliverer::spawn(
            outbox.clone(),
            config(Url::parse(url).unwrap(), &key),
            CancellationToken::new(),
        );
        match refused {
            Err(DeliveryError::Config { field, .. }) => assert_eq!(field, "targets.crm"),
            _ => panic!("{url} was accepted"),
        }
    }
    // Nothing is waiting, so accepting an https target contacts nobody.
    for url in ["http://localhost:9/hook", "https://crm.example.com/hook"] {
        let url = Url::parse(url).unwrap();
        assert!(Deliverer::spawn(outbox.clone(), config(url, &key), CancellationToken::new()).is_ok());
    }
}
