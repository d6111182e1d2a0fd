//! Settings, profiles, paths and secrets.
//!
//! [`Paths`] says where files live; [`Config::load`] reads `config.toml`
//! from there, fills in every default and resolves the active profile,
//! secrets included. A missing file is not an error: the console then runs
//! against the embedded sandbox. Everything a file can get wrong is reported
//! with its file, line, table and key. Secrets are read from environment
//! variables or files only, held in `secrecy` types and shown only as where
//! they came from.

mod check;
mod env;
mod error;
mod file;
mod init;
mod paths;
mod profile;
mod secret;
mod settings;
mod show;
mod webhooks;

pub use env::Environment;
pub use error::{ConfigError, KeyPath, Place, Warning};
pub use init::{TEMPLATE, init};
pub use paths::{HOME_ENV, Paths};
pub use profile::{DEFAULT_PROFILE, DEFAULT_TOKEN_PATH, Profile, SandboxProfile, TenantProfile};
pub use secret::{Secret, SecretSource};
pub use settings::{EngineSettings, RetrySettings, UiSettings};
pub use webhooks::{Destination, WebhookSecret, WebhookTarget, Webhooks, routed_targets};

use crate::sandbox::SandboxConfig;
use check::Table;
use error::Source;
use file::ConfigFile;
use std::io;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The effective settings: what the file says, defaults for the rest.
#[derive(Debug, Clone)]
pub struct Config {
    paths: Paths,
    /// The file read; `None` when there was none.
    file: Option<PathBuf>,
    operator: String,
    profile_name: String,
    profile: Profile,
    webhooks: Webhooks,
    engine: EngineSettings,
    ui: UiSettings,
}

/// A configuration, and what is worth fixing in it.
#[derive(Debug)]
pub struct Loaded {
    pub config: Config,
    pub warnings: Vec<Warning>,
}

impl Config {
    /// Reads `config.toml` under `paths` with the profile it names.
    pub fn load(paths: &Paths, env: &Environment) -> Result<Loaded, ConfigError> {
        Self::load_with_profile(paths, env, None)
    }

    /// Like [`Config::load`], with `profile` (when given) active instead of
    /// the one the file names.
    pub fn load_with_profile(
        paths: &Paths,
        env: &Environment,
        profile: Option<&str>,
    ) -> Result<Loaded, ConfigError> {
        let path = paths.config_file();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(source) => return Err(ConfigError::Read { path, source }),
        };
        let source = Source { file: &path, text: text.as_deref().unwrap_or_default() };
        let mut loaded = Self::read(&source, paths, env, profile)?;
        loaded.config.file = text.map(|_| path.clone());
        Ok(loaded)
    }

    fn read(
        source: &Source<'_>,
        paths: &Paths,
        env: &Environment,
        chosen: Option<&str>,
    ) -> Result<Loaded, ConfigError> {
        let file: ConfigFile = toml::from_str(source.text).map_err(|e| source.toml_error(&e))?;
        let root = Table::new(source, "");
        let operator = match &file.operator {
            Some(operator) => root.text("operator", operator)?,
            None => os_user(env),
        };
        for (name, profile) in &file.profiles {
            profile::check_shape(&Table::new(source, format!("profiles.{name}")), profile.get_ref())?;
        }

        let (profile_name, named_at) = match (chosen, &file.profile) {
            (Some(name), _) => (name.trim().to_string(), None),
            (None, Some(name)) => (root.text("profile", name)?, Some(Spanned::span(name))),
            (None, None) => (DEFAULT_PROFILE.to_string(), None),
        };
        let mut warnings = Vec::new();
        let profile = match file.profiles.get(&profile_name) {
            Some(written) => {
                let table = Table::new(source, format!("profiles.{profile_name}"));
                let (profile, warning) =
                    profile::read_profile(&table, written.get_ref(), env, paths.config_dir())?;
                warnings.extend(warning);
                profile
            }
            None if profile_name == DEFAULT_PROFILE => Profile::Sandbox(SandboxProfile::default()),
            None if chosen.is_some() => {
                let (path, known) = (source.file.to_path_buf(), known_profiles(&file).join(", "));
                let written = path.exists();
                return Err(ConfigError::NoSuchProfile { name: profile_name, path, known, written });
            }
            None => return Err(root.error("profile", named_at, no_such_profile(&profile_name, &file))),
        };

        if env.is_showing() {
            warnings.extend(idle_profiles(source, &file, &profile_name, env, paths.config_dir()));
        }
        let sandbox = matches!(profile, Profile::Sandbox(_));
        let table = Table::new(source, "webhooks");
        let (webhooks, found) = Webhooks::read(&table, &file.webhooks, sandbox, env, paths.config_dir())?;
        warnings.extend(found);
        let engine = EngineSettings::read(&Table::new(source, "engine"), &file.engine)?;
        let ui = UiSettings::read(&Table::new(source, "ui"), &file.ui)?;
        let config =
            Self { paths: paths.clone(), file: None, operator, profile_name, profile, webhooks, engine, ui };
        Ok(Loaded { config, warnings })
    }

    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    /// The file the settings came from; `None` when there was none.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// Who makes the changes, as audit records name them.
    pub fn operator(&self) -> &str {
        &self.operator
    }

    pub fn profile_name(&self) -> &str {
        &self.profile_name
    }

    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    pub fn webhooks(&self) -> &Webhooks {
        &self.webhooks
    }

    pub fn engine(&self) -> &EngineSettings {
        &self.engine
    }

    pub fn ui(&self) -> &UiSettings {
        &self.ui
    }

    /// The sandbox to start when the sandbox profile is active. Its sink
    /// verifies with the configured webhook secret, when there is one, so
    /// that the console's signed deliveries verify there.
    pub fn sandbox_config(&self) -> Option<SandboxConfig> {
        let Profile::Sandbox(profile) = &self.profile else { return None };
        let mut config = profile.sandbox_config();
        if let Some(WebhookSecret::Configured(secret)) = self.webhooks.secret() {
            config.sink_secret = secret.value().clone();
        }
        Some(config)
    }

    /// The effective settings as TOML: defaults filled in, the active
    /// profile resolved, the paths, and every secret replaced by where it
    /// comes from.
    pub fn show(&self) -> String {
        show::render(self)
    }
}

