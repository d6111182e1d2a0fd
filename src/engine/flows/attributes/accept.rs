//! The callback listener's connections, bounded. Anything on this machine can
//! connect to it, so no peer may hold it: a request's headers must arrive
//! within a few seconds (which also closes a connection left idle), a whole
//! connection lasts a few seconds more at most (a body trickled in byte by
//! byte included), and past a few dozen connections at once the rest wait in
//! the system's queue, unaccepted, rather than take the file descriptors the
//! audit log and the tenant's connections need.

use crate::bounded_accept::BoundedListener;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::num::NonZeroUsize;
use std::pin::pin;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

/// Connections served at once; the tenant's deliveries need a handful.
pub(super) const MOST_CONNECTIONS: NonZeroUsize = NonZeroUsize::new(32).expect("32 is not zero");
/// Longest wait for a request's headers, an idle connection's included.
pub(super) const HEADERS_WITHIN: Duration = Duration::from_secs(5);
/// Longest a connection serves new requests: a callback is one small POST,
/// answered at once. One under way then has [`HEADERS_WITHIN`] more.
pub(super) const CONNECTION_WITHIN: Duration = Duration::from_secs(10);

/// Serves `app` on `listener` until `stop`, then cuts the connections off:
/// a callback is a short POST, and the console is on its way out.
pub(super) async fn serve(listener: TcpListener, app: Router, stop: CancellationToken) {
    let listener = BoundedListener::new(listener, MOST_CONNECTIONS, "attribute callbacks");
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            () = stop.cancelled() => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            (stream, _, place) = listener.accept() => {
                let app = app.clone();
                connections.spawn(async move {
                    connection(stream, app).await;
                    drop(place);
                });
            }
        }
    }
    connections.shutdown().await;
}

async fn connection(stream: TcpStream, app: Router) {
    let service =
        hyper::service::service_fn(move |request: hyper::Request<Incoming>| app.clone().oneshot(request));
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(HEADERS_WITHIN);
    let mut conn = pin!(builder.serve_connection(TokioIo::new(stream), service));
    let ended = tokio::select! {
        ended = conn.as_mut() => ended,
        // Past its time, a connection serves the request under way, if
        // any, and closes: a tenant keeping one alive is not cut off
        // mid-callback. One that does not finish it in time is cut.
        () = tokio::time::sleep(CONNECTION_WITHIN) => {
            conn.as_mut().graceful_shutdown();
            match tokio::time::timeout(HEADERS_WITHIN, conn).await {
                Ok(ended) => ended,
                Err(_) => {
                    tracing::debug!("an attribute callback connection outlasted its time and was closed");
                    return;
                }
            }
        }
    };
    if let Err(error) = ended {
        tracing::debug!(%error, "an attribute callback connection ended with an error");
    }
}
