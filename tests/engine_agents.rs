//! Agent status (document 003) through the engine, against the sandbox:
//! the document's change, the local and role/shift refusals, wrap-up, a
//! team, and compliance flags that say what was actually checked.

mod engine_support;

use cxone_console::api::model::{ListQuery, User};
use cxone_console::domain::Timestamp;
use cxone_console::domain::agent_status::{AgentStatus, AgentStatusDraft};
use cxone_console::engine::audit::{AuditRecord, RecordKind};
use cxone_console::engine::{Change, Command, CommandId, Event, Finished, Item, Outcome};
use cxone_console::sandbox::Resource;
use cxone_console::signing::Verdict;
use engine_support::Rig;
use serde_json::{Value, json};
use std::time::Duration;

/// Document 003's agent: an Agent, on shift around the clock, Available.
const AGENT: &str = "12345-abcde-67890";

fn draft(user: &str, status: &str, reason: &str) -> AgentStatusDraft {
    AgentStatusDraft {
        user_id: user.into(),
        status: status.into(),
        pause_reason: reason.into(),
        ..Default::default()
    }
}

fn single(draft: AgentStatusDraft) -> (CommandId, Change) {
    let id = CommandId::random().item(0);
    (id.clone(), Change::AgentStatus(vec![Item::new(id, draft)]))
}

async fn outcome(rig: &mut Rig, draft: AgentStatusDraft) -> (CommandId, Outcome) {
    let (id, change) = single(draft);
    (id, rig.outcome(change).await)
}

/// The compliance flags of an item's outcome record.
fn compliance(records: &[AuditRecord], item: &CommandId) -> Value {
    let outcome = records
        .iter()
        .find(|r| r.entry.kind == RecordKind::Outcome && r.entry.command_id.as_deref() == Some(item.as_str()))
        .expect("an outcome record");
    outcome.entry.after.as_ref().map(|a| a["compliance"].clone()).expect("compliance flags after")
}

fn kinds(records: &[AuditRecord], item: &CommandId) -> Vec<RecordKind> {
    records
        .iter()
        .filter(|r| r.entry.command_id.as_deref() == Some(item.as_str()))
        .map(|r| r.entry.kind)
        .collect()
}

async fn users(rig: &Rig) -> Vec<User> {
    let api = engine_support::client(&rig.sandbox);
    api.users(&ListQuery::new().top(1000)).await.expect("the user list").value.items
}

fn is_agent(user: &User) -> bool {
    user.role_names().any(|r| r == "Agent" || r == "Supervisor")
}

/// A status other than the one the user holds.
fn another_status(user: &User) -> &'static str {
    if user.status.known() == Some(AgentStatus::Training) { "Offline" } else { "Training" }
}

/// Typed with spaces around, a status and a reason are still taken: the
/// console sends them trimmed, as the tenant, which refuses the spaces,
/// matches them.
#[tokio::test]
async fn a_status_typed_with_spaces_around_is_sent_as_the_tenant_matches_it() {
    let mut rig = Rig::quiet().await;
    let (_, applied) = outcome(&mut rig, draft(AGENT, " Break ", " Queue Full ")).await;
    assert!(applied.is_applied(), "{applied:?}");
    assert_eq!(rig.sandbox.stats().writes_of(Resource::AgentStatus), 1);
    rig.stop().await;
}

