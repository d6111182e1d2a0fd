//! What every flow shares: the client, the durable logs, the metrics, the
//! event channel, the settings and the tenant's cached rules.

use super::audit::{AuditLog, ChainHash};
use super::event::{Event, Outcome};
use super::metrics::{self, ErrorClass, Metrics, Operation};
use super::outbox::{MessageId, Outbox};
use super::pacing::CampaignPacing;
use super::refresh::WholeReads;
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
    /// A batch's requests at the tenant at once (contact dispositions,
    /// whose contacts wait for their records with no request out), or its
    /// targets worked on at once (agents).
    pub batch_concurrency: usize,
    /// Commands worked on at once; the rest wait their turn, in order.
    /// Marking 800 interactions sends 800 commands, which must not become
    /// 800 requests at the tenant at the same moment.
    pub commands_at_once: usize,
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
            commands_at_once: 16,
            conflict_retries: 2,
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

/// A contact as the session's set of those processed holds it: (campaign,
/// contact).
pub(crate) type Claim = (String, String);

/// Shared by every running flow.
pub(crate) struct Ctx {
    pub api: Client,
    pub audit: AuditLog,
    pub outbox: Outbox,
    pub metrics: Metrics,
    pub events: mpsc::Sender<Event>,
    pub config: EngineConfig,
    pub rules: TenantRules,
    /// Changes applied before this run: so recorded in the audit log, or
    /// found applied by start-up reconciliation. A re-run batch file skips
    /// them rather than sending them again.
    pub finished_before: Mutex<HashSet<String>>,
    /// Those of them the log found already so: they wrote nothing.
    pub already_so_before: HashSet<String>,
    /// Changes an earlier run sent without learning that they were applied,
    /// with their first intent's hash
    /// (see [`OpenReport::unconfirmed`](super::audit::OpenReport)).
    pub sent_before: HashMap<String, ChainHash>,
    /// Contacts given a disposition during this run, as (campaign, contact).
    pub processed_contacts: Mutex<HashSet<Claim>>,
    /// Cancelled when the engine stops, so tasks a flow starts (the
    /// attribute-callback listener) stop with it.
    pub stop: CancellationToken,
    /// This engine's registration for attribute callbacks, once made; the
    /// lock makes concurrent requests to watch register once.
    pub attribute_watch: tokio::sync::Mutex<Option<AttributeWatch>>,
    /// Paces every request to a campaign's contacts, across all batches.
    pub campaign_pacing: CampaignPacing,
    /// Asks the entity tables to be read whole at their next round.
    pub whole_reads: WholeReads,
}

/// A registration for attribute callbacks and the listener it calls.
pub(crate) struct AttributeWatch {
    pub hook: Webhook,
    pub listener: tokio::task::JoinHandle<()>,
}

impl Ctx {
    /// Sends an event; a console that has gone away is not an error here.
    pub async fn emit(&self, event: Event) {
        let _ = self.events.send(event).await;
    }

    /// Whether an earlier run applied the change `item`.
    pub fn applied_before(&self, item: &str) -> bool {
        self.finished_before.lock().unwrap_or_else(|p| p.into_inner()).contains(item)
    }

    /// Whether an earlier run applied `item` by writing it: its target took
    /// the change then, which one found already so did not.
    pub fn wrote_before(&self, item: &str) -> bool {
        self.applied_before(item) && !self.already_so_before.contains(item)
    }

    /// Whether an earlier run of this audit log sent the change `item`
    /// without its outcome saying applied.
    pub fn sent_before(&self, item: &str) -> bool {
        self.sent_before.contains_key(item)
    }

    /// The hash of the first intent an earlier run of this log recorded
    /// for `item`, when none of its outcomes says applied: it names the
    /// webhook of a write that may have landed.
    pub fn first_intent_before(&self, item: &str) -> Option<&ChainHash> {
        self.sent_before.get(item)
    }

    /// The id of the webhook announcing `item`, whose own intent (this run's)
    /// is `own`: named by its first intent not settled since, so a run,
    /// start-up and a re-run all announce one change under one id.
    pub fn announcing(&self, item: &str, own: Option<&ChainHash>) -> MessageId {
        MessageId::announcing(item, self.first_intent_before(item).or(own))
    }

    /// Marks `item` as applied before this run (reconciled at start-up).
    pub fn applied_earlier(&self, item: &str) {
        self.finished_before.lock().unwrap_or_else(|p| p.into_inner()).insert(item.to_string());
    }

    /// Lets go of a contact a batch took in the session's set and did not
    /// finish, so that a later batch this session may send it.
    pub fn release_claim(&self, claim: &Claim) {
        self.processed_contacts.lock().unwrap_or_else(|p| p.into_inner()).remove(claim);
    }

    /// Whether webhooks for `target` (`crm`, `wfm`, `disposition`) have a
    /// receiver: one without a URL hears nothing, so nothing is queued for it.
    pub fn announces(&self, target: &str) -> bool {
        self.config.webhook_targets.contains_key(target)
    }

