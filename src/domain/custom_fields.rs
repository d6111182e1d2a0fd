//! A contact's custom fields, as one change sets them (document 001 sends
//! them as they are): a bounded number of named values, each of a bounded
//! size, so that nothing the tenant would refuse for its size is sent.

use super::attributes::MAX_KEY_CHARS;
use super::errors::{Invalid, MAX_TEXT_CHARS, Problems, free_text};
use serde_json::{Map, Value};

/// The most custom fields one change may set: as many as an interaction's
/// attributes in one request (document 002).
pub const MAX_CUSTOM_FIELDS: usize = 50;

/// `fields`, when each is named by 1 to [`MAX_KEY_CHARS`] characters on
/// one line and its value is at most [`MAX_TEXT_CHARS`] characters as
/// sent (a text as itself, anything else as JSON), and there are at most
/// [`MAX_CUSTOM_FIELDS`]. Each problem names its field.
pub fn custom_fields(fields: &Map<String, Value>) -> Result<Map<String, Value>, Invalid> {
    let mut p = Problems::new();
    if fields.len() > MAX_CUSTOM_FIELDS {
        p.push("customFields", format!("sets {} fields; at most {MAX_CUSTOM_FIELDS} at once", fields.len()));
    }
    for (name, value) in fields {
        // The name is the sender's: a line break in it, escaped, cannot
        // split the error that names it; the rest is shown as written.
        let field = format!("customFields.{}", escape_breaks(name));
        if name.trim().is_empty() || name.chars().count() > MAX_KEY_CHARS {
            p.push(field, format!("a field's name must be 1 to {MAX_KEY_CHARS} characters"));
            continue;
        }
        if name.chars().any(breaks_lines) {
            p.push(field, "a field's name must be one line without control characters");
            continue;
        }
        match value {
            Value::String(text) => {
                p.take(free_text(&field, text));
            }
            other => {
                let chars = other.to_string().chars().count();
                if chars > MAX_TEXT_CHARS {
                    p.push(
                        field,
                        format!("must be at most {MAX_TEXT_CHARS} characters as JSON (has {chars})"),
                    );
                }
            }
        }
    }
    p.finish(|| Some(fields.clone()))
}

/// A control character, or one of Unicode's own line and paragraph
/// separators: what would end or garble the line an error is shown on.
fn breaks_lines(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

fn escape_breaks(name: &str) -> String {
    name.chars()
        .map(|c| if breaks_lines(c) { c.escape_default().to_string() } else { c.to_string() })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!("an object"),
        }
    }

    #[test]
    fn a_name_with_a_line_break_is_named_on_one_line() {
        let err = custom_fields(&fields(json!({ "k\nx": "v" }))).unwrap_err();
        let shown = err.to_string();
        assert!(shown.contains("customFields.k\\nx") && !shown.contains('\n'), "{shown}");
        assert!(shown.contains("one line"), "{shown}");
        let err = custom_fields(&fields(json!({ "it's\u{2028}café": "v" }))).unwrap_err();
        assert!(err.to_string().contains("customFields.it's\\u{2028}café:"), "{err}");
    }

    #[test]
    fn values_up_to_the_limit_pass_as_they_are() {
        let ok = fields(json!({"lead_score": 85, "note": "x".repeat(MAX_TEXT_CHARS), "tags": ["a", "b"]}));
        assert_eq!(custom_fields(&ok).unwrap(), ok);
    }

    #[test]
    fn an_oversized_value_is_named_with_its_field_and_the_limit() {
        let text = fields(json!({"note": "x".repeat(MAX_TEXT_CHARS + 1)}));
        let err = custom_fields(&text).unwrap_err();
        assert!(err.mentions("customFields.note"), "{err}");
        assert!(err.to_string().contains("at most 2000 characters (has 2001)"), "{err}");
        let nested = fields(json!({"history": vec!["abcdefghij"; 200]}));
        let err = custom_fields(&nested).unwrap_err();
        assert!(err.mentions("customFields.history") && err.to_string().contains("as JSON"), "{err}");
    }

    #[test]
    fn too_many_fields_or_a_bad_name_are_refused() {
        let many: Map<String, Value> = (0..=MAX_CUSTOM_FIELDS).map(|i| (format!("f{i}"), json!(i))).collect();
        let err = custom_fields(&many).unwrap_err();
        assert!(err.to_string().contains("sets 51 fields; at most 50"), "{err}");
        let err = custom_fields(&fields(json!({" ": 1, "bell\u{7}": 2}))).unwrap_err();
        assert!(err.to_string().contains("name must be 1 to 255 characters"), "{err}");
        assert!(err.to_string().contains("control characters"), "{err}");
    }
}
