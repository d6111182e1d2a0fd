//! Data actions (document 004) through the engine, against the sandbox:
//! local simulation, deploy, versions, deprecation and execution metrics.

mod engine_support;

use cxone_console::domain::data_action::{DataActionDraft, MetricsRange, sample_input};
use cxone_console::domain::{FieldError, Timestamp};
use cxone_console::engine::audit::RecordKind;
use cxone_console::engine::metrics::Operation;
use cxone_console::engine::{ActionRef, Change, DataActionChange, Event, Outcome};
use cxone_console::sandbox::Resource;
use cxone_console::sandbox::tenant::RunStatus;
use engine_support::Rig;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

fn data_action(change: DataActionChange) -> Change {
    Change::DataAction(change)
}

/// Deploys the documents' action with a handler on this machine; its id.
async fn deploy(rig: &mut Rig) -> String {
    let draft = DataActionDraft::documents_example("http://127.0.0.1:9/process");
    let outcome = rig.outcome(data_action(DataActionChange::Deploy(draft))).await;
    let Outcome::Applied { data: Some(data), .. } = &outcome else {
        panic!("expected a deploy, got {outcome}")
    };
    data["id"].as_str().expect("the new action's id").to_string()
}

fn version_of(rig: &Rig, id: &str) -> (String, bool) {
    let view = rig.sandbox.state().tenant.data_action(id).expect("the action exists").value;
    (view.version, view.is_deprecated)
}

fn new_version(id: &str, version: &str) -> Change {
    data_action(DataActionChange::NewVersion { action: ActionRef::Id(id.into()), version: version.into() })
}

fn deprecate(id: &str) -> Change {
    data_action(DataActionChange::Deprecate { action: ActionRef::Id(id.into()) })
}

fn range(from: OffsetDateTime, to: OffsetDateTime) -> Result<MetricsRange, FieldError> {
    MetricsRange::new(Timestamp::from_datetime(from), Timestamp::from_datetime(to))
}

#[tokio::test]
async fn simulation_routes_the_documents_sample_and_refuses_bad_input_without_writing() {
    let mut rig = Rig::quiet().await;
    let outcome = rig.outcome(data_action(DataActionChange::Simulate { input: sample_input() })).await;
    let Outcome::Applied { summary, data: Some(data) } = &outcome else {
        panic!("expected a routing, got {outcome}")
    };
    assert!(summary.contains("vip-dedicated-queue"), "{summary}");
    assert_eq!(data["output"]["routing_recommendation"], "vip-dedicated-queue");
    assert_eq!(data["output"]["confidence_score"], 0.95);
    assert_eq!(data["output"]["enriched_data"]["vip_tier"], "platinum");
    assert!(data["latencyMs"].as_f64().is_some_and(|ms| ms >= 0.0), "{data}");
    let hundredths = data["latencyMs"].as_f64().unwrap_or_default() * 100.0;
    assert!((hundredths - hundredths.round()).abs() < 1e-6, "to 2 places, as document 004 rounds: {data}");

    let bad = json!({"interaction_id": "int_1", "channel_type": "pigeon"});
    let outcome = rig.outcome(data_action(DataActionChange::Simulate { input: bad })).await;
    let Outcome::Rejected { reason } = &outcome else { panic!("expected a refusal, got {outcome}") };
    assert!(reason.contains("input.channel_type"), "{reason}");

    assert!(rig.audit_records().is_empty(), "a simulation changes nothing on the tenant");
    assert_eq!(rig.sandbox.stats().writes_of(Resource::DataAction), 0);

    // The operation's gauges are the tenant's: a deploy counts, the local runs do not.
    deploy(&mut rig).await;
    let counted = rig
        .until(|e| match e {
            Event::Metrics(m) if m.operation(Operation::DataAction).run.completed > 0 => Some(m.clone()),
            _ => None,
        })
        .await;
    let run = &counted.operation(Operation::DataAction).run;
    assert_eq!((run.completed, run.failed), (1, 0), "only the deploy is measured");
    rig.stop().await;
}

