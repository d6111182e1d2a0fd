//! Tokens, re-authentication and scopes over real TCP against the sandbox.

mod api_support;

use api_support::{client, client_with, config, quiet, revoke_tokens};
use cxone_console::api::model::ListQuery;
use cxone_console::api::{ApiErrorKind, Client, ClientConfig};
use secrecy::SecretString;
use tokio::task::JoinSet;

async fn all_succeed(c: &Client, callers: usize) {
    let mut calls = JoinSet::new();
    for _ in 0..callers {
        let c = c.clone();
        calls.spawn(async move { c.campaigns(&ListQuery::new().top(1)).await });
    }
    while let Some(joined) = calls.join_next().await {
        let reply = joined.expect("the call task ran");
        assert!(reply.is_ok(), "{}", reply.unwrap_err());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_callers_share_one_token() {
    let sandbox = quiet().await;
    let c = client(&sandbox);
    all_succeed(&c, 50).await;
    assert_eq!(sandbox.stats().tokens_issued, 1);
    assert_eq!(c.token_refreshes(), 1);
}

#[tokio::test]
async fn a_revoked_token_is_replaced_once_and_the_call_succeeds() {
    let sandbox = quiet().await;
    let c = client(&sandbox);
    c.dispositions().await.unwrap();
    revoke_tokens(&sandbox).await;
    let reply = c.dispositions().await.unwrap();
    assert_eq!(reply.call.attempts, 2, "the 401, then the retry with a fresh token");
    assert_eq!((sandbox.stats().tokens_issued, c.token_refreshes()), (2, 2));

    revoke_tokens(&sandbox).await;
    all_succeed(&c, 20).await;
    assert_eq!(sandbox.stats().tokens_issued, 3, "callers meeting the same 401 cause one refresh");
}

#[tokio::test]
async fn every_documented_token_path_issues_tokens() {
    let sandbox = quiet().await;
    for path in ["/oauth/token", "/v1/oauth/token", "/api/v1/oauth2/token"] {
        let c = client_with(config(&sandbox).with_token_path(path));
        assert!(c.dispositions().await.is_ok(), "{path}");
    }
    assert_eq!(sandbox.stats().tokens_issued, 3);
}

#[tokio::test]
async fn wrong_credentials_are_reported_without_the_secret() {
    let sandbox = quiet().await;
    let mut wrong = config(&sandbox);
    wrong.client_secret = SecretString::from("not-the-secret-at-all");
    let client = client_with(wrong);
    let err = client.dispositions().await.unwrap_err();
    assert!(matches!(err.kind, ApiErrorKind::TokenRefused { status: 401, .. }), "{err:?}");
    assert!(client.dispositions().await.is_err());
    assert_eq!(client.token_refreshes(), 0, "refused token requests issue no token");
    let shown = format!("{err} {err:?}");
    assert!(shown.contains("client id, secret and scopes"), "{shown}");
    assert!(!shown.contains("not-the-secret-at-all"), "{shown}");
}

#[tokio::test]
async fn a_token_without_the_scope_is_forbidden_with_the_scope_named() {
    let sandbox = quiet().await;
    let c = client_with(config(&sandbox).with_scopes(["interactions:read"]));
    assert!(c.interactions(&ListQuery::new().top(1)).await.is_ok());
    let err = c.users(&ListQuery::new().top(1)).await.unwrap_err();
    let ApiErrorKind::Forbidden { message } = &err.kind else { panic!("{err:?}") };
    assert!(message.contains("user:read"), "{message}");
    assert!(err.to_string().contains("add that scope there"), "{err}");

    let unknown =
        client_with(config(&sandbox).with_scopes(["bogus:scope"])).dispositions().await.unwrap_err();
    assert!(matches!(unknown.kind, ApiErrorKind::TokenRefused { status: 400, .. }), "{unknown:?}");
}

const ECHOED_SECRET: &str = "echoed-client-secret-0123";
const ECHOED_TOKEN: &str = "echoed-bearer-token-4567";

/// A tenant on 127.0.0.1 that quotes back what it was sent: the client
/// secret when it refuses a token (unless `issue` is set), and the bearer
/// token when it refuses a call.
async fn echoing_tenant(issue: bool) -> url::Url {
    use axum::http::{HeaderMap, StatusCode};
    use axum::routing::{get, post};
    use axum::{Form, Json, Router};
    use std::collections::HashMap;
    let token = move |Form(form): Form<HashMap<String, String>>| async move {
        let secret = form.get("client_secret").cloned().unwrap_or_default();
        if issue {
            let body =
                serde_json::json!({"access_token": ECHOED_TOKEN, "token_type": "bearer", "expires_in": 3600});
            (StatusCode::OK, Json(body))
        } else {
            let body = serde_json::json!({"error": "invalid_client", "message": format!("client_secret {secret} rejected")});
            (StatusCode::BAD_REQUEST, Json(body))
        }
    };
    let refuse = |headers: HeaderMap| async move {
        let sent = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        let body = serde_json::json!({"message": format!("{sent} lacks a scope; the token {} is not allowed", sent.trim_start_matches("Bearer "))});
        (StatusCode::FORBIDDEN, Json(body))
    };
    let app = Router::new().route("/oauth/token", post(token)).route("/api/v1/dispositions", get(refuse));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    url::Url::parse(&format!("http://{addr}/")).unwrap()
}

/// A tenant that quotes the secret or the token it was sent does not get
/// them onto the screen, into reports or into the audit log: the client
/// withholds them from every error's text.
#[tokio::test]
async fn a_secret_or_token_the_tenant_quotes_back_is_withheld() {
    let secret = SecretString::from(ECHOED_SECRET);
    let refusing = client_with(ClientConfig::new(echoing_tenant(false).await, "console", secret.clone()));
    let err = refusing.dispositions().await.unwrap_err();
    assert!(matches!(err.kind, ApiErrorKind::TokenRefused { status: 400, .. }), "{err:?}");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(ECHOED_SECRET), "{shown}");
    assert!(shown.contains("client_secret [withheld] rejected"), "{shown}");

    let issuing = client_with(ClientConfig::new(echoing_tenant(true).await, "console", secret));
    let err = issuing.dispositions().await.unwrap_err();
    assert!(matches!(err.kind, ApiErrorKind::Forbidden { .. }), "{err:?}");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(ECHOED_TOKEN), "{shown}");
    assert!(
        shown.contains("Bearer [withheld] lacks a scope; the token [withheld] is not allowed"),
        "{shown}"
    );
}

