//! Keys: text for the window that reads it, otherwise a verb from the
//! keymap, otherwise Shift and a column's letter to sort.

use super::{commands, form, kept_list, verbs};
use crate::ui::app::filter::Filter;
use crate::ui::app::palette::{self, Scope};
use crate::ui::app::{App, Effect, Level, Overlay, SortChange};
use crate::ui::keymap::{Context, Key, Verb};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

pub(super) fn on_key(app: &mut App, event: &KeyEvent, effects: &mut Vec<Effect>) {
    if event.kind == KeyEventKind::Release {
        return;
    }
    let key = Key::from_event(event);
    if key.alt && !Context::ALL.iter().any(|&c| app.keymap.is_bound(c, key)) {
        // A terminal sends Esc and a key pressed right after it as one
        // Alt-key press; where Alt and that key mean nothing, it was the two.
        on_key(app, &KeyEvent::new_with_kind(KeyCode::Esc, KeyModifiers::NONE, event.kind), effects);
        let mut plain = *event;
        plain.modifiers.remove(KeyModifiers::ALT);
        return on_key(app, &plain, effects);
    }
    // Suspending works over anything open, which is there again on `fg`:
    // a form or a prompt that swallowed it would take the `fg` typed next.
    if app.keymap.verb(Context::Global, key) == Some(Verb::Suspend) {
        return effects.push(Effect::Suspend);
    }
    if matches!(app.overlays.last(), Some(Overlay::Form(_) | Overlay::Confirm(_))) {
        return form::on_key(app, key, effects);
    }
    if app.overlays.last().is_some_and(Overlay::reads_keys) {
        return text_input(app, key, effects);
    }
    // Enter chooses, as it sends at a confirmation, whatever the keymap says.
    if matches!(app.overlays.last(), Some(Overlay::KeptForms { .. })) && key == Key::plain(KeyCode::Enter) {
        return kept_list::chosen(app, effects);
    }
    let context = app.context();
    let list = (context == Context::Table).then(|| app.focused_list());
    let verb = app.keymap.verb_on(context, key, list).or_else(|| {
        // On the audit log, a change or mark key says which panes it is
        // for, as the panes do for one another's keys.
        let table = (context == Context::Audit).then(|| app.keymap.verb(Context::Table, key)).flatten();
        table.filter(|verb| verb.lists().is_some())
    });
    match verb {
        Some(verb) if app.session.read_only && verb.writes() => {
            let what = match verb {
                Verb::Mark | Verb::MarkAll | Verb::ClearMarks => "marks rows for a change",
                Verb::CancelBatch => "cancels a change",
                _ => "makes changes",
            };
            app.flash(format!("Read-only: {key} {what}, and this console makes none."), Level::Info);
        }
        Some(verb) => verbs::run(app, verb, effects),
        None if context == Context::Table => {
            if let Some(letter) = key.shifted_letter() {
                verbs::resort(app, app.focused_list(), SortChange::Letter(letter));
            }
        }
        None => {}
    }
}

/// Pasted text goes where typed text would; elsewhere it means nothing.
pub(super) fn on_paste(app: &mut App, text: &str) {
    if matches!(app.overlays.last(), Some(Overlay::Form(_))) {
        return form::on_paste(app, text);
    }
    let clean: String = text.chars().filter(|c| !c.is_control()).collect();
    if let Some(line) = typed_line(app) {
        line.push_str(&clean);
        edited(app);
    }
}

fn typed_line(app: &mut App) -> Option<&mut String> {
    match app.overlays.last_mut() {
        Some(Overlay::Filter(prompt)) => Some(&mut prompt.input),
        Some(Overlay::Palette(palette)) => Some(&mut palette.input),
        _ => None,
    }
}

