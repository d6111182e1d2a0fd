//! Entity tags and `If-Match`.
//!
//! A tag is derived from the entity's kind, id and version, so it changes
//! whenever the entity does and two entities never share one by accident.
//! Tags compare by their opaque part: `W/"abc"` matches `"abc"`.

use crate::sandbox::reply::Failure;
use sha2::{Digest, Sha256};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ETag(String);

impl ETag {
    pub fn of(kind: &str, id: &str, version: u64) -> Self {
        let digest = Sha256::new()
            .chain_update(kind.as_bytes())
            .chain_update([0])
            .chain_update(id.as_bytes())
            .chain_update([0])
            .chain_update(version.to_be_bytes())
            .finalize();
        Self(hex::encode(&digest[..8]))
    }

    /// The 16 hex digits inside the quotes.
    pub fn opaque(&self) -> &str {
        &self.0
    }

    /// The `ETag` header value, `W/"<16 hex>"`.
    pub fn header_value(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for ETag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "W/\"{}\"", self.0)
    }
}

/// The condition an `If-Match` header states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfMatch {
    /// `*`: the entity exists, whatever its state.
    Any,
    /// One or more tags, by their opaque part.
    Tags(Vec<String>),
}

impl IfMatch {
    /// Reads a header value: `*`, or a comma-separated list of tags, weak or
    /// strong, quoted or (leniently, as some clients send them) bare.
    pub fn parse(raw: &str) -> Result<Self, Failure> {
        let raw = raw.trim();
        if raw == "*" {
            return Ok(Self::Any);
        }
        let tags: Vec<String> = raw
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| {
                let t = t.strip_prefix("W/").unwrap_or(t);
                t.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(t).to_string()
            })
            .collect();
        if tags.is_empty() || tags.iter().any(|t| t.is_empty() || t.contains('"')) {
            return Err(Failure::bad_request(format!(
                "If-Match: {raw:?} is not an entity tag; send the ETag header of your last read, e.g. W/\"0123456789abcdef\""
            )));
        }
        Ok(Self::Tags(tags))
    }

    pub fn matches(&self, current: &ETag) -> bool {
        match self {
            Self::Any => true,
            Self::Tags(tags) => tags.iter().any(|t| t == current.opaque()),
        }
    }
}

/// Refuses a write whose `If-Match` no longer names the current version.
pub(crate) fn check(if_match: Option<&IfMatch>, current: &ETag, what: &str) -> Result<(), Failure> {
    match if_match {
        Some(cond) if !cond.matches(current) => Err(Failure::conflict(format!(
            "{what} has changed since you read it (If-Match does not match its current tag {current}); \
             read it again and retry"
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_change_with_the_version_and_the_entity() {
        let a = ETag::of("interaction", "i-1", 1);
        assert_eq!(a.opaque().len(), 16);
        assert_eq!(a.to_string(), format!("W/\"{}\"", a.opaque()));
        assert_ne!(a, ETag::of("interaction", "i-1", 2));
        assert_ne!(a, ETag::of("interaction", "i-2", 1));
        assert_eq!(a, ETag::of("interaction", "i-1", 1));
    }

    #[test]
    fn weak_strong_and_lists_compare_by_opaque_part() {
        let tag = ETag::of("user", "u", 3);
        for header in [tag.to_string(), format!("\"{}\"", tag.opaque()), format!("W/\"x\", {tag}")] {
            assert!(IfMatch::parse(&header).unwrap().matches(&tag), "{header}");
        }
        assert!(IfMatch::parse("*").unwrap().matches(&tag));
        assert!(!IfMatch::parse("W/\"1234567890abcdef\"").unwrap().matches(&tag));
        assert!(IfMatch::parse("").is_err());
        assert!(IfMatch::parse("W/\"\"").is_err());
    }

    #[test]
    fn a_stale_tag_is_a_conflict_naming_the_entity() {
        let tag = ETag::of("contact", "c", 1);
        let stale = IfMatch::parse("W/\"0000000000000000\"").unwrap();
        let err = check(Some(&stale), &tag, "contact c").unwrap_err();
        assert_eq!(err.status, axum::http::StatusCode::CONFLICT);
        assert!(err.message.contains("contact c has changed"), "{}", err.message);
        assert!(check(None, &tag, "contact c").is_ok());
    }
}
