//! A table that draws only the rows in view, however many it holds.
//!
//! Columns that do not fit are dropped, least needed first, rather than
//! squeezed into illegible slivers; the rest shrink toward their minimum and
//! text is cut at a word with an ellipsis.

use super::fit::{fit, width};
use crate::ui::app::TableView;
use crate::ui::entity::{Column, Entity, Lookup};
use crate::ui::theme::{Role, Theme};
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use std::borrow::Cow;

/// Columns between cells.
const GAP: u16 = 1;
/// Beside a row marked for a batch change.
const MARK: &str = "● ";
/// Beside a frozen row that a change has made out of date.
const STALE: &str = "≠";

/// What the box around the table says.
pub struct Chrome<'a> {
    pub title: Line<'a>,
    pub title_right: Line<'a>,
    pub footer: Line<'a>,
    pub footer_right: Line<'a>,
    pub focused: bool,
    /// What to say when there are no rows.
    pub empty: String,
}

pub fn draw<T: Entity>(
    frame: &mut Frame,
    area: Rect,
    view: &TableView<T>,
    chrome: Chrome<'_>,
    theme: &Theme,
    lookup: &Lookup<'_>,
) {
    let border = theme.style(if chrome.focused { Role::BorderFocus } else { Role::Border });
    let block = Block::bordered()
        .border_style(border)
        .title_top(chrome.title)
        .title_top(chrome.title_right.alignment(Alignment::Right))
        .title_bottom(chrome.footer)
        .title_bottom(chrome.footer_right.alignment(Alignment::Right));
    let mut inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    // Marked rows get a gutter, only while there are any; rows out of date
    // since the freeze a column of it to themselves.
    let marks = match (view.pick_count() > 0, view.out_of_date_count() > 0) {
        (_, true) => 3,
        (true, false) => 2,
        (false, false) => 0,
    };
    let gutter = if inner.width > marks + 2 { marks } else { 0 };
    let marks_at = inner;
    inner = Rect { x: inner.x + gutter, width: inner.width - gutter, ..inner };
    let all = T::columns();
    let body_height = usize::from(inner.height.saturating_sub(1));
    let rows: Vec<(usize, &T)> = view.window(body_height).collect();
    // Each cell's text once: it decides the widths and is then drawn.
    let texts: Vec<Vec<Cow<'_, str>>> =
        rows.iter().map(|(_, row)| all.iter().map(|column| column.cell(row, lookup)).collect()).collect();
    let columns = layout_columns(all, inner.width, &wanted(all, &texts), Some(view.sort().column));
    frame.render_widget(header(all, &columns, view, theme), Rect { height: 1, ..inner });

    let body = Rect { y: inner.y + 1, height: inner.height - 1, ..inner };
    if body.height == 0 {
        return;
    }
    if view.shown_len() == 0 {
        let message =
            Paragraph::new(chrome.empty).style(theme.style(Role::Muted)).alignment(Alignment::Center);
        frame.render_widget(message, Rect { height: 1, ..body });
        return;
    }
    let selected = view.cursor();
    // A row's key is made once, and only when a mark may be found under it.
    let (changes, picks, stale) = (view.has_marks(), view.pick_count() > 0, view.out_of_date_count() > 0);
    for (line, (&(position, row), texts)) in rows.iter().zip(&texts).enumerate() {
        let rect = Rect { y: body.y + line as u16, height: 1, ..body };
        let key = (changes || picks || stale).then(|| row.key());
        let key = key.as_ref();
        let marked = key.filter(|_| changes).map_or(0, |key| view.marked(key));
        let spans = columns.iter().flat_map(|&(i, w)| {
            let column = &all[i];
            let mut style = theme.style((column.role)(row, lookup));
            if marked & bit(i) != 0 {
                style = style.patch(theme.style(Role::Changed));
            }
            [Span::styled(cell(&texts[i], w, column.right), style), Span::raw(" ")]
        });
        frame.render_widget(Line::from_iter(spans), rect);
        if gutter > 0 && picks && key.is_some_and(|key| view.is_picked_key(key)) {
            let at = Rect { x: marks_at.x, width: gutter, ..rect };
            frame.render_widget(Span::styled(MARK, theme.style(Role::Accent)), at);
        }
        if gutter > 2 && stale && key.and_then(|key| view.out_of_date(key)).is_some() {
            let at = Rect { x: marks_at.x + 1, width: 1, ..rect };
            frame.render_widget(Span::styled(STALE, theme.style(Role::Warn)), at);
        }
        let rect = Rect { x: marks_at.x, width: marks_at.width, ..rect };
        if position == selected {
            let chosen = if chrome.focused {
                theme.style(Role::Selection)
            } else {
                Style::new().add_modifier(Modifier::BOLD)
            };
            frame.buffer_mut().set_style(rect, chosen);
        }
    }
}

