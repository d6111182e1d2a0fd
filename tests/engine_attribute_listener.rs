//! The attribute-callback listener against peers that are not the tenant:
//! anything on this machine can connect to it, and none may hold it.

mod engine_support;

use cxone_console::engine::{Change, Outcome};
use engine_support::Rig;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Connections a stalling peer opens: far more than the listener serves at once.
const STALLED: usize = 200;
/// The most the listener serves at once.
const SERVED: usize = 32;

/// Held by each test for its whole run: the first counts the descriptors of
/// the process, which another running beside it would open too.
static ALONE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn open_descriptors() -> usize {
    std::fs::read_dir("/proc/self/fd").expect("this process's descriptors").count()
}

/// Registers the console's callback listener; returns its address.
async fn listener(rig: &mut Rig) -> String {
    let watch = rig.outcome(Change::WatchAttributes).await;
    let Outcome::Applied { data: Some(data), .. } = &watch else {
        panic!("expected a registration, got {watch}")
    };
    let uri = url::Url::parse(data["uri"].as_str().expect("the listener's address")).expect("a URL");
    format!("{}:{}", uri.host_str().expect("a host"), uri.port().expect("a port"))
}

/// A peer that opens hundreds of connections, each with half a request,
/// takes a bounded number of the console's descriptors (the rest wait in
/// the system's queue, unaccepted), and those it does get are closed once
/// their headers are overdue.
#[tokio::test]
async fn stalled_connections_neither_take_the_consoles_descriptors_nor_stay_open() {
    let _alone = ALONE.lock().await;
    let mut rig = Rig::quiet().await;
    let addr = listener(&mut rig).await;
    let before = open_descriptors();
    let mut stalled = Vec::new();
    for _ in 0..STALLED {
        let mut stream = TcpStream::connect(&addr).await.expect("the system queues the connection");
        stream
            .write_all(b"POST /callbacks/attributes HTTP/1.1\r\nhost: x\r\n")
            .await
            .expect("half a request");
        stalled.push(stream);
    }
    // Long enough for an unbounded listener to have taken every one.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let taken = open_descriptors().saturating_sub(before + STALLED);
    assert!(taken <= SERVED + 8, "{taken} descriptors taken for {STALLED} stalled connections");

    let mut first = stalled.swap_remove(0);
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(20), first.read_to_end(&mut rest)).await;
    assert!(matches!(closed, Ok(Ok(_))), "a connection whose headers never came is closed: {closed:?}");
    rig.stop().await;
}

/// A peer that sends whole headers and then a body it never finishes holds
/// its connection only for a while: the listener closes it.
#[tokio::test]
async fn a_body_that_never_ends_does_not_hold_its_connection() {
    let _alone = ALONE.lock().await;
    let mut rig = Rig::quiet().await;
    let addr = listener(&mut rig).await;
    let mut stream = TcpStream::connect(&addr).await.expect("a connection");
    let head = "POST /callbacks/attributes HTTP/1.1\r\nhost: x\r\ncontent-length: 100000\r\n\r\n{\"a\":";
    stream.write_all(head.as_bytes()).await.expect("the headers and a start of body");
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut rest)).await;
    assert!(matches!(closed, Ok(Ok(_))), "a connection whose body never ends is closed: {closed:?}");
    rig.stop().await;
}

/// A connection past its time serves the request under way before it
/// closes: a tenant keeping one alive is not cut off mid-callback. On the
/// paused clock, so its twelve seconds cost nothing.
#[tokio::test(start_paused = true)]
async fn a_request_under_way_when_its_connection_is_due_is_answered_before_it_closes() {
    let _alone = ALONE.lock().await;
    let mut rig = Rig::quiet().await;
    let addr = listener(&mut rig).await;
    let mut stream = TcpStream::connect(&addr).await.expect("a connection");
    let head = "POST /callbacks/attributes HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{";
    stream.write_all(head.as_bytes()).await.expect("the headers and half the body");
    // Past the connection's ten seconds, within its grace.
    tokio::time::sleep(Duration::from_secs(12)).await;
    stream.write_all(b"}").await.expect("the rest of the body");
    let mut answer = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut answer)).await;
    assert!(matches!(closed, Ok(Ok(_))), "closed once answered: {closed:?}");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 "), "answered, not cut off: {answer:?}");
    rig.stop().await;
}
