//! Helpers shared by the integration tests: start a sandbox on a free
//! loopback port, fetch tokens over real HTTP, call with a bearer, steer
//! faults and read the counters.
#![allow(dead_code)] // each test file uses its own share of these

use axum::Router;
use cxone_console::sandbox::{FaultRates, Sandbox, SandboxConfig, SandboxState, StatsSnapshot};
use reqwest::{Client, Method, RequestBuilder, Response, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use url::Url;

/// A still, fault-free sandbox on 127.0.0.1:0.
pub async fn start_quiet() -> Sandbox {
    start(SandboxConfig::quiet()).await
}

pub async fn start(config: SandboxConfig) -> Sandbox {
    Sandbox::start(config).await.expect("the sandbox starts on a free loopback port")
}

/// A client for loopback only: no proxy, pooled keep-alive connections.
pub fn client() -> Client {
    Client::builder().no_proxy().build().expect("a plain HTTP client builds")
}

/// A client that opens a new connection for every request, so a connection
/// dropped by a fault never affects the next request.
pub fn fresh_connections() -> Client {
    Client::builder().no_proxy().pool_max_idle_per_host(0).build().expect("a plain HTTP client builds")
}

pub fn join(base: &Url, path: &str) -> Url {
    base.join(path).expect("a path joins a base URL")
}

/// `POST {base}{path}` with a form body, as the documents' clients send it.
pub async fn token_request(client: &Client, base: &Url, path: &str, form: &[(&str, &str)]) -> Response {
    client.post(join(base, path)).form(form).send().await.expect("the token endpoint answers")
}

/// A token from `base` with the sandbox's credentials; `None` asks for every scope.
pub async fn token_from(
    client: &Client,
    base: &Url,
    client_id: &str,
    secret: &SecretString,
    scope: Option<&str>,
) -> String {
    let mut form = vec![
        ("grant_type", "client_credentials"),
        ("client_id", client_id),
        ("client_secret", secret.expose_secret()),
    ];
    if let Some(scope) = scope {
        form.push(("scope", scope));
    }
    let response = token_request(client, base, "/oauth/token", &form).await;
    assert_eq!(response.status(), StatusCode::OK, "token request refused");
    let body: Value = response.json().await.expect("the token reply is JSON");
    body["access_token"].as_str().expect("the reply has an access_token").to_string()
}

/// A token from `sandbox` itself.
pub async fn token(sandbox: &Sandbox, scope: Option<&str>) -> String {
    token_from(&client(), &sandbox.base_url(), sandbox.client_id(), sandbox.client_secret(), scope).await
}

/// A request carrying `Authorization: Bearer <token>`.
pub fn authed(client: &Client, method: Method, url: Url, token: &str) -> RequestBuilder {
    client.request(method, url).bearer_auth(token)
}

/// Replaces the fault rates through `PUT /sandbox/faults`.
pub async fn set_faults(client: &Client, base: &Url, change: Value) -> FaultRates {
    let response =
        client.put(join(base, "/sandbox/faults")).json(&change).send().await.expect("admin answers");
    assert_eq!(response.status(), StatusCode::OK, "fault change {change} refused");
    response.json().await.expect("the new rates are JSON")
}

pub async fn stats(client: &Client, base: &Url) -> StatsSnapshot {
    let response = client.get(join(base, "/sandbox/stats")).send().await.expect("admin answers");
    response.json().await.expect("stats are JSON")
}

/// The error body every refusal carries: `(error, message)`.
pub async fn error_of(response: Response) -> (String, String) {
    let body: Value = response.json().await.expect("an error reply is JSON");
    let text = |field: &str| body[field].as_str().unwrap_or_default().to_string();
    assert_eq!(body["message"], body["error_description"], "message and error_description agree");
    (text("error"), text("message"))
}

/// A sandbox plus a second server that puts `api` (a test's own endpoints)
/// behind the sandbox's real layers, sharing its tokens, faults and counters.
pub struct TestApi {
    pub sandbox: Sandbox,
    pub base: Url,
    pub client: Client,
    stop: CancellationToken,
    server: JoinHandle<()>,
}

impl TestApi {
    pub async fn start(config: SandboxConfig, api: Router<SandboxState>) -> Self {
        let sandbox = start(config).await;
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free loopback port");
        let addr = listener.local_addr().expect("a bound listener has an address");
        let base = Url::parse(&format!("http://{addr}")).expect("a socket address forms a URL");
        let stop = CancellationToken::new();
        let server = sandbox.state().serve_api(listener, api, stop.clone());
        Self { sandbox, base, client: client(), stop, server }
    }

    pub fn url(&self, path: &str) -> Url {
        join(&self.base, path)
    }

    pub async fn token(&self, scope: Option<&str>) -> String {
        token_from(&self.client, &self.base, self.sandbox.client_id(), self.sandbox.client_secret(), scope)
            .await
    }

    pub async fn set_faults(&self, change: Value) -> FaultRates {
        set_faults(&self.client, &self.base, change).await
    }

    pub async fn stats(&self) -> StatsSnapshot {
        stats(&self.client, &self.base).await
    }

    /// Stops accepting, lets requests in flight finish, and waits for that.
    pub async fn stop(self) {
        self.stop.cancel();
        self.server.await.expect("the server task ends cleanly");
        self.sandbox.shutdown().await;
    }

    /// The token that stops the test server, for tests of shutdown itself.
    pub fn stopper(&self) -> CancellationToken {
        self.stop.clone()
    }
}

/// A still sandbox that serves `most` connections at once and waits
/// `within` for a request's headers, and as long for its body.
pub fn bounded(most: usize, within: std::time::Duration) -> SandboxConfig {
    let most = std::num::NonZeroUsize::new(most).expect("a bound above zero");
    SandboxConfig {
        connections: cxone_console::sandbox::ConnectionLimits {
            most,
            headers_within: within,
            body_within: within,
        },
        ..SandboxConfig::quiet()
    }
}
