//! What an audit record says: the typed form of one line of the log.

use super::canonical;
use crate::domain::FieldError;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::fmt;
use std::time::Duration;
use time::OffsetDateTime;

/// What a record is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A change is about to be sent; written before the first remote write.
    Intent,
    /// How that change ended; exactly one per intent.
    Outcome,
    /// The log itself was repaired on open (a torn tail cut, a head rebuilt).
    Repair,
    /// An intent left without outcome by a crash, settled by reading the
    /// target back.
    Reconciled,
}

impl RecordKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Intent => "intent",
            Self::Outcome => "outcome",
            Self::Repair => "repair",
            Self::Reconciled => "reconciled",
        }
    }
}

/// How a change ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Applied,
    Skipped,
    Rejected,
    Conflict,
    Failed,
}

/// The kind of entity a change touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    Interaction,
    Contact,
    User,
    DataAction,
}

/// The entity a change touches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    #[serde(rename = "type")]
    pub kind: TargetKind,
    pub id: String,
    /// The campaign of an outbound contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<String>,
}

impl Target {
    pub fn new(kind: TargetKind, id: impl Into<String>) -> Self {
        Self { kind, id: id.into(), campaign: None }
    }

    pub fn contact(campaign: impl Into<String>, id: impl Into<String>) -> Self {
        Self { kind: TargetKind::Contact, id: id.into(), campaign: Some(campaign.into()) }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

/// The remote write a change makes. There is deliberately no place for
/// headers or a body: the body is recorded by its [`PayloadHash`] only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestInfo {
    pub method: Method,
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
}

/// A SHA-256 digest, written as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Digest256([u8; 32]);

/// The hash that links records: each record's `prevHash` is the `hash` of
/// the one before it.
pub type ChainHash = Digest256;
/// The hash of a request body, so the log proves what was sent without
/// holding it.
pub type PayloadHash = Digest256;

impl Digest256 {
    /// The `prevHash` of the first record.
    pub const ZERO: Self = Self([0; 32]);

    pub fn of(bytes: &[u8]) -> Self {
        Self(Sha256::digest(bytes).into())
    }

    /// The digest of a JSON value's canonical form.
    pub fn of_json(value: &Value) -> Self {
        let mut bytes = Vec::new();
        canonical::write(value, &mut bytes);
        Self::of(&bytes)
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub fn from_hex(text: &str) -> Option<Self> {
        let lower = text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        let mut bytes = [0; 32];
        (lower && hex::decode_to_slice(text, &mut bytes).is_ok()).then_some(Self(bytes))
    }
}

impl fmt::Display for Digest256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Digest256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest256({self})")
    }
}

impl Serialize for Digest256 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Digest256 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::from_hex(&text).ok_or_else(|| serde::de::Error::custom("expected 64 lowercase hex digits"))
    }
}

/// A latency in milliseconds, finite and not negative, to the microsecond.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct LatencyMs(f64);

impl LatencyMs {
    pub fn from_duration(d: Duration) -> Self {
        // Whole microseconds as thousandths of a millisecond: short decimals
        // read back exactly, so a record's hash never depends on float parsing.
        Self(d.as_micros() as f64 / 1000.0)
    }

    pub fn millis(self) -> f64 {
        self.0
    }
}

impl Serialize for LatencyMs {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.0)
    }
}

impl<'de> Deserialize<'de> for LatencyMs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let ms = f64::deserialize(d)?;
        if ms.is_finite() && ms >= 0.0 {
            Ok(Self(ms))
        } else {
            Err(serde::de::Error::custom("latencyMs must be a finite number of milliseconds, not negative"))
        }
    }
}

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
        let final_kind = matches!(self.kind, RecordKind::Outcome | RecordKind::Reconciled);
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

/// One sealed line of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditRecord {
    pub seq: u64,
    #[serde(with = "utc_micros")]
    pub time: OffsetDateTime,
    #[serde(flatten)]
    pub entry: AuditEntry,
    pub prev_hash: ChainHash,
    pub hash: ChainHash,
}

/// RFC 3339 in UTC with microseconds: `2026-11-21T19:20:11.123456Z`.
pub(super) mod utc_micros {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::format_description::well_known::Rfc3339;
    use time::macros::format_description;
    use time::{OffsetDateTime, UtcOffset};

    pub fn format(t: OffsetDateTime) -> String {
        let layout =
            format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");
        // The layout only has numeric parts, which always format.
        t.to_offset(UtcOffset::UTC).format(&layout).unwrap_or_default()
    }

    pub fn serialize<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(*t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        OffsetDateTime::parse(&text, &Rfc3339)
            .map(|t| t.to_offset(UtcOffset::UTC))
            .map_err(|e| serde::de::Error::custom(format!("time is not RFC 3339: {e}")))
    }
}
