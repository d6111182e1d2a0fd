//! The backend: applies every change safely and reports on it.
//!
//! Commands come in, events go out. Each change is validated, recorded as an
//! intent in the audit log before the first remote write, performed with the
//! retry and conflict policy of its document, recorded with its outcome, and
//! announced to the systems that depend on it through the webhook outbox.
//! Alongside, the engine keeps entity snapshots fresh, publishes live metrics
//! and forwards every audit record, so the console only ever reads events.

pub mod audit;
mod command;
mod connection;
mod context;
mod event;
mod flows;
mod in_flight;
pub mod journal;
pub mod metrics;
pub mod outbox;
mod pacing;
mod reconcile;
mod refresh;
mod row_key;
mod rules;
mod run;
mod skip;
mod tally;
mod waits;
mod webhooks;

pub use command::{ActionRef, Change, Command, CommandId, DataActionChange, Item};
pub use context::EngineConfig;
pub use event::{
    AttributeCallback, BatchReport, Connection, Entities, Event, Finished, Link, Outcome, Recovery, RuleBook,
    STALE_AFTER, Snapshot, Stale, Standing, Table, Wait, WaitTold, Write,
};
/// A read tried again over the tenant's passing trouble, as the flows read.
pub(crate) use flows::again;
/// Data actions by name, as batch files name them.
pub(crate) use flows::{data_actions_by_name, one_action_named};
/// An agent's status and reason as a status change records them.
pub(crate) use reconcile::intents::{agent_state, contact_intended, contact_state, state_after};
pub use row_key::RowKey;
pub use skip::SkipKey;

use crate::api::Client;
use crate::engine::outbox::OutboxStatus;
use audit::{AuditEntry, AuditError, AuditLog};
use context::Ctx;
use metrics::Metrics;
use outbox::{Deliverer, DeliveryConfig, DeliveryError, Outbox, OutboxError};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Events waiting for the console before flows pause to let it catch up.
const EVENT_BUFFER: usize = 4096;
/// Commands waiting to be taken on.
const COMMAND_BUFFER: usize = 256;
/// How often metrics snapshots are published (at most 4 a second).
const METRICS_PERIOD: Duration = Duration::from_millis(250);

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("the audit log could not be opened: {0}")]
    Audit(#[from] AuditError),
    #[error("the webhook outbox could not be opened: {0}")]
    Outbox(#[from] OutboxError),
    #[error("the webhook deliverer could not start: {0}")]
    Delivery(#[from] DeliveryError),
}

impl EngineError {
    /// Whether another process (a console, a run) holds the logs.
    pub fn in_use(&self) -> bool {
        use journal::JournalError::Locked;
        matches!(
            self,
            Self::Audit(AuditError::Journal(Locked { .. }))
                | Self::Outbox(OutboxError::Journal(Locked { .. }))
        )
    }
}

/// The running engine: send it commands, stop it with [`Engine::shutdown`].
pub struct Engine {
    commands: mpsc::Sender<Command>,
    cancel: CancellationToken,
    /// Ends with the webhook deliverer's last status.
    task: JoinHandle<OutboxStatus>,
}

impl Engine {
    /// Opens the audit log (repairing a torn tail) and the outbox, reconciles
    /// changes a crash left unsettled, starts the webhook deliverer, then
    /// serves commands. Events arrive on the returned receiver.
    pub async fn start(
        api: Client,
        config: EngineConfig,
    ) -> Result<(Self, mpsc::Receiver<Event>), EngineError> {
        let (events, receiver) = mpsc::channel(EVENT_BUFFER);
        let cancel = CancellationToken::new();
        let (audit, mut report) = AuditLog::open(&config.audit_path).await?;
        let outbox = Outbox::open(&config.outbox_path).await?;
        for said in outbox.repairs() {
            // A cut outbox line, or lines gone, may have held a webhook: the
            // audit log, which the console shows and exports, says so, not
            // only the log file.
            let reason = format!("{said} (outbox {})", config.outbox_path.display());
            let repair = audit.append(AuditEntry::repair(reason)).await?;
            report.recent.push(Arc::unwrap_or_clone(repair));
        }
        let mut delivery = DeliveryConfig::new(config.webhook_targets.clone(), config.webhook_key.clone());
        delivery.max_in_flight = delivery.max_in_flight.max(config.batch_concurrency);
        let metrics = Metrics::new();
        let ctx = Arc::new(Ctx {
            rules: rules::TenantRules::new(api.clone()),
            api,
            audit,
            outbox,
            metrics,
            events,
            campaign_pacing: pacing::CampaignPacing::new(config.campaign_rate),
            config,
            finished_before: Mutex::new(report.finished.clone()),
            already_so_before: report.already_so.clone(),
            sent_before: report.unconfirmed.clone(),
            processed_contacts: Mutex::new(HashSet::new()),
            stop: cancel.child_token(),
            attribute_watch: Default::default(),
            whole_reads: Default::default(),
        });
        let history = report.recent.iter().cloned().map(Arc::new).collect();
        ctx.emit(Event::AuditHistory(history)).await;
        run::forward_metrics_and_audit(&ctx, METRICS_PERIOD, &cancel);
        // Settled before the deliverer starts, so what reconciliation queues
        // joins the backlog it drains first.
        let recovery = reconcile::recover(&ctx, &report).await;
        ctx.emit(Event::Recovered(recovery)).await;
        let deliverer = Deliverer::spawn(ctx.outbox.clone(), delivery, cancel.child_token())?;
        run::forward_outbox_status(&ctx, &deliverer);
        let refresher = refresh::spawn(Arc::clone(&ctx), cancel.child_token());
        // In the background: start-up waits for nothing on the tenant's
        // webhook list.
        let tidying = Arc::clone(&ctx);
        tokio::spawn(async move { flows::attributes::tidy(&tidying).await });
        let (commands, inbox) = mpsc::channel(COMMAND_BUFFER);
        let task = tokio::spawn(run::serve(ctx, inbox, refresher, deliverer, cancel.clone()));
        Ok((Self { commands, cancel, task }, receiver))
    }

    /// Sends a command; `false` when the engine has stopped.
    pub async fn send(&self, command: Command) -> bool {
        self.commands.send(command).await.is_ok()
    }

    /// Submits a change under a fresh id, returned for matching its events.
    pub async fn submit(&self, change: Change) -> Option<CommandId> {
        let id = CommandId::random();
        self.send(Command::Submit { id: id.clone(), change }).await.then_some(id)
    }

    /// A handle for sending commands from elsewhere (the console's driver).
    pub fn commands(&self) -> mpsc::Sender<Command> {
        self.commands.clone()
    }

    /// Lets changes in flight finish, then closes the logs and stops.
    /// Returns where the webhooks stand once the deliverer has stopped:
    /// what a run reports of them, with no attempt left in flight.
    pub async fn shutdown(self) -> Option<OutboxStatus> {
        let _ = self.commands.send(Command::Shutdown).await;
        let last =
            self.task.await.inspect_err(|e| tracing::error!("the engine stopped abnormally: {e}")).ok();
        self.cancel.cancel();
        last
    }

    /// Stops at once: flows in flight are abandoned where they stand, as a
    /// crash would leave them (their intents are reconciled on next start).
    pub fn abort(self) {
        self.cancel.cancel();
        self.task.abort();
    }
}
