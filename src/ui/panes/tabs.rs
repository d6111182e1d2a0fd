//! The entity panes as tabs in the top border of the main table. Every
//! pane is named when the border has room beside the counts on its right;
//! short of room, the spacing tightens, then the other panes go by short
//! names, then by their numbers, and at the narrowest only the current pane
//! shows. Whatever is chosen fits whole: the counts drawn over the border's
//! right end never cover a name.

use crate::ui::app::{App, PaneId};
use crate::ui::theme::Role;
use crate::ui::widgets::fit::{fit, width};
use ratatui::text::{Line, Span};

/// How the panes other than the current one are written.
#[derive(Debug, Clone, Copy)]
enum Others {
    Named,
    Short,
    Numbered,
    Hidden,
}

/// From the most telling to the most compact, with the gap between tabs.
const STEPS: [(Others, &str); 7] = [
    (Others::Named, "  "),
    (Others::Named, " "),
    (Others::Short, "  "),
    (Others::Short, " "),
    (Others::Numbered, "  "),
    (Others::Numbered, " "),
    (Others::Hidden, ""),
];

/// The tabs in at most `room` columns.
pub fn line(app: &App, room: usize) -> Line<'static> {
    for (others, gap) in STEPS {
        let spans = spans(app, others, gap);
        if spans.iter().map(|s| width(&s.content)).sum::<usize>() <= room {
            return Line::from(spans);
        }
    }
    // Not even the current pane's name fits with its padding.
    let current = format!("{} {}", app.main.number(), app.main.title());
    Line::from(Span::styled(fit(&current, room).into_owned(), app.theme.style(Role::Accent)))
}

fn spans(app: &App, others: Others, gap: &'static str) -> Vec<Span<'static>> {
    let mut spans = vec![Span::raw(" ")];
    for pane in PaneId::ENTITIES {
        let current = pane == app.main;
        let text = match others {
            _ if current => format!("{} {}", pane.number(), pane.title()),
            Others::Named => format!("{} {}", pane.number(), pane.title()),
            Others::Short => format!("{} {}", pane.number(), pane.short_title()),
            Others::Numbered => pane.number().to_string(),
            Others::Hidden => continue,
        };
        if spans.len() > 1 {
            spans.push(Span::raw(gap));
        }
        let role = if current { Role::Accent } else { Role::Muted };
        spans.push(Span::styled(text, app.theme.style(role)));
    }
    spans.push(Span::raw(" "));
    spans
}
