use super::Harness;
use crate::domain::data_action::{input_schema, output_schema};
use crate::sandbox::Resource;
use crate::sandbox::tenant::{RunStatus, Stamp};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

fn deploy_body() -> Value {
    json!({
        "name": "SentimentRoutingAction", "version": "1.0.0", "isDeprecated": false,
        "inputSchema": input_schema().document(), "outputSchema": output_schema().document(),
        "handlerUrl": "https://your-handler-endpoint.example.com/process", "timeoutMs": 5000,
        "description": "Sentiment-based routing enrichment action",
    })
}

#[tokio::test]
async fn document_004_deploys_versions_deprecates_and_queries() {
    let h = Harness::new().await;
    let created = h.send(Method::POST, "/api/v2/data-actions", Some(&deploy_body()), &[]).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let id = created.body["id"].as_str().unwrap().to_string();
    assert_eq!(created.body["versions"][0]["version"], "1.0.0");
    assert_eq!(created.body["recentExecutions"]["count"], 0);
    let path = format!("/api/v2/data-actions/{id}");

    let v = h.send(Method::PATCH, &path, Some(&json!({"version": "1.1.0"})), &[]).await;
    assert_eq!(v.status, StatusCode::OK);
    assert_eq!(v.body["version"], "1.1.0");
    assert_eq!(v.body["versions"].as_array().unwrap().len(), 2);
    let back = h.send(Method::PATCH, &path, Some(&json!({"version": "1.0.5"})), &[]).await;
    assert_eq!(back.status, StatusCode::BAD_REQUEST);
    assert!(back.message().contains("greater than the current version 1.1.0"), "{}", back.message());
    // Build metadata does not order versions (SemVer §10): 1.1.0+b is no later than 1.1.0.
    let built = h.send(Method::PATCH, &path, Some(&json!({"version": "1.1.0+b"})), &[]).await;
    assert_eq!(built.status, StatusCode::BAD_REQUEST);
    assert!(built.message().contains("only in its build metadata"), "{}", built.message());

    let d = h.send(Method::PATCH, &path, Some(&json!({"isDeprecated": true})), &[]).await;
    assert_eq!(d.body["isDeprecated"], true);
    let again = h.send(Method::PATCH, &path, Some(&json!({"isDeprecated": true})), &[]).await;
    assert_eq!(again.status, StatusCode::OK);
    let late = h.send(Method::PATCH, &path, Some(&json!({"version": "2.0.0"})), &[]).await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(late.message().contains("deprecated"), "{}", late.message());
    assert_eq!(h.writes(Resource::DataAction), (3, 1));

    // The example's query (January 2024) finds nothing; one over now finds the runs.
    let query = |from: &str, to: &str| {
        json!({ "dateFrom": from, "dateTo": to, "groupBy": ["status", "version"], "interval": "P1D",
                "filters": [ { "dimension": "actionId", "operator": "EQUALS", "value": id } ],
                "metrics": ["count", "avgLatencyMs", "errorRate"] })
    };
    let r = h
        .send(
            Method::POST,
            "/api/v2/analytics/data-actions/details/query",
            Some(&query("2024-01-01T00:00:00Z", "2024-01-31T23:59:59Z")),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["data"], json!([]));
    h.tenant().record_execution(&id, RunStatus::Success, 30.0).unwrap();
    h.tenant().record_execution(&id, RunStatus::Timeout, 5000.0).unwrap();
    let today = time::OffsetDateTime::now_utc();
    let from = Stamp::from_datetime(today - time::Duration::days(1)).to_string();
    let to = Stamp::from_datetime(today + time::Duration::days(1)).to_string();
    let r = h
        .send(Method::POST, "/api/v2/analytics/data-actions/details/query", Some(&query(&from, &to)), &[])
        .await;
    let rows = r.body["data"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(
        rows.iter()
            .all(|row| row["actionId"] == id.as_str() && row["version"] == "1.1.0" && row["count"] == 1)
    );
    let one = h.get(&path).await;
    assert_eq!(one.body["recentExecutions"], json!({"count": 2, "errorRate": 0.5, "avgLatencyMs": 2515.0}));
}

#[tokio::test]
async fn a_deployment_names_every_broken_rule() {
    let h = Harness::new().await;
    let mut body = deploy_body();
    body["name"] = json!("9lives");
    body["handlerUrl"] = json!("http://handler.example.com/x");
    body["timeoutMs"] = json!(60000);
    body["inputSchema"] = json!({"type": "array"});
    let r = h.send(Method::POST, "/api/v2/data-actions", Some(&body), &[]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let fields: Vec<&str> =
        r.body["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
    for f in ["name", "inputSchema", "handlerUrl", "timeoutMs"] {
        assert!(fields.contains(&f), "{f} missing from {fields:?}");
    }
    let mut typed = deploy_body();
    typed["timeoutMs"] = json!("5000");
    let r = h.send(Method::POST, "/api/v2/data-actions", Some(&typed), &[]).await;
    assert_eq!(r.body["details"][0]["field"], "timeoutMs");
    let id = h.tenant().data_action_ids()[0].clone();
    let r = h
        .send(Method::PATCH, &format!("/api/v2/data-actions/{id}"), Some(&json!({"description": "x"})), &[])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.message().contains("description: is not a field"), "{}", r.message());
    let r = h.send(Method::PATCH, &format!("/api/v2/data-actions/{id}"), Some(&json!({})), &[]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(h.writes(Resource::DataAction), (0, 0));
}

/// Document 004: CXone takes no `definitions` in a schema and rejects `$ref`.
#[tokio::test]
async fn a_schema_with_definitions_or_refs_is_refused_naming_where() {
    let h = Harness::new().await;
    let with_refs = json!({"type": "object", "definitions": {"A": {"type": "string"}},
        "properties": {"a": {"$ref": "#/definitions/A"}}});
    for (field, schema, at) in [
        ("inputSchema", with_refs.clone(), "inputSchema.definitions"),
        ("outputSchema", json!({"type": "object", "$defs": {"A": {"type": "string"}}}), "outputSchema.$defs"),
        (
            "inputSchema",
            json!({"type": "object", "properties": {"a": {"$ref": "#/x"}}}),
            "inputSchema.properties.a.$ref",
        ),
    ] {
        let mut body = deploy_body();
        body[field] = schema;
        let r = h.send(Method::POST, "/api/v2/data-actions", Some(&body), &[]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{at}: {:?}", r.body);
        assert_eq!(r.body["details"][0]["field"], at, "{:?}", r.body);
        assert!(r.message().contains("is not supported: CXone"), "{}", r.message());
    }
    assert_eq!(h.writes(Resource::DataAction), (0, 0));
}

/// Document 004 checks schemas as draft-07: a list under `items` is a tuple
/// there, unless the schema names a draft where it is not.
#[tokio::test]
async fn a_schema_without_its_draft_is_taken_as_draft_07() {
    let h = Harness::new().await;
    let pair = json!({"type": "array", "items": [{"type": "string"}, {"type": "number"}]});
    let mut body = deploy_body();
    body["inputSchema"] = json!({"type": "object", "properties": {"pair": pair}});
    let r = h.send(Method::POST, "/api/v2/data-actions", Some(&body), &[]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    body["inputSchema"]["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    let r = h.send(Method::POST, "/api/v2/data-actions", Some(&body), &[]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
    assert_eq!(r.body["details"][0]["field"], "inputSchema.properties.pair.items", "{:?}", r.body);
    assert_eq!(h.writes(Resource::DataAction), (1, 0));
}

#[tokio::test]
async fn seeded_actions_list_with_history() {
    let h = Harness::new().await;
    let list = h.get("/api/v2/data-actions").await;
    let items = list.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    let routing = items.iter().find(|a| a["name"] == "SentimentRoutingAction").unwrap();
    assert_eq!(routing["version"], "1.2.0");
    assert_eq!(routing["versions"].as_array().unwrap().len(), 3);
    assert!(items.iter().any(|a| a["isDeprecated"] == true));
}
