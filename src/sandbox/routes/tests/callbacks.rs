//! Attribute-change callbacks reach a loopback receiver, signed with the
//! registration's own secret; other URIs are never contacted.

use super::Harness;
use crate::sandbox::tenant::PINNED_ATTRIBUTES_INTERACTION as ID;
use crate::signing::{SigningKey, Verdict};
use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::routing::post;
use secrecy::SecretString;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::mpsc;

struct Received {
    headers: HeaderMap,
    body: Bytes,
}

/// A receiver on 127.0.0.1 that fails the first `failures` deliveries.
async fn receiver(failures: usize) -> (String, mpsc::UnboundedReceiver<Received>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let seen = Arc::new(AtomicUsize::new(0));
    let app = Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: Bytes| {
            let (tx, seen) = (tx.clone(), seen.clone());
            async move {
                if seen.fetch_add(1, Ordering::SeqCst) < failures {
                    return StatusCode::INTERNAL_SERVER_ERROR;
                }
                let _ = tx.send(Received { headers, body });
                StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, rx)
}

async fn register(h: &Harness, uri: &str) -> String {
    let body = json!({
        "name": "analytics_sync", "uri": uri, "events": ["interaction.attributes.updated"],
        "enabled": true, "headers": { "X-Webhook-Source": "cxone-attribute-updater" },
    });
    let r = h.send(Method::POST, "/api/v2/webhooks", Some(&body), &[]).await;
    assert_eq!(r.status, StatusCode::CREATED);
    r.body["secret"].as_str().unwrap().to_string()
}

async fn change(h: &Harness) {
    let body = json!({ "attributes": [ { "key": "routing_priority", "value": 9, "mode": "ADD" } ] });
    let r = h.send(Method::POST, &format!("/api/v2/interactions/{ID}/attributes"), Some(&body), &[]).await;
    assert_eq!(r.status, StatusCode::OK);
}

async fn next(rx: &mut mpsc::UnboundedReceiver<Received>) -> Received {
    tokio::time::timeout(Duration::from_secs(30), rx.recv()).await.expect("a delivery arrives").expect("open")
}

/// Waits for the counters to settle; deliveries finish off the request path.
async fn counted(h: &Harness, delivered: u64, undeliverable: u64) {
    for _ in 0..300 {
        let s = h.stats();
        if s.callbacks_delivered == delivered && s.callbacks_undeliverable == undeliverable {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let s = h.stats();
    panic!("delivered {} undeliverable {}", s.callbacks_delivered, s.callbacks_undeliverable);
}

#[tokio::test]
async fn a_signed_delivery_reaches_a_loopback_receiver_and_verifies() {
    let h = Harness::new().await;
    let (url, mut rx) = receiver(0).await;
    let secret = register(&h, &url).await;
    register(&h, "https://your-analytics-platform.com/cxone/webhook").await;
    change(&h).await;

    let got = next(&mut rx).await;
    let header = |n: &str| got.headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert_eq!(header("x-webhook-source"), "cxone-attribute-updater");
    assert_eq!(header("content-type"), "application/json");
    let key = SigningKey::from_secret(&SecretString::from(secret)).unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let verdict = key.verify(
        &header("webhook-id"),
        &header("webhook-timestamp"),
        &header("webhook-signature"),
        &got.body,
        now,
    );
    assert_eq!(verdict, Verdict::Valid);

    let event: Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(event["eventType"], "interaction.attributes.updated");
    assert_eq!(event["interactionId"], ID);
    assert_eq!(event["attributes"], json!([{ "key": "routing_priority", "value": 9, "mode": "ADD" }]));
    assert!(event["callbackLatencyMs"].as_f64().is_some_and(|ms| ms >= 0.0));
    assert!(event["eventId"].is_string() && event["occurredAt"].is_string());
    counted(&h, 1, 1).await;

    // A request that changes nothing sends nothing.
    change(&h).await;
    counted(&h, 1, 1).await;
}

#[tokio::test]
async fn a_failed_delivery_is_retried_until_it_succeeds() {
    let h = Harness::new().await;
    let (url, mut rx) = receiver(1).await;
    register(&h, &url).await;
    change(&h).await;
    let got = next(&mut rx).await;
    assert!(got.headers.get("webhook-id").is_some());
    counted(&h, 1, 0).await;
}
