//! Where a batch file's lines end: at a line feed, and at a carriage return
//! on its own too (the line ends of old Mac files, or a stray one).

use std::borrow::Cow;

/// Every carriage return not followed by a line feed made one, since every
/// count of lines goes by line feeds: otherwise a file of such lines would
/// read as one (a comment swallowing every change), or rows would share a
/// line number, and with it the id their changes are known by.
///
/// With `quoted_cells` (CSV), one inside a quoted cell stays the cell's.
/// Without (JSON lines), none is inside a string: JSON escapes them there,
/// and reads one outside as a blank.
pub(super) fn lone_carriage_returns_as_line_feeds(text: &str, quoted_cells: bool) -> Cow<'_, str> {
    let lone = text.match_indices('\r').any(|(at, _)| text.as_bytes().get(at + 1) != Some(&b'\n'));
    if !lone {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let (mut quoted, mut at_cell_start) = (false, true);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                out.push_str("\"\"");
                continue;
            }
            '"' if quoted => quoted = false,
            '"' if quoted_cells && at_cell_start => quoted = true,
            '\r' if !quoted && chars.peek() != Some(&'\n') => {
                out.push('\n');
                at_cell_start = true;
                continue;
            }
            _ => {}
        }
        out.push(c);
        at_cell_start = !quoted && matches!(c, ',' | '\n' | '\r');
    }
    Cow::Owned(out)
}
