//! The accept loop: HTTP/1.1 with keep-alive, one task per connection.
//!
//! It is hand-written rather than `axum::serve` because a fault must be able
//! to close one connection without writing a byte of reply, which is what a
//! client sees when a gateway dies mid-request. Each request carries a
//! [`ConnectionHandle`] for that.
//!
//! Any process on this machine can connect, so connections are bounded (see
//! [`ConnectionLimits`]): past the bound the rest wait unaccepted, and one
//! whose request headers are overdue, an idle one's included, is closed,
//! as is one whose request body is. A connection as a whole is not timed:
//! the console's own stay open for as long as they send requests.

use super::overdue::overdue_after;
use crate::bounded_accept::BoundedListener;
use crate::sandbox::ConnectionLimits;
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

/// Serves `app` on `listener` within `limits` until `shutdown`; then stops
/// accepting, lets requests in flight finish (for a few seconds at most) and
/// returns.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: CancellationToken,
) {
    let listener = BoundedListener::new(listener, limits.most, "sandbox");
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            biased;
            () = shutdown.cancelled() => break,
            (stream, peer, place) = listener.accept() => {
                let (app, shutdown) = (app.clone(), shutdown.clone());
                connections.spawn(async move {
                    connection(stream, peer, app, limits, shutdown).await;
                    drop(place);
                });
            }
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

async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    limits: ConnectionLimits,
    shutdown: CancellationToken,
) {
    if let Err(error) = stream.set_nodelay(true) {
        tracing::debug!(%error, "could not disable Nagle's algorithm");
    }
    let handle = ConnectionHandle::new();
    let closed = handle.close.clone();
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let mut request = request.map(|body| overdue_after(body, limits.body_within));
        request.extensions_mut().insert(handle.clone());
        request.extensions_mut().insert(ConnectInfo(peer));
        app.clone().oneshot(request)
    });
    let mut builder = http1::Builder::new();
    // The timer drives hyper's header read timeout, which also closes idle
    // keep-alive connections.
    builder.timer(TokioTimer::new()).keep_alive(true).header_read_timeout(limits.headers_within);
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
