//! Pause reasons as a tenant may keep them. One left behind on an agent
//! who is no longer on a Break (document 003: only a Break takes a reason)
//! is not the agent's: a change to the status they are in is already held,
//! and a write read back under one is taken as landed, as start-up reads
//! it. A tenant that publishes no list has the document's five.

mod engine_support;
mod recovery_support;

use axum::http::{Method, StatusCode};
use cxone_console::domain::agent_status::{AgentStatus, AgentStatusDraft};
use cxone_console::engine::audit::{RecordKind, Target, TargetKind};
use cxone_console::engine::{Change, CommandId, Item, Outcome};
use cxone_console::sandbox::{Resource, Sandbox, SandboxConfig};
use engine_support::Rig;
use engine_support::proxy::{Route, routed};
use recovery_support::{intent, recovered, tenant, write_intents};
use serde_json::json;
use std::sync::Arc;

/// Document 003's agent: an Agent, on shift around the clock, Available.
const AGENT: &str = "12345-abcde-67890";
const USER_PATH: &str = "/api/v2/users/12345-abcde-67890";
const LEFT: &str = "IT Issue";

async fn to(rig: &mut Rig, status: &str) -> Outcome {
    let draft = AgentStatusDraft { user_id: AGENT.into(), status: status.into(), ..Default::default() };
    let id = CommandId::random().item(0);
    rig.outcome(Change::AgentStatus(vec![Item::new(id, draft)])).await
}

/// A tenant with only document 003's endpoints answers 404 for the list of
/// pause reasons: a Break for one of the document's is sent and lands, and
/// a reason outside them is refused, naming them, before anything is sent.
#[tokio::test]
async fn a_tenant_that_publishes_no_pause_reasons_has_the_documents_five() {
    let sandbox = Sandbox::start(SandboxConfig::quiet()).await.expect("the sandbox binds 127.0.0.1:0");
    let route = |method: &Method, path: &str| match (method, path) {
        (&Method::GET, "/api/v2/pause-reasons") => Route::Refuse(StatusCode::NOT_FOUND),
        _ => Route::Pass,
    };
    let mut rig = routed(sandbox, route, |_| {}).await;
    let on_break = |reason: &str| AgentStatusDraft {
        user_id: AGENT.into(),
        status: "Break".into(),
        pause_reason: reason.into(),
        ..Default::default()
    };
    let outcome = rig
        .outcome(Change::AgentStatus(vec![Item::new(CommandId::random().item(0), on_break("Coffee"))]))
        .await;
    assert!(matches!(&outcome, Outcome::Rejected { .. }), "{outcome:?}");
    assert!(outcome.text().contains("Coffee") && outcome.text().contains("Queue Full"), "{outcome}");
    assert_eq!(rig.sandbox.stats().writes_of(Resource::AgentStatus), 0, "nothing was sent");
    let outcome = rig
        .outcome(Change::AgentStatus(vec![Item::new(CommandId::random().item(0), on_break("Queue Full"))]))
        .await;
    assert!(outcome.is_applied(), "{outcome:?}");
    assert_eq!(rig.sandbox.stats().writes_of(Resource::AgentStatus), 1);
    rig.stop().await;
}

/// An Available agent with a reason left behind already holds Available:
/// nothing is sent, and the reason is not said to be theirs.
#[tokio::test]
async fn a_reason_left_on_an_available_agent_does_not_make_available_a_change() {
    let mut rig = Rig::quiet().await;
    rig.sandbox.state().tenant.leave_pause_reason(AGENT, LEFT).expect("the agent");
    let outcome = to(&mut rig, "Available").await;
    assert!(matches!(&outcome, Outcome::Skipped { key, .. } if key == "unchanged"), "{outcome:?}");
    assert!(outcome.text().contains("is already Available"), "{outcome}");
    assert!(!outcome.text().contains(LEFT), "the left reason is not the agent's: {outcome}");
    assert_eq!(rig.sandbox.stats().writes_of(Resource::AgentStatus), 0, "nothing was sent");
    rig.stop().await;
}

/// Every PUT of the agent's status lands but is answered with a gateway's
/// error, and every read after it finds a reason left behind: the flow's
/// read-back takes the write as landed, as start-up's does for the same
/// state (its intent written as the flow writes it).
#[tokio::test]
async fn a_write_read_back_under_a_reason_left_behind_is_landed_for_the_flow_and_for_start_up() {
    let sandbox = Sandbox::start(SandboxConfig::quiet()).await.expect("the sandbox binds 127.0.0.1:0");
    let tenant_side = Arc::clone(&sandbox.state().tenant);
    let route = move |method: &Method, path: &str| match (method, path) {
        (&Method::PUT, p) if p.starts_with(USER_PATH) => Route::LandThen(StatusCode::BAD_GATEWAY),
        (&Method::GET, USER_PATH) => {
            tenant_side.leave_pause_reason(AGENT, LEFT).expect("the agent");
            Route::Pass
        }
        _ => Route::Pass,
    };
    let mut rig = routed(sandbox, route, |_| {}).await;
    let outcome = to(&mut rig, "Training").await;
    assert!(outcome.is_applied(), "{outcome:?}");
    assert!(outcome.text().contains("confirmed by reading it back"), "{outcome}");
    // Recorded as held: the reason left behind is in neither state.
    let records = rig.audit_records();
    let sent = records.iter().find(|r| r.entry.kind == RecordKind::Intent).expect("an intent");
    assert_eq!(sent.entry.before, Some(json!({"status": "Available", "pauseReason": null})));
    let ended = records.iter().find(|r| r.entry.kind == RecordKind::Outcome).expect("an outcome");
    let after = ended.entry.after.as_ref().expect("the state after");
    assert_eq!((&after["status"], &after["pauseReason"]), (&json!("Training"), &json!(null)));
    // The tenant took the write asked to respect wrap-up: no wrap-up stopped it.
    assert_eq!(after["compliance"]["wrapUpVerified"], "passed", "{after}");
    let (sandbox, _) = rig.stop().await;
    let held = sandbox.state().tenant.user(AGENT).expect("the agent").value;
    assert_eq!((held.status, held.pause_reason.as_deref()), (AgentStatus::Training, Some(LEFT)));
    sandbox.shutdown().await;

    const CRASHED: &str = "cmd_crashed_left_reason";
    let (sandbox, dir, config) = tenant().await;
    sandbox.state().tenant.leave_pause_reason(AGENT, LEFT).expect("the agent");
    let target = Target::new(TargetKind::User, AGENT);
    let intended = json!({"status": "Available", "pauseReason": null});
    write_intents(&config.audit_path, vec![intent(CRASHED, "set_agent_status", target, intended)]).await;
    let mut rig = Rig::with(sandbox, dir, config).await;
    let (verdicts, _) = recovered(&mut rig).await;
    assert!(verdicts[CRASHED].is_applied(), "{}", verdicts[CRASHED]);
    rig.stop().await;
}
