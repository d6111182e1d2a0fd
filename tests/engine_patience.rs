//! The engine's own extra tries of a call keep to the patience the client
//! is configured with, not to the client's defaults.

mod engine_support;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cxone_console::api::{Client, ClientConfig, RetryPolicy};
use cxone_console::engine::{Engine, Outcome};
use cxone_console::sandbox::tenant::PINNED_CLOSED_INTERACTION;
use cxone_console::sandbox::{Sandbox, SandboxConfig};
use engine_support::forward as forward_support;
use engine_support::{Rig, engine_config};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use url::Url;

/// Forwards to the sandbox, but answers every interaction write with a 429
/// asking for 20 s.
struct Limiting {
    upstream: Url,
    http: reqwest::Client,
    writes: AtomicUsize,
}

async fn forward(State(proxy): State<Arc<Limiting>>, request: Request) -> Response {
    let Some((parts, body)) = forward_support::read(request).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    if parts.method == Method::PATCH && parts.uri.path().contains("/interactions/") {
        proxy.writes.fetch_add(1, Ordering::SeqCst);
        let body = r#"{"error":"rate_limited","message":"slow down"}"#;
        let headers = [(header::CONTENT_TYPE, "application/json"), (header::RETRY_AFTER, "20")];
        return (StatusCode::TOO_MANY_REQUESTS, headers, body).into_response();
    }
    forward_support::pass(&proxy.http, &proxy.upstream, &parts, body).await
}

/// A client that waits out at most 10 s a tenant asks for gives up on a
/// 20 s wait at once, and so does the engine, rather than waiting it out
/// as the client's default of 30 s would allow.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wait_longer_than_the_client_is_configured_to_accept_ends_the_change() {
    let sandbox = Sandbox::start(SandboxConfig::quiet()).await.expect("the sandbox binds 127.0.0.1:0");
    let http = forward_support::http();
    let proxy = Arc::new(Limiting { upstream: sandbox.base_url(), http, writes: AtomicUsize::new(0) });
    let url =
        forward_support::serve(axum::Router::new().fallback(forward).with_state(Arc::clone(&proxy))).await;
    let hasty = RetryPolicy { max_retry_after: Duration::from_secs(10), ..RetryPolicy::default() };
    let config =
        ClientConfig::new(url, sandbox.client_id(), sandbox.client_secret().clone()).with_retry(hasty);
    let client = Client::new(config).expect("a client");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (engine, events) =
        Engine::start(client, engine_config(&sandbox, dir.path())).await.expect("it starts");
    let mut rig = Rig { sandbox, engine, events, dir, seen: Vec::new() };

    let change = engine_support::issue_resolved(PINNED_CLOSED_INTERACTION);
    let outcome = tokio::time::timeout(Duration::from_secs(15), rig.outcome(change))
        .await
        .expect("the change ends without waiting out the 20 s");
    assert!(!outcome.is_applied(), "{outcome:?}");
    let Outcome::Failed { error } = &outcome else { panic!("failed: {outcome:?}") };
    assert!(error.contains("20 s"), "the outcome names the wait asked for: {error}");
    assert_eq!(proxy.writes.load(Ordering::SeqCst), 1, "the write was not sent again");
    rig.stop().await;
}
