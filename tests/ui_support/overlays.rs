//! What is on top of the console: the form, the confirmation, and what a
//! key sent to the engine.

use super::{press, render, type_text};
use cxone_console::engine::{Change, Command, CommandId};
use cxone_console::ui::app::{App, Confirm, Effect, Overlay};
use cxone_console::ui::forms::Form;

pub fn form(app: &App) -> &Form {
    match app.overlays.last() {
        Some(Overlay::Form(form)) => form,
        other => panic!("expected a form on top, found {other:?}"),
    }
}

pub fn confirmation(app: &App) -> &Confirm {
    match app.overlays.last() {
        Some(Overlay::Confirm(confirm)) => confirm,
        _ => panic!("expected a confirmation on top:\n{}", render(app)),
    }
}

pub fn submitted(effects: &[Effect]) -> Vec<(CommandId, Change)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Engine(Command::Submit { id, change }) => Some((id.clone(), change.clone())),
            _ => None,
        })
        .collect()
}

/// Moves down the form by `tabs` to its agent field, types `agent` there
/// and asks for the review.
pub fn review_with_agent(app: &mut App, tabs: &[&str], agent: &str) {
    press(app, tabs);
    type_text(app, agent);
    press(app, &["enter"]);
}
