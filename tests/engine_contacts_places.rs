//! How a batch of contact dispositions meets the tenant: never more than
//! `batch_concurrency` (at most 50) requests at once, a place held only
//! while a request is out, and a cancel that stops contacts still waiting
//! for one.

mod engine_support;

use cxone_console::engine::audit::RecordKind;
use cxone_console::engine::metrics::Operation;
use cxone_console::engine::{Change, Command, CommandId, Event};
use cxone_console::sandbox::{FaultProfile, FaultRates, Resource, Sandbox, SandboxConfig};
use engine_support::Rig;
use engine_support::closed_port::nowhere;
use engine_support::contacts::{CAMPAIGN, batch, batch_report, draft, pending_contacts};

/// A tenant with no limiter of its own whose answers take about
/// `median_ms`, so requests sent together are seen together.
fn slow_sandbox(median_ms: f64, p99_ms: f64) -> SandboxConfig {
    let slow = FaultRates {
        latency_median_ms: median_ms,
        latency_p99_ms: p99_ms,
        ..FaultRates::from(FaultProfile::None)
    };
    SandboxConfig { campaign_rate: None, faults: slow, ..SandboxConfig::quiet() }
}

/// An engine on `sandbox` with `places` requests at the tenant at once and
/// `rate` per campaign, and one batch of `n` of its pending contacts, not
/// yet submitted. Unless `to_sink`, webhooks go nowhere, so every request
/// the sandbox counts is the batch's.
async fn batch_of(
    sandbox: SandboxConfig,
    n: u32,
    places: usize,
    rate: Option<f64>,
    to_sink: bool,
) -> (Rig, Vec<CommandId>, Change) {
    let sandbox = Sandbox::start(sandbox).await.expect("the sandbox binds 127.0.0.1:0");
    let contacts = pending_contacts(&sandbox, CAMPAIGN, n).await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = engine_support::engine_config(&sandbox, dir.path());
    config.campaign_rate = rate;
    config.batch_concurrency = places;
    if !to_sink {
        config.webhook_targets.insert("crm".into(), nowhere("/crm"));
    }
    let rig = Rig::with(sandbox, dir, config).await;
    let (ids, change) = batch(contacts.iter().map(|c| draft(CAMPAIGN, c, "INTERESTED")).collect());
    (rig, ids, change)
}

/// However many contacts are asked for at once, the tenant never sees more
/// than document 001's 50 requests of a batch at the same time.
#[tokio::test]
async fn a_batch_of_120_never_has_more_than_50_requests_at_the_tenant() {
    let (mut rig, _, change) = batch_of(slow_sandbox(20.0, 40.0), 120, 64, None, true).await;
    let report = batch_report(rig.run(change).await);
    assert_eq!(report.successful(), 120, "{report:?}");
    assert_eq!(rig.sandbox.stats().writes_of(Resource::ContactDisposition), 120);
    // The 64 asked for are cut to 50.
    let stats = rig.sandbox.stats();
    assert!(stats.most_in_flight <= 50, "{} requests were in flight at once", stats.most_in_flight);
    assert!(stats.most_in_flight > 8, "the batch never had more than 8 requests in flight");
    rig.stop().await;
}

/// A contact waiting for its intent to be durable holds no place at the
/// tenant: with one request allowed at a time, the next contacts are read
/// meanwhile, so several intents are recorded before the first outcome,
/// and still only one request is ever out.
#[tokio::test]
async fn a_contact_waiting_for_its_records_lets_the_next_one_ask() {
    let (mut rig, ids, change) = batch_of(slow_sandbox(20.0, 40.0), 6, 1, None, false).await;
    let report = batch_report(rig.run(change).await);
    assert_eq!(report.successful(), 6, "{report:?}");
    assert_eq!(rig.sandbox.stats().most_in_flight, 1, "one request at the tenant at a time");

    let ours: Vec<RecordKind> = rig
        .audit_records()
        .iter()
        .filter(|r| r.entry.command_id.as_deref().is_some_and(|id| ids.iter().any(|i| i.as_str() == id)))
        .map(|r| r.entry.kind)
        .collect();
    let before_first_outcome = ours.iter().take_while(|k| **k != RecordKind::Outcome).count();
    assert!(before_first_outcome >= 2, "each contact waited for the one before it: {ours:?}");
    rig.stop().await;
}

