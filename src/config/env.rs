//! Where environment variables come from: the process, or a fixed set.
//!
//! The process environment is global; reading it through this type lets
//! tests supply their own variables without changing anyone else's.

use std::collections::BTreeMap;
use std::fmt;

#[derive(Clone)]
pub struct Environment {
    fixed: Option<BTreeMap<String, String>>,
    /// Secrets that cannot be read are left out with a warning rather than
    /// refused: for showing the settings, never for using them.
    showing: bool,
}

impl Environment {
    /// The process's environment, read when a variable is asked for.
    pub fn process() -> Self {
        Self { fixed: None, showing: false }
    }

    /// The same variables, read to show the settings: a secret that cannot
    /// be read is a warning, so the rest can still be seen.
    pub fn for_showing(self) -> Self {
        Self { showing: true, ..self }
    }

    pub(super) fn is_showing(&self) -> bool {
        self.showing
    }

    /// Exactly these variables and no others.
    pub fn fixed<K, V>(vars: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        Self { fixed: Some(vars.into_iter().map(|(k, v)| (k.into(), v.into())).collect()), showing: false }
    }

    /// The variable's value; `None` when it is unset, empty or not Unicode,
    /// since none of those can be used.
    pub fn var(&self, name: &str) -> Option<String> {
        let value = match &self.fixed {
            Some(vars) => vars.get(name).cloned(),
            None => std::env::var(name).ok(),
        };
        value.filter(|v| !v.is_empty())
    }
}

/// Names only: values may be secrets.
impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.fixed {
            Some(vars) => f.debug_set().entries(vars.keys()).finish(),
            None => f.write_str("Environment::process()"),
        }
    }
}
