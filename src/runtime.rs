//! What a run needs, built from the configuration: the tenant (the embedded
//! sandbox, started in this process, or a real one), the API client that
//! speaks to it, the engine with its logs in the data directory, and a log
//! file for `tracing`.
//!
//! [`Tenant::connect`] alone is enough to read the tenant (a dry run);
//! [`Runtime::start`] adds the engine, which records and makes changes.

mod log;

pub use log::{LOG_FILE, LogFile, filter_from, log_to_file};

use crate::api::{ApiError, Client, ClientConfig, RetryPolicy};
use crate::config::{Config, Destination, Profile, WebhookSecret, WebhookTarget};
use crate::engine::outbox::OutboxStatus;
use crate::engine::{Engine, EngineConfig, EngineError, Event};
use crate::sandbox::Sandbox;
use crate::signing::SigningKey;
use std::collections::HashMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::sync::mpsc;
use url::Url;

#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error("the embedded sandbox could not start: {0}")]
    Sandbox(#[source] io::Error),
    #[error("the API client could not be set up: {0}")]
    Client(#[source] ApiError),
    #[error("the webhook signing secret cannot be used: {0}")]
    WebhookKey(String),
    #[error("{} could not be created: {source}", path.display())]
    Directory {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("logging could not be set up: {0}")]
    Logging(String),
}

/// Which tenant a profile talks to, for the console's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The embedded sandbox, at this address.
    Sandbox(Url),
    Tenant(Url),
}

/// The active profile in words: its name, where it points, who operates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileInfo {
    pub name: String,
    pub location: Location,
    pub operator: String,
}

impl ProfileInfo {
    /// Names the tenant the same way in every run: the profile and, for a
    /// real tenant, its URL (the sandbox's address changes every run, and
    /// it is a new tenant each time anyway).
    pub fn identity(&self) -> String {
        format!("{}\n{}", self.name, self.place())
    }

    /// How the console's header names it: the profile and where it points,
    /// the embedded sandbox by its address of this run (the header's badge
    /// already says it is the sandbox).
    pub fn header(&self) -> String {
        match &self.location {
            Location::Sandbox(url) => {
                let at = &url[url::Position::BeforeHost..url::Position::AfterPort];
                format!("{} · embedded at {at}", self.name)
            }
            Location::Tenant(_) => format!("{} · {}", self.name, self.place()),
        }
    }

    /// `SANDBOX`, or the tenant's URL.
    pub fn place(&self) -> String {
        match &self.location {
            Location::Sandbox(_) => "SANDBOX".to_string(),
            Location::Tenant(url) => url.as_str().trim_end_matches('/').to_string(),
        }
    }
}

impl fmt::Display for ProfileInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} · {} · {}", self.name, self.place(), self.operator)
    }
}

/// What the engine is started for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Keep entity snapshots fresh: the console shows them; a headless
    /// `apply` does not need them.
    pub snapshots: bool,
    /// Refuse every change, whatever the configuration says.
    pub read_only: bool,
}

impl Options {
    pub fn console() -> Self {
        Self { snapshots: true, read_only: false }
    }

    pub fn headless() -> Self {
        Self { snapshots: false, read_only: false }
    }

    #[must_use]
    pub fn read_only(mut self, read_only: bool) -> Self {
        self.read_only = read_only;
        self
    }
}

/// The tenant of the active profile, and a client signed in to it.
pub struct Tenant {
    sandbox: Option<Sandbox>,
    client: Client,
    client_id: String,
    profile: ProfileInfo,
}

