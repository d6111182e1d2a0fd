//! A one-line gauge: a bar filled to a ratio.

use ratatui::style::Style;
use ratatui::text::Span;

/// `columns` cells, the first `ratio` of them filled. A ratio above zero
/// always fills at least one cell, so a small error rate never looks like none.
pub fn bar(ratio: f64, columns: usize, filled: Style, empty: Style) -> [Span<'static>; 2] {
    let ratio = if ratio.is_finite() { ratio.clamp(0.0, 1.0) } else { 0.0 };
    let mut full = (ratio * columns as f64).round() as usize;
    if ratio > 0.0 {
        full = full.max(1);
    }
    let full = full.min(columns);
    [Span::styled("█".repeat(full), filled), Span::styled("░".repeat(columns - full), empty)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_fill_to_the_ratio_and_never_hide_a_small_one() {
        let s = Style::new();
        let [f, e] = bar(0.25, 8, s, s);
        assert_eq!((f.content.as_ref(), e.content.as_ref()), ("██", "░░░░░░"));
        let [f, _] = bar(0.001, 8, s, s);
        assert_eq!(f.content, "█");
        let [f, e] = bar(f64::NAN, 4, s, s);
        assert_eq!((f.content.as_ref(), e.content.as_ref()), ("", "░░░░"));
    }
}