/// What is wrong with the profiles not in use, when the settings are shown:
/// a profile kept for later is checked now rather than found broken when a
/// run needs it. Not while running, when an idle profile's secret is rightly
/// left unset.
fn idle_profiles(
    source: &Source<'_>,
    file: &ConfigFile,
    active: &str,
    env: &Environment,
    config_dir: &Path,
) -> Vec<Warning> {
    let idle = file.profiles.iter().filter(|(name, _)| name.as_str() != active);
    idle.filter_map(|(name, written)| {
        let table = Table::new(source, format!("profiles.{name}"));
        match profile::read_profile(&table, written.get_ref(), env, config_dir) {
            // Its secret cannot be read now: said as of a profile not in use.
            Ok((_, Some(Warning::SecretUnreadable(why)))) => Some(Warning::IdleProfile(why)),
            Ok((_, warning)) => warning,
            Err(e) => Some(Warning::IdleProfile(e.to_string())),
        }
    })
    .collect()
}

/// The name of the user running the console, for audit records: from the
/// environment, else (on Unix) the account that owns this process.
fn os_user(env: &Environment) -> String {
    let usable = |user: String| {
        let user = user.trim().to_string();
        (!user.is_empty() && !user.chars().any(char::is_control)).then_some(user)
    };
    ["USER", "LOGNAME", "USERNAME"]
        .into_iter()
        .find_map(|name| env.var(name).and_then(usable))
        .or_else(|| account_name().and_then(usable))
        .unwrap_or_else(|| "unknown".to_string())
}

/// The login name of the process's user, looked up in `/etc/passwd`.
#[cfg(unix)]
fn account_name() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").ok()?.uid();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        let id: u32 = fields.nth(1)?.parse().ok()?;
        (id == uid).then(|| name.to_string())
    })
}

#[cfg(not(unix))]
fn account_name() -> Option<String> {
    None
}

/// The profiles one may choose: the file's, and the sandbox.
fn known_profiles(file: &ConfigFile) -> Vec<&str> {
    let mut known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
    if !known.contains(&DEFAULT_PROFILE) {
        known.insert(0, DEFAULT_PROFILE);
    }
    known
}

fn no_such_profile(name: &str, file: &ConfigFile) -> String {
    let known = known_profiles(file).join(", ");
    format!("no profile named {name:?}; add a [profiles.{name}] table or choose one of: {known}")
}
