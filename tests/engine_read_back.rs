//! Start-up read-back of changes whose targets moved on since: a deploy
//! whose action got a new version, one whose namesake came just before it,
//! an agent still in wrap-up.

mod engine_support;
mod recovery_support;

use cxone_console::engine::audit::{Target, TargetKind};
use cxone_console::sandbox::tenant::PINNED_USER;
use engine_support::Rig;
use recovery_support::{intent, recovered, tenant, write_intents};
use serde_json::json;

/// A deploy whose answer a crash cut off, and whose action then got a new
/// version before the restart: the action is still the one deployed, found
/// by its name, handler and creation, so a re-run skips it as done.
#[tokio::test]
async fn a_deploy_read_back_finds_its_action_after_a_new_version() {
    use cxone_console::domain::data_action::{DataActionDefinition, DataActionDraft};
    const DEPLOY: &str = "cmd_crashed_deploy";
    let (sandbox, dir, config) = tenant().await;
    let client = engine_support::client(&sandbox);
    let handler = "http://127.0.0.1:9/handler";
    let draft =
        DataActionDraft { name: "CrashDeployed".into(), ..DataActionDraft::documents_example(handler) };
    let intended = json!({ "name": "CrashDeployed", "version": "1.0.0", "handlerUrl": handler });
    let target = Target::new(TargetKind::DataAction, "CrashDeployed");
    write_intents(&config.audit_path, vec![intent(DEPLOY, "deploy_data_action", target, intended)]).await;
    let definition = DataActionDefinition::validate(&draft).expect("the documents' action");
    let deployed = client.deploy_data_action(&definition, None).await.expect("deployed").value;
    let next = semver::Version::new(1, 0, 1);
    client.set_data_action_version(&deployed.id, &next, None, None).await.expect("a new version");

    let mut rig = Rig::with(sandbox, dir, config).await;
    let (verdicts, still_pending) = recovered(&mut rig).await;
    assert!(still_pending.is_empty(), "{still_pending:?}");
    let verdict = &verdicts[DEPLOY];
    assert!(verdict.is_applied() && verdict.text().contains(deployed.id.as_str()), "{verdict}");
    rig.stop().await;
}

/// A deploy cut off by a crash before it reached the tenant, whose intent
/// recorded the action of that name and handler deployed a moment before:
/// that action, though made within the tenant's clock slack, is not taken
/// for the one this deploy would have made.
#[tokio::test]
async fn a_deploy_read_back_takes_no_action_its_intent_knew_of_for_its_own() {
    use cxone_console::domain::data_action::{DataActionDefinition, DataActionDraft};
    const DEPLOY: &str = "cmd_crashed_second_deploy";
    let (sandbox, dir, config) = tenant().await;
    let client = engine_support::client(&sandbox);
    let handler = "http://127.0.0.1:9/handler";
    let draft =
        DataActionDraft { name: "DeployedTwice".into(), ..DataActionDraft::documents_example(handler) };
    let definition = DataActionDefinition::validate(&draft).expect("the documents' action");
    let earlier = client.deploy_data_action(&definition, None).await.expect("deployed").value;
    let intended = json!({ "name": "DeployedTwice", "version": "1.0.0", "handlerUrl": handler });
    let target = Target::new(TargetKind::DataAction, "DeployedTwice");
    let second = intent(DEPLOY, "deploy_data_action", target, intended)
        .before(json!({ "namesakes": [earlier.id.as_str()] }));
    write_intents(&config.audit_path, vec![second]).await;

    let mut rig = Rig::with(sandbox, dir, config).await;
    let (verdicts, still_pending) = recovered(&mut rig).await;
    assert!(still_pending.is_empty(), "{still_pending:?}");
    let verdict = &verdicts[DEPLOY];
    assert!(!verdict.is_applied(), "the earlier action is not this deploy's: {verdict}");
    assert!(!verdict.text().contains(earlier.id.as_str()), "{verdict}");
    rig.stop().await;
}

/// A status write lands or is refused during a wrap-up, and a landed one
/// ends it: an agent found in wrap-up with the intended status still shows
/// the status from before, and the change is not taken as applied.
#[tokio::test]
async fn an_agent_still_in_wrap_up_is_not_taken_for_a_status_change_applied() {
    const ENDING_WRAP_UP: &str = "cmd_crashed_wrap_up";
    let (sandbox, dir, config) = tenant().await;
    let tenant = std::sync::Arc::clone(&sandbox.state().tenant);
    tenant.start_wrap_up(PINNED_USER, std::time::Duration::from_secs(600)).expect("the pinned agent");
    let target = Target::new(TargetKind::User, PINNED_USER);
    let intended = json!({"status": "Available", "pauseReason": null});
    write_intents(&config.audit_path, vec![intent(ENDING_WRAP_UP, "set_agent_status", target, intended)])
        .await;

    let mut rig = Rig::with(sandbox, dir, config).await;
    let (verdicts, _) = recovered(&mut rig).await;
    let verdict = &verdicts[ENDING_WRAP_UP];
    assert!(!verdict.is_applied() && verdict.text().contains("in wrap-up until"), "{verdict}");
    rig.stop().await;
}
