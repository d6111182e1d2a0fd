//! Where the console keeps its files.

use super::env::Environment;
use super::error::ConfigError;
use directories::ProjectDirs;
use std::path::{Path, PathBuf};

/// Overrides every directory: `$CXONE_CONSOLE_HOME/config`, `/data` and
/// `/state`. Tests and portable installs use it to keep off the real home.
pub const HOME_ENV: &str = "CXONE_CONSOLE_HOME";

/// The console's directories, resolved once at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    config: PathBuf,
    data: PathBuf,
    state: PathBuf,
}

impl Paths {
    /// `$CXONE_CONSOLE_HOME` when set, otherwise the platform's directories
    /// for `cxone-console` (XDG on Linux).
    pub fn resolve(env: &Environment) -> Result<Self, ConfigError> {
        match env.var(HOME_ENV) {
            Some(home) => Ok(Self::under(absolute(PathBuf::from(home)))),
            None => Self::platform(),
        }
    }

    /// Everything under one directory.
    pub fn under(home: impl AsRef<Path>) -> Self {
        let home = home.as_ref();
        Self { config: home.join("config"), data: home.join("data"), state: home.join("state") }
    }

    fn platform() -> Result<Self, ConfigError> {
        let dirs = ProjectDirs::from("", "", "cxone-console").ok_or(ConfigError::NoHome)?;
        // Only Linux has a state directory; elsewhere it goes beside the data.
        let state = dirs.state_dir().map_or_else(|| dirs.data_local_dir().join("state"), Path::to_path_buf);
        Ok(Self { config: dirs.config_dir().to_path_buf(), data: dirs.data_dir().to_path_buf(), state })
    }

    /// Settings: config.toml, keymap.toml, theme.toml.
    pub fn config_dir(&self) -> &Path {
        &self.config
    }

    /// What must survive: the audit log and the outbox.
    pub fn data_dir(&self) -> &Path {
        &self.data
    }

    /// What may be lost: logs.
    pub fn state_dir(&self) -> &Path {
        &self.state
    }

    pub fn config_file(&self) -> PathBuf {
        self.config.join("config.toml")
    }

    pub fn keymap_file(&self) -> PathBuf {
        self.config.join("keymap.toml")
    }

    pub fn theme_file(&self) -> PathBuf {
        self.config.join("theme.toml")
    }

    pub fn audit_log(&self) -> PathBuf {
        self.data.join("audit.jsonl")
    }

    pub fn outbox_dir(&self) -> PathBuf {
        self.data.join("outbox")
    }

    pub fn log_dir(&self) -> PathBuf {
        self.state.join("logs")
    }
}

/// Anchors a relative home to the directory the console started in, so the
/// paths mean the same thing for the whole run.
fn absolute(path: PathBuf) -> PathBuf {
    if path.is_absolute() {
        return path;
    }
    std::env::current_dir().map(|cwd| cwd.join(&path)).unwrap_or(path)
}
