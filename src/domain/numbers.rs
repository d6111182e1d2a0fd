//! Numbers written as text (a change file's line, a form's field) that
//! JSON as read here cannot hold as written: past a float's range, below
//! its smallest step, or with more digits than it keeps. Each would be sent
//! as some other number, so the text is judged before it is parsed.
//!
//! The text is scanned, not the parsed value: once parsed, `0.1000000000000000001`
//! and `0.1` are the same float, and `1e400` has no value at all.

use std::fmt::Write;

/// How a value a change sets keeps a number that a 64-bit float cannot: as
/// text, which the rules that find such a number advise.
pub const AS_TEXT: &str = "write it in quotes to send it as text";

/// A number that cannot be kept as written: where it stands (`value`,
/// `attributes[1].value`; empty for a bare number) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Inexact {
    pub path: String,
    fault: Fault,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    OutOfRange,
    BelowSmallest,
    /// A whole number past 64 bits, and the float it would become.
    TooLarge(f64),
    /// A decimal with more digits than a float keeps, and the float it would become.
    TooManyDigits(f64),
}

impl Inexact {
    /// The rule the number breaks, without advice: what a number inside a
    /// document (a schema, a handler's payload) is told, since quoted it
    /// would no longer be a number and the document would say something else.
    pub fn rule(&self) -> String {
        match self.fault {
            Fault::OutOfRange => {
                "is a number out of range (a number here is at most about 1.8e308 either way)".into()
            }
            Fault::BelowSmallest => "is a number too small to keep (it would be stored as 0)".into(),
            Fault::TooLarge(value) => {
                format!("is a number too large to keep exactly (it would be stored as {value:e})")
            }
            Fault::TooManyDigits(value) => {
                format!("has more digits than a number keeps (it would be stored as {value})")
            }
        }
    }

    /// The rule with how to keep the value as written, for a value a change
    /// sets: as text. A number out of range is more likely a slip than a
    /// value to keep, so it is not advised so.
    pub fn advised(&self) -> String {
        match self.fault {
            Fault::OutOfRange => self.rule(),
            _ => format!("{}; {AS_TEXT}", self.rule()),
        }
    }
}

/// The first number in `text` that cannot be kept as written. Stops quietly
/// where the text is not JSON: the parser says what is wrong with it.
pub fn first_inexact(text: &str) -> Option<Inexact> {
    let bytes = text.as_bytes();
    let mut frames: Vec<Frame> = Vec::new();
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b'"' => {
                let end = string_end(bytes, at)?;
                if let Some(Frame::Object { key, expecting_key }) = frames.last_mut()
                    && *expecting_key
                {
                    let raw = &text[at..end];
                    *key = serde_json::from_str(raw).unwrap_or_else(|_| raw.trim_matches('"').to_string());
                    *expecting_key = false;
                }
                at = end;
            }
            b'{' => {
                frames.push(Frame::Object { key: String::new(), expecting_key: true });
                at += 1;
            }
            b'[' => {
                frames.push(Frame::Array { index: 0 });
                at += 1;
            }
            b'}' | b']' => {
                frames.pop();
                at += 1;
            }
            b',' => {
                match frames.last_mut() {
                    Some(Frame::Object { expecting_key, .. }) => *expecting_key = true,
                    Some(Frame::Array { index }) => *index += 1,
                    None => {}
                }
                at += 1;
            }
            b'-' | b'0'..=b'9' => {
                let end = number_end(bytes, at);
                if let Some(fault) = inexact(&text[at..end]) {
                    return Some(Inexact { path: path(&frames), fault });
                }
                at = end;
            }
            _ => at += 1,
        }
    }
    None
}

/// Where the scan stands: inside an object (at `key`'s value once the key
/// is read) or inside an array (at its `index`th item).
enum Frame {
    Object { key: String, expecting_key: bool },
    Array { index: usize },
}

