//! Making text from a server safe to show: no control characters that could
//! drive a terminal, no marks that reorder what is shown around them, and
//! short enough to fit a status line.

/// Longest server message kept in an error.
pub const MAX_MESSAGE_CHARS: usize = 500;
/// Longest excerpt of an undecodable body kept in an error.
pub const MAX_EXCERPT_CHARS: usize = 120;

/// Whether `c` must not reach a terminal as it is: a control character (C0
/// and C1 alike: ESC, BEL, CR, the one-byte CSI), or a bidirectional
/// override, embedding, isolate or mark, with which a name can show its
/// characters, and what follows it on the line, in an order other than
/// the one they have (the "Trojan Source" marks).
pub fn unsafe_to_show(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with the characters unsafe to show replaced by spaces, and cut to
/// `max` characters (an ellipsis marks the cut).
pub fn sanitize(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max * 4));
    for (i, c) in text.trim().chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        out.push(if unsafe_to_show(c) { ' ' } else { c });
    }
    out
}

/// Serialized JSON with every character unsafe to show inside its strings
/// written as a `\u` escape: the same JSON to a program, nothing to drive
/// the terminal it is printed on. serde_json escapes C0 controls itself but
/// writes C1 controls and bidirectional marks as they are; outside strings
/// JSON has no such character, and a raw line feed is its own layout.
pub fn json_safe_to_show(json: String) -> String {
    let escaped = |c: char| unsafe_to_show(c) && c != '\n';
    if !json.chars().any(escaped) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 32);
    for c in json.chars() {
        if escaped(c) {
            // Every character of the rule is in the basic plane: one escape.
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// The start of a body as readable text, whatever its bytes.
pub fn excerpt(body: &[u8]) -> String {
    // Decoding a prefix keeps a huge body from being copied just to be cut.
    let prefix = &body[..body.len().min(MAX_EXCERPT_CHARS * 4)];
    let text = String::from_utf8_lossy(prefix);
    let cut = sanitize(&text, MAX_EXCERPT_CHARS);
    if cut.is_empty() { "(empty body)".to_string() } else { cut }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_reach_the_terminal() {
        assert_eq!(sanitize("bad\u{1b}[31m\r\nthing", 50), "bad [31m  thing");
        assert_eq!(sanitize("one-byte \u{9b}31m CSI", 50), "one-byte  31m CSI");
    }

    #[test]
    fn bidirectional_overrides_never_reorder_what_is_shown() {
        assert_eq!(sanitize("Eve\u{202E}gnp.exe\u{2066}x\u{2069}\u{200F}", 50), "Eve gnp.exe x  ");
        assert!(!unsafe_to_show('\u{200D}'), "the joiner inside emoji sequences stays");
    }

    #[test]
    fn json_keeps_its_meaning_and_loses_what_drives_a_terminal() {
        let value = serde_json::json!({ "name": "Eve\u{9b}2J\u{202e}x\u{1b}", "n": [1, 2] });
        let json = json_safe_to_show(serde_json::to_string_pretty(&value).unwrap());
        assert!(!json.chars().any(|c| unsafe_to_show(c) && c != '\n'), "{json}");
        assert!(json.contains(r"Eve\u009b2J\u202ex\u001b"), "{json}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&json).unwrap(), value);
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis() {
        let cut = sanitize(&"x".repeat(600), MAX_MESSAGE_CHARS);
        assert_eq!(cut.chars().count(), MAX_MESSAGE_CHARS + 1);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn excerpts_survive_invalid_utf8_and_empty_bodies() {
        assert_eq!(excerpt(b""), "(empty body)");
        assert_eq!(excerpt(b"\xff\xfe<html>"), "\u{fffd}\u{fffd}<html>");
        assert!(excerpt(&[b'a'; 10_000]).chars().count() <= MAX_EXCERPT_CHARS + 1);
    }
}
