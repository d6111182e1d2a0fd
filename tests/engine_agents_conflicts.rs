//! An agent-status change refused with a 409 (document 003: a concurrent
//! status change, or a wrap-up), behind a proxy that changes the agent on
//! the tenant just before the PUT arrives, or refuses the PUT itself. The
//! change goes again only when nothing but the agent's tag moved.

mod engine_support;

use axum::http::{Method, StatusCode};
use cxone_console::domain::agent_status::{AgentStatus, AgentStatusDraft};
use cxone_console::engine::audit::RecordKind;
use cxone_console::engine::{Change, CommandId, Item, Outcome};
use cxone_console::sandbox::{Resource, Sandbox, SandboxConfig};
use engine_support::Rig;
use engine_support::proxy::{Route, routed};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Document 003's agent: an Agent, on shift around the clock, Available.
const AGENT: &str = "12345-abcde-67890";
const STATUS_PATH: &str = "/api/v2/users/12345-abcde-67890/status";

/// What happens on the way to the tenant to each PUT of the agent's status.
#[derive(Clone, Copy)]
enum OnPut {
    /// The first PUT finds the agent moved to Busy by someone else.
    TakesACall,
    /// The first PUT finds the agent's record edited, the status untouched.
    ProfileEdited,
    /// Every PUT is answered 409 by the proxy, the tenant unchanged.
    Refused,
    /// Every PUT lands, and the tenant's answer says the agent is Available.
    AnsweredAvailable,
}

/// An engine behind a proxy doing `on_put`, going again after at most
/// `retries` stale tags; also the count of PUTs seen.
async fn rig(on_put: OnPut, retries: u32) -> (Rig, Arc<AtomicUsize>) {
    let sandbox = Sandbox::start(SandboxConfig::quiet()).await.expect("the sandbox binds 127.0.0.1:0");
    let tenant = Arc::clone(&sandbox.state().tenant);
    let puts = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&puts);
    let route = move |method: &Method, path: &str| {
        if method != Method::PUT || path != STATUS_PATH {
            return Route::Pass;
        }
        let first = seen.fetch_add(1, Ordering::SeqCst) == 0;
        match on_put {
            OnPut::Refused => Route::Refuse(StatusCode::CONFLICT),
            OnPut::AnsweredAvailable => Route::Rewrite(|answer| answer["status"] = "Available".into()),
            OnPut::TakesACall if first => {
                tenant.edit_user_elsewhere(AGENT, Some((AgentStatus::Busy, None))).expect("the agent");
                Route::Pass
            }
            OnPut::ProfileEdited if first => {
                tenant.edit_user_elsewhere(AGENT, None).expect("the agent");
                Route::Pass
            }
            _ => Route::Pass,
        }
    };
    (routed(sandbox, route, move |config| config.conflict_retries = retries).await, puts)
}

async fn to_break(rig: &mut Rig) -> Outcome {
    to_break_respecting(rig, true).await
}

async fn to_break_respecting(rig: &mut Rig, respect_wrap_up: bool) -> Outcome {
    let draft = AgentStatusDraft {
        user_id: AGENT.into(),
        status: "Break".into(),
        pause_reason: "Queue Full".into(),
        respect_wrap_up,
        ..Default::default()
    };
    let id = CommandId::random().item(0);
    rig.outcome(Change::AgentStatus(vec![Item::new(id, draft)])).await
}

/// The agent took a call between the read and the write: the change is not
/// sent again over it, and says what the agent is now.
#[tokio::test]
async fn a_status_changed_elsewhere_before_the_write_is_not_overwritten() {
    let (mut rig, puts) = rig(OnPut::TakesACall, 3).await;
    let outcome = to_break(&mut rig).await;
    assert!(matches!(outcome, Outcome::Conflict { .. }), "{outcome:?}");
    let text = outcome.text();
    assert!(
        text.contains("changed elsewhere to Busy") && text.contains("it was Available when read"),
        "{text}"
    );
    assert_eq!(puts.load(Ordering::SeqCst), 1, "not sent again");
    assert_eq!(rig.sandbox.stats().writes_of(Resource::AgentStatus), 0);
    let api = engine_support::client(&rig.sandbox);
    let agent = api.user(&cxone_console::domain::UserId::parse(AGENT).unwrap()).await.unwrap().value;
    assert_eq!(agent.status.known(), Some(AgentStatus::Busy), "the call is left alone");
    rig.stop().await;
}

