//! Entity snapshots: full reads first, then only what changed, and the
//! link's state as the console sees it.

mod engine_support;

use cxone_console::api::model::{Interaction, User};
use cxone_console::engine::{Command, Event, Link, Outcome, RowKey, Snapshot, Table};
use cxone_console::sandbox::{Sandbox, SandboxConfig, TenantSize};
use engine_support::Rig;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// A small tenant that keeps changing.
fn lively() -> SandboxConfig {
    SandboxConfig {
        simulate: true,
        tick: Duration::from_millis(20),
        size: TenantSize { agents: 60, interactions: 120, campaigns: 2, contacts_per_campaign: 50 },
        // Retires closed interactions at once, which two tests wait for.
        retention: Duration::ZERO,
        ..SandboxConfig::quiet()
    }
}

fn agents(event: &Event) -> Option<Arc<Table<User>>> {
    match event {
        Event::Snapshot(Snapshot::Agents(table)) => Some(Arc::clone(table)),
        _ => None,
    }
}

fn sorted_by_id<T>(rows: &[T], id: impl Fn(&T) -> &str) -> bool {
    rows.windows(2).all(|pair| id(&pair[0]) <= id(&pair[1]))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_is_published_whole_then_with_the_ids_that_changed() {
    let mut rig = Rig::refreshing(lively()).await;
    let mut first = HashMap::new();
    while first.len() < 5 {
        let (kind, generation, rows) = rig
            .until(|e| match e {
                Event::Snapshot(s) => Some(match s {
                    Snapshot::Agents(t) => ("agents", t.generation, t.rows.len()),
                    Snapshot::Interactions(t) => ("interactions", t.generation, t.rows.len()),
                    Snapshot::Campaigns(t) => ("campaigns", t.generation, t.rows.len()),
                    Snapshot::Contacts(t) => ("contacts", t.generation, t.rows.len()),
                    Snapshot::DataActions(t) => ("data actions", t.generation, t.rows.len()),
                }),
                _ => None,
            })
            .await;
        first.entry(kind).or_insert((generation, rows));
    }
    let counts = rig.sandbox.state().tenant.counts();
    assert_eq!(first["agents"], (1, counts.users), "every user, in the first snapshot");
    assert_eq!(first["campaigns"], (1, counts.campaigns));
    assert_eq!(first["contacts"], (1, counts.contacts), "contacts of every campaign");
    assert_eq!(first["data actions"], (1, counts.data_actions));
    assert_eq!(first["interactions"].0, 1);
    assert!(first["interactions"].1 > 100, "{:?}", first["interactions"]);

    // Agents change by themselves: each later table names exactly the rows
    // that differ from the table before it.
    let mut before = rig.until(agents).await;
    let mut marked = 0;
    while marked < 5 {
        let after = rig.until(agents).await;
        assert_eq!(after.generation, before.generation + 1, "only changes make a new table");
        assert!(sorted_by_id(&after.rows, |u| u.id.as_str()), "rows stay in id order");
        let old: HashMap<&str, &User> = before.rows.iter().map(|u| (u.id.as_str(), u)).collect();
        let differ: Vec<RowKey> = after
            .rows
            .iter()
            .filter(|u| old.get(u.id.as_str()) != Some(u))
            .map(|u| RowKey::new(None, u.id.as_str()))
            .collect();
        let mut changed = after.changed.clone();
        changed.sort_unstable();
        assert!(!changed.is_empty(), "a table with nothing changed is never sent");
        assert_eq!(changed, differ, "changed lists exactly the rows that differ");
        marked += changed.len();
        before = after;
    }
    rig.stop().await;
}

/// The next connection report whose link `want` accepts.
async fn link_report(
    events: &mut mpsc::Receiver<Event>,
    want: impl Fn(&Link) -> bool,
) -> cxone_console::engine::Connection {
    let waiting = async {
        loop {
            match events.recv().await.expect("the engine is running") {
                Event::Connection(c) if want(&c.link) => return c,
                _ => {}
            }
        }
    };
    tokio::time::timeout(engine_support::PATIENCE, waiting).await.expect("the link is reported")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_link_goes_down_with_the_tenant_and_up_when_it_returns() {
    let config = lively();
    let secret = config.client_secret.clone();
    let Rig { sandbox, engine, mut events, dir, seen } = Rig::refreshing(config).await;
    let up = link_report(&mut events, |l| *l == Link::Up).await;
    assert!(up.token_refreshes >= 1, "a token was fetched to get there");

    let addr = sandbox.addr();
    sandbox.shutdown().await;
    let down = link_report(&mut events, |l| matches!(l, Link::Down { .. })).await;
    let Link::Down { reason } = &down.link else { unreachable!("only a Down link is picked") };
    assert!(reason.contains("could not reach the tenant"), "{reason}");

    let sandbox = Sandbox::start(SandboxConfig { listen: addr, client_secret: secret, ..lively() })
        .await
        .expect("the port is free again");
    let back = link_report(&mut events, |l| *l == Link::Up).await;
    assert!(
        back.token_refreshes > up.token_refreshes,
        "the new tenant refused the old token and a fresh one was fetched"
    );
    Rig { sandbox, engine, events, dir, seen }.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_round_over_a_hundred_thousand_agents_costs_what_changed() {
    let size = TenantSize { agents: 100_000, interactions: 10, campaigns: 1, contacts_per_campaign: 10 };
    let seeding = Instant::now();
    let sandbox = Sandbox::start(SandboxConfig { size, ..SandboxConfig::quiet() }).await.unwrap();
    let seeded = seeding.elapsed();
    let dir = tempfile::tempdir().unwrap();
    let mut config = engine_support::engine_config(&sandbox, dir.path());
    config.refresh_every = Duration::from_millis(500);
    let reading = Instant::now();
    let mut rig = Rig::with(sandbox, dir, config).await;
    let whole = rig.until(agents).await;
    let full_round = reading.elapsed();
    let whole_requests = rig.sandbox.stats().requests;
    let users = rig.sandbox.state().tenant.counts().users;
    assert_eq!(whole.rows.len(), users);
    assert!(users > 100_000);

    let target = whole.rows[whole.rows.len() / 2].id.as_str().to_string();
    rig.sandbox.state().tenant.start_wrap_up(&target, Duration::from_secs(30)).expect("the user exists");
    let (asked, requests_before) = (Instant::now(), rig.sandbox.stats().requests);
    rig.send(Command::Refresh).await;
    let next = rig.until(agents).await;
    let changed_round = asked.elapsed();
    // The whole read pages through every agent; the round after reads what
    // changed since (every kind's first page, a periodic round perhaps too).
    let changed_requests = rig.sandbox.stats().requests - requests_before;
    assert!(
        changed_requests * 10 < whole_requests,
        "{changed_requests} requests for one change against {whole_requests} for the whole read"
    );
    assert_eq!(next.changed, [RowKey::new(None, &target)], "one agent changed, one is marked");
    assert_eq!(next.generation, whole.generation + 1);
    assert_eq!(next.rows.len(), users);
    let row = next.rows.iter().find(|u| u.id.as_str() == target).expect("still listed");
    assert!(row.wrap_up_until.is_some(), "the row carries the change");
    println!(
        "refresh of {users} agents: seeding {seeded:?}, whole read {full_round:?} ({whole_requests} requests), \
         round with one change {changed_round:?} ({changed_requests} requests)"
    );
    rig.stop().await;
}

fn interactions(event: &Event) -> Option<Arc<Table<Interaction>>> {
    match event {
        Event::Snapshot(Snapshot::Interactions(table)) => Some(Arc::clone(table)),
        _ => None,
    }
}

/// Waits until the tenant has retired some of the interactions the console
/// lists (it retires its oldest closed ones as new ones come): their ids.
async fn listed_but_retired(rig: &mut Rig) -> Vec<String> {
    loop {
        let table = rig.until(interactions).await;
        let tenant = &rig.sandbox.state().tenant;
        let gone: Vec<String> = table
            .rows
            .iter()
            .filter(|i| tenant.interaction(i.id.as_str()).is_err())
            .map(|i| i.id.to_string())
            .collect();
        if !gone.is_empty() {
            return gone;
        }
    }
}

/// Waits for a table of interactions that lists none of `removed`.
async fn until_dropped(rig: &mut Rig, removed: &[String], after: &str) {
    // Far sooner than the whole read every ten minutes would drop them.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let table = rig.until(interactions).await;
        if removed.iter().all(|id| !table.rows.iter().any(|i| i.id.as_str() == id)) {
            return;
        }
        assert!(Instant::now() < deadline, "{removed:?} still listed after {after}");
    }
}

/// Rounds read what changed, which says nothing of rows the tenant removed;
/// the supervisor's refresh reads every kind whole, and they leave.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_drops_the_rows_the_tenant_removed() {
    let mut rig = Rig::refreshing(lively()).await;
    let removed = listed_but_retired(&mut rig).await;
    rig.send(Command::Reload).await;
    until_dropped(&mut rig, &removed, "a reload").await;
    rig.stop().await;
}

/// A change to a row the tenant removed is refused (404); the refresh the
/// console asks for after every change then drops the row, with no reload.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_that_finds_its_target_gone_drops_its_row() {
    let mut rig = Rig::refreshing(lively()).await;
    let removed = listed_but_retired(&mut rig).await;
    let outcome = rig.outcome(engine_support::issue_resolved(&removed[0])).await;
    assert!(
        matches!(&outcome, Outcome::Rejected { reason } if reason.contains("404") || reason.contains("not found")),
        "{outcome:?}"
    );
    rig.send(Command::Refresh).await;
    until_dropped(&mut rig, &removed[..1], "a change found it gone").await;
    rig.stop().await;
}

