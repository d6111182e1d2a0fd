//! A batch file for a crash test: a valid change for each of a few hundred
//! distinct targets of a tenant, and each line's item id as `apply` derives it.

use cxone_console::api::model::{Campaign, Contact, InteractionFilter, ListQuery, NoFilter, User};
use cxone_console::api::{Client, ClientConfig};
use cxone_console::cli::apply::line_id;
use cxone_console::domain::Timestamp;
use cxone_console::domain::agent_status::AgentStatus;
use cxone_console::domain::interaction_disposition::InteractionStatus;
use cxone_console::runtime::{Location, ProfileInfo};
use cxone_console::sandbox::Sandbox;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Users the tenant is seeded with: enough that some fifty are on shift at
/// any hour, the unscheduled ones alone when a shift is changing.
/// Document 001's agent, whom the sandbox always seeds: outcomes name an agent of the tenant.
pub const OUTBOUND_AGENT: &str = "agent-uuid-1234567890abcdef";
pub const USERS: usize = 1_000;
pub const CONTACTS_PER_CAMPAIGN: usize = 30;
pub const AGENTS: usize = 50;
pub const DISPOSITIONS: usize = 50;
pub const ATTRIBUTES: usize = 50;

/// The audit log's name for each kind of line.
pub const CONTACT: &str = "contact_disposition";
pub const AGENT: &str = "agent_status";
pub const DISPOSITION: &str = "set_interaction_disposition";
pub const ATTRIBUTE: &str = "update_attributes";

