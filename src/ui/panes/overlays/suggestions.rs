//! The command line's suggestions, in a box just above it: each one whole,
//! what it does beside it, wrapped rather than cut where the screen is
//! narrow.

use crate::ui::app::palette::{self, Suggestion};
use crate::ui::app::{App, Palette};
use crate::ui::theme::Role;
use crate::ui::widgets::cover::cover;
use crate::ui::widgets::fit::{chunks, pad, width, wrap};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// The most the suggestions' column takes of the box: the descriptions
/// keep the rest.
const MOST_COLUMN: usize = 28;

/// Draws the box over `bounds`, its foot on the line above `footer`.
pub(super) fn draw(frame: &mut Frame, (footer, bounds): (Rect, Rect), app: &App, line: &Palette) {
    let theme = &app.theme;
    let scope = palette::scope(app);
    let found = palette::suggestions(&line.input, &scope);
    if found.is_empty() || footer.y < 3 || footer.width < 4 {
        return;
    }
    let selected = line.selected.min(found.len() - 1);
    // As wide as the longest suggestion and description need, up to the
    // screen's width, and a column to spare before the border.
    let inner = usize::from(footer.width - 3);
    let widest_desc = found.iter().map(|s| width(&s.desc)).max().unwrap_or(0);
    let column = column(&found, inner);
    let room = (column + 1 + widest_desc).min(inner);
    let entries: Vec<Vec<String>> = found.iter().map(|s| entry(s, column, room)).collect();
    let total: usize = entries.iter().map(Vec::len).sum();
    let height = u16::try_from(total).unwrap_or(u16::MAX).saturating_add(2).min(footer.y);
    let shown = usize::from(height - 2);
    // The selected suggestion is kept in view, all its lines.
    let start: usize = entries[..selected].iter().map(Vec::len).sum();
    let end = start + entries[selected].len();
    let scroll = end.saturating_sub(shown).min(start);
    let lines: Vec<Line> = entries
        .into_iter()
        .enumerate()
        .flat_map(|(i, parts)| {
            let role = if i == selected { Role::Selection } else { Role::Text };
            parts.into_iter().map(move |part| (part, role))
        })
        .skip(scroll)
        .take(shown)
        .map(|(part, role)| Line::from(Span::styled(pad(&part, room + 1), theme.style(role))))
        .collect();
    let width = u16::try_from(room).unwrap_or(u16::MAX).saturating_add(3);
    let area = Rect { x: footer.x, y: footer.y - height, width, height };
    let block = Block::bordered().border_style(theme.style(Role::BorderFocus));
    cover(frame.buffer_mut(), area, bounds, theme.base());
    frame.render_widget(Paragraph::new(lines).style(theme.base()).block(block), area);
}

/// The suggestions' column on a screen `inner` columns wide: as wide as
/// the longest of them, so every description starts in line with the
/// others, up to a share that leaves the descriptions most of the box.
fn column(found: &[Suggestion], inner: usize) -> usize {
    let widest = found.iter().map(|s| width(&s.line)).max().unwrap_or(0);
    widest.min(MOST_COLUMN).min(inner / 2)
}

/// One suggestion's lines: the suggestion with the start of its
/// description beside it, the rest of the description wrapped under that.
/// A suggestion longer than its column takes lines of its own first.
fn entry(suggestion: &Suggestion, column: usize, room: usize) -> Vec<String> {
    let desc = wrap(&suggestion.desc, room.saturating_sub(column + 1).max(1));
    let indent = " ".repeat(column + 1);
    let mut lines = Vec::new();
    let mut desc = desc.into_iter();
    if width(&suggestion.line) <= column {
        let first = desc.next().unwrap_or_default();
        lines.push(format!("{} {first}", pad(&suggestion.line, column)));
    } else {
        lines.extend(chunks(&suggestion.line, room));
    }
    lines.extend(desc.filter(|part| !part.is_empty()).map(|part| format!("{indent}{part}")));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suggestion(line: &str, desc: &str) -> Suggestion {
        Suggestion { line: line.into(), desc: desc.into() }
    }

    #[test]
    fn a_long_description_wraps_under_its_column() {
        let lines = entry(&suggestion("state ", "Set the selected or marked agents' state"), 8, 30);
        assert_eq!(lines, ["state    Set the selected or", "         marked agents' state"]);
    }

    #[test]
    fn a_suggestion_wider_than_its_column_takes_a_line_of_its_own() {
        let lines = entry(&suggestion("state Break Coaching Session", "pause reason"), 12, 40);
        assert_eq!(lines, ["state Break Coaching Session", "             pause reason"]);
    }
}
