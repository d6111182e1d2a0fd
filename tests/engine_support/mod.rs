//! Shared setup of the engine's integration tests: a sandbox tenant on
//! 127.0.0.1:0, an engine pointed at it with its logs in a temporary
//! directory and its webhooks going to the sandbox's sink.

#![allow(dead_code)] // each test file uses its own subset

#[path = "../closed_port/mod.rs"]
pub mod closed_port;
pub mod contacts;
#[path = "../forward_support/mod.rs"]
pub mod forward;
pub mod proxy;

use cxone_console::api::{Client, ClientConfig};
use cxone_console::engine::audit::{AuditRecord, RecordKind};
use cxone_console::engine::outbox::MessageId;
use cxone_console::engine::{Change, Command, CommandId, Engine, EngineConfig, Event, Finished, Outcome};
use cxone_console::sandbox::{Delivery, FaultProfile, FaultRates, Sandbox, SandboxConfig};
use cxone_console::signing::SigningKey;
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::mpsc;

/// Webhook targets the engine sends to, each recorded by the sink under its name.
pub const TARGETS: [&str; 3] = ["disposition", "crm", "wfm"];
/// Longest a test waits for an event before failing with what it saw.
pub const PATIENCE: Duration = Duration::from_secs(60);

pub struct Rig {
    pub sandbox: Sandbox,
    pub engine: Engine,
    pub events: mpsc::Receiver<Event>,
    pub dir: tempfile::TempDir,
    /// Every event received so far, in order.
    pub seen: Vec<Event>,
}

pub fn client(sandbox: &Sandbox) -> Client {
    Client::new(ClientConfig::new(sandbox.base_url(), sandbox.client_id(), sandbox.client_secret().clone()))
        .expect("a valid client configuration")
}

/// Document 000's disposition of `interaction_id`: 101 Issue Resolved, by
/// its agent.
pub fn issue_resolved(interaction_id: &str) -> Change {
    Change::InteractionDisposition {
        interaction_id: interaction_id.into(),
        dispositions: vec![cxone_console::domain::interaction_disposition::DispositionDraft {
            code: "101".into(),
            description: "Issue Resolved".into(),
            agent_id: "agent_xyz_123".into(),
            ..Default::default()
        }],
        name: None,
    }
}

/// An engine configuration for `sandbox` with its logs under `dir`.
/// A user of the tenant without the Agent role, whom no disposition or
/// outcome may name.
pub async fn non_agent(sandbox: &Sandbox) -> cxone_console::api::model::User {
    let users = client(sandbox)
        .users(&cxone_console::api::model::ListQuery::new().top(1000))
        .await
        .expect("the users list")
        .value
        .items;
    users.into_iter().find(|u| !u.roles.iter().any(|r| r == "Agent")).expect("a user with other roles")
}

pub fn engine_config(sandbox: &Sandbox, dir: &std::path::Path) -> EngineConfig {
    let key = SigningKey::from_secret(sandbox.sink_secret()).expect("the sandbox's sink secret is valid");
    let mut config = EngineConfig::new(dir, key);
    config.operator = "test-operator".into();
    config.client_id = sandbox.client_id().into();
    // Flows are tested without background reads competing for the tenant;
    // the refresh has tests of its own.
    config.refresh_every = Duration::ZERO;
    config.webhook_targets =
        TARGETS.iter().map(|name| ((*name).to_string(), sandbox.sink_url(name))).collect::<HashMap<_, _>>();
    config
}

impl Rig {
    /// A quiet sandbox (no simulation, no faults) and an engine on it.
    pub async fn quiet() -> Self {
        Self::start(SandboxConfig::quiet()).await
    }

    pub async fn start(sandbox: SandboxConfig) -> Self {
        let sandbox = Sandbox::start(sandbox).await.expect("the sandbox binds 127.0.0.1:0");
        let dir = tempfile::tempdir().expect("a temporary directory");
        let config = engine_config(&sandbox, dir.path());
        Self::with(sandbox, dir, config).await
    }

