//! Profiles: which tenant the console talks to, and how it signs in.

use super::check::Table;
use super::env::Environment;
use super::error::{ConfigError, Warning};
use super::file::{ProfileFile, ProfileKind, SizeFile};
use super::secret::{Secret, SecretKeys};
use crate::sandbox::config::MAX_ENTITIES;
use crate::sandbox::{FaultProfile, FaultRates, SandboxConfig, TenantSize};
use std::path::Path;
use std::time::Duration;
use url::Url;

/// The name of the profile used when none is chosen; when config.toml has
/// no table of that name it is the embedded sandbox with its defaults.
pub const DEFAULT_PROFILE: &str = "sandbox";

/// The token path when a tenant profile names none.
pub const DEFAULT_TOKEN_PATH: &str = "/oauth/token";

#[derive(Debug, Clone)]
pub enum Profile {
    /// The embedded sandbox, started by the console.
    Sandbox(SandboxProfile),
    /// A real tenant.
    Tenant(TenantProfile),
}

#[derive(Debug, Clone, PartialEq)]
pub struct SandboxProfile {
    seed: u64,
    faults: FaultProfile,
    size: TenantSize,
    token_ttl: Duration,
}

#[derive(Debug, Clone)]
pub struct TenantProfile {
    base_url: Url,
    token_path: String,
    scopes: Vec<String>,
    client_id: String,
    client_secret: Secret,
}

impl Default for SandboxProfile {
    fn default() -> Self {
        let sandbox = SandboxConfig::default();
        Self {
            seed: sandbox.seed,
            faults: FaultProfile::None,
            size: sandbox.size,
            token_ttl: sandbox.token_ttl,
        }
    }
}

impl SandboxProfile {
    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn faults(&self) -> FaultProfile {
        self.faults
    }

    pub fn size(&self) -> TenantSize {
        self.size
    }

    pub fn token_ttl(&self) -> Duration {
        self.token_ttl
    }

    /// The sandbox this profile describes, listening on a free loopback port.
    pub fn sandbox_config(&self) -> SandboxConfig {
        SandboxConfig {
            seed: self.seed,
            faults: FaultRates::from(self.faults),
            size: self.size,
            token_ttl: self.token_ttl,
            ..SandboxConfig::default()
        }
    }

    fn read(table: &Table<'_>, file: &ProfileFile) -> Result<Self, ConfigError> {
        let defaults = Self::default();
        let ttl =
            table.int("token_ttl_secs", &file.token_ttl_secs, 1..=86_400, defaults.token_ttl.as_secs())?;
        let size = match &file.size {
            Some(size) => {
                read_size(&Table::new(table.source(), format!("{}.size", table.name())), size.get_ref())?
            }
            None => defaults.size,
        };
        Ok(Self {
            seed: file.seed.as_ref().map_or(defaults.seed, |s| *s.get_ref()),
            faults: file.faults.as_ref().map_or(defaults.faults, |f| *f.get_ref()),
            size,
            token_ttl: Duration::from_secs(ttl),
        })
    }
}

fn read_size(table: &Table<'_>, file: &SizeFile) -> Result<TenantSize, ConfigError> {
    let defaults = TenantSize::default();
    let max = MAX_ENTITIES as u64;
    let count =
        |key, value, default: usize| table.int(key, value, 1..=max, default as u64).map(|n| n as usize);
    let size = TenantSize {
        agents: count("agents", &file.agents, defaults.agents)?,
        interactions: count("interactions", &file.interactions, defaults.interactions)?,
        campaigns: count("campaigns", &file.campaigns, defaults.campaigns)?,
        contacts_per_campaign: count(
            "contacts_per_campaign",
            &file.contacts_per_campaign,
            defaults.contacts_per_campaign,
        )?,
    };
    let contacts = size.campaigns.checked_mul(size.contacts_per_campaign);
    if contacts.is_none_or(|contacts| contacts > MAX_ENTITIES) {
        let span = file.contacts_per_campaign.as_ref().or(file.campaigns.as_ref()).map(|s| s.span());
        let rule = format!(
            "{} campaigns of {} contacts is more than {MAX_ENTITIES} contacts in all",
            size.campaigns, size.contacts_per_campaign
        );
        return Err(table.error("contacts_per_campaign", span, rule));
    }
    Ok(size)
}

