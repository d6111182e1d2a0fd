//! The accept loop: HTTP/1.1 with keep-alive, one task per connection.
//!
//! It is hand-written rather than `axum::serve` because a fault must be able
//! to close one connection without writing a byte of reply, which is what a
//! client sees when a gateway dies mid-request. Each request carries a
//! [`ConnectionHandle`] for that.

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::net::SocketAddr;
use std::pin::pin;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

/// How long shutdown waits for requests in flight before cutting them off.
const DRAIN_FOR: Duration = Duration::from_secs(5);
/// After a failed accept (say, out of file descriptors), wait before the next.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Closes the connection a request arrived on, without a reply.
#[derive(Debug, Clone)]
pub struct ConnectionHandle {
    close: CancellationToken,
}

impl ConnectionHandle {
    fn new() -> Self {
        Self { close: CancellationToken::new() }
    }

    /// The connection is closed as soon as its task next runs; whatever the
    /// request's handler still does is dropped with it.
    pub fn close_without_reply(&self) {
        self.close.cancel();
    }
}

/// Serves `app` on `listener` until `shutdown`; then stops accepting, lets
/// requests in flight finish (for a few seconds at most) and returns.
pub async fn serve(listener: TcpListener, app: Router, shutdown: CancellationToken) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            biased;
            () = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    connections.spawn(connection(stream, peer, app.clone(), shutdown.clone()));
                }
                Err(error) => {
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            },
            // Reap finished connections so the set only holds live ones.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let drained =
        tokio::time::timeout(DRAIN_FOR, async { while connections.join_next().await.is_some() {} }).await;
    if drained.is_err() {
        tracing::warn!(left = connections.len(), "requests still running at shutdown were cut off");
        connections.shutdown().await;
    }
}

async fn connection(stream: TcpStream, peer: SocketAddr, app: Router, shutdown: CancellationToken) {
    if let Err(error) = stream.set_nodelay(true) {
        tracing::debug!(%error, "could not disable Nagle's algorithm");
    }
    let handle = ConnectionHandle::new();
    let closed = handle.close.clone();
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(handle.clone());
        request.extensions_mut().insert(ConnectInfo(peer));
        app.clone().oneshot(request)
    });
    let mut builder = http1::Builder::new();
    // The timer drives hyper's header read timeout, which also closes idle
    // keep-alive connections.
    builder.timer(TokioTimer::new()).keep_alive(true);
    let mut conn = pin!(builder.serve_connection(TokioIo::new(stream), service));
    tokio::select! {
        () = closed.cancelled() => return,
        result = conn.as_mut() => return log_end(result),
        () = shutdown.cancelled() => conn.as_mut().graceful_shutdown(),
    }
    tokio::select! {
        () = closed.cancelled() => {}
        result = conn => log_end(result),
    }
}

fn log_end(result: Result<(), hyper::Error>) {
    if let Err(error) = result {
        // Clients that hang up mid-request are ordinary; nothing to warn about.
        tracing::debug!(%error, "connection ended with an error");
    }
}
