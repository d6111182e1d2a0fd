//! The webhook sink: every delivery is recorded with its signature verdict.

mod common;

use common::{client, error_of, start_quiet};
use cxone_console::sandbox::{Sandbox, SinkLog};
use cxone_console::signing::{SigningKey, Verdict};
use reqwest::{RequestBuilder, StatusCode};
use secrecy::SecretString;
use serde_json::{Value, json};

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn signed(
    request: RequestBuilder,
    key: &SigningKey,
    id: &str,
    timestamp: i64,
    body: &[u8],
) -> RequestBuilder {
    request
        .header("webhook-id", id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", key.sign(id, timestamp, body))
        .header("content-type", "application/json")
        .body(body.to_vec())
}

async fn log(sandbox: &Sandbox, name: &str) -> SinkLog {
    let response = client().get(sandbox.sink_url(name)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_validly_signed_delivery_is_recorded_as_valid_with_its_headers_and_json_body() {
    let sandbox = start_quiet().await;
    let key = SigningKey::from_secret(sandbox.sink_secret()).unwrap();
    let body = br#"{"eventType":"interaction.attributes.updated","interactionId":"i-1"}"#;
    let request = client()
        .post(sandbox.sink_url("crm"))
        .header("x-webhook-source", "cxone-attribute-updater")
        .header("authorization", "Bearer do-not-keep");
    let response = signed(request, &key, "msg_1", now(), body).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    let log = log(&sandbox, "crm").await;
    assert_eq!(log.name, "crm");
    let [delivery] = log.deliveries.as_slice() else { panic!("one delivery: {log:?}") };
    assert_eq!(delivery.verdict, Verdict::Valid);
    assert_eq!(delivery.webhook_id.as_deref(), Some("msg_1"));
    assert_eq!(delivery.body["interactionId"], "i-1");
    assert_eq!(delivery.headers["x-webhook-source"], "cxone-attribute-updater");
    assert!(!delivery.headers.contains_key("authorization"), "credentials are never recorded");
    assert_eq!(sandbox.state().sink.deliveries("crm"), log.deliveries, "in-process view agrees");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn bad_unsigned_and_stale_deliveries_are_recorded_not_refused() {
    let sandbox = start_quiet().await;
    let right = SigningKey::from_secret(sandbox.sink_secret()).unwrap();
    let wrong =
        SigningKey::from_secret(&SecretString::from("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).unwrap();
    let url = sandbox.sink_url("wfm");
    let http = client();
    let sends = [
        signed(http.post(url.clone()), &wrong, "msg_1", now(), b"{}"),
        http.post(url.clone()).body("plain text, no signature"),
        signed(http.post(url.clone()), &right, "msg_3", now() - 3600, b"{}"),
        http.post(url.clone()).header("webhook-id", "msg_4").body("{}"),
    ];
    for request in sends {
        assert_eq!(request.send().await.unwrap().status(), StatusCode::NO_CONTENT);
    }
    let log = log(&sandbox, "wfm").await;
    let verdicts: Vec<Verdict> = log.deliveries.iter().map(|d| d.verdict).collect();
    assert_eq!(verdicts, [Verdict::Invalid, Verdict::Unsigned, Verdict::Stale, Verdict::Malformed]);
    assert_eq!(log.deliveries[1].body, json!("plain text, no signature"));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn an_oversized_delivery_gets_413_and_is_not_recorded() {
    let sandbox = start_quiet().await;
    let response =
        client().post(sandbox.sink_url("big")).body(vec![b'x'; (1 << 20) + 1]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_of(response).await.0, "payload_too_large");
    let response = client().post(sandbox.sink_url("big")).body(vec![b'x'; 1 << 20]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT, "exactly 1 MiB is fine");
    assert_eq!(log(&sandbox, "big").await.deliveries.len(), 1);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn names_are_kept_apart_and_checked() {
    let sandbox = start_quiet().await;
    let response = client().post(sandbox.sink_url("one")).json(&json!({ "n": 1 })).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(log(&sandbox, "two").await.deliveries.is_empty());
    assert_eq!(log(&sandbox, "one").await.deliveries[0].body, json!({ "n": 1 }));

    let bad = sandbox.base_url().join("/sandbox/webhooks/not%20ok").unwrap();
    let response = client().post(bad).body("{}").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let (_, message) = error_of(response).await;
    assert!(message.starts_with("name:"), "{message}");
    let stats: Value = client()
        .get(sandbox.base_url().join("/sandbox/stats").unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["requests"], 0, "the sink is not an API call");
    sandbox.shutdown().await;
}
