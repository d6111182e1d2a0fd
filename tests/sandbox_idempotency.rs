//! `Idempotency-Key` over real HTTP: a retried write is answered from
//! memory, never applied twice.

mod common;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode as AxumStatus, header as axum_header};
use axum::response::IntoResponse;
use axum::routing::{patch, post};
use common::{TestApi, authed, error_of, fresh_connections};
use cxone_console::sandbox::{SandboxConfig, SandboxState};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::Semaphore;

const CREATE: &str = "/api/v2/data-actions";
const UPDATE_ROUTE: &str = "/api/v2/data-actions/{id}";
const UPDATE: &str = "/api/v2/data-actions/a-1";

/// Counts handler runs; `gate` holds each create until a permit is added.
#[derive(Clone)]
struct Handler {
    runs: Arc<AtomicU64>,
    gate: Arc<Semaphore>,
}

impl Handler {
    fn open() -> Self {
        Self { runs: Arc::default(), gate: Arc::new(Semaphore::new(Semaphore::MAX_PERMITS)) }
    }

    fn gated() -> Self {
        Self { runs: Arc::default(), gate: Arc::new(Semaphore::new(0)) }
    }

    fn runs(&self) -> u64 {
        self.runs.load(Ordering::SeqCst)
    }

    fn api(&self) -> Router<SandboxState> {
        let create = self.clone();
        let update = self.clone();
        Router::new()
            .route(
                CREATE,
                post(move || {
                    let h = create.clone();
                    async move {
                        let _permit = h.gate.acquire().await;
                        let run = h.runs.fetch_add(1, Ordering::SeqCst) + 1;
                        let mut headers = HeaderMap::new();
                        headers.insert(
                            axum_header::ETAG,
                            HeaderValue::from_str(&format!("W/\"{run:016x}\"")).unwrap(),
                        );
                        (AxumStatus::CREATED, headers, axum::Json(json!({ "run": run }))).into_response()
                    }
                }),
            )
            // A stale tag on the first try; the retry (with a fresh tag) applies.
            .route(
                UPDATE_ROUTE,
                patch(move || {
                    let h = update.clone();
                    async move {
                        let run = h.runs.fetch_add(1, Ordering::SeqCst) + 1;
                        if run == 1 {
                            (AxumStatus::CONFLICT, axum::Json(json!({ "error": "conflict" })))
                        } else {
                            (AxumStatus::OK, axum::Json(json!({ "run": run })))
                        }
                    }
                }),
            )
    }
}

async fn started(handler: &Handler) -> (TestApi, String) {
    let api = TestApi::start(SandboxConfig::quiet(), handler.api()).await;
    let token = api.token(None).await;
    (api, token)
}

async fn send(api: &TestApi, token: &str, method: Method, path: &str, key: Option<&str>) -> Response {
    let mut request = authed(&api.client, method, api.url(path), token).json(&json!({ "name": "x" }));
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request.send().await.expect("the sandbox answers")
}

fn replayed(response: &Response) -> bool {
    response.headers().get("idempotent-replayed").is_some_and(|v| v == "true")
}

#[tokio::test]
async fn the_same_key_twice_runs_once_and_replays_the_first_reply() {
    let handler = Handler::open();
    let (api, token) = started(&handler).await;
    let first = send(&api, &token, Method::POST, CREATE, Some("key-1")).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    assert!(!replayed(&first));
    let first_tag = first.headers()["etag"].clone();
    let first_body: Value = first.json().await.unwrap();

    let second = send(&api, &token, Method::POST, CREATE, Some("key-1")).await;
    assert_eq!(second.status(), StatusCode::CREATED);
    assert!(replayed(&second));
    assert_eq!(second.headers()["etag"], first_tag);
    assert_eq!(second.headers()["content-type"], "application/json");
    assert_eq!(second.json::<Value>().await.unwrap(), first_body);

    assert_eq!(handler.runs(), 1);
    assert_eq!(api.stats().await.idempotent_replays, 1);
    api.stop().await;
}

