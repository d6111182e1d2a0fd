//! A form over the panes: what it is for, each field with its problems
//! beside it, and the keys that move on (its foot, in [`foot`]).

use super::form_foot as foot;
use super::form_row;
use crate::ui::app::App;
use crate::ui::forms::{Field, Form, Input, TextInput};
use crate::ui::theme::{Role, Theme};
use crate::ui::widgets::fit::{chunks, clip, fit, pad, width, wrap};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

/// The widest a form grows.
const MOST_WIDTH: u16 = 100;
/// The label column, where there is room for it.
const LABEL: usize = 17;
/// The most lines a wrapping field's value takes.
const MOST_WRAPPED: usize = 6;

/// A form laid out in its window: the lines that scroll, the line of the
/// focused field among them, and the lines kept at the window's foot.
struct Laid {
    window: Rect,
    lines: Vec<Line<'static>>,
    focus_line: usize,
    /// What holds for the whole form (a rule of no one field, what the
    /// review will note) and why Enter sent nothing: always in view,
    /// however long the form.
    pinned: Vec<Line<'static>>,
}

/// Where `form` goes in `area`, and its lines.
fn layout(area: Rect, app: &App, form: &Form) -> Laid {
    let theme = &app.theme;
    let width = area.width.saturating_sub(4).min(MOST_WIDTH);
    let room = usize::from(width.saturating_sub(2));
    let header = super::for_whom::targets(form, &app.directory);
    let (lines, focus_line) = body(form, &header, room, theme);
    let pinned = foot::pinned(form, room, theme);
    let height = ((lines.len() + pinned.len()) as u16 + 2).min(area.height);
    let window =
        Rect { x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width, height };
    Laid { window, lines, focus_line, pinned }
}

/// The inside of `form`'s window in `area`, within its border.
pub fn inside(area: Rect, app: &App, form: &Form) -> Rect {
    layout(area, app, form).window.inner(ratatui::layout::Margin::new(1, 1))
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, form: &Form) {
    let theme = &app.theme;
    let Laid { window, lines, focus_line, pinned } = layout(area, app, form);
    let room = usize::from(window.width.saturating_sub(2));
    let block = Block::bordered()
        .border_style(theme.style(Role::BorderFocus))
        .title(Span::styled(format!(" {} ", form.title), theme.style(Role::Title)))
        .title_bottom(foot::keys(app, form, room));
    frame.render_widget(Clear, window);
    let inner = block.inner(window);
    frame.render_widget(block.style(theme.base()), window);
    // The form-wide lines stay at the foot (at most half the window);
    // the rest scrolls just enough to keep the focused field and the line
    // after it in view, and never past the end: a form that fits does not scroll.
    let foot = u16::try_from(pinned.len()).unwrap_or(u16::MAX).min(inner.height / 2);
    let [above, below] = Layout::vertical([Constraint::Fill(1), Constraint::Length(foot)]).areas(inner);
    let shown = usize::from(above.height);
    let scroll = focus_line.saturating_sub(shown.saturating_sub(2)).min(lines.len().saturating_sub(shown));
    let scroll = u16::try_from(scroll).unwrap_or(0);
    frame.render_widget(Paragraph::new(lines).style(theme.base()).scroll((scroll, 0)), above);
    frame.render_widget(Paragraph::new(pinned).style(theme.base()), below);
}

/// The form's lines, and the line of the focused field.
fn body(form: &Form, header: &str, room: usize, theme: &Theme) -> (Vec<Line<'static>>, usize) {
    let muted = theme.style(Role::Muted);
    let error = theme.style(Role::Error);
    let mut lines = vec![Line::from(Span::styled(fit(header, room).into_owned(), muted)), Line::default()];
    let mut focus_line = 0;
    let mut i = 0;
    while i < form.fields.len() {
        let row = form.fields[i].row;
        let group: Vec<usize> = match row {
            Some(_) => (i..form.fields.len()).take_while(|&j| form.fields[j].row == row).collect(),
            None => vec![i],
        };
        if group.contains(&form.focus) {
            focus_line = lines.len();
        }
        match wrapped(form, &group, room, theme) {
            Some((wrapped, cursor_line)) => {
                if group.contains(&form.focus) {
                    focus_line += cursor_line;
                }
                lines.extend(wrapped);
            }
            None => lines.push(field_line(form, &group, room, theme)),
        }
        match group.as_slice() {
            [j] => lines.extend(aside_below(&form.fields[*j], room, muted)),
            // A row's fields share a line with no room beside each: what
            // one says goes under the row, naming it.
            row => {
                for j in row {
                    lines.extend(row_note(&form.fields[*j], room, theme.style(Role::Warn)));
                }
            }
        }
        for j in &group {
            for problem in form.problems_of(*j) {
                let lead = " ".repeat(label_width(room));
                // Named even under its own field: the message must stand
                // on its own when read aloud or copied.
                let text = format!("✕ {}: {problem}", form.fields[*j].label);
                for part in wrap(&text, room.saturating_sub(label_width(room)).max(10)) {
                    lines.push(Line::from(vec![Span::raw(lead.clone()), Span::styled(part, error)]));
                }
            }
        }
        i += group.len();
    }
    if form.fields.is_empty() {
        // With nothing to fill in, a problem below cannot be mended here.
        let next = if form.general_problems().is_empty() { "Enter reviews the change" } else { "Esc closes" };
        lines.push(Line::from(Span::styled(format!("Nothing to fill in: {next}."), muted)));
    }
    (lines, focus_line)
}

