//! Outbound contact dispositions for the tests that send them: drafts,
//! batches, their reports, and contacts the dialer leaves alone.

use super::Rig;
use cxone_console::api::model::{ContactFilter, ListQuery};
use cxone_console::domain::CampaignId;
use cxone_console::domain::contact_disposition::{ContactDispositionDraft, DialerState};
use cxone_console::engine::{BatchReport, Change, CommandId, Event, Finished, Item, Outcome};
use cxone_console::sandbox::Sandbox;
use cxone_console::sandbox::tenant::{ContactDispositionBody, Tenant};
use std::collections::HashMap;

/// Document 001's campaign, which the sandbox always seeds.
pub const CAMPAIGN: &str = "a1b2c3d4-e5f6-7890-g1h2-i3j4k5l6m7n8";
/// Document 001's agent, whom the sandbox always seeds.
pub const AGENT: &str = "agent-uuid-1234567890abcdef";

pub fn draft(campaign: &str, contact: &str, code: &str) -> ContactDispositionDraft {
    ContactDispositionDraft {
        contact_id: contact.into(),
        campaign_id: campaign.into(),
        outcome_code: code.into(),
        agent_id: AGENT.into(),
        ..Default::default()
    }
}

/// A batch of `drafts`, each entry with an id derived from the batch's.
pub fn batch(drafts: Vec<ContactDispositionDraft>) -> (Vec<CommandId>, Change) {
    let base = CommandId::random();
    let items: Vec<_> =
        drafts.into_iter().enumerate().map(|(i, draft)| Item::new(base.item(i), draft)).collect();
    (items.iter().map(|i| i.id.clone()).collect(), Change::ContactDispositions(items))
}

pub fn batch_report(finished: Finished) -> BatchReport {
    match finished {
        Finished::Batch(report) => report,
        Finished::Single { .. } => panic!("a contact batch ends with a batch report"),
    }
}

/// Contacts of `campaign` the dialer leaves alone and that have no outcome yet.
pub async fn pending_contacts(sandbox: &Sandbox, campaign: &str, n: u32) -> Vec<String> {
    let api = super::client(sandbox);
    let campaign = CampaignId::parse(campaign).unwrap();
    let query = ListQuery::new().top(n).filter(ContactFilter { state: Some(DialerState::Pending) });
    let page = api.contacts(&campaign, &query).await.expect("the contacts list").value;
    assert_eq!(page.items.len(), n as usize, "the seeded campaign has enough pending contacts");
    page.items.into_iter().map(|c| c.id.to_string()).collect()
}

/// A batch of 40 of the campaign's pending contacts, submitted and seen to
/// have finished 3 of them: one to cancel while it runs.
pub async fn batch_under_way(rig: &mut Rig) -> CommandId {
    let contacts = pending_contacts(&rig.sandbox, CAMPAIGN, 40).await;
    let (_, change) = batch(contacts.iter().map(|c| draft(CAMPAIGN, c, "CALLBACK_LATER")).collect());
    let id = rig.submit(change).await;
    rig.until(|e| matches!(e, Event::Progress { done: 3, .. }).then_some(())).await;
    id
}

/// An engine, unpaced (`adjust` may change the rest of its settings), on a
/// tenant that allows each campaign a burst of `burst` requests and then one
/// every 2 s: its 429s pause the campaign.
pub async fn slow_to_refill(
    burst: u32,
    adjust: impl FnOnce(&mut cxone_console::engine::EngineConfig),
) -> super::Rig {
    use cxone_console::sandbox::config::RateLimit;
    use cxone_console::sandbox::{Sandbox, SandboxConfig};
    let limit = RateLimit { per_second: 0.5, burst };
    let sandbox = Sandbox::start(SandboxConfig { campaign_rate: Some(limit), ..SandboxConfig::quiet() })
        .await
        .expect("the sandbox binds 127.0.0.1:0");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut config = super::engine_config(&sandbox, dir.path());
    config.campaign_rate = None;
    adjust(&mut config);
    super::Rig::with(sandbox, dir, config).await
}

/// Each item's final ItemFinished outcome, from the events seen.
pub fn outcomes(rig: &Rig) -> HashMap<CommandId, Outcome> {
    rig.seen
        .iter()
        .filter_map(|e| match e {
            Event::ItemFinished { item, outcome, .. } => Some((item.clone(), outcome.clone())),
            _ => None,
        })
        .collect()
}

/// How each of `ids` ended: its skip's key, or the outcome's kind.
pub fn endings(rig: &Rig, ids: &[CommandId]) -> Vec<String> {
    let seen = outcomes(rig);
    let ending = |id: &CommandId| match &seen[id] {
        Outcome::Skipped { key, .. } => key.as_str().to_string(),
        other => other.kind().as_str().to_string(),
    };
    ids.iter().map(ending).collect()
}

/// Sets a contact's outcome on the tenant, as another console would.
pub fn set_elsewhere(tenant: &Tenant, contact: &str, code: &str) {
    let body = ContactDispositionBody {
        outcome_code: code.into(),
        agent_id: AGENT.into(),
        disposition_timestamp: "2026-11-21T10:00:00Z".into(),
        ..Default::default()
    };
    tenant.set_contact_outcome(CAMPAIGN, contact, None, &body).expect("the outcome is set");
}
