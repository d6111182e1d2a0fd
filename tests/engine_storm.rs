//! The fault storm: a few thousand mixed changes against a tenant having a
//! bad day (slow replies, 429s, 5xx, dropped connections before and after a
//! write, revoked tokens), with the dialer and the agents moving meanwhile.
//!
//! Whatever the faults, every command must end, no change may land twice,
//! every applied change's webhook must arrive signed, and the audit log must
//! verify with exactly one outcome per intent. Time is paused, so the
//! storm's latencies and Retry-After waits cost no wall-clock time.

mod engine_support;

use cxone_console::api::model::{
    Campaign, Contact, Interaction, InteractionFilter, ListQuery, NoFilter, User,
};
use cxone_console::domain::Timestamp;
use cxone_console::domain::agent_status::{AgentStatus, AgentStatusDraft, DEFAULT_PAUSE_REASONS};
use cxone_console::domain::attributes::AttributeDraft;
use cxone_console::domain::contact_disposition::ContactDispositionDraft;
use cxone_console::domain::interaction_disposition::{DispositionDraft, InteractionStatus, MatrixCode};
use cxone_console::engine::audit::{self, RecordKind, VerifyReport};
use cxone_console::engine::outbox::MessageId;
use cxone_console::engine::{Change, Command, CommandId, Event, Finished, Item, Outcome};
use cxone_console::sandbox::{Resource, Sandbox, SandboxConfig};
use cxone_console::signing::Verdict;
use engine_support::{Rig, TARGETS};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Document 001's agent, whom the sandbox always seeds: outcomes and
/// dispositions name an agent of the tenant.
const OUTBOUND_AGENT: &str = "agent-uuid-1234567890abcdef";
/// Contact entries in all: the sink keeps the latest 1,000 deliveries per
/// target, so each target's webhooks stay below that.
const CONTACT_ENTRIES: usize = 900;
const CONTACT_BATCH: usize = 120;
const AGENT_SINGLES: usize = 300;
const TEAMS: usize = 30;
const TEAM_SIZE: usize = 20;
const DISPOSITIONS: usize = 300;
const ATTRIBUTE_CHANGES: usize = 300;
/// Commands running at once.
const COMMANDS_AT_ONCE: usize = 24;
/// Virtual time the whole storm may take before the test gives up.
const STORM_PATIENCE: Duration = Duration::from_secs(4 * 3600);

/// What the changes are made of, read before the storm starts.
struct Tenant {
    campaigns: Vec<Campaign>,
    contacts: Vec<Contact>,
    users: Vec<User>,
    closed: Vec<Interaction>,
    interactions: Vec<Interaction>,
    codes: Vec<MatrixCode>,
}

/// The first page of a list, as large as the tenant serves.
fn all<F: Default>() -> ListQuery<F> {
    ListQuery::new().top(1000)
}

impl Tenant {
    async fn read(sandbox: &Sandbox) -> Self {
        let api = engine_support::client(sandbox);
        let campaigns = api.campaigns(&all::<NoFilter>()).await.unwrap().value.items;
        let mut contacts = Vec::new();
        for c in &campaigns {
            contacts.extend(api.contacts(&c.id, &all()).await.unwrap().value.items);
        }
        let closed_only = InteractionFilter { status: Some(InteractionStatus::Closed) };
        Self {
            users: api.users(&all()).await.unwrap().value.items,
            closed: api.interactions(&all().filter(closed_only)).await.unwrap().value.items,
            interactions: api.interactions(&all()).await.unwrap().value.items,
            codes: api.dispositions().await.unwrap().value.codes().cloned().collect(),
            campaigns,
            contacts,
        }
    }
}

/// Every command of the storm, each under its own id.
fn storm(tenant: &Tenant, rng: &mut StdRng) -> Vec<(CommandId, Change)> {
    let mut commands = Vec::new();
    commands.extend(contact_batches(tenant, rng));
    commands.extend(agent_changes(tenant, rng));
    commands.extend(interaction_changes(tenant, rng));
    commands
}

fn batch<T>(drafts: Vec<T>, wrap: impl Fn(Vec<Item<T>>) -> Change) -> (CommandId, Change) {
    let id = CommandId::random();
    let items = drafts.into_iter().enumerate().map(|(i, draft)| Item { id: id.item(i), draft }).collect();
    (id, wrap(items))
}