#[tokio::test]
async fn other_keys_other_paths_and_no_key_each_run() {
    let handler = Handler::open();
    let (api, token) = started(&handler).await;
    send(&api, &token, Method::POST, CREATE, Some("key-1")).await;
    send(&api, &token, Method::POST, CREATE, Some("key-2")).await;
    send(&api, &token, Method::POST, CREATE, None).await;
    send(&api, &token, Method::POST, CREATE, None).await;
    let other_path = send(&api, &token, Method::PATCH, UPDATE, Some("key-1")).await;
    assert!(!replayed(&other_path), "a key belongs to its method and path");
    assert_eq!(handler.runs(), 5);
    assert_eq!(api.stats().await.idempotent_replays, 0);
    api.stop().await;
}

#[tokio::test]
async fn a_duplicate_arriving_while_the_first_runs_waits_for_its_reply() {
    let handler = Handler::gated();
    let (api, token) = started(&handler).await;
    let api = Arc::new(api);
    let spawn_send = || {
        let (api, token) = (api.clone(), token.clone());
        tokio::spawn(async move {
            let response = send(&api, &token, Method::POST, CREATE, Some("slow-key")).await;
            let replayed = replayed(&response);
            (response.status(), replayed, response.json::<Value>().await.unwrap())
        })
    };
    let first = spawn_send();
    while api.sandbox.stats().requests < 2 {
        tokio::task::yield_now().await; // the token request, then the first create
    }
    let duplicate = spawn_send();
    while api.sandbox.stats().requests < 3 {
        tokio::task::yield_now().await;
    }
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
    assert!(!duplicate.is_finished(), "the duplicate waits while the first runs");

    handler.gate.add_permits(2);
    let (first, duplicate) = (first.await.unwrap(), duplicate.await.unwrap());
    assert_eq!((first.0, first.1), (StatusCode::CREATED, false));
    assert_eq!((duplicate.0, duplicate.1), (StatusCode::CREATED, true));
    assert_eq!(first.2, duplicate.2);
    assert_eq!(handler.runs(), 1);
}

/// The IETF Idempotency-Key draft: a key reused with another body is a 422,
/// not a replay that would say the second change was made.
#[tokio::test]
async fn a_key_reused_with_another_body_is_refused_and_not_applied() {
    let handler = Handler::open();
    let (api, token) = started(&handler).await;
    let first = send(&api, &token, Method::POST, CREATE, Some("key-1")).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let with = |body: &'static str| {
        authed(&api.client, Method::POST, api.url(CREATE), &token)
            .header("Idempotency-Key", "key-1")
            .header("Content-Type", "application/json")
            .body(body)
            .send()
    };
    let other = with(r#"{"name": "y"}"#).await.expect("the sandbox answers");
    assert_eq!(other.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!replayed(&other));
    let (error, message) = error_of(other).await;
    assert_eq!(error, "idempotency_key_reused");
    assert!(message.contains("\"key-1\"") && message.contains("different body"), "{message}");
    // The same document, spaced otherwise, is the same request.
    let same = with("{ \"name\" : \"x\" }").await.expect("the sandbox answers");
    assert_eq!(same.status(), StatusCode::CREATED);
    assert!(replayed(&same));
    assert_eq!(handler.runs(), 1, "the second body was not applied");
    api.stop().await;
}

#[tokio::test]
async fn a_conflict_is_not_kept_so_the_retry_runs_for_real() {
    let handler = Handler::open();
    let (api, token) = started(&handler).await;
    let first = send(&api, &token, Method::PATCH, UPDATE, Some("patch-1")).await;
    assert_eq!(first.status(), StatusCode::CONFLICT);
    let retry = send(&api, &token, Method::PATCH, UPDATE, Some("patch-1")).await;
    assert_eq!(retry.status(), StatusCode::OK);
    assert!(!replayed(&retry));
    let again = send(&api, &token, Method::PATCH, UPDATE, Some("patch-1")).await;
    assert!(replayed(&again), "the success is kept");
    assert_eq!(handler.runs(), 2);
    api.stop().await;
}