/// A file sorted by campaign: the campaigns take turns, so the contacts
/// under way are not all held on one campaign's pace while the others' go
/// unused. With one place, the first four contacts started cover the three
/// campaigns, so the first intents are not all of the first campaign.
#[tokio::test]
async fn the_campaigns_of_a_batch_sorted_by_campaign_take_turns() {
    let sandbox = Sandbox::start(slow_sandbox(5.0, 10.0)).await.expect("the sandbox binds 127.0.0.1:0");
    let api = engine_support::client(&sandbox);
    let query = cxone_console::api::model::ListQuery::new().top(3);
    let campaigns: Vec<String> = api
        .campaigns(&query)
        .await
        .expect("the campaigns")
        .value
        .items
        .iter()
        .map(|c| c.id.to_string())
        .collect();
    let mut drafts = Vec::new();
    for campaign in &campaigns {
        for contact in pending_contacts(&sandbox, campaign, 6).await {
            drafts.push(draft(campaign, &contact, "CALLBACK_LATER"));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let mut config = engine_support::engine_config(&sandbox, dir.path());
    config.batch_concurrency = 1;
    // No deliveries reach the sandbox's sink, so every request it counts is the batch's.
    config.webhook_targets.insert("crm".into(), nowhere("/crm"));
    let mut rig = Rig::with(sandbox, dir, config).await;
    let (_, change) = batch(drafts);
    let report = batch_report(rig.run(change).await);
    assert_eq!(report.successful(), 18, "{report:?}");
    let first: std::collections::HashSet<String> = rig
        .audit_records()
        .iter()
        .filter(|r| r.entry.kind == RecordKind::Intent)
        .take(4)
        .filter_map(|r| r.entry.target.as_ref().and_then(|t| t.campaign.clone()))
        .collect();
    assert!(first.len() >= 2, "the first intents are of more than one campaign: {first:?}");
    rig.stop().await;
}

/// One place, contacts queued for it: a cancel that comes while the first
/// contact's intent is recorded lets that contact's write go (its intent
/// says it will), and stops those that were waiting to read or had read,
/// with nothing written for them.
#[tokio::test]
async fn a_cancel_stops_the_contacts_waiting_for_a_place() {
    let (mut rig, _, change) = batch_of(slow_sandbox(50.0, 60.0), 8, 1, None, false).await;
    let id = rig.submit(change).await;
    rig.until(|e| matches!(e, Event::Audit(r) if r.entry.kind == RecordKind::Intent).then_some(())).await;
    rig.send(Command::Cancel { id: id.clone() }).await;
    let report = batch_report(rig.finished(&id).await);
    assert!(report.cancelled(), "{report:?}");
    assert_eq!(report.successful(), 1, "only the contact whose intent was recorded: {report:?}");
    assert_eq!(report.skipped().get("cancelled").copied(), Some(7), "{report:?}");
    assert_eq!(rig.sandbox.stats().writes_of(Resource::ContactDisposition), 1);
    let intents = rig.audit_records().iter().filter(|r| r.entry.kind == RecordKind::Intent).count();
    assert_eq!(intents, 1, "no intent for a contact stopped");
    rig.stop().await;
}

/// A cancel ends at once the contacts not under way and those still
/// waiting to read: their records come before the write of the one contact
/// whose intent was recorded is answered, rather than one by one as places
/// free up.
#[tokio::test]
async fn a_cancel_ends_the_waiting_contacts_before_the_write_in_flight() {
    let (mut rig, _, change) = batch_of(slow_sandbox(300.0, 350.0), 12, 1, None, false).await;
    // Named as the console names them: the records of a contact never read
    // keep the name.
    let Change::ContactDispositions(items) = change else { unreachable!("a batch of contacts") };
    let named = items.into_iter().enumerate().map(|(i, item)| item.named(format!("Contact {i}")));
    let id = rig.submit(Change::ContactDispositions(named.collect())).await;
    rig.until(|e| matches!(e, Event::Audit(r) if r.entry.kind == RecordKind::Intent).then_some(())).await;
    rig.send(Command::Cancel { id: id.clone() }).await;
    let report = batch_report(rig.finished(&id).await);
    assert_eq!(
        (report.successful(), report.skipped().get("cancelled").copied()),
        (1, Some(11)),
        "{report:?}"
    );
    let applied = rig.applied_in_order();
    assert_eq!(applied.last(), Some(&true), "a stopped contact ended after the write: {applied:?}");
    let stopped: Vec<Option<String>> = rig
        .audit_records()
        .iter()
        .filter(|r| r.entry.reason.as_deref().is_some_and(|t| t.contains("cancelled")))
        .map(|r| r.entry.target.as_ref().and_then(|t| t.name.clone()))
        .collect();
    assert_eq!(stopped.len(), 11);
    assert!(stopped.iter().all(|n| n.as_ref().is_some_and(|n| n.starts_with("Contact "))), "{stopped:?}");
    rig.stop().await;
}

/// Under a campaign's pace, a contact that has read writes before many more
/// are read: cancelled once the first change is through, the batch writes
/// only the few contacts whose intents were recorded by then, not every
/// contact under way. The pace is slow (a request each 200 ms), so that a
/// cancel heard a little late on a loaded machine finds no more contacts
/// read than one heard at once.
#[tokio::test]
async fn under_a_pace_a_contact_writes_before_more_are_read() {
    let quiet = SandboxConfig { campaign_rate: None, ..SandboxConfig::quiet() };
    let (mut rig, _, change) = batch_of(quiet, 20, 4, Some(5.0), false).await;
    let id = rig.submit(change).await;
    rig.until(|e| matches!(e, Event::ItemFinished { outcome, .. } if outcome.is_applied()).then_some(()))
        .await;
    rig.send(Command::Cancel { id: id.clone() }).await;
    let report = batch_report(rig.finished(&id).await);
    let writes = rig.sandbox.stats().writes_of(Resource::ContactDisposition);
    // Four places, and one read queued ahead of the writes: at most six
    // contacts can have read when the first write lands.
    assert!(writes <= 6, "{writes} contacts written after a cancel at the first: {report:?}");
    assert_eq!(report.successful() as u64, writes);
    rig.stop().await;
}

/// A contact's latency, as the gauges show it, is its time at the tenant:
/// at 20 requests a second, 16 contacts take most of two seconds to go
/// through their campaign's pace, yet each spends a few milliseconds at a
/// tenant that answers in about 5 ms. The gauges must not report the queue.
#[tokio::test]
async fn the_latency_gauges_measure_the_tenant_not_the_campaigns_pace() {
    let (mut rig, _, change) = batch_of(slow_sandbox(5.0, 10.0), 16, 4, Some(20.0), false).await;
    let started = tokio::time::Instant::now();
    let report = batch_report(rig.run(change).await);
    let took = started.elapsed();
    assert_eq!(report.successful(), 16, "{report:?}");
    let latency = rig
        .until(|e| match e {
            Event::Metrics(m) if m.operation(Operation::ContactDisposition).run.completed == 16 => {
                m.operation(Operation::ContactDisposition).run.latency
            }
            _ => None,
        })
        .await;
    // Relative, not a timing target: the median contact's time at the
    // tenant is a small part of a batch its pace stretched out, where its
    // time in the queue would be about half of it. The median, not the
    // slowest, so one stall of a busy host cannot tip it.
    let median = std::time::Duration::from_micros(latency.p50_us);
    assert!(median * 4 < took, "median {median:?} of a batch that took {took:?}: {latency:?}");
    rig.stop().await;
}

/// A tenant answering 5xx to many requests, every change still going
/// through on its retries: the error rate stays at 0%, and the gauges count
/// each 5xx the client met, as many as the tenant sent.
#[tokio::test]
async fn the_gauges_count_the_tenants_5xx_that_retries_got_past() {
    let flaky = FaultRates { rate5xx: 0.3, ..FaultRates::from(FaultProfile::None) };
    let sandbox = SandboxConfig { campaign_rate: None, faults: flaky, ..SandboxConfig::quiet() };
    let (mut rig, _, change) = batch_of(sandbox, 12, 4, None, false).await;
    let report = batch_report(rig.run(change).await);
    assert_eq!(report.successful(), 12, "{report:?}");
    let faults = rig.sandbox.stats().faults;
    let sent: u64 = ["serverError", "serverErrorAfter"].iter().filter_map(|f| faults.get(*f)).sum();
    assert!(sent > 0, "the tenant answered some requests with a 5xx");
    let met = rig
        .until(|e| match e {
            Event::Metrics(m) if m.operation(Operation::ContactDisposition).run.completed == 12 => {
                Some(m.clone())
            }
            _ => None,
        })
        .await;
    assert_eq!(met.operation(Operation::ContactDisposition).run.failed, 0, "no change failed");
    let setbacks = met.tenant_setbacks;
    assert_eq!(setbacks.server_errors, sent, "each 5xx counted once: {setbacks:?}");
    assert_eq!((setbacks.throttled, setbacks.unanswered), (0, 0), "{setbacks:?}");
    rig.stop().await;
}