#[tokio::test]
async fn a_deploy_creates_one_action_and_is_on_record_with_its_new_id() {
    let mut rig = Rig::quiet().await;
    let before = rig.sandbox.state().tenant.counts().data_actions;
    let id = deploy(&mut rig).await;
    assert_eq!(rig.sandbox.state().tenant.counts().data_actions, before + 1);
    assert_eq!(version_of(&rig, &id), ("1.0.0".into(), false));
    assert_eq!(rig.sandbox.stats().writes_of(Resource::DataAction), 1);
    let records = rig.audit_records();
    let intent = records.iter().find(|r| r.entry.kind == RecordKind::Intent).expect("an intent");
    assert_eq!(intent.entry.after.as_ref().map(|a| a["version"].clone()), Some(json!("1.0.0")));
    let outcome = records.iter().find(|r| r.entry.kind == RecordKind::Outcome).expect("an outcome");
    assert_eq!(outcome.entry.after.as_ref().map(|a| a["id"].clone()), Some(Value::String(id.clone())));
    let filed = outcome.entry.target.as_ref().map(|t| (t.id.as_str(), t.name.as_deref()));
    assert_eq!(filed, Some((id.as_str(), Some("SentimentRoutingAction"))), "filed under the id it made");
    // Every value the deploy set is on record, timeout and description too.
    for record in [intent, outcome] {
        let after = record.entry.after.as_ref().expect("a state after");
        assert!(after["timeoutMs"].is_u64() && after["description"].is_string(), "{after}");
    }
    // A second action under the same name is said in the result.
    let again = rig
        .outcome(data_action(DataActionChange::Deploy(DataActionDraft::documents_example(
            "http://127.0.0.1:9/p",
        ))))
        .await;
    assert!(again.is_applied(), "{again}");
    assert!(again.text().contains("beside the 2 other actions named"), "the seeded one and ours: {again}");

    let mut bad = DataActionDraft::documents_example("http://127.0.0.1:9/process");
    bad.version = "1.0".into();
    bad.timeout_ms = Some(60_000);
    let outcome = rig.outcome(data_action(DataActionChange::Deploy(bad))).await;
    let Outcome::Rejected { reason } = &outcome else { panic!("expected a refusal, got {outcome}") };
    assert!(reason.contains("version:") && reason.contains("timeoutMs:"), "{reason}");
    assert_eq!(rig.sandbox.stats().writes_of(Resource::DataAction), 2, "the refused deploy sent nothing");

    // The live metrics count the tokens the engine's calls obtained.
    let counted = |e: &Event| match e {
        Event::Metrics(m) if m.token_refreshes > 0 => Some(m.token_refreshes),
        _ => None,
    };
    let tokens = rig.seen_or_next(counted).await;
    assert_eq!(tokens, rig.sandbox.stats().tokens_issued);
    rig.stop().await;
}

/// Document 004: the tenant refuses `definitions` and `$ref` in a schema;
/// the console says so, naming where, before it sends anything.
#[tokio::test]
async fn a_schema_with_a_ref_is_refused_before_anything_is_sent() {
    let mut rig = Rig::quiet().await;
    let mut draft = DataActionDraft::documents_example("http://127.0.0.1:9/process");
    draft.output_schema = json!({"type": "object", "definitions": {"Q": {"type": "string"}},
        "properties": {"queue": {"$ref": "#/definitions/Q"}}});
    let sent = rig.sandbox.stats().requests;
    let outcome = rig.outcome(data_action(DataActionChange::Deploy(draft))).await;
    let Outcome::Rejected { reason } = &outcome else { panic!("expected a refusal, got {outcome}") };
    assert!(reason.contains("outputSchema.definitions: is not supported"), "{reason}");
    assert_eq!(rig.sandbox.stats().requests, sent, "the refused deploy sent nothing");
    rig.stop().await;
}

#[tokio::test]
async fn a_new_version_must_be_greater_and_the_same_one_is_skipped() {
    let mut rig = Rig::quiet().await;
    let id = deploy(&mut rig).await;
    let older = rig.outcome(new_version(&id, "0.9.0")).await;
    assert!(matches!(&older, Outcome::Rejected { reason } if reason.contains("must be greater")), "{older}");
    let same = rig.outcome(new_version(&id, "1.0.0")).await;
    assert!(
        matches!(&same, Outcome::Skipped { reason, .. } if reason.contains("already at version")),
        "{same}"
    );
    let newer = rig.outcome(new_version(&id, "1.1.0")).await;
    assert!(newer.is_applied(), "{newer}");
    // Named, with the id in parentheses as every outcome gives it.
    assert!(newer.text().ends_with(&format!(" ({id}) is now at version 1.1.0")), "{newer}");
    assert_eq!(version_of(&rig, &id), ("1.1.0".into(), false));
    assert_eq!(rig.sandbox.stats().writes_of(Resource::DataAction), 2, "the deploy and the new version");
    rig.stop().await;
}

