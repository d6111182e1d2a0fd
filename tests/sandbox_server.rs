//! The accept loop as a raw TCP client sees it: keep-alive, replies that
//! never start, JSON for unknown endpoints, a graceful shutdown, and a peer
//! that trickles its headers. Idle peers are in `sandbox_idle_connections.rs`,
//! alone in their process, since they count its descriptors.

mod common;

use axum::Router;
use axum::routing::post;
use common::{TestApi, authed, client, error_of, start, start_quiet};
use cxone_console::sandbox::SandboxConfig;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{Barrier, Notify, Semaphore};

/// Connections served at once by the bounded sandbox.
const MOST: usize = 16;
/// How long the bounded sandbox waits for a request's headers.
const HEADERS_WITHIN: Duration = Duration::from_millis(500);
/// Requests the engine and the benchmarks have in flight at once, all on
/// their own connections: 64 raw benchmark loops, or a batch's 50 and as
/// many deliveries to the sink, and a margin.
const ENGINE_AT_ONCE: usize = 200;

/// Sends raw bytes and reads until the server closes the connection.
async fn exchange(addr: std::net::SocketAddr, request: &str) -> std::io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(request.as_bytes()).await?;
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).await?;
    Ok(reply)
}

#[tokio::test]
async fn keep_alive_serves_several_requests_on_one_connection() {
    let sandbox = start_quiet().await;
    let request = "GET /sandbox/stats HTTP/1.1\r\nHost: sandbox\r\n\r\n\
                   GET /sandbox/faults HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n\r\n";
    let reply = String::from_utf8(exchange(sandbox.addr(), request).await.unwrap()).unwrap();
    assert_eq!(reply.matches("HTTP/1.1 200 OK").count(), 2, "{reply}");
    assert!(reply.contains("\"tokensIssued\"") && reply.contains("\"rate429\""));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_dropped_connection_gets_not_a_single_byte() {
    let sandbox = start_quiet().await;
    common::set_faults(&client(), &sandbox.base_url(), json!({ "rateDrop": 1.0 })).await;
    let request = "POST /oauth/token HTTP/1.1\r\nHost: sandbox\r\n\
                   Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 29\r\n\r\n\
                   grant_type=client_credentials";
    for _ in 0..6 {
        // A reset instead of a clean close is as good: no reply either way.
        let reply = exchange(sandbox.addr(), request).await.unwrap_or_default();
        assert!(reply.is_empty(), "got {:?}", String::from_utf8_lossy(&reply));
    }
    let faults = common::stats(&client(), &sandbox.base_url()).await.faults;
    assert_eq!(faults["droppedBefore"] + faults["droppedAfter"], 6);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn unknown_endpoints_and_methods_get_json_errors() {
    let sandbox = start_quiet().await;
    let response = client().get(sandbox.base_url().join("/api/v9/nothing").unwrap()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        error_of(response).await,
        ("not_found".into(), "no such endpoint: GET /api/v9/nothing".into())
    );
    let response = client().delete(sandbox.base_url().join("/sandbox/stats").unwrap()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(error_of(response).await.0, "method_not_allowed");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn shutdown_lets_a_request_in_flight_finish_then_stops_accepting() {
    let entered = Arc::new(Notify::new());
    let gate = Arc::new(Semaphore::new(0));
    let api = {
        let (entered, gate) = (entered.clone(), gate.clone());
        Router::new().route(
            "/api/v2/data-actions",
            post(move || {
                let (entered, gate) = (entered.clone(), gate.clone());
                async move {
                    entered.notify_one();
                    let _permit = gate.acquire().await;
                    (axum::http::StatusCode::CREATED, "created")
                }
            }),
        )
    };
    let api = TestApi::start(SandboxConfig::quiet(), api).await;
    let token = api.token(None).await;
    let in_flight =
        tokio::spawn(authed(&api.client, Method::POST, api.url("/api/v2/data-actions"), &token).send());
    entered.notified().await;

    let addr = api.base.socket_addrs(|| None).unwrap()[0];
    let stopper = api.stopper();
    let stopping = tokio::spawn(api.stop());
    stopper.cancelled().await;
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
    assert!(!stopping.is_finished(), "shutdown waits for the request in flight");
    assert!(TcpStream::connect(addr).await.is_err(), "no new connections once stopping");

    gate.add_permits(1);
    let response = in_flight.await.unwrap().expect("the request in flight gets its reply");
    assert_eq!(response.status(), StatusCode::CREATED);
    stopping.await.unwrap();
}

/// Headers sent a line at a time, for ever, do not keep a connection open:
/// the time for them runs from when the connection was ready for a request.
#[tokio::test]
async fn headers_trickled_in_do_not_keep_a_connection_open() {
    let sandbox = start(common::bounded(MOST, HEADERS_WITHIN)).await;
    let mut stream = TcpStream::connect(sandbox.addr()).await.expect("a connection");
    stream.write_all(b"GET /sandbox/stats HTTP/1.1\r\nHost: sandbox\r\n").await.expect("a start of headers");
    let mut lines = 0;
    // Writing to a connection the sandbox closed fails, at the latest on the
    // write after the one that met the close.
    while stream.write_all(b"x-trickle: 1\r\n").await.is_ok() {
        lines += 1;
        assert!(lines < 50, "a connection sending a header line each 100 ms is still open after 5 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    sandbox.shutdown().await;
}

/// A body trickled in, a byte at a time, does not keep a connection open:
/// once it is overdue, the request fails and the connection closes.
#[tokio::test]
async fn a_body_trickled_in_does_not_keep_a_connection_open() {
    let sandbox = start(common::bounded(MOST, HEADERS_WITHIN)).await;
    let mut stream = TcpStream::connect(sandbox.addr()).await.expect("a connection");
    let head = "POST /oauth/token HTTP/1.1\r\nHost: sandbox\r\n\
                Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ngrant_type=";
    stream.write_all(head.as_bytes()).await.expect("the headers and a start of body");
    let mut sent = 0;
    while stream.write_all(b"x").await.is_ok() {
        sent += 1;
        assert!(sent < 50, "a connection sending a byte of body each 100 ms is still open after 5 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut reply = Vec::new();
    // What the sandbox wrote before it closed, if the close did not lose it.
    let _ = tokio::time::timeout(Duration::from_secs(1), stream.read_to_end(&mut reply)).await;
    let reply = String::from_utf8_lossy(&reply);
    assert!(reply.is_empty() || reply.starts_with("HTTP/1.1 4"), "{reply}");
    assert_eq!(sandbox.stats().tokens_issued, 0, "no token for a body that never came");
    sandbox.shutdown().await;
}

/// The bound leaves room for everything the engine and the benchmarks have
/// in flight at once, each request on a connection of its own.
#[tokio::test]
async fn as_many_connections_as_the_engine_opens_are_served_at_once() {
    let all_in = Arc::new(Barrier::new(ENGINE_AT_ONCE));
    let api = {
        let all_in = all_in.clone();
        Router::new().route(
            "/api/v2/data-actions",
            post(move || {
                let all_in = all_in.clone();
                // Each answers only once all are being answered.
                async move {
                    all_in.wait().await;
                    (axum::http::StatusCode::CREATED, "created")
                }
            }),
        )
    };
    let api = TestApi::start(SandboxConfig::quiet(), api).await;
    let token = api.token(None).await;
    let requests: Vec<_> = (0..ENGINE_AT_ONCE)
        .map(|_| {
            tokio::spawn(authed(&api.client, Method::POST, api.url("/api/v2/data-actions"), &token).send())
        })
        .collect();
    let answered = tokio::time::timeout(Duration::from_secs(10), async {
        for request in requests {
            let response = request.await.expect("the request's task").expect("an answer");
            assert_eq!(response.status(), StatusCode::CREATED);
        }
    })
    .await;
    assert!(answered.is_ok(), "{ENGINE_AT_ONCE} requests at once were not all served together");
    api.stop().await;
}
