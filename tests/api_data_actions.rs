//! Data actions and their metrics over real TCP against the sandbox.

mod api_support;

use api_support::{client, quiet, start};
use cxone_console::api::model::{ListQuery, MetricsQuery};
use cxone_console::api::{ApiErrorKind, IdempotencyKey};
use cxone_console::domain::Timestamp;
use cxone_console::domain::data_action::{DataActionDefinition, DataActionDraft, MetricsRange};
use cxone_console::sandbox::{Resource, SandboxConfig};
use semver::Version;
use std::time::Duration;

fn definition() -> DataActionDefinition {
    // A loopback handler: nothing here may reach beyond this machine.
    DataActionDefinition::validate(&DataActionDraft::documents_example("http://127.0.0.1:9/handler")).unwrap()
}

#[tokio::test]
async fn a_keyed_deploy_lands_once_then_versions_move_forward_until_deprecated() {
    let sandbox = quiet().await;
    let c = client(&sandbox);
    let key = IdempotencyKey::generate();
    let created = c.deploy_data_action(&definition(), Some(key.clone())).await.unwrap();
    assert_eq!(created.call.status, Some(201));
    assert_eq!(created.call.idempotency_key.as_deref(), Some(key.as_str()));
    let action = created.value;
    assert_eq!(
        (action.name.as_str(), action.version.semantic(), action.is_deprecated),
        ("SentimentRoutingAction", Some(&Version::new(1, 0, 0)), false)
    );

    let again = c.deploy_data_action(&definition(), Some(key)).await.unwrap();
    assert!(again.call.replay.is_some(), "the tenant replays the first answer");
    assert_eq!(again.value.id, action.id);
    assert_eq!(sandbox.stats().writes_of(Resource::DataAction), 1);

    let read = c.data_action(&action.id).await.unwrap().value;
    let bumped = c
        .set_data_action_version(&action.id, &Version::new(1, 1, 0), read.etag.as_ref(), None)
        .await
        .unwrap();
    assert_eq!(bumped.value.version.semantic(), Some(&Version::new(1, 1, 0)));
    assert!(bumped.value.versions.iter().any(|v| v.version == "1.0.0"));

    let backwards =
        c.set_data_action_version(&action.id, &Version::new(1, 0, 5), None, None).await.unwrap_err();
    assert!(matches!(backwards.kind, ApiErrorKind::BadRequest { .. }), "{backwards:?}");

    let deprecated = c.deprecate_data_action(&action.id, None, None).await.unwrap().value;
    assert!(deprecated.is_deprecated);
    let late = c.set_data_action_version(&action.id, &Version::new(2, 0, 0), None, None).await.unwrap_err();
    assert!(late.kind.is_conflict(), "{late}");

    let listed = c.data_actions(&ListQuery::new().top(1000)).await.unwrap().value;
    assert!(listed.items.iter().any(|a| a.id == action.id && a.is_deprecated));
}

#[tokio::test]
async fn execution_metrics_count_the_runs_of_one_action() {
    // The simulation runs live actions in the background; a fast tick makes runs soon.
    let sandbox = start(SandboxConfig { tick: Duration::from_millis(20), ..SandboxConfig::default() }).await;
    let c = client(&sandbox);
    let action = c.deploy_data_action(&definition(), None).await.unwrap().value;
    let from = Timestamp::from_datetime(Timestamp::now().datetime() - time::Duration::days(1));
    let mut rows = Vec::new();
    for _ in 0..500 {
        let to = Timestamp::from_datetime(Timestamp::now().datetime() + time::Duration::days(1));
        let query = MetricsQuery::daily(Some(action.id.clone()), MetricsRange::new(from, to).unwrap());
        rows = c.data_action_metrics(&query).await.unwrap().value;
        if rows.iter().map(|r| r.count).sum::<u64>() > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(rows.iter().map(|r| r.count).sum::<u64>() > 0, "the action ran: {rows:?}");
    assert!(rows.iter().all(|r| r.action_id == action.id.as_str() && r.version == "1.0.0"), "{rows:?}");
    assert!(rows.iter().all(|r| (0.0..=1.0).contains(&r.error_rate)), "{rows:?}");
}
