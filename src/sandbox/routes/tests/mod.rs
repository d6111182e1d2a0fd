//! The endpoints exercised over real TCP, one request at a time, against a
//! quiet seeded tenant, through the whole app (auth, faults off, idempotency).
//! Each document's example flow is replayed with the exact fields its client
//! sends and reads.

mod attributes;
mod callbacks;
mod data_actions;
mod errors;
mod interactions;
mod outbound;
mod users;

use crate::sandbox::{Resource, Sandbox, SandboxConfig, StatsSnapshot};
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use secrecy::ExposeSecret;
use serde_json::Value;

pub(super) struct Harness {
    pub sandbox: Sandbox,
    http: reqwest::Client,
    /// A token holding every scope.
    token: String,
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
        let http = reqwest::Client::builder().no_proxy().build().expect("a client builds");
        let token_url = sandbox.base_url().join("/oauth/token").expect("a URL");
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", sandbox.client_id()),
            ("client_secret", sandbox.client_secret().expose_secret()),
        ];
        let reply: Value = http
            .post(token_url)
            .form(&form)
            .send()
            .await
            .expect("the token endpoint answers")
            .json()
            .await
            .expect("a token reply");
        let token = reply["access_token"].as_str().expect("a token").to_string();
        Self { sandbox, http, token }
    }

    /// The id of a seeded user with neither the Agent nor the Supervisor role.
    pub async fn desk_less(&self) -> String {
        let users = self.get("/api/v2/users?top=1000").await;
        users.body["items"]
            .as_array()
            .expect("a page of users")
            .iter()
            .find(|u| {
                let roles = u["roles"].as_array().expect("roles");
                roles.iter().all(|r| r["name"] != "Agent" && r["name"] != "Supervisor")
            })
            .expect("a user with other roles only")["id"]
            .as_str()
            .expect("an id")
            .to_string()
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

    /// Sends `req` to the running sandbox, with the harness's bearer token
    /// unless the request carries its own `Authorization`.
    pub async fn raw(&self, req: Request<Body>) -> Reply {
        let (parts, body) = req.into_parts();
        let body = axum::body::to_bytes(body, usize::MAX).await.expect("a test body");
        let url = self.sandbox.base_url().join(&parts.uri.to_string()).expect("a URL");
        let mut request = self.http.request(parts.method, url).headers(parts.headers.clone()).body(body);
        if !parts.headers.contains_key(header::AUTHORIZATION) {
            request = request.bearer_auth(&self.token);
        }
        let response = request.send().await.expect("the sandbox answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("a body");
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