    /// Records a finished operation in the live metrics.
    pub fn measure(&self, operation: Operation, result: Result<(), ErrorClass>, latency: Duration) {
        let outcome = match result {
            Ok(()) => metrics::Outcome::Succeeded,
            Err(class) => metrics::Outcome::Failed(class),
        };
        self.metrics.record(operation, outcome, latency);
        self.metrics.set_token_refreshes(self.api.token_refreshes());
        self.metrics.set_setbacks(self.api.setbacks());
    }
}

/// How an API error reads as an outcome, and which error class it counts in.
pub(crate) fn settle(error: &ApiError) -> (Outcome, ErrorClass) {
    let mut text = error.to_string();
    if may_have_landed(error) {
        let n = error.call.unanswered;
        let requests = if n == 1 { "a request".to_string() } else { format!("{n} requests") };
        text.push_str(&format!(
            "; but {requests} of this change went out unanswered, so it may have been applied all the same: \
             reload to see, or send it again (a target that holds it already is skipped)"
        ));
    }
    let class = error_class(error);
    let outcome = match &error.kind {
        ApiErrorKind::Conflict { .. } => Outcome::conflict(text),
        ApiErrorKind::BadRequest { .. }
        | ApiErrorKind::Forbidden { .. }
        | ApiErrorKind::NotFound { .. }
        | ApiErrorKind::PreconditionRequired { .. }
        | ApiErrorKind::KeyReused { .. }
        | ApiErrorKind::Unauthorized { .. }
        | ApiErrorKind::TokenRefused { .. } => Outcome::rejected(text),
        _ => Outcome::failed(text),
    };
    (outcome, class)
}

/// Whether a failed write may have been applied all the same, or may go
/// through when tried again. Only the tenant's answers about the write
/// itself settle it: with an idempotency key, an attempt that landed
/// earlier in the call is replayed, never refused, so a refusal means no
/// attempt landed. Anything else (no answer, an unreadable one, a server
/// error, a revoked token, a rate limit outlasting the retries) may have
/// followed an attempt that landed unanswered.
pub(crate) fn unsettled(error: &ApiError) -> bool {
    use crate::api::ApiErrorKind as Kind;
    match &error.kind {
        Kind::BadRequest { .. }
        | Kind::Forbidden { .. }
        | Kind::NotFound { .. }
        | Kind::Conflict { .. }
        | Kind::PreconditionRequired { .. }
        | Kind::KeyReused { .. }
        | Kind::Unexpected { .. }
        | Kind::Config { .. }
        // The credentials refused: the token endpoint's own failures and
        // pauses come as `Server` and `RateLimited`.
        | Kind::TokenRefused { .. } => false,
        Kind::Unauthorized { .. }
        | Kind::RateLimited { .. }
        | Kind::Server { .. }
        | Kind::Network { .. }
        | Kind::Interrupted { .. }
        | Kind::Timeout { .. }
        | Kind::Decode { .. } => true,
    }
}

/// Whether a write that failed may have been applied: one of its requests
/// went out and no answer came, and nothing the tenant said since settles it.
fn may_have_landed(error: &ApiError) -> bool {
    error.call.unanswered > 0 && error.call.method != reqwest::Method::GET && unsettled(error)
}

pub(crate) fn error_class(error: &ApiError) -> ErrorClass {
    match &error.kind {
        ApiErrorKind::Network { .. } | ApiErrorKind::Interrupted { .. } => ErrorClass::Network,
        ApiErrorKind::Timeout { .. } => ErrorClass::Timeout,
        ApiErrorKind::Decode { .. } => ErrorClass::Unreadable,
        ApiErrorKind::Config { .. } => ErrorClass::Console,
        _ => error.kind.status().and_then(ErrorClass::from_status).unwrap_or(ErrorClass::Unreadable),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(kind: ApiErrorKind, status: Option<u16>) -> ApiError {
        let mut call = crate::api::CallInfo::new(reqwest::Method::GET, "/x".into());
        call.status = status;
        ApiError { kind, call: Box::new(call) }
    }

    #[test]
    fn an_unreadable_reply_and_a_misconfigured_client_are_not_counted_as_the_network() {
        let decode = ApiErrorKind::Decode { detail: "expected value".into(), excerpt: "<html>".into() };
        assert_eq!(error_class(&failed(decode, Some(200))), ErrorClass::Unreadable);
        let config = ApiErrorKind::Config { message: "no token URL".into() };
        assert_eq!(error_class(&failed(config, None)), ErrorClass::Console);
        let network = ApiErrorKind::Network { detail: "refused".into() };
        assert_eq!(error_class(&failed(network, None)), ErrorClass::Network);
        let server = ApiErrorKind::Server { status: 503, message: "busy".into() };
        assert_eq!(error_class(&failed(server, Some(503))), ErrorClass::ServerError);
    }

    /// The tenant refusing a reused idempotency key counts as a 422, not
    /// among the 4xx the API does not document.
    #[test]
    fn a_reused_idempotency_key_counts_as_a_422() {
        let reused = ApiErrorKind::KeyReused { message: "used before".into() };
        assert_eq!(error_class(&failed(reused, Some(422))).name(), "422");
    }
}