    /// Like [`Rig::start`], with entity snapshots refreshed every 500 ms.
    pub async fn refreshing(sandbox: SandboxConfig) -> Self {
        let sandbox = Sandbox::start(sandbox).await.expect("the sandbox binds 127.0.0.1:0");
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut config = engine_config(&sandbox, dir.path());
        config.refresh_every = Duration::from_millis(500);
        Self::with(sandbox, dir, config).await
    }

    /// A quiet tenant whose answers take about `median_ms` (at most about
    /// `p99_ms`), so that what waits behind a request can be seen waiting,
    /// and an engine on it as `configure` sets it.
    pub async fn slow(median_ms: f64, p99_ms: f64, configure: impl FnOnce(&mut EngineConfig)) -> Self {
        let slow = FaultRates {
            latency_median_ms: median_ms,
            latency_p99_ms: p99_ms,
            ..FaultRates::from(FaultProfile::None)
        };
        let sandbox = Sandbox::start(SandboxConfig { faults: slow, ..SandboxConfig::quiet() })
            .await
            .expect("the sandbox binds 127.0.0.1:0");
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut config = engine_config(&sandbox, dir.path());
        configure(&mut config);
        Self::with(sandbox, dir, config).await
    }

    /// An engine with a custom configuration on an existing sandbox.
    pub async fn with(sandbox: Sandbox, dir: tempfile::TempDir, config: EngineConfig) -> Self {
        let (engine, events) = Engine::start(client(&sandbox), config).await.expect("the engine starts");
        Self { sandbox, engine, events, dir, seen: Vec::new() }
    }

    /// From now on the tenant revokes the token of about one request in
    /// twenty, and no other fault.
    pub fn revoking_tokens(&self) {
        let revoking = FaultRates { rate_revoke: 0.05, ..FaultRates::from(FaultProfile::None) };
        self.sandbox.state().faults.set(revoking).expect("valid fault rates");
    }

    pub async fn submit(&self, change: Change) -> CommandId {
        self.engine.submit(change).await.expect("the engine takes commands")
    }

    pub async fn send(&self, command: Command) {
        assert!(self.engine.send(command).await, "the engine takes commands");
    }

