//! The documents' dialect against the literal replies of docs/wire.md.

use super::*;
use crate::api::model::{Channel, UserStatus};
use crate::domain::contact_disposition::DialerState;
use crate::domain::data_action::{HeldVersion, MetricsRange};
use crate::domain::interaction_disposition::InteractionStatus;
use proptest::prelude::*;
use reqwest::header::HeaderValue;
use serde_json::json;

fn reply(status: u16, body: &str) -> RawReply {
    RawReply {
        status: StatusCode::from_u16(status).unwrap(),
        headers: HeaderMap::new(),
        body: Bytes::from(body.to_string()),
    }
}

fn tagged(body: &str, etag: &str) -> RawReply {
    let mut r = reply(200, body);
    r.headers.insert("etag", HeaderValue::from_str(etag).unwrap());
    r
}

fn d() -> DocumentsDialect {
    DocumentsDialect
}

const INTERACTION: &str = r#"{ "id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890", "status": "closed", "channel": "voice",
  "agentId": "agent_xyz_123", "queue": "Billing", "customerName": "Dana Reyes",
  "startedAt": "2026-11-21T18:00:00Z", "closedAt": "2026-11-21T18:07:12Z",
  "dispositions": [ { "code": "101", "description": "Issue Resolved", "agent_id": "agent_xyz_123",
                      "timestamp": "2024-05-15T14:32:10.000000Z", "source": "api", "notes": "called back" } ],
  "attributes": [ { "key": "customer_segment", "value": "enterprise", "mode": "UPDATE" } ],
  "updatedAt": "2026-11-21T18:07:13Z" }"#;

#[test]
fn paths_and_methods_follow_the_documents() {
    let id = InteractionId::parse("a b").unwrap_or_else(|_| InteractionId::parse("i-1").unwrap());
    let cases: Vec<(CallSpec, Method, &str)> = vec![
        (d().dispositions().spec, Method::GET, "api/v1/dispositions"),
        (d().interaction(&id).spec, Method::GET, "api/v1/interactions/i-1"),
        (d().attributes(&id).spec, Method::GET, "api/v2/interactions/i-1/attributes"),
        (d().webhooks().spec, Method::GET, "api/v2/webhooks"),
        (d().delete_webhook(&WebhookId::parse("w-1").unwrap()).spec, Method::DELETE, "api/v2/webhooks/w-1"),
        (d().pause_reasons().spec, Method::GET, "api/v2/pause-reasons"),
        (d().user(&UserId::parse("u-1").unwrap()).spec, Method::GET, "api/v2/users/u-1"),
        (
            d().contact(&CampaignId::parse("c-1").unwrap(), &ContactId::parse("k-1").unwrap()).spec,
            Method::GET,
            "api/v1/outbound/campaigns/c-1/contacts/k-1",
        ),
        (
            d().deprecate_data_action(&DataActionId::parse("da-1").unwrap()).spec,
            Method::PATCH,
            "api/v2/data-actions/da-1",
        ),
    ];
    for (spec, method, path) in cases {
        assert_eq!(spec.method, method, "{path}");
        assert_eq!(spec.segments.join("/"), path);
    }
    let spec = d().data_action_metrics(&a_day()).spec;
    assert_eq!((spec.method, spec.intent), (Method::POST, Intent::Read), "a query, safe to repeat");
    assert_eq!(spec.segments.join("/"), "api/v2/analytics/data-actions/details/query");
}

