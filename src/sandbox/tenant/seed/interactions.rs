//! Seeded interactions: mostly closed, many already dispositioned, a few
//! open; plus the two interactions of documents 000 and 002.

use super::assets::{Words, pick};
use super::{PINNED_ATTRIBUTES_INTERACTION, PINNED_CLOSED_INTERACTION, random_id};
use crate::domain::AgentId;
use crate::domain::Timestamp;
use crate::domain::attributes::{AttributeEntry, AttributeKey, AttributeMode, AttributeValue};
use crate::domain::interaction_disposition::{Disposition, DispositionMatrix, InteractionStatus};
use crate::sandbox::tenant::attributes::AttributeSet;
use crate::sandbox::tenant::clock::Stamp;
use crate::sandbox::tenant::interactions::{Channel, Interaction};
use crate::sandbox::tenant::store::{Meta, Store};
use rand::Rng;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

/// What share of seeded interactions is still in progress.
const OPEN_SHARE: f64 = 0.1;

pub(super) fn generate(
    rng: &mut impl Rng,
    words: &Words,
    count: usize,
    agent_ids: &[String],
    matrix: &DispositionMatrix,
    now: OffsetDateTime,
) -> Store<Interaction> {
    let mut store = Store::with_capacity(count);
    let primary: Vec<_> = matrix.codes().filter(|c| c.code.starts_with('1')).cloned().collect();
    for n in 0..count {
        let id = match n {
            0 => PINNED_CLOSED_INTERACTION.to_string(),
            1 => PINNED_ATTRIBUTES_INTERACTION.to_string(),
            _ => random_id(rng),
        };
        let mut i = random_interaction(rng, words, id, agent_ids, now);
        if n == 0 {
            pin_closed(&mut i);
        } else if n == 1 {
            pin_attributes(&mut i);
        } else if !i.is_open() && rng.random_bool(0.6) {
            let code = pick(&primary, rng);
            let agent = i.agent_id.clone().unwrap_or_default();
            i.dispositions = vec![Disposition {
                code: code.code.clone(),
                description: code.description.clone(),
                agent_id: AgentId::parse(&agent).unwrap_or_else(|_| unreachable!("seeded ids are valid")),
                timestamp: Timestamp::from_datetime(i.meta.updated_at.datetime()),
                source: "agent".into(),
                notes: None,
            }];
        }
        store.insert(i);
    }
    store
}

pub(crate) fn random_interaction(
    rng: &mut impl Rng,
    words: &Words,
    id: String,
    agent_ids: &[String],
    now: OffsetDateTime,
) -> Interaction {
    let started = now - Duration::seconds(rng.random_range(60..7 * 86_400));
    let open = rng.random_bool(OPEN_SHARE);
    let closed_at = (!open).then(|| {
        let closed = started + Duration::seconds(rng.random_range(45..2_400));
        Stamp::from_datetime(closed.min(now))
    });
    let started = Stamp::from_datetime(started);
    let updated = closed_at.unwrap_or(started);
    let (first, last) = words.person(rng);
    Interaction {
        id,
        meta: Meta::new(updated),
        status: if open { InteractionStatus::Open } else { InteractionStatus::Closed },
        channel: channel(rng),
        agent_id: (!agent_ids.is_empty()).then(|| pick(agent_ids, rng).clone()),
        queue: pick(&words.queues, rng).to_string(),
        customer_name: format!("{first} {last}"),
        started_at: started,
        closed_at,
        dispositions: Vec::new(),
        attributes: random_attributes(rng),
        attributes_updated_at: started,
    }
}

pub(crate) fn channel(rng: &mut impl Rng) -> Channel {
    match rng.random_range(0..100) {
        0..50 => Channel::Voice,
        50..75 => Channel::Chat,
        75..90 => Channel::Email,
        _ => Channel::Sms,
    }
}

fn entry(key: &str, value: Value, mode: AttributeMode) -> AttributeEntry {
    AttributeEntry {
        key: AttributeKey::parse_as("key", key).unwrap_or_else(|_| unreachable!("seeded keys are valid")),
        value: AttributeValue::parse_as("value", &value)
            .unwrap_or_else(|_| unreachable!("seeded values are scalars")),
        mode,
    }
}

fn random_attributes(rng: &mut impl Rng) -> AttributeSet {
    let mut entries = Vec::new();
    if rng.random_bool(0.5) {
        entries.push(entry(
            "customer_segment",
            json!(pick(&["consumer", "smb", "enterprise"], rng)),
            AttributeMode::Add,
        ));
    }
    if rng.random_bool(0.3) {
        entries.push(entry("language", json!(pick(&["en", "es", "fr", "de"], rng)), AttributeMode::Add));
    }
    if rng.random_bool(0.2) {
        entries.push(entry("priority_score", json!(rng.random_range(1..100)), AttributeMode::Add));
    }
    AttributeSet::from_entries(entries)
}

/// Document 000 sets disposition 101 on this closed interaction.
fn pin_closed(i: &mut Interaction) {
    i.status = InteractionStatus::Closed;
    i.closed_at = Some(i.closed_at.unwrap_or(i.started_at));
    i.meta.updated_at = i.closed_at.unwrap_or(i.started_at);
    i.channel = Channel::Voice;
    i.agent_id = Some("agent_xyz_123".into());
    i.queue = "Billing".into();
    i.dispositions.clear();
}

/// Document 002 UPDATEs `customer_segment` and `compliance_flag` and ADDs
/// `routing_priority` on this interaction.
fn pin_attributes(i: &mut Interaction) {
    i.status = InteractionStatus::Open;
    i.closed_at = None;
    i.meta.updated_at = i.started_at;
    i.channel = Channel::Chat;
    i.attributes = AttributeSet::from_entries([
        entry("customer_segment", json!("smb"), AttributeMode::Add),
        entry("compliance_flag", json!("pending"), AttributeMode::Add),
        entry("language", json!("en"), AttributeMode::Add),
    ]);
}
