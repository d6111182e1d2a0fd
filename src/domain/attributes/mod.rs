//! Interaction attributes (`POST /api/v2/interactions/{id}/attributes`).
//!
//! Rules: a key is 1–255 ASCII letters, digits and underscores, not padded
//! with spaces, and does not start with `_` or `system:` (reserved); a string value is at most 2,000 characters; values
//! are strings, numbers, booleans or null; at most 50 entries per request;
//! mode is ADD, UPDATE or DELETE (default UPDATE); a key appears once per
//! request. The tenant applies a request atomically: all entries or none,
//! and refuses it whole when an ADD names a key holding another value, an
//! UPDATE names a key the interaction does not hold, or more than 50
//! attributes would remain.

use super::InteractionId;
use super::errors::{Invalid, Problems};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

pub const MAX_KEY_CHARS: usize = 255;
pub const MAX_VALUE_CHARS: usize = 2_000;
pub const MAX_ENTRIES: usize = 50;
pub const RESERVED_PREFIXES: [&str; 2] = ["_", "system:"];

mod parts;

pub use parts::{AttributeKey, AttributeMode, AttributeValue, same_value};

/// One attribute row as a user typed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeDraft {
    pub key: String,
    #[serde(default)]
    pub value: Value,
    /// Empty means UPDATE.
    #[serde(default)]
    pub mode: String,
}

/// One attribute change that passed every rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeEntry {
    pub key: AttributeKey,
    pub value: AttributeValue,
    pub mode: AttributeMode,
}

/// The attribute changes for one interaction, applied as one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct AttributeUpdate {
    pub interaction_id: InteractionId,
    pub entries: Vec<AttributeEntry>,
}

impl AttributeUpdate {
    pub fn validate(interaction_id: &str, rows: &[AttributeDraft]) -> Result<Self, Invalid> {
        let mut p = Problems::new();
        let id = p.take(InteractionId::parse_as("interaction_id", interaction_id));
        let entries = p.take_all(check_entries(rows));
        p.finish(|| Some(Self { interaction_id: id?, entries: entries? }))
    }
}

/// Why the tenant refuses a request against the attributes an interaction
/// holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// Entries that contradict what is held, each under its own field.
    Conflict(Invalid),
    /// The attributes the interaction would hold, over [`MAX_ENTRIES`].
    TooMany(usize),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Conflict(invalid) => write!(f, "{invalid}"),
            Self::TooMany(size) => write!(
                f,
                "attributes: the interaction would hold {size} attributes; at most {MAX_ENTRIES} are allowed"
            ),
        }
    }
}

/// The attributes an interaction holds, as [`plan`] reads them. A pair the
/// rules could not hold (the tenant sends none) is left out.
pub fn held_values(held: &Map<String, Value>) -> BTreeMap<AttributeKey, AttributeValue> {
    held.iter()
        .filter_map(|(k, v)| {
            Some((AttributeKey::parse_as("key", k).ok()?, AttributeValue::parse_as("value", v).ok()?))
        })
        .collect()
}

/// The entries of a request that would change something on an interaction
/// holding `count` attributes, `held` giving each key's value; or why the
/// tenant refuses the request (see [`Refusal`]).
pub fn plan<'h>(
    entries: &[AttributeEntry],
    held: impl Fn(&AttributeKey) -> Option<&'h AttributeValue>,
    count: usize,
) -> Result<Vec<AttributeEntry>, Refusal> {
    let mut conflicts = Problems::new();
    let mut changes = Vec::new();
    let mut size = count;
    for (i, entry) in entries.iter().enumerate() {
        let field = format!("attributes[{i}].key");
        let key = entry.key.as_str();
        match (entry.mode, held(&entry.key)) {
            (AttributeMode::Add, Some(v)) if *v == entry.value => {}
            (AttributeMode::Add, Some(v)) => conflicts
                .push(field, format!("{key:?} already exists with value {v}; use UPDATE to change it")),
            (AttributeMode::Update, None) => conflicts
                .push(field, format!("{key:?} does not exist on this interaction; use ADD to create it")),
            (AttributeMode::Update, Some(v)) if *v == entry.value => {}
            (AttributeMode::Delete, None) => {}
            (AttributeMode::Add, None) => {
                size += 1;
                changes.push(entry.clone());
            }
            (AttributeMode::Update, Some(_)) => changes.push(entry.clone()),
            (AttributeMode::Delete, Some(_)) => {
                size -= 1;
                changes.push(entry.clone());
            }
        }
    }
    conflicts.finish(|| Some(())).map_err(Refusal::Conflict)?;
    if size > MAX_ENTRIES {
        return Err(Refusal::TooMany(size));
    }
    Ok(changes)
}

