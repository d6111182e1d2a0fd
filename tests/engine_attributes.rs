//! Interaction attributes (document 002) through the engine, against the
//! sandbox: atomic application, refusal before sending, the audit's payload
//! hash, and the tenant's signed callbacks turned into events.

mod engine_support;

use cxone_console::api::model::WebhookRegistration;
use cxone_console::domain::attributes::AttributeDraft;
use cxone_console::engine::audit::{self, AuditRecord, RecordKind, TargetKind};
use cxone_console::engine::{AttributeCallback, Change, Event, Outcome, SkipKey};
use cxone_console::sandbox::tenant::PINNED_ATTRIBUTES_INTERACTION;
use cxone_console::sandbox::{Resource, Sandbox, SandboxConfig};
use cxone_console::signing::SigningKey;
use engine_support::Rig;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

fn row(key: &str, value: Value, mode: &str) -> AttributeDraft {
    AttributeDraft { key: key.into(), value, mode: mode.into() }
}

/// Document 002's example change.
fn documents_rows() -> Vec<AttributeDraft> {
    vec![
        row("customer_segment", json!("enterprise"), "UPDATE"),
        row("routing_priority", json!(9), "ADD"),
        row("compliance_flag", json!("verified"), "UPDATE"),
    ]
}

fn change(rows: Vec<AttributeDraft>) -> Change {
    Change::Attributes { interaction_id: PINNED_ATTRIBUTES_INTERACTION.into(), rows, name: None }
}

fn held(rig: &Rig) -> Value {
    let view = rig.sandbox.state().tenant.attributes(PINNED_ATTRIBUTES_INTERACTION).expect("pinned");
    view.value.attributes.iter().map(|e| (e.key.as_str().to_string(), e.value.to_json())).collect()
}

fn records_of(records: &[AuditRecord], kind: RecordKind) -> Vec<&AuditRecord> {
    records.iter().filter(|r| r.entry.kind == kind).collect()
}

/// The callback about `interaction`, which may have arrived while the test
/// was waiting for another event.
async fn callback(rig: &mut Rig, interaction: &str) -> AttributeCallback {
    let about = |e: &Event| match e {
        Event::AttributesChanged(c) if c.interaction_id == interaction => Some(c.clone()),
        _ => None,
    };
    rig.seen_or_next(about).await
}

#[tokio::test]
async fn a_change_applies_atomically_and_its_intent_holds_the_hash_of_the_sent_body() {
    let mut rig = Rig::quiet().await;
    let outcome = rig.outcome(change(documents_rows())).await;
    assert!(outcome.is_applied(), "{outcome}");
    let what = "UPDATE customer_segment, ADD routing_priority, UPDATE compliance_flag applied in one request to interaction";
    assert!(outcome.text().starts_with(what), "what changed comes first: {outcome}");
    let customer = rig.sandbox.state().tenant.interaction(PINNED_ATTRIBUTES_INTERACTION).expect("pinned");
    let customer = customer.value.customer_name;
    let named = format!("to interaction with {customer} ({PINNED_ATTRIBUTES_INTERACTION})");
    assert!(outcome.text().ends_with(&named), "the interaction is named by its customer: {outcome}");
    assert_eq!(
        held(&rig),
        json!({"customer_segment": "enterprise", "routing_priority": 9, "compliance_flag": "verified", "language": "en"})
    );
    let stats = rig.sandbox.stats();
    assert_eq!(stats.writes_of(Resource::Attributes), 1, "one request for the three entries");
    assert_eq!(stats.repeated_of(Resource::Attributes), 0);

    // The body docs/wire.md defines for this change, byte for byte.
    let sent = json!({ "attributes": [
        {"key": "customer_segment", "value": "enterprise", "mode": "UPDATE"},
        {"key": "routing_priority", "value": 9, "mode": "ADD"},
        {"key": "compliance_flag", "value": "verified", "mode": "UPDATE"},
    ]})
    .to_string();
    let records = rig.audit_records();
    let intent = records_of(&records, RecordKind::Intent)[0];
    let hash = intent.entry.payload_hash.expect("the intent hashes its body");
    assert_eq!(hash.to_hex(), hex::encode(Sha256::digest(sent.as_bytes())));
    assert_eq!(
        intent.entry.before.as_ref().map(|b| b["attributes"]["customer_segment"].clone()),
        Some(json!("smb"))
    );
    assert_eq!(
        intent.entry.after.as_ref().map(|a| a["attributes"]["routing_priority"].clone()),
        Some(json!(9))
    );
    let outcome = records_of(&records, RecordKind::Outcome)[0];
    assert_eq!(
        outcome.entry.after.as_ref().map(|a| a["attributes"]["compliance_flag"].clone()),
        Some(json!("verified"))
    );
    rig.stop().await;
}

