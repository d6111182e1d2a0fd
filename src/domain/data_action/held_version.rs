//! A deployed action's version as the tenant holds it.
//!
//! Document 004 gives `version` as free text. This console writes semantic
//! versions and orders new ones after the current one, but reads any other
//! text as it is: an action versioned `v2` by another tool is still listed,
//! shown and versioned, rather than failing the page it is on.

use semver::Version;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeldVersion {
    Semantic(Version),
    /// Text that is not a semantic version, kept as the tenant gave it.
    Text(String),
}

impl HeldVersion {
    pub fn read(raw: &str) -> Self {
        Version::parse(raw.trim()).map_or_else(|_| Self::Text(raw.to_string()), Self::Semantic)
    }

    pub fn semantic(&self) -> Option<&Version> {
        match self {
            Self::Semantic(v) => Some(v),
            Self::Text(_) => None,
        }
    }

    /// The version a new one would most likely be: the next patch, or
    /// nothing to offer after text. The current build metadata is not
    /// carried over: it names the build that was, not the one to come.
    pub fn next_patch(&self) -> Option<Version> {
        let current = self.semantic()?;
        Some(Version::new(current.major, current.minor, current.patch + 1))
    }
}

impl From<Version> for HeldVersion {
    fn from(v: Version) -> Self {
        Self::Semantic(v)
    }
}

impl fmt::Display for HeldVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Semantic(v) => v.fmt(f),
            Self::Text(t) => f.write_str(t),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semantic_versions_are_read_so_and_any_other_text_kept_as_given() {
        assert_eq!(HeldVersion::read(" 1.2.0 "), HeldVersion::Semantic(Version::new(1, 2, 0)));
        for text in ["1.0", "v2", "2024-05 build"] {
            let held = HeldVersion::read(text);
            assert_eq!((held.semantic(), held.to_string()), (None, text.to_string()));
            assert_eq!(held.next_patch(), None);
        }
        assert_eq!(HeldVersion::read("1.2.3-rc.1").next_patch(), Some(Version::new(1, 2, 4)));
        assert_eq!(HeldVersion::read("1.2.3+build.9").next_patch(), Some(Version::new(1, 2, 4)));
    }
}
