//! The seeded tenant: deterministic, sized as configured, and holding the
//! documents' example entities in states where their examples succeed.

use cxone_console::sandbox::tenant::{
    PINNED_ATTRIBUTES_INTERACTION, PINNED_CAMPAIGN, PINNED_CLOSED_INTERACTION, PINNED_CONTACTS, PINNED_USER,
    Tenant, Window,
};
use cxone_console::sandbox::{SandboxConfig, Stats, TenantSize};
use std::collections::BTreeSet;
use std::sync::Arc;

fn tenant(seed: u64, size: TenantSize) -> Tenant {
    Tenant::seed(&SandboxConfig { seed, size, ..SandboxConfig::quiet() }, Arc::new(Stats::default()))
}

fn all() -> Window {
    Window { top: 1_000, ..Window::default() }
}

/// What a seed decides, leaving out the times, which follow the clock.
fn fingerprint(t: &Tenant) -> Vec<String> {
    let mut lines: Vec<String> = t
        .list_users(&all(), None)
        .items
        .iter()
        .map(|u| {
            format!("{} {} {} {:?} {:?} {:?}", u.id, u.first_name, u.last_name, u.team_id, u.roles, u.status)
        })
        .collect();
    lines.extend(t.list_interactions(&all(), None).items.iter().map(|i| {
        format!("{} {} {:?} {} {}", i.id, i.status, i.channel, i.customer_name, i.attributes.len())
    }));
    lines.extend(
        t.list_contacts(PINNED_CAMPAIGN, &all(), None)
            .unwrap()
            .items
            .iter()
            .map(|c| format!("{} {} {} {:?}", c.id, c.phone, c.state, c.outcome_code)),
    );
    lines.sort();
    lines
}

#[test]
fn the_same_seed_yields_the_same_tenant_and_another_seed_another() {
    let small = TenantSize { agents: 60, interactions: 300, campaigns: 2, contacts_per_campaign: 200 };
    let a = fingerprint(&tenant(7, small));
    assert_eq!(a, fingerprint(&tenant(7, small)));
    assert_ne!(a, fingerprint(&tenant(8, small)));
}

#[test]
fn the_default_size_is_what_the_configuration_says() {
    let t = tenant(42, TenantSize::default());
    let c = t.counts();
    assert_eq!(c.agents, 200);
    assert!(c.users > c.agents, "some users hold other roles only");
    assert_eq!(c.interactions, 2_000);
    assert!(c.open_interactions > 0 && c.open_interactions < 2_000);
    assert_eq!((c.campaigns, c.contacts), (5, 5_000));
    assert_eq!(c.data_actions, 4);

    let users = t.list_users(&all(), None).items;
    let teams: BTreeSet<_> = users.iter().filter_map(|u| u.team_id.clone()).collect();
    assert_eq!(teams.len(), 10);
    let scheduled = users.iter().filter(|u| u.shift_schedule.start.is_some()).count();
    assert!(scheduled > 100 && scheduled < users.len(), "a mix of shifts and no shift");
    let now = time::OffsetDateTime::now_utc().unix_timestamp() as f64;
    let off_shift = users.iter().filter(|u| {
        u.shift_schedule.end.is_some_and(|e| e < now) || u.shift_schedule.start.is_some_and(|s| s > now)
    });
    assert!(off_shift.count() > 0, "some agents are off shift at any time");
    let channels: BTreeSet<_> =
        t.list_interactions(&all(), None).items.iter().map(|i| i.channel.as_str()).collect();
    assert_eq!(channels.len(), 4);
}

#[test]
fn the_documents_entities_are_ready_for_their_examples() {
    let t = tenant(1, TenantSize::default());
    assert_eq!(t.interaction(PINNED_CLOSED_INTERACTION).unwrap().value.status, "closed");
    assert!(t.dispositions().iter().any(|d| d.code == "101" && d.description == "Issue Resolved"));

    let keys: Vec<String> = t
        .attributes(PINNED_ATTRIBUTES_INTERACTION)
        .unwrap()
        .value
        .attributes
        .iter()
        .map(|a| a.key.as_str().to_string())
        .collect();
    assert!(keys.contains(&"customer_segment".into()) && keys.contains(&"compliance_flag".into()));
    assert!(!keys.contains(&"routing_priority".into()));

    let user = t.user(PINNED_USER).unwrap().value;
    assert!(user.roles.iter().any(|r| r.name == "Agent"));
    assert_eq!(user.status.as_str(), "Available");
    assert!(user.wrap_up_until.is_none());
    let now = time::OffsetDateTime::now_utc().unix_timestamp() as f64;
    assert!(user.shift_schedule.start.unwrap() <= now && now <= user.shift_schedule.end.unwrap());

    let example_outcomes = ["INTERESTED", "CALLBACK_LATER", "DO_NOT_CALL"];
    for ((id, _), wanted) in PINNED_CONTACTS.iter().zip(example_outcomes) {
        let c = t.contact(PINNED_CAMPAIGN, id).unwrap().value;
        assert_eq!(c.state.as_str(), "COMPLETED");
        assert_ne!(c.outcome_code.as_deref(), Some(wanted));
    }
}

#[test]
fn tiny_tenants_still_hold_the_examples() {
    let t = tenant(3, TenantSize { agents: 1, interactions: 0, campaigns: 0, contacts_per_campaign: 0 });
    assert!(t.user(PINNED_USER).is_ok());
    assert!(t.interaction(PINNED_CLOSED_INTERACTION).is_ok());
    assert!(t.interaction(PINNED_ATTRIBUTES_INTERACTION).is_ok());
    assert!(t.contact(PINNED_CAMPAIGN, PINNED_CONTACTS[2].0).is_ok());
}

#[test]
fn pages_walk_a_large_list_exactly_once() {
    let t =
        tenant(5, TenantSize { agents: 50, interactions: 20_000, campaigns: 1, contacts_per_campaign: 10 });
    let mut seen = BTreeSet::new();
    let mut skip = 0;
    loop {
        let page = t.list_interactions(&Window { top: 1_000, skip, updated_since: None }, None);
        assert_eq!(page.total_count, 20_000);
        if page.items.is_empty() {
            break;
        }
        for i in &page.items {
            assert!(seen.insert(i.id.clone()), "{} listed twice", i.id);
        }
        skip += page.items.len();
    }
    assert_eq!(seen.len(), 20_000);
}