#[tokio::test]
async fn the_documents_break_for_queue_full_is_applied_once_and_reaches_the_wfm() {
    let mut rig = Rig::quiet().await;
    let (id, applied) = outcome(&mut rig, draft(AGENT, "Break", "Queue Full")).await;
    assert!(applied.is_applied(), "{applied:?}");
    assert!(
        applied.text().contains("Break (Queue Full)") && applied.text().contains("was Available"),
        "{applied}"
    );
    let stats = rig.sandbox.stats();
    assert_eq!((stats.writes_of(Resource::AgentStatus), stats.total_repeated()), (1, 0));

    let delivery = rig.sink_holds("wfm", 1).await.remove(0);
    assert_eq!(delivery.verdict, Verdict::Valid);
    assert_eq!(delivery.webhook_id.as_deref(), Some(rig.webhook_id(id.as_str()).as_str()));
    let body = &delivery.body;
    assert_eq!(body["event"], "agent_status_updated");
    assert_eq!(body["userId"], AGENT);
    assert_eq!(body["status"], "Break");
    assert_eq!(body["source"], "cxone_status_updater");
    assert!(body["latencyMs"].as_f64().is_some_and(|ms| ms >= 0.0), "{body}");
    assert!(body["timestamp"].as_str().is_some_and(|t| Timestamp::parse_as("t", t).is_ok()), "{body}");

    let records = rig.audit_records();
    assert_eq!(kinds(&records, &id), [RecordKind::Intent, RecordKind::Outcome]);
    let intent = &records[0].entry;
    assert_eq!(intent.before, Some(json!({"status": "Available", "pauseReason": null})));
    let checked_before_sending = json!({"roleChecked": "passed", "shiftValidated": "passed", "respectWrapUp": true, "wrapUpVerified": "not checked"});
    assert_eq!(
        intent.after,
        Some(json!({"status": "Break", "pauseReason": "Queue Full", "compliance": checked_before_sending}))
    );
    assert_eq!(
        compliance(&records, &id),
        json!({"roleChecked": "passed", "shiftValidated": "passed", "respectWrapUp": true, "wrapUpVerified": "passed"})
    );

    let (again, unchanged) = outcome(&mut rig, draft(AGENT, "Break", "Queue Full")).await;
    assert!(matches!(&unchanged, Outcome::Skipped { key, .. } if key == "unchanged"), "{unchanged:?}");
    assert_eq!(kinds(&rig.audit_records(), &again), [RecordKind::Outcome], "nothing was sent");
    assert_eq!(rig.sandbox.stats().writes_of(Resource::AgentStatus), 1);
    // Another reason under the same status says the one it replaced.
    let (_, moved) = outcome(&mut rig, draft(AGENT, "Break", "IT Issue")).await;
    assert!(moved.text().contains("is now Break (IT Issue); was Break (Queue Full)"), "{moved}");
    rig.stop().await;
}

#[tokio::test]
async fn a_break_without_a_reason_or_with_an_unknown_one_is_refused_before_anything_is_sent() {
    let mut rig = Rig::quiet().await;
    for (reason, rule) in
        [("", "a Break needs a pause reason"), ("Coffee", "not one of the tenant's pause reasons")]
    {
        let (id, refused) = outcome(&mut rig, draft(AGENT, "Break", reason)).await;
        assert!(matches!(refused, Outcome::Rejected { .. }), "{refused:?}");
        assert!(refused.text().contains("pauseReason") && refused.text().contains(rule), "{refused}");
        let records = rig.audit_records();
        assert_eq!(kinds(&records, &id), [RecordKind::Outcome]);
        let flags = compliance(&records, &id);
        assert_eq!(
            (&flags["roleChecked"], &flags["shiftValidated"]),
            (&json!("not checked"), &json!("not checked"))
        );
    }
    assert_eq!(rig.sandbox.stats().writes_of(Resource::AgentStatus), 0);
    rig.stop().await;
}

