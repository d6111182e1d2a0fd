//! Tokens, re-authentication and scopes over real TCP against the sandbox.

mod api_support;

use api_support::{client, client_with, config, quiet, revoke_tokens};
use cxone_console::api::model::ListQuery;
use cxone_console::api::{ApiErrorKind, Client};
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
    assert!(err.to_string().contains("grant that scope"), "{err}");

    let unknown =
        client_with(config(&sandbox).with_scopes(["bogus:scope"])).dispositions().await.unwrap_err();
    assert!(matches!(unknown.kind, ApiErrorKind::TokenRefused { status: 400, .. }), "{unknown:?}");
}
