//! The shape of config.toml, exactly as written: every key optional, no
//! unknown key allowed. Values keep their spans so that a rule broken after
//! parsing still points at its line.

use crate::sandbox::FaultProfile;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ConfigFile {
    pub operator: Option<Spanned<String>>,
    pub profile: Option<Spanned<String>>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Spanned<ProfileFile>>,
    #[serde(default)]
    pub webhooks: WebhooksFile,
    #[serde(default)]
    pub engine: EngineFile,
    #[serde(default)]
    pub ui: UiFile,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum ProfileKind {
    Sandbox,
    Tenant,
}

impl ProfileKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Sandbox => "sandbox",
            Self::Tenant => "tenant",
        }
    }
}

/// One `[profiles.<name>]` table. Both kinds share the table so that a key
/// of the other kind can be refused by name rather than as unknown.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ProfileFile {
    pub kind: Spanned<ProfileKind>,
    // kind = "sandbox"
    pub seed: Option<Spanned<u64>>,
    pub faults: Option<Spanned<FaultProfile>>,
    pub size: Option<Spanned<SizeFile>>,
    pub token_ttl_secs: Option<Spanned<u64>>,
    // kind = "tenant"
    pub base_url: Option<Spanned<String>>,
    pub token_path: Option<Spanned<String>>,
    pub scopes: Option<Spanned<Vec<String>>>,
    pub client_id: Option<Spanned<String>>,
    pub client_secret_env: Option<Spanned<String>>,
    pub client_secret_file: Option<Spanned<String>>,
    /// Read only to be refused with a pointer to the safe ways.
    pub client_secret: Option<Spanned<toml::Value>>,
}

impl ProfileFile {
    /// The keys that only a sandbox profile takes, with their spans.
    pub fn sandbox_keys(&self) -> impl Iterator<Item = (&'static str, std::ops::Range<usize>)> + '_ {
        [
            ("seed", self.seed.as_ref().map(Spanned::span)),
            ("faults", self.faults.as_ref().map(Spanned::span)),
            ("size", self.size.as_ref().map(Spanned::span)),
            ("token_ttl_secs", self.token_ttl_secs.as_ref().map(Spanned::span)),
        ]
        .into_iter()
        .filter_map(|(key, span)| Some((key, span?)))
    }

    /// The keys that only a tenant profile takes, with their spans.
    pub fn tenant_keys(&self) -> impl Iterator<Item = (&'static str, std::ops::Range<usize>)> + '_ {
        [
            ("base_url", self.base_url.as_ref().map(Spanned::span)),
            ("token_path", self.token_path.as_ref().map(Spanned::span)),
            ("scopes", self.scopes.as_ref().map(Spanned::span)),
            ("client_id", self.client_id.as_ref().map(Spanned::span)),
            ("client_secret_env", self.client_secret_env.as_ref().map(Spanned::span)),
            ("client_secret_file", self.client_secret_file.as_ref().map(Spanned::span)),
        ]
        .into_iter()
        .filter_map(|(key, span)| Some((key, span?)))
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SizeFile {
    pub agents: Option<Spanned<u64>>,
    pub interactions: Option<Spanned<u64>>,
    pub campaigns: Option<Spanned<u64>>,
    pub contacts_per_campaign: Option<Spanned<u64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WebhooksFile {
    pub secret_env: Option<Spanned<String>>,
    pub secret_file: Option<Spanned<String>>,
    /// Read only to be refused with a pointer to the safe ways.
    pub secret: Option<Spanned<toml::Value>>,
    pub disposition: Option<Spanned<String>>,
    pub crm: Option<Spanned<String>>,
    pub wfm: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EngineFile {
    pub campaign_rate: Option<Spanned<f64>>,
    pub batch_concurrency: Option<Spanned<u64>>,
    pub conflict_retries: Option<Spanned<u64>>,
    pub refresh_secs: Option<Spanned<u64>>,
    pub max_attempts: Option<Spanned<u64>>,
    pub deadline_secs: Option<Spanned<u64>>,
    pub connect_timeout_secs: Option<Spanned<u64>>,
    pub request_timeout_secs: Option<Spanned<u64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct UiFile {
    pub read_only: Option<Spanned<bool>>,
    pub tick_rate_ms: Option<Spanned<u64>>,
    pub max_fps: Option<Spanned<u64>>,
}
