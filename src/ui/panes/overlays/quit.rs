//! The question before quitting with changes in flight.

use super::format;
use crate::ui::app::App;
use crate::ui::theme::Role;
use crate::ui::widgets::cover::cover;
use crate::ui::widgets::fit::{pad, wrap};
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// The widest the question grows.
const WIDTH: u16 = 66;
/// The keys' column.
const KEYS: usize = 16;

/// Draws the question centred in `area`, never past its edges; the cells
/// around it within `bounds` are emptied too.
pub(super) fn draw(frame: &mut Frame, (area, bounds): (Rect, Rect), app: &App) {
    let theme = &app.theme;
    let width = WIDTH.min(area.width);
    let lines = lines(app, usize::from(width.saturating_sub(2)));
    let height = u16::try_from(lines.len()).unwrap_or(u16::MAX).saturating_add(2);
    let [row] = Layout::vertical([Constraint::Length(height)]).flex(Flex::Center).areas(area);
    let [window] = Layout::horizontal([Constraint::Length(width)]).flex(Flex::Center).areas(row);
    let block = Block::bordered()
        .border_style(theme.style(Role::Warn))
        .title(Span::styled(" Quit? ", theme.style(Role::Warn)));
    cover(frame.buffer_mut(), window, bounds, theme.base());
    frame.render_widget(Paragraph::new(lines).style(theme.base()).block(block), window);
}

/// The question's lines in `room` columns, wrapped rather than cut: on a
/// narrow screen every key must still say what it does.
fn lines(app: &App, room: usize) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let n = app.sent.in_flight().count();
    let targets: usize = app.sent.in_flight().map(|(_, p)| p.total).sum();
    let (changes, them) =
        if n == 1 { ("1 change is".to_string(), "it") } else { (format!("{n} changes are"), "them") };
    // The changes may come back while the question is open.
    let still = if n == 0 {
        "Every change has come back: nothing is in flight now.".to_string()
    } else if targets > n {
        format!(
            "{changes} still in flight ({} of {} targets left).",
            format::count(app.sent.targets_left() as u64),
            format::count(targets as u64)
        )
    } else {
        format!("{changes} still in flight.")
    };
    // The keys are fixed, as at a confirmation: no keymap changes them.
    let keys_room = KEYS.min(room / 2);
    let key = |keys: &'static str, what: &str| -> Vec<Line<'static>> {
        wrap(what, room.saturating_sub(keys_room).max(1))
            .into_iter()
            .enumerate()
            .map(|(i, part)| {
                let lead = if i == 0 { pad(keys, keys_room) } else { " ".repeat(keys_room) };
                Line::from(vec![Span::styled(lead, theme.style(Role::Key)), Span::raw(part)])
            })
            .collect()
    };
    let quit = if n == 0 { "quit".to_string() } else { format!("let {them} finish, then quit") };
    let mut lines: Vec<Line<'static>> =
        [still.as_str(), "Every outcome is recorded before the console exits."]
            .into_iter()
            .flat_map(|text| wrap(text, room.max(1)))
            .map(Line::from)
            .collect();
    lines.push(Line::default());
    lines.extend(key("y/Enter/Ctrl-c", &quit));
    if !app.sent.unfinished_batches().is_empty() {
        lines.extend(key("c", "skip the targets not started yet, then quit"));
    }
    lines.extend(key("n/Esc", "stay"));
    lines
}
