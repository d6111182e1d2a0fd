//! What can go wrong with the configuration, said so that it can be fixed:
//! the file and line, the table and key, and the rule.

use std::fmt;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A key in a configuration file breaks a rule.
    #[error("{at}: {key}: {message}")]
    Key { at: Place, key: KeyPath, message: String },
    /// The file is not TOML at all.
    #[error("{at}: {message}")]
    Syntax { at: Place, message: String },
    #[error("{}: cannot be read: {source}", .path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("{} already exists; edit it, or move it away to write a fresh template", .path.display())]
    Exists { path: PathBuf },
    #[error("{}: cannot be written: {source}", .path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error("no home directory to keep settings in; set CXONE_CONSOLE_HOME to a directory")]
    NoHome,
    /// The profile asked for on the command line is not in the file (or
    /// there is no file: `written` is false).
    #[error("{}", no_such_profile(.name, .path, .known, *.written))]
    NoSuchProfile { name: String, path: PathBuf, known: String, written: bool },
}

fn no_such_profile(name: &str, path: &std::path::Path, known: &str, written: bool) -> String {
    let path = path.display();
    match written {
        true => format!(
            "--profile {name}: {path} has no profile named {name:?}; choose one of: {known}, or add a \
             [profiles.{name}] table there"
        ),
        false => format!(
            "--profile {name}: there is no {path}, so the only profile is {known}; `cxone-console config init` \
             writes one, to add a [profiles.{name}] table to"
        ),
    }
}

impl ConfigError {
    /// The key at fault, when one is.
    pub fn key(&self) -> Option<&KeyPath> {
        match self {
            Self::Key { key, .. } => Some(key),
            _ => None,
        }
    }

    /// The line at fault (1-based), when known.
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::Key { at, .. } | Self::Syntax { at, .. } => at.line,
            _ => None,
        }
    }
}

/// A file, and a line in it when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: PathBuf,
    pub line: Option<usize>,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}", self.file.display()),
            None => write!(f, "{}", self.file.display()),
        }
    }
}

/// A key and the table holding it: `[profiles.prod] client_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPath {
    /// The table, dotted (`profiles.prod`); empty for the top level.
    pub table: String,
    /// The key; `None` when the table itself is at fault.
    pub key: Option<String>,
}

impl KeyPath {
    pub fn new(table: impl Into<String>, key: impl Into<String>) -> Self {
        Self { table: table.into(), key: Some(key.into()) }
    }

    pub fn table(table: impl Into<String>) -> Self {
        Self { table: table.into(), key: None }
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.table.as_str(), &self.key) {
            ("", Some(key)) => write!(f, "{key}"),
            ("", None) => f.write_str("the top level"),
            (table, Some(key)) => write!(f, "[{table}] {key}"),
            (table, None) => write!(f, "[{table}]"),
        }
    }
}

/// Who besides its owner may read a file of `mode`.
fn readers(mode: u32) -> &'static str {
    match (mode & 0o040 != 0, mode & 0o004 != 0) {
        (_, true) => "every user of this machine",
        (true, false) => "its group",
        // Writable or runnable by others, though not readable.
        (false, false) => "others",
    }
}

/// Something worth fixing that does not stop the console.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Warning {
    #[error(
        "{key}: {} can be read by {} (mode {mode:04o}); run `chmod 600 {}`",
        .path.display(),
        readers(*.mode),
        .path.display()
    )]
    SecretFileShared { key: KeyPath, path: PathBuf, mode: u32 },
    /// Signatures still verify, but Standard Webhooks receivers may refuse
    /// the key, and a short one is easier to guess.
    #[error(
        "{key}: the signing secret decodes to {bytes} bytes; Standard Webhooks asks for 24 to 64 random \
         bytes (the receiver's secret decides: ask its owner for a {})",
        if *.bytes < 24 { "longer one" } else { "shorter one" }
    )]
    SigningKeyLength { key: KeyPath, bytes: usize },
    /// Only while the settings are shown: using them would stop here.
    #[error("{0} (the settings are shown all the same; nothing can run until this is fixed)")]
    SecretUnreadable(String),
    /// Only while the settings are shown: a profile not in use now that
    /// would stop any run that chose it.
    #[error("{0} (a profile not in use now; a run that chooses it stops here)")]
    IdleProfile(String),
}

/// The text being read, to turn byte spans into lines and name the key a
/// deserialisation error is about.
pub(super) struct Source<'a> {
    pub file: &'a Path,
    pub text: &'a str,
}

