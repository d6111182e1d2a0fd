//! Keys in the list of kept forms: the keymap's window keys move through
//! it and close it, keeping every form; Enter reopens the one chosen.

use crate::ui::app::{App, Effect, Overlay};
use crate::ui::keymap::Verb;
use crate::ui::panes::overlays;

/// Moves the choice by `verb` when the list is on top; false when it is
/// not, or `verb` does not move it.
pub(super) fn step(app: &mut App, verb: Verb) -> bool {
    let Some(&Overlay::KeptForms { selected }) = app.overlays.last() else { return false };
    let page = overlays::kept_forms_shown(app);
    let last = app.returned.len().saturating_sub(1);
    let to = match verb {
        Verb::Down => selected.saturating_add(1),
        Verb::Up => selected.saturating_sub(1),
        Verb::PageDown => selected.saturating_add(page),
        Verb::PageUp => selected.saturating_sub(page),
        Verb::HalfPageDown => selected.saturating_add((page / 2).max(1)),
        Verb::HalfPageUp => selected.saturating_sub((page / 2).max(1)),
        Verb::Top => 0,
        Verb::Bottom => last,
        _ => return false,
    };
    if let Some(Overlay::KeptForms { selected }) = app.overlays.last_mut() {
        *selected = to.min(last);
    }
    true
}

/// Enter: the list closes and the chosen form opens, as the only kept form
/// would.
pub(super) fn chosen(app: &mut App, effects: &mut Vec<Effect>) {
    let top = app.overlays.pop_if(|top| matches!(top, Overlay::KeptForms { .. }));
    if let Some(Overlay::KeptForms { selected }) = top {
        super::reopen::open(app, selected, effects);
    }
    app.touch();
}
