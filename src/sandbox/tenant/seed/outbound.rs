//! Seeded campaigns and contacts, with document 001's campaign and contacts.

use super::assets::{CampaignLine, Words, campaigns, pick};
use super::{PINNED_CAMPAIGN, PINNED_CONTACTS, random_id};
use crate::domain::Timestamp;
use crate::domain::contact_disposition::{DEFAULT_OUTCOMES, DialerState, OutcomeMatrix};
use crate::sandbox::config::RateLimit;
use crate::sandbox::tenant::clock::Stamp;
use crate::sandbox::tenant::outbound::{Campaign, Contact};
use crate::sandbox::tenant::rate_limit::TokenBucket;
use crate::sandbox::tenant::store::{Meta, Store};
use rand::Rng;
use serde_json::{Map, json};
use time::{Duration, OffsetDateTime};

/// Contacts per campaign the dialer is working on when the tenant starts.
const ON_THE_LINE: usize = 8;
const DIALER_STATES: [DialerState; 4] =
    [DialerState::Dialing, DialerState::Ringing, DialerState::Connected, DialerState::WrapUp];

/// Outcomes after which the dialer tries the contact again.
pub(crate) const RETRY_OUTCOMES: [&str; 3] = ["CALLBACK_LATER", "NO_ANSWER", "BUSY"];

pub(super) fn generate(
    rng: &mut impl Rng,
    words: &Words,
    count: usize,
    contacts_each: usize,
    agent_ids: &[String],
    rate: Option<RateLimit>,
    now: OffsetDateTime,
) -> Store<Campaign> {
    let lines = campaigns();
    let mut store = Store::with_capacity(count);
    for n in 0..count {
        let line = &lines[n % lines.len()];
        let id = if n == 0 { PINNED_CAMPAIGN.to_string() } else { random_id(rng) };
        let round = n / lines.len();
        let name = if round == 0 { line.name.to_string() } else { format!("{} {}", line.name, round + 1) };
        let mut campaign = campaign(rng, id, name, line, rate, now);
        for k in 0..contacts_each {
            let pinned = (n == 0).then(|| PINNED_CONTACTS.get(k)).flatten();
            let contact_id = pinned.map_or_else(|| random_id(rng), |(id, _)| id.to_string());
            let mut contact = contact(rng, words, contact_id, &campaign, agent_ids, now);
            if let Some((_, outcome)) = pinned {
                contact.state = DialerState::Completed;
                contact.outcome = Some(outcome.to_string());
                contact.attempts = 1;
            } else if (PINNED_CONTACTS.len()..PINNED_CONTACTS.len() + ON_THE_LINE).contains(&k) {
                contact.state = DIALER_STATES[k % DIALER_STATES.len()].clone();
                contact.outcome = None;
                contact.disposition_timestamp = None;
                contact.attempts += 1;
            }
            campaign.contacts.insert(contact);
        }
        store.insert(campaign);
    }
    store
}

fn campaign(
    rng: &mut impl Rng,
    id: String,
    name: String,
    line: &CampaignLine,
    rate: Option<RateLimit>,
    now: OffsetDateTime,
) -> Campaign {
    let outcomes = OutcomeMatrix::new(DEFAULT_OUTCOMES.iter().chain(&line.extra_outcomes).copied());
    Campaign {
        id,
        meta: Meta::new(Stamp::from_datetime(now - Duration::days(rng.random_range(1..60)))),
        name,
        status: if rng.random_bool(0.85) { "ACTIVE" } else { "PAUSED" },
        dialing_mode: line.dialing_mode.to_string(),
        outcomes,
        contacts: Store::default(),
        bucket: rate.map(TokenBucket::new),
    }
}

pub(crate) fn contact(
    rng: &mut impl Rng,
    words: &Words,
    id: String,
    campaign: &Campaign,
    agent_ids: &[String],
    now: OffsetDateTime,
) -> Contact {
    let (first, last) = words.person(rng);
    let updated = Stamp::from_datetime(now - Duration::seconds(rng.random_range(60..14 * 86_400)));
    let codes: Vec<&str> = campaign.outcomes.codes().collect();
    let (state, outcome, attempts) = if rng.random_bool(0.55) {
        (DialerState::Pending, None, rng.random_range(0..2))
    } else {
        (DialerState::Completed, Some(pick(&codes, rng).to_string()), rng.random_range(1..4))
    };
    let agent = (!agent_ids.is_empty()).then(|| pick(agent_ids, rng).clone());
    let mut custom_fields = Map::new();
    custom_fields.insert("lead_score".into(), json!(rng.random_range(0..100)));
    if rng.random_bool(0.3) {
        custom_fields.insert("preferred_time".into(), json!(pick(&["morning", "afternoon", "evening"], rng)));
    }
    Contact {
        id,
        meta: Meta::new(updated),
        campaign_id: campaign.id.clone(),
        first_name: first,
        last_name: last,
        phone: format!("+1555{:07}", rng.random_range(0..10_000_000)),
        disposition_timestamp: outcome.as_ref().map(|_| Timestamp::from_datetime(updated.datetime())),
        agent_id: agent,
        state,
        outcome,
        notes: String::new(),
        custom_fields,
        attempts,
    }
}