/// A field, or a row of fields, on one line: label, then input.
fn field_line(form: &Form, group: &[usize], room: usize, theme: &Theme) -> Line<'static> {
    let first = &form.fields[group[0]];
    let focused = group.contains(&form.focus);
    let label_role = if focused { Role::Accent } else { Role::Text };
    let label = match first.row {
        Some(n) if group.len() > 1 => format!("Row {}", n + 1),
        _ => first.label.clone(),
    };
    let mut spans = vec![Span::styled(label_cell(&label, room), theme.style(label_role))];
    let left = room.saturating_sub(label_width(room));
    if let [only] = group {
        spans.extend(input(&form.fields[*only], *only == form.focus, left.max(4), theme));
        return Line::from(spans);
    }
    let fields: Vec<(&Field, bool)> = group.iter().map(|&j| (&form.fields[j], j == form.focus)).collect();
    let budgets = form_row::budgets(&fields, left);
    for (k, ((field, focused), budget)) in fields.into_iter().zip(budgets).enumerate() {
        let tag = form_row::tag(field);
        let budget = budget.saturating_sub(width(&tag) + 1);
        spans.push(Span::styled(tag, theme.style(Role::Muted)));
        spans.extend(input(field, focused, budget.max(4), theme));
        if k + 1 < group.len() {
            spans.push(Span::raw(" "));
        }
    }
    Line::from(spans)
}

/// The label column in `room`: its full width where there is room, a third
/// of a narrow form, so the values keep most of it.
fn label_width(room: usize) -> usize {
    LABEL.min((room / 3).max(8))
}

/// A label in its column, cut short if need be, always a space before the
/// value.
fn label_cell(label: &str, room: usize) -> String {
    format!("{} ", pad(label, label_width(room) - 1))
}

/// A wrapping field whose value is too long for one line, over as many as
/// it needs (at most [`MOST_WRAPPED`], those around the cursor), and the
/// line of the cursor among them; `None` when it fits on one line.
fn wrapped(form: &Form, group: &[usize], room: usize, theme: &Theme) -> Option<(Vec<Line<'static>>, usize)> {
    let [i] = *group else { return None };
    let field = &form.fields[i];
    let Input::Text(text) = &field.input else { return None };
    let columns = room.saturating_sub(label_width(room)).max(10);
    if !field.wraps || width(text.text()) < columns {
        return None;
    }
    let focused = i == form.focus;
    // The space after the text holds the cursor when it sits at the end.
    let pieces = chunks(&format!("{} ", text.text()), columns);
    let (mut line, mut column, mut start) = (0, 0, 0);
    for (k, piece) in pieces.iter().enumerate() {
        let n = piece.len();
        if text.cursor() < start + n {
            (line, column) = (k, piece[..text.cursor() - start].chars().count());
            break;
        }
        start += n;
    }
    let first = if focused { line.saturating_sub(MOST_WRAPPED - 1) } else { 0 };
    let box_style =
        if focused { Style::new().add_modifier(Modifier::UNDERLINED) } else { theme.style(Role::Text) };
    let label_role = if focused { Role::Accent } else { Role::Text };
    let lines = pieces
        .iter()
        .enumerate()
        .skip(first)
        .take(MOST_WRAPPED)
        .map(|(k, piece)| {
            let lead =
                if k == first { label_cell(&field.label, room) } else { " ".repeat(label_width(room)) };
            let mut spans = vec![Span::styled(lead, theme.style(label_role))];
            if focused && k == line {
                let chars: Vec<char> = piece.chars().collect();
                spans.push(Span::styled(chars[..column].iter().collect::<String>(), box_style));
                spans.push(Span::styled(chars[column].to_string(), theme.style(Role::Selection)));
                spans.push(Span::styled(chars[column + 1..].iter().collect::<String>(), box_style));
            } else {
                spans.push(Span::styled(piece.clone(), box_style));
            }
            Line::from(spans)
        })
        .collect();
    Some((lines, line - first))
}

