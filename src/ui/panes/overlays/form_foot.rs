//! A form's foot: the lines kept in view below its fields, and its bottom
//! border, which holds its keys or the question before discarding it.

use crate::ui::app::App;
use crate::ui::forms::{Form, Input, Plan};
use crate::ui::keymap::{Context, Verb};
use crate::ui::theme::{Role, Theme};
use crate::ui::widgets::fit::{width, wrap};
use crate::ui::widgets::hints;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// The lines kept at the window's foot, after a blank line, since they are
/// about the whole form and would scroll out of a long one (an attributes
/// form of 51 rows): why Enter sent nothing and why the change last sent
/// from the form was not applied first, as a short window cuts from the
/// bottom; then the problems of no one field and what the review will note
/// of the targets.
pub(super) fn pinned(form: &Form, room: usize, theme: &Theme) -> Vec<Line<'static>> {
    let (error, warn) = (theme.style(Role::Error), theme.style(Role::Warn));
    // A refusal that is one problem of no field says it whole already.
    let said_whole = |problem: &String| {
        form.check.problems.len() == 1
            && form.refused.as_deref().is_some_and(|r| r.contains(problem.as_str()))
    };
    let general = form
        .general_problems()
        .into_iter()
        .filter(|problem| !said_whole(problem))
        .map(|problem| (format!("✕ {problem}"), error));
    let foreseen = form.check.plan.as_ref().and_then(Plan::foreseen).map(|text| (text, warn));
    let not_applied = form.not_applied.as_ref().map(|n| (n.line(), warn));
    let refused = form.refused.clone().map(|text| (text, warn));
    let said: Vec<(String, Style)> =
        refused.into_iter().chain(not_applied).chain(general).chain(foreseen).collect();
    if said.is_empty() {
        return Vec::new();
    }
    let lines = said.into_iter().flat_map(|(text, style)| {
        wrap(&text, room).into_iter().map(move |part| Line::from(Span::styled(part, style)))
    });
    std::iter::once(Line::default()).chain(lines).collect()
}

/// The bottom line: the discard question, or the form's keys. The line is
/// the border's, one row in `room` columns: short of room it drops whole
/// hints, review and cancel last.
pub(super) fn keys(app: &App, form: &Form, room: usize) -> Line<'static> {
    let theme = &app.theme;
    if form.discarding {
        return discard_question(theme, room);
    }
    // (keys, label, rank): 0 stays longest.
    let mut hints: Vec<(String, String, u8)> = Vec::new();
    for hint in app.keymap.hints(Context::Form, app.session.read_only) {
        if !form.offers(hint.verb) {
            continue;
        }
        let rank = match hint.verb {
            Verb::FormSubmit | Verb::FormCancel => 0,
            Verb::FormNext => 2,
            _ => 3,
        };
        hints.push((hint.keys, hint.label, rank));
    }
    let choosing =
        matches!(form.fields.get(form.focus).map(|f| &f.input), Some(Input::Choice(_) | Input::Toggle(_)));
    if choosing {
        hints.push(("←→/Space".into(), "choose".into(), 1));
    }
    // Each hint with the " · " after it; the last needs none, and the
    // line's leading space does.
    let costs: Vec<(usize, u8)> =
        hints.iter().map(|(keys, label, rank)| (width(keys) + 1 + width(label) + 3, *rank)).collect();
    let kept = hints::keep(&costs, room + 2);
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for ((keys, label, _), _) in hints.into_iter().zip(kept).filter(|(_, kept)| *kept) {
        if spans.len() > 1 {
            spans.push(Span::styled(" · ", theme.style(Role::Muted)));
            used += 3;
        }
        used += width(&keys) + 1 + width(&label);
        spans.push(Span::styled(keys, theme.style(Role::Key)));
        spans.push(Span::styled(format!(" {label}"), theme.style(Role::Muted)));
    }
    if used < room {
        spans.push(Span::raw(" "));
    }
    Line::from(spans)
}

/// The question asked before a typed form is thrown away, in the longest
/// wording `room` holds: it has the border's one row, and a question cut
/// short would leave the supervisor guessing which key does what.
fn discard_question(theme: &Theme, room: usize) -> Line<'static> {
    // (question, yes key, after it, no key, after it). Enter keeps editing,
    // the safe choice, and says so while there is room; so does Esc, as the
    // bottom line says.
    const WORDINGS: [(&str, &str, &str, &str, &str); 5] = [
        (" Discard what you typed? ", "y", " discards · ", "n/Enter/Esc", " keep editing "),
        (" Discard? ", "y", " discards · ", "n/Enter/Esc", " keep editing "),
        (" Discard? ", "y", " discards · ", "n/Enter", " keeps editing "),
        (" Discard? ", "y", " yes · ", "n/Enter", " no "),
        (" Discard? ", "y", "/", "n", " "),
    ];
    let fits = |w: &(&str, &str, &str, &str, &str)| {
        width(w.0) + width(w.1) + width(w.2) + width(w.3) + width(w.4) <= room
    };
    let (question, yes_key, yes, no_key, no) =
        WORDINGS.iter().find(|w| fits(w)).unwrap_or(&WORDINGS[WORDINGS.len() - 1]);
    Line::from(vec![
        Span::styled(*question, theme.style(Role::Warn)),
        Span::styled(*yes_key, theme.style(Role::Key)),
        Span::raw(*yes),
        Span::styled(*no_key, theme.style(Role::Key)),
        Span::raw(*no),
    ])
}
