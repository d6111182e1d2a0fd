//! `config show`: the effective settings as TOML, secrets redacted.

use super::Config;
use super::paths::Paths;
use super::profile::{Profile, SandboxProfile, TenantProfile};
use super::settings::{EngineSettings, UiSettings};
use super::webhooks::{Destination, WebhookSecret, WebhookTarget, Webhooks, sink_path};
use crate::sandbox::FaultProfile;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

const NOT_SET: &str = "<not set>";

pub(super) fn render(config: &Config) -> String {
    let origin = match config.file() {
        Some(file) => format!("# Read from {}, with defaults for the rest.", file.display()),
        None => format!("# No {} yet: built-in defaults.", config.paths().config_file().display()),
    };
    let view = View {
        operator: config.operator(),
        profile: config.profile_name(),
        paths: PathsView::new(config.paths()),
        profiles: BTreeMap::from([(config.profile_name(), ProfileView::new(config.profile()))]),
        webhooks: WebhooksView::new(config.webhooks()),
        engine: EngineView::new(config.engine()),
        ui: UiView::new(config.ui()),
    };
    // Every field is a string, number, bool, list or table: serialising cannot fail.
    let body = toml::to_string(&view).unwrap_or_else(|e| format!("# cannot be shown: {e}\n"));
    format!(
        "# cxone-console: the effective configuration.\n{origin}\n\
         # Secrets are shown only as where they come from.\n\n{body}"
    )
}

#[derive(Serialize)]
struct View<'a> {
    operator: &'a str,
    profile: &'a str,
    paths: PathsView,
    profiles: BTreeMap<&'a str, ProfileView>,
    webhooks: WebhooksView,
    engine: EngineView,
    ui: UiView,
}

#[derive(Serialize)]
struct PathsView {
    config_dir: String,
    config_file: String,
    data_dir: String,
    state_dir: String,
    audit_log: String,
    outbox_dir: String,
    log_dir: String,
}

impl PathsView {
    fn new(paths: &Paths) -> Self {
        let text = |path: &Path| path.display().to_string();
        Self {
            config_dir: text(paths.config_dir()),
            config_file: text(&paths.config_file()),
            data_dir: text(paths.data_dir()),
            state_dir: text(paths.state_dir()),
            audit_log: text(&paths.audit_log()),
            outbox_dir: text(&paths.outbox_dir()),
            log_dir: text(&paths.log_dir()),
        }
    }
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum ProfileView {
    Sandbox {
        seed: u64,
        faults: FaultProfile,
        token_ttl_secs: u64,
        size: SizeView,
    },
    Tenant {
        base_url: String,
        token_path: String,
        token_url: String,
        scopes: Vec<String>,
        client_id: String,
        client_secret: String,
    },
}

#[derive(Serialize)]
struct SizeView {
    agents: usize,
    interactions: usize,
    campaigns: usize,
    contacts_per_campaign: usize,
}

impl ProfileView {
    fn new(profile: &Profile) -> Self {
        match profile {
            Profile::Sandbox(sandbox) => Self::sandbox(sandbox),
            Profile::Tenant(tenant) => Self::tenant(tenant),
        }
    }

    fn sandbox(sandbox: &SandboxProfile) -> Self {
        let size = sandbox.size();
        Self::Sandbox {
            seed: sandbox.seed(),
            faults: sandbox.faults(),
            token_ttl_secs: sandbox.token_ttl().as_secs(),
            size: SizeView {
                agents: size.agents,
                interactions: size.interactions,
                campaigns: size.campaigns,
                contacts_per_campaign: size.contacts_per_campaign,
            },
        }
    }

    fn tenant(tenant: &TenantProfile) -> Self {
        Self::Tenant {
            base_url: tenant.base_url().to_string(),
            token_path: tenant.token_path().to_string(),
            token_url: tenant.token_url().to_string(),
            scopes: tenant.scopes().to_vec(),
            client_id: tenant.client_id().to_string(),
            client_secret: tenant.client_secret().redacted(),
        }
    }
}

#[derive(Serialize)]
struct WebhooksView {
    secret: String,
    disposition: String,
    crm: String,
    wfm: String,
}

impl WebhooksView {
    fn new(webhooks: &Webhooks) -> Self {
        let destination = |target| match webhooks.destination(target) {
            Some(Destination::Url(url)) => url.to_string(),
            Some(Destination::SandboxSink) => format!("<sandbox>{}", sink_path(target)),
            None => NOT_SET.to_string(),
        };
        Self {
            secret: match webhooks.secret() {
                Some(WebhookSecret::Configured(secret)) => secret.redacted(),
                Some(WebhookSecret::SandboxSink) => "<redacted: the sandbox sink's secret>".to_string(),
                None => NOT_SET.to_string(),
            },
            disposition: destination(WebhookTarget::Disposition),
            crm: destination(WebhookTarget::Crm),
            wfm: destination(WebhookTarget::Wfm),
        }
    }
}

#[derive(Serialize)]
struct EngineView {
    campaign_rate: f64,
    batch_concurrency: usize,
    conflict_retries: u32,
    refresh_secs: u64,
    max_attempts: u32,
    deadline_secs: u64,
    connect_timeout_secs: u64,
    request_timeout_secs: u64,
}

impl EngineView {
    fn new(engine: &EngineSettings) -> Self {
        let retry = engine.retry();
        Self {
            campaign_rate: engine.campaign_rate(),
            batch_concurrency: engine.batch_concurrency(),
            conflict_retries: engine.conflict_retries(),
            refresh_secs: engine.refresh().as_secs(),
            max_attempts: retry.max_attempts(),
            deadline_secs: retry.deadline().as_secs(),
            connect_timeout_secs: retry.connect_timeout().as_secs(),
            request_timeout_secs: retry.request_timeout().as_secs(),
        }
    }
}

#[derive(Serialize)]
struct UiView {
    read_only: bool,
    tick_rate_ms: u64,
    max_fps: u32,
}

impl UiView {
    fn new(ui: &UiSettings) -> Self {
        Self {
            read_only: ui.read_only(),
            tick_rate_ms: ui.tick_rate().as_millis() as u64,
            max_fps: ui.max_fps(),
        }
    }
}
