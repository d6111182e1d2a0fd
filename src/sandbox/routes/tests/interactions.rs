use super::Harness;
use crate::sandbox::Resource;
use crate::sandbox::tenant::PINNED_CLOSED_INTERACTION as CLOSED;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

fn body(codes: &[&str]) -> Value {
    let entries: Vec<Value> = codes
        .iter()
        .map(|c| {
            json!({"code": c, "description": "Issue Resolved", "agent_id": "agent_xyz_123",
                   "timestamp": "2026-11-21T10:00:00.000000Z", "source": "api"})
        })
        .collect();
    json!({ "dispositions": entries })
}

#[tokio::test]
async fn document_000_flow_refetches_the_tag_after_409_and_applies_once() {
    let h = Harness::new().await;
    let matrix = h.get("/api/v1/dispositions").await;
    assert!(matrix.body["dispositions"].as_array().unwrap().iter().any(|d| d["code"] == "101"));

    let path = format!("/api/v1/interactions/{CLOSED}");
    let stale =
        h.send(Method::PATCH, &path, Some(&body(&["101"])), &[("If-Match", "W/\"1234567890abcdef\"")]).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(stale.body["error"], "conflict");

    let fresh = h.get(&path).await;
    assert_eq!(fresh.status, StatusCode::OK);
    assert_eq!(fresh.body["status"], "closed");
    let tag = fresh.etag();
    assert!(tag.starts_with("W/\"") && tag.len() == 20, "{tag}");

    let applied = h.send(Method::PATCH, &path, Some(&body(&["101"])), &[("If-Match", &tag)]).await;
    assert_eq!(applied.status, StatusCode::OK, "{:?}", applied.body);
    assert_eq!(applied.body["dispositions"][0]["code"], "101");
    assert_eq!(applied.body["dispositions"][0]["agent_id"], "agent_xyz_123");
    assert_ne!(applied.etag(), tag);
    assert_eq!(h.writes(Resource::InteractionDisposition), (1, 0));

    // The same dispositions at the same instant, written with another offset, change nothing.
    let mut again = body(&["101"]);
    again["dispositions"][0]["timestamp"] = json!("2026-11-21T11:00:00+01:00");
    let repeated = h.send(Method::PATCH, &path, Some(&again), &[("If-Match", &applied.etag())]).await;
    assert_eq!(repeated.status, StatusCode::OK);
    assert_eq!(repeated.etag(), applied.etag());
    assert_eq!(h.writes(Resource::InteractionDisposition), (1, 1));

    // Re-stamped, they are a change: the interaction keeps the instant sent.
    again["dispositions"][0]["timestamp"] = json!("2026-11-21T10:00:05Z");
    let restamped = h.send(Method::PATCH, &path, Some(&again), &[("If-Match", &applied.etag())]).await;
    assert_eq!(restamped.status, StatusCode::OK);
    assert_ne!(restamped.etag(), applied.etag());
    assert_eq!(restamped.body["dispositions"][0]["timestamp"], "2026-11-21T10:00:05Z");
    assert_eq!(h.writes(Resource::InteractionDisposition), (2, 1));
}

#[tokio::test]
async fn a_disposition_is_recorded_only_for_an_agent_of_the_tenant() {
    let h = Harness::new().await;
    let path = format!("/api/v1/interactions/{CLOSED}");
    let tag = h.get(&path).await.etag();
    let clerk = h.desk_less().await;
    for (agent, rule) in [
        ("a-1", "agent_id: agent a-1 does not exist on the tenant".to_string()),
        (clerk.as_str(), format!("agent_id: user {clerk} is not an agent")),
    ] {
        let mut named = body(&["101"]);
        named["dispositions"][0]["agent_id"] = json!(agent);
        let refused = h.send(Method::PATCH, &path, Some(&named), &[("If-Match", &tag)]).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert_eq!(refused.body["details"][0]["field"], "agent_id");
        assert!(refused.message().contains(&rule), "{}", refused.message());
    }
    // With several entries, the one naming nobody is pointed at.
    let mut two = body(&["101", "102"]);
    two["dispositions"][1]["agent_id"] = json!("a-1");
    let refused = h.send(Method::PATCH, &path, Some(&two), &[("If-Match", &tag)]).await;
    assert_eq!(refused.body["details"][0]["field"], "dispositions[1].agent_id", "{:?}", refused.body);
    assert_eq!(h.writes(Resource::InteractionDisposition), (0, 0));
}

