//! The callback listener's connections, bounded. Anything on this machine can
//! connect to it, so no peer may hold it: a request's headers must arrive
//! within a few seconds (which also closes a connection left idle), a whole
//! connection lasts a few seconds more at most (a body trickled in byte by
//! byte included), and past a few dozen connections at once the rest wait in
//! the system's queue, unaccepted, rather than take the file descriptors the
//! audit log and the tenant's connections need.

use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

/// Connections served at once; the tenant's deliveries need a handful.
pub(super) const MOST_CONNECTIONS: usize = 32;
/// Longest wait for a request's headers, an idle connection's included.
pub(super) const HEADERS_WITHIN: Duration = Duration::from_secs(5);
/// Longest a connection lasts: a callback is one small POST, answered at once.
pub(super) const CONNECTION_WITHIN: Duration = Duration::from_secs(10);
/// After a failed accept, a wait before the next.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Serves `app` on `listener` until `stop`, then cuts the connections off:
/// a callback is a short POST, and the console is on its way out.
pub(super) async fn serve(listener: TcpListener, app: Router, stop: CancellationToken) {
    let places = Arc::new(Semaphore::new(MOST_CONNECTIONS));
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            () = stop.cancelled() => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = accept_in_place(&listener, &places) => match accepted {
                Ok((stream, place)) => {
                    let app = app.clone();
                    connections.spawn(async move {
                        if tokio::time::timeout(CONNECTION_WITHIN, connection(stream, app)).await.is_err() {
                            tracing::debug!("an attribute callback connection outlasted its time and was closed");
                        }
                        drop(place);
                    });
                }
                Err(error) => {
                    tracing::warn!(%error, "accepting an attribute callback connection failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            },
        }
    }
    connections.shutdown().await;
}

/// The next connection, once one of the places is free.
async fn accept_in_place(
    listener: &TcpListener,
    places: &Arc<Semaphore>,
) -> std::io::Result<(TcpStream, OwnedSemaphorePermit)> {
    let place = Arc::clone(places).acquire_owned().await.map_err(std::io::Error::other)?;
    let (stream, _) = listener.accept().await?;
    Ok((stream, place))
}

async fn connection(stream: TcpStream, app: Router) {
    let service =
        hyper::service::service_fn(move |request: hyper::Request<Incoming>| app.clone().oneshot(request));
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(HEADERS_WITHIN);
    let conn = pin!(builder.serve_connection(TokioIo::new(stream), service));
    if let Err(error) = conn.await {
        tracing::debug!(%error, "an attribute callback connection ended with an error");
    }
}
