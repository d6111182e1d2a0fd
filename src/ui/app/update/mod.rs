//! The one function that changes the console's state.

mod commands;
mod compose;
mod copy;
mod engine;
mod form;
mod kept_list;
mod keys;
mod mouse;
mod reopen;
mod results;
mod verbs;

use super::{Action, App, Clock, Effect, Level, ListId, PaneId};
use crate::ui::layout;

/// Applies one action; returns what the driver must do about it.
pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    let mut effects = Vec::new();
    match action {
        Action::Key(key) => keys::on_key(app, &key, &mut effects),
        Action::Paste(text) => keys::on_paste(app, &text),
        Action::Mouse(mouse) => mouse::on_mouse(app, &mouse),
        Action::Resize(size) => {
            app.size = size;
            keep_in_view(app);
            app.touch();
        }
        Action::Tick(clock) => tick(app, clock),
        Action::Engine(event) => engine::on_event(app, event, &mut effects),
        Action::EngineStopped => {
            app.engine_stopped = true;
            app.touch();
        }
        Action::Run(verb) => verbs::run(app, verb, &mut effects),
        Action::Command(command) => commands::run(app, command, &mut effects),
        Action::FaultsSet(Ok(text)) => app.flash(text, Level::Ok),
        Action::FaultsSet(Err(text)) => app.flash(text, Level::Error),
    }
    effects
}

/// Time passes: messages and marks fade, ages grow.
fn tick(app: &mut App, clock: Clock) {
    let before = app.clock;
    app.clock = clock;
    if app.flash.as_ref().is_some_and(|f| f.is_over(clock.mono)) {
        app.flash = None;
        app.touch();
    }
    let faded = [
        app.agents.expire_marks(clock.mono),
        app.interactions.expire_marks(clock.mono),
        app.campaigns.expire_marks(clock.mono),
        app.contacts.expire_marks(clock.mono),
        app.data_actions.expire_marks(clock.mono),
    ];
    if faded.contains(&true) {
        app.touch();
    }
    // Frozen, the tables read nothing: a row changed by this session stays
    // behind however long the freeze lasts, and nothing is foretold from it.
    if !app.frozen && app.lagging.expire(clock.mono) {
        form::recheck(app);
    }
    // Agents show their time in state to the second; the header's clock
    // shows minutes.
    let minute_changed = before.wall.unix_timestamp() / 60 != clock.wall.unix_timestamp() / 60;
    if minute_changed || (clock.second_changed(&before) && app.main == PaneId::Agents) {
        app.touch();
    }
    if clock.second_changed(&before) {
        form::clock_moved(app);
        // A wait's countdown, and its words going once it is over.
        if app.sent.any_waiting(before.mono) {
            app.touch();
        }
        // The gauges age the oldest webhook waiting to the second.
        if app.outbox.as_ref().is_some_and(|status| status.backlog > 0) {
            app.touch();
        }
    }
}

/// Keeps every list's selection inside its window (after a resize or a
/// change of rows).
fn keep_in_view(app: &mut App) {
    for list in [
        ListId::Agents,
        ListId::Interactions,
        ListId::Campaigns,
        ListId::Contacts,
        ListId::DataActions,
        ListId::Audit,
    ] {
        let height = layout::list_height(app, list);
        if height > 0 {
            app.list_mut(list).0.keep_visible(height);
        }
    }
}
