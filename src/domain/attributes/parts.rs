//! One entry's parts, each with its rules: the key (1–255 letters, digits
//! and underscores, no reserved prefix, no padding), the value (a scalar; text of at most 2,000
//! characters) and the mode.

use super::{MAX_KEY_CHARS, MAX_VALUE_CHARS, RESERVED_PREFIXES};
use crate::domain::errors::FieldError;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// What an entry does to its key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum AttributeMode {
    /// Create the key.
    Add,
    /// Set the key's value.
    #[default]
    Update,
    /// Remove the key.
    Delete,
}

impl AttributeMode {
    pub fn parse_as(field: &str, raw: &str) -> Result<Self, FieldError> {
        match raw.trim().to_ascii_uppercase().as_str() {
            "" | "UPDATE" => Ok(Self::Update),
            "ADD" => Ok(Self::Add),
            "DELETE" => Ok(Self::Delete),
            _ => Err(FieldError::new(field, format!("{raw:?} must be one of ADD, UPDATE, DELETE"))),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Add => "ADD",
            Self::Update => "UPDATE",
            Self::Delete => "DELETE",
        }
    }
}

impl fmt::Display for AttributeMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An attribute key that passed the key rules.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AttributeKey(String);

impl AttributeKey {
    pub fn parse_as(field: &str, raw: &str) -> Result<Self, FieldError> {
        let len = raw.chars().count();
        if len == 0 {
            return Err(FieldError::new(field, format!("is required: 1 to {MAX_KEY_CHARS} characters")));
        }
        if len > MAX_KEY_CHARS {
            return Err(FieldError::new(
                field,
                format!("must be between 1 and {MAX_KEY_CHARS} characters (has {len})"),
            ));
        }
        if let Some(prefix) = RESERVED_PREFIXES.iter().find(|p| raw.starts_with(*p)) {
            return Err(FieldError::new(
                field,
                format!(
                    "{raw:?} starts with the reserved prefix {prefix:?}; reserved keys cannot be set by hand"
                ),
            ));
        }
        if raw.chars().any(char::is_control) {
            return Err(FieldError::new(field, "must not contain control characters"));
        }
        // A padded key is another key than the one it looks like: the tenant
        // would hold "segment " beside "segment", and a blank one shows as nothing.
        if raw.trim().is_empty() {
            return Err(FieldError::new(field, "is only spaces: a key needs letters, digits or underscores"));
        }
        if raw.trim() != raw {
            return Err(FieldError::new(
                field,
                format!(
                    "{raw:?} starts or ends with a space, which would make it another key than {:?}",
                    raw.trim()
                ),
            ));
        }
        // Document 002: keys are letters, digits and underscores; the tenant
        // answers any other with a 400 for the whole request.
        if let Some(odd) = raw.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '_')) {
            return Err(FieldError::new(
                field,
                format!(
                    "{raw:?} has {odd:?}: a key is made of letters a-z, A-Z, digits and underscores only"
                ),
            ));
        }
        Ok(Self(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AttributeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A value the tenant stores: a scalar, never an array or object.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AttributeValue {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
}

/// Numbers compare by value, as JSON and document 002's Python take them:
/// `1` and `1.0` are one number, so an ADD of the value held changes nothing.
impl PartialEq for AttributeValue {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Null, Self::Null) => true,
            (Self::Bool(a), Self::Bool(b)) => a == b,
            (Self::String(a), Self::String(b)) => a == b,
            (Self::Number(a), Self::Number(b)) => same_number(a, b),
            _ => false,
        }
    }
}

/// Two JSON values as attribute values compare: numbers by value (`1` is
/// `1.0`), anything else as written. For the read-backs that hold a tenant's
/// answer against what a change intended, whose spelling of an unchanged
/// number is the tenant's.
pub fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => same_number(x, y),
        _ => a == b,
    }
}

/// Integers exactly (past 2^53 a float would merge neighbours), anything
/// else by its value as a float.
fn same_number(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return x == y;
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        return x == y;
    }
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

impl AttributeValue {
    pub fn parse_as(field: &str, raw: &Value) -> Result<Self, FieldError> {
        match raw {
            Value::Null => Ok(Self::Null),
            Value::Bool(b) => Ok(Self::Bool(*b)),
            // Whether it is the number written is judged where the text is
            // still at hand (`domain::numbers`).
            Value::Number(n) => Ok(Self::Number(n.clone())),
            Value::String(s) => {
                let len = s.chars().count();
                if len > MAX_VALUE_CHARS {
                    return Err(FieldError::new(
                        field,
                        format!("is {len} characters; the limit is {MAX_VALUE_CHARS}"),
                    ));
                }
                Ok(Self::String(s.clone()))
            }
            Value::Array(_) | Value::Object(_) => Err(FieldError::new(
                field,
                "must be a string, number, boolean or null (not a list or object)",
            )),
        }
    }

    pub fn to_json(&self) -> Value {
        match self {
            Self::Null => Value::Null,
            Self::Bool(b) => Value::Bool(*b),
            Self::Number(n) => Value::Number(n.clone()),
            Self::String(s) => Value::String(s.clone()),
        }
    }
}

impl fmt::Display for AttributeValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Null => f.write_str("null"),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Number(n) => write!(f, "{n}"),
            Self::String(s) => write!(f, "{s:?}"),
        }
    }
}