impl TenantProfile {
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    pub fn token_path(&self) -> &str {
        &self.token_path
    }

    /// Where tokens are requested: the token path under the base URL's path.
    pub fn token_url(&self) -> Url {
        let mut url = self.base_url.clone();
        url.set_path(&format!("{}{}", self.base_url.path().trim_end_matches('/'), self.token_path));
        url
    }

    /// The scopes to ask for; empty asks for every scope the client has.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    pub fn client_secret(&self) -> &Secret {
        &self.client_secret
    }

    fn read(
        table: &Table<'_>,
        file: &ProfileFile,
        env: &Environment,
        config_dir: &Path,
    ) -> Result<(Self, Option<Warning>), ConfigError> {
        let required =
            |key: &str| table.error(key, Some(file.kind.span()), "is required for kind = \"tenant\"");
        let base_url = file.base_url.as_ref().ok_or_else(|| required("base_url"))?;
        let base_url = table.web_url("base_url", base_url)?;
        let client_id = file.client_id.as_ref().ok_or_else(|| required("client_id"))?;
        let client_id = table.text("client_id", client_id)?;
        let token_path = match &file.token_path {
            Some(path) => {
                let text = table.text("token_path", path)?;
                // A query or fragment would be folded into the path, escaped.
                if !text.starts_with('/')
                    || text.contains(|c: char| c.is_whitespace() || c == '?' || c == '#')
                {
                    return Err(table.error(
                        "token_path",
                        Some(path.span()),
                        "must be a path starting with /, without spaces, a query (?) or a fragment (#)",
                    ));
                }
                text
            }
            None => DEFAULT_TOKEN_PATH.to_string(),
        };
        let scopes = file.scopes.as_ref().map_or(Ok(Vec::new()), |scopes| read_scopes(table, scopes))?;
        let keys = SecretKeys {
            env_key: "client_secret_env",
            env: file.client_secret_env.as_ref(),
            file_key: "client_secret_file",
            file: file.client_secret_file.as_ref(),
        };
        let read = keys.read(table, env, config_dir)?.ok_or_else(|| {
            table.error(
                "client_secret_env",
                Some(file.kind.span()),
                "a tenant needs its client secret: set client_secret_env or client_secret_file",
            )
        })?;
        let profile = Self { base_url, token_path, scopes, client_id, client_secret: read.secret };
        Ok((profile, read.warning))
    }
}

fn read_scopes(table: &Table<'_>, scopes: &toml::Spanned<Vec<String>>) -> Result<Vec<String>, ConfigError> {
    scopes
        .get_ref()
        .iter()
        .map(|scope| {
            let scope = scope.trim();
            if scope.is_empty() || scope.contains(char::is_whitespace) {
                let rule = format!(
                    "{scope:?} is not a scope; list one scope per string, such as \"interactions:write\""
                );
                return Err(table.error("scopes", Some(scopes.span()), rule));
            }
            Ok(scope.to_string())
        })
        .collect()
}

/// Refuses keys that cannot be right in any profile, active or not: an
/// inline secret, and a key of the other kind.
pub(super) fn check_shape(table: &Table<'_>, file: &ProfileFile) -> Result<(), ConfigError> {
    table.no_inline_secret(
        "client_secret",
        &file.client_secret,
        "client_secret_env or client_secret_file",
    )?;
    let (foreign, other) = match file.kind.get_ref() {
        ProfileKind::Sandbox => (file.tenant_keys().next(), ProfileKind::Tenant),
        ProfileKind::Tenant => (file.sandbox_keys().next(), ProfileKind::Sandbox),
    };
    if let Some((key, span)) = foreign {
        return Err(table.error(key, Some(span), format!("applies only to kind = \"{}\"", other.name())));
    }
    Ok(())
}

/// The active profile, secrets read.
pub(super) fn read_profile(
    table: &Table<'_>,
    file: &ProfileFile,
    env: &Environment,
    config_dir: &Path,
) -> Result<(Profile, Option<Warning>), ConfigError> {
    check_shape(table, file)?;
    match file.kind.get_ref() {
        ProfileKind::Sandbox => Ok((Profile::Sandbox(SandboxProfile::read(table, file)?), None)),
        ProfileKind::Tenant => {
            let (tenant, warning) = TenantProfile::read(table, file, env, config_dir)?;
            Ok((Profile::Tenant(tenant), warning))
        }
    }
}