/// A token endpoint answering only `status`, with a short message.
async fn token_endpoint_answering(status: u16) -> url::Url {
    use axum::http::StatusCode;
    use axum::routing::post;
    use axum::{Json, Router};
    let status = StatusCode::from_u16(status).unwrap();
    let token = move || async move { (status, Json(serde_json::json!({"message": "not now"}))) };
    let app = Router::new().route("/oauth/token", post(token));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    url::Url::parse(&format!("http://{addr}/")).unwrap()
}

/// Only a refusal of the credentials points at them: a token endpoint that
/// failed or asked for a pause is the tenant's trouble for now, and one
/// that is not there points at the profile's token path.
#[tokio::test]
async fn a_token_endpoint_failing_or_missing_is_not_blamed_on_the_credentials() {
    let quick = cxone_console::api::RetryPolicy {
        max_attempts: 1,
        deadline: std::time::Duration::from_secs(10),
        ..Default::default()
    };
    let secret = SecretString::from("a-secret-of-this-profile");
    for (status, says) in [
        (503, "the tenant failed to handle the request (HTTP 503: its token endpoint: not now)"),
        (429, "the tenant is limiting requests"),
        (404, "no token endpoint at /oauth/token (HTTP 404); check token_path"),
        (401, "check the client id, secret and scopes"),
    ] {
        let config = ClientConfig::new(token_endpoint_answering(status).await, "console", secret.clone());
        let err = client_with(config.with_retry(quick.clone())).dispositions().await.unwrap_err();
        let shown = err.to_string();
        assert!(shown.contains(says), "{status}: {shown}");
        let credentials = matches!(err.kind, ApiErrorKind::TokenRefused { .. });
        assert_eq!(credentials, status == 401, "{status}: {:?}", err.kind);
    }
}
