//! Before a contact batch sends anything, each entry is checked against its
//! campaign's rules and its agent's roles. A batch whose entries name many
//! agents reads them several at once, and a cancel stops the checking
//! itself, not only the sending after it.

mod engine_support;

use cxone_console::api::model::{ListQuery, UserFilter};
use cxone_console::engine::{Command, Event};
use cxone_console::sandbox::{FaultProfile, FaultRates, Resource, Sandbox, SandboxConfig};
use engine_support::Rig;
use engine_support::contacts::{CAMPAIGN, batch, batch_report, draft, pending_contacts};
use std::time::Duration;

const ENTRIES: usize = 40;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_are_read_together_and_a_cancel_stops_the_checking() {
    // Every answer takes a while, as on a tenant far away.
    let slow = FaultRates {
        latency_median_ms: 150.0,
        latency_p99_ms: 200.0,
        ..FaultRates::from(FaultProfile::None)
    };
    let sandbox = Sandbox::start(SandboxConfig { faults: slow, ..SandboxConfig::quiet() }).await.unwrap();
    let contacts = pending_contacts(&sandbox, CAMPAIGN, ENTRIES as u32).await;
    let users = engine_support::client(&sandbox)
        .users(&ListQuery::<UserFilter>::new().top(1000))
        .await
        .unwrap()
        .value
        .items;
    let agents: Vec<_> = users.iter().filter(|u| u.role_names().any(|r| r == "Agent")).collect();
    assert!(agents.len() >= ENTRIES, "the seed has agents enough");
    let drafts = contacts
        .iter()
        .zip(&agents)
        .map(|(contact, agent)| {
            let mut entry = draft(CAMPAIGN, contact, "INTERESTED");
            entry.agent_id = agent.id.to_string();
            entry
        })
        .collect();

    let dir = tempfile::tempdir().unwrap();
    let config = engine_support::engine_config(&sandbox, dir.path());
    let mut rig = Rig::with(sandbox, dir, config).await;
    let before = rig.sandbox.stats().requests;
    let (_, change) = batch(drafts);
    let id = rig.submit(change).await;
    rig.until(|e| matches!(e, Event::Accepted { id: of, .. } if *of == id).then_some(())).await;
    // Once the token is issued and the first reads have come, long before
    // the last: at 8 at a time, 40 agents take five rounds of answers.
    while rig.sandbox.stats().requests < before + 4 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    rig.send(Command::Cancel { id: id.clone() }).await;
    let report = batch_report(rig.finished(&id).await);

    assert!(report.cancelled(), "{report:?}");
    assert_eq!(report.skipped().get("cancelled").copied(), Some(ENTRIES), "{report:?}");
    let stats = rig.sandbox.stats();
    assert_eq!(stats.writes_of(Resource::ContactDisposition), 0);
    let read = stats.requests - before;
    assert!(read < ENTRIES as u64, "the cancel stopped the checking: {read} requests for {ENTRIES} agents");
    assert!(stats.most_in_flight > 1, "the agents were read together, not one after the other: {stats:?}");
    rig.stop().await;
}

/// A tenant that cannot say whether the agent named is one (its users
/// answer 503 past every retry) fails the entry as the tenant's fault: the
/// reason does not sit under the agent's field, as a bad id's would.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_the_tenant_cannot_be_asked_about_is_its_failure_not_the_fields() {
    let mut rig = Rig::start(SandboxConfig::quiet()).await;
    let contact = pending_contacts(&rig.sandbox, CAMPAIGN, 1).await.remove(0);
    rig.sandbox.state().faults.fail_next("/api/v2/users", 50);
    let (ids, change) = batch(vec![draft(CAMPAIGN, &contact, "INTERESTED")]);
    let report = batch_report(rig.run(change).await);
    assert_eq!(report.successful(), 0, "{report:?}");
    let reason = rig
        .seen
        .iter()
        .find_map(|e| match e {
            Event::ItemFinished { item, outcome, .. } if *item == ids[0] => Some(outcome.text().to_string()),
            _ => None,
        })
        .expect("the entry's end");
    assert!(reason.starts_with("the tenant could not be asked whether"), "{reason}");
    assert!(reason.contains("(agentId)") && reason.contains("nothing was sent"), "{reason}");
    assert_eq!(rig.sandbox.stats().writes_of(Resource::ContactDisposition), 0);
    rig.stop().await;
}
