//! Start-up recovery against the sandbox: intents a crash left without an
//! outcome are settled by reading their targets back.
//!
//! Each test writes intents by hand, as a console that crashed mid-change
//! would have, applies some of the changes directly on the tenant, then
//! starts the engine on that audit log.

mod engine_support;
mod recovery_support;

use cxone_console::api::Client;
use cxone_console::api::model::WebhookRegistration;
use cxone_console::domain::contact_disposition::{ContactDisposition, ContactDispositionDraft};
use cxone_console::domain::interaction_disposition::{DispositionDraft, InteractionDisposition};
use cxone_console::domain::{CampaignId, InteractionId, Timestamp, UserId};
use cxone_console::engine::audit::{
    self, AuditEntry, AuditRecord, RecordKind, Target, TargetKind, VerifyReport,
};
use cxone_console::engine::outbox::{Message, MessageId, Outbox};
use cxone_console::engine::{Event, Outcome, Recovery};
use cxone_console::sandbox::tenant::{
    PINNED_CAMPAIGN, PINNED_CLOSED_INTERACTION, PINNED_CONTACTS, PINNED_USER,
};
use cxone_console::signing::Verdict;
use engine_support::Rig;
use recovery_support::{intent, recovered, tenant, write_intents};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::Path;

const DISPOSITION: &str = "cmd_crashed_disposition";
const DEPRECATION: &str = "cmd_crashed_deprecation";
const CONTACT: &str = "cmd_crashed_contact";
const STATUS: &str = "cmd_crashed_status";
const VANISHED: &str = "cmd_crashed_vanished";

fn resolved() -> DispositionDraft {
    DispositionDraft {
        code: "101".into(),
        description: "Issue Resolved".into(),
        agent_id: "agent_xyz_123".into(),
        ..Default::default()
    }
}

/// Document 000's change on its interaction, as its intent records it.
fn disposition_intent(item: &str, interaction: &str) -> AuditEntry {
    let after = json!({ "dispositions": [{
        "code": "101", "description": "Issue Resolved", "agent_id": "agent_xyz_123",
        "timestamp": "2026-01-01T00:00:00Z", "source": "api",
    }]});
    intent(item, "set_interaction_disposition", Target::new(TargetKind::Interaction, interaction), after)
}

/// Applies the pinned interaction's disposition as the crashed console's write would have.
async fn apply_disposition(client: &Client) {
    let id = InteractionId::parse(PINNED_CLOSED_INTERACTION).expect("a valid id");
    let matrix = client.dispositions().await.expect("the matrix").value;
    let change = InteractionDisposition::validate(id.as_str(), &[resolved()], &matrix, Timestamp::now())
        .expect("a valid change");
    let tag = client.interaction(&id).await.expect("the interaction").value.etag.expect("a tag");
    client.set_dispositions(&change, &tag, None).await.expect("applied");
}

async fn apply_contact_outcome(client: &Client, contact: &str, code: &str) {
    let campaign = CampaignId::parse(PINNED_CAMPAIGN).expect("a valid id");
    let matrix = client.campaign(&campaign).await.expect("the campaign").value.outcome_matrix();
    let draft = ContactDispositionDraft {
        contact_id: contact.into(),
        campaign_id: PINNED_CAMPAIGN.into(),
        outcome_code: code.into(),
        agent_id: "agent_xyz_123".into(),
        notes: String::new(),
        custom_fields: None,
        disposition_timestamp: String::new(),
    };
    let disposition =
        ContactDisposition::validate(&draft, &matrix, Timestamp::now()).expect("a valid disposition");
    client.set_contact_disposition(&disposition, None, None).await.expect("applied");
}

fn reconciled_records(records: &[AuditRecord]) -> HashMap<String, audit::Outcome> {
    records
        .iter()
        .filter(|r| r.entry.kind == RecordKind::Reconciled)
        .filter_map(|r| Some((r.entry.command_id.clone()?, r.entry.outcome?)))
        .collect()
}

/// How often the outbox journal enqueued the message with `id`.
fn times_enqueued(dir: &Path, id: &MessageId) -> usize {
    let text = std::fs::read_to_string(dir.join("outbox.jsonl")).unwrap_or_default();
    text.lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|op| op["op"] == "enqueued" && op["id"] == id.as_str())
        .count()
}

