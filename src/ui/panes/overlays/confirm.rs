//! The confirmation: the question, what is large or final about it, and
//! every target with its state before and after.

use crate::ui::app::App;
use crate::ui::forms::Plan;
use crate::ui::theme::Role;
use crate::ui::widgets::fit::{width, wrap};
use ratatui::text::{Line, Span};

pub(super) fn lines(app: &App, plan: &Plan, room: usize) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let mut lines = Vec::new();
    for part in wrap(&plan.title, room) {
        lines.push(Line::from(Span::styled(part, theme.style(Role::Title))));
    }
    if let Some(warning) = &plan.warning {
        for part in wrap(&format!("⚠ {warning}"), room) {
            lines.push(Line::from(Span::styled(part, theme.style(Role::Warn))));
        }
    }
    for also in &plan.also {
        for (i, part) in wrap(also, room.saturating_sub(7)).into_iter().enumerate() {
            let lead = if i == 0 { "  with " } else { "       " };
            lines.push(Line::from(vec![
                Span::styled(lead, theme.style(Role::Muted)),
                Span::styled(part, theme.style(Role::Text)),
            ]));
        }
    }
    lines.push(Line::default());
    for line in &plan.lines {
        let entity = format!("{}: ", line.entity);
        if width(&entity) + width(&line.before) + width(" → ") + width(&line.after) <= room {
            lines.push(Line::from(vec![
                Span::styled(entity, theme.style(Role::Text)),
                Span::styled(line.before.clone(), theme.style(Role::Muted)),
                Span::styled(" → ", theme.style(Role::Accent)),
                Span::styled(line.after.clone(), theme.style(Role::Ok)),
            ]));
        } else {
            // Too long for one line (a handler's URL): before and after
            // each on their own, wrapped, so nothing is cut off.
            for part in wrap(entity.trim_end(), room) {
                lines.push(Line::from(Span::styled(part, theme.style(Role::Text))));
            }
            for (lead, text, role) in [("    ", &line.before, Role::Muted), ("  → ", &line.after, Role::Ok)]
            {
                for (i, part) in wrap(text, room.saturating_sub(4)).into_iter().enumerate() {
                    let lead = if i == 0 { lead } else { "    " };
                    lines.push(Line::from(vec![
                        Span::styled(lead, theme.style(Role::Accent)),
                        Span::styled(part, theme.style(role)),
                    ]));
                }
            }
        }
        if let Some(note) = &line.note {
            for part in wrap(note, room.saturating_sub(4)) {
                lines.push(Line::from(Span::styled(format!("    {part}"), theme.style(Role::Warn))));
            }
        }
    }
    lines
}

/// The keys a confirmation takes; they are fixed, so no keymap can make a
/// stray key send a change.
pub(super) fn keys(app: &App) -> Line<'static> {
    let theme = &app.theme;
    Line::from(vec![
        Span::raw(" "),
        Span::styled("y/Enter", theme.style(Role::Key)),
        Span::styled(" send · ", theme.style(Role::Muted)),
        Span::styled("n/Esc", theme.style(Role::Key)),
        Span::styled(" back to the form · ", theme.style(Role::Muted)),
        Span::styled("j/k", theme.style(Role::Key)),
        Span::styled(" scroll ", theme.style(Role::Muted)),
    ])
}
