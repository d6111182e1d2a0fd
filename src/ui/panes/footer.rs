//! The bottom line: what is being typed, else the latest message, else the
//! keys of the focused pane, from the same keymap the help screen reads.
//! And the banner under the header, for trouble that lasts.

use super::command_line;
use crate::ui::app::{App, Level, ListId, Overlay};
use crate::ui::keymap::{Context, Verb};
use crate::ui::theme::Role;
use crate::ui::widgets::fit::{fit, tail, width, wrap};
use crate::ui::widgets::hints;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    if area.height == 0 {
        return;
    }
    let theme = &app.theme;
    let line = match app.overlays.last() {
        Some(Overlay::Filter(prompt)) => {
            let error = filter_error(app, prompt.list);
            // A pattern wider than the line shows its typed end, by the
            // cursor; what is wrong with it keeps at least half the line.
            let room = usize::from(area.width).saturating_sub(2);
            let typed_room = match &error {
                Some(error) => room.saturating_sub(width(error) + 2).max(room / 2),
                None => room,
            };
            let mut spans = vec![
                Span::styled("/", theme.style(Role::Key)),
                Span::raw(tail(&prompt.input, typed_room).into_owned()),
                Span::styled("▏", theme.style(Role::Accent)),
            ];
            match error {
                Some(error) => {
                    spans.push(Span::styled(format!("  {error}"), theme.style(Role::Error)));
                    spans.push(Span::styled(
                        " · Enter keeps only a pattern that compiles · Esc undoes",
                        theme.style(Role::Muted),
                    ));
                }
                None => {
                    // The prompt opens empty: ↑ is how to edit the filter in force.
                    let lead = if prompt.input.is_empty() && !prompt.before.is_empty() {
                        format!("  ↑ recalls {} · ", prompt.before)
                    } else {
                        "  ".to_string()
                    };
                    spans.push(Span::styled(
                        format!("{lead}re: for a regex, cell by cell · ! inverts · Enter keeps · Esc undoes"),
                        theme.style(Role::Muted),
                    ));
                }
            }
            Line::from(spans)
        }
        Some(Overlay::Palette(palette)) => {
            let lines = command_line::lines(app, palette, usize::from(area.width), usize::from(area.height));
            frame.render_widget(ratatui::widgets::Paragraph::new(lines), area);
            return;
        }
        Some(Overlay::Confirm(_)) => Line::from(vec![
            Span::styled(" y/Enter", theme.style(Role::Key)),
            Span::styled(" send  ", theme.style(Role::Muted)),
            Span::styled("n/Esc", theme.style(Role::Key)),
            Span::styled(" back to the form", theme.style(Role::Muted)),
        ]),
        _ => match &app.flash {
            Some(flash) => {
                let role = match flash.level {
                    Level::Info => Role::Text,
                    Level::Ok => Role::Ok,
                    Level::Warn => Role::Warn,
                    Level::Error => Role::Error,
                };
                let room = usize::from(area.width.max(1));
                let mut parts = wrap(&flash.text, room);
                let shown = usize::from(area.height).max(1);
                if parts.len() > shown {
                    parts.truncate(shown);
                    if let Some(last) = parts.last_mut() {
                        *last = fit(&format!("{last} …"), room).into_owned();
                    }
                }
                let lines: Vec<Line> =
                    parts.into_iter().map(|p| Line::from(Span::styled(p, theme.style(role)))).collect();
                frame.render_widget(ratatui::widgets::Paragraph::new(lines), area);
                return;
            }
            None => hints(app, usize::from(area.width)),
        },
    };
    frame.render_widget(line, area);
}

fn filter_error(app: &App, list: ListId) -> Option<String> {
    let filter = match list {
        ListId::Agents => app.agents.filter(),
        ListId::Interactions => app.interactions.filter(),
        ListId::Campaigns => app.campaigns.filter(),
        ListId::Contacts => app.contacts.filter(),
        ListId::DataActions => app.data_actions.filter(),
        ListId::Audit => app.audit.filter(),
    };
    filter.error().map(str::to_string)
}

