//! Peers that open connections and send nothing, or half a request, as the
//! sandbox's accept loop sees them. This test counts the descriptors of its
//! process, so it is the only test of its binary: another test running beside
//! it would open sockets of its own and be counted with the sandbox's.

mod common;

use common::{bounded, client, start};
use reqwest::StatusCode;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Connections served at once by the bounded sandbox.
const MOST: usize = 16;
/// How long the bounded sandbox waits for a request's headers.
const HEADERS_WITHIN: Duration = Duration::from_millis(500);
/// Connections a peer leaves idle: three times as many as are served at once.
const IDLE: usize = 3 * MOST;

fn open_descriptors() -> usize {
    std::fs::read_dir("/proc/self/fd").expect("this process's descriptors").count()
}

/// Reads until the sandbox closes the connection, for `within` at most.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut rest = Vec::new();
    // A reset is a close too.
    tokio::time::timeout(within, stream.read_to_end(&mut rest)).await.is_ok()
}

/// A peer that opens many connections and sends nothing, or half a request,
/// takes only the sandbox's bound of descriptors (the rest wait unaccepted),
/// its connections are closed once their headers are overdue, and a client
/// that comes after them is served.
#[tokio::test]
async fn idle_connections_take_a_bounded_share_and_are_closed_while_a_client_is_served() {
    let sandbox = start(bounded(MOST, HEADERS_WITHIN)).await;
    let before = open_descriptors();
    let mut idle = Vec::new();
    for n in 0..IDLE {
        let mut stream = TcpStream::connect(sandbox.addr()).await.expect("the system queues the connection");
        if n % 2 == 1 {
            stream
                .write_all(b"GET /sandbox/stats HTTP/1.1\r\nHost: sandbox\r\n")
                .await
                .expect("half a request");
        }
        idle.push(stream);
    }
    // Long enough for an unbounded sandbox to take every one, short of the
    // headers' time, so that none of those taken has been closed yet.
    tokio::time::sleep(HEADERS_WITHIN / 2).await;
    let taken = open_descriptors().saturating_sub(before + IDLE);
    assert!(taken <= MOST + 4, "{taken} descriptors taken for {IDLE} idle connections");

    // Queued behind the idle ones, it is served as their headers fall due.
    let request = client().get(sandbox.base_url().join("/sandbox/stats").unwrap()).send();
    let response = tokio::time::timeout(Duration::from_secs(10), request).await;
    let response = response.expect("the client is served in time").expect("an answer");
    assert_eq!(response.status(), StatusCode::OK);

    for (n, stream) in idle.iter_mut().enumerate() {
        assert!(closed_within(stream, Duration::from_secs(5)).await, "idle connection {n} is still open");
    }
    sandbox.shutdown().await;
}
