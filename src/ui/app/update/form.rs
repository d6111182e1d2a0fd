//! Keys in a form and in its confirmation: the form's own keys from the
//! keymap, then editing the focused field; the confirmation's fixed y/n.

use super::compose;
use crate::ui::app::TableView;
use crate::ui::app::{App, Effect, Overlay};
use crate::ui::entity::Entity;
use crate::ui::forms::{Form, Input, Kind};
use crate::ui::keymap::{Context, Key, Verb};
use crossterm::event::KeyCode;

pub(super) fn on_key(app: &mut App, key: Key, effects: &mut Vec<Effect>) {
    match app.overlays.last() {
        Some(Overlay::Confirm(_)) => confirm_key(app, key, effects),
        Some(Overlay::Form(form)) if form.discarding => discard_key(app, key),
        Some(Overlay::Form(_)) => form_key(app, key, effects),
        _ => {}
    }
    app.touch();
}

/// Text pasted into the focused field.
pub(super) fn on_paste(app: &mut App, text: &str) {
    let facts_changed = {
        let Some(Overlay::Form(form)) = app.overlays.last_mut() else { return };
        match form.focused().map(|f| (&mut f.input, &mut f.touched)) {
            Some((Input::Text(input), touched)) => {
                input.paste(text);
                *touched = true;
                true
            }
            _ => false,
        }
    };
    if facts_changed {
        recheck(app);
    }
}

fn confirm_key(app: &mut App, key: Key, effects: &mut Vec<Effect>) {
    let back = key.ctrl && key.code == KeyCode::Char('c');
    match key.code {
        KeyCode::Char('y' | 'Y') | KeyCode::Enter if !key.ctrl => compose::confirmed(app, effects),
        KeyCode::Char('n' | 'N') | KeyCode::Esc => {
            app.overlays.pop();
        }
        _ if back => {
            app.overlays.pop();
        }
        KeyCode::Char('j') | KeyCode::Down => scroll(app, |_| 1),
        KeyCode::Char('k') | KeyCode::Up => scroll(app, |_| -1),
        KeyCode::PageDown | KeyCode::Char(' ') => scroll(app, |page| page),
        KeyCode::PageUp => scroll(app, |page| -page),
        _ => {}
    }
}

/// Scrolls the confirmation by `by` lines, given the lines of a page.
fn scroll(app: &mut App, by: impl Fn(isize) -> isize) {
    let crate::ui::panes::overlays::Scrolling { limit, page } = crate::ui::panes::overlays::scrolling(app);
    if let Some(Overlay::Confirm(confirm)) = app.overlays.last_mut() {
        let delta = by(isize::try_from(page).unwrap_or(isize::MAX));
        confirm.scroll = confirm.scroll.saturating_add_signed(delta).min(limit);
    }
}

fn discard_key(app: &mut App, key: Key) {
    let Some(Overlay::Form(form)) = app.overlays.last_mut() else { return };
    // Ctrl-C backs out of the question as Esc does: what was typed stays.
    let back = key.ctrl && key.code == KeyCode::Char('c');
    match key.code {
        KeyCode::Char('y' | 'Y') if !key.ctrl => {
            app.overlays.pop();
        }
        // Enter takes the safe answer: a form is not thrown away by the key
        // that sends one from its confirmation.
        KeyCode::Char('n' | 'N') | KeyCode::Esc | KeyCode::Enter => form.discarding = false,
        _ if back => form.discarding = false,
        _ => {}
    }
}

fn form_key(app: &mut App, key: Key, effects: &mut Vec<Effect>) {
    let verb = app.keymap.verb(Context::Form, key);
    let Some(Overlay::Form(form)) = app.overlays.last_mut() else { return };
    match verb {
        Some(Verb::FormSubmit) => compose::review(app, effects),
        Some(Verb::FormCancel) if form.not_applied.is_some() => super::reopen::put_back(app),
        Some(Verb::FormCancel) if form.is_touched() => form.discarding = true,
        Some(Verb::FormCancel) => {
            app.overlays.pop();
        }
        Some(Verb::FormNext) => form.move_focus(1),
        Some(Verb::FormPrev) => form.move_focus(-1),
        Some(Verb::FormAddRow) => {
            if form.add_row() {
                recheck(app);
            }
        }
        Some(Verb::FormRemoveRow) => {
            if form.remove_row() {
                form.refused = None;
                recheck(app);
            }
        }
        _ => {
            let before = form.check.problems.clone();
            if edit(form, key) {
                recheck(app);
                // An edit that makes another field wrong (Break needs a pause
                // reason; a range's start typed past its end) says so at
                // once, not when that field is visited.
                if let Some(Overlay::Form(form)) = app.overlays.last_mut() {
                    form.reveal_new_problems(&before);
                }
            }
        }
    }
}