#[tokio::test]
async fn one_invalid_row_refuses_the_whole_change_before_anything_is_sent() {
    let mut rig = Rig::quiet().await;
    let before = held(&rig);
    let mut rows = documents_rows();
    rows.insert(1, row("_hidden", json!("x"), "ADD"));
    let outcome = rig.outcome(change(rows)).await;
    let Outcome::Rejected { reason } = &outcome else { panic!("expected a refusal, got {outcome}") };
    assert!(reason.contains("attributes[1].key") && reason.contains("reserved prefix"), "{reason}");
    assert_eq!(rig.sandbox.stats().writes_of(Resource::Attributes), 0);
    assert_eq!(held(&rig), before, "not even the valid rows were applied");
    assert!(records_of(&rig.audit_records(), RecordKind::Intent).is_empty());
    rig.stop().await;
}

#[tokio::test]
async fn adding_a_key_that_holds_another_value_is_a_conflict_and_changes_nothing() {
    let mut rig = Rig::quiet().await;
    let before = held(&rig);
    let outcome = rig.outcome(change(vec![row("language", json!("fr"), "ADD")])).await;
    assert!(matches!(outcome, Outcome::Conflict { .. }), "{outcome}");
    assert_eq!(held(&rig), before);
    rig.stop().await;
}

/// Every row already holds: the same value again, ADD of a key holding that
/// value, DELETE of a key the interaction lacks.
#[tokio::test]
async fn a_change_the_interaction_already_holds_is_skipped_and_nothing_is_sent() {
    let mut rig = Rig::quiet().await;
    let before = held(&rig);
    let rows = vec![
        row("language", json!("en"), "UPDATE"),
        row("language_again", json!(null), "DELETE"),
        row("customer_segment", json!("smb"), "ADD"),
    ];
    let outcome = rig.outcome(change(rows)).await;
    assert!(matches!(&outcome, Outcome::Skipped { key, .. } if *key == SkipKey::Unchanged), "{outcome}");
    assert!(outcome.text().contains("holds these attributes already"), "{outcome}");
    assert_eq!(held(&rig), before);
    assert_eq!(rig.sandbox.stats().writes_of(Resource::Attributes), 0, "nothing was sent");
    let records = rig.audit_records();
    assert!(records_of(&records, RecordKind::Intent).is_empty(), "no write was intended");
    assert_eq!(records_of(&records, RecordKind::Outcome)[0].entry.outcome, Some(audit::Outcome::Skipped));

    // One row that changes something sends them all.
    let rows = vec![row("language", json!("en"), "UPDATE"), row("language", json!("fr"), "UPDATE")];
    assert!(matches!(rig.outcome(change(rows)).await, Outcome::Rejected { .. }), "a key twice is refused");
    let rows = vec![row("language", json!("en"), "UPDATE"), row("customer_segment", json!("mid"), "UPDATE")];
    assert!(rig.outcome(change(rows)).await.is_applied());
    assert_eq!(rig.sandbox.stats().writes_of(Resource::Attributes), 1);
    rig.stop().await;
}

