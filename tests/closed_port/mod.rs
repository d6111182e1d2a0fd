//! A loopback port held but not listened on. Connections to it are refused,
//! as they would be to a dropped listener's port, but no other test running
//! meanwhile can be given the port and answer in its place.

#![allow(dead_code)] // each test file uses its own subset

use std::net::SocketAddr;
use std::sync::LazyLock;
use tokio::net::{TcpListener, TcpSocket};
use url::Url;

pub struct ClosedPort(TcpSocket);

/// A URL at one port held closed for the whole test binary: a receiver that
/// is never up.
pub fn nowhere(path: &str) -> Url {
    static PORT: LazyLock<ClosedPort> = LazyLock::new(ClosedPort::new);
    PORT.url(path)
}

impl ClosedPort {
    pub fn new() -> Self {
        let socket = TcpSocket::new_v4().expect("a TCP socket");
        socket.bind(SocketAddr::from(([127, 0, 0, 1], 0))).expect("a loopback port");
        Self(socket)
    }

    pub fn addr(&self) -> SocketAddr {
        self.0.local_addr().expect("a bound socket has an address")
    }

    pub fn url(&self, path: &str) -> Url {
        Url::parse(&format!("http://{}{path}", self.addr())).expect("a socket address forms a URL")
    }

    /// Starts listening on the port held: a receiver back from an outage,
    /// at the address the senders were given.
    pub fn listen(self) -> TcpListener {
        self.0.listen(1024).expect("the held port listens")
    }
}