#[tokio::test]
async fn intents_left_by_a_crash_are_settled_by_reading_their_targets_back() {
    let (sandbox, dir, config) = tenant().await;
    let client = engine_support::client(&sandbox);
    let tenant = std::sync::Arc::clone(&sandbox.state().tenant);
    let action = tenant
        .data_action_ids()
        .into_iter()
        .find(|id| tenant.data_action(id).is_ok_and(|a| !a.value.is_deprecated))
        .expect("a live seeded action");
    let (contact, _) = PINNED_CONTACTS[0];
    let user = client.user(&UserId::parse(PINNED_USER).expect("an id")).await.expect("the user").value;
    assert_ne!(user.status.to_string(), "Training", "the intended status must differ from the current one");

    write_intents(
        &config.audit_path,
        vec![
            disposition_intent(DISPOSITION, PINNED_CLOSED_INTERACTION),
            intent(
                DEPRECATION,
                "deprecate_data_action",
                Target::new(TargetKind::DataAction, action.clone()),
                json!({"isDeprecated": true}),
            ),
            intent(
                CONTACT,
                "set_contact_disposition",
                Target::contact(PINNED_CAMPAIGN, contact),
                json!({"outcomeCode": "INTERESTED"}),
            ),
            intent(
                STATUS,
                "set_agent_status",
                Target::new(TargetKind::User, PINNED_USER),
                json!({"status": "Training", "pauseReason": null, "compliance": {"roleChecked": "passed",
                    "shiftValidated": "passed", "respectWrapUp": true, "wrapUpVerified": "not checked"}}),
            ),
            disposition_intent(VANISHED, "no-such-interaction"),
        ],
    )
    .await;
    apply_disposition(&client).await;
    apply_contact_outcome(&client, contact, "INTERESTED").await;

    let mut rig = Rig::with(sandbox, dir, config).await;
    let (verdicts, still_pending) = recovered(&mut rig).await;
    assert_eq!(verdicts.len(), 5, "{verdicts:?}");
    assert_eq!(still_pending, [VANISHED], "only the unreadable target stays pending");
    for applied in [DISPOSITION, CONTACT] {
        assert!(verdicts[applied].is_applied(), "{applied}: {}", verdicts[applied]);
        assert!(verdicts[applied].text().contains("was applied before the restart"), "{}", verdicts[applied]);
    }
    for missed in [DEPRECATION, STATUS] {
        let verdict = &verdicts[missed];
        assert!(
            matches!(verdict, Outcome::Failed { error } if error.contains("was not applied before the restart, or was changed since")),
            "{verdict}"
        );
    }
    let vanished = &verdicts[VANISHED];
    assert!(
        vanished.text().starts_with("unknown whether") && vanished.text().contains("stays pending"),
        "{vanished}"
    );
    assert!(!tenant.data_action(&action).expect("still there").value.is_deprecated, "nothing was re-sent");

    let records = reconciled_records(&rig.audit_records());
    let expected: HashMap<String, audit::Outcome> = [
        (DISPOSITION, audit::Outcome::Applied),
        (CONTACT, audit::Outcome::Applied),
        (DEPRECATION, audit::Outcome::Failed),
        (STATUS, audit::Outcome::Failed),
    ]
    .into_iter()
    .map(|(item, outcome)| (item.to_string(), outcome))
    .collect();
    assert_eq!(records, expected, "one reconciled record each, none for the unreadable target");
    let status = rig
        .audit_records()
        .into_iter()
        .find(|r| r.entry.kind == RecordKind::Reconciled && r.entry.command_id.as_deref() == Some(STATUS));
    let compliance = status.and_then(|r| r.entry.after).map(|after| after["compliance"].clone());
    assert_eq!(
        compliance,
        Some(json!({"roleChecked": "passed", "shiftValidated": "passed", "respectWrapUp": true,
            "wrapUpVerified": "not checked"})),
        "the checks its intent recorded, the wrap-up's left unchecked as it was not found applied"
    );

    let announced = rig.sink_holds("disposition", 1).await.remove(0);
    assert_eq!(announced.verdict, Verdict::Valid);
    assert_eq!(announced.webhook_id.as_deref(), Some(rig.webhook_id(DISPOSITION).as_str()));
    assert_eq!(
        (announced.body["code"].clone(), announced.body["reconciled"].clone()),
        (json!("101"), json!(true))
    );
    let crm = rig.sink_holds("crm", 1).await.remove(0);
    assert_eq!(crm.webhook_id.as_deref(), Some(rig.webhook_id(CONTACT).as_str()));
    assert_eq!(crm.body["data"]["outcome_code"], "INTERESTED");
    // The document's fields, as a live change sends them; the latency it cannot know is null.
    let fields: Vec<&String> = crm.body["data"].as_object().map(|d| d.keys().collect()).unwrap_or_default();
    let documented =
        ["agent_id", "campaign_id", "contact_id", "latency_ms", "outcome_code", "status", "timestamp"];
    assert_eq!(fields, documented, "{}", crm.body);
    assert!(crm.body["data"]["timestamp"].as_str().is_some_and(|t| t.ends_with('Z')), "{}", crm.body);

    // A second start finds only the unreadable intent still pending.
    let (sandbox, dir) = rig.stop().await;
    let config = engine_support::engine_config(&sandbox, dir.path());
    let mut rig = Rig::with(sandbox, dir, config).await;
    let (again, still_pending) = recovered(&mut rig).await;
    assert_eq!(again.keys().collect::<Vec<_>>(), [VANISHED], "{again:?}");
    assert_eq!(still_pending, [VANISHED]);
    let (_, dir) = rig.stop().await;
    let announced = engine_support::webhook_id(&dir.path().join("audit.jsonl"), DISPOSITION);
    assert_eq!(times_enqueued(dir.path(), &announced), 1);
    let verdict = audit::verify(&dir.path().join("audit.jsonl")).expect("the log is readable");
    assert!(matches!(verdict, VerifyReport::Intact { .. }), "{verdict:?}");
}