/// Applies `key` to the focused field; true when its value changed.
fn edit(form: &mut Form, key: Key) -> bool {
    let Some(field) = form.focused() else { return false };
    let changed = match &mut field.input {
        Input::Text(input) => {
            let before = input.clone();
            match (key.code, key.ctrl) {
                (KeyCode::Char('u'), true) => input.clear_before(),
                (KeyCode::Char('w'), true) => input.delete_word(),
                (KeyCode::Char('a'), true) | (KeyCode::Home, _) => input.home(),
                (KeyCode::Char('e'), true) | (KeyCode::End, _) => input.end(),
                (KeyCode::Char(c), false) if !key.alt => input.insert(c),
                (KeyCode::Backspace, _) => input.backspace(),
                (KeyCode::Delete, _) => input.delete(),
                (KeyCode::Left, _) => input.left(),
                (KeyCode::Right, _) => input.right(),
                _ => {}
            }
            // Moving the cursor is not a change.
            input.text() != before.text()
        }
        Input::Choice(choice) => match key.code {
            KeyCode::Left => {
                choice.cycle(-1);
                true
            }
            KeyCode::Right | KeyCode::Char(' ') => {
                choice.cycle(1);
                true
            }
            KeyCode::Char(c) if !key.ctrl && !key.alt => choice.jump(c),
            _ => false,
        },
        Input::Toggle(on) => match key.code {
            KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right => {
                *on = !*on;
                true
            }
            _ => false,
        },
    };
    if changed {
        field.touched = true;
    }
    changed
}

/// Checks the form on top again, after an edit.
pub(super) fn recheck(app: &mut App) {
    recheck_with(app, false);
}

/// Checks the form on top again after new facts; its targets take their
/// newest state, so the confirmation's "before" is current.
pub(super) fn renewed(app: &mut App) {
    recheck_with(app, true);
}

fn recheck_with(app: &mut App, renew_targets: bool) {
    let Some(pos) = app.overlays.iter().rposition(|o| matches!(o, Overlay::Form(_))) else { return };
    let Overlay::Form(mut form) = app.overlays.remove(pos) else { return };
    if renew_targets {
        match &mut form.kind {
            Kind::AgentStatus(rows) => renew(rows, &app.agents),
            Kind::InteractionDisposition(rows) | Kind::Attributes(rows) => renew(rows, &app.interactions),
            Kind::ContactDisposition(rows) => renew(rows, &app.contacts),
            // A version or a deprecation is checked against the action as
            // it is now: another tool may have moved it since the form opened.
            Kind::NewVersion(action) | Kind::Deprecate(action) | Kind::Metrics(action) => {
                renew(std::slice::from_mut(action.as_mut()), &app.data_actions)
            }
            // A namesake may have been deployed since, or the one warned of removed.
            Kind::Deploy(deployed) => *deployed = app.data_actions.rows().to_vec(),
            Kind::Simulate => {}
        }
    }
    form.recheck(&app.facts());
    app.overlays.insert(pos, Overlay::Form(form));
    compose::renew_review(app);
    app.touch();
}

/// Checks an open agent-state form again as time passes: a wrap-up or a
/// shift that ends changes what its review foretells.
pub(super) fn clock_moved(app: &mut App) {
    let open =
        app.overlays.iter().any(|o| matches!(o, Overlay::Form(f) if matches!(f.kind, Kind::AgentStatus(_))));
    if open {
        recheck(app);
    }
}

/// Replaces each target with the same entity in the newest snapshot, when
/// it is still there: the same id in the same group (a contact's id is its
/// campaign's, and another campaign may hold one like it).
fn renew<T: Entity + Clone>(targets: &mut [T], view: &TableView<T>) {
    let index = view.index();
    for target in targets {
        if let Some(row) = index.find(target.group(), target.id()) {
            target.clone_from(row);
        }
    }
}
