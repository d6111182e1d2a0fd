//! The fault storm: a few thousand mixed changes against a tenant having a
//! bad day (slow replies, 429s, 5xx, dropped connections before and after a
//! write, revoked tokens), with the dialer and the agents moving meanwhile.
//!
//! Whatever the faults, every command must end, no change may land twice,
//! every applied change's webhook must arrive signed, and the audit log must
//! verify with exactly one outcome per intent. Time is paused, so the
//! storm's latencies and Retry-After waits cost no wall-clock time.

mod engine_support;
mod storm_support;

use cxone_console::engine::audit::{self, RecordKind, VerifyReport};
use cxone_console::engine::{Command, CommandId, Event, Finished, Outcome};
use cxone_console::sandbox::{Resource, Sandbox, SandboxConfig};
use cxone_console::signing::Verdict;
use engine_support::{Rig, TARGETS};
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;
use storm_support::{Tenant, resource, storm};
use tokio::sync::Semaphore;

/// Commands running at once.
const COMMANDS_AT_ONCE: usize = 24;
/// Virtual time the whole storm may take before the test gives up.
const STORM_PATIENCE: Duration = Duration::from_secs(4 * 3600);

/// How the commands ended, from the events.
#[derive(Default)]
struct Tally {
    finished: HashSet<CommandId>,
    /// Items (or single commands) the engine reports as applied.
    applied: HashSet<String>,
    /// Applied items the engine announces with a webhook: all but attribute
    /// changes, which the tenant announces itself through its callbacks.
    announced: HashSet<String>,
    /// Applied changes by the resource they wrote.
    applied_to: HashMap<Resource, u64>,
    /// The resource each command writes.
    resources: HashMap<CommandId, Resource>,
    outcomes: BTreeMap<&'static str, usize>,
}

impl Tally {
    fn count(&mut self, command: &CommandId, item: &CommandId, outcome: &Outcome) {
        let kind = match outcome {
            Outcome::Applied { .. } => "applied",
            Outcome::Skipped { .. } => "skipped",
            Outcome::Rejected { .. } => "rejected",
            Outcome::Conflict { .. } => "conflict",
            Outcome::Failed { .. } => "failed",
        };
        *self.outcomes.entry(kind).or_default() += 1;
        if outcome.is_applied() {
            self.applied.insert(item.to_string());
            if let Some(resource) = self.resources.get(command) {
                *self.applied_to.entry(*resource).or_default() += 1;
                if *resource != Resource::Attributes {
                    self.announced.insert(item.to_string());
                }
            }
        }
    }

    /// Counts an event; `true` when it ends a command.
    fn take(&mut self, event: Event) -> bool {
        match event {
            Event::ItemFinished { id, item, outcome, .. } => self.count(&id, &item, &outcome),
            Event::Finished { id, result } => {
                if let Finished::Single { outcome, .. } = &result {
                    self.count(&id, &id, outcome);
                }
                return self.finished.insert(id);
            }
            _ => {}
        }
        false
    }
}

/// One item's records in the audit log.
#[derive(Debug, Default)]
struct Trace {
    intents: usize,
    outcomes: usize,
    applied: bool,
}

async fn set_storm(sandbox: &Sandbox) {
    let mut url = sandbox.base_url();
    url.set_path("/sandbox/faults");
    let admin = reqwest::Client::builder().no_proxy().build().unwrap();
    let reply = admin.put(url).json(&json!({ "profile": "storm" })).send().await.unwrap();
    assert!(reply.status().is_success(), "the storm profile is set: {}", reply.status());
}

