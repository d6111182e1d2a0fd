//! Accepting connections up to a bound. Anything on this machine can connect
//! to a loopback listener, and each connection accepted takes one of the
//! process's file descriptors, which the audit log and the tenant's
//! connections need too. So a listener holds a fixed number of places; once
//! all are taken it stops accepting, and further connections wait in the
//! system's queue until one ends, rather than being refused: a client that
//! is merely early is served late, not turned away.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// After a failed accept (say, out of file descriptors), a wait before the next.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// A listener that has at most a fixed number of its connections open.
pub(crate) struct BoundedListener {
    listener: TcpListener,
    places: Arc<Semaphore>,
    /// What the listener is for, in its log lines.
    name: &'static str,
}

/// One of a listener's places: its connection counts against the bound until
/// this is dropped.
#[must_use = "the place is free again as soon as it is dropped"]
pub(crate) struct Place {
    _permit: OwnedSemaphorePermit,
}

impl BoundedListener {
    /// A bound past what a semaphore can count is taken as the most it can,
    /// which no process reaches.
    pub(crate) fn new(listener: TcpListener, places: std::num::NonZeroUsize, name: &'static str) -> Self {
        let places = places.get().min(Semaphore::MAX_PERMITS);
        Self { listener, places: Arc::new(Semaphore::new(places)), name }
    }

    /// The next connection, once a place is free. Dropping the future (in a
    /// `select!`, say) loses no connection and keeps no place.
    pub(crate) async fn accept(&self) -> (TcpStream, SocketAddr, Place) {
        loop {
            match self.accept_in_place().await {
                Ok(accepted) => return accepted,
                Err(error) => {
                    tracing::warn!(%error, listener = self.name, "accepting a connection failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            }
        }
    }

    async fn accept_in_place(&self) -> std::io::Result<(TcpStream, SocketAddr, Place)> {
        // The semaphore is never closed, so this error cannot come; it is
        // logged like a failed accept all the same rather than trusted away.
        let permit = Arc::clone(&self.places).acquire_owned().await.map_err(std::io::Error::other)?;
        let (stream, peer) = self.listener.accept().await?;
        Ok((stream, peer, Place { _permit: permit }))
    }
}
