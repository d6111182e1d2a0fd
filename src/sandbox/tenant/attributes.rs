//! Interaction attributes (document 002): atomic changes and their event.
//!
//! A request is planned against the current attributes before anything is
//! touched: one refused entry refuses the whole request and nothing changes.

use super::clock::Stamp;
use super::etag::{self, IfMatch};
use super::interactions::KIND;
use super::webhooks::Subscriber;
use super::{Failure, Tagged, Tenant, not_found};
use crate::domain::attributes::{
    AttributeDraft, AttributeEntry, AttributeKey, AttributeMode, AttributeValue, Refusal, check_entries, plan,
};
use crate::sandbox::Resource;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The event every subscriber to `interaction.attributes.updated` receives.
pub const EVENT: &str = "interaction.attributes.updated";

/// An interaction's attributes, by key, with the mode each was last set with.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct AttributeSet(BTreeMap<AttributeKey, (AttributeValue, AttributeMode)>);

impl AttributeSet {
    pub fn from_entries(entries: impl IntoIterator<Item = AttributeEntry>) -> Self {
        Self(entries.into_iter().map(|e| (e.key, (e.value, e.mode))).collect())
    }

    pub fn entries(&self) -> Vec<AttributeEntry> {
        self.0
            .iter()
            .map(|(k, (v, m))| AttributeEntry { key: k.clone(), value: v.clone(), mode: *m })
            .collect()
    }

    /// The entries of `request` that would change something, or why the
    /// request is refused: 409 for entries that contradict what is held, 400
    /// when too many attributes would remain.
    fn plan(&self, request: &[AttributeEntry]) -> Result<Vec<AttributeEntry>, Failure> {
        plan(request, |key| self.0.get(key).map(|(v, _)| v), self.0.len()).map_err(|refusal| match refusal {
            Refusal::Conflict(invalid) => {
                Failure { details: invalid.errors().to_vec(), ..Failure::conflict(invalid.to_string()) }
            }
            too_many @ Refusal::TooMany(_) => Failure::bad_request(too_many.to_string()),
        })
    }

    fn apply(&mut self, changes: &[AttributeEntry]) {
        for c in changes {
            match c.mode {
                AttributeMode::Delete => {
                    self.0.remove(&c.key);
                }
                mode => {
                    self.0.insert(c.key.clone(), (c.value.clone(), mode));
                }
            }
        }
    }
}

/// `GET/POST /api/v2/interactions/{id}/attributes`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttributesView {
    pub interaction_id: String,
    pub attributes: Vec<AttributeEntry>,
    pub last_updated: Stamp,
}

/// An applied attribute change, to be told to the subscribers.
#[derive(Debug, Clone)]
pub struct AttributesUpdated {
    pub event_id: String,
    pub interaction_id: String,
    /// Only the entries that changed something.
    pub attributes: Vec<AttributeEntry>,
    pub occurred_at: Stamp,
    /// When the change was applied, on the runtime's clock, so the delivery
    /// can report how long it took to reach the subscriber.
    pub applied: tokio::time::Instant,
    pub subscribers: Vec<Subscriber>,
}

impl AttributesUpdated {
    /// The body of one delivery, `latency_ms` after the change.
    pub fn body(&self, latency_ms: f64) -> Value {
        json!({
            "eventType": EVENT,
            "eventId": self.event_id,
            "interactionId": self.interaction_id,
            "attributes": self.attributes,
            "occurredAt": self.occurred_at,
            "callbackLatencyMs": (latency_ms * 10.0).round() / 10.0,
        })
    }
}

/// What a POST of attributes did.
#[derive(Debug, Clone)]
pub struct AttributesChanged {
    pub reply: Tagged<AttributesView>,
    /// `None` when the request changed nothing.
    pub event: Option<AttributesUpdated>,
}

impl Tenant {
    /// `GET /api/v2/interactions/{id}/attributes`.
    pub fn attributes(&self, id: &str) -> Result<Tagged<AttributesView>, Failure> {
        let data = self.lock();
        let i = data.interactions.get(id).ok_or_else(|| not_found(KIND, id))?;
        Ok(Tagged { etag: i.etag(), value: attributes_view(i) })
    }