#[tokio::test]
async fn watching_turns_the_tenants_callback_into_a_verified_event_and_registers_once() {
    let mut rig = Rig::quiet().await;
    let registrations = rig.sandbox.state().tenant.counts().webhooks;
    let watch = rig.outcome(Change::WatchAttributes).await;
    assert!(watch.is_applied(), "{watch}");
    let again = rig.outcome(Change::WatchAttributes).await;
    assert!(again.text().starts_with("already watching"), "{again}");
    assert!(
        matches!(&again, Outcome::Skipped { key, .. } if *key == SkipKey::Unchanged),
        "not applied: {again:?}"
    );
    assert_eq!(rig.sandbox.state().tenant.counts().webhooks, registrations + 1);
    assert_eq!(rig.sandbox.stats().writes_of(Resource::Webhook), 1);
    let marker = rig.dir.path().join("callbacks.registered");
    assert!(marker.exists(), "a registration on the tenant is marked, for a start after a crash");

    assert!(rig.outcome(change(documents_rows())).await.is_applied());
    let seen = callback(&mut rig, PINNED_ATTRIBUTES_INTERACTION).await;
    assert!(seen.verified, "signed with the registration's secret: {seen:?}");
    assert_eq!(seen.interaction_id, PINNED_ATTRIBUTES_INTERACTION);
    let keys: Vec<&str> =
        seen.attributes.as_array().into_iter().flatten().filter_map(|a| a["key"].as_str()).collect();
    assert!(keys.contains(&"routing_priority"), "{seen:?}");
    assert!(seen.callback_latency_ms.is_some());

    let (sandbox, dir) = rig.stop().await;
    assert_eq!(
        sandbox.state().tenant.counts().webhooks,
        registrations,
        "the registration outlived the engine"
    );
    assert!(!dir.path().join("callbacks.registered").exists(), "removed on stop, so is its marker");

    // Both writes are audited changes, and the secret is in neither.
    let records = engine_support::audit_records(&dir.path().join("audit.jsonl"));
    for action in ["register_attribute_callbacks", "remove_attribute_callbacks"] {
        let of = |kind| {
            records.iter().filter(move |r| r.entry.kind == kind && r.entry.action.as_deref() == Some(action))
        };
        assert_eq!(of(RecordKind::Intent).count(), 1, "{action}: one intent");
        let outcomes: Vec<&AuditRecord> = of(RecordKind::Outcome).collect();
        assert_eq!(outcomes.len(), 1, "{action}: one outcome");
        assert_eq!(
            outcomes[0].entry.outcome,
            Some(audit::Outcome::Applied),
            "{action}: {:?}",
            outcomes[0].entry
        );
        assert_eq!(outcomes[0].entry.target.as_ref().map(|t| t.kind), Some(TargetKind::Webhook));
    }
    let text = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap();
    assert!(!text.contains("whsec_"), "a signing secret reached the audit log");
}

/// A registration an earlier run left (its listener gone with it) is
/// removed, as an audited change, before registering anew.
#[tokio::test]
async fn a_registration_an_earlier_run_left_is_removed_first() {
    let mut rig = Rig::quiet().await;
    let audit_path = rig.dir.path().join("audit.jsonl");
    let instance = hex::encode(&Sha256::digest(audit_path.to_string_lossy().as_bytes())[..8]);
    let left = WebhookRegistration::new("cxone-console-analytics", "http://127.0.0.1:9/callbacks/attributes")
        .and_then(|r| Ok(r.with_header("X-Console-Instance", &instance)?))
        .unwrap();
    let client = engine_support::client(&rig.sandbox);
    let leftover = client.register_webhook(&left, None).await.unwrap().value;

    assert!(rig.outcome(Change::WatchAttributes).await.is_applied());
    let hooks = client.webhooks().await.unwrap().value;
    assert!(hooks.iter().all(|h| h.id != leftover.id), "the leftover is still registered: {hooks:?}");
    let removal = rig
        .audit_records()
        .into_iter()
        .find(|r| {
            r.entry.kind == RecordKind::Outcome
                && r.entry.action.as_deref() == Some("remove_attribute_callbacks")
        })
        .expect("the removal is audited");
    assert_eq!(removal.entry.target.as_ref().map(|t| t.id.as_str()), Some(leftover.id.as_str()));
    assert!(
        removal.entry.reason.as_deref().unwrap_or_default().contains("earlier run"),
        "{:?}",
        removal.entry
    );
    rig.stop().await;
}

