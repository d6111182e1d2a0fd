//! The canonical JSON form that record hashes cover.
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
        Value::Object(members) => write_members(members, None, out),
    }
}

/// Appends the canonical form of the object `members` as if it also held a
/// member named `key`, leaving that member out; returns the offset in `out`
/// where `"key":value` belongs, followed by a comma when it is not the last.
/// Lets a record be hashed without its `hash` member and then written with it
/// from one pass.
pub fn write_without(members: &Map<String, Value>, key: &str, out: &mut Vec<u8>) -> Hole {
    let mut hole = None;
    write_members(members, Some((key, &mut hole)), out);
    // Nothing follows it: it goes before the closing brace.
    hole.unwrap_or(Hole { at: out.len() - 1, last: true, first: members.keys().all(|k| k == key) })
}

/// Where a member left out of an object's canonical form belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hole {
    /// The offset of the member that follows it, or of the closing brace.
    pub at: usize,
    /// No member follows it.
    pub last: bool,
    /// No member precedes it.
    pub first: bool,
}

impl Hole {
    /// Inserts `"key":` and `value` (already in canonical form) at the hole.
    pub fn fill(self, out: &mut Vec<u8>, key: &str, value: &[u8]) {
        let mut member = Vec::with_capacity(key.len() + value.len() + 4);
        if self.last && !self.first {
            member.push(b',');
        }
        write_str(key, &mut member);
        member.push(b':');
        member.extend_from_slice(value);
        if !self.last {
            member.push(b',');
        }
        out.splice(self.at..self.at, member);
    }
}

/// Writes an object's members in key order (sorting only when the map does
/// not keep them so); with a hole, leaves out that key and notes where it
/// belongs if a member follows it.
fn write_members(members: &Map<String, Value>, hole: Option<(&str, &mut Option<Hole>)>, out: &mut Vec<u8>) {
    let in_order = members.keys().zip(members.keys().skip(1)).all(|(a, b)| a.as_bytes() < b.as_bytes());
    if in_order {
        write_ordered(members.iter(), hole, out);
    } else {
        let mut sorted: Vec<_> = members.iter().collect();
        sorted.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        write_ordered(sorted.into_iter(), hole, out);
    }
}

fn write_ordered<'a>(
    members: impl Iterator<Item = (&'a String, &'a Value)>,
    mut hole: Option<(&str, &mut Option<Hole>)>,
    out: &mut Vec<u8>,
) {
    out.push(b'{');
    let mut written = 0;
    for (key, item) in members {
        if hole.as_ref().is_some_and(|(name, _)| key == name) {
            continue;
        }
        if written > 0 {
            out.push(b',');
        }
        if let Some((name, found)) = hole.as_mut()
            && found.is_none()
            && key.as_bytes() > name.as_bytes()
        {
            **found = Some(Hole { at: out.len(), last: false, first: written == 0 });
        }
        write_str(key, out);
        out.push(b':');
        write(item, out);
        written += 1;
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
fn write_str(s: &str, out: &mut Vec<u8>) {
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
    fn a_member_left_out_and_filled_in_gives_the_whole_form() {
        let cases = [
            json!({ "a": 1, "b": 2, "z": 3 }),
            json!({ "b": 2, "z": 3 }),
            json!({ "a": 1, "b": 2 }),
            json!({ "a": 1 }),
            json!({}),
        ];
        for without in cases {
            let Value::Object(members) = &without else { unreachable!() };
            let mut line = b"prefix".to_vec();
            let hole = write_without(members, "hash", &mut line);
            assert_eq!(&line[6..], to_vec(&without), "the form without the member");
            hole.fill(&mut line, "hash", br#""ab""#);
            let mut whole = without.clone();
            whole["hash"] = json!("ab");
            assert_eq!(&line[6..], to_vec(&whole), "{without}");
        }
    }

    #[test]
    fn a_member_by_the_left_out_name_is_not_written() {
        let Value::Object(members) = json!({ "a": 1, "hash": "old", "z": 2 }) else { unreachable!() };
        let mut line = Vec::new();
        write_without(&members, "hash", &mut line).fill(&mut line, "hash", br#""new""#);
        assert_eq!(line, br#"{"a":1,"hash":"new","z":2}"#);
    }

    #[test]
    fn control_characters_and_multibyte_text_keep_their_escapes_in_long_runs() {
        let text = "plain text é€𝄞 then \u{7} and \u{1f}\"end";
        let mut out = Vec::new();
        write_str(text, &mut out);
        assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(text).unwrap());
    }
}
