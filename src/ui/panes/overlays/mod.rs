//! Windows over the panes: help, details, a record in full, the
//! per-operation breakdown, the command line's suggestions, and the
//! question before quitting with changes in flight.

mod breakdown;
mod confirm;
mod for_whom;
mod form;
mod form_foot;
mod help;

use super::detail;
use super::format;
use crate::ui::app::palette;
use crate::ui::app::{App, Overlay, Palette};
use crate::ui::keymap::{Context, Verb};
use crate::ui::theme::Role;
use crate::ui::widgets::fit::{chunks, clip, fit, hanging, width as text_width};
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

/// Draws every open window, the topmost last. A form keeps to the rows
/// between the `header` and the `footer`, which stay in view however long it is.
pub fn draw(frame: &mut Frame, area: Rect, (header, footer): (Rect, Rect), app: &App) {
    let between = Rect { y: header.bottom(), height: footer.y.saturating_sub(header.bottom()), ..area };
    for overlay in &app.overlays {
        match overlay {
            Overlay::Help { scroll }
            | Overlay::Detail { scroll, .. }
            | Overlay::AuditRecord { scroll, .. }
            | Overlay::Breakdown { scroll }
            | Overlay::Result { scroll, .. } => {
                if let Some((title, lines)) = text_of(app, overlay, area) {
                    // Help also closes the help; with neither bound, no key is named.
                    let help = matches!(overlay, Overlay::Help { .. }).then_some(Verb::Help);
                    let close = [Some(Verb::Close), help]
                        .into_iter()
                        .flatten()
                        .find_map(|verb| app.key_hint(Context::Overlay, verb));
                    let text = close.map(|key| format!(" {key} closes ")).unwrap_or_default();
                    let bottom = Line::from(Span::styled(text, app.theme.style(Role::Muted)));
                    let window = window_for(overlay, area, lines.len());
                    text_window(frame, window, app, (&title, bottom), lines, *scroll);
                }
            }
            Overlay::Confirm(confirm) => {
                if let Some((title, lines)) = text_of(app, overlay, area) {
                    let window = window_for(overlay, area, lines.len());
                    // The form under it shows above and below, but not
                    // beside it: its text there would read as the review's.
                    if let Some(Overlay::Form(under)) = app.overlays.iter().rev().nth(1) {
                        let rows = Rect { y: window.y, height: window.height, ..area };
                        let band = form::inside(between, app, under).intersection(rows);
                        frame.render_widget(Clear, band);
                        frame.render_widget(Block::new().style(app.theme.base()), band);
                    }
                    text_window(frame, window, app, (&title, confirm::keys(app)), lines, confirm.scroll);
                }
            }
            Overlay::Form(form) => form::draw(frame, between, app, form),
            Overlay::Palette(line) => suggestions(frame, footer, app, line),
            Overlay::ConfirmQuit => confirm_quit(frame, area, app),
            Overlay::Filter(_) => {}
        }
    }
}