    /// Waits for the next event matching `pick`, keeping every event seen.
    pub async fn until<T>(&mut self, mut pick: impl FnMut(&Event) -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let event = tokio::time::timeout_at(deadline, self.events.recv())
                .await
                .unwrap_or_else(|_| {
                    panic!("no awaited event within {PATIENCE:?}; saw {} events", self.seen.len())
                })
                .expect("the engine is running");
            let picked = pick(&event);
            self.seen.push(event);
            if let Some(t) = picked {
                return t;
            }
        }
    }

    /// Submits `change` and waits for its end.
    pub async fn run(&mut self, change: Change) -> Finished {
        let id = self.submit(change).await;
        self.finished(&id).await
    }

    /// Like [`Rig::until`], but an event that already arrived while the test
    /// waited for another one counts: commands run side by side and end in
    /// any order.
    pub async fn seen_or_next<T>(&mut self, mut pick: impl FnMut(&Event) -> Option<T>) -> T {
        match self.seen.iter().find_map(&mut pick) {
            Some(earlier) => earlier,
            None => self.until(pick).await,
        }
    }

    /// Whether each batch entry seen so far was applied, in the order their
    /// ends arrived.
    pub fn applied_in_order(&self) -> Vec<bool> {
        self.seen
            .iter()
            .filter_map(|e| match e {
                Event::ItemFinished { outcome, .. } => Some(outcome.is_applied()),
                _ => None,
            })
            .collect()
    }

    /// The batch entries seen to end so far, in the order their ends arrived.
    pub fn ended_items(&self) -> Vec<&CommandId> {
        self.seen
            .iter()
            .filter_map(|e| match e {
                Event::ItemFinished { item, .. } => Some(item),
                _ => None,
            })
            .collect()
    }

    /// Whether every entry of `first` was seen to end before any of `then`.
    pub fn all_ended_before(&self, first: &[CommandId], then: &[CommandId]) -> bool {
        let ended = self.ended_items();
        let at = |id: &CommandId| ended.iter().position(|x| *x == id).expect("the entry ended");
        first.iter().map(at).max() < then.iter().map(at).min()
    }

    /// The end of command `id`, whether it came before this call or after.
    pub async fn finished(&mut self, id: &CommandId) -> Finished {
        self.seen_or_next(|e| match e {
            Event::Finished { id: done, result } if done == id => Some(result.clone()),
            _ => None,
        })
        .await
    }

    /// Submits every change at once and waits for all of them; returns the
    /// single outcomes that were neither applied nor skipped.
    pub async fn all_at_once(&mut self, changes: Vec<Change>) -> Vec<String> {
        let mut waiting = std::collections::HashSet::new();
        for change in changes {
            waiting.insert(self.submit(change).await);
        }
        let mut missed = Vec::new();
        while !waiting.is_empty() {
            let (id, result) = self
                .until(|e| match e {
                    Event::Finished { id, result } => Some((id.clone(), result.clone())),
                    _ => None,
                })
                .await;
            if !waiting.remove(&id) {
                continue;
            }
            match result {
                Finished::Single { outcome: Outcome::Applied { .. } | Outcome::Skipped { .. }, .. } => {}
                other => missed.push(format!("{other:?}")),
            }
        }
        missed
    }

    /// The single outcome of a one-target change.
    pub async fn outcome(&mut self, change: Change) -> Outcome {
        match self.run(change).await {
            Finished::Single { outcome, .. } => outcome,
            Finished::Batch(report) => panic!("expected one outcome, got a batch report {report:?}"),
        }
    }

    /// Every record of the audit log, read from the file.
    pub fn audit_records(&self) -> Vec<AuditRecord> {
        audit_records(&self.dir.path().join("audit.jsonl"))
    }

    /// The `webhook-id` of the change `item`: named by its first intent in
    /// the audit log (see `MessageId::announcing`).
    pub fn webhook_id(&self, item: &str) -> MessageId {
        webhook_id(&self.dir.path().join("audit.jsonl"), item)
    }

    /// Deliveries the sink recorded for `target`.
    pub fn sink(&self, target: &str) -> Vec<Delivery> {
        self.sandbox.state().sink.deliveries(target)
    }

    /// Waits until the sink holds at least `n` deliveries for `target`.
    pub async fn sink_holds(&self, target: &str, n: usize) -> Vec<Delivery> {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let got = self.sink(target);
            if got.len() >= n {
                return got;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{target}: {} of {n} deliveries arrived",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub async fn stop(self) -> (Sandbox, tempfile::TempDir) {
        self.engine.shutdown().await;
        (self.sandbox, self.dir)
    }
}

/// The `webhook-id` of the change `item`, named by its first intent in the
/// audit log at `path` (these tests apply a change once).
pub fn webhook_id(path: &std::path::Path, item: &str) -> MessageId {
    webhook_ids(path).remove(item).unwrap_or_else(|| panic!("{item} has an intent in the audit log"))
}

/// The `webhook-id` of every change with an intent in the audit log at
/// `path`, by item.
pub fn webhook_ids(path: &std::path::Path) -> std::collections::HashMap<String, MessageId> {
    let mut first = std::collections::HashMap::new();
    for record in audit_records(path) {
        if let (RecordKind::Intent, Some(item)) = (record.entry.kind, record.entry.command_id) {
            first.entry(item).or_insert(record.hash);
        }
    }
    first.into_iter().map(|(item, hash)| (item.clone(), MessageId::announcing(&item, Some(&hash)))).collect()
}

/// Every record of the audit log at `path`.
pub fn audit_records(path: &std::path::Path) -> Vec<AuditRecord> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines().map(|l| serde_json::from_str(l).expect("every audit line is a record")).collect()
}