fn input(field: &Field, focused: bool, room: usize, theme: &Theme) -> Vec<Span<'static>> {
    let cursor = theme.style(Role::Selection);
    let muted = theme.style(Role::Muted);
    let box_style =
        if focused { Style::new().add_modifier(Modifier::UNDERLINED) } else { theme.style(Role::Text) };
    match &field.input {
        Input::Text(text) if text.is_empty() && !focused => {
            vec![Span::styled(fit(&field.help, room).into_owned(), muted)]
        }
        // With no cursor to follow, the value's start says most, and the
        // ellipsis that there is more; the box keeps its focused width.
        Input::Text(text) if !focused => {
            let mut spans =
                vec![Span::styled(clip(text.text(), room.saturating_sub(1)).into_owned(), box_style)];
            spans.extend(aside(field, text, room, muted));
            spans
        }
        Input::Text(text) => {
            let window = text.window(room.saturating_sub(1));
            let mut after = window.after.chars();
            let under = after.next().map_or(" ".to_string(), String::from);
            let mut spans = vec![
                Span::styled(window.before.to_owned(), box_style),
                Span::styled(under, cursor),
                Span::styled(after.as_str().to_owned(), box_style),
            ];
            if text.is_empty() {
                spans.push(Span::styled(format!(" {}", fit(&field.help, room.saturating_sub(2))), muted));
            }
            spans.extend(aside(field, text, room, muted));
            spans
        }
        Input::Choice(choice) => {
            // The option first; its position only where it fits after it.
            let text = fit(choice.label(), room.saturating_sub(4)).into_owned();
            let style = if focused { cursor } else { theme.style(Role::Text) };
            let mut spans = vec![Span::styled(format!("◂ {text} ▸"), style)];
            let mut left = room.saturating_sub(width(&text) + 4);
            let of = form_row::position(choice);
            if focused && choice.options().len() > 1 && width(&of) <= left {
                left -= width(&of);
                spans.push(Span::styled(of, muted));
            }
            if !field.help.is_empty() && left > 2 {
                spans.push(Span::styled(format!("  {}", fit(&field.help, left - 2)), muted));
            }
            spans
        }
        Input::Toggle(on) => {
            let mark = if *on { "[x]" } else { "[ ]" };
            let style = if focused { cursor } else { theme.style(Role::Text) };
            vec![
                Span::styled(mark.to_string(), style),
                Span::styled(format!(" {}", fit(&field.help, room.saturating_sub(4))), muted),
            ]
        }
    }
}

/// What a filled text field's value stands for, after it, when the value
/// and the words fit whole (a cut name would mislead), or else its short
/// words when it has some.
fn aside(field: &Field, text: &TextInput, room: usize, style: Style) -> Option<Span<'static>> {
    let used = width(text.text()) + 1;
    let fits = |words: &str| !words.is_empty() && !text.is_empty() && used + 2 + width(words) <= room;
    let words = [&field.aside, &field.aside_short].into_iter().find(|words| fits(words))?;
    Some(Span::styled(format!("  {words}"), style))
}

/// A text field's aside on a line of its own under the field, where the
/// value leaves it no room beside it: an agent id too long for its words
/// must still say that no such agent is loaded.
fn aside_below(field: &Field, room: usize, style: Style) -> Vec<Line<'static>> {
    let Input::Text(text) = &field.input else { return Vec::new() };
    let value_room = room.saturating_sub(label_width(room));
    if text.is_empty() || field.aside.is_empty() || aside(field, text, value_room, style).is_some() {
        return Vec::new();
    }
    let lead = " ".repeat(label_width(room));
    wrap(&field.aside, value_room.max(10))
        .into_iter()
        .map(|part| Line::from(vec![Span::raw(lead.clone()), Span::styled(part, style)]))
        .collect()
}

/// The aside of a field in a row, on its own lines under the row, after
/// the field's label.
fn row_note(field: &Field, room: usize, style: Style) -> Vec<Line<'static>> {
    if field.aside.is_empty() {
        return Vec::new();
    }
    let lead = " ".repeat(label_width(room));
    let text = format!("{}: {}", field.label, field.aside);
    wrap(&text, room.saturating_sub(label_width(room)).max(10))
        .into_iter()
        .map(|part| Line::from(vec![Span::raw(lead.clone()), Span::styled(part, style)]))
        .collect()
}