#[tokio::test]
async fn a_user_without_an_agent_role_or_outside_their_shift_is_refused_by_that_rule() {
    let mut rig = Rig::quiet().await;
    let users = users(&rig).await;
    let now = Timestamp::now().unix_seconds();
    let clear_of_now = |u: &&User| u.shift.is_some_and(|s| now < s.start - 600.0 || now > s.end + 600.0);
    let clerk = users.iter().find(|u| !is_agent(u)).expect("a user with no agent role");
    let off_shift = users.iter().filter(|u| is_agent(u)).find(clear_of_now).expect("an agent off shift");
    let unscheduled =
        users.iter().filter(|u| is_agent(u)).find(|u| u.shift.is_none()).expect("an agent with no shift");

    let (id, refused) = outcome(&mut rig, draft(clerk.id.as_str(), "Available", "")).await;
    assert!(matches!(refused, Outcome::Rejected { .. }), "{refused:?}");
    assert!(refused.text().contains("neither the Agent nor the Supervisor role"), "{refused}");
    let named = format!("user {} ({}) holds neither", clerk.display_name(), clerk.id);
    assert!(refused.text().starts_with(&named), "named, with the id, and no field name before: {refused}");
    let flags = compliance(&rig.audit_records(), &id);
    assert_eq!((&flags["roleChecked"], &flags["shiftValidated"]), (&json!("refused"), &json!("not checked")));
    // Refused once read: the record names whom, as the refusal does.
    let records = rig.audit_records();
    let record = records.iter().find(|r| r.entry.command_id.as_deref() == Some(id.as_str())).unwrap();
    let target = record.entry.target.as_ref().unwrap();
    assert_eq!(target.name.as_deref(), Some(clerk.display_name().as_str()));

    let (id, refused) = outcome(&mut rig, draft(off_shift.id.as_str(), another_status(off_shift), "")).await;
    assert!(matches!(refused, Outcome::Rejected { .. }), "{refused:?}");
    assert!(refused.text().contains("outside their shift"), "{refused}");
    assert!(refused.text().contains(&off_shift.display_name()), "{refused}");
    let flags = compliance(&rig.audit_records(), &id);
    assert_eq!((&flags["roleChecked"], &flags["shiftValidated"]), (&json!("passed"), &json!("refused")));
    assert_eq!(rig.sandbox.stats().writes_of(Resource::AgentStatus), 0, "neither was sent");

    let (id, applied) =
        outcome(&mut rig, draft(unscheduled.id.as_str(), another_status(unscheduled), "")).await;
    assert!(applied.is_applied(), "{applied:?}");
    let flags = compliance(&rig.audit_records(), &id);
    assert_eq!((&flags["roleChecked"], &flags["shiftValidated"]), (&json!("passed"), &json!("no shift set")));
    rig.stop().await;
}

#[tokio::test]
async fn a_wrap_up_refuses_a_change_that_respects_it_and_ends_for_one_that_does_not() {
    let mut rig = Rig::quiet().await;
    let until = rig.sandbox.state().tenant.start_wrap_up(AGENT, Duration::from_secs(600)).unwrap();
    let (id, blocked) = outcome(&mut rig, draft(AGENT, "Busy", "")).await;
    assert!(matches!(blocked, Outcome::Conflict { .. }), "{blocked:?}");
    let second = Timestamp::parse_as("until", &until.to_string()).unwrap().up_to_the_second().to_string();
    assert!(
        blocked.text().contains(&format!("wrap-up until {second};")),
        "rounded up to the second: {blocked} ({until})"
    );
    let records = rig.audit_records();
    assert_eq!(kinds(&records, &id), [RecordKind::Intent, RecordKind::Outcome], "sent, and refused");
    let flags = compliance(&records, &id);
    assert_eq!((&flags["respectWrapUp"], &flags["wrapUpVerified"]), (&json!(true), &json!("blocked")));

    let forced = AgentStatusDraft { respect_wrap_up: false, ..draft(AGENT, "Busy", "") };
    let (id, applied) = outcome(&mut rig, forced).await;
    assert!(applied.is_applied(), "{applied:?}");
    let flags = compliance(&rig.audit_records(), &id);
    assert_eq!((&flags["respectWrapUp"], &flags["wrapUpVerified"]), (&json!(false), &json!("not asked")));
    let api = engine_support::client(&rig.sandbox);
    let user = api.user(&cxone_console::domain::UserId::parse(AGENT).unwrap()).await.unwrap().value;
    assert_eq!(
        (user.status.known(), user.wrap_up_until),
        (Some(AgentStatus::Busy), None),
        "the wrap-up ended"
    );
    rig.stop().await;
}