    /// `POST /api/v2/interactions/{id}/attributes`, applied atomically.
    pub fn change_attributes(
        &self,
        id: &str,
        if_match: Option<&IfMatch>,
        rows: &[AttributeDraft],
    ) -> Result<AttributesChanged, Failure> {
        let mut data = self.lock();
        let now = data.clock.now();
        let current = data.interactions.get(id).ok_or_else(|| not_found(KIND, id))?;
        etag::check(if_match, &current.etag(), &format!("interaction {id}"))?;
        let entries = check_entries(rows).map_err(|e| Failure::invalid(&e))?;
        let changes = current.attributes.plan(&entries)?;
        if changes.is_empty() {
            self.stats.write_repeated(Resource::Attributes);
            return Ok(AttributesChanged {
                reply: Tagged { etag: current.etag(), value: attributes_view(current) },
                event: None,
            });
        }
        let reply = data
            .interactions
            .edit(id, |i| {
                i.attributes.apply(&changes);
                i.attributes_updated_at = now;
                i.meta.touch(now);
                Tagged { etag: i.etag(), value: attributes_view(i) }
            })
            .ok_or_else(|| not_found(KIND, id))?;
        self.stats.write_applied(Resource::Attributes);
        let subscribers = data.webhooks_for(EVENT);
        let event = AttributesUpdated {
            event_id: uuid::Uuid::new_v4().to_string(),
            interaction_id: id.to_string(),
            attributes: changes,
            occurred_at: now,
            applied: tokio::time::Instant::now(),
            subscribers,
        };
        Ok(AttributesChanged { reply, event: Some(event) })
    }
}

fn attributes_view(i: &super::interactions::Interaction) -> AttributesView {
    AttributesView {
        interaction_id: i.id.clone(),
        attributes: i.attributes.entries(),
        last_updated: i.attributes_updated_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    fn entry(key: &str, value: Value, mode: AttributeMode) -> AttributeEntry {
        AttributeEntry {
            key: AttributeKey::parse_as("k", key).unwrap(),
            value: AttributeValue::parse_as("v", &value).unwrap(),
            mode,
        }
    }

    fn set() -> AttributeSet {
        AttributeSet::from_entries([
            entry("customer_segment", json!("smb"), AttributeMode::Update),
            entry("compliance_flag", json!("pending"), AttributeMode::Update),
        ])
    }

    #[test]
    fn no_ops_are_left_out_of_the_plan() {
        let s = set();
        let plan = s
            .plan(&[
                entry("customer_segment", json!("smb"), AttributeMode::Update),
                entry("compliance_flag", json!("pending"), AttributeMode::Add),
                entry("missing", json!(null), AttributeMode::Delete),
                entry("routing_priority", json!(9), AttributeMode::Add),
            ])
            .unwrap();
        assert_eq!(plan.len(), 1);
        assert_eq!(plan[0].key.as_str(), "routing_priority");
    }

    #[test]
    fn every_conflict_is_named_and_nothing_is_planned() {
        let err = set()
            .plan(&[
                entry("customer_segment", json!("enterprise"), AttributeMode::Add),
                entry("nope", json!(1), AttributeMode::Update),
            ])
            .unwrap_err();
        assert_eq!(err.status, StatusCode::CONFLICT);
        let fields: Vec<_> = err.details.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(fields, ["attributes[0].key", "attributes[1].key"]);
        assert!(err.message.contains("use UPDATE"), "{}", err.message);
        assert!(err.message.contains("use ADD"), "{}", err.message);
    }

    #[test]
    fn the_fifty_attribute_limit_counts_what_would_remain() {
        let full = AttributeSet::from_entries(
            (0..50).map(|i| entry(&format!("k{i}"), json!(i), AttributeMode::Add)),
        );
        let err = full.plan(&[entry("one_more", json!(1), AttributeMode::Add)]).unwrap_err();
        assert_eq!(err.status, StatusCode::BAD_REQUEST);
        assert!(err.message.contains("would hold 51"), "{}", err.message);
        let swap = full
            .plan(&[
                entry("k0", json!(null), AttributeMode::Delete),
                entry("one_more", json!(1), AttributeMode::Add),
            ])
            .unwrap();
        assert_eq!(swap.len(), 2);
    }
}
