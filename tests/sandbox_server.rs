//! The accept loop as a raw TCP client sees it: keep-alive, replies that
//! never start, JSON for unknown endpoints, and a graceful shutdown.

mod common;

use axum::Router;
use axum::routing::post;
use common::{TestApi, authed, client, error_of, start_quiet};
use cxone_console::sandbox::SandboxConfig;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{Notify, Semaphore};

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
