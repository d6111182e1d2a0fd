//! Injected faults as a client sees them, and as `/sandbox/stats` counts them.

mod common;

use axum::Router;
use axum::http::StatusCode as AxumStatus;
use axum::routing::{get, post};
use common::{TestApi, authed, client, error_of, fresh_connections, join, start, start_quiet};
use cxone_console::sandbox::{FaultProfile, FaultRates, SandboxConfig, SandboxState};
use reqwest::{Method, StatusCode, header};
use secrecy::ExposeSecret;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

#[derive(Debug, Default)]
struct Tally {
    ok: u64,
    too_many: u64,
    server_errors: u64,
    dropped: u64,
}

#[tokio::test(start_paused = true)]
async fn a_storm_gives_429s_5xx_and_dropped_connections_all_counted_and_none_is_clean() {
    let sandbox = start_quiet().await;
    let (admin, base) = (client(), sandbox.base_url());
    let rates = common::set_faults(&admin, &base, json!({ "profile": "storm" })).await;
    assert_eq!(rates, FaultRates::from(FaultProfile::Storm));

    let client = fresh_connections();
    let secret = sandbox.client_secret().expose_secret().to_string();
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", sandbox.client_id()),
        ("client_secret", secret.as_str()),
    ];
    let attempts = 400;
    let mut tally = Tally::default();
    for _ in 0..attempts {
        match client.post(join(&base, "/oauth/token")).form(&form).send().await {
            Ok(response) if response.status() == StatusCode::OK => tally.ok += 1,
            Ok(response) if response.status() == StatusCode::TOO_MANY_REQUESTS => {
                let retry_after: u64 =
                    response.headers()[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
                assert!((1..=3).contains(&retry_after), "Retry-After {retry_after}");
                assert_eq!(error_of(response).await.0, "rate_limited");
                tally.too_many += 1;
            }
            Ok(response) if response.status().is_server_error() => {
                let status = response.status().as_u16();
                assert!([500, 502, 503, 504].contains(&status), "{status}");
                let (error, _) = error_of(response).await;
                assert!(
                    ["server_error", "bad_gateway", "unavailable", "gateway_timeout"]
                        .contains(&error.as_str())
                );
                tally.server_errors += 1;
            }
            Ok(response) => panic!("unexpected {}", response.status()),
            Err(error) => {
                assert!(!error.is_timeout() && !error.is_status(), "a dropped connection: {error}");
                tally.dropped += 1;
            }
        }
    }
    assert!(tally.ok > 0 && tally.too_many > 0 && tally.server_errors > 0 && tally.dropped > 0, "{tally:?}");

    let stats = common::stats(&admin, &base).await;
    assert_eq!(stats.requests, attempts);
    assert_eq!(stats.faults["tooManyRequests"], tally.too_many);
    assert_eq!(stats.faults["serverError"], tally.server_errors);
    assert_eq!(stats.faults["droppedBefore"] + stats.faults["droppedAfter"], tally.dropped);
    assert_eq!(
        stats.tokens_issued,
        tally.ok + stats.faults["droppedAfter"],
        "a reply dropped after handling still issued its token"
    );

    common::set_faults(&admin, &base, json!({ "profile": "none" })).await;
    for _ in 0..50 {
        let response = client.post(join(&base, "/oauth/token")).form(&form).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert_eq!(common::stats(&admin, &base).await.faults, stats.faults, "no fault after `none`");
    sandbox.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn latency_is_added_before_the_reply() {
    let config = SandboxConfig {
        faults: FaultRates {
            latency_median_ms: 1500.0,
            latency_p99_ms: 1500.0,
            ..FaultRates::from(FaultProfile::None)
        },
        ..SandboxConfig::quiet()
    };
    let sandbox = start(config).await;
    let started = tokio::time::Instant::now();
    common::token(&sandbox, None).await;
    assert!(started.elapsed() >= Duration::from_millis(1500), "{:?} on the paused clock", started.elapsed());

    let started = tokio::time::Instant::now();
    common::stats(&client(), &sandbox.base_url()).await;
    assert!(started.elapsed() < Duration::from_millis(1500), "/sandbox/* gets no latency");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn fault_changes_are_checked_and_reported() {
    let sandbox = start_quiet().await;
    let (client, url) = (client(), join(&sandbox.base_url(), "/sandbox/faults"));
    for (change, named) in [
        (json!({ "rate429": 2.0 }), "rate429"),
        (json!({ "latencyMedianMs": 100.0, "latencyP99Ms": 10.0 }), "latencyP99Ms"),
        (json!({ "rate_5xx": 0.1 }), "rate_5xx"),
        (json!({ "profile": "hurricane" }), "hurricane"),
    ] {
        let response = client.put(url.clone()).json(&change).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{change}");
        let (error, message) = error_of(response).await;
        assert_eq!(error, "bad_request");
        assert!(message.contains(named), "{change}: {message}");
    }
    let current: FaultRates = client.get(url.clone()).send().await.unwrap().json().await.unwrap();
    assert_eq!(current, FaultRates::from(FaultProfile::None), "refused changes change nothing");

    let set =
        common::set_faults(&client, &sandbox.base_url(), json!({ "profile": "light", "rate5xx": 0.5 })).await;
    let current: FaultRates = client.get(url).send().await.unwrap().json().await.unwrap();
    assert_eq!(current, set);
    assert_eq!((current.profile, current.rate5xx, current.rate429), (None, 0.5, 0.01));
    sandbox.shutdown().await;
}

fn counting_api(runs: Arc<AtomicU64>) -> Router<SandboxState> {
    Router::new().route("/api/v2/users/{id}", get(|| async { "user" })).route(
        "/api/v2/data-actions",
        post(move || {
            let runs = runs.clone();
            async move {
                runs.fetch_add(1, Ordering::SeqCst);
                (AxumStatus::CREATED, "created")
            }
        }),
    )
}

#[tokio::test]
async fn a_revocation_fault_makes_the_call_unauthenticated() {
    let api = TestApi::start(SandboxConfig::quiet(), counting_api(Arc::default())).await;
    let token = api.token(None).await;
    api.set_faults(json!({ "rateRevoke": 1.0 })).await;
    let call = |token: &str| authed(&api.client, Method::GET, api.url("/api/v2/users/u-1"), token).send();
    let response = call(&token).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(error_of(response).await.1.contains("revoked"));
    assert_eq!(api.stats().await.faults["tokenRevoked"], 1);

    api.set_faults(json!({ "profile": "none" })).await;
    assert_eq!(call(&token).await.unwrap().status(), StatusCode::UNAUTHORIZED, "it stays revoked");
    let fresh = api.token(None).await;
    assert_eq!(call(&fresh).await.unwrap().status(), StatusCode::OK);
    api.stop().await;
}

#[tokio::test]
async fn drops_before_never_run_the_handler_and_drops_after_do() {
    let runs = Arc::new(AtomicU64::new(0));
    let api = TestApi::start(SandboxConfig::quiet(), counting_api(runs.clone())).await;
    let token = api.token(None).await;
    api.set_faults(json!({ "rateDrop": 1.0 })).await;
    let client = fresh_connections();
    let attempts = 40;
    for _ in 0..attempts {
        let outcome = authed(&client, Method::POST, api.url("/api/v2/data-actions"), &token).send().await;
        let error = outcome.expect_err("every connection is dropped");
        assert!(!error.is_timeout() && !error.is_status(), "{error}");
    }
    let faults = api.stats().await.faults;
    let (before, after) = (faults["droppedBefore"], faults["droppedAfter"]);
    assert_eq!(before + after, attempts);
    assert!(before > 0 && after > 0, "both kinds occur: {before} before, {after} after");
    assert_eq!(runs.load(Ordering::SeqCst), after, "only drops after handling ran the handler");
    api.stop().await;
}

/// Only a write may land behind a gateway's error; a read never runs first.
#[tokio::test]
async fn gateway_errors_after_handling_come_only_on_writes_and_ran_the_handler() {
    let runs = Arc::new(AtomicU64::new(0));
    let api = TestApi::start(SandboxConfig::quiet(), counting_api(runs.clone())).await;
    let token = api.token(None).await;
    api.set_faults(json!({ "rate5xx": 1.0 })).await;
    let attempts = 40;
    for _ in 0..attempts {
        let read = authed(&api.client, Method::GET, api.url("/api/v2/users/u-1"), &token).send().await;
        assert!(read.unwrap().status().is_server_error());
    }
    assert_eq!(api.stats().await.faults["serverErrorAfter"], 0, "no read is answered after");
    for _ in 0..attempts {
        let write = authed(&api.client, Method::POST, api.url("/api/v2/data-actions"), &token).send().await;
        assert!(write.unwrap().status().is_server_error());
    }
    let faults = api.stats().await.faults;
    let (before, after) = (faults["serverError"], faults["serverErrorAfter"]);
    assert_eq!(before + after, 2 * attempts);
    assert!(after > 0, "some writes landed behind a 502 or 504");
    assert_eq!(runs.load(Ordering::SeqCst), after, "only those ran the handler");
    api.stop().await;
}