/// A batch for `n` agents on shift, each to be moved to another state.
async fn team_changing(rig: &Rig, n: usize) -> Vec<Item<AgentStatusDraft>> {
    let now = Timestamp::now().unix_seconds();
    let on_shift = |u: &&User| u.shift.is_none_or(|s| s.start + 600.0 < now && now < s.end - 600.0);
    let team: Vec<User> =
        users(rig).await.into_iter().filter(is_agent).filter(|u| on_shift(&u)).take(n).collect();
    assert_eq!(team.len(), n, "the seeded tenant has agents on shift");
    let base = CommandId::random();
    team.iter()
        .enumerate()
        .map(|(i, u)| Item::new(base.item(i), draft(u.id.as_str(), another_status(u), "")))
        .collect()
}

#[tokio::test]
async fn a_team_ends_as_a_batch_with_an_outcome_per_agent() {
    let mut rig = Rig::quiet().await;
    let items = team_changing(&rig, 4).await;
    let ids: Vec<CommandId> = items.iter().map(|i| i.id.clone()).collect();
    let report = match rig.run(Change::AgentStatus(items)).await {
        Finished::Batch(report) => report,
        other => panic!("a team ends with a batch report: {other:?}"),
    };
    assert_eq!((report.total(), report.successful(), report.failed()), (4, 4, 0), "{report:?}");
    let finished = rig.ended_items();
    assert!(ids.iter().all(|id| finished.contains(&id)) && finished.len() == 4, "{finished:?}");
    let deliveries = rig.sink_holds("wfm", 4).await;
    for id in &ids {
        let hook = rig.webhook_id(id.as_str());
        assert!(
            deliveries
                .iter()
                .any(|d| d.webhook_id.as_deref() == Some(hook.as_str()) && d.verdict == Verdict::Valid)
        );
    }
    assert_eq!(rig.sandbox.stats().writes_of(Resource::AgentStatus), 4);
    rig.stop().await;
}

#[tokio::test]
async fn a_team_cancelled_before_it_starts_changes_nobody() {
    let mut rig = Rig::quiet().await;
    let base = CommandId::random();
    let items: Vec<_> = ["Training", "Offline", "Busy"]
        .iter()
        .enumerate()
        .map(|(i, status)| Item::new(base.item(i), draft(AGENT, status, "")))
        .collect();
    let id = CommandId::random();
    rig.send(Command::Submit { id: id.clone(), change: Change::AgentStatus(items) }).await;
    rig.send(Command::Cancel { id: id.clone() }).await;
    let report = match rig.finished(&id).await {
        Finished::Batch(report) => report,
        other => panic!("a team ends with a batch report: {other:?}"),
    };
    assert!(report.cancelled(), "{report:?}");
    assert_eq!((report.total(), report.skipped().get("cancelled")), (3, Some(&3)), "{report:?}");
    assert_eq!(rig.sandbox.stats().writes_of(Resource::AgentStatus), 0);
    let records = rig.audit_records();
    assert_eq!(records.len(), 3, "one skipped outcome each, nothing sent");
    assert!(records.iter().all(|r| r.entry.kind == RecordKind::Outcome));
    rig.stop().await;
}

/// A team cancelled while its first agent is being changed ends the agents
/// not started at once, not as the one under way finishes.
#[tokio::test]
async fn a_team_cancelled_under_way_ends_the_agents_waiting_at_once() {
    let mut rig = Rig::slow(300.0, 350.0, |config| config.batch_concurrency = 1).await;
    let items = team_changing(&rig, 6).await;
    let id = rig.submit(Change::AgentStatus(items)).await;
    rig.until(|e| matches!(e, Event::Audit(r) if r.entry.kind == RecordKind::Intent).then_some(())).await;
    rig.send(Command::Cancel { id: id.clone() }).await;
    let report = match rig.finished(&id).await {
        Finished::Batch(report) => report,
        other => panic!("a team ends with a batch report: {other:?}"),
    };
    assert_eq!((report.successful(), report.skipped().get("cancelled").copied()), (1, Some(5)), "{report:?}");
    let applied = rig.applied_in_order();
    assert_eq!(applied.last(), Some(&true), "an agent not started ended after the change: {applied:?}");
    assert_eq!(rig.sandbox.stats().writes_of(Resource::AgentStatus), 1);
    rig.stop().await;
}

