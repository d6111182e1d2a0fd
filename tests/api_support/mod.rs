//! Shared setup of the client's integration tests: a sandbox tenant on
//! 127.0.0.1:0, a client pointed at it, and the sandbox's own controls.

#![allow(dead_code)] // each test file uses its own subset

use cxone_console::api::model::{InteractionFilter, ListQuery, UserFilter};
use cxone_console::api::{Client, ClientConfig, RetryPolicy};
use cxone_console::domain::interaction_disposition::InteractionStatus;
use cxone_console::sandbox::{Fault, Sandbox, SandboxConfig, StatsSnapshot};
use serde_json::{Value, json};
use std::time::Duration;

pub async fn start(config: SandboxConfig) -> Sandbox {
    Sandbox::start(config).await.expect("the sandbox binds 127.0.0.1:0")
}

pub async fn quiet() -> Sandbox {
    start(SandboxConfig::quiet()).await
}

pub fn config(sandbox: &Sandbox) -> ClientConfig {
    ClientConfig::new(sandbox.base_url(), sandbox.client_id(), sandbox.client_secret().clone())
}

pub fn client(sandbox: &Sandbox) -> Client {
    Client::new(config(sandbox)).expect("a valid configuration")
}

pub fn client_with(config: ClientConfig) -> Client {
    Client::new(config).expect("a valid configuration")
}

/// Patient retries for fault-injection tests: many attempts, a long deadline
/// (paused time makes both free).
pub fn patient() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 20,
        base_delay: Duration::from_millis(100),
        max_delay: Duration::from_secs(2),
        max_retry_after: Duration::from_secs(30),
        deadline: Duration::from_secs(600),
    }
}

fn admin() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().expect("a plain HTTP client")
}

async fn admin_call(sandbox: &Sandbox, method: reqwest::Method, path: &str, body: Option<Value>) {
    let mut url = sandbox.base_url();
    url.set_path(path);
    let mut request = admin().request(method, url);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let reply = request.send().await.expect("the sandbox answers its own surface");
    assert!(reply.status().is_success(), "{path}: {}", reply.status());
}

/// `PUT /sandbox/faults` with explicit rates and no added latency.
pub async fn set_fault_rates(sandbox: &Sandbox, rate429: f64, rate5xx: f64, rate_drop: f64) {
    let rates = json!({
        "latencyMedianMs": 0.0, "latencyP99Ms": 0.0,
        "rate429": rate429, "rate5xx": rate5xx, "rateDrop": rate_drop, "rateRevoke": 0.0
    });
    admin_call(sandbox, reqwest::Method::PUT, "/sandbox/faults", Some(rates)).await;
}

/// `PUT /sandbox/faults` with a named profile: none, light or storm.
pub async fn set_fault_profile(sandbox: &Sandbox, profile: &str) {
    admin_call(sandbox, reqwest::Method::PUT, "/sandbox/faults", Some(json!({ "profile": profile }))).await;
}

/// `POST /sandbox/tokens/revoke`: every issued token stops working.
pub async fn revoke_tokens(sandbox: &Sandbox) {
    admin_call(sandbox, reqwest::Method::POST, "/sandbox/tokens/revoke", None).await;
}

pub fn faults(stats: &StatsSnapshot, fault: Fault) -> u64 {
    stats.faults.get(fault.name()).copied().unwrap_or(0)
}

pub fn closed() -> ListQuery<InteractionFilter> {
    ListQuery::new().top(50).filter(InteractionFilter { status: Some(InteractionStatus::Closed) })
}

pub fn open() -> ListQuery<InteractionFilter> {
    ListQuery::new().top(50).filter(InteractionFilter { status: Some(InteractionStatus::Open) })
}

pub fn users() -> ListQuery<UserFilter> {
    ListQuery::new().top(200)
}