/// Waits until the sink holds a valid delivery for every announced change.
async fn webhooks_for(rig: &Rig, applied: &HashSet<String>) -> usize {
    let ids = engine_support::webhook_ids(&rig.dir.path().join("audit.jsonl"));
    let announced = |id: &String| ids.get(id).unwrap_or_else(|| panic!("{id} has an intent")).to_string();
    let wanted: HashSet<String> = applied.iter().map(announced).collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(600);
    loop {
        let arrived: HashSet<String> = TARGETS
            .iter()
            .flat_map(|t| rig.sink(t))
            .filter(|d| d.verdict == Verdict::Valid)
            .filter_map(|d| d.webhook_id)
            .collect();
        let missing = wanted.difference(&arrived).count();
        if missing == 0 {
            return arrived.len();
        }
        assert!(tokio::time::Instant::now() < deadline, "{missing} applied changes have no valid webhook");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(start_paused = true)]
async fn every_change_in_a_storm_settles_once_with_its_webhook_and_an_intact_audit_log() {
    let wall = std::time::Instant::now();
    let sandbox = Sandbox::start(SandboxConfig { simulate: true, ..SandboxConfig::quiet() }).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut config = engine_support::engine_config(&sandbox, dir.path());
    config.batch_concurrency = 16;
    // Snapshots at the console's own pace, not the quicker one other tests use.
    config.refresh_every = Duration::from_secs(5);
    let mut rig = Rig::with(sandbox, dir, config).await;
    let tenant = Tenant::read(&rig.sandbox).await;
    let commands = storm(&tenant, &mut StdRng::seed_from_u64(2024));
    let submitted = commands.len();
    let resources = commands.iter().map(|(id, change)| (id.clone(), resource(change))).collect();
    set_storm(&rig.sandbox).await;

    let started = tokio::time::Instant::now();
    // A console runs a few commands at a time, not a thousand.
    let in_flight = Arc::new(Semaphore::new(COMMANDS_AT_ONCE));
    let sender = rig.engine.commands();
    let permits = Arc::clone(&in_flight);
    tokio::spawn(async move {
        for (id, change) in commands {
            let Ok(permit) = permits.acquire().await else { break };
            permit.forget();
            if sender.send(Command::Submit { id, change }).await.is_err() {
                break;
            }
        }
    });
    let mut tally = Tally { resources, ..Tally::default() };
    let deadline = started + STORM_PATIENCE;
    while tally.finished.len() < submitted {
        let event = tokio::time::timeout_at(deadline, rig.events.recv()).await;
        let event =
            event.unwrap_or_else(|_| panic!("{} of {submitted} commands ended", tally.finished.len()));
        if tally.take(event.expect("the engine is running")) {
            in_flight.add_permits(1);
        }
    }
    let storm_took = started.elapsed();
    let delivered = webhooks_for(&rig, &tally.announced).await;

    let stats = rig.sandbox.stats();
    assert_eq!(stats.total_repeated(), 0, "no change landed twice: {:?}", stats.repeated_writes);
    // Every resource the storm wrote to, even one the engine reports no
    // change applied to.
    let written: std::collections::HashSet<Resource> = tally.resources.values().copied().collect();
    for resource in written {
        assert_eq!(
            stats.writes_of(resource),
            tally.applied_to.get(&resource).copied().unwrap_or(0),
            "{resource:?}: the tenant applied what the engine reports"
        );
    }
    for (name, count) in &stats.faults {
        assert!(*count > 0, "the storm injected {name} faults");
    }
    let (_sandbox, dir) = rig.stop().await;
    let path = dir.path().join("audit.jsonl");
    assert!(matches!(audit::verify(&path), Ok(VerifyReport::Intact { .. })), "{:?}", audit::verify(&path));
    let mut per_item: HashMap<String, Trace> = HashMap::new();
    for record in engine_support::audit_records(&path) {
        let Some(id) = record.entry.command_id.clone() else { continue };
        let trace = per_item.entry(id).or_default();
        match record.entry.kind {
            RecordKind::Intent => trace.intents += 1,
            RecordKind::Outcome => {
                trace.outcomes += 1;
                trace.applied |= record.entry.outcome == Some(audit::Outcome::Applied);
            }
            _ => {}
        }
    }
    let intents = per_item.values().filter(|t| t.intents > 0).count();
    for (id, trace) in &per_item {
        assert!(trace.intents <= 1 && trace.outcomes == 1, "{id}: {trace:?}");
    }
    let applied_in_log: HashSet<String> =
        per_item.iter().filter(|(_, t)| t.applied).map(|(id, _)| id.clone()).collect();
    assert_eq!(applied_in_log, tally.applied, "the log and the events agree on what was applied");

    println!(
        "storm: {submitted} commands, {} outcomes {:?}",
        tally.outcomes.values().sum::<usize>(),
        tally.outcomes
    );
    println!("storm: {intents} intents, each with one outcome; {delivered} valid webhooks at the sink");
    println!(
        "storm: tenant writes {:?}, repeated 0, idempotent replays {}, rate limited {}, faults {:?}",
        stats.writes, stats.idempotent_replays, stats.rate_limited, stats.faults
    );
    println!(
        "storm: {:.0} s of tenant time in {:.1} s of wall-clock time",
        storm_took.as_secs_f64(),
        wall.elapsed().as_secs_f64()
    );
}
