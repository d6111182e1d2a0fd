//! `apply` against a tenant in passing trouble: the reads that check a file
//! before anything is sent get the tries the engine's own reads get.

mod cli_support;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cli_support::{Home, example, secrets, tenant_config, test_tenant};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use url::Url;

/// Forwards to the tenant, but answers the first `failing` reads of its
/// pause reasons with a 503, as a tenant briefly overloaded would.
struct Overloaded {
    upstream: Url,
    http: reqwest::Client,
    failing: usize,
    refused: AtomicUsize,
}

async fn forward(State(proxy): State<Arc<Overloaded>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    if parts.method == Method::GET
        && parts.uri.path().ends_with("/pause-reasons")
        && proxy.refused.fetch_add(1, Ordering::SeqCst) < proxy.failing
    {
        let body = r#"{"error":"overloaded","message":"try again shortly"}"#;
        return (StatusCode::SERVICE_UNAVAILABLE, [(header::CONTENT_TYPE, "application/json")], body)
            .into_response();
    }
    let Ok(body) = axum::body::to_bytes(body, 4 << 20).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let mut url = proxy.upstream.clone();
    url.set_path(parts.uri.path());
    url.set_query(parts.uri.query());
    let mut out = proxy.http.request(parts.method.clone(), url).body(body);
    for (name, value) in &parts.headers {
        if name != header::HOST && name != header::CONTENT_LENGTH {
            out = out.header(name, value);
        }
    }
    let Ok(reply) = out.send().await else { return StatusCode::BAD_GATEWAY.into_response() };
    let (status, headers) = (reply.status(), reply.headers().clone());
    let bytes = reply.bytes().await.unwrap_or_default();
    let mut response = Response::new(axum::body::Body::from(bytes));
    *response.status_mut() = status;
    for (name, value) in &headers {
        if name != header::TRANSFER_ENCODING && name != header::CONTENT_LENGTH {
            response.headers_mut().append(name, value.clone());
        }
    }
    response
}

/// More 503s than one call's own attempts (4) outlast: a run that gave the
/// check a single call refused the file with nothing wrong in it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_is_checked_through_a_tenant_briefly_overloaded() {
    let tenant = test_tenant().await;
    let http = reqwest::Client::builder().no_proxy().build().expect("an HTTP client");
    let proxy =
        Arc::new(Overloaded { upstream: tenant.base_url(), http, failing: 5, refused: AtomicUsize::new(0) });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    let through = format!("http://{}", listener.local_addr().expect("an address"));
    let app = axum::Router::new().fallback(forward).with_state(Arc::clone(&proxy));
    tokio::spawn(async move { axum::serve(listener, app).await });

    let home = Home::new();
    let direct = tenant.base_url().as_str().trim_end_matches('/').to_string();
    home.write_config(&tenant_config(&tenant).replacen(&direct, &through, 1));
    let file = example("agent-status.csv");
    let ran = home.run(&["apply", "--file", file.to_str().unwrap()], &secrets()).await;
    assert_eq!(ran.code, Some(0), "{}\n{}", ran.stderr, ran.stdout);
    assert!(proxy.refused.load(Ordering::SeqCst) > proxy.failing, "the 503s were met, then outlasted");
    assert!(ran.report()["totals"]["applied"].as_u64().unwrap_or(0) > 0, "{}", ran.stdout);
    tenant.shutdown().await;
}
