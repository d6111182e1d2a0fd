//! Tables that stop refreshing while others go on, through a proxy that
//! refuses some lists: a kind refused on its own (403) or failing (503) is
//! reported stale with why, not the link down, and one whose read the
//! tenant never answers as soon as it has been out as long (a long round
//! answered throughout is not); a campaign gone
//! since the campaigns were listed (404) costs the other campaigns'
//! contacts nothing.

mod engine_support;

use axum::http::{Method, StatusCode};
use cxone_console::api::model::Contact;
use cxone_console::engine::{Connection, Entities, Event, Link, STALE_AFTER, Snapshot, Table};
use cxone_console::sandbox::{Sandbox, SandboxConfig, TenantSize};
use engine_support::Rig;
use engine_support::proxy::{Route, routed};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// A sandbox of two campaigns behind the proxy, and an engine refreshing
/// through it every 300 ms; the first campaign's id.
async fn through_proxy(failing: bool, gone_now: bool) -> (Rig, Arc<AtomicBool>, String) {
    let size = TenantSize { agents: 20, interactions: 20, campaigns: 2, contacts_per_campaign: 10 };
    let sandbox =
        Sandbox::start(SandboxConfig { size, ..SandboxConfig::quiet() }).await.expect("the sandbox starts");
    let gone = sandbox.state().tenant.campaign_ids()[0].clone();
    let gone_now = Arc::new(AtomicBool::new(gone_now));
    let (campaign, contacts) =
        (format!("/api/v1/outbound/campaigns/{gone}"), format!("/api/v1/outbound/campaigns/{gone}/contacts"));
    let is_gone = Arc::clone(&gone_now);
    let route = move |method: &Method, path: &str| match path {
        _ if method != Method::GET => Route::Pass,
        "/api/v2/data-actions" if failing => Route::Refuse(StatusCode::FORBIDDEN),
        "/api/v1/interactions" if failing => Route::Refuse(StatusCode::SERVICE_UNAVAILABLE),
        // Gone, though still listed: it and its contacts.
        _ if is_gone.load(Ordering::SeqCst) && (path == campaign || path == contacts) => {
            Route::Refuse(StatusCode::NOT_FOUND)
        }
        _ => Route::Pass,
    };
    let rig = routed(sandbox, route, |config| config.refresh_every = Duration::from_millis(300)).await;
    (rig, gone_now, gone)
}

