//! What an audit record says: the typed form of one line of the log.

use super::digest::ChainHash;
use super::entry::AuditEntry;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
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

    /// Whether a record of this kind settles a change (an outcome, or an
    /// intent left by a crash read back), rather than announcing one.
    pub fn settles(self) -> bool {
        matches!(self, Self::Outcome | Self::Reconciled)
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

impl Outcome {
    pub const ALL: [Self; 5] = [Self::Applied, Self::Skipped, Self::Rejected, Self::Conflict, Self::Failed];

    /// The outcome as the log writes it, and as the console and the
    /// engine's messages say it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applied => "applied",
            Self::Skipped => "skipped",
            Self::Rejected => "rejected",
            Self::Conflict => "conflict",
            Self::Failed => "failed",
        }
    }
}

/// The kind of entity a change touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    Interaction,
    Contact,
    User,
    DataAction,
    /// A webhook registration on the tenant.
    Webhook,
}

impl TargetKind {
    /// As the log writes it (`data_action`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Interaction => "interaction",
            Self::Contact => "contact",
            Self::User => "user",
            Self::DataAction => "data_action",
            Self::Webhook => "webhook",
        }
    }
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
    /// What people call the entity (an agent's or a contact's name, an
    /// interaction's customer, a data action's name), as the change found
    /// it, or as its sender knew it when the change never read it (one
    /// cancelled before it started): a log read by people names whom each
    /// change was for, where an id alone would send them to look it up.
    /// Absent when neither knew, and on records written before names were
    /// kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl Target {
    pub fn new(kind: TargetKind, id: impl Into<String>) -> Self {
        Self { kind, id: id.into(), campaign: None, name: None }
    }

    pub fn contact(campaign: impl Into<String>, id: impl Into<String>) -> Self {
        Self { kind: TargetKind::Contact, id: id.into(), campaign: Some(campaign.into()), name: None }
    }

    /// The key the console knows the target's row by: a contact's holds
    /// its campaign.
    pub fn row_key(&self) -> crate::engine::RowKey {
        crate::engine::RowKey::new(self.campaign.as_deref(), &self.id)
    }

    /// The target, called `name`; see [`Target::rename`].
    pub fn named(mut self, name: &str) -> Self {
        self.rename(name);
        self
    }

    /// Calls the target `name`; a blank name (an entity the tenant has none
    /// for) leaves it unnamed.
    pub fn rename(&mut self, name: &str) {
        let name = name.trim();
        self.name = (!name.is_empty()).then(|| name.to_owned());
    }

    /// The entity as one word (`contact:<campaign>/<id>`), to tell the
    /// webhooks about it from those about others.
    pub fn subject(&self) -> String {
        let kind = self.kind.as_str();
        match &self.campaign {
            Some(campaign) => format!("{kind}:{campaign}/{}", self.id),
            None => format!("{kind}:{}", self.id),
        }
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

impl Method {
    /// As the request line and the log spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }
}

/// The remote write a change makes. There is deliberately no place for
/// headers or a body: the body is recorded by its [`PayloadHash`](super::PayloadHash) only.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_kind_is_named_as_the_log_writes_it() {
        use TargetKind::*;
        for kind in [Interaction, Contact, User, DataAction, Webhook] {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str(), "{kind:?}");
        }
    }

    #[test]
    fn an_outcome_is_named_as_the_log_writes_it() {
        for outcome in Outcome::ALL {
            assert_eq!(serde_json::to_value(outcome).unwrap(), outcome.as_str(), "{outcome:?}");
        }
    }
}