#[test]
fn list_queries_carry_paging_and_the_resources_filter() {
    let q = ListQuery::new()
        .top(50)
        .skip(100)
        .updated_since("2026-11-21T19:20:11.123Z")
        .filter(InteractionFilter { status: Some(InteractionStatus::Closed) });
    let spec = d().interactions(&q).spec;
    assert_eq!(
        spec.query,
        [
            ("top", "50".to_string()),
            ("skip", "100".to_string()),
            ("updatedSince", "2026-11-21T19:20:11.123Z".to_string()),
            ("status", "closed".to_string())
        ]
    );
    let q = ListQuery::new().filter(ContactFilter { state: Some(DialerState::WrapUp) });
    let spec = d().contacts(&CampaignId::parse("c-1").unwrap(), &q).spec;
    assert_eq!(spec.query, [("state", "WRAP_UP".to_string())]);
    assert!(d().campaigns(&ListQuery::new()).spec.query.is_empty(), "defaults are left to the tenant");
    let q = ListQuery::new().filter(UserFilter { team: Some("Billing".into()) });
    assert_eq!(d().users(&q).spec.query, [("team", "Billing".to_string())]);
}

#[test]
fn an_interaction_decodes_with_its_tag_and_every_shown_field() {
    let id = InteractionId::parse("i-1").unwrap();
    let i = d().interaction(&id).decode(&tagged(INTERACTION, "W/\"1234567890abcdef\"")).unwrap();
    assert_eq!(i.status, InteractionStatus::Closed);
    assert_eq!(i.channel, Channel::Voice);
    assert_eq!((i.queue.as_deref(), i.customer_name.as_deref()), (Some("Billing"), Some("Dana Reyes")));
    assert_eq!(i.dispositions[0].code, "101");
    assert_eq!(i.dispositions[0].agent_id.as_str(), "agent_xyz_123");
    assert_eq!(i.dispositions[0].notes.as_deref(), Some("called back"));
    assert_eq!(i.attributes[0].value, json!("enterprise"));
    assert_eq!(i.etag.unwrap().opaque(), "1234567890abcdef");
}

#[test]
fn unknown_enum_values_land_in_other() {
    let body = INTERACTION.replace("\"closed\"", "\"parked\"").replace("\"voice\"", "\"video\"");
    let i = d().interaction(&InteractionId::parse("i-1").unwrap()).decode(&reply(200, &body)).unwrap();
    assert_eq!(i.status, InteractionStatus::Other("parked".into()));
    assert_eq!(i.channel, Channel::Other("video".into()));
    assert_eq!(i.etag, None);
}

#[test]
fn a_page_of_contacts_decodes() {
    let body = r#"{ "items": [ { "id": "contact-uuid-111111111111", "campaignId": "c-1", "firstName": "Ann",
        "lastName": "Lee", "phone": "+15550100", "state": "PAUSED", "outcomeCode": null, "agentId": null,
        "notes": "", "customFields": { "lead_score": 85 }, "dispositionTimestamp": null, "attempts": 2,
        "updatedAt": "2026-11-21T19:00:00Z" } ],
        "totalCount": 2000, "top": 100, "skip": 0, "asOf": "2026-11-21T19:20:11.123Z" }"#;
    let q = ListQuery::new();
    let page = d().contacts(&CampaignId::parse("c-1").unwrap(), &q).decode(&reply(200, body)).unwrap();
    assert_eq!((page.total_count, page.top, page.as_of.as_str()), (2000, 100, "2026-11-21T19:20:11.123Z"));
    let c = &page.items[0];
    assert_eq!(c.state, DialerState::Other("PAUSED".into()));
    assert_eq!((c.outcome_code.as_deref(), c.notes.as_deref(), c.attempts), (None, None, 2));
    assert_eq!(c.custom_fields["lead_score"], json!(85));
    assert_eq!(c.display_name(), "Ann Lee");
    assert!(page.has_more());
    let stateless = body.replace(r#""state": "PAUSED", "#, "");
    let page = d().contacts(&CampaignId::parse("c-1").unwrap(), &q).decode(&reply(200, &stateless)).unwrap();
    assert_eq!(page.items[0].state, DialerState::Other("UNKNOWN".into()), "document 001's default");
    assert!(!page.items[0].state.blocks_disposition());
}