/// Checks the rows of one request: the count limit, each row, and that no key
/// appears twice. Shared with the sandbox, which refuses the same requests.
pub fn check_entries(rows: &[AttributeDraft]) -> Result<Vec<AttributeEntry>, Invalid> {
    let mut p = Problems::new();
    if rows.is_empty() {
        p.push("attributes", "at least one attribute is required");
    }
    if rows.len() > MAX_ENTRIES {
        p.push("attributes", format!("holds {} entries; at most {MAX_ENTRIES} per request", rows.len()));
    }
    let mut seen = BTreeSet::new();
    let entries: Vec<Option<AttributeEntry>> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let key = p.take(AttributeKey::parse_as(&format!("attributes[{i}].key"), &row.key));
            let value = p.take(AttributeValue::parse_as(&format!("attributes[{i}].value"), &row.value));
            let mode = p.take(AttributeMode::parse_as(&format!("attributes[{i}].mode"), &row.mode));
            if let Some(k) = &key
                && !seen.insert(k.clone())
            {
                p.push(
                    format!("attributes[{i}].key"),
                    format!("{:?} appears more than once in this request", k.as_str()),
                );
            }
            Some(AttributeEntry { key: key?, value: value?, mode: mode? })
        })
        .collect();
    p.finish(|| entries.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(key: &str, value: Value, mode: &str) -> AttributeDraft {
        AttributeDraft { key: key.into(), value, mode: mode.into() }
    }

    #[test]
    fn documents_example_is_valid() {
        let u = AttributeUpdate::validate(
            "8f7a9b2c-1d3e-4f5a-9c8b-7e6d5f4a3b2c",
            &[
                row("customer_segment", json!("enterprise"), "UPDATE"),
                row("routing_priority", json!(9), "ADD"),
                row("compliance_flag", json!("verified"), ""),
            ],
        )
        .unwrap();
        assert_eq!(u.entries[2].mode, AttributeMode::Update);
        assert_eq!(u.entries[1].value, AttributeValue::Number(9.into()));
    }

    /// Whole numbers pass as they parsed, a float too (`1e16` is exactly
    /// ten to the sixteenth): whether a number is the one written is judged
    /// on its text, where the text is at hand (`domain::numbers`).
    #[test]
    fn numbers_pass_as_parsed() {
        for fine in
            ["18446744073709551615", "-9223372036854775808", "9007199254740992", "2.5", "1e-3", "1e16"]
        {
            let value: Value = serde_json::from_str(fine).unwrap();
            assert!(AttributeUpdate::validate("i-1", &[row("n", value, "ADD")]).is_ok(), "{fine}");
        }
    }

    #[test]
    fn key_rules() {
        for (key, needle) in [
            ("", "is required: 1 to 255 characters"),
            ("   ", "only spaces"),
            ("customer_segment ", "starts or ends with a space"),
            (" tier", "another key than \"tier\""),
            ("_hidden", "reserved prefix \"_\""),
            ("system:routing", "reserved prefix \"system:\""),
            ("bad key!", "has ' ': a key is made of letters a-z, A-Z, digits and underscores only"),
            ("call-reason", "has '-'"),
            ("café", "has 'é'"),
        ] {
            let err = AttributeUpdate::validate("i-1", &[row(key, json!(1), "ADD")]).unwrap_err();
            assert!(err.mentions("attributes[0].key"), "{err}");
            assert!(err.to_string().contains(needle), "{err}");
        }
        assert!(AttributeKey::parse_as("k", &"k".repeat(255)).is_ok());
        assert!(AttributeKey::parse_as("k", &"k".repeat(256)).is_err());
    }

    #[test]
    fn value_rules() {
        assert!(AttributeValue::parse_as("v", &json!("x".repeat(2000))).is_ok());
        let err = AttributeValue::parse_as("v", &json!("x".repeat(2001))).unwrap_err();
        assert!(err.rule.contains("limit is 2000"), "{}", err.rule);
        assert!(AttributeValue::parse_as("v", &json!([1])).is_err());
        assert!(AttributeValue::parse_as("v", &json!({"a": 1})).is_err());
        assert_eq!(AttributeValue::parse_as("v", &json!(null)).unwrap(), AttributeValue::Null);
    }

    /// `1` and `1.0` are one number: an ADD or UPDATE of the value held in
    /// another spelling changes nothing, where it used to be refused (ADD)
    /// or sent (UPDATE).
    #[test]
    fn numbers_compare_by_value_when_planned() {
        let number = |text: &str| AttributeValue::Number(serde_json::from_str(text).unwrap());
        let held: BTreeMap<AttributeKey, AttributeValue> =
            [(AttributeKey::parse_as("k", "n").unwrap(), number("1.0"))].into();
        for (mode, written) in [("ADD", "1"), ("UPDATE", "1"), ("ADD", "1e0"), ("UPDATE", "1.00")] {
            let update =
                AttributeUpdate::validate("i-1", &[row("n", serde_json::from_str(written).unwrap(), mode)])
                    .unwrap();
            let changes = plan(&update.entries, |k| held.get(k), held.len()).unwrap();
            assert!(changes.is_empty(), "{mode} {written} over 1.0: {changes:?}");
        }
        assert_ne!(number("1"), number("1.5"));
        assert_ne!(number("9007199254740993"), number("9007199254740992"), "integers compare exactly");
        assert_ne!(number("1"), AttributeValue::String("1".into()));
    }

    #[test]
    fn count_mode_and_duplicate_rules() {
        let many: Vec<_> = (0..51).map(|i| row(&format!("k{i}"), json!(i), "ADD")).collect();
        assert!(AttributeUpdate::validate("i-1", &many).unwrap_err().to_string().contains("at most 50"));
        assert!(AttributeUpdate::validate("i-1", &many[..50]).is_ok());
        let err = AttributeUpdate::validate("i-1", &[row("a", json!(1), "UPSERT")]).unwrap_err();
        assert!(err.mentions("attributes[0].mode"));
        let err =
            AttributeUpdate::validate("i-1", &[row("a", json!(1), "ADD"), row("a", json!(2), "UPDATE")])
                .unwrap_err();
        assert!(err.mentions("attributes[1].key"), "{err}");
        assert!(err.to_string().contains("\"a\" appears more than once"), "the key as typed: {err}");
        assert!(AttributeUpdate::validate("i-1", &[]).is_err());
    }
}
