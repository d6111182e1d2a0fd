//! The simulation keeps the tenant moving, within bounds, without touching
//! the documents' entities and without counting its changes as writes.

use cxone_console::sandbox::tenant::{
    PINNED_ATTRIBUTES_INTERACTION, PINNED_CAMPAIGN, PINNED_CLOSED_INTERACTION, PINNED_CONTACTS, PINNED_USER,
    Tenant, Window,
};
use cxone_console::sandbox::{SandboxConfig, Stats, TenantSize};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

fn tenant(stats: Arc<Stats>) -> Tenant {
    tenant_keeping(stats, Duration::ZERO)
}

fn tenant_keeping(stats: Arc<Stats>, retention: Duration) -> Tenant {
    let size = TenantSize { agents: 80, interactions: 400, campaigns: 3, contacts_per_campaign: 150 };
    let config = SandboxConfig { seed: 11, size, campaign_rate: None, retention, ..SandboxConfig::quiet() };
    Tenant::seed(&config, stats)
}

fn pinned_tags(t: &Tenant) -> Vec<String> {
    let mut tags = vec![
        t.user(PINNED_USER).unwrap().etag.to_string(),
        t.interaction(PINNED_CLOSED_INTERACTION).unwrap().etag.to_string(),
        t.interaction(PINNED_ATTRIBUTES_INTERACTION).unwrap().etag.to_string(),
        t.campaign(PINNED_CAMPAIGN).unwrap().etag.to_string(),
    ];
    tags.extend(
        PINNED_CONTACTS.iter().map(|(id, _)| t.contact(PINNED_CAMPAIGN, id).unwrap().etag.to_string()),
    );
    tags
}

#[test]
fn steps_change_agents_interactions_contacts_and_actions_but_not_the_examples() {
    let stats = Arc::new(Stats::default());
    let t = tenant(stats.clone());
    let before = pinned_tags(&t);
    let as_of = t.now();
    let since = Window { top: 1_000, skip: 0, updated_since: Some(as_of) };
    let statuses_before: BTreeMap<String, String> = t
        .list_users(&Window { top: 1_000, ..Window::default() }, None)
        .items
        .into_iter()
        .map(|u| (u.id, u.status.to_string()))
        .collect();

    for _ in 0..200 {
        t.step();
    }

    assert_eq!(pinned_tags(&t), before, "the documents' entities are never touched");
    let users = t.list_users(&since, None);
    assert!(users.total_count > 0, "agents changed");
    let moved =
        users.items.iter().filter(|u| statuses_before.get(&u.id) != Some(&u.status.to_string())).count();
    assert!(moved > 0, "some agents changed status");
    assert!(t.list_interactions(&since, None).total_count > 0, "interactions opened or closed");
    let contacts = t.list_contacts(PINNED_CAMPAIGN, &since, None).unwrap();
    assert!(contacts.total_count > 0, "the dialer worked on contacts");

    let counts = t.counts();
    assert!(
        counts.interactions.abs_diff(400) <= 10,
        "the total stays near the size: {}",
        counts.interactions
    );
    for action in t.list_data_actions(&Window::default()).items {
        if action.is_deprecated {
            assert_eq!(action.recent_executions.count, 0, "{} is deprecated", action.name);
        } else {
            assert!(action.recent_executions.count > 0, "{} ran", action.name);
        }
    }
    let snapshot = stats.snapshot();
    assert!(
        snapshot.writes.values().all(|&n| n == 0),
        "simulated changes are not writes: {:?}",
        snapshot.writes
    );
    assert_eq!(snapshot.total_repeated(), 0);
}

#[test]
fn contacts_go_through_the_dialer_states_in_order() {
    let t = tenant(Arc::new(Stats::default()));
    let all = Window { top: 1_000, ..Window::default() };
    let mut previous: BTreeMap<String, (String, u32)> = BTreeMap::new();
    let order = ["PENDING", "DIALING", "RINGING", "CONNECTED", "WRAP_UP", "COMPLETED"];
    let rank = |s: &str| order.iter().position(|o| *o == s).unwrap();
    let mut completed_by_dialer = 0;
    for _ in 0..150 {
        t.step();
        for c in t.list_contacts(PINNED_CAMPAIGN, &all, None).unwrap().items {
            let state = c.state.to_string();
            if let Some((before, attempts)) = previous.get(&c.id) {
                let (a, b) = (rank(before), rank(&state));
                let forward =
                    b == a || b == a + 1 || (a == 2 && b == 5) || (a == 5 && b == 0) || (a == 0 && b == 1);
                assert!(forward, "{}: {before} -> {state}", c.id);
                if a == 0 && b == 1 {
                    assert_eq!(c.attempts, attempts + 1, "dialing counts an attempt");
                }
                if a != 5 && b == 5 {
                    completed_by_dialer += 1;
                    assert!(c.outcome_code.is_some());
                }
            }
            previous.insert(c.id, (state, c.attempts));
        }
    }
    assert!(completed_by_dialer > 0, "some calls ended with an outcome");
}

/// A file of changes is made from a listing: through the run's first
/// retention, every interaction listed stays, closed or awaiting a
/// disposition, while new ones still arrive as others close.
#[test]
fn no_interaction_is_retired_within_the_retention() {
    let t = tenant_keeping(Arc::new(Stats::default()), Duration::from_secs(30 * 60));
    let listed: Vec<String> = t
        .list_interactions(&Window { top: 1_000, ..Window::default() }, None)
        .items
        .into_iter()
        .map(|i| i.id)
        .collect();
    for _ in 0..300 {
        t.step();
    }
    let gone: Vec<&String> = listed.iter().filter(|id| t.interaction(id).is_err()).collect();
    assert!(gone.is_empty(), "retired within the retention: {gone:?}");
    assert!(t.counts().interactions > listed.len(), "no new interaction arrived");
}
