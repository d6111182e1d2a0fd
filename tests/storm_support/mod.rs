//! The fault storm's commands: what the tenant holds, read before the storm,
//! and a seeded mix of the five operations over it.

use crate::engine_support;
use cxone_console::api::model::{
    Campaign, Contact, Interaction, InteractionFilter, ListQuery, NoFilter, User,
};
use cxone_console::domain::Timestamp;
use cxone_console::domain::agent_status::{AgentStatus, AgentStatusDraft, DEFAULT_PAUSE_REASONS};
use cxone_console::domain::attributes::AttributeDraft;
use cxone_console::domain::contact_disposition::ContactDispositionDraft;
use cxone_console::domain::interaction_disposition::{DispositionDraft, InteractionStatus, MatrixCode};
use cxone_console::engine::{Change, CommandId, Item};
use cxone_console::sandbox::{Resource, Sandbox};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use serde_json::json;
use std::collections::HashMap;

/// Document 001's agent, whom the sandbox always seeds: outcomes and
/// dispositions name an agent of the tenant.
const OUTBOUND_AGENT: &str = "agent-uuid-1234567890abcdef";
/// Contact entries in all: the sink keeps the latest 1,000 deliveries per
/// target, so each target's webhooks stay below that.
const CONTACT_ENTRIES: usize = 900;
const CONTACT_BATCH: usize = 120;
const AGENT_SINGLES: usize = 300;
const TEAMS: usize = 30;
const TEAM_SIZE: usize = 20;
const DISPOSITIONS: usize = 300;
const ATTRIBUTE_CHANGES: usize = 300;
/// What the changes are made of, read before the storm starts.
pub struct Tenant {
    campaigns: Vec<Campaign>,
    contacts: Vec<Contact>,
    users: Vec<User>,
    closed: Vec<Interaction>,
    interactions: Vec<Interaction>,
    codes: Vec<MatrixCode>,
}

/// The first page of a list, as large as the tenant serves.
fn all<F: Default>() -> ListQuery<F> {
    ListQuery::new().top(1000)
}

impl Tenant {
    pub async fn read(sandbox: &Sandbox) -> Self {
        let api = engine_support::client(sandbox);
        let campaigns = api.campaigns(&all::<NoFilter>()).await.unwrap().value.items;
        let mut contacts = Vec::new();
        for c in &campaigns {
            contacts.extend(api.contacts(&c.id, &all()).await.unwrap().value.items);
        }
        let closed_only = InteractionFilter { status: Some(InteractionStatus::Closed) };
        Self {
            users: api.users(&all()).await.unwrap().value.items,
            closed: api.interactions(&all().filter(closed_only)).await.unwrap().value.items,
            interactions: api.interactions(&all()).await.unwrap().value.items,
            codes: api.dispositions().await.unwrap().value.codes().cloned().collect(),
            campaigns,
            contacts,
        }
    }
}

/// Every command of the storm, each under its own id.
pub fn storm(tenant: &Tenant, rng: &mut StdRng) -> Vec<(CommandId, Change)> {
    let mut commands = Vec::new();
    commands.extend(contact_batches(tenant, rng));
    commands.extend(agent_changes(tenant, rng));
    commands.extend(interaction_changes(tenant, rng));
    commands
}

fn batch<T>(drafts: Vec<T>, wrap: impl Fn(Vec<Item<T>>) -> Change) -> (CommandId, Change) {
    let id = CommandId::random();
    let items = drafts.into_iter().enumerate().map(|(i, draft)| Item::new(id.item(i), draft)).collect();
    (id, wrap(items))
}

/// Batches of contacts across every campaign, with some entries repeated
/// and a few codes no campaign accepts.
fn contact_batches(tenant: &Tenant, rng: &mut StdRng) -> Vec<(CommandId, Change)> {
    let codes: HashMap<&str, &Vec<String>> =
        tenant.campaigns.iter().map(|c| (c.id.as_str(), &c.outcome_codes)).collect();
    let drafts: Vec<ContactDispositionDraft> = tenant
        .contacts
        .choose_multiple(rng, CONTACT_ENTRIES)
        .map(|c| {
            let code = if rng.random_bool(0.02) {
                "SOLD_OUT".to_string()
            } else {
                codes[c.campaign_id.as_str()].choose(rng).cloned().unwrap_or_default()
            };
            ContactDispositionDraft {
                contact_id: c.id.to_string(),
                campaign_id: c.campaign_id.to_string(),
                outcome_code: code,
                agent_id: OUTBOUND_AGENT.into(),
                notes: "storm".into(),
                ..Default::default()
            }
        })
        .collect();
    drafts
        .chunks(CONTACT_BATCH)
        .map(|chunk| {
            let mut entries = chunk.to_vec();
            entries.push(chunk[0].clone());
            batch(entries, Change::ContactDispositions)
        })
        .collect()
}

