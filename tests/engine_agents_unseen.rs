//! What a user read does not show of a status change (an `autoAvailable`,
//! a wrap-up code): sent to an agent who already shows its status and
//! reason, it is recorded, and a read afterwards cannot confirm it landed,
//! neither for the flow's own read-back nor for start-up's.

mod engine_support;
mod recovery_support;

use axum::http::{Method, StatusCode};
use cxone_console::domain::agent_status::{AgentStatus, AgentStatusDraft};
use cxone_console::engine::audit::{RecordKind, Target, TargetKind};
use cxone_console::engine::{Change, CommandId, Item};
use cxone_console::sandbox::{Resource, Sandbox, SandboxConfig};
use engine_support::Rig;
use engine_support::proxy::{Route, routed};
use recovery_support::{intent, recovered, tenant, write_intents};
use serde_json::json;

/// Document 003's agent: an Agent, on shift around the clock, Available.
const AGENT: &str = "12345-abcde-67890";
const USER_PATH: &str = "/api/v2/users/12345-abcde-67890";
const REASON: &str = "Queue Full";

fn paused(sandbox: &Sandbox) {
    let pause = Some((AgentStatus::Break, Some(REASON.to_string())));
    sandbox.state().tenant.edit_user_elsewhere(AGENT, pause).expect("the agent");
}

/// Every PUT of the agent's status is answered with a gateway's error and
/// never reaches the tenant. The agent was on that Break already, so the
/// read after it shows the Break whether the write landed or not: the flow
/// does not take it as landed. Its intent records the code and the flag it
/// asked for.
#[tokio::test]
async fn a_write_to_an_agent_already_so_is_not_confirmed_by_reading_it_back() {
    let sandbox = Sandbox::start(SandboxConfig::quiet()).await.expect("the sandbox binds 127.0.0.1:0");
    paused(&sandbox);
    let route = |method: &Method, path: &str| match (method, path) {
        (&Method::PUT, p) if p.starts_with(USER_PATH) => Route::Refuse(StatusCode::BAD_GATEWAY),
        _ => Route::Pass,
    };
    let mut rig = routed(sandbox, route, |_| {}).await;
    let draft = AgentStatusDraft {
        user_id: AGENT.into(),
        status: "Break".into(),
        pause_reason: REASON.into(),
        wrap_up_code: "FOLLOW_UP".into(),
        auto_available: true,
        ..Default::default()
    };
    let id = CommandId::random().item(0);
    let outcome = rig.outcome(Change::AgentStatus(vec![Item::new(id, draft)])).await;
    assert!(!outcome.is_applied(), "the Break it found is no proof: {outcome:?}");
    assert!(outcome.text().contains("502"), "{outcome}");
    assert_eq!(rig.sandbox.stats().writes_of(Resource::AgentStatus), 0, "nothing reached the tenant");
    let records = rig.audit_records();
    let sent = records.iter().find(|r| r.entry.kind == RecordKind::Intent).expect("an intent");
    assert_eq!(sent.entry.before, Some(json!({"status": "Break", "pauseReason": REASON})));
    let checked = json!({"roleChecked": "passed", "shiftValidated": "passed", "respectWrapUp": true,
        "wrapUpVerified": "not checked"});
    assert_eq!(
        sent.entry.after,
        Some(
            json!({"status": "Break", "pauseReason": REASON, "wrapUpCode": "FOLLOW_UP", "autoAvailable": true,
            "compliance": checked})
        )
    );
    rig.stop().await;
}

/// The same change left without an outcome by a crash: start-up finds the
/// agent on the Break they were on before it, and does not take it as
/// applied, so a run of its file again sends it.
#[tokio::test]
async fn start_up_does_not_take_a_change_to_an_agent_already_so_as_applied() {
    const CRASHED: &str = "cmd_crashed_auto_available";
    let (sandbox, dir, config) = tenant().await;
    paused(&sandbox);
    let target = Target::new(TargetKind::User, AGENT);
    let intended = json!({"status": "Break", "pauseReason": REASON, "autoAvailable": true});
    let crashed = intent(CRASHED, "set_agent_status", target, intended)
        .before(json!({"status": "Break", "pauseReason": REASON}));
    write_intents(&config.audit_path, vec![crashed]).await;
    let mut rig = Rig::with(sandbox, dir, config).await;
    let (verdicts, still_pending) = recovered(&mut rig).await;
    assert!(still_pending.is_empty(), "{still_pending:?}");
    let verdict = &verdicts[CRASHED];
    assert!(!verdict.is_applied(), "{verdict}");
    let said = verdict.text();
    assert!(
        said.starts_with("whether ") && said.contains("was applied before the restart cannot be told"),
        "{said}"
    );
    assert!(!said.contains("was not applied"), "it does not say both: {said}");
    rig.stop().await;
}
