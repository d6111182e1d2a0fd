//! A change a crash left in flight, re-run after the restart: start-up finds
//! it applied, and the run that submits it again (a re-run batch file) skips
//! it as done instead of sending it a second time. And a change re-run with
//! the same key, answered from the tenant's idempotency store: applied when
//! this audit log's own run had sent it, skipped when another run had.

mod engine_support;
mod recovery_support;

use cxone_console::api::IdempotencyKey;
use cxone_console::domain::InteractionId;
use cxone_console::domain::attributes::{AttributeDraft, AttributeUpdate};
use cxone_console::engine::audit::{
    self, AuditEntry, AuditLog, Method, RecordKind, RequestInfo, Target, TargetKind,
};
use cxone_console::engine::outbox::MessageId;
use cxone_console::engine::{Change, Command, CommandId, Event, Finished, Outcome, Recovery};
use cxone_console::sandbox::tenant::PINNED_CLOSED_INTERACTION;
use cxone_console::sandbox::{Resource, Sandbox};
use engine_support::Rig;
use serde_json::{Value, json};

fn row() -> AttributeDraft {
    AttributeDraft { key: "crash_rerun".into(), value: json!(7), mode: "ADD".into() }
}

/// The intent a console records before sending `row()`, with the
/// attributes it read (`before`) and those it intends to leave.
fn intent(item: &CommandId, before: &serde_json::Map<String, Value>) -> AuditEntry {
    let mut after = before.clone();
    after.insert("crash_rerun".into(), json!(7));
    let request = RequestInfo {
        method: Method::Post,
        path: format!("/api/v1/interactions/{PINNED_CLOSED_INTERACTION}/attributes"),
        etag: None,
        idempotency_key: Some(item.to_string()),
    };
    AuditEntry::intent(
        item.as_str(),
        "update_attributes",
        Target::new(TargetKind::Interaction, PINNED_CLOSED_INTERACTION),
    )
    .by("crashed-operator", "console", item.as_str())
    .request(request, b"{}")
    .before(json!({ "attributes": before }))
    .after(json!({ "attributes": after }))
}

#[tokio::test]
async fn a_change_found_applied_at_start_up_is_skipped_when_submitted_again() {
    let (sandbox, dir, config) = recovery_support::tenant().await;
    let client = engine_support::client(&sandbox);
    let interaction = InteractionId::parse(PINNED_CLOSED_INTERACTION).expect("a valid id");
    let item = CommandId::derived([&b"a batch file line, in flight at the crash"[..]]);

    // The crashed run: its intent is durable, its write landed, its
    // outcome was never recorded.
    let held = client.attributes(&interaction).await.expect("the attributes").value;
    let before = held.attributes.iter().map(|a| (a.key.clone(), a.value.clone())).collect();
    let (log, _) = AuditLog::open(&config.audit_path).await.expect("the audit log opens");
    log.append(intent(&item, &before)).await.expect("the intent is recorded");
    log.close().await;
    let update = AttributeUpdate::validate(PINNED_CLOSED_INTERACTION, &[row()]).expect("a valid change");
    let key = IdempotencyKey::parse(item.as_str()).expect("an id is a key");
    client.update_attributes(&update, Some(key)).await.expect("the write lands");

    let mut rig = Rig::with(sandbox, dir, config).await;
    let recovery: Recovery = rig
        .until(|e| match e {
            Event::Recovered(r) => Some(r.clone()),
            _ => None,
        })
        .await;
    assert!(matches!(recovery.reconciled.as_slice(), [(id, o)] if *id == item.as_str() && o.is_applied()));

    // The re-run submits the same line under the same id.
    let change = Change::Attributes {
        interaction_id: PINNED_CLOSED_INTERACTION.into(),
        rows: vec![row()],
        name: None,
    };
    let outcome = outcome_of(&mut rig, &item, change).await;
    assert!(matches!(&outcome, Outcome::Skipped { key, .. } if key == "earlier_run"), "{outcome}");

    let stats = rig.sandbox.stats();
    assert_eq!(stats.writes_of(Resource::Attributes), 1);
    assert_eq!((stats.idempotent_replays, stats.total_repeated()), (0, 0), "nothing was sent again");
    let kinds: Vec<RecordKind> = rig
        .audit_records()
        .into_iter()
        .filter(|r| r.entry.command_id.as_deref() == Some(item.as_str()))
        .map(|r| r.entry.kind)
        .collect();
    assert_eq!(kinds, [RecordKind::Intent, RecordKind::Reconciled], "one intent, settled once");
    rig.stop().await;
}

