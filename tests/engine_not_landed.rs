//! A write that never got an answer, read back and found not in place: its
//! outcome says it was not applied and can be sent again, not that it may
//! have been and should be read back, which the engine has just done.

mod engine_support;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use cxone_console::domain::agent_status::AgentStatusDraft;
use cxone_console::engine::{Change, CommandId, Item, Outcome};
use cxone_console::sandbox::{Resource, Sandbox, SandboxConfig};
use engine_support::forward as forward_support;
use engine_support::proxy;
use std::sync::Arc;
use url::Url;

/// Document 003's agent: an Agent, on shift around the clock, Available.
const AGENT: &str = "12345-abcde-67890";

struct Swallowing {
    upstream: Url,
    http: reqwest::Client,
}

/// Forwards everything but a status write, which is never passed on: its
/// answer breaks off after the headers, so the client cannot tell whether
/// it landed.
async fn forward(State(proxy): State<Arc<Swallowing>>, request: Request) -> Response {
    if request.method() == Method::PUT && request.uri().path().ends_with("/status") {
        let cut: Result<axum::body::Bytes, std::io::Error> = Err(std::io::Error::other("connection lost"));
        return Response::new(Body::from_stream(futures_util::stream::iter([cut])));
    }
    let Some((parts, body)) = forward_support::read(request).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    match forward_support::ask(&proxy.http, &proxy.upstream, &parts, body).await {
        Some(answer) => answer.respond(),
        None => StatusCode::BAD_GATEWAY.into_response(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_read_back_and_not_found_is_said_not_applied() {
    let sandbox = Sandbox::start(SandboxConfig::quiet()).await.expect("the sandbox binds 127.0.0.1:0");
    let proxy = Arc::new(Swallowing { upstream: sandbox.base_url(), http: forward_support::http() });
    let url = forward_support::serve(axum::Router::new().fallback(forward).with_state(proxy)).await;
    let mut rig = proxy::rig_at(sandbox, url, |_| {}).await;

    let draft = AgentStatusDraft { user_id: AGENT.into(), status: "Training".into(), ..Default::default() };
    let id = CommandId::random().item(0);
    let outcome = rig.outcome(Change::AgentStatus(vec![Item::new(id, draft)])).await;
    assert_eq!(rig.sandbox.stats().writes_of(Resource::AgentStatus), 0, "no write reached the tenant");
    let Outcome::Failed { error } = &outcome else { panic!("expected a failure, got {outcome:?}") };
    assert!(!error.contains("may or may not") && !error.contains("may have been applied"), "{error}");
    assert!(error.contains("nothing was changed by it; try again"), "{error}");
    rig.stop().await;
}
