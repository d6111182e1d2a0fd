//! The token endpoints and the bearer/scope check, over real HTTP.

mod common;

use axum::Router;
use axum::extract::Path;
use axum::routing::{get, put};
use common::{TestApi, authed, client, error_of, join, start_quiet, token_request};
use cxone_console::sandbox::{SandboxConfig, SandboxState};
use reqwest::{Method, StatusCode, header};
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

const ALL_SCOPES: &str = "dispositions:read interactions:read interactions:write webhooks:read webhooks:write \
     outbound:campaign:read outbound:campaign:write outbound:contact:read outbound:contact:write \
     outbound:disposition:write user:read user:status:read user:status:write data-actions:read \
     data-actions:write analytics:read";

/// Endpoints at real wire paths, plus two the scope table does not allow.
fn users_api(runs: Arc<AtomicU64>) -> Router<SandboxState> {
    let counted = move || {
        let runs = runs.clone();
        async move {
            runs.fetch_add(1, Ordering::SeqCst);
            "ran"
        }
    };
    Router::new()
        .route(
            "/api/v2/users/{id}",
            get(|Path(id): Path<String>| async move { axum::Json(json!({ "id": id })) })
                .delete(counted.clone()),
        )
        .route("/api/v2/users/{id}/status", put(|| async { axum::Json(json!({ "status": "Available" })) }))
        .route("/api/v2/unruled", get(counted))
}

async fn users() -> (TestApi, Arc<AtomicU64>) {
    let runs = Arc::new(AtomicU64::new(0));
    (TestApi::start(SandboxConfig::quiet(), users_api(runs.clone())).await, runs)
}

#[tokio::test]
async fn all_three_token_paths_issue_bearer_tokens_with_every_scope_by_default() {
    let sandbox = start_quiet().await;
    let (client, base) = (client(), sandbox.base_url());
    let secret = sandbox.client_secret().expose_secret().to_string();
    for path in ["/oauth/token", "/v1/oauth/token", "/api/v1/oauth2/token"] {
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", sandbox.client_id()),
            ("client_secret", secret.as_str()),
        ];
        let response = token_request(&client, &base, path, &form).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], 3600);
        assert_eq!(body["scope"], ALL_SCOPES);
        assert!(body["access_token"].as_str().is_some_and(|t| t.len() >= 32));
    }
    assert_eq!(common::stats(&client, &base).await.tokens_issued, 3);
}

#[tokio::test]
async fn basic_credentials_are_accepted_but_not_alongside_a_body_secret() {
    let sandbox = start_quiet().await;
    let (client, url) = (client(), join(&sandbox.base_url(), "/v1/oauth/token"));
    let secret = sandbox.client_secret().expose_secret().to_string();
    let basic = || client.post(url.clone()).basic_auth(sandbox.client_id(), Some(secret.clone()));
    let response =
        basic().form(&[("grant_type", "client_credentials"), ("scope", "user:read")]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.unwrap()["scope"], "user:read");

    let both = [("grant_type", "client_credentials"), ("client_secret", secret.as_str())];
    let response = basic().form(&both).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_of(response).await.0, "invalid_request");
}

#[tokio::test]
async fn a_wrong_secret_is_invalid_client_and_no_secret_is_echoed() {
    let sandbox = start_quiet().await;
    let client = client();
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", sandbox.client_id()),
        ("client_secret", "guess-1234"),
    ];
    let response = token_request(&client, &sandbox.base_url(), "/oauth/token", &form).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let text = response.text().await.unwrap();
    assert!(text.contains("invalid_client"), "{text}");
    assert!(!text.contains("guess-1234") && !text.contains(sandbox.client_secret().expose_secret()));

    let response = client
        .post(join(&sandbox.base_url(), "/oauth/token"))
        .basic_auth("someone-else", Some("nope"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers()[header::WWW_AUTHENTICATE].to_str().unwrap().starts_with("Basic"));
    assert_eq!(common::stats(&client, &sandbox.base_url()).await.tokens_issued, 0);
}