/// As many whole hints as fit, the focused pane's own first; help is always
/// last on the line and, with a form's review and cancel, the last to go.
fn hints(app: &App, room: usize) -> Line<'static> {
    let theme = &app.theme;
    if let Some(keys) = question_keys(app) {
        let spans = keys.iter().flat_map(|(keys, label)| {
            [
                Span::styled(format!(" {keys}"), theme.style(Role::Key)),
                Span::styled(format!(" {label} "), theme.style(Role::Muted)),
            ]
        });
        return Line::from(spans.collect::<Vec<_>>());
    }
    let context = app.context();
    let list = (context == Context::Table).then(|| app.focused_list());
    let all = app.keymap.hints_for(context, app.session.read_only, list);
    let form = match app.overlays.last() {
        Some(Overlay::Form(form)) => Some(form),
        _ => None,
    };
    let copies = app.overlays.last().is_none_or(Overlay::copies);
    let all = all
        .into_iter()
        .filter(|h| form.is_none_or(|form| form.offers(h.verb)))
        .filter(|h| copies || h.verb != Verb::Copy);
    let (help, rest): (Vec<_>, Vec<_>) = all.partition(|h| h.verb == Verb::Help);
    let all: Vec<_> = rest.into_iter().chain(help).collect();
    // The focused pane's own hints lead, so the later go first; help, and a
    // form's review and cancel, go last.
    let costs: Vec<(usize, u8)> = all
        .iter()
        .map(|h| {
            let rank = u8::from(!matches!(h.verb, Verb::Help | Verb::FormSubmit | Verb::FormCancel));
            (width(&h.keys) + width(&h.label) + 3, rank)
        })
        .collect();
    let kept = hints::keep(&costs, room);
    let spans = all.into_iter().zip(kept).filter(|(_, kept)| *kept).flat_map(|(hint, _)| {
        [
            Span::styled(format!(" {}", hint.keys), theme.style(Role::Key)),
            Span::styled(format!(" {} ", hint.label), theme.style(Role::Muted)),
        ]
    });
    Line::from(spans.collect::<Vec<_>>())
}

/// The fixed keys of a question on screen (quit with changes in flight,
/// discard a typed form), which no keymap changes: the line names those
/// rather than the keymap's keys underneath.
fn question_keys(app: &App) -> Option<&'static [(&'static str, &'static str)]> {
    match app.overlays.last() {
        Some(Overlay::ConfirmQuit) if !app.sent.unfinished_batches().is_empty() => {
            Some(&[("y/Enter/Ctrl-c", "quit when done"), ("c", "skip the rest and quit"), ("n/Esc", "stay")])
        }
        Some(Overlay::ConfirmQuit) => Some(&[("y/Enter/Ctrl-c", "quit"), ("n/Esc", "stay")]),
        Some(Overlay::Form(form)) if form.discarding => {
            Some(&[("y", "discard"), ("n/Enter/Esc", "keep editing")])
        }
        _ => None,
    }
}

/// The banner over the lines the layout gave it, wrapped; the last line
/// that fits ends in "…" when the sentence is longer still.
pub fn draw_banner(frame: &mut Frame, area: Rect, app: &App) {
    let Some(text) = app.banner() else { return };
    let style = app.theme.style(Role::Error);
    let columns = usize::from(area.width.saturating_sub(1)).max(1);
    let rows = usize::from(area.height);
    let mut lines = wrap(&text, columns);
    if lines.len() > rows {
        let rest = lines.split_off(rows.saturating_sub(1)).join(" ");
        lines.push(rest);
    }
    let lines: Vec<Line> = lines
        .iter()
        .map(|line| {
            Line::from(Span::styled(fit(&format!(" {line}"), usize::from(area.width)).into_owned(), style))
        })
        .collect();
    frame.render_widget(ratatui::widgets::Paragraph::new(lines), area);
}
