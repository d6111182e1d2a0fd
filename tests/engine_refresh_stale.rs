//! Tables that stop refreshing while others go on, through a proxy that
//! refuses some lists: a kind refused on its own (403) or failing (503) is
//! reported stale with why, not the link down; a campaign gone since the
//! campaigns were listed (404) costs the other campaigns' contacts nothing.

mod engine_support;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use cxone_console::engine::{Connection, Entities, Event, Link, Snapshot};
use cxone_console::sandbox::{Sandbox, SandboxConfig, TenantSize};
use engine_support::forward;
use engine_support::proxy::rig_at;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

struct Proxy {
    upstream: Url,
    http: reqwest::Client,
    /// The campaign whose contacts the tenant no longer has.
    gone: String,
}

async fn forward(State(proxy): State<Arc<Proxy>>, request: Request) -> Response {
    let Some((parts, body)) = forward::read(request).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let path = parts.uri.path();
    if parts.method == Method::GET {
        if path == "/api/v2/data-actions" {
            return StatusCode::FORBIDDEN.into_response();
        }
        if path == "/api/v1/interactions" {
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
        // Gone since the campaigns were listed: it and its contacts.
        let gone = format!("/api/v1/outbound/campaigns/{}", proxy.gone);
        if path == gone || path == format!("{gone}/contacts") {
            return StatusCode::NOT_FOUND.into_response();
        }
    }
    forward::pass(&proxy.http, &proxy.upstream, &parts, body).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kind_refused_or_failing_is_stale_while_the_others_refresh() {
    let size = TenantSize { agents: 20, interactions: 20, campaigns: 2, contacts_per_campaign: 10 };
    let sandbox =
        Sandbox::start(SandboxConfig { size, ..SandboxConfig::quiet() }).await.expect("the sandbox starts");
    let campaigns = sandbox.state().tenant.campaign_ids();
    let gone = campaigns[0].clone();
    let proxy = Arc::new(Proxy { upstream: sandbox.base_url(), http: forward::http(), gone: gone.clone() });
    let url = forward::serve(axum::Router::new().fallback(forward).with_state(proxy)).await;
    let mut rig = rig_at(sandbox, url, |config| config.refresh_every = Duration::from_millis(300)).await;

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

    let contacts = rig
        .seen_or_next(|e| match e {
            Event::Snapshot(Snapshot::Contacts(table)) => Some(Arc::clone(table)),
            _ => None,
        })
        .await;
    assert!(!contacts.rows.is_empty(), "the other campaign's contacts are read");
    assert!(contacts.rows.iter().all(|c| c.campaign_id.as_str() != gone), "none of the gone campaign's");
    rig.stop().await;
}
