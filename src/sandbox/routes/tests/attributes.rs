use super::Harness;
use crate::sandbox::Resource;
use crate::sandbox::tenant::PINNED_ATTRIBUTES_INTERACTION as ID;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

fn path() -> String {
    format!("/api/v2/interactions/{ID}/attributes")
}

/// Document 002's payload, as pydantic dumps it.
fn documents_payload() -> Value {
    json!({ "attributes": [
        { "key": "customer_segment", "value": "enterprise", "mode": "UPDATE" },
        { "key": "routing_priority", "value": 9, "mode": "ADD" },
        { "key": "compliance_flag", "value": "verified", "mode": "UPDATE" },
    ]})
}

fn value_of(reply: &Value, key: &str) -> Value {
    reply["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["key"] == key)
        .map_or(Value::Null, |a| a["value"].clone())
}

#[tokio::test]
async fn document_002_update_applies_atomically_and_repeats_change_nothing() {
    let h = Harness::new().await;
    let r = h.send(Method::POST, &path(), Some(&documents_payload()), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["interactionId"], ID);
    assert_eq!(value_of(&r.body, "customer_segment"), "enterprise");
    assert_eq!(value_of(&r.body, "routing_priority"), 9);
    assert_eq!(value_of(&r.body, "compliance_flag"), "verified");
    assert!(r.body["lastUpdated"].is_string());
    assert_eq!(h.writes(Resource::Attributes), (1, 0));

    // The same request again: ADD of an equal value and UPDATEs to the same values.
    let again = h.send(Method::POST, &path(), Some(&documents_payload()), &[]).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.etag(), r.etag());
    assert_eq!(h.writes(Resource::Attributes), (1, 1));
    assert_eq!(h.get(&path()).await.body, r.body);
}

#[tokio::test]
async fn one_bad_entry_rejects_the_whole_request() {
    let h = Harness::new().await;
    let before = h.get(&path()).await;
    let bad_key = json!({ "attributes": [
        { "key": "customer_segment", "value": "enterprise", "mode": "UPDATE" },
        { "key": "_hidden", "value": 1, "mode": "ADD" },
    ]});
    let r = h.send(Method::POST, &path(), Some(&bad_key), &[]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["details"][0]["field"], "attributes[1].key");
    assert!(r.message().contains("reserved prefix"), "{}", r.message());

    let conflict = json!({ "attributes": [
        { "key": "customer_segment", "value": "enterprise", "mode": "UPDATE" },
        { "key": "not_there", "value": 1, "mode": "UPDATE" },
    ]});
    let r = h.send(Method::POST, &path(), Some(&conflict), &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.message().contains("use ADD"), "{}", r.message());

    let nested = json!({ "attributes": [ { "key": "k", "value": {"a": 1} } ] });
    assert_eq!(h.send(Method::POST, &path(), Some(&nested), &[]).await.status, StatusCode::BAD_REQUEST);

    // Document 002's modes are exact on the wire; absent is UPDATE.
    let lower = json!({ "attributes": [ { "key": "customer_segment", "value": "smb", "mode": "update" } ] });
    let r = h.send(Method::POST, &path(), Some(&lower), &[]).await;
    assert_eq!(
        (r.status, r.body["details"][0]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("attributes[0].mode"))
    );

    // The payload forbids fields it does not define (`extra="forbid"`).
    let extra = json!({ "attributes": [ { "key": "customer_segment", "value": "smb" } ], "bogus": true });
    let r = h.send(Method::POST, &path(), Some(&extra), &[]).await;
    assert_eq!((r.status, r.body["details"][0]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("bogus")));

    let after = h.get(&path()).await;
    assert_eq!(after.body, before.body, "nothing changed");
    assert_eq!(after.etag(), before.etag());
    assert_eq!(h.writes(Resource::Attributes), (0, 0));
}

#[tokio::test]
async fn add_conflicts_delete_is_forgiving_and_a_stale_tag_is_refused() {
    let h = Harness::new().await;
    let tag = h.get(&path()).await.etag();
    let add_other =
        json!({ "attributes": [ { "key": "customer_segment", "value": "consumer", "mode": "ADD" } ] });
    assert_eq!(h.send(Method::POST, &path(), Some(&add_other), &[]).await.status, StatusCode::CONFLICT);
    let delete = json!({ "attributes": [
        { "key": "language", "mode": "DELETE" }, { "key": "never_set", "mode": "DELETE" } ] });
    let r = h.send(Method::POST, &path(), Some(&delete), &[("If-Match", &tag)]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(value_of(&r.body, "language"), Value::Null);
    let stale = h.send(Method::POST, &path(), Some(&documents_payload()), &[("If-Match", &tag)]).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(h.writes(Resource::Attributes), (1, 0));
}

#[tokio::test]
async fn webhooks_register_with_a_secret_list_without_it_and_delete() {
    let h = Harness::new().await;
    let registration = json!({
        "name": "analytics_sync",
        "uri": "https://your-analytics-platform.com/cxone/webhook",
        "events": ["interaction.attributes.updated"],
        "enabled": true,
        "headers": { "X-Webhook-Source": "cxone-attribute-updater" },
    });
    let created = h.send(Method::POST, "/api/v2/webhooks", Some(&registration), &[]).await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert!(created.body["secret"].as_str().unwrap().starts_with("whsec_"));
    let id = created.body["id"].as_str().unwrap().to_string();
    let listed = h.get("/api/v2/webhooks").await;
    assert_eq!(listed.body["totalCount"], 1);
    assert_eq!(listed.body["items"][0]["id"], id.as_str());
    assert!(listed.body["items"][0].get("secret").is_none(), "lists never carry secrets");

    let bad = json!({ "name": "x", "uri": "ftp://x", "events": ["call.started"] });
    let r = h.send(Method::POST, "/api/v2/webhooks", Some(&bad), &[]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.message().contains("uri") && r.message().contains("events[0]"), "{}", r.message());

    let path = format!("/api/v2/webhooks/{id}");
    let gone = h.send(Method::DELETE, &path, None, &[]).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    assert_eq!(h.send(Method::DELETE, &path, None, &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(h.writes(Resource::Webhook), (2, 0));
}