#[tokio::test]
async fn a_reply_lost_to_a_dropped_connection_is_replayed_not_reapplied() {
    let handler = Handler::open();
    let (api, token) = started(&handler).await;
    api.set_faults(json!({ "rateDrop": 1.0 })).await;
    let client = fresh_connections();
    // Half the drops come before the handler; retry with the same key until
    // one came after it, as a client retrying a lost reply would.
    for _ in 0..64 {
        let outcome = authed(&client, Method::POST, api.url(CREATE), &token)
            .header("Idempotency-Key", "lost-reply")
            .json(&json!({ "name": "x" }))
            .send()
            .await;
        assert!(outcome.is_err(), "every connection is dropped");
        if api.stats().await.faults["droppedAfter"] > 0 {
            break;
        }
    }
    assert_eq!(api.stats().await.faults["droppedAfter"], 1);
    assert_eq!(handler.runs(), 1, "applied once, reply lost");

    api.set_faults(json!({ "profile": "none" })).await;
    let retry = send(&api, &token, Method::POST, CREATE, Some("lost-reply")).await;
    assert_eq!(retry.status(), StatusCode::CREATED);
    assert!(replayed(&retry));
    assert_eq!(retry.json::<Value>().await.unwrap(), json!({ "run": 1 }));
    assert_eq!(handler.runs(), 1, "the retry did not apply it again");
    api.stop().await;
}

#[tokio::test]
async fn a_server_error_before_handling_is_not_kept() {
    let handler = Handler::open();
    let (api, token) = started(&handler).await;
    api.sandbox.state().faults.fail_next(CREATE, 1);
    let failed = send(&api, &token, Method::POST, CREATE, Some("k")).await;
    assert!(failed.status().is_server_error());
    let retry = send(&api, &token, Method::POST, CREATE, Some("k")).await;
    assert_eq!(retry.status(), StatusCode::CREATED);
    assert!(!replayed(&retry));
    assert_eq!(handler.runs(), 1);
    api.stop().await;
}

/// A gateway's 502 or 504 in front of a write that landed: the retry with
/// the same key is answered with the write's own reply, not applied again.
#[tokio::test]
async fn a_write_applied_behind_a_gateway_error_is_replayed_to_its_retry() {
    let handler = Handler::open();
    let (api, token) = started(&handler).await;
    api.set_faults(json!({ "rate5xx": 1.0 })).await;
    let mut landed = None;
    for attempt in 0..64 {
        let key = format!("k-{attempt}");
        let failed = send(&api, &token, Method::POST, CREATE, Some(&key)).await;
        assert!(failed.status().is_server_error());
        if api.stats().await.faults["serverErrorAfter"] > 0 {
            assert!([502, 504].contains(&failed.status().as_u16()), "{}", failed.status());
            landed = Some(key);
            break;
        }
    }
    let key = landed.expect("some 502 or 504 came after the write");
    assert_eq!(handler.runs(), 1, "only the write behind the gateway error ran");
    api.set_faults(json!({ "profile": "none" })).await;
    let retry = send(&api, &token, Method::POST, CREATE, Some(&key)).await;
    assert_eq!(retry.status(), StatusCode::CREATED);
    assert!(replayed(&retry));
    assert_eq!(retry.json::<Value>().await.unwrap(), json!({ "run": 1 }));
    assert_eq!(handler.runs(), 1);
    api.stop().await;
}

#[tokio::test]
async fn a_malformed_key_is_refused_by_name() {
    let handler = Handler::open();
    let (api, token) = started(&handler).await;
    let too_long = "k".repeat(256);
    for key in ["has space", too_long.as_str()] {
        let response = send(&api, &token, Method::POST, CREATE, Some(key)).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert!(error_of(response).await.1.starts_with("Idempotency-Key:"));
    }
    assert_eq!(handler.runs(), 0);
    api.stop().await;
}
