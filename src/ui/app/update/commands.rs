//! What the `:` command line's commands do.

use super::verbs;
use crate::engine::Command;
use crate::sandbox::FaultProfile;
use crate::ui::app::{App, Effect, Level, ListId, Overlay, PaletteCommand, PaneId};
use crate::ui::entity::Lookup;
use crate::ui::layout;

pub(super) fn run(app: &mut App, command: PaletteCommand, effects: &mut Vec<Effect>) {
    match command {
        PaletteCommand::Pane(pane, side) => {
            verbs::focus(app, pane);
            if pane == PaneId::Campaigns {
                app.campaign_side = side;
            }
        }
        PaletteCommand::Agent(id) => jump_to_agent(app, &id),
        PaletteCommand::Faults(profile) => {
            effects.push(Effect::SetFaults(profile));
            let name = match profile {
                FaultProfile::None => "no faults",
                FaultProfile::Light => "the light fault mix",
                FaultProfile::Storm => "the storm fault mix",
            };
            app.flash(format!("Asking the sandbox for {name}…"), Level::Info);
        }
        PaletteCommand::Refresh => {
            effects.push(Effect::Engine(Command::Refresh));
            app.flash("Refreshing every table…", Level::Info);
        }
        PaletteCommand::Freeze => verbs::freeze(app),
        PaletteCommand::Help => app.overlays.push(Overlay::Help { scroll: 0 }),
        PaletteCommand::Quit => verbs::quit(app, effects),
    }
    app.touch();
}

/// Shows the agents pane with the agent selected, clearing a filter that
/// would hide them.
fn jump_to_agent(app: &mut App, id: &str) {
    verbs::focus(app, PaneId::Agents);
    if !app.agents.select_id(id) {
        let lookup = Lookup { now: app.clock.wall, agents: &app.directory };
        app.agents.set_filter("", &lookup);
        if !app.agents.select_id(id) {
            app.flash("That agent is no longer in the table.", Level::Warn);
            return;
        }
    }
    let height = layout::list_height(app, ListId::Agents);
    app.agents.keep_visible(height);
}