/// The column titles: the sort letter underlined, the sorted column arrowed.
fn header<'a, T: Entity>(
    all: &'a [Column<T>],
    columns: &[(usize, u16)],
    view: &TableView<T>,
    theme: &Theme,
) -> Line<'a> {
    let sort = view.sort();
    let title = theme.style(Role::Title);
    let mut spans = Vec::new();
    for &(i, w) in columns {
        let column = &all[i];
        let arrow = match (sort.column == i, sort.descending) {
            (true, false) => "▲",
            (true, true) => "▼",
            (false, _) => "",
        };
        let room = usize::from(w).saturating_sub(width(arrow));
        let name = fit(column.title.fitting(room), room);
        let letter = name.char_indices().find(|(_, c)| c.eq_ignore_ascii_case(&column.letter));
        let used = width(&name) + width(arrow);
        let padding = " ".repeat(usize::from(w).saturating_sub(used));
        let (before, after) = if column.right { (padding, String::new()) } else { (String::new(), padding) };
        spans.push(Span::raw(before));
        match letter {
            Some((at, c)) => {
                let end = at + c.len_utf8();
                spans.push(Span::styled(name[..at].to_string(), title));
                spans.push(Span::styled(name[at..end].to_string(), title.add_modifier(Modifier::UNDERLINED)));
                spans.push(Span::styled(name[end..].to_string(), title));
            }
            None => spans.push(Span::styled(name.into_owned(), title)),
        }
        spans.push(Span::styled(arrow, theme.style(Role::Accent)));
        spans.push(Span::raw(after));
        spans.push(Span::raw(" "));
    }
    Line::from(spans)
}

fn cell(text: &str, columns: u16, right: bool) -> String {
    let fitted = fit(text, usize::from(columns));
    let padding = " ".repeat(usize::from(columns).saturating_sub(width(&fitted)));
    if right { format!("{padding}{fitted}") } else { format!("{fitted}{padding}") }
}

fn bit(column: usize) -> u64 {
    u32::try_from(column).ok().and_then(|c| 1u64.checked_shl(c)).unwrap_or(0)
}

/// How wide each column's text is in the rows on screen, its full title
/// and sort arrow included: what it needs to be shown whole.
/// `texts` holds each row's cells, by column.
fn wanted<T>(all: &[Column<T>], texts: &[Vec<Cow<'_, str>>]) -> Vec<u16> {
    all.iter()
        .enumerate()
        .map(|(i, column)| {
            let widest = texts.iter().map(|cells| width(&cells[i])).max().unwrap_or(0);
            u16::try_from(widest).unwrap_or(u16::MAX).max(titled(column))
        })
        .collect()
}

/// A column's title with room for its sort arrow.
fn titled<T>(column: &Column<T>) -> u16 {
    u16::try_from(width(column.title.name) + 1).unwrap_or(u16::MAX)
}

/// Which columns to show and how wide, in `room` columns: drop the least
/// needed until the minimums fit, then share what is left toward the
/// widths asked for, first columns first. Room to spare after that goes to
/// columns whose text on screen (`wanted`, by column) is still cut, first
/// columns first, so that a wide pane shows text whole rather than blank
/// space beside cut text. What is left after that widens the first column
/// by at most half again, and the rest stays blank. The `sorted` column is
/// dropped only when nothing else can be, and its minimum is its whole
/// title and arrow, so the column the table is ordered by is there and says
/// so in full (`Started▼`, not `Start…▼`).
pub fn layout_columns<T>(
    columns: &[Column<T>],
    room: u16,
    wanted: &[u16],
    sorted: Option<usize>,
) -> Vec<(usize, u16)> {
    let min = |i: usize| match sorted == Some(i) {
        true => columns[i].min.max(titled(&columns[i])),
        false => columns[i].min,
    };
    let mut kept: Vec<usize> = (0..columns.len()).collect();
    let need =
        |kept: &[usize]| -> u32 { kept.iter().map(|&i| u32::from(min(i)) + u32::from(GAP)).sum::<u32>() };
    while need(&kept) > u32::from(room) && kept.len() > 1 {
        // The sorted column goes last, when nothing else can: a screen too
        // narrow for it beside the columns that always stay drops it rather
        // than cutting them all.
        let worst = kept
            .iter()
            .copied()
            .filter(|&i| columns[i].drop > 0)
            .max_by_key(|&i| (sorted != Some(i), columns[i].drop, i));
        let Some(worst) = worst else {
            break;
        };
        kept.retain(|&i| i != worst);
    }
    let mut widths: Vec<(usize, u16)> = kept.iter().map(|&i| (i, min(i))).collect();
    let mut spare = u32::from(room).saturating_sub(need(&kept));
    for (i, w) in &mut widths {
        let more = u32::from(columns[*i].width.saturating_sub(*w)).min(spare);
        *w += more as u16;
        spare -= more;
    }
    for (i, w) in &mut widths {
        let want = wanted.get(*i).copied().unwrap_or(0);
        let more = u32::from(want.saturating_sub(*w)).min(spare);
        *w += more as u16;
        spare -= more;
    }
    if let Some((i, w)) = widths.first_mut() {
        let more = spare.min(u32::from(columns[*i].width / 2));
        *w = w.saturating_add(u16::try_from(more).unwrap_or(0));
    }
    widths
}
