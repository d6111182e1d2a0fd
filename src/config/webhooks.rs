//! Where change events are announced, and the secret that signs them.

use super::check::Table;
use super::env::Environment;
use super::error::{ConfigError, KeyPath, Warning};
use super::file::{ConfigFile, ProfileKind, WebhooksFile};
use super::paths::Paths;
use super::secret::{Secret, SecretKeys};
use crate::signing::{RECOMMENDED_KEY_BYTES, SigningKey};
use std::path::Path;
use url::Url;

/// The systems that hear about changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WebhookTarget {
    /// The analytics platform: interaction dispositions (document 000).
    Disposition,
    /// The CRM's lead scoring: contact dispositions (document 001).
    Crm,
    /// Workforce management: agent status (document 003).
    Wfm,
}

impl WebhookTarget {
    pub const ALL: [Self; 3] = [Self::Disposition, Self::Crm, Self::Wfm];

    /// The key in `[webhooks]`, and the sandbox sink's name for it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Disposition => "disposition",
            Self::Crm => "crm",
            Self::Wfm => "wfm",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Where one target's deliveries go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// The embedded sandbox's webhook sink, whose address is known once it runs.
    SandboxSink,
    Url(Url),
}

impl Destination {
    /// The URL to deliver to, given where the sandbox listens.
    pub fn url(&self, target: WebhookTarget, sandbox_base: &Url) -> Url {
        match self {
            Self::Url(url) => url.clone(),
            Self::SandboxSink => {
                let mut url = sandbox_base.clone();
                url.set_path(&sink_path(target));
                url
            }
        }
    }
}

/// The sink's path for `target`, as the sandbox serves it.
pub(super) fn sink_path(target: WebhookTarget) -> String {
    format!("/sandbox/webhooks/{}", target.name())
}

/// What deliveries are signed with.
#[derive(Debug, Clone)]
pub enum WebhookSecret {
    /// The secret the sandbox's sink verifies with, known once it runs.
    SandboxSink,
    Configured(Secret),
}

/// The `[webhooks]` table.
#[derive(Debug, Clone)]
pub struct Webhooks {
    secret: Option<WebhookSecret>,
    destinations: [Option<Destination>; 3],
}

impl Webhooks {
    /// `None` only when no target is configured.
    pub fn secret(&self) -> Option<&WebhookSecret> {
        self.secret.as_ref()
    }

    /// `None` when the target hears nothing.
    pub fn destination(&self, target: WebhookTarget) -> Option<&Destination> {
        self.destinations[target.index()].as_ref()
    }

    /// With the sandbox profile, every unset target and the secret default
    /// to the sandbox's sink, so that deliveries can be watched arriving;
    /// a target set to a URL needs a configured secret under any profile.
    pub(super) fn read(
        table: &Table<'_>,
        file: &WebhooksFile,
        sandbox: bool,
        env: &Environment,
        config_dir: &Path,
    ) -> Result<(Self, Vec<Warning>), ConfigError> {
        table.no_inline_secret("secret", &file.secret, "secret_env or secret_file")?;
        let configured = |target| match target {
            WebhookTarget::Disposition => file.disposition.as_ref(),
            WebhookTarget::Crm => file.crm.as_ref(),
            WebhookTarget::Wfm => file.wfm.as_ref(),
        };
        let mut destinations = [None, None, None];
        for target in WebhookTarget::ALL {
            destinations[target.index()] = match configured(target) {
                Some(url) => Some(Destination::Url(table.web_url(target.name(), url)?)),
                None => sandbox.then_some(Destination::SandboxSink),
            };
        }

        let keys = SecretKeys {
            env_key: "secret_env",
            env: file.secret_env.as_ref(),
            file_key: "secret_file",
            file: file.secret_file.as_ref(),
        };
        let mut warnings = Vec::new();
        let secret = match keys.read(table, env, config_dir)? {
            Some(read) if !read.secret.is_readable() => {
                warnings.extend(read.warning);
                Some(WebhookSecret::Configured(read.secret))
            }
            Some(read) => {
                let key = check_signing_key(table, &keys, &read.secret)?;
                warnings.extend(read.warning);
                if !RECOMMENDED_KEY_BYTES.contains(&key.key_bytes()) {
                    let (name, _) = keys.set_key();
                    let key_path = KeyPath::new(table.name(), name);
                    warnings.push(Warning::SigningKeyLength { key: key_path, bytes: key.key_bytes() });
                }
                Some(WebhookSecret::Configured(read.secret))
            }
            None => {
                // Only the embedded sandbox's sink knows the sandbox's own
                // secret, and a target reaches it by being left unset (the
                // sandbox listens on a port chosen as it starts). Any URL
                // written here is another receiver, whatever the profile:
                // signing for it with the sink's secret would send
                // signatures nobody there can check.
                let unsigned = WebhookTarget::ALL.into_iter().find_map(|t| Some((t, configured(t)?)));
                if let Some((target, url)) = unsigned {
                    let mut rule = format!(
                        "deliveries to {} must be signed: set secret_env or secret_file",
                        target.name()
                    );
                    if sandbox {
                        rule.push_str(
                            " (the sandbox's own secret signs only for its sink, where an unset target goes)",
                        );
                    }
                    return Err(table.error(target.name(), Some(url.span()), rule));
                }
                sandbox.then_some(WebhookSecret::SandboxSink)
            }
        };
        Ok((Self { secret, destinations }, warnings))
    }
}

/// The names of the webhook targets that have somewhere to go under the
/// profile config.toml makes active, read without reading any secret or
/// checking any URL: for a look at the outbox, which needs no credentials,
/// to say which waiting webhooks have no URL. `None` when the file cannot
/// be read or parsed, or names a profile it does not have.
pub fn routed_targets(paths: &Paths, chosen: Option<&str>) -> Option<Vec<&'static str>> {
    let text = match std::fs::read_to_string(paths.config_file()) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(_) => return None,
    };
    let file: ConfigFile = toml::from_str(&text).ok()?;
    let named = file.profile.as_ref().map_or(super::DEFAULT_PROFILE, |name| name.get_ref().trim());
    let name = chosen.map_or(named, str::trim);
    let sandbox = match file.profiles.get(name) {
        Some(profile) => matches!(profile.get_ref().kind.get_ref(), ProfileKind::Sandbox),
        None => name == super::DEFAULT_PROFILE,
    };
    let webhooks = &file.webhooks;
    let set = |target| match target {
        WebhookTarget::Disposition => webhooks.disposition.is_some(),
        WebhookTarget::Crm => webhooks.crm.is_some(),
        WebhookTarget::Wfm => webhooks.wfm.is_some(),
    };
    // As `Webhooks::read` routes them: a set target to its URL, an unset
    // one to the sandbox's sink when there is a sandbox.
    Some(WebhookTarget::ALL.into_iter().filter(|t| sandbox || set(*t)).map(WebhookTarget::name).collect())
}

fn check_signing_key(
    table: &Table<'_>,
    keys: &SecretKeys<'_>,
    secret: &Secret,
) -> Result<SigningKey, ConfigError> {
    SigningKey::from_secret(secret.value()).map_err(|e| {
        let (key, span) = keys.set_key();
        table.error(key, span, format!("{e} (expected whsec_<base64>)"))
    })
}
