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
    if width(text) <= max {
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
        Some(space) if space * 3 >= end * 2 => cut[..space].trim_end(),
        _ => cut,
    };
    Cow::Owned(format!("{cut}…"))
}

/// `text` padded or cut to exactly `columns`.
pub fn pad(text: &str, columns: usize) -> String {
    let fitted = fit(text, columns);
    let gap = columns.saturating_sub(width(&fitted));
    format!("{fitted}{}", " ".repeat(gap))
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn wide_characters_count_double() {
        assert_eq!(width("李小龙"), 6);
        assert_eq!(fit("李小龙", 5), "李小…");
        assert_eq!(pad("ab", 4), "ab  ");
    }
}