/// Registers the console's callback listener; returns its address.
async fn watching(rig: &mut Rig) -> String {
    let watch = rig.outcome(Change::WatchAttributes).await;
    let Outcome::Applied { data: Some(data), .. } = &watch else {
        panic!("expected a registration, got {watch}")
    };
    data["uri"].as_str().expect("the listener's address").to_string()
}

#[tokio::test]
async fn unsigned_and_forged_callbacks_are_refused_and_reported_as_not_verified() {
    let mut rig = Rig::quiet().await;
    let uri = watching(&mut rig).await;
    let http = reqwest::Client::builder().no_proxy().build().expect("an HTTP client");
    let body = |interaction: &str| {
        json!({
            "eventType": "interaction.attributes.updated", "eventId": "e-1",
            "interactionId": interaction, "attributes": [], "occurredAt": "2026-01-01T00:00:00Z",
        })
        .to_string()
    };

    let unsigned = http.post(&uri).body(body("unsigned-1")).send().await.expect("the listener answers");
    assert_eq!(unsigned.status(), reqwest::StatusCode::UNAUTHORIZED);
    assert!(!callback(&mut rig, "unsigned-1").await.verified);

    let wrong_key = SigningKey::from_secret(&SigningKey::generate_secret()).expect("a key");
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let body = body("forged-1");
    let forged = http
        .post(&uri)
        .header("webhook-id", "msg_forged")
        .header("webhook-timestamp", now.to_string())
        .header("webhook-signature", wrong_key.sign("msg_forged", now, body.as_bytes()))
        .body(body)
        .send()
        .await
        .expect("the listener answers");
    assert_eq!(forged.status(), reqwest::StatusCode::UNAUTHORIZED);
    assert!(!callback(&mut rig, "forged-1").await.verified);
    rig.stop().await;
}

/// A flood of unsigned callbacks while nobody reads the engine's events
/// (more than its event channel holds) is answered at once, every one, and
/// leaves the engine's own events room: they are shown only while there is.
#[tokio::test]
async fn a_flood_of_unsigned_callbacks_never_waits_on_the_engines_events() {
    let mut rig = Rig::quiet().await;
    let uri = watching(&mut rig).await;
    let http = reqwest::Client::builder().no_proxy().build().expect("an HTTP client");
    for n in 0..4_200 {
        let body =
            json!({ "eventType": "interaction.attributes.updated", "interactionId": format!("flood-{n}") });
        let posted = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            http.post(&uri).body(body.to_string()).send(),
        );
        let answered = posted.await.unwrap_or_else(|_| panic!("callback {n} was not answered within 5 s"));
        assert_eq!(answered.expect("the listener answers").status(), reqwest::StatusCode::UNAUTHORIZED);
    }
    // At most half the engine's event room went to them.
    let mut shown = 0;
    while let Ok(event) = rig.events.try_recv() {
        shown += usize::from(matches!(event, Event::AttributesChanged(_)));
    }
    assert!(shown > 0 && shown <= 2_048, "{shown} shown");
    let status = rig.outcome(change(documents_rows())).await;
    assert!(status.is_applied(), "the engine goes on: {status}");
    rig.stop().await;
}