/// Document 001 takes 200 and 204 alike as a written disposition.
#[test]
fn a_contact_write_answered_204_is_a_success_without_a_contact() {
    use crate::domain::contact_disposition::{ContactDisposition, ContactDispositionDraft, OutcomeMatrix};
    let draft = ContactDispositionDraft {
        contact_id: "contact-uuid-111111111111".into(),
        campaign_id: "c-1".into(),
        outcome_code: "INTERESTED".into(),
        agent_id: "agent-1".into(),
        ..Default::default()
    };
    let change = ContactDisposition::validate(
        &draft,
        &OutcomeMatrix::new(["INTERESTED"]),
        crate::domain::Timestamp::now(),
    )
    .unwrap();
    let call = d().set_contact_disposition(&change);
    assert_eq!(call.spec.method, Method::PATCH);
    assert_eq!(call.decode(&reply(204, "")).unwrap(), None);
    let body = r#"{ "id": "contact-uuid-111111111111", "campaignId": "c-1", "state": "COMPLETED",
        "outcomeCode": "INTERESTED", "attempts": 1, "updatedAt": "2026-11-21T19:00:00Z" }"#;
    let written = call.decode(&tagged(body, "W/\"7\"")).unwrap().expect("a 200 shows the contact");
    assert_eq!(written.outcome_code.as_deref(), Some("INTERESTED"));
    assert!(call.decode(&reply(200, "")).is_err(), "a 200 must show it");
}

#[test]
fn users_decode_shift_roles_and_status() {
    let body = r#"{ "id": "12345-abcde-67890", "firstName": "Sam", "lastName": "Ng", "userName": "sng",
      "teamId": "t-1", "teamName": "Billing", "roles": [ { "name": "Agent" } ],
      "shiftSchedule": { "start": 1732176000.0, "end": 1732204800.0 }, "status": "Break",
      "pauseReason": "Queue Full", "statusSince": "2026-11-21T19:00:00Z", "wrapUpUntil": null,
      "updatedAt": "2026-11-21T19:00:00Z" }"#;
    let u = d().user(&UserId::parse("u").unwrap()).decode(&tagged(body, "\"abc\"")).unwrap();
    assert_eq!(u.status, UserStatus::Known(crate::domain::agent_status::AgentStatus::Break));
    assert_eq!(u.shift.map(|s| (s.start, s.end)), Some((1732176000.0, 1732204800.0)));
    assert_eq!(u.role_names().collect::<Vec<_>>(), ["Agent"]);
    assert_eq!(u.team_name.as_deref(), Some("Billing"));
    let no_shift = body
        .replace(r#"{ "start": 1732176000.0, "end": 1732204800.0 }"#, "{}")
        .replace("\"Break\"", "\"Lunch\"");
    let u = d().user(&UserId::parse("u").unwrap()).decode(&reply(200, &no_shift)).unwrap();
    assert_eq!((u.shift, u.status), (None, UserStatus::Other("Lunch".into())));
}

