//! Interaction dispositions (document 000) through the engine, against the
//! sandbox: what the supervisor sees, what the tenant applied, what the
//! audit log and the analytics webhook hold.

mod engine_support;

use cxone_console::api::Client;
use cxone_console::domain::interaction_disposition::{DispositionDraft, InteractionDisposition};
use cxone_console::domain::{InteractionId, Timestamp};
use cxone_console::engine::audit::{AuditRecord, RecordKind};
use cxone_console::engine::{Change, Outcome};
use cxone_console::sandbox::tenant::PINNED_CLOSED_INTERACTION;
use cxone_console::sandbox::{Resource, Sandbox, SandboxConfig};
use cxone_console::signing::Verdict;
use engine_support::Rig;
use engine_support::proxy::{Hook, through_proxy};
use std::sync::Arc;
use std::sync::atomic::Ordering;

fn draft(code: &str, description: &str) -> DispositionDraft {
    DispositionDraft {
        code: code.into(),
        description: description.into(),
        agent_id: "agent_xyz_123".into(),
        ..Default::default()
    }
}

fn resolved() -> Change {
    engine_support::issue_resolved(PINNED_CLOSED_INTERACTION)
}

fn codes_held(rig: &Rig) -> Vec<String> {
    let held =
        rig.sandbox.state().tenant.interaction(PINNED_CLOSED_INTERACTION).expect("the pinned interaction");
    held.value.dispositions.iter().map(|d| d.code.clone()).collect()
}

fn records_of(records: &[AuditRecord], kind: RecordKind) -> Vec<&AuditRecord> {
    records.iter().filter(|r| r.entry.kind == kind).collect()
}