fn path(frames: &[Frame]) -> String {
    let mut path = String::new();
    for frame in frames {
        match frame {
            Frame::Object { key, .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Array { index } => {
                let _ = write!(path, "[{index}]");
            }
        }
    }
    path
}

/// Just past the string that opens at `start`, or `None` if it never closes.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut at = start + 1;
    loop {
        match bytes.get(at)? {
            b'\\' => at += 2,
            b'"' => return Some(at + 1),
            _ => at += 1,
        }
    }
}

fn number_end(bytes: &[u8], start: usize) -> usize {
    let len = bytes[start..]
        .iter()
        .take_while(|b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
        .count();
    start + len
}

/// Why `token` cannot be kept as written, if it cannot.
fn inexact(token: &str) -> Option<Fault> {
    let whole = !token.contains(['.', 'e', 'E']);
    // Whole numbers within 64 bits are kept exactly.
    if whole && (token.parse::<i64>().is_ok() || token.parse::<u64>().is_ok()) {
        return None;
    }
    // Not a number JSON allows: the parser names it.
    let value: f64 = token.parse().ok()?;
    if value.is_infinite() {
        return Some(Fault::OutOfRange);
    }
    let written = decimal(token);
    if value == 0.0 {
        return (!written.0.is_empty()).then_some(Fault::BelowSmallest);
    }
    // `{:e}` spells the float with the fewest digits that read back as it.
    if written == decimal(&format!("{value:e}")) {
        return None;
    }
    Some(if whole { Fault::TooLarge(value) } else { Fault::TooManyDigits(value) })
}

/// A decimal's significant digits and the power of ten of the first of
/// them: the same for every spelling of one number (`0.10`, `1e-1`).
fn decimal(token: &str) -> (String, i64) {
    let unsigned = token.trim_start_matches(['-', '+']);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, exponent.parse::<i64>().unwrap_or(0)),
        None => (unsigned, 0),
    };
    let (int, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all = format!("{int}{fraction}");
    let leading = all.len() - all.trim_start_matches('0').len();
    let digits = all.trim_start_matches('0').trim_end_matches('0').to_string();
    let power = int.len() as i64 + exponent - leading as i64 - 1;
    (digits, power)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_a_float_keeps_pass_in_any_spelling() {
        for text in [
            r#"{"a": 0.1, "b": 1e-1, "c": 0.10, "d": 100, "e": 1.5E3, "f": -2.5, "g": 0, "h": -0.0}"#,
            r#"{"a": 18446744073709551615, "b": -9223372036854775808, "c": 5e-324, "d": 1.7976931348623157e308}"#,
            r#"{"s": "1e400 in a string", "t": "\"0.1000000000000000000001\""}"#,
        ] {
            assert_eq!(first_inexact(text), None, "{text}");
        }
    }

    #[test]
    fn numbers_it_cannot_keep_are_named_by_their_member() {
        let cases = [
            (r#"{"op": "x", "value": 1e400}"#, "value", "out of range"),
            (r#"{"value": -1e400}"#, "value", "out of range"),
            (r#"{"value": 1e-400}"#, "value", "too small to keep"),
            (r#"{"value": 0.1000000000000000000001}"#, "value", "stored as 0.1)"),
            (
                r#"{"attributes": [{"key": "a", "value": 1}, {"key": "b", "value": 2.00000000000000000001}]}"#,
                "attributes[1].value",
                "more digits",
            ),
            (r#"{"customFields": {"acct": 123456789012345678901234}}"#, "customFields.acct", "too large"),
            (r#"{"input": {"list": [1, 2, 3.0000000000000000001]}}"#, "input.list[2]", "more digits"),
            ("1e999", "", "out of range"),
        ];
        for (text, field, rule) in cases {
            let found = first_inexact(text).unwrap_or_else(|| panic!("{text} passed"));
            let said = found.advised();
            assert_eq!(found.path, field, "{text}");
            assert!(said.contains(rule), "{text}: {said}");
        }
    }

    #[test]
    fn broken_json_is_left_to_the_parser() {
        assert_eq!(first_inexact(r#"{"a": "unclosed"#), None);
        assert_eq!(first_inexact(r#"{"a": 1.2.3}"#), None);
    }
}