impl Source<'_> {
    pub fn place(&self, span: Option<Range<usize>>) -> Place {
        Place { file: self.file.to_path_buf(), line: span.map(|span| self.line_of(span.start)) }
    }

    /// An error about `key`, pointing at the line of `span`.
    pub fn key_error(
        &self,
        key: KeyPath,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> ConfigError {
        ConfigError::Key { at: self.place(span), key, message: message.into() }
    }

    /// A deserialisation error from `toml`, with the key it concerns. `toml`
    /// gives a span but no key path, so the key is read from the line the
    /// span starts on and the table from the nearest header above it.
    pub fn toml_error(&self, error: &toml::de::Error) -> ConfigError {
        let span = error.span();
        let mut message = plain_words(error.message().trim());
        let mut key = span.clone().and_then(|span| self.key_at(span.start));
        // `toml` points a profile without its `kind` at the first line that
        // makes the profile's table, which may be a sub-table of it
        // ([profiles.sandbox.size]); name the profile, and what it lacks.
        if message == "missing key `kind`"
            && let Some(profile) = key.as_ref().and_then(|k| profile_of(&k.table))
        {
            message = format!(
                "missing key `kind`: a profile says what it is, kind = \"sandbox\" or kind = \"tenant\", \
                 under its own [{profile}] line"
            );
            key = Some(KeyPath::table(profile));
        }
        // TOML reads an unquoted word as a boolean gone wrong; say what it was.
        if message.starts_with("invalid boolean") || message.starts_with("invalid string") {
            let secret = key.as_ref().is_some_and(|k| k.to_string().ends_with("secret"));
            message = if secret {
                "secrets never go in config.toml: name an environment variable (…_env) or a file (…_file) \
                 that holds it"
                    .into()
            } else {
                format!("{message}; text goes in quotes: key = \"value\"")
            };
        }
        match key {
            Some(key) => self.key_error(key, span, message),
            None => ConfigError::Syntax { at: self.place(span), message },
        }
    }

    fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
    }

    fn key_at(&self, offset: usize) -> Option<KeyPath> {
        let line_index = self.line_of(offset) - 1;
        let lines: Vec<&str> = self.text.lines().collect();
        let line = lines.get(line_index)?.trim();
        if let Some(table) = header(line) {
            return Some(KeyPath::table(table));
        }
        let key = line.split_once('=').map(|(key, _)| unquote(key.trim()))?;
        let table = lines[..line_index].iter().rev().find_map(|line| header(line.trim())).unwrap_or_default();
        Some(KeyPath::new(table, key))
    }
}

/// Serde's messages in the words of a settings file.
fn plain_words(message: &str) -> String {
    [
        ("unknown field", "unknown key"),
        ("missing field", "missing key"),
        ("expected u64", "expected a whole number"),
        ("expected f64", "expected a number"),
    ]
    .into_iter()
    .fold(message.to_string(), |message, (serde, plain)| message.replace(serde, plain))
}

/// The profile table (`profiles.sandbox`, `profiles."my.prod"`) that
/// `table` is or lies in.
fn profile_of(table: &str) -> Option<String> {
    let rest = table.strip_prefix("profiles.")?;
    let name = match rest.strip_prefix('"') {
        Some(quoted) => &rest[..quoted.find('"')? + 2],
        None => rest.split('.').next()?,
    };
    Some(format!("profiles.{name}"))
}

/// The name of a `[table]` or `[[array]]` header line.
fn header(line: &str) -> Option<String> {
    let line = line.split('#').next().unwrap_or_default().trim();
    let inner = line.strip_prefix('[')?.strip_suffix(']')?;
    let inner = inner.strip_prefix('[').and_then(|i| i.strip_suffix(']')).unwrap_or(inner);
    Some(key_parts(inner).into_iter().map(|part| quoted_if_needed(&part)).collect::<Vec<_>>().join("."))
}

/// The keys of a dotted path, a quoted one (`"my.prod"`) kept whole.
fn key_parts(path: &str) -> Vec<String> {
    let (mut parts, mut part, mut quote) = (Vec::new(), String::new(), None);
    for c in path.chars() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '.') => parts.push(std::mem::take(&mut part).trim().to_string()),
            (_, c) => part.push(c),
        }
    }
    parts.push(part.trim().to_string());
    parts
}

/// A key as config.toml must write it: bare when it can be, else quoted.
fn quoted_if_needed(key: &str) -> String {
    let bare = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare { key.to_string() } else { format!("{key:?}") }
}

fn unquote(key: &str) -> String {
    key.trim_matches(|c| c == '"' || c == '\'').to_string()
}