/// Only the tag moved: the change goes again with the new one and lands.
#[tokio::test]
async fn a_record_edited_elsewhere_without_its_status_is_written_with_the_new_tag() {
    let (mut rig, puts) = rig(OnPut::ProfileEdited, 3).await;
    let outcome = to_break(&mut rig).await;
    assert!(outcome.is_applied(), "{outcome:?}");
    assert_eq!(puts.load(Ordering::SeqCst), 2, "refused once as stale, then written");
    assert_eq!(rig.sandbox.stats().writes_of(Resource::AgentStatus), 1);
    rig.stop().await;
}

/// A 409 on a tag that had not moved is not a stale tag: the change stops
/// at once and says the tenant refused it with the agent unchanged.
#[tokio::test]
async fn a_refusal_with_the_agent_unchanged_is_reported_as_the_tenants_not_retried() {
    // With no retries allowed too: the refusal is still the tenant's, not
    // a stale tag's.
    for retries in [3, 0] {
        let (mut rig, puts) = rig(OnPut::Refused, retries).await;
        let outcome = to_break(&mut rig).await;
        assert!(matches!(outcome, Outcome::Conflict { .. }), "{outcome:?}");
        let text = outcome.text();
        assert!(text.contains("refused the change (409") && text.contains("had not changed"), "{text}");
        assert!(text.contains("concurrent status changes or a wrap-up blocked it"), "{text}");
        assert!(!text.contains("stale"), "{text}");
        assert_eq!(puts.load(Ordering::SeqCst), 1, "sent once");
        rig.stop().await;
    }
}

/// A change that did not ask to respect wrap-up cannot have been blocked by
/// one: the refusal names only the limit on concurrent changes.
#[tokio::test]
async fn a_refusal_of_a_change_not_respecting_wrap_up_does_not_blame_a_wrap_up() {
    let (mut rig, _) = rig(OnPut::Refused, 3).await;
    let outcome = to_break_respecting(&mut rig, false).await;
    assert!(matches!(outcome, Outcome::Conflict { .. }), "{outcome:?}");
    let text = outcome.text();
    assert!(text.contains("a limit on concurrent status changes blocked it"), "{text}");
    assert!(!text.contains("wrap-up"), "{text}");
    rig.stop().await;
}

/// The tenant took the write but answers with another status: the outcome,
/// its record and the WFM webhook say what the tenant answered (document
/// 003's `result.get("status", …)`), and the outcome names what was asked.
#[tokio::test]
async fn the_status_the_tenant_answers_is_the_one_recorded_and_announced() {
    let (mut rig, _) = rig(OnPut::AnsweredAvailable, 3).await;
    let outcome = to_break(&mut rig).await;
    assert!(outcome.is_applied(), "{outcome:?}");
    let text = outcome.text();
    assert!(text.contains("is now Available (the change asked for Break (Queue Full))"), "{text}");
    let records = rig.audit_records();
    let ended = records.iter().rfind(|r| r.entry.kind == RecordKind::Outcome).expect("an outcome");
    let after = ended.entry.after.as_ref().expect("the state after");
    assert_eq!((&after["status"], &after["pauseReason"]), (&json!("Available"), &json!(null)), "{after}");
    assert_eq!(after["compliance"]["wrapUpVerified"], "passed", "{after}");
    let delivery = rig.sink_holds("wfm", 1).await.remove(0);
    assert_eq!(delivery.body["status"], "Available", "{}", delivery.body);
    rig.stop().await;
}
