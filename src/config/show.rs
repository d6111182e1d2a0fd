//! `config show`: the effective settings as TOML, secrets redacted.
//!
//! What it prints reads back as the same settings: saved as config.toml, it
//! loads to what was shown. So secrets appear as the keys that say where they
//! are read from (`client_secret_env`, `secret_file`), never as values, and
//! what the file cannot set (the directories, a URL built from others, the
//! sandbox's own sink and secret) is said in comments.

use super::Config;
use super::paths::Paths;
use super::profile::{Profile, SandboxProfile, TenantProfile};
use super::secret::{Secret, SecretSource};
use super::settings::{EngineSettings, UiSettings};
use super::webhooks::{Destination, WebhookSecret, WebhookTarget, Webhooks, sink_path};
use crate::sandbox::FaultProfile;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

pub(super) fn render(config: &Config) -> String {
    let origin = match config.file() {
        Some(file) => format!("# Read from {}, with defaults for the rest.", file.display()),
        None => format!("# No {} yet: built-in defaults.", config.paths().config_file().display()),
    };
    let mut notes = Notes::default();
    paths(config.paths(), &mut notes);
    let view = View {
        operator: config.operator(),
        profile: config.profile_name(),
        profiles: BTreeMap::from([(
            config.profile_name(),
            ProfileView::new(config.profile_name(), config.profile(), &mut notes),
        )]),
        webhooks: WebhooksView::new(config.webhooks(), &mut notes),
        engine: EngineView::new(config.engine()),
        ui: UiView::new(config.ui()),
    };
    // Every field is a string, number, bool, list or table: serialising cannot fail.
    let body = toml::to_string(&view).unwrap_or_else(|e| format!("# cannot be shown: {e}\n"));
    format!(
        "# cxone-console: the effective configuration, the active profile only.\n{origin}\n\
         # Secrets are shown only as where they come from; saved as config.toml, this reads\n\
         # back as the same settings.\n#\n{}\n\n{body}",
        notes.lines.join("\n")
    )
}

/// Comment lines: what is in effect but not set by this file.
#[derive(Default)]
struct Notes {
    lines: Vec<String>,
}

impl Notes {
    fn add(&mut self, line: impl Into<String>) {
        self.lines.push(format!("# {}", line.into()));
    }
}

fn paths(paths: &Paths, notes: &mut Notes) {
    let text = |path: &Path| path.display().to_string();
    notes.add("Where things are (set by CXONE_CONSOLE_HOME or the XDG variables, not by this file):");
    for (name, path) in [
        ("config_dir", text(paths.config_dir())),
        ("config_file", text(&paths.config_file())),
        ("data_dir", text(paths.data_dir())),
        ("state_dir", text(paths.state_dir())),
        ("audit_log", text(&paths.audit_log())),
        ("outbox_dir", text(&paths.outbox_dir())),
        ("log_dir", text(&paths.log_dir())),
    ] {
        notes.add(format!("  {name:<12} {path}"));
    }
}

#[derive(Serialize)]
struct View<'a> {
    operator: &'a str,
    profile: &'a str,
    profiles: BTreeMap<&'a str, ProfileView>,
    webhooks: WebhooksView,
    engine: EngineView,
    ui: UiView,
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
        scopes: Vec<String>,
        client_id: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        client_secret_env: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        client_secret_file: Option<String>,
    },
}

/// Where a secret is read from, as the file's `*_env` and `*_file` keys take it.
fn source_keys(secret: &Secret) -> (Option<String>, Option<String>) {
    match secret.source() {
        SecretSource::Env(name) => (Some(name.clone()), None),
        SecretSource::File(path) => (None, Some(path.display().to_string())),
    }
}

/// Says when `secret`, shown as `key`, cannot be read now.
fn note_unreadable(secret: &Secret, key: &str, notes: &mut Notes) {
    if !secret.is_readable() {
        notes.add(format!("{key}: cannot be read now ({})", secret.source()));
    }
}

#[derive(Serialize)]
struct SizeView {
    agents: usize,
    interactions: usize,
    campaigns: usize,
    contacts_per_campaign: usize,
}

impl ProfileView {
    fn new(name: &str, profile: &Profile, notes: &mut Notes) -> Self {
        match profile {
            Profile::Sandbox(sandbox) => Self::sandbox(sandbox),
            Profile::Tenant(tenant) => Self::tenant(name, tenant, notes),
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

    fn tenant(name: &str, tenant: &TenantProfile, notes: &mut Notes) -> Self {
        notes.add(format!("profiles.{name}: tokens are asked of {}", tenant.token_url()));
        let secret = tenant.client_secret();
        note_unreadable(secret, &format!("profiles.{name}: the client secret"), notes);
        let (client_secret_env, client_secret_file) = source_keys(secret);
        Self::Tenant {
            base_url: tenant.base_url().to_string(),
            token_path: tenant.token_path().to_string(),
            scopes: tenant.scopes().to_vec(),
            client_id: tenant.client_id().to_string(),
            client_secret_env,
            client_secret_file,
        }
    }
}

#[derive(Serialize)]
struct WebhooksView {
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_env: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    disposition: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    crm: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    wfm: Option<String>,
}

impl WebhooksView {
    fn new(webhooks: &Webhooks, notes: &mut Notes) -> Self {
        let mut destination = |target: WebhookTarget| match webhooks.destination(target) {
            Some(Destination::Url(url)) => Some(url.to_string()),
            Some(Destination::SandboxSink) => {
                let name = target.name();
                notes.add(format!("webhooks.{name}: the sandbox's sink, <sandbox>{}", sink_path(target)));
                None
            }
            None => {
                notes.add(format!("webhooks.{}: not set, so nothing is sent there", target.name()));
                None
            }
        };
        let (disposition, crm, wfm) = (
            destination(WebhookTarget::Disposition),
            destination(WebhookTarget::Crm),
            destination(WebhookTarget::Wfm),
        );
        let (secret_env, secret_file) = match webhooks.secret() {
            Some(WebhookSecret::Configured(secret)) => {
                note_unreadable(secret, "webhooks: the signing secret", notes);
                source_keys(secret)
            }
            Some(WebhookSecret::SandboxSink) => {
                notes.add("webhooks: signed with the sandbox sink's own secret");
                (None, None)
            }
            None => (None, None),
        };
        Self { secret_env, secret_file, disposition, crm, wfm }
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
