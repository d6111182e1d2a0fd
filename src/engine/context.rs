//! What every flow shares: the client, the durable logs, the metrics, the
//! event channel, the settings and the tenant's cached rules.

use super::audit::AuditLog;
use super::event::{Event, Outcome};
use super::metrics::{self, ErrorClass, Metrics, Operation};
use super::outbox::Outbox;
use super::rules::TenantRules;
use crate::api::model::Webhook;
use crate::api::{ApiError, ApiErrorKind, Client};
use crate::signing::SigningKey;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use url::Url;

/// How an engine is set up.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Who makes the changes, as recorded in the audit log.
    pub operator: String,
    /// The API client id, as recorded in the audit log.
    pub client_id: String,
    /// Requests per second per campaign; `None` leaves them unlimited.
    pub campaign_rate: Option<f64>,
    /// Targets of a batch worked on at once.
    pub batch_concurrency: usize,
    /// Times a write refused for a stale version is read again and retried.
    pub conflict_retries: u32,
    /// How often entity snapshots are refreshed.
    pub refresh_every: Duration,
    pub audit_path: PathBuf,
    pub outbox_path: PathBuf,
    /// Webhook receivers by target name: `disposition`, `crm`, `wfm`.
    pub webhook_targets: HashMap<String, Url>,
    pub webhook_key: SigningKey,
    /// Listen on loopback for the tenant's attribute callbacks.
    pub callbacks: bool,
    /// Refuse every change that writes to the tenant.
    pub read_only: bool,
}

impl EngineConfig {
    /// Settings with the documents' defaults, storing logs in `data_dir`.
    pub fn new(data_dir: impl Into<PathBuf>, webhook_key: SigningKey) -> Self {
        let data_dir = data_dir.into();
        Self {
            operator: "unknown".into(),
            client_id: "unknown".into(),
            campaign_rate: Some(10.0),
            batch_concurrency: 8,
            conflict_retries: 3,
            refresh_every: Duration::from_secs(5),
            audit_path: data_dir.join("audit.jsonl"),
            outbox_path: data_dir.join("outbox.jsonl"),
            webhook_targets: HashMap::new(),
            webhook_key,
            callbacks: true,
            read_only: false,
        }
    }
}

/// Shared by every running flow.
pub(crate) struct Ctx {
    pub api: Client,
    pub audit: AuditLog,
    pub outbox: Outbox,
    pub metrics: Metrics,
    pub events: mpsc::Sender<Event>,
    pub config: EngineConfig,
    pub rules: TenantRules,
    /// Commands that reached a final outcome in an earlier run (from the
    /// audit log), so a re-run batch file does not apply them again.
    pub finished_before: HashSet<String>,
    /// Contacts given a disposition during this run, as (campaign, contact).
    pub processed_contacts: Mutex<HashSet<(String, String)>>,
    /// Cancelled when the engine stops, so tasks a flow starts (the
    /// attribute-callback listener) stop with it.
    pub stop: CancellationToken,
    /// This engine's registration for attribute callbacks, once made; the
    /// lock makes concurrent requests to watch register once.
    pub attribute_watch: tokio::sync::Mutex<Option<Webhook>>,
}

impl Ctx {
    /// Sends an event; a console that has gone away is not an error here.
    pub async fn emit(&self, event: Event) {
        let _ = self.events.send(event).await;
    }

    /// Records a finished operation in the live metrics.
    pub fn measure(&self, operation: Operation, result: Result<(), ErrorClass>, latency: Duration) {
        let outcome = match result {
            Ok(()) => metrics::Outcome::Succeeded,
            Err(class) => metrics::Outcome::Failed(class),
        };
        self.metrics.record(operation, outcome, latency);
    }
}

/// How an API error reads as an outcome, and which error class it counts in.
pub(crate) fn settle(error: &ApiError) -> (Outcome, ErrorClass) {
    let text = error.to_string();
    let class = error_class(error);
    let outcome = match &error.kind {
        ApiErrorKind::Conflict { .. } => Outcome::conflict(text),
        ApiErrorKind::BadRequest { .. }
        | ApiErrorKind::Forbidden { .. }
        | ApiErrorKind::NotFound { .. }
        | ApiErrorKind::PreconditionRequired { .. }
        | ApiErrorKind::Unauthorized { .. }
        | ApiErrorKind::TokenRefused { .. } => Outcome::rejected(text),
        _ => Outcome::failed(text),
    };
    (outcome, class)
}

pub(crate) fn error_class(error: &ApiError) -> ErrorClass {
    match &error.kind {
        ApiErrorKind::Network { .. } | ApiErrorKind::Interrupted { .. } => ErrorClass::Network,
        ApiErrorKind::Timeout { .. } => ErrorClass::Timeout,
        _ => error.kind.status().and_then(ErrorClass::from_status).unwrap_or(ErrorClass::Network),
    }
}