#[tokio::test]
async fn a_disposition_is_applied_once_and_announced_with_a_valid_signature() {
    let mut rig = Rig::quiet().await;
    let id = rig.submit(resolved()).await;
    let outcome = match rig.finished(&id).await {
        cxone_console::engine::Finished::Single { outcome, .. } => outcome,
        other => panic!("one outcome expected, got {other:?}"),
    };
    assert!(outcome.is_applied(), "{outcome}");
    let held =
        rig.sandbox.state().tenant.interaction(PINNED_CLOSED_INTERACTION).expect("the pinned interaction");
    let customer = held.value.customer_name;
    assert!(!customer.is_empty(), "the pinned interaction has a customer");
    let named = format!("interaction with {customer} ({PINNED_CLOSED_INTERACTION}) now has disposition 101");
    assert!(outcome.text().starts_with(&named), "{outcome}");
    assert_eq!(codes_held(&rig), ["101"]);
    let stats = rig.sandbox.stats();
    assert_eq!(stats.writes_of(Resource::InteractionDisposition), 1);
    assert_eq!(stats.repeated_of(Resource::InteractionDisposition), 0);

    let delivery = rig.sink_holds("disposition", 1).await.remove(0);
    assert_eq!(delivery.verdict, Verdict::Valid);
    assert_eq!(delivery.webhook_id.as_deref(), Some(rig.webhook_id(id.as_str()).as_str()));
    let body = &delivery.body;
    assert_eq!(body["type"], "DISPOSITION_UPDATED");
    assert_eq!(body["interaction_id"], PINNED_CLOSED_INTERACTION);
    assert_eq!(body["code"], "101");
    assert_eq!(body["agent_id"], "agent_xyz_123");
    assert!(body["timestamp"].as_str().is_some_and(|t| Timestamp::parse_as("t", t).is_ok()), "{body}");
    assert!(body["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0), "{body}");

    let records = rig.audit_records();
    let intents = records_of(&records, RecordKind::Intent);
    let outcomes = records_of(&records, RecordKind::Outcome);
    assert_eq!((intents.len(), outcomes.len()), (1, 1));
    let request = intents[0].entry.request.as_ref().expect("the intent names its request");
    assert!(request.etag.is_some(), "the write is guarded by the tag read");
    assert_eq!(request.idempotency_key.as_deref(), Some(id.as_str()));
    assert_eq!(
        intents[0].entry.after.as_ref().map(|a| a["dispositions"][0]["code"].clone()),
        Some("101".into())
    );
    assert_eq!(
        outcomes[0].entry.after.as_ref().map(|a| a["dispositions"][0]["code"].clone()),
        Some("101".into())
    );
    rig.stop().await;
}

#[tokio::test]
async fn an_open_interaction_is_refused_before_any_write() {
    let mut rig = Rig::quiet().await;
    rig.sandbox.state().tenant.set_interaction_open(PINNED_CLOSED_INTERACTION, true).expect("pinned");
    let outcome = rig.outcome(resolved()).await;
    let Outcome::Rejected { reason } = &outcome else { panic!("expected a refusal, got {outcome}") };
    let customer = rig.sandbox.state().tenant.interaction(PINNED_CLOSED_INTERACTION).expect("pinned");
    let named =
        format!("interaction with {} ({PINNED_CLOSED_INTERACTION}) is open", customer.value.customer_name);
    assert!(reason.starts_with(&named), "said of the interaction, by its customer: {reason}");
    assert_eq!(rig.sandbox.stats().writes_of(Resource::InteractionDisposition), 0);
    let records = rig.audit_records();
    assert!(records_of(&records, RecordKind::Intent).is_empty(), "nothing was about to be sent");
    assert_eq!(records_of(&records, RecordKind::Outcome).len(), 1, "the refusal is on record");
    rig.stop().await;
}

/// Document 000 records each disposition for an agent: an id naming nobody,
/// or a user without the Agent role, is refused by field before the
/// interaction is read.
#[tokio::test]
async fn a_disposition_for_an_unknown_agent_or_a_user_who_is_not_one_is_refused_unsent() {
    let mut rig = Rig::quiet().await;
    let manager = engine_support::non_agent(&rig.sandbox).await;
    // The first change reads the matrix, so the next ones' requests are the agents' reads alone.
    let first = rig.outcome(Change::InteractionDisposition {
        interaction_id: PINNED_CLOSED_INTERACTION.into(),
        dispositions: vec![DispositionDraft {
            agent_id: "agent-nobody-knows".into(),
            ..draft("101", "Issue Resolved")
        }],
        name: None,
    });
    let Outcome::Rejected { reason } = &first.await else { panic!("expected a refusal") };
    assert_eq!(reason, "agent_id: agent agent-nobody-knows does not exist on the tenant");

    let requests = rig.sandbox.stats().requests;
    let second = rig
        .outcome(Change::InteractionDisposition {
            interaction_id: PINNED_CLOSED_INTERACTION.into(),
            dispositions: vec![
                draft("101", "Issue Resolved"),
                DispositionDraft { agent_id: manager.id.to_string(), ..draft("102", "Sale Completed") },
            ],
            name: None,
        })
        .await;
    let Outcome::Rejected { reason } = &second else { panic!("expected a refusal, got {second}") };
    let rule = format!("dispositions[1].agent_id: user {} is not an agent", manager.id);
    assert!(reason.starts_with(&rule), "{reason}");
    assert_eq!(rig.sandbox.stats().requests - requests, 2, "the two agents read, the interaction not");
    assert_eq!(rig.sandbox.stats().writes_of(Resource::InteractionDisposition), 0);
    let records = rig.audit_records();
    assert!(records_of(&records, RecordKind::Intent).is_empty(), "nothing was about to be sent");
    assert_eq!(records_of(&records, RecordKind::Outcome).len(), 2, "the refusals are on record");

    // The document's own agent is one.
    assert!(rig.outcome(resolved()).await.is_applied());
    rig.stop().await;
}

#[tokio::test]
async fn unknown_codes_and_mixed_tiers_are_refused_naming_the_field() {
    let mut rig = Rig::quiet().await;
    let unknown = Change::InteractionDisposition {
        interaction_id: PINNED_CLOSED_INTERACTION.into(),
        dispositions: vec![draft("999", "Made up")],
        name: None,
    };
    let outcome = rig.outcome(unknown).await;
    let Outcome::Rejected { reason } = &outcome else { panic!("expected a refusal, got {outcome}") };
    assert!(reason.contains("code: 999 is not in the tenant's disposition matrix"), "{reason}");

    let mixed = Change::InteractionDisposition {
        interaction_id: PINNED_CLOSED_INTERACTION.into(),
        dispositions: vec![draft("101", "Issue Resolved"), draft("201", "Follow-up")],
        name: None,
    };
    let outcome = rig.outcome(mixed).await;
    let Outcome::Rejected { reason } = &outcome else { panic!("expected a refusal, got {outcome}") };
    assert!(reason.contains("dispositions: primary (1xx) and secondary (2xx)"), "{reason}");

    assert_eq!(rig.sandbox.stats().writes_of(Resource::InteractionDisposition), 0);
    assert!(records_of(&rig.audit_records(), RecordKind::Intent).is_empty());
    assert!(codes_held(&rig).is_empty());
    rig.stop().await;
}

#[tokio::test]
async fn the_same_disposition_twice_is_skipped_as_unchanged_without_a_second_write() {
    let mut rig = Rig::quiet().await;
    assert!(rig.outcome(resolved()).await.is_applied());
    let requests = rig.sandbox.stats().requests;
    let again = rig.outcome(resolved()).await;
    assert!(matches!(&again, Outcome::Skipped { key, .. } if key == "unchanged"), "{again}");
    // The agent's roles were read for the first change and are kept.
    assert_eq!(rig.sandbox.stats().requests - requests, 1, "the interaction read, the agent not");
    assert!(again.text().contains("exactly as asked"), "{again}");
    let stats = rig.sandbox.stats();
    assert_eq!(stats.writes_of(Resource::InteractionDisposition), 1);
    assert_eq!(stats.repeated_of(Resource::InteractionDisposition), 0, "nothing was re-sent");
    assert_eq!(
        records_of(&rig.audit_records(), RecordKind::Intent).len(),
        1,
        "the second change sent nothing"
    );
    rig.stop().await;
}

#[tokio::test]
async fn a_concurrent_edit_is_read_again_and_the_change_applied_once() {
    let sandbox = Sandbox::start(SandboxConfig::quiet()).await.expect("sandbox");
    let tenant = Arc::clone(&sandbox.state().tenant);
    let hook: Hook = Arc::new(move |patch| {
        let tenant = Arc::clone(&tenant);
        Box::pin(async move {
            if patch == 0 {
                tenant.edit_interaction_elsewhere(PINNED_CLOSED_INTERACTION).expect("pinned");
            }
        })
    });
    let (mut rig, proxy) = through_proxy(sandbox, hook, |_| {}).await;
    let outcome = rig.outcome(resolved()).await;
    assert!(outcome.is_applied(), "{outcome}");
    assert!(!outcome.text().contains("found in place"), "{outcome}");
    assert_eq!(proxy.patches.load(Ordering::SeqCst), 2, "refused once for the stale tag, then sent again");
    assert_eq!(codes_held(&rig), ["101"]);
    let stats = rig.sandbox.stats();
    assert_eq!(stats.writes_of(Resource::InteractionDisposition), 1);
    assert_eq!(stats.repeated_of(Resource::InteractionDisposition), 0);
    let records = rig.audit_records();
    let intent_tag =
        records_of(&records, RecordKind::Intent)[0].entry.request.as_ref().and_then(|r| r.etag.clone());
    let sent_tag =
        records_of(&records, RecordKind::Outcome)[0].entry.request.as_ref().and_then(|r| r.etag.clone());
    assert!(
        intent_tag.is_some() && sent_tag.is_some() && intent_tag != sent_tag,
        "the retry used the fresh tag"
    );
    assert_eq!(
        records_of(&records, RecordKind::Outcome)[0].entry.attempts,
        Some(2),
        "both writes are counted"
    );
    assert_eq!(rig.sink_holds("disposition", 1).await.len(), 1);
    rig.stop().await;
}

#[tokio::test]
async fn the_same_disposition_set_elsewhere_meanwhile_counts_as_done() {
    let sandbox = Sandbox::start(SandboxConfig::quiet()).await.expect("sandbox");
    let other = engine_support::client(&sandbox);
    let hook: Hook = Arc::new(move |patch| {
        let other = other.clone();
        Box::pin(async move {
            if patch == 0 {
                set_elsewhere(&other, &[draft("101", "Issue Resolved")]).await;
            }
        })
    });
    let (mut rig, proxy) = through_proxy(sandbox, hook, |_| {}).await;
    let outcome = rig.outcome(resolved()).await;
    assert!(outcome.is_applied(), "{outcome}");
    assert!(outcome.text().contains("found in place"), "{outcome}");
    assert_eq!(proxy.patches.load(Ordering::SeqCst), 1, "no second write after seeing it in place");
    let stats = rig.sandbox.stats();
    assert_eq!(stats.writes_of(Resource::InteractionDisposition), 1, "only the other supervisor's write");
    assert_eq!(stats.repeated_of(Resource::InteractionDisposition), 0);
    // The change is done, whoever wrote it last; it is announced, since the
    // earlier write might have been this console's own with a lost answer.
    assert_eq!(rig.sink_holds("disposition", 1).await.len(), 1);
    rig.stop().await;
}

#[tokio::test]
async fn a_persistent_conflict_is_reported_as_one() {
    let sandbox = Sandbox::start(SandboxConfig::quiet()).await.expect("sandbox");
    let tenant = Arc::clone(&sandbox.state().tenant);
    let hook: Hook = Arc::new(move |_| {
        let tenant = Arc::clone(&tenant);
        Box::pin(async move {
            tenant.edit_interaction_elsewhere(PINNED_CLOSED_INTERACTION).expect("pinned");
        })
    });
    let (mut rig, proxy) = through_proxy(sandbox, hook, |config| config.conflict_retries = 2).await;
    let outcome = rig.outcome(resolved()).await;
    let Outcome::Conflict { reason } = &outcome else { panic!("expected a conflict, got {outcome}") };
    assert!(reason.contains("kept changing") && reason.contains("3 times"), "{reason}");
    assert_eq!(proxy.patches.load(Ordering::SeqCst), 3, "the first try and two retries");
    assert_eq!(rig.sandbox.stats().writes_of(Resource::InteractionDisposition), 0);
    assert!(codes_held(&rig).is_empty());
    let records = rig.audit_records();
    let outcomes = records_of(&records, RecordKind::Outcome);
    assert_eq!(outcomes[0].entry.outcome, Some(cxone_console::engine::audit::Outcome::Conflict));
    assert_eq!(outcomes[0].entry.attempts, Some(3), "every write refused as stale is counted");
    let (_, dir) = rig.stop().await;
    let outbox = std::fs::read_to_string(dir.path().join("outbox.jsonl")).unwrap_or_default();
    assert!(!outbox.contains("enqueued"), "no webhook for a change that did not happen: {outbox}");
}

/// Sets dispositions as another supervisor would, with their own client.
async fn set_elsewhere(other: &Client, drafts: &[DispositionDraft]) {
    let id = InteractionId::parse(PINNED_CLOSED_INTERACTION).expect("a valid id");
    let matrix = other.dispositions().await.expect("the matrix").value;
    let change =
        InteractionDisposition::validate(id.as_str(), drafts, &matrix, Timestamp::now()).expect("valid");
    let current = other.interaction(&id).await.expect("the interaction").value;
    let tag = current.etag.expect("a tag");
    other.set_dispositions(&change, &tag, None).await.expect("the other supervisor's write");
}

/// Marking hundreds of interactions sends as many commands at once; while
/// they run, tokens are revoked under them (one request in twenty revokes
/// the token it carried). Every command still gets through: the engine works
/// on a bounded number at a time and reads again after a refused token.
#[tokio::test]
async fn hundreds_of_dispositions_at_once_get_through_tokens_revoked_under_them() {
    use cxone_console::api::model::{InteractionFilter, ListQuery};
    use cxone_console::domain::interaction_disposition::InteractionStatus;

    let mut rig = Rig::quiet().await;
    let closed = InteractionFilter { status: Some(InteractionStatus::Closed) };
    let query = ListQuery::new().top(300).filter(closed);
    let listed = engine_support::client(&rig.sandbox).interactions(&query).await.unwrap().value.items;
    assert!(listed.len() >= 200, "the tenant holds enough closed interactions: {}", listed.len());
    rig.revoking_tokens();

    let changes: Vec<Change> = listed
        .iter()
        .map(|interaction| Change::InteractionDisposition {
            interaction_id: interaction.id.to_string(),
            dispositions: vec![draft("101", "Issue Resolved")],
            name: None,
        })
        .collect();
    let count = changes.len();
    let failed = rig.all_at_once(changes).await;
    let revoked = rig.sandbox.stats().faults.get("tokenRevoked").copied().unwrap_or(0);
    assert!(revoked >= 5, "tokens were revoked under the commands: {revoked}");
    assert!(
        failed.is_empty(),
        "{} of {} did not get through: {:?}",
        failed.len(),
        count,
        &failed[..3.min(failed.len())]
    );
}

/// Changes sent one per interaction wait their turn; one cancelled while it
/// waits is never sent, and the audit log says it was not started, and for
/// whom, by the name the change came with.
#[tokio::test]
async fn a_disposition_cancelled_while_it_waits_its_turn_is_not_sent() {
    let mut rig = Rig::slow(50.0, 80.0, |config| config.commands_at_once = 1).await;
    let first = rig.submit(resolved()).await;
    let sale = Change::InteractionDisposition {
        interaction_id: PINNED_CLOSED_INTERACTION.into(),
        dispositions: vec![draft("102", "Sale Completed")],
        name: Some("Sven Popescu".into()),
    };
    let second = rig.submit(sale).await;
    rig.send(cxone_console::engine::Command::Cancel { id: second.clone() }).await;
    let outcome = |finished| match finished {
        cxone_console::engine::Finished::Single { outcome, .. } => outcome,
        other => panic!("one outcome expected, got {other:?}"),
    };
    assert!(outcome(rig.finished(&first).await).is_applied());
    let skipped = outcome(rig.finished(&second).await);
    assert!(skipped.is_unstarted(), "{skipped:?}");
    assert_eq!(rig.sandbox.stats().writes_of(Resource::InteractionDisposition), 1, "the second never went");
    assert_eq!(codes_held(&rig), ["101"]);
    let records = rig.audit_records();
    let of_second: Vec<&AuditRecord> =
        records.iter().filter(|r| r.entry.command_id.as_deref() == Some(second.as_str())).collect();
    assert_eq!(of_second.len(), 1, "an outcome, and no intent: {of_second:?}");
    assert_eq!(of_second[0].entry.kind, RecordKind::Outcome);
    let target = of_second[0].entry.target.as_ref().expect("a target");
    assert_eq!(
        (target.id.as_str(), target.name.as_deref()),
        (PINNED_CLOSED_INTERACTION, Some("Sven Popescu"))
    );
    rig.stop().await;
}

/// A change cancelled while it waits its turn ends then, not once the
/// change ahead of it is through.
#[tokio::test]
async fn a_disposition_cancelled_while_it_waits_ends_before_the_one_ahead() {
    use cxone_console::engine::{Command, Event};
    let mut rig = Rig::slow(300.0, 350.0, |config| config.commands_at_once = 1).await;
    let first = rig.submit(resolved()).await;
    let second = rig.submit(resolved()).await;
    rig.send(Command::Cancel { id: second.clone() }).await;
    let ended = rig.until(|e| matches!(e, Event::Finished { .. }).then(|| e.clone())).await;
    let Event::Finished { id, result } = ended else { unreachable!() };
    assert_eq!(id, second, "the cancelled change ended first: {result:?}");
    let cxone_console::engine::Finished::Single { outcome, .. } = result else { panic!("{result:?}") };
    assert!(outcome.is_unstarted(), "{outcome:?}");
    assert!(
        matches!(rig.finished(&first).await, cxone_console::engine::Finished::Single { outcome, .. } if outcome.is_applied())
    );
    rig.stop().await;
}
