//! Fitting text into cells: by display width, cut at a word where that
//! loses little, with an ellipsis so a cut never passes for the whole.

use ratatui::text::Span;
use std::borrow::Cow;

/// Columns `text` takes on screen.
pub fn width(text: &str) -> usize {
    Span::raw(text).width()
}

/// `text` in at most `max` columns.
pub fn fit(text: &str, max: usize) -> Cow<'_, str> {
    shorten(text, max, true)
}

/// Whether `text` takes at most `max` columns, found by measuring no more
/// of it than could: a text of megabytes is fitted into a cell at each
/// frame, and measuring it whole would cost that at each.
fn fits(text: &str, max: usize) -> bool {
    // No character takes more columns than it has bytes.
    if text.len() <= max {
        return true;
    }
    // Past this many characters, only characters that take no column at all
    // could keep it within `max`: a text like that is cut as any other.
    let most = max.saturating_mul(4).saturating_add(16);
    match text.char_indices().nth(most) {
        Some(_) => false,
        None => width(text) <= max,
    }
}

/// `text` in at most `max` columns, cut at the last column that leaves room
/// for the ellipsis rather than at a word: for names and commands that
/// differ near their end, every column tells.
pub fn clip(text: &str, max: usize) -> Cow<'_, str> {
    shorten(text, max, false)
}

fn shorten(text: &str, max: usize, at_word: bool) -> Cow<'_, str> {
    if fits(text, max) {
        return Cow::Borrowed(text);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    // The longest prefix that leaves a column for the ellipsis.
    let mut end = 0;
    let mut used = 0;
    for (i, c) in text.char_indices() {
        let w = width(&text[i..i + c.len_utf8()]);
        if used + w > max - 1 {
            break;
        }
        used += w;
        end = i + c.len_utf8();
    }
    let cut = &text[..end];
    // Prefer ending on a whole word when that keeps most of the room.
    let cut = match cut.rfind(' ') {
        Some(space) if at_word && space * 3 >= end * 2 => cut[..space].trim_end(),
        _ => cut,
    };
    Cow::Owned(format!("{cut}…"))
}

/// The end of `text` in at most `max` columns, an ellipsis first where its
/// start is cut: for a line being typed, whose end is where the cursor is.
/// Measured from the end, so a long text costs what shows of it.
pub fn tail(text: &str, max: usize) -> Cow<'_, str> {
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut start = text.len();
    let mut used = 0;
    for (i, c) in text.char_indices().rev() {
        let w = width(&text[i..i + c.len_utf8()]);
        if used + w > max {
            // Cut: the ellipsis takes a column of what was kept.
            let mut kept = &text[start..];
            while width(kept) + 1 > max {
                let Some(first) = kept.chars().next() else { break };
                kept = &kept[first.len_utf8()..];
            }
            return Cow::Owned(format!("…{kept}"));
        }
        used += w;
        start = i;
    }
    Cow::Borrowed(text)
}

/// `text` padded or cut to exactly `columns`.
pub fn pad(text: &str, columns: usize) -> String {
    let fitted = fit(text, columns);
    let gap = columns.saturating_sub(width(&fitted));
    format!("{fitted}{}", " ".repeat(gap))
}