fn agent_draft(user: &User, rng: &mut StdRng) -> AgentStatusDraft {
    let status = *AgentStatus::ALL.choose(rng).unwrap_or(&AgentStatus::Available);
    let reason = if status == AgentStatus::Break { DEFAULT_PAUSE_REASONS.choose(rng).copied() } else { None };
    AgentStatusDraft {
        user_id: user.id.to_string(),
        status: status.as_str().into(),
        pause_reason: reason.unwrap_or_default().into(),
        respect_wrap_up: rng.random_bool(0.7),
        auto_available: rng.random_bool(0.5),
        ..Default::default()
    }
}

/// Mostly agents the tenant lets change now; one in ten is anyone at all
/// (off shift, or with no agent role).
fn someone<'a>(tenant: &'a Tenant, rng: &mut StdRng) -> Option<&'a User> {
    let now = Timestamp::now().unix_seconds();
    let may_change = |u: &&User| {
        u.role_names().any(|r| r == "Agent" || r == "Supervisor")
            && u.shift.is_none_or(|s| s.start + 600.0 < now && now < s.end - 600.0)
    };
    if rng.random_bool(0.9) {
        tenant.users.iter().filter(may_change).collect::<Vec<_>>().choose(rng).copied()
    } else {
        tenant.users.choose(rng)
    }
}

/// Single agents and whole teams, some users changed by several commands at once.
fn agent_changes(tenant: &Tenant, rng: &mut StdRng) -> Vec<(CommandId, Change)> {
    let mut commands = Vec::new();
    for _ in 0..AGENT_SINGLES {
        let Some(user) = someone(tenant, rng) else { break };
        // A single change is its own item: its webhook is named by the command.
        let id = CommandId::random();
        commands.push((id.clone(), Change::AgentStatus(vec![Item::new(id, agent_draft(user, rng))])));
    }
    for _ in 0..TEAMS {
        let team = (0..TEAM_SIZE)
            .filter_map(|_| {
                let user = someone(tenant, rng)?;
                Some(agent_draft(user, rng))
            })
            .collect();
        commands.push(batch(team, Change::AgentStatus));
    }
    commands
}

/// Interaction dispositions and attribute changes (documents 000 and 002).
fn interaction_changes(tenant: &Tenant, rng: &mut StdRng) -> Vec<(CommandId, Change)> {
    let mut commands = Vec::new();
    for interaction in tenant.closed.choose_multiple(rng, DISPOSITIONS) {
        let Some(code) = tenant.codes.choose(rng) else { break };
        let draft = DispositionDraft {
            code: code.code.clone(),
            description: code.description.clone(),
            agent_id: interaction.agent_id.clone().unwrap_or_else(|| OUTBOUND_AGENT.into()),
            ..Default::default()
        };
        let change = Change::InteractionDisposition {
            interaction_id: interaction.id.to_string(),
            dispositions: vec![draft],
            name: None,
        };
        commands.push((CommandId::random(), change));
    }
    for (n, interaction) in tenant.interactions.choose_multiple(rng, ATTRIBUTE_CHANGES).enumerate() {
        let row = AttributeDraft { key: format!("storm_{n}"), value: json!(n), mode: "ADD".into() };
        let change =
            Change::Attributes { interaction_id: interaction.id.to_string(), rows: vec![row], name: None };
        commands.push((CommandId::random(), change));
    }
    commands
}

pub fn resource(change: &Change) -> Resource {
    match change {
        Change::ContactDispositions(_) => Resource::ContactDisposition,
        Change::AgentStatus(_) => Resource::AgentStatus,
        Change::InteractionDisposition { .. } => Resource::InteractionDisposition,
        Change::Attributes { .. } | Change::WatchAttributes => Resource::Attributes,
        Change::DataAction(_) => Resource::DataAction,
    }
}
