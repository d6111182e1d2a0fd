use super::Harness;
use crate::sandbox::Resource;
use crate::sandbox::tenant::PINNED_USER as USER;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

fn status_path(id: &str) -> String {
    format!("/api/v2/users/{id}/status")
}

/// Document 003's payload, as `StatusPayloadBuilder.construct` builds it.
fn payload(status: &str, reason: Option<&str>, respect_wrap_up: bool) -> Value {
    json!({ "status": status, "pauseReason": reason, "wrapUpCode": null,
            "directiveFlags": { "autoAvailable": false, "respectWrapUp": respect_wrap_up } })
}

#[tokio::test]
async fn document_003_reads_role_and_shift_then_goes_on_break_once() {
    let h = Harness::new().await;
    let user = h.get(&format!("/api/v2/users/{USER}")).await;
    assert_eq!(user.status, StatusCode::OK);
    assert!(user.body["roles"].as_array().unwrap().iter().any(|r| r["name"] == "Agent"));
    assert_eq!(user.body["status"], "Available");
    assert!(user.body["wrapUpUntil"].is_null());
    let now = time::OffsetDateTime::now_utc().unix_timestamp() as f64;
    let (start, end) = (
        user.body["shiftSchedule"]["start"].as_f64().unwrap(),
        user.body["shiftSchedule"]["end"].as_f64().unwrap(),
    );
    assert!(start <= now && now <= end, "the example's shift check passes");

    let r =
        h.send(Method::PUT, &status_path(USER), Some(&payload("Break", Some("Queue Full"), true)), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["userId"], USER);
    assert_eq!(r.body["status"], "Break");
    assert_eq!(r.body["pauseReason"], "Queue Full");
    assert_eq!(r.body["previousStatus"], "Available");
    assert!(r.body["wrapUpCode"].is_null() && r.body["timestamp"].is_string());
    assert_eq!(h.writes(Resource::AgentStatus), (1, 0));

    let again =
        h.send(Method::PUT, &status_path(USER), Some(&payload("Break", Some("Queue Full"), true)), &[]).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body["previousStatus"], "Break");
    assert_eq!(h.writes(Resource::AgentStatus), (1, 1));
    let pause_reasons = h.get("/api/v2/pause-reasons").await;
    assert!(pause_reasons.body["pauseReasons"].as_array().unwrap().contains(&json!("Queue Full")));
}

/// `autoAvailable` is kept for the agent's next wrap-up, so sending only
/// another one is a change, and the wrap-up's end follows it.
#[tokio::test]
async fn auto_available_alone_is_a_change_the_next_wrap_up_follows() {
    let h = Harness::new().await;
    let mut body = payload("Break", Some("Queue Full"), true);
    let r = h.send(Method::PUT, &status_path(USER), Some(&body), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    body["directiveFlags"]["autoAvailable"] = json!(true);
    let r = h.send(Method::PUT, &status_path(USER), Some(&body), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(h.writes(Resource::AgentStatus), (2, 0), "the flag alone is applied, not a repeat");
    h.send(Method::PUT, &status_path(USER), Some(&body), &[]).await;
    assert_eq!(h.writes(Resource::AgentStatus), (2, 1), "the same flag again is a repeat");

    h.tenant().start_wrap_up(USER, Duration::ZERO).unwrap();
    let user = h.get(&format!("/api/v2/users/{USER}")).await;
    assert_eq!(user.body["status"], "Available", "the wrap-up ended with the flag kept");
}

#[tokio::test]
async fn wrap_up_blocks_unless_the_client_says_not_to_respect_it() {
    let h = Harness::new().await;
    let until = h.tenant().start_wrap_up(USER, Duration::from_secs(600)).unwrap();
    let shown = h.get(&format!("/api/v2/users/{USER}")).await;
    assert_eq!(shown.body["wrapUpUntil"], json!(until.to_string()));
    let blocked = h.send(Method::PUT, &status_path(USER), Some(&payload("Available", None, true)), &[]).await;
    assert_eq!(blocked.status, StatusCode::CONFLICT);
    assert!(blocked.message().contains(&format!("wrap-up until {until}")), "{}", blocked.message());
    let forced = h.send(Method::PUT, &status_path(USER), Some(&payload("Available", None, false)), &[]).await;
    assert_eq!(forced.status, StatusCode::OK, "ending the wrap-up is a change even to the same status");
    assert!(h.get(&format!("/api/v2/users/{USER}")).await.body["wrapUpUntil"].is_null());
    assert_eq!(h.writes(Resource::AgentStatus), (1, 0));
}

#[tokio::test]
async fn an_expired_wrap_up_ends_by_itself() {
    let h = Harness::new().await;
    h.tenant().start_wrap_up(USER, Duration::ZERO).unwrap();
    let user = h.get(&format!("/api/v2/users/{USER}")).await;
    assert!(user.body["wrapUpUntil"].is_null());
    let r = h.send(Method::PUT, &status_path(USER), Some(&payload("Training", None, true)), &[]).await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn status_rules_are_explained_in_message() {
    let h = Harness::new().await;
    for (body, needle) in [
        (payload("Lunch", None, true), "must be one of Available"),
        (payload("Break", None, true), "a Break needs a pause reason"),
        (payload("Break", Some("Coffee"), true), "not one of the tenant's pause reasons"),
        (payload(" Available ", None, true), "status: \" Available \" must not begin or end with whitespace"),
        (payload("Break", Some("Queue Full "), true), "pauseReason: \"Queue Full \" must not begin"),
    ] {
        let r = h.send(Method::PUT, &status_path(USER), Some(&body), &[]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.message().contains(needle), "{}", r.message());
    }
    let admin = h.desk_less().await;
    let r = h.send(Method::PUT, &status_path(&admin), Some(&payload("Available", None, true)), &[]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.message().contains("neither the Agent nor the Supervisor role"), "{}", r.message());
    let tag = h.get(&format!("/api/v2/users/{USER}")).await.etag();
    h.send(Method::PUT, &status_path(USER), Some(&payload("Training", None, true)), &[]).await;
    let stale = h
        .send(Method::PUT, &status_path(USER), Some(&payload("Available", None, true)), &[("If-Match", &tag)])
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(h.writes(Resource::AgentStatus), (1, 0));
}

#[tokio::test]
async fn users_list_by_team() {
    let h = Harness::new().await;
    let all = h.get("/api/v2/users?top=1000").await;
    let team =
        all.body["items"].as_array().unwrap().iter().find_map(|u| u["teamId"].as_str()).unwrap().to_string();
    let members = h.get(&format!("/api/v2/users?team={team}&top=1000")).await;
    let items = members.body["items"].as_array().unwrap();
    assert!(!items.is_empty() && items.iter().all(|u| u["teamId"] == team.as_str()));
    assert!(members.body["totalCount"].as_u64() < all.body["totalCount"].as_u64());
}
