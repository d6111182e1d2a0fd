//! `apply` against a tenant in passing trouble: the reads that check a file
//! before anything is sent get the tries the engine's own reads get.

mod cli_support;
mod forward_support;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cli_support::{Home, example, secrets, tenant_config, test_tenant};
use cxone_console::sandbox::Sandbox;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use url::Url;

/// Forwards to the tenant, but answers the first `failing` reads of a path
/// holding `path_has` with a 503, as a tenant briefly overloaded would.
struct Overloaded {
    upstream: Url,
    http: reqwest::Client,
    path_has: &'static str,
    failing: usize,
    refused: AtomicUsize,
}

async fn forward(State(proxy): State<Arc<Overloaded>>, request: Request) -> Response {
    let Some((parts, body)) = forward_support::read(request).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    if parts.method == Method::GET
        && parts.uri.path().contains(proxy.path_has)
        && proxy.refused.fetch_add(1, Ordering::SeqCst) < proxy.failing
    {
        let body = r#"{"error":"overloaded","message":"try again shortly"}"#;
        return (StatusCode::SERVICE_UNAVAILABLE, [(header::CONTENT_TYPE, "application/json")], body)
            .into_response();
    }
    forward_support::pass(&proxy.http, &proxy.upstream, &parts, body).await
}

/// A home whose tenant is `tenant` behind an overloaded proxy.
async fn overloaded(tenant: &Sandbox, path_has: &'static str) -> (Home, Arc<Overloaded>) {
    let http = forward_support::http();
    let refused = AtomicUsize::new(0);
    let proxy = Arc::new(Overloaded { upstream: tenant.base_url(), http, path_has, failing: 5, refused });
    let app = axum::Router::new().fallback(forward).with_state(Arc::clone(&proxy));
    let through = forward_support::serve(app).await.as_str().trim_end_matches('/').to_string();
    let home = Home::new();
    let direct = tenant.base_url().as_str().trim_end_matches('/').to_string();
    home.write_config(&tenant_config(tenant).replacen(&direct, &through, 1));
    (home, proxy)
}

/// More 503s than one call's own attempts (4) outlast: a run that gave the
/// check a single call refused the file with nothing wrong in it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_is_checked_through_a_tenant_briefly_overloaded() {
    let tenant = test_tenant().await;
    let (home, proxy) = overloaded(&tenant, "/pause-reasons").await;
    let file = example("agent-status.csv");
    let ran = home.run(&["apply", "--file", file.to_str().unwrap()], &secrets()).await;
    assert_eq!(ran.code, Some(0), "{}\n{}", ran.stderr, ran.stdout);
    assert!(proxy.refused.load(Ordering::SeqCst) > proxy.failing, "the 503s were met, then outlasted");
    assert!(ran.report()["totals"]["applied"].as_u64().unwrap_or(0) > 0, "{}", ran.stdout);
    tenant.shutdown().await;
}

/// A dry run reads each target: those reads outlast the same trouble.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_reads_its_targets_through_a_tenant_briefly_overloaded() {
    let tenant = test_tenant().await;
    let (home, proxy) = overloaded(&tenant, "/users/").await;
    let file = example("agent-status.csv");
    let ran = home.run(&["apply", "--dry-run", "--file", file.to_str().unwrap()], &secrets()).await;
    assert_eq!(ran.code, Some(0), "{}\n{}", ran.stderr, ran.stdout);
    assert!(proxy.refused.load(Ordering::SeqCst) > proxy.failing, "the 503s were met, then outlasted");
    assert!(ran.report()["totals"]["would_apply"].as_u64().unwrap_or(0) > 0, "{}", ran.stdout);
    tenant.shutdown().await;
}