/// Writes `row()` to the pinned interaction with `item`'s key, as a run
/// elsewhere (or one whose answer was lost) did; then someone removes it
/// again, so that the change is not simply found in place.
async fn landed_earlier(sandbox: &Sandbox, item: &CommandId) {
    let client = engine_support::client(sandbox);
    let update = AttributeUpdate::validate(PINNED_CLOSED_INTERACTION, &[row()]).expect("a valid change");
    let key = IdempotencyKey::parse(item.as_str()).expect("an id is a key");
    client.update_attributes(&update, Some(key)).await.expect("the write lands");
    let removal = AttributeDraft { mode: "DELETE".into(), ..row() };
    let undo = AttributeUpdate::validate(PINNED_CLOSED_INTERACTION, &[removal]).expect("a valid change");
    client.update_attributes(&undo, Some(IdempotencyKey::generate())).await.expect("the removal lands");
}

/// Submits `row()` again under `item` and returns its outcome.
async fn submitted_again(rig: &mut Rig, item: &CommandId) -> Outcome {
    let change = Change::Attributes {
        interaction_id: PINNED_CLOSED_INTERACTION.into(),
        rows: vec![row()],
        name: None,
    };
    outcome_of(rig, item, change).await
}

/// Submits `change` under `item` (as a re-run of its file line would) and
/// returns its one outcome.
async fn outcome_of(rig: &mut Rig, item: &CommandId, change: Change) -> Outcome {
    rig.send(Command::Submit { id: item.clone(), change }).await;
    match rig.finished(item).await {
        Finished::Single { outcome, .. } => outcome,
        other => panic!("one outcome expected, got {other:?}"),
    }
}

#[tokio::test]
async fn a_change_another_run_made_with_the_same_key_is_skipped_as_made_there() {
    let mut rig = Rig::quiet().await;
    let item = CommandId::derived([&b"a batch file line, run from another machine first"[..]]);
    landed_earlier(&rig.sandbox, &item).await;

    let outcome = submitted_again(&mut rig, &item).await;
    assert!(matches!(&outcome, Outcome::Skipped { key, .. } if key == "earlier_run"), "{outcome}");
    assert!(outcome.text().contains("changed nothing now"), "{outcome}");
    let stats = rig.sandbox.stats();
    assert_eq!(
        (stats.writes_of(Resource::Attributes), stats.idempotent_replays),
        (2, 1),
        "the write and the removal; the third answered, not applied"
    );
    let outcomes: Vec<_> = rig
        .audit_records()
        .into_iter()
        .filter(|r| r.entry.kind == RecordKind::Outcome)
        .map(|r| r.entry.outcome)
        .collect();
    assert_eq!(outcomes, [Some(audit::Outcome::Skipped)], "the log does not claim the write");
    rig.stop().await;
}

#[tokio::test]
async fn a_change_this_log_sent_without_an_answer_is_applied_when_the_tenant_replays_it() {
    let (sandbox, dir, config) = recovery_support::tenant().await;
    let item = CommandId::derived([&b"a batch file line whose answer was lost"[..]]);
    let target = Target::new(TargetKind::Interaction, PINNED_CLOSED_INTERACTION);

    // The earlier run sent the write, which landed, but heard no answer and
    // could not read the interaction back: it recorded the change as failed.
    let (log, _) = AuditLog::open(&config.audit_path).await.expect("the audit log opens");
    log.append(intent(&item, &serde_json::Map::new())).await.expect("the intent is recorded");
    landed_earlier(&sandbox, &item).await;
    let failed = AuditEntry::outcome(item.as_str(), "update_attributes", target, audit::Outcome::Failed)
        .reason("no answer from the tenant");
    log.append(failed).await.expect("the outcome is recorded");
    log.close().await;

    let mut rig = Rig::with(sandbox, dir, config).await;
    let outcome = submitted_again(&mut rig, &item).await;
    assert!(outcome.is_applied(), "its own write, answered at last: {outcome}");
    // Someone removed the attribute since: the reply is the write's old
    // answer, and the outcome says so rather than claiming it holds now.
    assert!(outcome.text().contains("applied when first sent, before the restart"), "{outcome}");
    let stats = rig.sandbox.stats();
    assert_eq!((stats.writes_of(Resource::Attributes), stats.idempotent_replays), (2, 1));
    rig.stop().await;
}