/// A read-back the tenant answers 503 for longer than the client's own
/// attempts last is tried again, as any read of a flow is, rather than
/// leaving a change it holds pending until the next start.
#[tokio::test]
async fn a_read_back_the_tenant_fails_for_a_while_is_tried_again() {
    let (sandbox, dir, config) = tenant().await;
    let client = engine_support::client(&sandbox);
    let (contact, _) = PINNED_CONTACTS[0];
    let target = Target::contact(PINNED_CAMPAIGN, contact);
    let after = json!({"outcomeCode": "INTERESTED"});
    write_intents(&config.audit_path, vec![intent(CONTACT, "set_contact_disposition", target, after)]).await;
    apply_contact_outcome(&client, contact, "INTERESTED").await;
    let path = format!("/api/v1/outbound/campaigns/{PINNED_CAMPAIGN}/contacts/{contact}");
    // The client's four attempts, then one more call.
    sandbox.state().faults.fail_next(&path, 4);

    let mut rig = Rig::with(sandbox, dir, config).await;
    let (verdicts, still_pending) = recovered(&mut rig).await;
    assert!(still_pending.is_empty(), "{verdicts:?}");
    assert!(verdicts[CONTACT].is_applied(), "{}", verdicts[CONTACT]);
    assert_eq!(rig.sandbox.stats().faults["serverError"], 4, "the read-back met the whole outage");
    rig.stop().await;
}

#[tokio::test]
async fn a_webhook_still_waiting_from_before_the_crash_is_not_queued_again() {
    let (sandbox, dir, mut config) = tenant().await;
    // The analytics receiver is down, so the message waits in the outbox.
    let down = engine_support::closed_port::nowhere("/hook");
    config.webhook_targets.insert("disposition".into(), down);
    write_intents(&config.audit_path, vec![disposition_intent(DISPOSITION, PINNED_CLOSED_INTERACTION)]).await;
    apply_disposition(&engine_support::client(&sandbox)).await;
    // The crash came after the webhook was queued, before the outcome was recorded.
    let outbox = Outbox::open(&config.outbox_path).await.expect("the outbox opens");
    let message = Message {
        target: "disposition",
        event_type: "interaction.disposition.updated",
        body: json!({"type": "DISPOSITION_UPDATED", "interaction_id": PINNED_CLOSED_INTERACTION, "code": "101"}),
        subject: None,
    };
    let announced = engine_support::webhook_id(&config.audit_path, DISPOSITION);
    outbox.enqueue_as(announced.clone(), message).await.expect("queued");
    outbox.close().await;

    let mut rig = Rig::with(sandbox, dir, config).await;
    let recovery: Recovery = rig
        .until(|e| match e {
            Event::Recovered(r) => Some(r.clone()),
            _ => None,
        })
        .await;
    assert!(recovery.reconciled.iter().all(|(_, o)| o.is_applied()), "{recovery:?}");
    assert_eq!(recovery.webhooks_waiting, 1, "the waiting message, once");
    let (_, dir) = rig.stop().await;
    assert_eq!(times_enqueued(dir.path(), &announced), 1);
}