/// How the topmost window scrolls at the screen's current size: the
/// furthest it goes, and the lines one page shows.
pub fn scrolling(app: &App) -> Scrolling {
    let area = app.area();
    let Some(top) = app.overlays.last() else { return Scrolling { limit: 0, page: 1 } };
    let Some((_, lines)) = text_of(app, top, area) else { return Scrolling { limit: 0, page: 1 } };
    let page = usize::from(window_for(top, area, lines.len()).height.saturating_sub(2)).max(1);
    Scrolling { limit: lines.len().saturating_sub(page), page }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scrolling {
    pub limit: usize,
    pub page: usize,
}

/// Where a scrolling window goes: most of the screen, or for a
/// confirmation, just the room its lines need.
fn window_for(overlay: &Overlay, area: Rect, lines: usize) -> Rect {
    let most = inset(area);
    if !matches!(overlay, Overlay::Confirm(_)) {
        return most;
    }
    let height =
        (u16::try_from(lines).unwrap_or(u16::MAX).saturating_add(2)).clamp(5.min(most.height), most.height);
    Rect { y: most.y + (most.height - height) / 2, height, ..most }
}

/// The title and the lines of a scrolling window, already fitted to the
/// width it gets in `area`.
fn text_of(app: &App, overlay: &Overlay, area: Rect) -> Option<(String, Vec<Line<'static>>)> {
    let room = usize::from(inset(area).width.saturating_sub(2));
    let muted = app.theme.style(Role::Muted);
    let text = match overlay {
        Overlay::Help { .. } => ("Help".to_string(), help::lines(app, room)),
        Overlay::Detail { list, .. } => {
            let (title, fields) = detail::fields(app, *list);
            let lines = match fields {
                Some(fields) => detail::lines(&fields, room, &app.theme),
                None => vec![Line::from(Span::styled("Nothing selected", muted))],
            };
            (title, lines)
        }
        Overlay::AuditRecord { serial, .. } => {
            let text = app
                .audit
                .by_serial(*serial)
                .and_then(|r| serde_json::to_string_pretty(r).ok())
                .unwrap_or_else(|| "This record has left the pane; the audit log file keeps it.".into());
            let lines = text.lines().flat_map(|l| chunks(l, room)).map(Line::from).collect();
            ("Audit record".to_string(), lines)
        }
        Overlay::Breakdown { .. } => ("Per operation".to_string(), breakdown::lines(app)),
        Overlay::Result { title, text, hang: 0, .. } => {
            let lines = text.lines().flat_map(|l| chunks(l, room)).map(Line::from).collect();
            (title.clone(), lines)
        }
        Overlay::Result { title, text, hang, .. } => {
            let lines = text.lines().flat_map(|l| hanging(l, room, *hang)).map(Line::from).collect();
            (title.clone(), lines)
        }
        Overlay::Confirm(confirm) => {
            let title = match confirm.plan.lines.len() {
                0 | 1 => "Confirm".to_string(),
                n => format!("Confirm · {} changes", format::count(n as u64)),
            };
            (title, confirm::lines(app, &confirm.plan, room))
        }
        Overlay::Palette(_) | Overlay::Filter(_) | Overlay::ConfirmQuit | Overlay::Form(_) => return None,
    };
    Some(text)
}

/// A bordered window at `window`, scrolled to `scroll`, with a title and
/// what its keys do along the bottom.
fn text_window(
    frame: &mut Frame,
    window: Rect,
    app: &App,
    (title, bottom): (&str, Line<'static>),
    lines: Vec<Line<'static>>,
    scroll: usize,
) {
    let theme = &app.theme;
    let last = lines.len().saturating_sub(usize::from(window.height.saturating_sub(2)));
    let scroll = u16::try_from(scroll.min(last)).unwrap_or(u16::MAX);
    let block = Block::bordered()
        .border_style(theme.style(Role::BorderFocus))
        .title(Span::styled(format!(" {title} "), theme.style(Role::Title)))
        .title_bottom(bottom);
    frame.render_widget(Clear, window);
    frame.render_widget(Paragraph::new(lines).style(theme.base()).block(block).scroll((scroll, 0)), window);
}

/// Most of `area`, leaving the panes visible around it where there is room.
fn inset(area: Rect) -> Rect {
    let margin_x = if area.width >= 60 { area.width / 10 } else { 0 };
    let margin_y = if area.height >= 16 { 2 } else { 0 };
    Rect {
        x: area.x + margin_x,
        y: area.y + margin_y,
        width: area.width.saturating_sub(margin_x * 2),
        height: area.height.saturating_sub(margin_y * 2),
    }
}

/// The width of a suggestion's column, before its description.
const SUGGESTION_COLUMNS: usize = 24;

/// The command line's suggestions, in a box just above it.
fn suggestions(frame: &mut Frame, footer: Rect, app: &App, line: &Palette) {
    let theme = &app.theme;
    let scope = palette::scope(app);
    let found = palette::suggestions(&line.input, &scope);
    if found.is_empty() || footer.y < 3 {
        return;
    }
    let selected = line.selected.min(found.len() - 1);
    let height = (found.len() as u16 + 2).min(footer.y);
    let width = footer.width.min(64);
    let area = Rect { x: footer.x, y: footer.y - height, width, height };
    let room = usize::from(width.saturating_sub(4));
    // Each suggestion keeps to its column, measured in screen columns, so
    // a long one or one in wide characters never pushes its description out
    // of line with the others'.
    let column = SUGGESTION_COLUMNS.min(room);
    let lines: Vec<Line> = found
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let line = clip(&s.line, column);
            let gap = " ".repeat(column.saturating_sub(text_width(&line)));
            let desc = fit(&s.desc, room.saturating_sub(column + 1));
            let text = format!("{line}{gap} {desc}");
            let role = if i == selected { Role::Selection } else { Role::Text };
            Line::from(Span::styled(text, theme.style(role)))
        })
        .collect();
    let block = Block::bordered().border_style(theme.style(Role::BorderFocus));
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).style(theme.base()).block(block), area);
}

fn confirm_quit(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let n = app.in_flight.len();
    let targets: usize = app.in_flight.values().map(|p| p.total).sum();
    let (changes, them) =
        if n == 1 { ("1 change is".to_string(), "it") } else { (format!("{n} changes are"), "them") };
    // The changes may come back while the question is open.
    let still = if n == 0 {
        "Every change has come back: nothing is in flight now.".to_string()
    } else if targets > n {
        format!(
            "{changes} still in flight ({} of {} targets left).",
            format::count(app.targets_left() as u64),
            format::count(targets as u64)
        )
    } else {
        format!("{changes} still in flight.")
    };
    // The keys are fixed, as at a confirmation: no keymap changes them.
    let key = |keys: &'static str, what: String| {
        Line::from(vec![Span::styled(format!("{keys:<16}"), theme.style(Role::Key)), Span::raw(what)])
    };
    let quit = if n == 0 { "quit".to_string() } else { format!("let {them} finish, then quit") };
    let mut lines = vec![
        Line::from(still),
        Line::from("Every outcome is recorded before the console exits."),
        Line::default(),
        key("y/Enter/Ctrl-c", quit),
    ];
    if !app.unfinished_batches().is_empty() {
        lines.push(key("c", "skip the targets not started yet, then quit".into()));
    }
    lines.push(key("n/Esc", "stay".into()));
    let height = lines.len() as u16 + 2;
    let [row] = Layout::vertical([Constraint::Length(height)]).flex(Flex::Center).areas(area);
    let [window] = Layout::horizontal([Constraint::Length(66)]).flex(Flex::Center).areas(row);
    let block = Block::bordered()
        .border_style(theme.style(Role::Warn))
        .title(Span::styled(" Quit? ", theme.style(Role::Warn)));
    frame.render_widget(Clear, window);
    frame.render_widget(Paragraph::new(lines).style(theme.base()).block(block), window);
}
