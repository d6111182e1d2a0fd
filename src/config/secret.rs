//! Secrets come from an environment variable or a file, never from
//! config.toml, and are held so that they cannot be printed by accident.

use super::check::Table;
use super::env::Environment;
use super::error::{ConfigError, KeyPath, Warning};
use secrecy::SecretString;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Where a secret was read from: all that may ever be shown of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    Env(String),
    File(PathBuf),
}

impl fmt::Display for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Env(name) => write!(f, "env {name}"),
            Self::File(path) => write!(f, "file {}", path.display()),
        }
    }
}

/// A secret and where it came from.
#[derive(Clone)]
pub struct Secret {
    source: SecretSource,
    value: SecretString,
    /// Read only to show the settings, and it could not be read.
    unreadable: bool,
}

impl Secret {
    pub fn source(&self) -> &SecretSource {
        &self.source
    }

    pub fn value(&self) -> &SecretString {
        &self.value
    }

    /// What stands in for the secret wherever settings are shown.
    pub fn redacted(&self) -> String {
        if self.unreadable {
            return format!("<cannot be read: from {}>", self.source);
        }
        format!("<redacted: from {}>", self.source)
    }

    pub(super) fn is_readable(&self) -> bool {
        !self.unreadable
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// `read`, or when the settings are only shown and it failed, a stand-in
/// that says it cannot be read, with the reason as a warning.
fn showing(
    env: &Environment,
    source: SecretSource,
    read: Result<ReadSecret, ConfigError>,
) -> Result<ReadSecret, ConfigError> {
    match read {
        Err(e) if env.is_showing() => Ok(ReadSecret {
            secret: Secret { source, value: SecretString::from(""), unreadable: true },
            warning: Some(Warning::SecretUnreadable(e.to_string())),
        }),
        read => read,
    }
}

/// The pair of keys that name one secret: `<x>_env` or `<x>_file`.
pub(super) struct SecretKeys<'f> {
    pub env_key: &'static str,
    pub env: Option<&'f Spanned<String>>,
    pub file_key: &'static str,
    pub file: Option<&'f Spanned<String>>,
}

/// A secret read, and what is worth fixing about where it lives.
pub(super) struct ReadSecret {
    pub secret: Secret,
    pub warning: Option<Warning>,
}

impl SecretKeys<'_> {
    /// The key the secret was read through, and where it is written: the
    /// environment variable's when both are set.
    pub fn set_key(&self) -> (&'static str, Option<std::ops::Range<usize>>) {
        match (self.env, self.file) {
            (Some(env), _) => (self.env_key, Some(env.span())),
            (None, file) => (self.file_key, file.map(|f| f.span())),
        }
    }

    /// The secret, or `None` when neither key is set. A relative file path
    /// is taken from `config_dir`, where config.toml lives.
    pub fn read(
        &self,
        table: &Table<'_>,
        env: &Environment,
        config_dir: &Path,
    ) -> Result<Option<ReadSecret>, ConfigError> {
        match (self.env, self.file) {
            (None, None) => Ok(None),
            (Some(_), Some(file)) => Err(table.error(
                self.file_key,
                Some(file.span()),
                format!("set either {} or {}, not both", self.env_key, self.file_key),
            )),
            (Some(name), None) => {
                let source = SecretSource::Env(name.get_ref().trim().to_string());
                showing(env, source, self.read_env(table, name, env)).map(Some)
            }
            (None, Some(path)) => {
                let source = SecretSource::File(config_dir.join(path.get_ref().trim()));
                showing(env, source, self.read_file(table, path, config_dir)).map(Some)
            }
        }
    }

    fn read_env(
        &self,
        table: &Table<'_>,
        name: &Spanned<String>,
        env: &Environment,
    ) -> Result<ReadSecret, ConfigError> {
        let span = Some(name.span());
        let name = table.text(self.env_key, name)?;
        if looks_like_a_secret(&name) {
            let rule = "holds what looks like the secret itself (not repeated here): put the secret in an \
                        environment variable and name the variable here";
            return Err(table.error(self.env_key, span, rule));
        }
        if !is_variable_name(&name) {
            let rule = format!("{name:?} is not an environment variable name (letters, digits and _)");
            return Err(table.error(self.env_key, span, rule));
        }
        let Some(value) = env.var(&name).filter(|v| !v.trim().is_empty()) else {
            return Err(table.error(
                self.env_key,
                span,
                format!("environment variable {name} is not set or empty"),
            ));
        };
        let secret = Secret {
            source: SecretSource::Env(name),
            value: SecretString::from(value.trim()),
            unreadable: false,
        };
        Ok(ReadSecret { secret, warning: None })
    }

    fn read_file(
        &self,
        table: &Table<'_>,
        path: &Spanned<String>,
        config_dir: &Path,
    ) -> Result<ReadSecret, ConfigError> {
        let span = Some(path.span());
        let path = config_dir.join(table.text(self.file_key, path)?);
        let fail = |rule: String| table.error(self.file_key, span.clone(), rule);
        let text = std::fs::read_to_string(&path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => fail(format!("{} does not exist", path.display())),
            io::ErrorKind::InvalidData => fail(format!("{} is not UTF-8 text", path.display())),
            _ => fail(format!("{} cannot be read: {e}", path.display())),
        })?;
        let value = text.trim();
        if value.is_empty() {
            return Err(fail(format!("{} is empty", path.display())));
        }
        // No secret holds a line break: a second line is a comment, a
        // `NAME=value` file or two secrets, and sent as it is it fails as
        // a bare 401.
        if value.lines().count() > 1 {
            return Err(fail(format!(
                "{} holds {} lines; it must hold the secret alone, on one line",
                path.display(),
                value.lines().count()
            )));
        }
        let warning = shared_mode(&path).map(|mode| Warning::SecretFileShared {
            key: KeyPath::new(table.name(), self.file_key),
            path: path.clone(),
            mode,
        });
        let secret =
            Secret { source: SecretSource::File(path), value: SecretString::from(value), unreadable: false };
        Ok(ReadSecret { secret, warning })
    }
}

/// A value that reads as a secret rather than a variable's name: a webhook
/// secret (its prefix and a key's length), base64's `+`, `/` or `=`, or a long token of mixed-case
/// letters and digits, or of many digits (variables are named in words).
fn looks_like_a_secret(name: &str) -> bool {
    let count = |test: fn(&char) -> bool| name.chars().filter(test).count();
    let digits = count(char::is_ascii_digit);
    let mixed_case = count(char::is_ascii_lowercase) > 0 && count(char::is_ascii_uppercase) > 0;
    let token = name.len() >= 24 && digits >= 2 && (mixed_case || digits * 4 >= name.len());
    // A key of 24 bytes or more is 32 base64 characters or more after its prefix.
    let webhook_key = name.starts_with("whsec_") && name.len() >= 26;
    webhook_key || name.contains(['+', '/', '=']) || token
}

fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The file's permission bits when users other than its owner may read or
/// change it.
#[cfg(unix)]
fn shared_mode(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o7777;
    (mode & 0o077 != 0).then_some(mode)
}

#[cfg(not(unix))]
fn shared_mode(_path: &Path) -> Option<u32> {
    None
}