/// A status change whose write landed but whose run could not tell (no
/// answer, nothing read back): run again, the agent is found holding it.
/// That is this log's write, so it is applied and announced, not skipped
/// as already so with its webhook never sent.
#[tokio::test]
async fn a_change_this_log_sent_and_found_in_place_is_applied_and_announced() {
    use cxone_console::domain::UserId;
    use cxone_console::domain::agent_status::AgentStatusDraft;
    use cxone_console::engine::Item;
    const AGENT: &str = "12345-abcde-67890";
    let (sandbox, dir, config) = recovery_support::tenant().await;
    let item = CommandId::derived([&b"a status line whose answer was lost"[..]]);
    let target = Target::new(TargetKind::User, AGENT);
    let draft = AgentStatusDraft { user_id: AGENT.into(), status: "Training".into(), ..Default::default() };

    let (log, _) = AuditLog::open(&config.audit_path).await.expect("the audit log opens");
    let request = RequestInfo {
        method: Method::Put,
        path: format!("/api/v2/users/{AGENT}/status"),
        etag: None,
        idempotency_key: Some(item.to_string()),
    };
    let intent = AuditEntry::intent(item.as_str(), "set_agent_status", target.clone())
        .by("crashed-operator", "console", item.as_str())
        .request(request, b"{}")
        .after(json!({"status": "Training", "pauseReason": null}));
    let first = log.append(intent).await.expect("the intent is recorded");
    let change =
        cxone_console::domain::agent_status::AgentStatusChange::validate(&draft, &Default::default())
            .expect("a valid change");
    let client = engine_support::client(&sandbox);
    let key = IdempotencyKey::parse(item.as_str()).expect("an id is a key");
    client.set_agent_status(&change, None, Some(key)).await.expect("the write lands");
    let failed = AuditEntry::outcome(item.as_str(), "set_agent_status", target, audit::Outcome::Failed)
        .reason("no answer from the tenant, and it could not be read back");
    log.append(failed).await.expect("the outcome is recorded");
    log.close().await;
    let user = client.user(&UserId::parse(AGENT).unwrap()).await.expect("the agent").value;
    assert_eq!(user.status.to_string(), "Training");

    let mut rig = Rig::with(sandbox, dir, config).await;
    let change = Change::AgentStatus(vec![Item::new(item.clone(), draft)]);
    let outcome = outcome_of(&mut rig, &item, change).await;
    assert!(outcome.is_applied() && outcome.text().contains("found in place"), "{outcome}");
    let announced = rig.sink_holds("wfm", 1).await.remove(0);
    assert_eq!(announced.body["status"], "Training", "{}", announced.body);
    // Under the id the first run's webhook had, had it queued one before
    // the crash: a receiver that has it drops this one.
    let first_id = MessageId::announcing(item.as_str(), Some(&first.hash));
    assert_eq!(
        announced.webhook_id.as_deref(),
        Some(first_id.as_str()),
        "announced as the first intent's write"
    );
    assert_eq!(rig.sandbox.stats().writes_of(Resource::AgentStatus), 1, "nothing was sent again");
    rig.stop().await;
}

/// A disposition whose timestamp was left to default, sent before a crash
/// and changed by someone since: run again, it carries its key with a new
/// timestamp, which the tenant refuses as the key's reuse (422). The
/// outcome says what that means, rather than that the answer was unexpected.
#[tokio::test]
async fn a_rerun_whose_default_timestamp_moved_is_told_why_the_tenant_refuses_its_key() {
    use cxone_console::domain::Timestamp;
    use cxone_console::domain::interaction_disposition::{DispositionDraft, InteractionDisposition};
    let (sandbox, dir, config) = recovery_support::tenant().await;
    let item = CommandId::derived([&b"a disposition line sent before the crash"[..]]);
    let draft = DispositionDraft {
        code: "101".into(),
        description: "Issue Resolved".into(),
        agent_id: "agent_xyz_123".into(),
        ..Default::default()
    };
    let client = engine_support::client(&sandbox);
    let id = InteractionId::parse(PINNED_CLOSED_INTERACTION).expect("a valid id");
    let matrix = client.dispositions().await.expect("the matrix").value;
    let earlier = Timestamp::parse_as("timestamp", "2026-01-01T00:00:00Z").expect("a time");
    let change =
        InteractionDisposition::validate(id.as_str(), std::slice::from_ref(&draft), &matrix, earlier)
            .expect("valid");
    let tag = client.interaction(&id).await.expect("the interaction").value.etag.expect("a tag");
    let key = IdempotencyKey::parse(item.as_str()).expect("an id is a key");
    client.set_dispositions(&change, &tag, Some(key)).await.expect("the earlier run's write lands");
    let other =
        DispositionDraft { code: "102".into(), description: "Sale Completed".into(), ..draft.clone() };
    let other =
        InteractionDisposition::validate(id.as_str(), &[other], &matrix, Timestamp::now()).expect("valid");
    let tag = client.interaction(&id).await.expect("the interaction").value.etag.expect("a tag");
    client.set_dispositions(&other, &tag, None).await.expect("someone else's change");

    let mut rig = Rig::with(sandbox, dir, config).await;
    let change = Change::InteractionDisposition {
        interaction_id: PINNED_CLOSED_INTERACTION.into(),
        dispositions: vec![draft],
        name: None,
    };
    let outcome = outcome_of(&mut rig, &item, change).await;
    assert!(matches!(outcome, Outcome::Rejected { .. }), "{outcome}");
    assert!(outcome.text().contains("an earlier run sent this change"), "{outcome}");
    rig.stop().await;
}