#[tokio::test]
async fn with_callbacks_turned_off_nothing_is_registered() {
    let sandbox = Sandbox::start(SandboxConfig::quiet()).await.expect("sandbox");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut config = engine_support::engine_config(&sandbox, dir.path());
    config.callbacks = false;
    let mut rig = Rig::with(sandbox, dir, config).await;
    let outcome = rig.outcome(Change::WatchAttributes).await;
    assert!(matches!(&outcome, Outcome::Rejected { reason } if reason.contains("turned off")), "{outcome}");
    assert_eq!(rig.sandbox.stats().writes_of(Resource::Webhook), 0);
    rig.stop().await;
}

/// Hundreds of attribute changes at once while tokens are revoked under
/// them (one request in twenty): each read, write and read-back that meets
/// a revoked token goes again, so every change gets through, once.
#[tokio::test]
async fn hundreds_of_changes_at_once_get_through_tokens_revoked_under_them() {
    use cxone_console::api::model::ListQuery;

    let mut rig = Rig::quiet().await;
    let query = ListQuery::new().top(200);
    let listed = engine_support::client(&rig.sandbox).interactions(&query).await.unwrap().value.items;
    assert!(listed.len() >= 150, "the tenant holds enough interactions: {}", listed.len());
    rig.revoking_tokens();

    let changes: Vec<Change> = listed
        .iter()
        .map(|i| Change::Attributes {
            interaction_id: i.id.to_string(),
            rows: vec![row("reviewed_in_console", json!("yes"), "ADD")],
            name: None,
        })
        .collect();
    let count = changes.len();
    let missed = rig.all_at_once(changes).await;
    let revoked = rig.sandbox.stats().faults.get("tokenRevoked").copied().unwrap_or(0);
    assert!(revoked >= 5, "tokens were revoked under the changes: {revoked}");
    assert!(
        missed.is_empty(),
        "{} of {count} did not get through: {:?}",
        missed.len(),
        &missed[..3.min(missed.len())]
    );
    let stats = rig.sandbox.stats();
    assert_eq!(stats.writes_of(Resource::Attributes), count as u64);
    assert_eq!(stats.repeated_of(Resource::Attributes), 0);
    rig.stop().await;
}

/// A run that could not remove its registration (a crash) leaves its marker
/// beside the audit log: the next start removes the registration at once,
/// without waiting for a `:watch`, as an audited change.
#[tokio::test]
async fn a_registration_a_crashed_run_left_is_removed_at_the_next_start() {
    let rig = Rig::quiet().await;
    let (sandbox, dir) = rig.stop().await;
    let audit_path = dir.path().join("audit.jsonl");
    let instance = hex::encode(&Sha256::digest(audit_path.to_string_lossy().as_bytes())[..8]);
    let left = WebhookRegistration::new("cxone-console-analytics", "http://127.0.0.1:9/callbacks/attributes")
        .and_then(|r| Ok(r.with_header("X-Console-Instance", &instance)?))
        .unwrap();
    let client = engine_support::client(&sandbox);
    let leftover = client.register_webhook(&left, None).await.unwrap().value;
    let marker = dir.path().join("callbacks.registered");
    std::fs::write(&marker, leftover.id.as_str()).unwrap();

    let config = engine_support::engine_config(&sandbox, dir.path());
    let rig = Rig::with(sandbox, dir, config).await;
    // The marker goes last, once the removal is on record.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while marker.exists() {
        assert!(std::time::Instant::now() < deadline, "the marker is still there after 10 s");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let hooks = client.webhooks().await.unwrap().value;
    assert!(hooks.iter().all(|h| h.id != leftover.id), "the leftover is still registered: {hooks:?}");
    let removed = rig.audit_records().into_iter().any(|r| {
        r.entry.kind == RecordKind::Outcome
            && r.entry.action.as_deref() == Some("remove_attribute_callbacks")
            && r.entry.target.as_ref().is_some_and(|t| t.id == leftover.id.as_str())
    });
    assert!(removed, "the removal is audited");
    rig.stop().await;
}
