//! JSON typed by a person (a change file's line, a form's document), read
//! as `serde_json` reads it, except that an object naming a key twice is
//! refused (which of the two was meant cannot be known, and taking the last
//! one silently could change the wrong thing) and so is a number that would
//! not be read as written (see [`numbers`](super::numbers)).

use crate::domain::FieldError;
use crate::domain::numbers::first_inexact;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::error::Category;
use serde_json::{Map, Number, Value};
use std::fmt;

/// The JSON, or the member and rule it breaks, in words (the member is
/// `line` when the fault is the text's as a whole).
pub fn parse(text: &str) -> Result<Value, FieldError> {
    parse_with(text, |_| true)
}

/// [`parse`] for a text whose numbers are a document's (a schema, a
/// payload): a number that cannot be kept is not told to be quoted.
pub fn parse_document(text: &str) -> Result<Value, FieldError> {
    parse_with(text, |_| false)
}

/// [`parse`], where `advise` says, for the path of a number that cannot be
/// kept, whether quoting it is the way to keep it.
pub fn parse_with(text: &str, advise: impl Fn(&str) -> bool) -> Result<Value, FieldError> {
    if let Some(inexact) = first_inexact(text) {
        let rule = if advise(&inexact.path) { inexact.advised() } else { inexact.rule() };
        let path = if inexact.path.is_empty() { "line".into() } else { inexact.path };
        return Err(FieldError::new(path, rule));
    }
    let parsed = serde_json::from_str::<Strict>(text).map(|strict| strict.0).map_err(|e| {
        // serde_json counts lines within the text: a change file's line is
        // one, so "line 1" would contradict the file's own numbering. The
        // line is named only for a document of several.
        let said = e.to_string();
        let place = format!(" at line {} column {}", e.line(), e.column());
        let said = said.strip_suffix(&place).unwrap_or(&said);
        let at = match text.contains('\n') {
            true => format!("line {}, column {}", e.line(), e.column()),
            false => format!("column {}", e.column()),
        };
        match e.classify() {
            // Only a key named twice is refused beyond what JSON itself allows.
            Category::Data => format!("{said} ({at})"),
            _ => format!("is not JSON: {said} ({at})"),
        }
    });
    parsed.map_err(|rule| FieldError::new("line", rule))
}

struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Strict::deserialize(deserializer).map(|strict| strict.0)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "names the key {key:?} twice, so which is meant is unclear"
                )));
            }
            let Strict(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_what_serde_json_reads_but_a_key_twice() {
        let text = r#"{"a": [1, -2, 2.5, "x", null, true], "b": {"c": {}}}"#;
        assert_eq!(parse(text).unwrap(), serde_json::from_str::<Value>(text).unwrap());
        assert_eq!(parse("7").unwrap(), json!(7));
        let twice = parse(r#"{"status": "Offline", "status": "Busy"}"#).unwrap_err().rule;
        assert!(twice.starts_with("names the key \"status\" twice"), "{twice}");
        let nested = parse(r#"{"attributes": [{"key": "a", "key": "b"}]}"#).unwrap_err().rule;
        assert!(nested.contains("names the key \"key\" twice"), "{nested}");
        assert_eq!(parse("{").unwrap_err().rule, "is not JSON: EOF while parsing an object (column 1)");
        let trailing = parse(r#"{"a": 1} x"#).unwrap_err().rule;
        assert_eq!(trailing, "is not JSON: trailing characters (column 10)", "no 'line 1' of its own");
        let document = parse("{\n  \"a\": 1,\n}").unwrap_err().rule;
        assert!(document.ends_with("(line 3, column 1)"), "a document of lines names its line: {document}");
        let far = parse(r#"{"op": "attributes", "value": 1e400}"#).unwrap_err();
        assert_eq!(far.field, "value", "a number no float holds is named by its field, not the line's");
    }

    #[test]
    fn only_a_value_a_change_sets_is_told_to_quote_its_number() {
        let text = r#"{"score": 0.1000000000000000000001}"#;
        let value = parse(text).unwrap_err();
        let document = parse_document(text).unwrap_err();
        assert_eq!((value.field.as_str(), document.field.as_str()), ("score", "score"));
        assert!(value.rule.ends_with("; write it in quotes to send it as text"), "{}", value.rule);
        assert_eq!(document.rule, "has more digits than a number keeps (it would be stored as 0.1)");
        let by_path = parse_with(r#"{"a": 1e-400, "b": 1}"#, |path| path != "a").unwrap_err();
        assert_eq!(by_path.rule, "is a number too small to keep (it would be stored as 0)");
    }
}
