//! The two guards a write can carry: an entity tag for optimistic locking
//! (`If-Match`) and an idempotency key that makes a retried write apply once.

use crate::domain::FieldError;
use std::fmt;

/// Longest tag or key accepted; real ones are a few dozen characters.
const MAX_LEN: usize = 256;

/// Header values must be visible ASCII: anything else would be refused by the
/// HTTP stack or, worse, let one header smuggle another.
fn header_safe(field: &str, raw: &str) -> Result<String, FieldError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, "is required"));
    }
    if value.len() > MAX_LEN {
        return Err(FieldError::new(field, format!("must be at most {MAX_LEN} characters")));
    }
    if !value.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
        return Err(FieldError::new(field, "must hold only printable ASCII characters"));
    }
    Ok(value.to_string())
}

/// An entity tag as the tenant sent it (`W/"1a2b3c4d5e6f7a8b"`), sent back
/// verbatim in `If-Match`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ETag(String);

impl ETag {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        header_safe("etag", raw).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The opaque part, without the weak marker and the quotes.
    pub fn opaque(&self) -> &str {
        let tag = self.0.strip_prefix("W/").unwrap_or(&self.0);
        tag.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(tag)
    }

    /// Weak comparison, as the tenant does: `W/"abc"` matches `"abc"`.
    pub fn matches(&self, other: &ETag) -> bool {
        self.opaque() == other.opaque()
    }
}

impl fmt::Display for ETag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A key that lets the tenant recognise a repeated write and replay its first
/// answer instead of applying it twice. One key per intended change: reuse it
/// for every attempt of that change, never for another.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// A fresh random key.
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }

    /// A key chosen by the caller, such as the id of the command it protects.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        header_safe("idempotencyKey", raw).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_and_strong_tags_compare_by_their_opaque_part() {
        let weak = ETag::parse("W/\"1234567890abcdef\"").unwrap();
        let strong = ETag::parse("\"1234567890abcdef\"").unwrap();
        assert_eq!(weak.opaque(), "1234567890abcdef");
        assert!(weak.matches(&strong));
        assert!(!weak.matches(&ETag::parse("W/\"other\"").unwrap()));
        assert_eq!(weak.as_str(), "W/\"1234567890abcdef\"");
    }

    #[test]
    fn header_breaking_values_are_refused() {
        assert_eq!(ETag::parse("  ").unwrap_err().rule, "is required");
        assert!(ETag::parse("\"a\"\r\nX-Evil: 1").is_err());
        assert!(IdempotencyKey::parse("clé").is_err());
        assert!(IdempotencyKey::parse(&"k".repeat(257)).is_err());
        assert_eq!(IdempotencyKey::parse(" cmd-42 ").unwrap().as_str(), "cmd-42");
    }

    #[test]
    fn generated_keys_are_distinct() {
        assert_ne!(IdempotencyKey::generate(), IdempotencyKey::generate());
    }
}