/// The batch file, and each line's item id (as the audit log names it)
/// with its line number and action.
pub struct BatchFile {
    pub bytes: Vec<u8>,
    pub items: BTreeMap<String, (usize, &'static str)>,
}

impl BatchFile {
    /// Numbers the lines (a comment comes first) and derives each line's
    /// item id as `apply` does: from the tenant, the file's bytes and the
    /// line's number.
    pub fn new(lines: Vec<(&'static str, Value)>, tenant: &Sandbox) -> Self {
        let mut text = String::from("# crash test: a few hundred changes, applied across two kills\n");
        for (_, object) in &lines {
            text.push_str(&format!("{object}\n"));
        }
        let bytes = text.into_bytes();
        let digest: [u8; 32] = Sha256::digest(&bytes).into();
        let profile = ProfileInfo {
            name: "lab".into(),
            location: Location::Tenant(tenant.base_url()),
            operator: "-".into(),
        };
        let items = lines
            .iter()
            .enumerate()
            .map(|(i, (action, _))| {
                let number = i + 2;
                let id = line_id(&profile.identity(), &digest, number);
                // An agent line is a one-agent team: its item is the team's first.
                let item = if *action == AGENT { id.item(0) } else { id };
                (item.to_string(), (number, *action))
            })
            .collect();
        Self { bytes, items }
    }

    pub fn lines(&self) -> usize {
        self.items.len()
    }

    pub fn count(&self, action: &str) -> usize {
        self.items.values().filter(|(_, a)| *a == action).count()
    }
}

fn all<F: Default>() -> ListQuery<F> {
    ListQuery::new().top(1000)
}

/// Agents the tenant lets change now: the right role, inside their shift
/// for longer than the test takes, no wrap-up running, a status this console
/// knows.
fn may_change(user: &User, now: f64) -> bool {
    user.role_names().any(|r| r == "Agent" || r == "Supervisor")
        && user.shift.is_none_or(|s| s.start + 120.0 < now && now < s.end - 300.0)
        && user.wrap_up_until.is_none()
        && user.status.known().is_some()
}

fn agent_line(user: &User, n: usize) -> (&'static str, Value) {
    let status = [AgentStatus::Busy, AgentStatus::Training, AgentStatus::Available]
        .into_iter()
        .filter(|s| Some(*s) != user.status.known())
        .nth(n % 2)
        .unwrap_or(AgentStatus::Busy);
    (AGENT, json!({"op": "agent_status", "userId": user.id.as_str(), "status": status.as_str()}))
}

/// Contacts the dialer does not hold, each with an outcome it lacks, taken
/// round robin over the campaigns as a day's call list comes.
async fn contact_lines(api: &Client) -> Vec<(&'static str, Value)> {
    let campaigns: Vec<Campaign> = api.campaigns(&all::<NoFilter>()).await.unwrap().value.items;
    let mut by_campaign: Vec<Vec<(Contact, String)>> = Vec::new();
    for campaign in &campaigns {
        let contacts = api.contacts(&campaign.id, &all()).await.unwrap().value.items;
        let free = contacts.into_iter().filter(|c| !c.state.blocks_disposition());
        let picked: Vec<_> = free
            .filter_map(|c| {
                let code =
                    campaign.outcome_codes.iter().find(|code| Some(*code) != c.outcome_code.as_ref())?;
                Some((c, code.clone()))
            })
            .take(CONTACTS_PER_CAMPAIGN)
            .collect();
        assert_eq!(picked.len(), CONTACTS_PER_CAMPAIGN, "campaign {} has enough free contacts", campaign.id);
        by_campaign.push(picked);
    }
    let mut lines = Vec::new();
    for n in 0..CONTACTS_PER_CAMPAIGN {
        for (contact, code) in by_campaign.iter().map(|contacts| &contacts[n]) {
            let object = json!({
                "op": "contact_disposition", "campaignId": contact.campaign_id.as_str(),
                "contactId": contact.id.as_str(), "outcomeCode": code, "agentId": OUTBOUND_AGENT,
                "customFields": {"batch": "crash", "n": n},
            });
            lines.push((CONTACT, object));
        }
    }
    lines
}

/// Reads the tenant and writes a valid change for each of a few hundred
/// distinct targets, each unlike what the target holds now, so that every
/// line should apply exactly once.
pub async fn changes(tenant: &Sandbox) -> Vec<(&'static str, Value)> {
    let config = ClientConfig::new(tenant.base_url(), tenant.client_id(), tenant.client_secret().clone());
    let api = Client::new(config).expect("a client for the sandbox");
    let now = Timestamp::now().unix_seconds();
    let users: Vec<User> = api.users(&all()).await.unwrap().value.items;
    let agents: Vec<&User> = users.iter().filter(|u| may_change(u, now)).take(AGENTS).collect();
    assert_eq!(agents.len(), AGENTS, "the tenant has enough agents on shift");
    let closed = all().filter(InteractionFilter { status: Some(InteractionStatus::Closed) });
    let closed = api.interactions(&closed).await.unwrap().value.items;
    assert!(closed.len() >= DISPOSITIONS + ATTRIBUTES, "the tenant has enough closed interactions");
    let codes: Vec<_> = api.dispositions().await.unwrap().value.codes().cloned().collect();
    // Written in the file, so every run sends exactly the same dispositions.
    let timestamp = Timestamp::now().to_string();

    let mut lines: Vec<_> = agents[..AGENTS / 2].iter().enumerate().map(|(n, u)| agent_line(u, n)).collect();
    lines.extend(contact_lines(&api).await);
    for (n, interaction) in closed[..DISPOSITIONS].iter().enumerate() {
        let code = &codes[n % codes.len()];
        let agent = interaction.agent_id.clone().unwrap_or_else(|| "agent-crash-test".into());
        let object = json!({
            "op": "interaction_disposition", "interaction_id": interaction.id.as_str(),
            "code": code.code, "description": code.description, "agent_id": agent,
            "timestamp": timestamp, "notes": format!("crash test {n}"),
        });
        lines.push((DISPOSITION, object));
    }
    for (n, interaction) in closed[DISPOSITIONS..][..ATTRIBUTES].iter().enumerate() {
        let object = json!({
            "op": "attributes", "interaction_id": interaction.id.as_str(),
            "key": format!("crash_{n}"), "value": n, "mode": "ADD",
        });
        lines.push((ATTRIBUTE, object));
    }
    lines.extend(agents[AGENTS / 2..].iter().enumerate().map(|(n, u)| agent_line(u, n)));
    lines
}