#[tokio::test]
async fn deprecating_twice_writes_once_and_a_deprecated_action_takes_no_version() {
    let mut rig = Rig::quiet().await;
    let id = deploy(&mut rig).await;
    let first = rig.outcome(deprecate(&id)).await;
    assert!(first.is_applied(), "{first}");
    assert!(first.text().ends_with(&format!(" ({id}) is now deprecated")), "{first}");
    assert_eq!(version_of(&rig, &id), ("1.0.0".into(), true));
    let again = rig.outcome(deprecate(&id)).await;
    assert!(
        matches!(&again, Outcome::Skipped { reason, .. } if reason.contains("already deprecated")),
        "{again}"
    );
    let version = rig.outcome(new_version(&id, "2.0.0")).await;
    assert!(matches!(&version, Outcome::Rejected { reason } if reason.contains("deprecated")), "{version}");
    assert_eq!(rig.sandbox.stats().writes_of(Resource::DataAction), 2, "the deploy and one deprecation");
    let intents = rig.audit_records().iter().filter(|r| r.entry.kind == RecordKind::Intent).count();
    assert_eq!(intents, 2, "only the writes that were sent have an intent");
    rig.stop().await;
}

#[tokio::test]
async fn metrics_report_the_executions_of_a_seeded_action() {
    let mut rig = Rig::quiet().await;
    let tenant = std::sync::Arc::clone(&rig.sandbox.state().tenant);
    let id = tenant
        .data_action_ids()
        .into_iter()
        .find(|id| tenant.data_action(id).is_ok_and(|a| a.value.name == "SentimentRoutingAction"))
        .expect("the seeded sentiment action");
    let now = OffsetDateTime::now_utc();
    let query = || {
        data_action(DataActionChange::Metrics {
            action: ActionRef::Id(id.clone()),
            range: range(now - Duration::days(1), now + Duration::days(1)).unwrap(),
        })
    };
    let counts = |outcome: &Outcome, status: &str| -> u64 {
        let Outcome::Applied { data: Some(Value::Array(rows)), .. } = outcome else {
            panic!("expected metrics rows, got {outcome}")
        };
        rows.iter()
            .filter(|r| r["status"] == status && r["actionId"] == id.as_str())
            .filter_map(|r| r["count"].as_u64())
            .sum()
    };
    let before = rig.outcome(query()).await;
    for status in [RunStatus::Success, RunStatus::Success, RunStatus::Success, RunStatus::Error] {
        tenant.record_execution(&id, status, 40.0).expect("the action exists");
    }
    let after = rig.outcome(query()).await;
    assert_eq!(counts(&after, "success") - counts(&before, "success"), 3, "{after}");
    assert_eq!(counts(&after, "error") - counts(&before, "error"), 1, "{after}");
    let named = format!("for action SentimentRoutingAction ({id}): ");
    assert!(after.text().contains(&named) && after.text().contains("% errors"), "{after}");

    // A range with no runs says so, rather than a clean 0.0% error rate.
    let idle = data_action(DataActionChange::Metrics {
        action: ActionRef::Id(id.clone()),
        range: range(now - Duration::days(400), now - Duration::days(399)).unwrap(),
    });
    let idle = rig.outcome(idle).await;
    assert!(idle.text().ends_with(": no executions") && !idle.text().contains('%'), "{idle}");

    // A backwards range is refused where it is read, naming its end: no
    // change can carry one to the engine.
    let backwards = range(now, now - Duration::days(1)).unwrap_err();
    assert_eq!(backwards.field, "dateTo", "{backwards}");
    rig.stop().await;
}

/// Metrics of an action the tenant does not have are refused as a new
/// version of it is, not reported as an action that never ran.
#[tokio::test]
async fn metrics_of_an_action_the_tenant_does_not_have_are_refused() {
    let mut rig = Rig::quiet().await;
    let missing = "00000000-0000-4000-8000-000000000000";
    let now = OffsetDateTime::now_utc();
    let metrics = rig
        .outcome(data_action(DataActionChange::Metrics {
            action: ActionRef::Id(missing.into()),
            range: range(now - Duration::days(1), now).unwrap(),
        }))
        .await;
    let version = rig.outcome(new_version(missing, "9.0.0")).await;
    for outcome in [&metrics, &version] {
        assert!(
            matches!(outcome, Outcome::Rejected { reason }
                if reason.contains("not found on the tenant") && reason.contains(missing)),
            "{outcome}"
        );
    }
    rig.stop().await;
}