#[tokio::test]
async fn malformed_token_requests_say_what_is_wrong() {
    let sandbox = start_quiet().await;
    let (client, base) = (client(), sandbox.base_url());
    let secret = sandbox.client_secret().expose_secret().to_string();
    let id = sandbox.client_id();

    let form = [("grant_type", "password"), ("client_id", id), ("client_secret", secret.as_str())];
    let response = token_request(&client, &base, "/oauth/token", &form).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let (error, message) = error_of(response).await;
    assert_eq!(error, "unsupported_grant_type");
    assert!(message.contains("password"), "{message}");

    let response = token_request(
        &client,
        &base,
        "/oauth/token",
        &[("grant_type", "client_credentials"), ("client_id", id)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let (error, message) = error_of(response).await;
    assert_eq!(error, "invalid_request");
    assert!(message.starts_with("client_secret:"), "{message}");

    let json_body = json!({ "grant_type": "client_credentials", "client_id": id, "client_secret": secret });
    let response = client.post(join(&base, "/oauth/token")).json(&json_body).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let (error, message) = error_of(response).await;
    assert_eq!(error, "invalid_request");
    assert!(message.contains("form encoded"), "{message}");
}

#[tokio::test]
async fn an_unknown_scope_is_refused_by_name() {
    let sandbox = start_quiet().await;
    let secret = sandbox.client_secret().expose_secret().to_string();
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", sandbox.client_id()),
        ("client_secret", secret.as_str()),
        ("scope", "user:read agents:teleport"),
    ];
    let response = token_request(&client(), &sandbox.base_url(), "/api/v1/oauth2/token", &form).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let (error, message) = error_of(response).await;
    assert_eq!(error, "invalid_scope");
    assert!(message.contains("\"agents:teleport\""), "{message}");
}

#[tokio::test]
async fn a_token_reaches_the_calls_its_scopes_allow_and_403_names_the_scopes_elsewhere() {
    let (api, _) = users().await;
    let token = api.token(Some("user:status:read")).await;
    let response =
        authed(&api.client, Method::GET, api.url("/api/v2/users/u-1"), &token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.unwrap()["id"], "u-1");

    let response =
        authed(&api.client, Method::PUT, api.url("/api/v2/users/u-1/status"), &token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let (error, message) = error_of(response).await;
    assert_eq!(error, "insufficient_scope");
    assert!(message.contains("user:status:write"), "names the scope that would do: {message}");
    assert!(message.contains("the token has user:status:read"), "names the token's scopes: {message}");

    let writer = api.token(Some("user:status:write")).await;
    let response =
        authed(&api.client, Method::PUT, api.url("/api/v2/users/u-1/status"), &writer).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    // Document 003: reading a user needs user:status:read or user:read,
    // which the write scope alone is not.
    let response =
        authed(&api.client, Method::GET, api.url("/api/v2/users/u-1"), &writer).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    api.stop().await;
}

#[tokio::test]
async fn missing_garbled_and_unknown_tokens_are_401_with_the_reason() {
    let (api, _) = users().await;
    let url = api.url("/api/v2/users/u-1");
    let cases = [
        (None, "no access token"),
        (Some("Basic dXNlcjpwYXNz"), "is not `Bearer <access_token>`"),
        (Some("Bearer made-up-token"), "not one this tenant issued"),
    ];
    for (authorization, reason) in cases {
        let mut request = api.client.get(url.clone());
        if let Some(value) = authorization {
            request = request.header(header::AUTHORIZATION, value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{authorization:?}");
        assert_eq!(response.headers()[header::WWW_AUTHENTICATE], "Bearer error=\"invalid_token\"");
        let (error, message) = error_of(response).await;
        assert_eq!(error, "invalid_token");
        assert!(message.contains(reason), "{authorization:?}: {message}");
    }
    api.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_token_expires_after_its_ttl() {
    let config = SandboxConfig { token_ttl: Duration::from_secs(60), ..SandboxConfig::quiet() };
    let api = TestApi::start(config, users_api(Arc::default())).await;
    let token = api.token(None).await;
    let call = || authed(&api.client, Method::GET, api.url("/api/v2/users/u-1"), &token).send();
    assert_eq!(call().await.unwrap().status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_secs(59)).await;
    assert_eq!(call().await.unwrap().status(), StatusCode::OK, "still live just before expiry");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let response = call().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let (_, message) = error_of(response).await;
    assert!(message.contains("expired"), "{message}");
    api.stop().await;
}

#[tokio::test]
async fn revoking_every_token_refuses_them_and_a_new_one_works() {
    let (api, _) = users().await;
    let old = api.token(None).await;
    let response = api.client.post(api.url("/sandbox/tokens/revoke")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response = authed(&api.client, Method::GET, api.url("/api/v2/users/u-1"), &old).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(error_of(response).await.1.contains("revoked"));
    let new = api.token(None).await;
    let response = authed(&api.client, Method::GET, api.url("/api/v2/users/u-1"), &new).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    api.stop().await;
}

#[tokio::test]
async fn calls_the_scope_table_does_not_allow_never_reach_their_handler() {
    let (api, runs) = users().await;
    let token = api.token(None).await;

    let response = authed(&api.client, Method::GET, api.url("/api/v2/unruled"), &token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(error_of(response).await.1.contains("no scope rule exists for GET /api/v2/unruled"));

    let response =
        authed(&api.client, Method::DELETE, api.url("/api/v2/users/u-1"), &token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()[header::ALLOW], "GET");

    assert_eq!(runs.load(Ordering::SeqCst), 0, "fail closed: no handler ran");
    api.stop().await;
}
