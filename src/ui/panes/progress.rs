//! The progress of the batch in flight: how far it got, what it waits on
//! (a campaign the tenant paused, a call tried again), and the key that
//! stops it, while one does. A single change shows here only while it waits.

use super::format;
use crate::engine::CommandId;
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
/// The least of a change's name kept when what it waits on takes the room.
const LEAST_LABEL: usize = 12;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let now = app.clock.mono;
    let batches: Vec<_> = app.sent.on_progress_line(now).collect();
    // What holds a change back is the news: the newest change waiting comes
    // first, else the newest batch.
    let waits = |id: &CommandId| app.sent.waiting_on(id, now);
    let shown = batches.iter().rev().find(|(id, _)| waits(id).is_some()).or(batches.last());
    let Some(&(id, progress)) = shown else { return };
    let label = app.sent.label(id);
    let waiting = waits(id).map(|w| format!(" {} ", w.wait.describe(w.ends.saturating_sub(now))));
    let counts =
        format!(" {}/{} ", format::count(progress.done as u64), format::count(progress.total as u64));
    let more = match batches.len() {
        1 => String::new(),
        n => format!(" (+{} more)", n - 1),
    };
    // Only a key that cancels where the keys are now is named, and only
    // while it would: a batch cancelled already says so instead, as its
    // count leaps over the targets it skips. A single change is not
    // cancelled by that key: only batches are.
    let tail = match app.live_way(Verb::CancelBatch).filter(|_| progress.total > 1) {
        _ if app.sent.cancelled(id) => format!(" cancelled: the targets not started are skipped{more}"),
        Some(cancel) => format!(" {cancel} cancels{more}"),
        None => more,
    };
    let room = usize::from(area.width);
    let bar_width = (room / 3).clamp(10, MOST_BAR);
    let free = room.saturating_sub(bar_width + width(&counts) + width(&tail) + 3);
    let wait_room =
        waiting.as_deref().map_or(0, |w| width(w).min(free.saturating_sub(width(label).min(LEAST_LABEL))));
    let label_room = free - wait_room;
    let ratio = progress.done as f64 / progress.total.max(1) as f64;
    let mut spans = vec![Span::styled(format!(" {} ", fit(label, label_room)), theme.style(Role::Text))];
    spans.extend(bar(ratio, bar_width, theme.style(Role::Accent), theme.style(Role::Muted)));
    spans.push(Span::styled(counts, theme.style(Role::Title)));
    if let Some(waiting) = &waiting {
        spans.push(Span::styled(fit(waiting, wait_room).into_owned(), theme.style(Role::Warn)));
    }
    spans.push(Span::styled(tail, theme.style(Role::Muted)));
    frame.render_widget(Line::from(spans), area);
}
