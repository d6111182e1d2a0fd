//! The embedded sandbox: a simulated CXone tenant served over real HTTP.
//!
//! It serves the surface of the five documents (see `docs/wire.md`) with a
//! seeded tenant whose states keep changing, injected faults, a webhook sink
//! and counters that tests can trust. The console runs against it when no
//! tenant is configured; `cxone-console sandbox` runs it on its own.

mod admin;
mod auth;
mod callbacks;
pub mod config;
mod faults;
mod idempotency;
mod reply;
mod routes;
mod scopes;
mod server;
mod simulation;
mod sink;
mod stats;
pub mod tenant;

pub use config::{ConnectionLimits, FaultProfile, FaultRates, SandboxConfig, TenantSize};
pub use sink::{Delivery, SinkLog};
pub use stats::{Fault, Resource, Stats, StatsSnapshot};

use secrecy::SecretString;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use url::Url;

/// Everything the sandbox's handlers share.
#[derive(Clone)]
pub struct SandboxState {
    pub tenant: Arc<tenant::Tenant>,
    pub auth: Arc<auth::TokenStore>,
    pub faults: Arc<faults::Faults>,
    pub stats: Arc<Stats>,
    pub sink: Arc<sink::Sink>,
    pub idempotency: Arc<idempotency::IdempotencyStore>,
    pub callbacks: callbacks::Callbacks,
    pub config: Arc<SandboxConfig>,
}

/// A running sandbox. Dropping it does not stop it; call [`Sandbox::shutdown`].
pub struct Sandbox {
    addr: SocketAddr,
    state: SandboxState,
    shutdown: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
}

impl Sandbox {
    /// Binds `config.listen`, seeds the tenant and starts serving.
    pub async fn start(config: SandboxConfig) -> std::io::Result<Self> {
        let listener = TcpListener::bind(config.listen).await?;
        let addr = listener.local_addr()?;
        let config = Arc::new(config);
        let shutdown = CancellationToken::new();
        let stats = Arc::new(Stats::default());
        let state = SandboxState {
            tenant: Arc::new(tenant::Tenant::seed(&config, stats.clone())),
            auth: Arc::new(auth::TokenStore::new(&config)),
            faults: Arc::new(faults::Faults::new(config.faults.clone(), config.seed)),
            stats: stats.clone(),
            sink: Arc::new(sink::Sink::new(&config)),
            idempotency: Arc::new(idempotency::IdempotencyStore::default()),
            callbacks: callbacks::Callbacks::start(stats, shutdown.clone()),
            config,
        };
        let router = server::app(state.clone());
        let mut tasks =
            vec![tokio::spawn(server::serve(listener, router, state.config.connections, shutdown.clone()))];
        if state.config.simulate {
            tasks.push(tokio::spawn(simulation::run(state.clone(), shutdown.clone())));
        }
        Ok(Self { addr, state, shutdown, tasks })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub fn base_url(&self) -> Url {
        Url::parse(&format!("http://{}", self.addr)).expect("a socket address forms a URL")
    }

    pub fn client_id(&self) -> &str {
        &self.state.config.client_id
    }

    pub fn client_secret(&self) -> &SecretString {
        &self.state.config.client_secret
    }

    /// The secret the webhook sink verifies signatures with.
    pub fn sink_secret(&self) -> &SecretString {
        &self.state.config.sink_secret
    }

    /// Where the sink records deliveries made to `name`.
    pub fn sink_url(&self, name: &str) -> Url {
        let mut url = self.base_url();
        url.set_path(&format!("/sandbox/webhooks/{name}"));
        url
    }

    /// Direct access to the tenant, the counters and the sink, for tests and
    /// the in-process console.
    pub fn state(&self) -> &SandboxState {
        &self.state
    }

    pub fn stats(&self) -> StatsSnapshot {
        self.state.stats.snapshot()
    }

    /// Stops accepting, lets in-flight requests finish, stops the simulation.
    pub async fn shutdown(self) {
        self.shutdown.cancel();
        for task in self.tasks {
            let _ = task.await;
        }
    }
}