/// `text` in lines of at most `columns`, broken between words; a word
/// longer than a line is broken where the line ends.
pub fn wrap(text: &str, columns: usize) -> Vec<String> {
    let columns = columns.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let needed = if line.is_empty() { width(word) } else { width(&line) + 1 + width(word) };
        if needed <= columns {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            let mut buf = [0; 4];
            if width(&line) + width(c.encode_utf8(&mut buf)) > columns {
                lines.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `text` wrapped at words into `columns`, each line after the first
/// indented by `hang` (a list of "14:02:09  what happened").
pub fn hanging(text: &str, columns: usize, hang: usize) -> Vec<String> {
    let hang = hang.min(columns / 2);
    let Some((at, _)) = text.char_indices().nth(hang) else { return vec![text.to_string()] };
    let (lead, rest) = text.split_at(at);
    let indent = " ".repeat(width(lead));
    wrap(rest, columns - width(lead))
        .into_iter()
        .enumerate()
        .map(|(i, line)| format!("{}{line}", if i == 0 { lead } else { &indent }))
        .collect()
}

/// `text` cut into pieces of at most `columns`, spaces kept (for text
/// whose indentation means something, such as JSON).
pub fn chunks(text: &str, columns: usize) -> Vec<String> {
    let columns = columns.max(1);
    let mut pieces = vec![String::new()];
    let mut used = 0;
    for c in text.chars() {
        let mut buf = [0; 4];
        let w = width(c.encode_utf8(&mut buf));
        if used + w > columns {
            pieces.push(String::new());
            used = 0;
        }
        if let Some(last) = pieces.last_mut() {
            last.push(c);
        }
        used += w;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hanging_lines_wrap_at_words_under_the_first() {
        let lines = hanging("21:50:34  applied: QaAction is now at version 2.0.0-beta+build.1", 40, 10);
        assert_eq!(lines, ["21:50:34  applied: QaAction is now at", "          version 2.0.0-beta+build.1"]);
    }

    #[test]
    fn short_text_stays_whole() {
        assert_eq!(fit("Billing", 7), "Billing");
    }

    #[test]
    fn long_text_ends_on_a_word_with_an_ellipsis() {
        assert_eq!(fit("Technical Support Tier 2", 20), "Technical Support…");
        assert_eq!(fit("Supercalifragilistic", 8), "Superca…");
        assert_eq!(fit("anything", 1), "…");
        assert_eq!(fit("anything", 0), "");
    }

    /// A text far longer than its room is fitted by looking at its start,
    /// as a short one is, and says it was cut.
    #[test]
    fn a_text_of_a_megabyte_is_fitted_by_its_start() {
        let long = "Ana ".repeat(250_000);
        assert_eq!(fit(&long, 12), "Ana Ana Ana…");
        assert_eq!(clip(&long, 12), "Ana Ana Ana…");
        assert_eq!(pad(&long, 5), "Ana… ");
        assert_eq!(fit(&"李".repeat(300_000), 5), "李李…");
    }

    #[test]
    fn clipping_uses_every_column_it_has() {
        assert_eq!(clip("state Break Coaching Session", 24), "state Break Coaching Se…");
        assert_eq!(clip("agent 李小龙", 10), "agent 李…");
        assert_eq!(clip("Lunch", 24), "Lunch");
    }

    #[test]
    fn wrapping_breaks_between_words_and_inside_only_long_ones() {
        assert_eq!(
            wrap("Books a callback slot when the queue is long", 16),
            ["Books a callback", "slot when the", "queue is long"]
        );
        assert_eq!(wrap("4d0a6b8c-2e3f-4c9d", 8), ["4d0a6b8c", "-2e3f-4c", "9d"]);
        assert_eq!(wrap("", 8), [""]);
    }

    #[test]
    fn chunks_keep_indentation() {
        assert_eq!(chunks("    \"hash\": \"abcdef\"", 10), ["    \"hash\"", ": \"abcdef\""]);
        assert_eq!(chunks("", 10), [""]);
    }

    #[test]
    fn a_tail_keeps_the_end_and_says_the_start_is_cut() {
        assert_eq!(tail("attr note=x", 20), "attr note=x");
        assert_eq!(tail("attr note=x", 6), "…ote=x");
        assert_eq!(tail("李小龙", 4), "…龙");
        assert_eq!(tail("李小龙", 5), "…小龙");
        assert_eq!(tail("abc", 1), "…");
        assert_eq!(tail("abc", 0), "");
    }

    #[test]
    fn wide_characters_count_double() {
        assert_eq!(width("李小龙"), 6);
        assert_eq!(fit("李小龙", 5), "李小…");
        assert_eq!(pad("ab", 4), "ab  ");
    }
}
