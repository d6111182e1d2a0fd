//! What callers hand the log, and the rules that fit fields to kinds.

use super::digest::PayloadHash;
use super::record::{LatencyMs, Outcome, RecordKind, RequestInfo, Target};
use crate::domain::FieldError;
use crate::engine::SkipKey;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::Duration;

/// What a caller records: everything but the sequence number, the time and
/// the hashes, which the log assigns.
///
/// Never put an access token, client secret, webhook secret or password in an
/// entry: a request is described by method, path, ETag and idempotency key, and
/// its body by its hash. As a second line of defence the log redacts members
/// with secret-like names and `whsec_`/`Bearer ` strings in `before`, `after`
/// and `reason` before anything is written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub kind: RecordKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<RequestInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A skipped change's reason key (`unchanged`, `duplicate`…): what a
    /// re-run of the same file reads to tell a change already so, which is
    /// done, from one never started, which is not. Text, as a log written
    /// before may hold a key this build does not know; written from a
    /// [`SkipKey`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<LatencyMs>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_hash: Option<PayloadHash>,
}

impl AuditEntry {
    fn empty(kind: RecordKind) -> Self {
        Self {
            kind,
            command_id: None,
            correlation_id: None,
            operator: None,
            client_id: None,
            action: None,
            target: None,
            request: None,
            before: None,
            after: None,
            outcome: None,
            reason: None,
            skip: None,
            http_status: None,
            attempts: None,
            latency_ms: None,
            payload_hash: None,
        }
    }

    fn change(kind: RecordKind, command_id: &str, action: &str, target: Target) -> Self {
        Self {
            command_id: Some(command_id.to_owned()),
            action: Some(action.to_owned()),
            target: Some(target),
            ..Self::empty(kind)
        }
    }

    /// A change about to be sent.
    pub fn intent(command_id: &str, action: &str, target: Target) -> Self {
        Self::change(RecordKind::Intent, command_id, action, target)
    }

    /// How a change ended.
    pub fn outcome(command_id: &str, action: &str, target: Target, outcome: Outcome) -> Self {
        Self { outcome: Some(outcome), ..Self::change(RecordKind::Outcome, command_id, action, target) }
    }

    /// How a change left pending by a crash was settled.
    pub fn reconciled(command_id: &str, action: &str, target: Target, outcome: Outcome) -> Self {
        Self { outcome: Some(outcome), ..Self::change(RecordKind::Reconciled, command_id, action, target) }
    }

    /// A repair of the log itself.
    pub fn repair(reason: impl Into<String>) -> Self {
        Self { reason: Some(reason.into()), ..Self::empty(RecordKind::Repair) }
    }

    /// Who asked for the change, from where, within which batch.
    #[must_use]
    pub fn by(mut self, operator: &str, client_id: &str, correlation_id: &str) -> Self {
        self.operator = Some(operator.to_owned());
        self.client_id = Some(client_id.to_owned());
        self.correlation_id = Some(correlation_id.to_owned());
        self
    }

    /// The remote write, and the hash of the body it sends.
    #[must_use]
    pub fn request(mut self, request: RequestInfo, body: &[u8]) -> Self {
        self.request = Some(request);
        self.payload_hash = Some(PayloadHash::of(body));
        self
    }

    #[must_use]
    pub fn before(mut self, state: Value) -> Self {
        self.before = Some(state);
        self
    }

    #[must_use]
    pub fn after(mut self, state: Value) -> Self {
        self.after = Some(state);
        self
    }

    #[must_use]
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    /// The reason key of a skipped change.
    #[must_use]
    pub fn skip(mut self, key: SkipKey) -> Self {
        self.skip = Some(key.as_str().to_owned());
        self
    }

    /// The last HTTP status, how many attempts were made and how long they took.
    #[must_use]
    pub fn http(mut self, status: u16, attempts: u32, latency: Duration) -> Self {
        self.http_status = Some(status);
        self.attempts = Some(attempts);
        self.latency_ms = Some(LatencyMs::from_duration(latency));
        self
    }

    /// Checks that the fields fit the kind, naming the first that does not.
    pub fn validate(&self) -> Result<(), FieldError> {
        let change = matches!(self.kind, RecordKind::Intent | RecordKind::Outcome | RecordKind::Reconciled);
        let final_kind = self.kind.settles();
        let kind = self.kind.name();
        let rule =
            |field: &str, rule: &str| Err(FieldError::new(field, format!("{rule} in a {kind} record")));
        for (field, value) in [
            ("commandId", &self.command_id),
            ("correlationId", &self.correlation_id),
            ("operator", &self.operator),
            ("clientId", &self.client_id),
            ("action", &self.action),
        ] {
            if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
                return Err(FieldError::new(field, "must not be empty when present"));
            }
        }
        if change && self.command_id.is_none() {
            return rule("commandId", "is required");
        }
        if change && self.action.is_none() {
            return rule("action", "is required");
        }
        if change && self.target.is_none() {
            return rule("target", "is required");
        }
        if final_kind && self.outcome.is_none() {
            return rule("outcome", "is required");
        }
        if !final_kind && self.outcome.is_some() {
            return rule("outcome", "is not allowed");
        }
        if self.kind == RecordKind::Repair {
            if self.target.is_some() {
                return rule("target", "is not allowed");
            }
            if self.command_id.is_some() {
                return rule("commandId", "is not allowed");
            }
            if self.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                return rule("reason", "is required");
            }
        }
        if self.target.as_ref().is_some_and(|t| t.id.trim().is_empty()) {
            return Err(FieldError::new("target.id", "must not be empty"));
        }
        Ok(())
    }
}
