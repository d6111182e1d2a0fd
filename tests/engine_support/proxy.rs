//! A loopback proxy between the engine and the sandbox that arranges what
//! happens on the tenant just before each interaction disposition write
//! arrives: a concurrent edit, another supervisor's write.

use super::{Rig, engine_config};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cxone_console::api::Client;
use cxone_console::engine::{Engine, EngineConfig};
use cxone_console::sandbox::Sandbox;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use url::Url;

/// Runs before the proxy forwards PATCH number `n` (from 0) of an interaction.
pub type Hook = Arc<dyn Fn(usize) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// A loopback proxy between the engine and the sandbox that arranges what
/// happens on the tenant just before each disposition write arrives.
pub struct Proxy {
    upstream: Url,
    http: reqwest::Client,
    hook: Hook,
    pub patches: AtomicUsize,
}

pub async fn through_proxy(
    sandbox: Sandbox,
    hook: Hook,
    adjust: impl FnOnce(&mut EngineConfig),
) -> (Rig, Arc<Proxy>) {
    let http = reqwest::Client::builder().no_proxy().build().expect("an HTTP client");
    let proxy = Arc::new(Proxy { upstream: sandbox.base_url(), http, hook, patches: AtomicUsize::new(0) });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    let url = Url::parse(&format!("http://{}", listener.local_addr().expect("an address"))).expect("a URL");
    let app = axum::Router::new().fallback(forward).with_state(Arc::clone(&proxy));
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client_config =
        cxone_console::api::ClientConfig::new(url, sandbox.client_id(), sandbox.client_secret().clone());
    let client = Client::new(client_config).expect("a client");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut config = engine_config(&sandbox, dir.path());
    adjust(&mut config);
    let (engine, events) = Engine::start(client, config).await.expect("the engine starts");
    (Rig { sandbox, engine, events, dir, seen: Vec::new() }, proxy)
}

async fn forward(State(proxy): State<Arc<Proxy>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 4 << 20).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    if parts.method == Method::PATCH && parts.uri.path().starts_with("/api/v1/interactions/") {
        let n = proxy.patches.fetch_add(1, Ordering::SeqCst);
        (proxy.hook)(n).await;
    }
    let mut url = proxy.upstream.clone();
    url.set_path(parts.uri.path());
    url.set_query(parts.uri.query());
    let mut out = proxy.http.request(parts.method.clone(), url).body(body);
    for (name, value) in &parts.headers {
        if name != header::HOST && name != header::CONTENT_LENGTH {
            out = out.header(name, value);
        }
    }
    let Ok(reply) = out.send().await else { return StatusCode::BAD_GATEWAY.into_response() };
    let (status, headers) = (reply.status(), reply.headers().clone());
    let bytes = reply.bytes().await.unwrap_or_default();
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    for (name, value) in &headers {
        if name != header::TRANSFER_ENCODING && name != header::CONTENT_LENGTH {
            response.headers_mut().append(name, value.clone());
        }
    }
    response
}