fn text_input(app: &mut App, key: Key, effects: &mut Vec<Effect>) {
    let ctrl_c = key.ctrl && key.code == KeyCode::Char('c');
    if matches!(app.overlays.last(), Some(Overlay::ConfirmQuit)) {
        match key.code {
            KeyCode::Char('y' | 'Y') | KeyCode::Enter => effects.push(Effect::Quit),
            // Ctrl-C at "quit?" means it.
            KeyCode::Char('c') if ctrl_c => effects.push(Effect::Quit),
            // Skip what has not started: the engine heeds a cancel until its
            // last change has ended, and records every skipped target.
            KeyCode::Char('c' | 'C') if !app.sent.unfinished_batches().is_empty() => {
                for id in app.sent.unfinished_batches() {
                    effects.extend(app.cancel(&id));
                }
                effects.push(Effect::Quit);
            }
            KeyCode::Char('n' | 'N') | KeyCode::Esc => {
                app.overlays.pop();
            }
            _ => return,
        }
        return app.touch();
    }
    // Ctrl-C backs out of typing as Esc does.
    let code = if ctrl_c { KeyCode::Esc } else { key.code };
    if code == KeyCode::Char(':') && !key.ctrl && !key.alt && restart_refused(app) {
        return edited(app);
    }
    let editing = match (code, key.ctrl) {
        (KeyCode::Char('u'), true) => typed_line(app).map(String::clear),
        (KeyCode::Char('w'), true) => typed_line(app).map(delete_word),
        (KeyCode::Char(c), false) if !key.alt => typed_line(app).map(|line| line.push(c)),
        (KeyCode::Backspace, _) => typed_line(app).map(|line| {
            line.pop();
        }),
        _ => None,
    };
    if editing.is_some() {
        return edited(app);
    }
    match app.overlays.last_mut() {
        Some(Overlay::Filter(prompt)) => match code {
            // A pattern that does not compile hides nothing: kept, it would
            // pass for a filter that works. The prompt stays, naming the
            // fault, until it is mended or Esc puts back the one before.
            KeyCode::Enter if Filter::parse(&prompt.input).error().is_some() => {}
            KeyCode::Enter => {
                let list = prompt.list;
                app.overlays.pop();
                app.list_mut(list).0.settle();
            }
            // The filter in force when the prompt opened, to edit.
            KeyCode::Up => {
                prompt.input = prompt.before.clone();
                return edited(app);
            }
            KeyCode::Esc => {
                let (list, before) = (prompt.list, prompt.before.clone());
                app.overlays.pop();
                let (nav, lookup) = app.list_mut(list);
                nav.set_filter(&before, &lookup);
                app.sync_contacts();
            }
            _ => return,
        },
        Some(Overlay::Palette(line)) => match code {
            KeyCode::Esc => {
                app.overlays.pop();
            }
            KeyCode::Up => {
                line.selected = line.selected.saturating_sub(1);
                line.chosen = true;
            }
            KeyCode::Down => choose_next(app),
            KeyCode::Tab => complete(app),
            KeyCode::Enter => run_line(app, effects),
            _ => return,
        },
        _ => return,
    }
    app.touch();
}

/// After the typed line changed: a filter applies at once; the palette
/// starts its suggestions over.
fn edited(app: &mut App) {
    match app.overlays.last_mut() {
        Some(Overlay::Filter(prompt)) => {
            let (list, input) = (prompt.list, prompt.input.clone());
            let (nav, lookup) = app.list_mut(list);
            nav.set_filter(&input, &lookup);
            app.sync_contacts();
        }
        Some(Overlay::Palette(line)) => {
            line.selected = 0;
            line.chosen = false;
            line.error = None;
        }
        _ => {}
    }
    app.touch();
}

/// Empties a command line whose last Enter was refused and that has not
/// been touched since: `:` there starts a new command, as it does on the
/// panes, rather than gluing one onto the text the refusal quoted. A line
/// edited after its refusal is the supervisor's again, so `:` is typed; so
/// is one left inside an open quote (`url="https` goes on with `://`).
fn restart_refused(app: &mut App) -> bool {
    match app.overlays.last_mut() {
        Some(Overlay::Palette(line)) if line.error.is_some() && line.input.matches('"').count() % 2 == 0 => {
            line.input.clear();
            true
        }
        _ => false,
    }
}

fn delete_word(line: &mut String) {
    let kept = line.trim_end().rfind(' ').map_or(0, |i| i + 1);
    line.truncate(kept);
}

fn scope(app: &App) -> Scope<'_> {
    palette::scope(app)
}

/// Highlights the next suggestion, stopping at the last.
fn choose_next(app: &mut App) {
    let Some(Overlay::Palette(line)) = app.overlays.last() else { return };
    let count = palette::suggestions(&line.input, &scope(app)).len();
    if let Some(Overlay::Palette(line)) = app.overlays.last_mut() {
        line.selected = (line.selected + 1).min(count.saturating_sub(1));
        line.chosen = true;
    }
}

fn complete(app: &mut App) {
    let Some(Overlay::Palette(line)) = app.overlays.last() else { return };
    let found = palette::suggestions(&line.input, &scope(app));
    let chosen = found.get(line.selected.min(found.len().saturating_sub(1))).map(|s| s.line.clone());
    if let (Some(text), Some(Overlay::Palette(line))) = (chosen, app.overlays.last_mut()) {
        line.input = text;
        line.selected = 0;
        line.chosen = false;
        line.error = None;
    }
}

/// Runs the suggestion chosen with ↑/↓; else what was typed, and when that
/// is not a whole command, the highlighted suggestion.
fn run_line(app: &mut App, effects: &mut Vec<Effect>) {
    let Some(Overlay::Palette(line)) = app.overlays.last() else { return };
    let scope = scope(app);
    let found = palette::suggestions(&line.input, &scope);
    let highlighted = found.get(line.selected.min(found.len().saturating_sub(1)));
    let parsed = match highlighted {
        Some(s) if line.chosen => palette::parse(&s.line, &scope),
        _ => palette::parse(&line.input, &scope).or_else(|error| match highlighted {
            Some(s) if !line.input.trim().is_empty() => palette::parse(&s.line, &scope).map_err(|_| error),
            _ => Err(error),
        }),
    };
    match parsed {
        Ok(command) => {
            app.overlays.pop();
            commands::run(app, command, effects);
        }
        Err(error) => {
            if let Some(Overlay::Palette(line)) = app.overlays.last_mut() {
                line.error = Some(error);
            }
        }
    }
}
