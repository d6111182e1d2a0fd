//! The `:` command line at the foot of the screen: what is typed, kept in
//! view at its end where the cursor is however long the line grows, and
//! why the last Enter was refused, kept in view beside it or under it.

use crate::ui::app::{App, Palette};
use crate::ui::theme::Role;
use crate::ui::widgets::fit::{fit, tail, width, wrap};
use ratatui::text::{Line, Span};

/// What the line says when nothing was refused.
const KEYS: &str = "  Tab completes · ↑↓ choose · Enter runs · Esc closes";
/// The least of the typed end kept beside a refusal on one line.
const LEAST_TYPED: usize = 16;
/// The keys are left out rather than cut shorter than this.
const LEAST_KEYS: usize = 12;

/// The command line in `room` columns and at most `most` lines: one, unless
/// a refusal does not fit beside the typed end, when it goes under it.
pub fn lines(app: &App, palette: &Palette, room: usize, most: usize) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let line = |typed: &str, note: Span<'static>| {
        Line::from(vec![
            Span::styled(":", theme.style(Role::Key)),
            Span::raw(typed.to_owned()),
            Span::styled("▏", theme.style(Role::Accent)),
            note,
        ])
    };
    let input = palette.input.as_str();
    // The prompt and the cursor.
    let room = room.max(3);
    let typed_room = room - 2;
    let Some(error) = &palette.error else {
        let typed = tail(input, typed_room);
        let left = typed_room - width(&typed);
        let keys = if left >= LEAST_KEYS { fit(KEYS, left).into_owned() } else { String::new() };
        return vec![line(&typed, Span::styled(keys, theme.style(Role::Muted)))];
    };
    let error_style = theme.style(Role::Error);
    let note = format!("  {error}");
    if width(input) + width(&note) <= typed_room {
        return vec![line(input, Span::styled(note, error_style))];
    }
    if most > 1 {
        // The whole line for what is typed, the reason on the lines under it.
        let mut parts = wrap(error, room);
        if parts.len() > most - 1 {
            parts.truncate(most - 1);
            if let Some(last) = parts.last_mut() {
                *last = fit(&format!("{last} …"), room).into_owned();
            }
        }
        let mut lines = vec![line(&tail(input, typed_room), Span::raw(""))];
        lines.extend(parts.into_iter().map(|part| Line::from(Span::styled(part, error_style))));
        return lines;
    }
    // One line for both: the typed end keeps a part, the reason the rest.
    let kept = width(input).min(LEAST_TYPED.max(typed_room / 4)).min(typed_room);
    let note = fit(&note, typed_room - kept).into_owned();
    let typed = tail(input, typed_room - width(&note));
    vec![line(&typed, Span::styled(note, error_style))]
}