/// A name is looked up when the change runs: it reaches the action deployed
/// just before under it, and once a second action holds it, the change is
/// refused and neither action is touched.
#[tokio::test]
async fn an_action_named_by_name_is_looked_up_when_the_change_runs() {
    let mut rig = Rig::quiet().await;
    let named = |version: &str| {
        data_action(DataActionChange::NewVersion {
            action: ActionRef::Name("Fresh_Lookup".into()),
            version: version.into(),
        })
    };
    let missing = rig.outcome(named("1.1.0")).await;
    assert!(
        matches!(&missing, Outcome::Rejected { reason } if reason.contains("no data action on the tenant is named Fresh_Lookup")),
        "{missing}"
    );
    let mut draft = DataActionDraft::documents_example("http://127.0.0.1:9/process");
    draft.name = "Fresh_Lookup".into();
    let deployed = rig.outcome(data_action(DataActionChange::Deploy(draft.clone()))).await;
    let Outcome::Applied { data: Some(data), .. } = &deployed else { panic!("{deployed}") };
    let first = data["id"].as_str().unwrap().to_string();
    let moved = rig.outcome(named("1.1.0")).await;
    assert!(moved.is_applied(), "{moved}");
    assert_eq!(version_of(&rig, &first).0, "1.1.0");
    let intent = rig
        .audit_records()
        .into_iter()
        .rfind(|r| r.entry.kind == RecordKind::Intent)
        .expect("the new version's intent");
    assert_eq!(
        intent.entry.target.as_ref().map(|t| t.id.as_str()),
        Some(first.as_str()),
        "recorded by its id"
    );

    let again = rig.outcome(data_action(DataActionChange::Deploy(draft))).await;
    assert!(again.is_applied(), "{again}");
    let writes = rig.sandbox.stats().writes_of(Resource::DataAction);
    let ambiguous = rig.outcome(named("1.2.0")).await;
    assert!(
        matches!(&ambiguous, Outcome::Rejected { reason }
            if reason.contains("2 data actions are named Fresh_Lookup; give the id of one")),
        "{ambiguous}"
    );
    assert_eq!(rig.sandbox.stats().writes_of(Resource::DataAction), writes, "nothing was sent");
    assert_eq!(version_of(&rig, &first).0, "1.1.0");
    rig.stop().await;
}

/// Deploys, new versions and deprecations, a hundred of each at once, while
/// tokens are revoked under them (one request in twenty): reads and writes
/// cut short go again, so every change gets through, and each lands once.
#[tokio::test]
async fn a_hundred_changes_of_each_kind_at_once_get_through_tokens_revoked_under_them() {
    let mut rig = Rig::quiet().await;
    rig.revoking_tokens();
    let count = 100;
    let deploys: Vec<Change> = (0..count)
        .map(|_| {
            data_action(DataActionChange::Deploy(DataActionDraft::documents_example("http://127.0.0.1:9/x")))
        })
        .collect();
    let mut ids = Vec::new();
    for change in deploys {
        ids.push(rig.submit(change).await);
    }
    let mut actions = Vec::new();
    for id in &ids {
        match rig.finished(id).await {
            cxone_console::engine::Finished::Single {
                outcome: Outcome::Applied { data: Some(data), .. },
                ..
            } => {
                actions.push(data["id"].as_str().expect("the new action's id").to_string());
            }
            other => panic!("a deploy did not get through: {other:?}"),
        }
    }
    let missed = rig.all_at_once(actions.iter().map(|id| new_version(id, "1.1.0")).collect()).await;
    assert!(missed.is_empty(), "{} new versions did not get through: {:?}", missed.len(), missed.first());
    let missed = rig.all_at_once(actions.iter().map(|id| deprecate(id)).collect()).await;
    assert!(missed.is_empty(), "{} deprecations did not get through: {:?}", missed.len(), missed.first());

    for id in &actions {
        assert_eq!(version_of(&rig, id), ("1.1.0".into(), true));
    }
    let stats = rig.sandbox.stats();
    let revoked = stats.faults.get("tokenRevoked").copied().unwrap_or(0);
    assert!(revoked >= 5, "tokens were revoked under the changes: {revoked}");
    assert_eq!(stats.writes_of(Resource::DataAction), 3 * count as u64);
    assert_eq!(stats.repeated_of(Resource::DataAction), 0);
    rig.stop().await;
}