#[tokio::test]
async fn a_patch_needs_if_match_a_closed_interaction_and_a_valid_matrix() {
    let h = Harness::new().await;
    let path = format!("/api/v1/interactions/{CLOSED}");
    let missing = h.send(Method::PATCH, &path, Some(&body(&["101"])), &[]).await;
    assert_eq!(missing.status, StatusCode::PRECONDITION_REQUIRED);
    assert!(missing.message().contains("If-Match"), "{}", missing.message());

    let tag = h.get(&path).await.etag();
    let mixed = h.send(Method::PATCH, &path, Some(&body(&["101", "201"])), &[("If-Match", &tag)]).await;
    assert_eq!(mixed.status, StatusCode::BAD_REQUEST);
    assert!(mixed.message().contains("primary (1xx) and secondary (2xx)"), "{}", mixed.message());
    let unknown = h.send(Method::PATCH, &path, Some(&body(&["999"])), &[("If-Match", &tag)]).await;
    assert_eq!(unknown.body["details"][0]["field"], "code");
    let spaced = h.send(Method::PATCH, &path, Some(&body(&[" 101 "])), &[("If-Match", &tag)]).await;
    assert_eq!(spaced.status, StatusCode::BAD_REQUEST);
    assert!(spaced.message().contains("must not begin or end with whitespace"), "{}", spaced.message());
    let empty = h.send(Method::PATCH, &path, Some(&json!({"dispositions": []})), &[("If-Match", &tag)]).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    let mut naive = body(&["101"]);
    naive["dispositions"][0]["timestamp"] = json!("2026-11-21T10:00:00");
    let naive = h.send(Method::PATCH, &path, Some(&naive), &[("If-Match", &tag)]).await;
    assert!(naive.message().contains("explicit UTC offset"), "{}", naive.message());
    let mut untimed = body(&["101"]);
    untimed["dispositions"][0].as_object_mut().map(|d| d.remove("timestamp"));
    let untimed = h.send(Method::PATCH, &path, Some(&untimed), &[("If-Match", &tag)]).await;
    assert_eq!(untimed.body["details"][0]["field"], "dispositions[0].timestamp", "{:?}", untimed.body);

    let open_tag = h.tenant().set_interaction_open(CLOSED, true).unwrap().to_string();
    let open = h.send(Method::PATCH, &path, Some(&body(&["101"])), &[("If-Match", &open_tag)]).await;
    assert_eq!(open.status, StatusCode::BAD_REQUEST);
    assert!(open.message().contains("only a closed interaction"), "{}", open.message());
    assert_eq!(h.writes(Resource::InteractionDisposition), (0, 0));
}

#[tokio::test]
async fn a_concurrent_edit_makes_the_old_tag_stale() {
    let h = Harness::new().await;
    let path = format!("/api/v1/interactions/{CLOSED}");
    let tag = h.get(&path).await.etag();
    let newer = h.tenant().edit_interaction_elsewhere(CLOSED).unwrap();
    let stale = h.send(Method::PATCH, &path, Some(&body(&["101"])), &[("If-Match", &tag)]).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let weak_or_strong = format!("\"{}\"", newer.opaque());
    let ok = h.send(Method::PATCH, &path, Some(&body(&["101"])), &[("If-Match", &weak_or_strong)]).await;
    assert_eq!(ok.status, StatusCode::OK);
}

#[tokio::test]
async fn lists_page_filter_and_report_changes_since_as_of() {
    let h = Harness::new().await;
    let first = h.get("/api/v1/interactions?top=50&skip=0").await;
    assert_eq!(first.body["items"].as_array().unwrap().len(), 50);
    assert_eq!(first.body["totalCount"], 2000);
    assert_eq!((first.body["top"].clone(), first.body["skip"].clone()), (json!(50), json!(0)));
    let stamps: Vec<&str> =
        first.body["items"].as_array().unwrap().iter().map(|i| i["updatedAt"].as_str().unwrap()).collect();
    assert!(stamps.windows(2).all(|w| w[0] <= w[1]), "ordered by updatedAt");

    let open = h.get("/api/v1/interactions?status=open&top=1000").await;
    let total_open = open.body["totalCount"].as_u64().unwrap();
    assert!(total_open > 0 && total_open < 2000);
    assert!(open.body["items"].as_array().unwrap().iter().all(|i| i["status"] == "open"));

    let as_of = first.body["asOf"].as_str().unwrap().to_string();
    let since = |t: &str| format!("/api/v1/interactions?updatedSince={}", t.replace('+', "%2B"));
    assert_eq!(h.get(&since(&as_of)).await.body["totalCount"], 0, "nothing changed since asOf");
    h.tenant().edit_interaction_elsewhere(CLOSED).unwrap();
    let changed = h.get(&since(&as_of)).await;
    assert_eq!(changed.body["totalCount"], 1);
    assert_eq!(changed.body["items"][0]["id"], CLOSED);

    let bad = h.get("/api/v1/interactions?status=pending").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.message().contains("status"), "{}", bad.message());
}

#[tokio::test]
async fn an_unknown_interaction_is_a_json_404() {
    let h = Harness::new().await;
    let r = h.get("/api/v1/interactions/no-such-thing").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.body["error"], "not_found");
    assert!(r.message().contains("no-such-thing"));
}
