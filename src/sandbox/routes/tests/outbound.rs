use super::Harness;
use crate::domain::contact_disposition::DialerState;
use crate::sandbox::config::RateLimit;
use crate::sandbox::tenant::{PINNED_CAMPAIGN as CAMPAIGN, PINNED_CONTACTS};
use crate::sandbox::{Resource, SandboxConfig};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

fn contact_path(id: &str) -> String {
    format!("/api/v1/outbound/campaigns/{CAMPAIGN}/contacts/{id}")
}

/// Document 001's PATCH body, as `to_cxone_patch_body` builds it.
fn patch_body(code: &str) -> Value {
    json!({
        "outcomeCode": code, "agentId": "agent-uuid-1234567890abcdef",
        "notes": "Scheduled follow-up for next week", "dispositionTimestamp": "2026-11-21T10:00:00+00:00",
        "customFields": { "lead_score": 85, "source": "outbound_campaign_v2" },
    })
}

#[tokio::test]
async fn document_001_batch_sets_each_outcome_once() {
    let h = Harness::new().await;
    let wanted = ["INTERESTED", "CALLBACK_LATER", "DO_NOT_CALL"];
    for ((id, _), code) in PINNED_CONTACTS.iter().zip(wanted) {
        let read = h.get(&contact_path(id)).await;
        assert_eq!(read.status, StatusCode::OK);
        assert_eq!(read.body["state"], "COMPLETED");
        assert_ne!(read.body["outcomeCode"], code, "the example has a change to make");
        let r = h.send(Method::PATCH, &contact_path(id), Some(&patch_body(code)), &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        assert_eq!(r.body["outcomeCode"], code);
        assert_eq!(r.body["agentId"], "agent-uuid-1234567890abcdef");
        assert_eq!(r.body["customFields"]["lead_score"], 85);
        assert_eq!(r.body["dispositionTimestamp"], "2026-11-21T10:00:00Z");
    }
    assert_eq!(h.writes(Resource::ContactDisposition), (3, 0));
    let (id, _) = PINNED_CONTACTS[0];
    let again = h.send(Method::PATCH, &contact_path(id), Some(&patch_body("INTERESTED")), &[]).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(h.writes(Resource::ContactDisposition), (3, 1));

    // The same outcome with other notes and fields: a 200 holds them.
    let mut more = patch_body("INTERESTED");
    more["notes"] = json!("customer asked for Spanish");
    more["customFields"] = json!({ "lang": "es" });
    let r = h.send(Method::PATCH, &contact_path(id), Some(&more), &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    let held = h.get(&contact_path(id)).await.body;
    assert_eq!(
        (&held["notes"], &held["customFields"]["lang"]),
        (&json!("customer asked for Spanish"), &json!("es"))
    );
    assert_eq!(held["customFields"]["lead_score"], 85, "fields not sent are kept");
    assert_eq!(h.writes(Resource::ContactDisposition), (4, 1), "a write, not a repeat");

    // A body without its time, sent again: the time filled in is no change.
    let mut untimed = more.clone();
    untimed.as_object_mut().map(|b| b.remove("dispositionTimestamp"));
    h.send(Method::PATCH, &contact_path(id), Some(&untimed), &[]).await;
    h.send(Method::PATCH, &contact_path(id), Some(&untimed), &[]).await;
    assert_eq!(h.writes(Resource::ContactDisposition), (4, 3), "both repeats");
}

#[tokio::test]
async fn the_dialer_holds_active_contacts_and_rules_are_named() {
    let h = Harness::new().await;
    let (id, _) = PINNED_CONTACTS[1];
    h.tenant().set_contact_state(CAMPAIGN, id, DialerState::Ringing).unwrap();
    let held = h.send(Method::PATCH, &contact_path(id), Some(&patch_body("INTERESTED")), &[]).await;
    assert_eq!(held.status, StatusCode::CONFLICT);
    assert!(held.message().contains("RINGING"), "{}", held.message());

    let (id, _) = PINNED_CONTACTS[2];
    for (code, needle) in [
        ("interested", "^[A-Z_]{3,20}$"),
        ("SOLD_OUT", "not in the campaign's outcome matrix"),
        (" INTERESTED ", "outcomeCode: \" INTERESTED \" must not begin or end with whitespace"),
    ] {
        let r = h.send(Method::PATCH, &contact_path(id), Some(&patch_body(code)), &[]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.message().contains(needle), "{}", r.message());
    }
    let mut no_agent = patch_body("INTERESTED");
    no_agent.as_object_mut().unwrap().remove("agentId");
    let r = h.send(Method::PATCH, &contact_path(id), Some(&no_agent), &[]).await;
    assert_eq!(r.body["details"][0]["field"], "agentId");
    let clerk = h.desk_less().await;
    for (agent, rule) in [
        ("a-1", "agentId: agent a-1 does not exist on the tenant".to_string()),
        (clerk.as_str(), format!("agentId: user {clerk} is not an agent")),
    ] {
        let mut named = patch_body("INTERESTED");
        named["agentId"] = json!(agent);
        let r = h.send(Method::PATCH, &contact_path(id), Some(&named), &[]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.message().contains(&rule), "{}", r.message());
    }

    let tag = h.get(&contact_path(id)).await.etag();
    let ok = h
        .send(Method::PATCH, &contact_path(id), Some(&patch_body("INTERESTED")), &[("If-Match", &tag)])
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    let stale =
        h.send(Method::PATCH, &contact_path(id), Some(&patch_body("BUSY")), &[("If-Match", &tag)]).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(h.writes(Resource::ContactDisposition), (1, 0));
    assert_eq!(h.get(&contact_path("nobody")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(h.get("/api/v1/outbound/campaigns/nowhere/contacts").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn campaigns_and_contacts_list_with_state_filters() {
    let h = Harness::new().await;
    let campaigns = h.get("/api/v1/outbound/campaigns").await;
    assert_eq!(campaigns.body["totalCount"], 5);
    let one = h.get(&format!("/api/v1/outbound/campaigns/{CAMPAIGN}")).await;
    assert_eq!(one.body["name"], "Spring Renewal");
    assert_eq!(one.body["contactCount"], 1000);
    assert!(one.body["outcomeCodes"].as_array().unwrap().contains(&json!("DO_NOT_CALL")));
    assert!(!one.etag().is_empty());

    let completed =
        h.get(&format!("/api/v1/outbound/campaigns/{CAMPAIGN}/contacts?state=COMPLETED&top=1000")).await;
    let items = completed.body["items"].as_array().unwrap();
    assert!(!items.is_empty() && items.iter().all(|c| c["state"] == "COMPLETED"));
    assert_eq!(completed.body["totalCount"].as_u64().unwrap() as usize, items.len());
    let bad = h.get(&format!("/api/v1/outbound/campaigns/{CAMPAIGN}/contacts?state=LOST")).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_campaign_over_its_rate_gets_429_with_retry_after() {
    let config = SandboxConfig {
        campaign_rate: Some(RateLimit { per_second: 0.01, burst: 2 }),
        ..SandboxConfig::quiet()
    };
    let h = Harness::with(config).await;
    let (id, _) = PINNED_CONTACTS[0];
    assert_eq!(h.get(&contact_path(id)).await.status, StatusCode::OK);
    assert_eq!(h.get(&contact_path(id)).await.status, StatusCode::OK);
    let limited = h.send(Method::PATCH, &contact_path(id), Some(&patch_body("INTERESTED")), &[]).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.body["error"], "rate_limited");
    let retry: u64 = limited.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry >= 1);
    assert_eq!(h.stats().rate_limited, 1);
    assert_eq!(h.writes(Resource::ContactDisposition), (0, 0), "a refused request applies nothing");
    // Campaign reads are not charged to the contact rate.
    assert_eq!(h.get(&format!("/api/v1/outbound/campaigns/{CAMPAIGN}")).await.status, StatusCode::OK);
}