/// A callback registration, and removals, cut off by a crash: the tenant's
/// list of registrations settles each, and what was found is recorded.
#[tokio::test]
async fn registrations_a_crash_cut_off_are_read_back_from_the_tenants_list() {
    let (sandbox, dir, config) = tenant().await;
    let client = engine_support::client(&sandbox);
    let (landed, lost) =
        ("http://127.0.0.1:9/callbacks/attributes", "http://127.0.0.1:10/callbacks/attributes");
    let registration = WebhookRegistration::new("cxone-console-analytics", landed).expect("a registration");
    let held = client.register_webhook(&registration, None).await.expect("registered").value;

    let webhook = |id: &str| Target::new(TargetKind::Webhook, id);
    let registered = |uri: &str| json!({ "name": "cxone-console-analytics", "uri": uri });
    let removed = json!({ "removed": true });
    write_intents(
        &config.audit_path,
        vec![
            intent(
                "cmd_reg_landed",
                "register_attribute_callbacks",
                webhook("cxone-console-analytics"),
                registered(landed),
            ),
            intent(
                "cmd_reg_lost",
                "register_attribute_callbacks",
                webhook("cxone-console-analytics"),
                registered(lost),
            ),
            intent(
                "cmd_rm_pending",
                "remove_attribute_callbacks",
                webhook(held.id.as_str()),
                removed.clone(),
            ),
            intent("cmd_rm_done", "remove_attribute_callbacks", webhook("wh_long_gone"), removed),
        ],
    )
    .await;

    let mut rig = Rig::with(sandbox, dir, config).await;
    let (verdicts, still_pending) = recovered(&mut rig).await;
    assert!(still_pending.is_empty(), "{still_pending:?}");
    let applied = |item: &str| verdicts.get(item).map(Outcome::is_applied);
    assert_eq!(applied("cmd_reg_landed"), Some(true), "{verdicts:?}");
    assert!(verdicts["cmd_reg_landed"].text().contains(held.id.as_str()), "{verdicts:?}");
    assert_eq!(applied("cmd_reg_lost"), Some(false), "{verdicts:?}");
    assert_eq!(applied("cmd_rm_pending"), Some(false), "{verdicts:?}");
    assert_eq!(applied("cmd_rm_done"), Some(true), "{verdicts:?}");
    let records = rig.audit_records();
    let kinds = reconciled_records(&records);
    assert_eq!(kinds.len(), 4, "each intent is settled by one record: {kinds:?}");
    rig.stop().await;
}

/// A line cut from the webhook outbox on start may have held a webhook: the
/// audit log, which the console shows and exports, records the cut.
#[tokio::test]
async fn a_cut_outbox_line_is_recorded_as_a_repair_in_the_audit_log() {
    let (sandbox, dir, config) = tenant().await;
    std::fs::write(&config.outbox_path, br#"{"op":"enqueued","id":"msg_cut","tar"#).unwrap();
    let rig = Rig::with(sandbox, dir, config).await;
    let records = rig.audit_records();
    let repairs: Vec<&str> = records
        .iter()
        .filter(|r| r.entry.kind == RecordKind::Repair)
        .filter_map(|r| r.entry.reason.as_deref())
        .collect();
    assert_eq!(repairs.len(), 1, "{repairs:?}");
    assert!(repairs[0].contains("cut an unfinished line from the webhook outbox"), "{}", repairs[0]);
    assert!(repairs[0].contains("36 bytes at byte 0"), "{}", repairs[0]);
    let (_, dir) = rig.stop().await;
    assert!(matches!(audit::verify(&dir.path().join("audit.jsonl")).unwrap(), VerifyReport::Intact { .. }));
}
