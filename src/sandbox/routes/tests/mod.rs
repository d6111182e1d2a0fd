//! The endpoints exercised as a router, one request at a time, against a
//! quiet seeded tenant. Each document's example flow is replayed with the
//! exact fields its client sends and reads.

mod attributes;
mod callbacks;
mod data_actions;
mod errors;
mod interactions;
mod outbound;
mod users;

use crate::sandbox::{Resource, Sandbox, SandboxConfig, StatsSnapshot};
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use serde_json::Value;
use tower::ServiceExt;

pub(super) struct Harness {
    pub sandbox: Sandbox,
    app: Router,
}

pub(super) struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn etag(&self) -> String {
        self.headers.get("etag").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
    }

    /// The error message of a JSON refusal.
    pub fn message(&self) -> &str {
        self.body["message"].as_str().unwrap_or_default()
    }
}

impl Harness {
    pub async fn new() -> Self {
        Self::with(SandboxConfig::quiet()).await
    }

    pub async fn with(config: SandboxConfig) -> Self {
        let sandbox = Sandbox::start(config).await.expect("a loopback port binds");
        let app = super::api().with_state(sandbox.state().clone());
        Self { sandbox, app }
    }

    pub fn tenant(&self) -> &crate::sandbox::tenant::Tenant {
        &self.sandbox.state().tenant
    }

    pub fn stats(&self) -> StatsSnapshot {
        self.sandbox.stats()
    }

    pub fn writes(&self, r: Resource) -> (u64, u64) {
        let s = self.stats();
        (s.writes_of(r), s.repeated_of(r))
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        if body.is_some() {
            req = req.header("content-type", "application/json");
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
        self.raw(req.body(body).expect("a valid request")).await
    }

    pub async fn raw(&self, req: Request<Body>) -> Reply {
        let response = self.app.clone().oneshot(req).await.expect("the router never fails");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("a body");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).expect("every reply is JSON")
        };
        Reply { status, headers, body }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None, &[]).await
    }
}
