//! Requests the sandbox refuses as a tenant would: a misspelt field is
//! named rather than left to its default, and one answer names every bad
//! field of the request.

mod common;

use common::{authed, client, join, start_quiet, token};
use cxone_console::sandbox::Resource;
use cxone_console::sandbox::tenant::{
    PINNED_CAMPAIGN, PINNED_CLOSED_INTERACTION, PINNED_CONTACTS, PINNED_USER,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Document 004's deploy body, with a name of its own.
fn deploy_body() -> Value {
    json!({
        "name": "MisspeltDeploy",
        "version": "1.0.0",
        "isDeprecated": false,
        "inputSchema": { "type": "object", "properties": { "customer_id": { "type": "string" } } },
        "outputSchema": { "type": "object" },
        "handlerUrl": "https://handler.example.com/route",
        "timeoutMs": 5000,
        "description": "misspelt fields"
    })
}

/// The fields a 400 names, in its order.
async fn refused_fields(response: reqwest::Response) -> Vec<String> {
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.expect("an error reply is JSON");
    body["details"]
        .as_array()
        .unwrap_or_else(|| panic!("no details in {body}"))
        .iter()
        .map(|d| d["field"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn a_deploy_with_a_misspelt_field_is_refused_naming_it_and_creates_nothing() {
    let sandbox = start_quiet().await;
    let (http, base) = (client(), sandbox.base_url());
    let token = token(&sandbox, None).await;
    let mut body = deploy_body();
    body["timeout_ms"] = json!(800);
    let response = authed(&http, Method::POST, join(&base, "/api/v2/data-actions"), &token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(refused_fields(response).await, ["timeout_ms"]);
    assert_eq!(sandbox.stats().writes_of(Resource::DataAction), 0, "nothing was deployed");

    // The same body spelt right goes through.
    let response = authed(&http, Method::POST, join(&base, "/api/v2/data-actions"), &token)
        .json(&deploy_body())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn an_empty_deploy_is_told_every_missing_field_at_once() {
    let sandbox = start_quiet().await;
    let token = token(&sandbox, None).await;
    let url = join(&sandbox.base_url(), "/api/v2/data-actions");
    let response = authed(&client(), Method::POST, url, &token).json(&json!({})).send().await.unwrap();
    let mut fields = refused_fields(response).await;
    fields.sort();
    fields.dedup();
    assert_eq!(fields, ["handlerUrl", "inputSchema", "name", "outputSchema", "version"]);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_metrics_query_with_a_misspelt_or_incomplete_filter_is_refused_not_answered_for_every_action() {
    let sandbox = start_quiet().await;
    let (http, base) = (client(), sandbox.base_url());
    let token = token(&sandbox, None).await;
    let url = join(&base, "/api/v2/analytics/data-actions/details/query");
    let query = |filters: (&str, Value)| {
        let mut body = json!({
            "dateFrom": "2026-11-01T00:00:00Z",
            "dateTo": "2026-11-30T00:00:00Z",
            "groupBy": ["status", "version"],
            "interval": "P1D",
            "metrics": ["count", "avgLatencyMs", "errorRate"]
        });
        body[filters.0] = filters.1;
        body
    };
    let one_action = json!([{ "dimension": "actionId", "operator": "EQUALS", "value": "f5dbb1f0" }]);
    let cases = [
        (query(("filter", one_action.clone())), vec!["filter"]),
        (
            query(("filters", json!([{ "dimension": "actionId", "operator": "EQUALS" }]))),
            vec!["filters[0].value"],
        ),
        (
            query((
                "filters",
                json!([{ "dimension": "actionId", "operator": "EQUALS", "value": "x", "op": "EQ" }]),
            )),
            vec!["filters[0].op"],
        ),
    ];
    for (body, fields) in cases {
        let response = authed(&http, Method::POST, url.clone(), &token).json(&body).send().await.unwrap();
        assert_eq!(refused_fields(response).await, fields, "{body}");
    }
    let response =
        authed(&http, Method::POST, url, &token).json(&query(("filters", one_action))).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "the document's query is answered");
    sandbox.shutdown().await;
}

/// Every write the documents make, each with one field misspelt as a
/// careless client would: refused with that field's name, nothing written.
#[tokio::test]
async fn every_write_names_a_misspelt_field_and_writes_nothing() {
    let sandbox = start_quiet().await;
    let (http, base) = (client(), sandbox.base_url());
    let token = token(&sandbox, None).await;
    let contact = PINNED_CONTACTS[0].0;
    let writes = [
        (
            Method::PATCH,
            format!("/api/v1/interactions/{PINNED_CLOSED_INTERACTION}"),
            json!({ "dispositions": [{
                "code": "101", "description": "Resolved", "agentId": "agent_xyz_123",
                "timestamp": "2026-11-24T10:00:00Z"
            }] }),
            "dispositions[0].agentId",
        ),
        (
            Method::PATCH,
            format!("/api/v1/outbound/campaigns/{PINNED_CAMPAIGN}/contacts/{contact}"),
            json!({ "outcomeCode": "INTERESTED", "agentId": "agent-uuid-1234567890abcdef", "note": "typo" }),
            "note",
        ),
        (
            Method::PUT,
            format!("/api/v2/users/{PINNED_USER}/status"),
            json!({ "status": "Available", "directiveFlags": { "autoAvailable": false, "respectWrapup": true } }),
            "directiveFlags.respectWrapup",
        ),
        (
            Method::POST,
            format!("/api/v2/interactions/{PINNED_CLOSED_INTERACTION}/attributes"),
            json!({ "attributes": [{ "key": "typo", "vlaue": "1", "mode": "ADD" }] }),
            "attributes[0].vlaue",
        ),
        (
            Method::POST,
            "/api/v2/webhooks".to_string(),
            json!({ "name": "typo", "url": "http://127.0.0.1:9/hook", "events": ["interaction.attributes.updated"] }),
            "url",
        ),
    ];
    for (method, path, body, misspelt) in writes {
        let response =
            authed(&http, method.clone(), join(&base, &path), &token).json(&body).send().await.unwrap();
        let fields = refused_fields(response).await;
        assert!(fields.iter().any(|f| f == misspelt), "{method} {path}: {fields:?} names {misspelt}");
    }
    let stats = sandbox.stats();
    for resource in Resource::ALL {
        assert_eq!(stats.writes_of(resource), 0, "{resource:?} took no write");
    }
    sandbox.shutdown().await;
}