/// The data actions' run figures come with the list, so runs must reach a
/// refresh that reads only what changed: a run moves its action's
/// `updatedAt`, and the next incremental snapshot carries the new count.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incremental_refresh_sees_new_executions() {
    use cxone_console::api::model::DataAction;
    use cxone_console::sandbox::tenant::RunStatus;
    fn actions(event: &Event) -> Option<Arc<Table<DataAction>>> {
        match event {
            Event::Snapshot(Snapshot::DataActions(table)) => Some(Arc::clone(table)),
            _ => None,
        }
    }
    let mut rig = Rig::refreshing(SandboxConfig::quiet()).await;
    let first = rig.until(actions).await;
    let action = first.rows.first().expect("the seed has data actions");
    let id = action.id.as_str().to_string();
    let runs = |row: &DataAction| row.recent_executions.as_ref().map_or(0, |r| r.count);
    let before = runs(action);
    let tag = rig.sandbox.state().tenant.data_action(&id).expect("the action exists").etag;
    for status in [RunStatus::Success, RunStatus::Error, RunStatus::Success] {
        rig.sandbox.state().tenant.record_execution(&id, status, 25.0).expect("the action exists");
    }
    let later = rig
        .until(|e| actions(e).filter(|t| t.rows.iter().any(|r| r.id.as_str() == id && runs(r) == before + 3)))
        .await;
    // The next whole read is ten minutes away, past the wait: this one read only what changed.
    assert_eq!(later.changed, [RowKey::new(None, &id)], "only the action that ran changed");
    let after = rig.sandbox.state().tenant.data_action(&id).expect("the action exists").etag;
    assert_eq!(tag, after, "runs are not a new version of the action: its tag holds");
    rig.stop().await;
}