/// Batches of contacts across every campaign, with some entries repeated
/// and a few codes no campaign accepts.
fn contact_batches(tenant: &Tenant, rng: &mut StdRng) -> Vec<(CommandId, Change)> {
    let codes: HashMap<&str, &Vec<String>> =
        tenant.campaigns.iter().map(|c| (c.id.as_str(), &c.outcome_codes)).collect();
    let drafts: Vec<ContactDispositionDraft> = tenant
        .contacts
        .choose_multiple(rng, CONTACT_ENTRIES)
        .map(|c| {
            let code = if rng.random_bool(0.02) {
                "SOLD_OUT".to_string()
            } else {
                codes[c.campaign_id.as_str()].choose(rng).cloned().unwrap_or_default()
            };
            ContactDispositionDraft {
                contact_id: c.id.to_string(),
                campaign_id: c.campaign_id.to_string(),
                outcome_code: code,
                agent_id: OUTBOUND_AGENT.into(),
                notes: "storm".into(),
                ..Default::default()
            }
        })
        .collect();
    drafts
        .chunks(CONTACT_BATCH)
        .map(|chunk| {
            let mut entries = chunk.to_vec();
            entries.push(chunk[0].clone());
            batch(entries, Change::ContactDispositions)
        })
        .collect()
}

fn agent_draft(user: &User, rng: &mut StdRng) -> AgentStatusDraft {
    let status = *AgentStatus::ALL.choose(rng).unwrap_or(&AgentStatus::Available);
    let reason = if status == AgentStatus::Break { DEFAULT_PAUSE_REASONS.choose(rng).copied() } else { None };
    AgentStatusDraft {
        user_id: user.id.to_string(),
        status: status.as_str().into(),
        pause_reason: reason.unwrap_or_default().into(),
        respect_wrap_up: rng.random_bool(0.7),
        auto_available: rng.random_bool(0.5),
        ..Default::default()
    }
}

/// Mostly agents the tenant lets change now; one in ten is anyone at all
/// (off shift, or with no agent role).
fn someone<'a>(tenant: &'a Tenant, rng: &mut StdRng) -> Option<&'a User> {
    let now = Timestamp::now().unix_seconds();
    let may_change = |u: &&User| {
        u.role_names().any(|r| r == "Agent" || r == "Supervisor")
            && u.shift.is_none_or(|s| s.start + 600.0 < now && now < s.end - 600.0)
    };
    if rng.random_bool(0.9) {
        tenant.users.iter().filter(may_change).collect::<Vec<_>>().choose(rng).copied()
    } else {
        tenant.users.choose(rng)
    }
}

/// Single agents and whole teams, some users changed by several commands at once.
fn agent_changes(tenant: &Tenant, rng: &mut StdRng) -> Vec<(CommandId, Change)> {
    let mut commands = Vec::new();
    for _ in 0..AGENT_SINGLES {
        let Some(user) = someone(tenant, rng) else { break };
        // A single change is its own item: its webhook is named by the command.
        let id = CommandId::random();
        commands.push((id.clone(), Change::AgentStatus(vec![Item { id, draft: agent_draft(user, rng) }])));
    }
    for _ in 0..TEAMS {
        let team = (0..TEAM_SIZE)
            .filter_map(|_| {
                let user = someone(tenant, rng)?;
                Some(agent_draft(user, rng))
            })
            .collect();
        commands.push(batch(team, Change::AgentStatus));
    }
    commands
}

/// Interaction dispositions and attribute changes (documents 000 and 002).
fn interaction_changes(tenant: &Tenant, rng: &mut StdRng) -> Vec<(CommandId, Change)> {
    let mut commands = Vec::new();
    for interaction in tenant.closed.choose_multiple(rng, DISPOSITIONS) {
        let Some(code) = tenant.codes.choose(rng) else { break };
        let draft = DispositionDraft {
            code: code.code.clone(),
            description: code.description.clone(),
            agent_id: interaction.agent_id.clone().unwrap_or_else(|| OUTBOUND_AGENT.into()),
            ..Default::default()
        };
        let change = Change::InteractionDisposition {
            interaction_id: interaction.id.to_string(),
            dispositions: vec![draft],
        };
        commands.push((CommandId::random(), change));
    }
    for (n, interaction) in tenant.interactions.choose_multiple(rng, ATTRIBUTE_CHANGES).enumerate() {
        let row = AttributeDraft { key: format!("storm_{n}"), value: json!(n), mode: "ADD".into() };
        let change = Change::Attributes { interaction_id: interaction.id.to_string(), rows: vec![row] };
        commands.push((CommandId::random(), change));
    }
    commands
}

fn resource(change: &Change) -> Resource {
    match change {
        Change::ContactDispositions(_) => Resource::ContactDisposition,
        Change::AgentStatus(_) => Resource::AgentStatus,
        Change::InteractionDisposition { .. } => Resource::InteractionDisposition,
        Change::Attributes { .. } | Change::WatchAttributes => Resource::Attributes,
        Change::DataAction(_) => Resource::DataAction,
    }
}

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
    let wanted: HashSet<String> = applied.iter().map(|id| MessageId::derived(id).to_string()).collect();
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
    for (resource, applied) in &tally.applied_to {
        assert_eq!(
            stats.writes_of(*resource),
            *applied,
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
