//! Who is at the console and against what: the header's facts and the
//! files the help screen points to.

use std::path::PathBuf;
use url::Url;

#[derive(Debug, Clone)]
pub struct Session {
    /// How the header names the tenant: the profile and where it points.
    pub profile: String,
    /// The embedded sandbox's base URL when the console runs against it;
    /// `None` for a real tenant.
    pub sandbox: Option<Url>,
    /// Who makes the changes, as the audit log names them.
    pub operator: String,
    /// Changes are refused, and their keys hidden.
    pub read_only: bool,
    pub files: Files,
}

/// Files a supervisor may want to open.
#[derive(Debug, Clone, Default)]
pub struct Files {
    /// Where tracing goes; `None` when logging is off.
    pub log: Option<PathBuf>,
    pub audit: PathBuf,
    pub keymap: PathBuf,
    pub theme: PathBuf,
}

impl Session {
    pub fn is_sandbox(&self) -> bool {
        self.sandbox.is_some()
    }
}
