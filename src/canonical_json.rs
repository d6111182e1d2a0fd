//! The canonical JSON form: what the audit log's record hashes cover, and
//! what the sandbox's idempotency store compares request bodies by.
//!
//! The rule, exactly:
//!
//! * UTF-8, no whitespace outside strings;
//! * object members sorted by key, comparing the keys' UTF-8 bytes (which is
//!   code point order); a field that does not apply is absent, never `null`;
//! * strings: `"` and `\` escaped with a backslash; U+0008, U+000C, U+000A,
//!   U+000D and U+0009 as `\b`, `\f`, `\n`, `\r`, `\t`; every other character
//!   below U+0020 as `\u00xx` (lowercase hex); everything else, `/` and
//!   non-ASCII included, as itself;
//! * numbers as serde_json writes them: integers in decimal, others as the
//!   shortest decimal that reads back to the same binary64 (`12.3`, `12.0`,
//!   `1e-7`).
//!
//! A record's `hash` is the SHA-256, in lowercase hex, of this form of the
//! record without its `hash` member. Each line of the log is this form of the
//! whole record, so a line is its own canonical form and any byte changed in
//! it either changes a value (and the hash) or breaks the form.

use serde_json::{Map, Value};
use std::io::Write as _;

/// Appends the canonical form of `value` to `out`.
pub fn write(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        // Writing into a Vec cannot fail; Display is the form serde_json writes.
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => write_str(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write(item, out);
            }
            out.push(b']');
        }
        Value::Object(members) => write_members(members, out),
    }
}

/// Writes an object's members in key order, sorting only when the map does
/// not keep them so.
fn write_members(members: &Map<String, Value>, out: &mut Vec<u8>) {
    let in_order = members.keys().zip(members.keys().skip(1)).all(|(a, b)| a.as_bytes() < b.as_bytes());
    if in_order {
        write_ordered(members.iter(), out);
    } else {
        let mut sorted: Vec<_> = members.iter().collect();
        sorted.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        write_ordered(sorted.into_iter(), out);
    }
}

fn write_ordered<'a>(members: impl Iterator<Item = (&'a String, &'a Value)>, out: &mut Vec<u8>) {
    out.push(b'{');
    for (i, (key, item)) in members.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(key, out);
        out.push(b':');
        write(item, out);
    }
    out.push(b'}');
}

/// The canonical form of `value`.
pub fn to_vec(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write(value, &mut out);
    out
}

/// Copies runs that need no escape whole: a byte below 0x80 is a whole
/// character, and every byte of a multi-byte one is 0x80 or above.
pub(super) fn write_str(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escaped: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x0c => b"\\f",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x00..=0x1f => {
                out.extend_from_slice(&bytes[run..i]);
                let _ = write!(out, "\\u{b:04x}");
                run = i + 1;
                continue;
            }
            _ => continue,
        };
        out.extend_from_slice(&bytes[run..i]);
        out.extend_from_slice(escaped);
        run = i + 1;
    }
    out.extend_from_slice(&bytes[run..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_at_every_depth_and_whitespace_is_gone() {
        let value = json!({ "b": [1, { "z": null, "a": true }], "a": "x", "B": 12.5 });
        assert_eq!(to_vec(&value), br#"{"B":12.5,"a":"x","b":[1,{"a":true,"z":null}]}"#);
    }

    #[test]
    fn strings_escape_only_what_json_requires() {
        let value = json!("q\"b\\n\n\u{1}/é");
        assert_eq!(String::from_utf8(to_vec(&value)).unwrap(), "\"q\\\"b\\\\n\\n\\u0001/é\"");
    }

    #[test]
    fn the_form_reads_back_to_itself() {
        let value = json!({ "latencyMs": 12.3, "n": 1e-7, "big": 18446744073709551615u64, "neg": -3 });
        let bytes = to_vec(&value);
        let again: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(to_vec(&again), bytes);
    }

    #[test]
    fn control_characters_and_multibyte_text_keep_their_escapes_in_long_runs() {
        let text = "plain text é€𝄞 then \u{7} and \u{1f}\"end";
        let mut out = Vec::new();
        write_str(text, &mut out);
        assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(text).unwrap());
    }
}
