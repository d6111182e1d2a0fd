//! The progress of the batch in flight: how far it got, and the key that
//! stops it, while one does.

use super::format;
use crate::ui::app::App;
use crate::ui::keymap::Verb;
use crate::ui::theme::Role;
use crate::ui::widgets::bar::bar;
use crate::ui::widgets::fit::{fit, width};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// The widest the bar grows.
const MOST_BAR: usize = 40;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let batches: Vec<_> = app.sent.in_flight().filter(|(_, p)| p.total > 1).collect();
    let Some(&(id, progress)) = batches.last() else { return };
    let label = app.sent.label(id);
    let counts =
        format!(" {}/{} ", format::count(progress.done as u64), format::count(progress.total as u64));
    let more = match batches.len() {
        1 => String::new(),
        n => format!(" (+{} more)", n - 1),
    };
    // Only a key that cancels where the keys are now is named.
    let tail = match app.live_way(Verb::CancelBatch) {
        Some(cancel) => format!(" {cancel} cancels{more}"),
        None => more,
    };
    let room = usize::from(area.width);
    let bar_width = (room / 3).clamp(10, MOST_BAR);
    let label_room = room.saturating_sub(bar_width + width(&counts) + width(&tail) + 3);
    let ratio = progress.done as f64 / progress.total.max(1) as f64;
    let mut spans = vec![Span::styled(format!(" {} ", fit(label, label_room)), theme.style(Role::Text))];
    spans.extend(bar(ratio, bar_width, theme.style(Role::Accent), theme.style(Role::Muted)));
    spans.push(Span::styled(counts, theme.style(Role::Title)));
    spans.push(Span::styled(tail, theme.style(Role::Muted)));
    frame.render_widget(Line::from(spans), area);
}
