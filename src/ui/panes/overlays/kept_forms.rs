//! The forms kept to reopen, the newest first: when each came back, its
//! title, which names its target, and why, cut to the window's width.

use crate::ui::app::App;
use crate::ui::forms::{Form, NotApplied};
use crate::ui::keymap::{Context, Verb};
use crate::ui::panes::format;
use crate::ui::theme::Role;
use crate::ui::widgets::cover::cover;
use crate::ui::widgets::fit::{clip, pad, width};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// Draws the list in `between`, `selected` (from the newest) highlighted
/// and kept in view.
pub(super) fn draw(frame: &mut Frame, between: Rect, app: &App, selected: usize) {
    let theme = &app.theme;
    let window = window(app, between);
    if window.height < 3 || window.width < 4 {
        return;
    }
    let room = usize::from(window.width - 2);
    let shown = usize::from(window.height - 2);
    let forms: Vec<&Form> = app.returned.iter().rev().collect();
    let selected = selected.min(forms.len().saturating_sub(1));
    // When each came back, then titles sharing a column, so every reason
    // starts in line; the reasons keep at least half the width.
    let column = forms.iter().map(|f| width(&f.title)).max().unwrap_or(0).min(room.saturating_sub(TIME) / 2);
    let start = (selected + 1).saturating_sub(shown);
    let lines: Vec<Line> = forms
        .iter()
        .enumerate()
        .skip(start)
        .take(shown)
        .map(|(i, form)| {
            let at = form.not_applied.as_ref().map_or_else(|| " ".repeat(CLOCK), |n| format::hhmmss(n.at));
            let title = pad(&clip(&form.title, column), column);
            let why = clip(&reason(form), room.saturating_sub(column + 2 + TIME)).into_owned();
            if i == selected {
                let row = format!("{at}  {title}  {why}");
                Line::from(Span::styled(pad(&row, room), theme.style(Role::Selection)))
            } else {
                Line::from(vec![
                    Span::styled(format!("{at}  "), theme.style(Role::Muted)),
                    Span::styled(format!("{title}  "), theme.style(Role::Text)),
                    Span::styled(why, theme.style(Role::Muted)),
                ])
            }
        })
        .collect();
    let block = Block::bordered()
        .border_style(theme.style(Role::BorderFocus))
        .title(Span::styled(" Reopen a form (the newest first) ", theme.style(Role::Title)))
        .title_bottom(keys(app, room));
    cover(frame.buffer_mut(), window, between, theme.base());
    frame.render_widget(Paragraph::new(lines).style(theme.base()).block(block), window);
}

/// The time a form came back (`14:02:11`), and with the two spaces after it.
const CLOCK: usize = 8;
const TIME: usize = CLOCK + 2;

/// How many forms the list shows at once in `between`: what a page moves.
pub(super) fn shown(app: &App, between: Rect) -> usize {
    usize::from(window(app, between).height.saturating_sub(2)).max(1)
}

/// As wide as the other windows, as tall as its forms need, centred.
fn window(app: &App, between: Rect) -> Rect {
    let most = super::inset(between);
    let height = u16::try_from(app.returned.len()).unwrap_or(u16::MAX).saturating_add(2).min(most.height);
    Rect { y: most.y + (most.height - height) / 2, height, ..most }
}

/// Why a form came back, on one line: the list has a row for each. The
/// title beside it names the target, so the ids the reason adds after its
/// names are left out, and so is the "Not applied" every row would start
/// with: what went wrong then fits in the row.
fn reason(form: &Form) -> String {
    let mut why = form.not_applied.as_ref().map(NotApplied::short).unwrap_or_default();
    for id in form.kind.target_ids() {
        why = why.replace(&format!(" ({id})"), "");
    }
    why.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The window's keys, from the keymap in effect but for Enter, which
/// reopens whatever the keymap says; in the longest wording the border's
/// `room` holds, so that no key is cut from what it does.
fn keys(app: &App, room: usize) -> Line<'static> {
    let key = |verb| app.keymap.key_for(Context::Overlay, verb);
    let choose = key(Verb::Down).zip(key(Verb::Up)).map(|(down, up)| format!("{down}/{up} choose"));
    let close = key(Verb::Close);
    let wordings = [
        [choose.clone(), close.map(|close| format!("{close} closes, keeping them all"))],
        [choose, close.map(|close| format!("{close} closes"))],
        [None, close.map(|close| format!("{close} closes"))],
    ];
    let said = wordings.map(|[choose, close]| {
        let parts: Vec<String> =
            [choose, Some("Enter reopens".into()), close].into_iter().flatten().collect();
        format!(" {} ", parts.join(" · "))
    });
    let fits = said.iter().find(|text| width(text) <= room).unwrap_or(&said[said.len() - 1]);
    Line::from(Span::styled(fits.clone(), app.theme.style(Role::Muted)))
}