/// With no receiver set for the workforce system, an applied change queues
/// no webhook for it: an unset target hears nothing, and nothing piles up
/// in the outbox waiting for a URL.
#[tokio::test]
async fn an_unset_target_hears_nothing_and_nothing_waits_for_it() {
    let sandbox = cxone_console::sandbox::Sandbox::start(cxone_console::sandbox::SandboxConfig::quiet())
        .await
        .expect("the sandbox starts");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut config = engine_support::engine_config(&sandbox, dir.path());
    config.webhook_targets.remove("wfm");
    let mut rig = Rig::with(sandbox, dir, config).await;
    let (_, applied) = outcome(&mut rig, draft(AGENT, "Break", "Queue Full")).await;
    assert!(applied.is_applied(), "{applied:?}");
    let outbox = rig.dir.path().join("outbox.jsonl");
    let peek = cxone_console::engine::outbox::peek(&outbox).expect("the outbox reads");
    assert!(peek.waiting.is_empty() && peek.failed.is_empty(), "{peek:?}");
    rig.stop().await;
}

#[tokio::test]
async fn a_wrap_up_code_sent_with_a_change_is_in_its_audit_records() {
    let mut rig = Rig::quiet().await;
    let change = AgentStatusDraft { wrap_up_code: "WU-42".into(), ..draft(AGENT, "Break", "Queue Full") };
    let (id, applied) = outcome(&mut rig, change).await;
    assert!(applied.is_applied(), "{applied:?}");
    let records = rig.audit_records();
    let of_item: Vec<&AuditRecord> =
        records.iter().filter(|r| r.entry.command_id.as_deref() == Some(id.as_str())).collect();
    assert_eq!(of_item.len(), 2);
    for record in of_item {
        let after = record.entry.after.as_ref().expect("a state after");
        assert_eq!(after["wrapUpCode"], "WU-42", "{:?}: {after}", record.entry.kind);
    }
    rig.stop().await;
}

/// A wrap-up code is something the change sends that a user read does not
/// show: an agent already in the status does not hold it, so it is sent.
#[tokio::test]
async fn a_wrap_up_code_for_an_agent_already_in_the_status_is_sent() {
    let mut rig = Rig::quiet().await;
    let coded = AgentStatusDraft { wrap_up_code: "WU-42".into(), ..draft(AGENT, "Available", "") };
    let (id, sent) = outcome(&mut rig, coded).await;
    assert!(sent.is_applied(), "not skipped as already Available: {sent:?}");
    assert_eq!(kinds(&rig.audit_records(), &id), [RecordKind::Intent, RecordKind::Outcome]);
    let stats = rig.sandbox.stats();
    let reached = stats.writes_of(Resource::AgentStatus) + stats.repeated_of(Resource::AgentStatus);
    assert_eq!(reached, 1, "the change reached the tenant");

    let (_, unchanged) = outcome(&mut rig, draft(AGENT, "Available", "")).await;
    assert!(matches!(&unchanged, Outcome::Skipped { key, .. } if key == "unchanged"), "{unchanged:?}");
    assert!(unchanged.text().contains("is already Available"), "{unchanged}");
    rig.stop().await;
}

/// An `autoAvailable` asked for an agent already in the status is not sent
/// (a read cannot show the agent's), and the skip says so rather than
/// dropping the flag unseen.
#[tokio::test]
async fn an_auto_available_for_an_agent_already_in_the_status_is_skipped_and_said() {
    let mut rig = Rig::quiet().await;
    let auto = AgentStatusDraft { auto_available: true, ..draft(AGENT, "Available", "") };
    let (_, skipped) = outcome(&mut rig, auto).await;
    assert!(matches!(&skipped, Outcome::Skipped { key, .. } if key == "unchanged"), "{skipped:?}");
    assert!(
        skipped.text().ends_with(
            "is already Available; autoAvailable is not sent either (a read cannot show the agent's)"
        ),
        "{skipped}"
    );
    let stats = rig.sandbox.stats();
    assert_eq!(stats.writes_of(Resource::AgentStatus) + stats.repeated_of(Resource::AgentStatus), 0);
    rig.stop().await;
}
