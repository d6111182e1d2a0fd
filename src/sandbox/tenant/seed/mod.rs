//! The seeded tenant: deterministic from a seed, sized by [`TenantSize`].
//!
//! Each kind of entity draws from its own generator, so growing one kind
//! leaves the others as they were. The documents' example entities are
//! always present, in states where the examples succeed.

mod actions;
mod assets;
mod interactions;
mod outbound;
mod users;

pub(crate) use assets::Words;
pub(crate) use interactions::{channel, random_interaction};
pub(crate) use outbound::RETRY_OUTCOMES;

use super::data_actions::DataAction;
use super::interactions::Interaction;
use super::outbound::Campaign;
use super::store::Store;
use super::users::User;
use crate::domain::agent_status::PauseReasons;
use crate::domain::interaction_disposition::{DispositionMatrix, MatrixCode};
use crate::sandbox::config::{RateLimit, TenantSize};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashSet;
use time::OffsetDateTime;

/// Document 003's agent.
pub const PINNED_USER: &str = "12345-abcde-67890";
/// Document 001's agent, whom its contact outcomes are attributed to.
pub const PINNED_OUTBOUND_AGENT: &str = "agent-uuid-1234567890abcdef";
/// Document 000's agent, whom its interaction's disposition is recorded for.
pub const PINNED_INTERACTION_AGENT: &str = "agent_xyz_123";
/// Document 000's closed interaction.
pub const PINNED_CLOSED_INTERACTION: &str = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";
/// Document 002's interaction.
pub const PINNED_ATTRIBUTES_INTERACTION: &str = "8f7a9b2c-1d3e-4f5a-9c8b-7e6d5f4a3b2c";
/// Document 001's campaign.
pub const PINNED_CAMPAIGN: &str = "a1b2c3d4-e5f6-7890-g1h2-i3j4k5l6m7n8";
/// Document 001's contacts, with outcomes other than the ones it sets.
pub const PINNED_CONTACTS: [(&str, &str); 3] = [
    ("contact-uuid-111111111111", "NO_ANSWER"),
    ("contact-uuid-222222222222", "BUSY"),
    ("contact-uuid-333333333333", "NOT_INTERESTED"),
];

pub(super) struct Seeded {
    pub interactions: Store<Interaction>,
    pub campaigns: Store<Campaign>,
    pub users: Store<User>,
    pub actions: Store<DataAction>,
    pub pinned: HashSet<String>,
    /// Contacts seeded in a dialer state, for the simulation to carry on.
    pub dialer: Vec<(String, String)>,
    pub matrix: DispositionMatrix,
    pub pause_reasons: PauseReasons,
}

/// A UUID drawn from `rng`, so a seed always yields the same ids.
pub(crate) fn random_id(rng: &mut impl Rng) -> String {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid().to_string()
}

pub(super) fn generate(seed: u64, size: TenantSize, rate: Option<RateLimit>) -> Seeded {
    let now = OffsetDateTime::now_utc();
    let words = Words::load();
    let rng = |salt: u64| StdRng::seed_from_u64(seed.rotate_left(17) ^ salt);
    let matrix = DispositionMatrix::new(
        assets::dispositions()
            .into_iter()
            .map(|(code, description)| MatrixCode { code: code.into(), description: description.into() }),
    );
    let reasons = assets::pause_reasons();
    // Three at least: the documents' agents.
    let users = users::generate(&mut rng(1), &words, size.agents.max(3), &reasons, now);
    let agent_ids: Vec<String> = users.iter().filter(|u| u.holds_status()).map(|u| u.id.clone()).collect();
    let interactions =
        interactions::generate(&mut rng(2), &words, size.interactions.max(2), &agent_ids, &matrix, now);
    let campaigns = outbound::generate(
        &mut rng(3),
        &words,
        size.campaigns.max(1),
        size.contacts_per_campaign.max(PINNED_CONTACTS.len()),
        &agent_ids,
        rate,
        now,
    );
    let actions = actions::generate(&mut rng(4), now);
    let pinned = [
        PINNED_USER,
        PINNED_OUTBOUND_AGENT,
        PINNED_INTERACTION_AGENT,
        PINNED_CLOSED_INTERACTION,
        PINNED_ATTRIBUTES_INTERACTION,
        PINNED_CAMPAIGN,
    ]
    .into_iter()
    .chain(PINNED_CONTACTS.iter().map(|(id, _)| *id))
    .map(str::to_string)
    .collect();
    let dialer = campaigns
        .iter()
        .flat_map(|c| {
            c.contacts.iter().filter(|k| k.state.blocks_disposition()).map(|k| (c.id.clone(), k.id.clone()))
        })
        .collect();
    Seeded {
        interactions,
        campaigns,
        users,
        actions,
        pinned,
        dialer,
        matrix,
        pause_reasons: PauseReasons::new(reasons),
    }
}
