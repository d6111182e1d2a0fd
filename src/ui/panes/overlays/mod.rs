//! Windows over the panes: help, details, a record in full, the
//! per-operation breakdown, the command line's suggestions, the forms kept
//! to reopen, and the question before quitting with changes in flight.

mod breakdown;
mod confirm;
mod for_whom;
mod form;
mod form_foot;
mod form_row;
mod help;
mod kept_forms;
mod quit;
mod suggestions;

use super::detail;
use super::format;
use crate::ui::app::{App, Overlay};
use crate::ui::keymap::{Context, Verb};
use crate::ui::layout;
use crate::ui::theme::Role;
use crate::ui::widgets::cover::cover;
use crate::ui::widgets::fit::{chunks, clip, hanging, width, wrap};
use ratatui::Frame;
use ratatui::layout::{Margin, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// Draws every open window, the topmost last. A form keeps to the rows
/// between the `header` and the `footer`, which stay in view however long
/// it is; each window empties the cells around it in those rows as well.
pub fn draw(frame: &mut Frame, area: Rect, (header, footer): (Rect, Rect), app: &App) {
    let between = Rect { y: header.bottom(), height: footer.y.saturating_sub(header.bottom()), ..area };
    for (i, overlay) in app.overlays.iter().enumerate() {
        let under = i.checked_sub(1).and_then(|j| app.overlays.get(j));
        match overlay {
            Overlay::Help { scroll }
            | Overlay::Detail { scroll, .. }
            | Overlay::AuditRecord { scroll, .. }
            | Overlay::Breakdown { scroll }
            | Overlay::Result { scroll, .. } => {
                let place = Place::of(app, area, between, under);
                if let Some((title, lines)) = text_of(app, overlay, place) {
                    // Help also closes the help; with neither bound, no key is named.
                    let help = matches!(overlay, Overlay::Help { .. }).then_some(Verb::Help);
                    let close = [Some(Verb::Close), help]
                        .into_iter()
                        .flatten()
                        .find_map(|verb| app.key_hint(Context::Overlay, verb));
                    let text = close.map(|key| format!(" {key} closes ")).unwrap_or_default();
                    let bottom = Line::from(Span::styled(text, app.theme.style(Role::Muted)));
                    let window = window_for(overlay, place, lines.len());
                    text_window(frame, (window, between), app, (&title, bottom), lines, *scroll);
                }
            }
            Overlay::Confirm(confirm) => {
                let place = Place::of(app, area, between, under);
                if let Some((title, lines)) = text_of(app, overlay, place) {
                    let window = window_for(overlay, place, lines.len());
                    let keys = confirm::keys(app);
                    text_window(frame, (window, between), app, (&title, keys), lines, confirm.scroll);
                }
            }
            Overlay::KeptForms { selected } => kept_forms::draw(frame, between, app, *selected),
            Overlay::Form(form) => form::draw(frame, between, app, form),
            Overlay::Palette(line) => suggestions::draw(frame, (footer, between), app, line),
            Overlay::ConfirmQuit => quit::draw(frame, (area, between), app),
            Overlay::Filter(_) => {}
        }
    }
}

/// Where a scrolling window may go: the screen, and the window of a form
/// under it, if any.
#[derive(Clone, Copy)]
struct Place {
    area: Rect,
    form: Option<Rect>,
}

impl Place {
    fn of(app: &App, area: Rect, between: Rect, under: Option<&Overlay>) -> Self {
        let form = match under {
            Some(Overlay::Form(form)) => Some(form::inside(between, app, form).outer(Margin::new(1, 1))),
            _ => None,
        };
        Self { area, form }
    }
}

/// How the topmost window scrolls at the screen's current size: the
/// furthest it goes, and the lines one page shows.
pub fn scrolling(app: &App) -> Scrolling {
    let area = app.area();
    let Some(top) = app.overlays.last() else { return Scrolling { limit: 0, page: 1 } };
    let between = between(app);
    let under = app.overlays.len().checked_sub(2).and_then(|i| app.overlays.get(i));
    let place = Place::of(app, area, between, under);
    let Some((_, lines)) = text_of(app, top, place) else { return Scrolling { limit: 0, page: 1 } };
    let page = usize::from(window_for(top, place, lines.len()).height.saturating_sub(2)).max(1);
    Scrolling { limit: lines.len().saturating_sub(page), page }
}

/// How many forms the list of kept forms shows at once at the screen's
/// current size: what a page moves through it.
pub fn kept_forms_shown(app: &App) -> usize {
    kept_forms::shown(app, between(app))
}

/// The rows between the header and the footer, where windows go.
fn between(app: &App) -> Rect {
    let area = app.area();
    let screen = layout::screen(area, app);
    Rect { y: screen.header.bottom(), height: screen.footer.y.saturating_sub(screen.header.bottom()), ..area }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scrolling {
    pub limit: usize,
    pub page: usize,
}

/// Where a scrolling window goes: most of the screen, or for a
/// confirmation, just the room its lines need. Over a form, a confirmation
/// takes the form's whole window as well: a side or a corner of the form
/// left beside it would read as part of the review.
fn window_for(overlay: &Overlay, place: Place, lines: usize) -> Rect {
    let most = inset(place.area);
    if !matches!(overlay, Overlay::Confirm(_)) {
        return most;
    }
    let height =
        (u16::try_from(lines).unwrap_or(u16::MAX).saturating_add(2)).clamp(5.min(most.height), most.height);
    let own = Rect { y: most.y + (most.height - height) / 2, height, ..most };
    match place.form {
        Some(form) => own.union(form).intersection(place.area),
        None => own,
    }
}

/// The title and the lines of a scrolling window, already fitted to the
/// width it gets in `area`.
fn text_of(app: &App, overlay: &Overlay, place: Place) -> Option<(String, Vec<Line<'static>>)> {
    // The width does not depend on the number of lines.
    let room = usize::from(window_for(overlay, place, 0).width.saturating_sub(2));
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
        Overlay::Breakdown { .. } => ("Per operation".to_string(), breakdown::lines(app, room)),
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
        Overlay::Palette(_)
        | Overlay::Filter(_)
        | Overlay::ConfirmQuit
        | Overlay::KeptForms { .. }
        | Overlay::Form(_) => return None,
    };
    Some(titled(app, text, room))
}

/// A title too long for the window's top border keeps there what comes
/// before its first " · " (what the window is), and the rest opens the
/// text, wrapped: a result's summary is read whole, not cut at the corner.
/// Where even that part is too long, the whole title opens the text.
fn titled(
    app: &App,
    (title, lines): (String, Vec<Line<'static>>),
    room: usize,
) -> (String, Vec<Line<'static>>) {
    // The border's title has a space either side.
    let fits = |text: &str| width(text) + 2 <= room;
    if fits(&title) {
        return (title, lines);
    }
    let (label, rest) = match title.split_once(" · ") {
        Some((label, rest)) if fits(label) => (label.to_string(), rest.to_string()),
        _ => (clip(&title, room.saturating_sub(2)).into_owned(), title.clone()),
    };
    let style = app.theme.style(Role::Title);
    let mut text: Vec<Line<'static>> =
        wrap(&rest, room).into_iter().map(|part| Line::from(Span::styled(part, style))).collect();
    text.push(Line::default());
    text.extend(lines);
    (label, text)
}

/// A bordered window at `window`, scrolled to `scroll`, with a title and
/// what its keys do along the bottom.
fn text_window(
    frame: &mut Frame,
    (window, bounds): (Rect, Rect),
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
    cover(frame.buffer_mut(), window, bounds, theme.base());
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