impl Tenant {
    /// Starts the embedded sandbox for the sandbox profile, and builds the
    /// client from the profile's settings. Nothing is sent yet: the client
    /// signs in on its first call.
    pub async fn connect(config: &Config) -> Result<Self, RuntimeError> {
        let (sandbox, client_config, location) = match config.profile() {
            Profile::Sandbox(_) => {
                let settings = config.sandbox_config().unwrap_or_default();
                let sandbox = Sandbox::start(settings).await.map_err(RuntimeError::Sandbox)?;
                let base = sandbox.base_url();
                let client =
                    ClientConfig::new(base.clone(), sandbox.client_id(), sandbox.client_secret().clone());
                (Some(sandbox), client, Location::Sandbox(base))
            }
            Profile::Tenant(tenant) => {
                let client = ClientConfig::new(
                    tenant.base_url().clone(),
                    tenant.client_id(),
                    tenant.client_secret().value().clone(),
                )
                .with_token_path(tenant.token_path())
                .with_scopes(tenant.scopes().iter().cloned());
                (None, client, Location::Tenant(tenant.base_url().clone()))
            }
        };
        let client_id = client_config.client_id.clone();
        let client = Client::new(patience(client_config, config)).map_err(RuntimeError::Client);
        let client = match client {
            Ok(client) => client,
            Err(e) => {
                if let Some(sandbox) = sandbox {
                    sandbox.shutdown().await;
                }
                return Err(e);
            }
        };
        let profile = ProfileInfo {
            name: config.profile_name().to_string(),
            location,
            operator: config.operator().to_string(),
        };
        Ok(Self { sandbox, client, client_id, profile })
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The embedded sandbox, when the profile runs one.
    pub fn sandbox(&self) -> Option<&Sandbox> {
        self.sandbox.as_ref()
    }

    pub fn profile(&self) -> &ProfileInfo {
        &self.profile
    }

    /// The engine's settings for this tenant: who operates, where the logs
    /// live, where webhooks go and what signs them.
    pub fn engine_config(&self, config: &Config, options: Options) -> Result<EngineConfig, RuntimeError> {
        let paths = config.paths();
        let settings = config.engine();
        let mut engine = EngineConfig::new(paths.data_dir(), self.webhook_key(config)?);
        engine.operator = config.operator().to_string();
        engine.client_id.clone_from(&self.client_id);
        engine.campaign_rate = Some(settings.campaign_rate());
        engine.batch_concurrency = settings.batch_concurrency();
        engine.conflict_retries = settings.conflict_retries();
        engine.refresh_every = if options.snapshots { settings.refresh() } else { Duration::ZERO };
        engine.audit_path = paths.audit_log();
        engine.outbox_path = paths.outbox_dir().join("outbox.jsonl");
        engine.webhook_targets = self.webhook_targets(config);
        // The tenant calls back to a listener on this machine: only a tenant
        // on this machine can reach it.
        engine.callbacks = is_loopback(self.client.base_url());
        engine.read_only = options.read_only || config.ui().read_only();
        Ok(engine)
    }

    fn webhook_key(&self, config: &Config) -> Result<SigningKey, RuntimeError> {
        let secret = match (config.webhooks().secret(), &self.sandbox) {
            (Some(WebhookSecret::Configured(secret)), _) => secret.value().clone(),
            (Some(WebhookSecret::SandboxSink), Some(sandbox)) => sandbox.sink_secret().clone(),
            // No target is configured, so nothing is ever signed with it.
            (Some(WebhookSecret::SandboxSink), None) | (None, _) => SigningKey::generate_secret(),
        };
        SigningKey::from_secret(&secret).map_err(|e| RuntimeError::WebhookKey(e.to_string()))
    }

    fn webhook_targets(&self, config: &Config) -> HashMap<String, Url> {
        WebhookTarget::ALL
            .into_iter()
            .filter_map(|target| {
                let url = match (config.webhooks().destination(target)?, &self.sandbox) {
                    (Destination::Url(url), _) => url.clone(),
                    (sink @ Destination::SandboxSink, Some(sandbox)) => sink.url(target, &sandbox.base_url()),
                    (Destination::SandboxSink, None) => return None,
                };
                Some((target.name().to_string(), url))
            })
            .collect()
    }

    /// Stops the embedded sandbox, if any.
    pub async fn shutdown(self) {
        if let Some(sandbox) = self.sandbox {
            sandbox.shutdown().await;
        }
    }
}

/// A running console backend: the tenant, the engine and its events.
pub struct Runtime {
    tenant: Tenant,
    engine: Engine,
    events: mpsc::Receiver<Event>,
}

impl Runtime {
    /// Everything the console needs, snapshots included.
    pub async fn start(config: &Config) -> Result<Self, RuntimeError> {
        Self::start_with(config, Options::console()).await
    }

    /// Connects to the tenant, prepares the data directories and starts
    /// the engine (which opens the audit log and the outbox, and settles
    /// what an earlier run left unfinished).
    pub async fn start_with(config: &Config, options: Options) -> Result<Self, RuntimeError> {
        Self::on(Tenant::connect(config).await?, config, options).await
    }

    /// Starts the engine on a tenant already connected (and read, say);
    /// on failure the tenant is shut down.
    pub async fn on(tenant: Tenant, config: &Config, options: Options) -> Result<Self, RuntimeError> {
        match Self::start_engine(&tenant, config, options).await {
            Ok((engine, events)) => Ok(Self { tenant, engine, events }),
            Err(e) => {
                tenant.shutdown().await;
                Err(e)
            }
        }
    }

    async fn start_engine(
        tenant: &Tenant,
        config: &Config,
        options: Options,
    ) -> Result<(Engine, mpsc::Receiver<Event>), RuntimeError> {
        let paths = config.paths();
        private_dir(paths.data_dir())?;
        private_dir(&paths.outbox_dir())?;
        let settings = tenant.engine_config(config, options)?;
        Ok(Engine::start(tenant.client.clone(), settings).await?)
    }

    pub fn tenant(&self) -> &Tenant {
        &self.tenant
    }

    pub fn profile(&self) -> &ProfileInfo {
        self.tenant.profile()
    }

    pub fn sandbox(&self) -> Option<&Sandbox> {
        self.tenant.sandbox()
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// What the engine reports. Keep reading it: the engine waits when
    /// nobody does.
    pub fn events(&mut self) -> &mut mpsc::Receiver<Event> {
        &mut self.events
    }

    /// Hands the event stream to a reader that outlives this borrow (the
    /// console); events sent after that reader is gone are dropped.
    pub fn take_events(&mut self) -> mpsc::Receiver<Event> {
        let (_, closed) = mpsc::channel(1);
        std::mem::replace(&mut self.events, closed)
    }

    /// Lets changes in flight finish, closes the logs, stops the sandbox;
    /// returns where the webhooks stand then.
    pub async fn shutdown(self) -> Option<OutboxStatus> {
        let Self { tenant, engine, events } = self;
        // Keep draining while the engine winds down, so that it never waits
        // on a full channel nobody reads.
        let drain = tokio::spawn(async move {
            let mut events = events;
            while events.recv().await.is_some() {}
        });
        let webhooks = engine.shutdown().await;
        drain.abort();
        tenant.shutdown().await;
        webhooks
    }
}

/// The call patience the profile's `[engine]` settings ask for.
fn patience(client: ClientConfig, config: &Config) -> ClientConfig {
    let retry = config.engine().retry();
    let mut client = client.with_retry(RetryPolicy {
        max_attempts: retry.max_attempts(),
        deadline: retry.deadline(),
        ..RetryPolicy::default()
    });
    client.connect_timeout = retry.connect_timeout();
    client.request_timeout = retry.request_timeout();
    client
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Creates `path` readable by its owner only: the audit log and outbox say
/// who changed what on the tenant.
pub(crate) fn private_dir(path: &Path) -> Result<(), RuntimeError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path).map_err(|source| RuntimeError::Directory { path: path.to_path_buf(), source })
}