#[test]
fn small_replies_decode() {
    let matrix = d()
        .dispositions()
        .decode(&reply(200, r#"{ "dispositions": [ { "code": "101", "description": "Issue Resolved" } ] }"#))
        .unwrap();
    assert_eq!(matrix.get("101").map(|c| c.description.as_str()), Some("Issue Resolved"));
    let reasons = d().pause_reasons().decode(&reply(200, r#"{ "pauseReasons": [ "IT Issue" ] }"#)).unwrap();
    assert!(reasons.contains("IT Issue"));
    let changed = r#"{ "userId": "u-1", "status": "Break", "pauseReason": "Queue Full", "wrapUpCode": null,
        "previousStatus": "Available", "timestamp": "2026-11-21T19:20:11Z" }"#;
    let change = AgentStatusChange::validate(
        &crate::domain::agent_status::AgentStatusDraft {
            user_id: "u-1".into(),
            status: "Available".into(),
            ..Default::default()
        },
        &PauseReasons::default(),
    )
    .unwrap();
    let s = d().set_agent_status(&change).decode(&reply(200, changed)).unwrap();
    assert_eq!(s.previous_status.map(|p| p.to_string()).as_deref(), Some("Available"));
    let metrics = r#"{ "data": [ { "actionId": "da-1", "date": "2026-11-21", "status": "success", "version": "1.0.0",
        "count": 42, "avgLatencyMs": 38.1, "errorRate": 0.0 } ], "dateFrom": "x", "dateTo": "y", "interval": "P1D" }"#;
    let q = a_day();
    let rows = d().data_action_metrics(&q).decode(&reply(200, metrics)).unwrap();
    assert_eq!((rows[0].count, rows[0].avg_latency_ms), (42, 38.1));
    assert!(d().data_action_metrics(&q).decode(&reply(200, r#"{ "interval": "P1D" }"#)).unwrap().is_empty());
}

#[test]
fn data_actions_decode_their_version_and_recent_executions() {
    let body = json!({ "id": "da-1", "name": "SentimentRoutingAction", "version": "1.2.0", "isDeprecated": false,
        "inputSchema": { "type": "object" }, "outputSchema": { "type": "object" },
        "handlerUrl": "https://h.example.com/p", "timeoutMs": 5000, "description": "d",
        "versions": [ { "version": "1.0.0", "createdAt": "2026-11-21T19:00:00Z" } ],
        "recentExecutions": { "count": 120, "errorRate": 0.02, "avgLatencyMs": 41.3 },
        "createdAt": "2026-11-21T19:00:00Z", "updatedAt": "2026-11-21T19:00:00Z" });
    let id = DataActionId::parse("da-1").unwrap();
    let a = d().data_action(&id).decode(&tagged(&body.to_string(), "W/\"x\"")).unwrap();
    assert_eq!(a.version, HeldVersion::Semantic(semver::Version::new(1, 2, 0)));
    assert_eq!(a.recent_executions.map(|r| r.count), Some(120));
    // Document 004's version is free text: one another tool wrote is kept as
    // it is, and does not fail the page it is on.
    let mut other = body.clone();
    other["version"] = json!("v2");
    let page = json!({ "items": [body, other], "totalCount": 2, "asOf": "2026-11-21T19:20:11Z" });
    let listed = d().data_actions(&ListQuery::new()).decode(&reply(200, &page.to_string())).unwrap();
    let versions: Vec<String> = listed.items.iter().map(|a| a.version.to_string()).collect();
    assert_eq!(versions, ["1.2.0", "v2"]);
    assert_eq!(listed.items[1].version, HeldVersion::Text("v2".into()));
}

#[test]
fn webhooks_decode_with_their_secret_once_and_lists_in_any_wrapper() {
    let created = r#"{ "id": "wh-1", "name": "crm", "uri": "http://127.0.0.1:9/h", "events": ["interaction.attributes.updated"],
        "enabled": true, "headers": { "X-Source": "cxone" }, "secret": "whsec_c2VjcmV0", "createdAt": "2026-11-21T19:00:00Z" }"#;
    let reg = WebhookRegistration::new("crm", "http://127.0.0.1:9/h").unwrap();
    let hook = d().register_webhook(&reg).decode(&reply(201, created)).unwrap();
    assert!(hook.secret.is_some());
    let listed = created.replace(r#""secret": "whsec_c2VjcmV0", "#, "");
    for body in
        [format!("[{listed}]"), format!(r#"{{"items":[{listed}]}}"#), format!(r#"{{"webhooks":[{listed}]}}"#)]
    {
        let hooks = d().webhooks().decode(&reply(200, &body)).unwrap();
        assert_eq!((hooks.len(), hooks[0].secret.is_none()), (1, true), "{body}");
    }
}

#[test]
fn error_bodies_yield_the_sentence_and_the_fields() {
    let body = r#"{ "error": "bad_request", "message": "attributes[2].key: \"_x\" starts with the reserved prefix \"_\"",
        "error_description": "same", "details": [ { "field": "attributes[2].key", "rule": "reserved prefix" } ] }"#;
    let said = d().server_message(&reply(400, body));
    assert!(said.message.starts_with("attributes[2].key"), "{}", said.message);
    assert_eq!(said.code.as_deref(), Some("bad_request"));
    assert_eq!(said.details[0].field, "attributes[2].key");
    let forbidden = r#"{ "error": "insufficient_scope", "error_description": "needs user:status:write" }"#;
    assert_eq!(d().server_message(&reply(403, forbidden)).message, "needs user:status:write");
    assert_eq!(d().server_message(&reply(502, "<html>bad gateway</html>")).message, "Bad Gateway");
    assert_eq!(d().server_message(&reply(409, r#"{"message":"x\u001b[2Jy"}"#)).message, "x [2Jy");
}

#[test]
fn malformed_replies_give_a_short_sanitised_excerpt() {
    let err = d()
        .campaigns(&ListQuery::new())
        .decode(&reply(200, "<html>\u{1b}[31mproxy error</html>"))
        .unwrap_err();
    assert!(err.detail.starts_with("the campaign list is not as documented"), "{}", err.detail);
    assert_eq!(err.excerpt, "<html> [31mproxy error</html>");
}

/// Every decoder, fed `bytes` as a 200 reply.
fn decode_all(bytes: &[u8]) -> Vec<Result<(), DecodeError>> {
    let r =
        RawReply { status: StatusCode::OK, headers: HeaderMap::new(), body: Bytes::copy_from_slice(bytes) };
    let i = InteractionId::parse("i-1").unwrap();
    let c = CampaignId::parse("c-1").unwrap();
    let a = DataActionId::parse("da-1").unwrap();
    let q = a_day();
    let _ = d().server_message(&r);
    vec![
        d().dispositions().decode(&r).map(drop),
        d().interactions(&ListQuery::new()).decode(&r).map(drop),
        d().interaction(&i).decode(&r).map(drop),
        d().attributes(&i).decode(&r).map(drop),
        d().webhooks().decode(&r).map(drop),
        d().campaigns(&ListQuery::new()).decode(&r).map(drop),
        d().campaign(&c).decode(&r).map(drop),
        d().contacts(&c, &ListQuery::new()).decode(&r).map(drop),
        d().contact(&c, &ContactId::parse("k").unwrap()).decode(&r).map(drop),
        d().users(&ListQuery::new()).decode(&r).map(drop),
        d().user(&UserId::parse("u").unwrap()).decode(&r).map(drop),
        d().pause_reasons().decode(&r).map(drop),
        d().data_actions(&ListQuery::new()).decode(&r).map(drop),
        d().data_action(&a).decode(&r).map(drop),
        d().data_action_metrics(&q).decode(&r).map(drop),
    ]
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_and_errors_explain_themselves(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        for result in decode_all(&bytes) {
            if let Err(e) = result {
                prop_assert!(!e.detail.is_empty());
                prop_assert!(!e.excerpt.is_empty());
                prop_assert!(e.excerpt.chars().all(|c| !c.is_control()));
                prop_assert!(e.excerpt.chars().count() <= crate::api::text::MAX_EXCERPT_CHARS + 1);
            }
        }
    }

    #[test]
    fn arbitrary_json_never_panics(value in arb_json()) {
        let _ = decode_all(value.to_string().as_bytes());
    }
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        "[a-zA-Z0-9_:.-]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        let keys = prop_oneof![
            Just("id".to_string()),
            Just("items".to_string()),
            Just("status".to_string()),
            Just("totalCount".to_string()),
            Just("asOf".to_string()),
            Just("version".to_string()),
            Just("data".to_string()),
            Just("state".to_string()),
            Just("campaignId".to_string()),
            "[a-z]{1,6}".prop_map(String::from),
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(keys, inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A query over one day: a range that ends after it starts, as the query
/// requires.
fn a_day() -> MetricsQuery {
    let at = |raw| crate::domain::Timestamp::parse_as("t", raw).unwrap();
    MetricsQuery::daily(
        None,
        MetricsRange::new(at("2026-11-20T00:00:00Z"), at("2026-11-21T00:00:00Z")).unwrap(),
    )
}
