//! A write the tenant applied but never answered, after which the tenant
//! stops answering at all: the change cannot be read back, and its outcome
//! must not say nothing reached the tenant.

mod engine_support;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cxone_console::api::{Client, ClientConfig};
use cxone_console::engine::{Engine, Outcome};
use cxone_console::sandbox::tenant::PINNED_CLOSED_INTERACTION;
use cxone_console::sandbox::{Resource, Sandbox, SandboxConfig};
use engine_support::forward as forward_support;
use engine_support::{Rig, engine_config};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use url::Url;

/// Forwards to the sandbox until the first disposition write: that one is
/// forwarded (the tenant applies it), its answer cut off mid-way, and from
/// then on every request gets a 503, as from a tenant gone down.
struct Vanishing {
    upstream: Url,
    http: reqwest::Client,
    down: AtomicBool,
}

async fn forward(State(proxy): State<Arc<Vanishing>>, request: Request) -> Response {
    if proxy.down.load(Ordering::SeqCst) {
        let body = r#"{"error":"unavailable","message":"the tenant is down"}"#;
        return (StatusCode::SERVICE_UNAVAILABLE, [(header::CONTENT_TYPE, "application/json")], body)
            .into_response();
    }
    let Some((parts, body)) = forward_support::read(request).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let Some(answer) = forward_support::ask(&proxy.http, &proxy.upstream, &parts, body).await else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let writes = parts.method == Method::PATCH && parts.uri.path().contains("/interactions/");
    if !(writes && answer.status.is_success()) {
        return answer.respond();
    }
    // Applied upstream; the answer breaks off after its headers.
    proxy.down.store(true, Ordering::SeqCst);
    let cut: Result<axum::body::Bytes, std::io::Error> = Err(std::io::Error::other("connection lost"));
    answer.respond_with(Body::from_stream(futures_util::stream::iter([cut])))
}

async fn through_vanishing_tenant() -> Rig {
    let sandbox = Sandbox::start(SandboxConfig::quiet()).await.expect("the sandbox binds 127.0.0.1:0");
    let http = forward_support::http();
    let proxy = Arc::new(Vanishing { upstream: sandbox.base_url(), http, down: AtomicBool::new(false) });
    let url = forward_support::serve(axum::Router::new().fallback(forward).with_state(proxy)).await;
    let client = Client::new(ClientConfig::new(url, sandbox.client_id(), sandbox.client_secret().clone()))
        .expect("a client");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let config = engine_config(&sandbox, dir.path());
    let (engine, events) = Engine::start(client, config).await.expect("the engine starts");
    Rig { sandbox, engine, events, dir, seen: Vec::new() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_applied_unanswered_then_unreadable_says_it_may_have_landed() {
    let mut rig = through_vanishing_tenant().await;
    let outcome = rig.outcome(engine_support::issue_resolved(PINNED_CLOSED_INTERACTION)).await;
    assert_eq!(rig.sandbox.stats().writes_of(Resource::InteractionDisposition), 1, "the tenant applied it");
    let Outcome::Failed { error } = &outcome else { panic!("not settled either way: {outcome:?}") };
    assert!(error.contains("may have been applied all the same"), "{error}");
    // The audit log's outcome says the same, for whoever reads it later.
    let records = rig.audit_records();
    let last = records.last().expect("an outcome record");
    let reason = last.entry.reason.clone().unwrap_or_default();
    assert!(reason.contains("may have been applied all the same"), "{reason}");
    rig.stop().await;
}