fn contacts(event: &Event) -> Option<Arc<Table<Contact>>> {
    match event {
        Event::Snapshot(Snapshot::Contacts(table)) => Some(Arc::clone(table)),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kind_refused_or_failing_is_stale_while_the_others_refresh() {
    let (mut rig, _gone_now, gone) = through_proxy(true, true).await;
    // Up once a kind has read the tenant; before that, a report may still say Connecting.
    let stale = |c: &Connection| {
        c.link == Link::Up
            && c.stale.contains_key(&Entities::DataActions)
            && c.stale.contains_key(&Entities::Interactions)
    };
    let connection = rig.until(|e| matches!(e, Event::Connection(c) if stale(c)).then(|| e.clone())).await;
    let Event::Connection(connection) = connection else { unreachable!("only a connection is picked") };
    assert!(connection.stale[&Entities::DataActions].reason.contains("not allowed"), "{connection:?}");
    assert!(connection.stale[&Entities::DataActions].last_read.is_none(), "never read");
    assert!(!connection.stale.contains_key(&Entities::Agents), "{connection:?}");

    let table = rig.seen_or_next(contacts).await;
    assert!(!table.rows.is_empty(), "the other campaign's contacts are read");
    assert!(table.rows.iter().all(|c| c.campaign_id.as_str() != gone), "none of the gone campaign's");
    rig.stop().await;
}

/// A tenant that takes the data actions' read and never answers: the table
/// is stale once the read has been out [`STALE_AFTER`], since the read
/// began, not once the request's 30 s run out, and the link stays up while
/// the other kinds read. On the paused clock, so the wait costs nothing.
#[tokio::test(start_paused = true)]
async fn a_read_the_tenant_never_answers_is_stale_as_soon_as_a_failing_one() {
    let size = TenantSize { agents: 5, interactions: 5, campaigns: 1, contacts_per_campaign: 5 };
    let sandbox =
        Sandbox::start(SandboxConfig { size, ..SandboxConfig::quiet() }).await.expect("the sandbox starts");
    let route = |method: &Method, path: &str| match path {
        "/api/v2/data-actions" if method == Method::GET => Route::Hang,
        _ => Route::Pass,
    };
    // One round each, then nothing but the hung read and its timers.
    let mut rig = routed(sandbox, route, |config| config.refresh_every = Duration::from_secs(120)).await;
    let began = tokio::time::Instant::now();
    let stale = |e: &Event| match e {
        Event::Connection(c) => c.stale.get(&Entities::DataActions).map(|s| (c.clone(), s.clone())),
        _ => None,
    };
    let (connection, stale) = rig.until(stale).await;
    let waited = began.elapsed();
    assert!(waited >= STALE_AFTER && waited < Duration::from_secs(30), "told after {waited:?}");
    assert!(stale.reason.contains("has not answered"), "{stale:?}");
    assert!(stale.last_read.is_none(), "never read: {stale:?}");
    assert_eq!(connection.link, Link::Up, "the other kinds read: {connection:?}");
    assert_eq!(connection.stale.len(), 1, "{connection:?}");
    rig.stop().await;
}

/// A round of many requests, each answered in time, is not unanswered
/// however long it takes in all: three campaigns' contacts, each page six
/// seconds late, make a contacts round of over [`STALE_AFTER`] that the
/// tenant answered throughout. On the paused clock.
#[tokio::test(start_paused = true)]
async fn a_long_round_of_pages_each_answered_in_time_is_not_stale() {
    let size = TenantSize { agents: 5, interactions: 5, campaigns: 3, contacts_per_campaign: 5 };
    let sandbox =
        Sandbox::start(SandboxConfig { size, ..SandboxConfig::quiet() }).await.expect("the sandbox starts");
    let late = STALE_AFTER / 3 + Duration::from_secs(1);
    let route = move |method: &Method, path: &str| match path {
        _ if method == Method::GET && path.ends_with("/contacts") => Route::Late(late),
        _ => Route::Pass,
    };
    let mut rig = routed(sandbox, route, |config| config.refresh_every = Duration::from_secs(120)).await;
    let began = tokio::time::Instant::now();
    let table = rig.seen_or_next(contacts).await;
    let took = began.elapsed();
    assert!(took > STALE_AFTER, "the round took {took:?}");
    assert_eq!(table.rows.len(), 15, "every campaign's contacts");
    let told_stale = rig
        .seen
        .iter()
        .any(|e| matches!(e, Event::Connection(c) if c.stale.contains_key(&Entities::Contacts)));
    assert!(!told_stale, "a round answered throughout is not called stale: {:?}", rig.seen);
    rig.stop().await;
}

/// Gone between two rounds that read only what changed: the next round
/// reads the contacts whole, every campaign listed, and leaves the gone
/// one's contacts out and the other's in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_gone_between_rounds_leaves_its_contacts_and_no_others() {
    let (mut rig, gone_now, gone) = through_proxy(false, false).await;
    let first = rig.seen_or_next(contacts).await;
    assert!(first.rows.iter().any(|c| c.campaign_id.as_str() == gone), "read while it was there");
    // Past the rounds' 5 s overlap, so that one reading only what changed
    // lists no campaign, the gone one included.
    tokio::time::sleep(Duration::from_secs(6)).await;
    gone_now.store(true, Ordering::SeqCst);
    let after =
        rig.until(|e| contacts(e).filter(|t| t.rows.iter().all(|c| c.campaign_id.as_str() != gone))).await;
    assert!(!after.rows.is_empty(), "the other campaign's contacts stay: {} rows", after.rows.len());
    rig.stop().await;
}
