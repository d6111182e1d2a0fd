//! Start-up reads back an attribute change a crash left unsettled, whose
//! intent names a key or holds a value that looks like a credential. The
//! log keeps the tenant's own names as they are (an attribute called
//! `promo_token` is found applied), and what it had to redact it cannot
//! compare, so it says it cannot tell rather than that nothing was applied.
//! A redaction in what the read-back does not compare (a contact's notes,
//! where only its outcome is compared) leaves the verdict as it is.

mod engine_support;
mod recovery_support;

use cxone_console::api::IdempotencyKey;
use cxone_console::domain::InteractionId;
use cxone_console::domain::attributes::{AttributeDraft, AttributeUpdate};
use cxone_console::engine::CommandId;
use cxone_console::engine::audit::{Target, TargetKind};
use cxone_console::sandbox::tenant::{PINNED_CAMPAIGN, PINNED_CLOSED_INTERACTION, PINNED_CONTACTS};
use engine_support::Rig;
use serde_json::{Map, Value, json};

const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjb25zb2xlIn0.c2lnbmF0dXJl";

/// Records the intent of adding `key = value` to the pinned interaction,
/// then makes the write land, as a console that crashed before its outcome.
async fn landed_before_the_crash(
    sandbox: &cxone_console::sandbox::Sandbox,
    config: &cxone_console::engine::EngineConfig,
    item: &CommandId,
    key: &str,
    value: Value,
) {
    let client = engine_support::client(sandbox);
    let interaction = InteractionId::parse(PINNED_CLOSED_INTERACTION).expect("a valid id");
    let held = client.attributes(&interaction).await.expect("the attributes").value;
    let before: Map<String, Value> = held.attributes.into_iter().map(|a| (a.key, a.value)).collect();
    let mut after = before.clone();
    after.insert(key.into(), value.clone());
    let target = Target::new(TargetKind::Interaction, PINNED_CLOSED_INTERACTION);
    let intent =
        recovery_support::intent(item.as_str(), "update_attributes", target, json!({ "attributes": after }))
            .before(json!({ "attributes": before }));
    recovery_support::write_intents(&config.audit_path, vec![intent]).await;
    let row = AttributeDraft { key: key.into(), value, mode: "ADD".into() };
    let update = AttributeUpdate::validate(PINNED_CLOSED_INTERACTION, &[row]).expect("a valid change");
    let idempotency = IdempotencyKey::parse(item.as_str()).expect("an id is a key");
    client.update_attributes(&update, Some(idempotency)).await.expect("the write lands");
}

#[tokio::test]
async fn an_attribute_named_like_a_credential_is_kept_and_found_applied() {
    let (sandbox, dir, config) = recovery_support::tenant().await;
    let item = CommandId::derived([&b"a promo code, in flight at the crash"[..]]);
    landed_before_the_crash(&sandbox, &config, &item, "promo_token", json!("SPRING-24")).await;

    let mut rig = Rig::with(sandbox, dir, config).await;
    let (reconciled, pending) = recovery_support::recovered(&mut rig).await;
    assert!(pending.is_empty(), "{pending:?}");
    let outcome = &reconciled[item.as_str()];
    assert!(outcome.is_applied(), "the interaction holds it: {outcome}");
    let intent =
        rig.audit_records().into_iter().find(|r| r.entry.command_id.as_deref() == Some(item.as_str()));
    let after = intent.and_then(|r| r.entry.after).expect("the intent's after");
    assert_eq!(after["attributes"]["promo_token"], "SPRING-24", "the log keeps what was set");
    rig.stop().await;
}

#[tokio::test]
async fn a_value_kept_redacted_is_not_called_unapplied_but_undecided() {
    let (sandbox, dir, config) = recovery_support::tenant().await;
    let item = CommandId::derived([&b"a token pasted into a note, in flight at the crash"[..]]);
    landed_before_the_crash(&sandbox, &config, &item, "handover", json!(format!("Bearer {JWT}"))).await;

    let mut rig = Rig::with(sandbox, dir, config).await;
    let (reconciled, _) = recovery_support::recovered(&mut rig).await;
    let outcome = &reconciled[item.as_str()];
    let text = outcome.text();
    assert!(text.contains("cannot be told") && text.contains("redacted"), "{outcome}");
    assert!(!text.contains("was not applied"), "{outcome}");
    let log = std::fs::read_to_string(rig.dir.path().join("audit.jsonl")).expect("the audit log");
    assert!(!log.contains(JWT), "the token never reaches the log");
    rig.stop().await;
}

#[tokio::test]
async fn a_redaction_in_what_is_not_compared_leaves_a_change_unapplied() {
    let (sandbox, dir, config) = recovery_support::tenant().await;
    let item = CommandId::derived([&b"a contact whose notes held a token, never sent"[..]]);
    let (contact, held) = PINNED_CONTACTS[0];
    let target = Target::contact(PINNED_CAMPAIGN, contact);
    let intent = recovery_support::intent(
        item.as_str(),
        "set_contact_disposition",
        target,
        json!({ "outcomeCode": "INTERESTED", "notes": "" }),
    )
    .before(json!({ "outcomeCode": held, "state": "COMPLETED", "notes": format!("Bearer {JWT}") }));
    recovery_support::write_intents(&config.audit_path, vec![intent]).await;

    let mut rig = Rig::with(sandbox, dir, config).await;
    let (reconciled, _) = recovery_support::recovered(&mut rig).await;
    let outcome = &reconciled[item.as_str()];
    assert!(outcome.text().contains("was not applied"), "the outcome is compared, not the notes: {outcome}");
    rig.stop().await;
}
