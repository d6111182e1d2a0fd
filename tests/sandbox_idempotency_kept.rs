//! Which replies `Idempotency-Key` keeps, as docs/wire.md states them: a
//! client that re-sends after a conflict relies on the statuses listed
//! there running again rather than replaying.

mod common;

use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode as AxumStatus;
use axum::routing::patch;
use common::{TestApi, authed};
use cxone_console::sandbox::{SandboxConfig, SandboxState};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

const WIRE: &str = include_str!("../docs/wire.md");
/// A write route the sandbox's layers know; the id names the status its
/// first run answers, every later run answers 200.
const ROUTE: &str = "/api/v1/interactions/{id}";

/// The statuses docs/wire.md says are not kept, besides every 5xx.
fn documented_not_kept() -> Vec<u16> {
    let text = WIRE.split_whitespace().collect::<Vec<_>>().join(" ");
    let lead = "Kept are every 2xx and every 4xx but ";
    let start = text.find(lead).expect("docs/wire.md says which replies are kept") + lead.len();
    let list = &text[start..start + text[start..].find('.').expect("the sentence ends")];
    list.split([',', ' ']).filter_map(|s| s.parse().ok()).collect()
}

fn api() -> Router<SandboxState> {
    let seen: Arc<Mutex<HashSet<String>>> = Arc::default();
    Router::new().route(
        ROUTE,
        patch(move |Path(id): Path<String>| {
            let first = seen.lock().expect("not poisoned").insert(id.clone());
            let status =
                if first { id.parse().ok().and_then(|s| AxumStatus::from_u16(s).ok()) } else { None };
            async move { (status.unwrap_or(AxumStatus::OK), axum::Json(json!({ "id": id }))) }
        }),
    )
}

/// Sends the same write twice with one key: whether the second was replayed.
async fn replayed_after(api: &TestApi, token: &str, status: u16) -> bool {
    let path = format!("/api/v1/interactions/{status}");
    let mut answers = Vec::new();
    for _ in 0..2 {
        let request = authed(&api.client, Method::PATCH, api.url(&path), token)
            .header("Idempotency-Key", format!("key-{status}"))
            .json(&json!({}));
        answers.push(request.send().await.expect("the sandbox answers"));
    }
    assert_eq!(answers[0].status(), StatusCode::from_u16(status).expect("a status"));
    answers[1].headers().get("idempotent-replayed").is_some_and(|v| v == "true")
}

#[tokio::test]
async fn the_replies_the_wire_document_says_are_not_kept_run_again_and_the_others_replay() {
    let not_kept = documented_not_kept();
    assert_eq!(not_kept, [408, 409, 412, 425, 428, 429]);
    let api = TestApi::start(SandboxConfig::quiet(), api()).await;
    let token = api.token(None).await;
    for status in not_kept.iter().copied().chain([500, 502, 503, 504]) {
        assert!(!replayed_after(&api, &token, status).await, "{status} is not kept, so the retry runs");
    }
    for status in [200, 201, 400, 404, 422] {
        assert!(replayed_after(&api, &token, status).await, "{status} is kept and replayed");
    }
    api.stop().await;
}
