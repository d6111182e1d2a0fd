//! Loopback proxies between the engine and the sandbox: one that arranges
//! what happens on the tenant just before each interaction disposition
//! write arrives (a concurrent edit, another supervisor's write), and one
//! that answers some requests itself, as a failing gateway or a tenant
//! refusing them would, or holds them back, as a slow tenant would.

use super::{Rig, engine_config, forward};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use cxone_console::api::Client;
use cxone_console::engine::{Engine, EngineConfig};
use cxone_console::sandbox::Sandbox;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
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
    let http = forward::http();
    let proxy = Arc::new(Proxy { upstream: sandbox.base_url(), http, hook, patches: AtomicUsize::new(0) });
    let url = forward::serve(axum::Router::new().fallback(forward).with_state(Arc::clone(&proxy))).await;
    (rig_at(sandbox, url, adjust).await, proxy)
}

/// The engine of `sandbox`'s tests, sending its calls to `url` (a proxy in
/// front of the sandbox) instead.
pub async fn rig_at(sandbox: Sandbox, url: Url, adjust: impl FnOnce(&mut EngineConfig)) -> Rig {
    let client_config =
        cxone_console::api::ClientConfig::new(url, sandbox.client_id(), sandbox.client_secret().clone());
    let client = Client::new(client_config).expect("a client");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut config = engine_config(&sandbox, dir.path());
    adjust(&mut config);
    let (engine, events) = Engine::start(client, config).await.expect("the engine starts");
    Rig { sandbox, engine, events, dir, seen: Vec::new() }
}

async fn forward(State(proxy): State<Arc<Proxy>>, request: Request) -> Response {
    let Some((parts, body)) = forward::read(request).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    if parts.method == Method::PATCH && parts.uri.path().starts_with("/api/v1/interactions/") {
        let n = proxy.patches.fetch_add(1, Ordering::SeqCst);
        (proxy.hook)(n).await;
    }
    forward::pass(&proxy.http, &proxy.upstream, &parts, body).await
}

/// What a routed proxy does with one request.
pub enum Route {
    /// Sends it on and the tenant's answer back.
    Pass,
    /// Answers `status` itself; the tenant never sees the request.
    Refuse(StatusCode),
    /// Sends it on, then answers `status` in place of the tenant's answer,
    /// as a gateway failing after the write landed.
    LandThen(StatusCode),
    /// Takes it and never answers, as a tenant that hangs.
    Hang,
    /// Sends it on after the time given, then the tenant's answer back, as
    /// a tenant slow to answer.
    Late(Duration),
    /// Sends it on, then answers the tenant's status and headers with its
    /// JSON body changed by the function, as a tenant that answers a write
    /// with a state other than the one asked for.
    Rewrite(fn(&mut serde_json::Value)),
}

type Router = Box<dyn Fn(&Method, &str) -> Route + Send + Sync>;

struct Routed {
    upstream: Url,
    http: reqwest::Client,
    route: Router,
}

/// The engine of `sandbox`'s tests behind a proxy that routes each request
/// by its method and path as `route` says.
pub async fn routed(
    sandbox: Sandbox,
    route: impl Fn(&Method, &str) -> Route + Send + Sync + 'static,
    adjust: impl FnOnce(&mut EngineConfig),
) -> Rig {
    let routed =
        Arc::new(Routed { upstream: sandbox.base_url(), http: forward::http(), route: Box::new(route) });
    let url = forward::serve(axum::Router::new().fallback(route_one).with_state(routed)).await;
    rig_at(sandbox, url, adjust).await
}

async fn route_one(State(proxy): State<Arc<Routed>>, request: Request) -> Response {
    let Some((parts, body)) = forward::read(request).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    match (proxy.route)(&parts.method, parts.uri.path()) {
        Route::Pass => forward::pass(&proxy.http, &proxy.upstream, &parts, body).await,
        Route::Refuse(status) => status.into_response(),
        Route::LandThen(status) => {
            let _ = forward::ask(&proxy.http, &proxy.upstream, &parts, body).await;
            status.into_response()
        }
        Route::Hang => std::future::pending().await,
        Route::Late(after) => {
            tokio::time::sleep(after).await;
            forward::pass(&proxy.http, &proxy.upstream, &parts, body).await
        }
        Route::Rewrite(change) => match forward::ask(&proxy.http, &proxy.upstream, &parts, body).await {
            Some(answer) => {
                let mut json: serde_json::Value =
                    serde_json::from_slice(&answer.body).expect("a JSON answer");
                change(&mut json);
                answer.respond_with(axum::body::Body::from(json.to_string()))
            }
            None => StatusCode::BAD_GATEWAY.into_response(),
        },
    }
}
