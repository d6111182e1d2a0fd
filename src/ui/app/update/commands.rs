//! What the `:` command line's commands do.

use super::{compose, verbs};
use crate::engine::{Change, Command, CommandId, RowKey};
use crate::sandbox::FaultProfile;
use crate::ui::app::{App, Effect, Level, ListId, Overlay, PaletteCommand, PaneId, Pending, Results};
use crate::ui::entity::Lookup;
use crate::ui::forms;
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
        PaletteCommand::State { .. } if !on(app, "state sets the state of", ListId::Agents) => {}
        PaletteCommand::State { status, reason } => match compose::targets(app, ListId::Agents) {
            Ok(t) => {
                let form = forms::agent_status(t.agents, Some(&status), reason.as_deref(), &app.rules);
                compose::show_and_review(app, form, effects);
            }
            Err(why) => app.flash(why, Level::Warn),
        },
        PaletteCommand::Dispose(code) => dispose(app, &code, effects),
        PaletteCommand::Attr(_) if !on(app, "attr changes the attributes of", ListId::Interactions) => {}
        PaletteCommand::Attr(pairs) => match compose::targets(app, ListId::Interactions) {
            Ok(t) => {
                let form = forms::attributes(t.interactions, &pairs);
                if pairs.is_empty() {
                    compose::show(app, form, effects);
                } else {
                    compose::show_and_review(app, form, effects);
                }
            }
            Err(why) => app.flash(why, Level::Warn),
        },
        PaletteCommand::Simulate => compose::show(app, compose::simulate(app), effects),
        PaletteCommand::Deploy => {
            compose::show(app, forms::deploy(app.data_actions.rows().to_vec()), effects)
        }
        PaletteCommand::Watch => watch(app, effects),
        PaletteCommand::Resend => resend(app, effects),
        PaletteCommand::Outbox => list_webhooks(app, effects),
        PaletteCommand::Results => {
            let title = format!(
                "Results of this session ({})",
                crate::ui::panes::format::count(app.results.len() as u64)
            );
            // Each result is "HH:MM:SS  what": its lines continue under the what.
            let text = app.results.text();
            app.overlays.push(Overlay::Result { title, text, hang: Results::HANG, scroll: 0 });
        }
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
            effects.push(Effect::Engine(Command::Reload));
            app.flash("Refreshing every table…", Level::Info);
        }
        PaletteCommand::Freeze => verbs::freeze(app),
        PaletteCommand::Cancel => verbs::cancel_batch(app, effects),
        PaletteCommand::Reopen => super::reopen::reopen(app, effects),
        PaletteCommand::Help => app.overlays.push(Overlay::Help { scroll: 0 }),
        PaletteCommand::Quit => verbs::quit(app, effects),
    }
    app.touch();
}

/// Asks the engine to register for attribute callbacks; its answer (and
/// later each callback) arrives as a flash.
fn watch(app: &mut App, effects: &mut Vec<Effect>) {
    let id = CommandId::random();
    app.sent.sent(id.clone(), Pending::new("Attribute callbacks", true));
    effects.push(Effect::Engine(Command::Submit { id, change: Change::WatchAttributes }));
    app.flash("Registering for the tenant's attribute callbacks…", Level::Info);
}

/// Asks the engine to put the webhooks given up on back in line; its
/// answer, how many, arrives as a flash.
fn resend(app: &mut App, effects: &mut Vec<Effect>) {
    let id = CommandId::random();
    app.sent.sent(id.clone(), Pending::new("Webhooks", false));
    effects.push(Effect::Engine(Command::ResendWebhooks { id, only: None }));
    app.flash("Putting the webhooks given up on back in line…", Level::Info);
}

/// Asks the engine what waits in the outbox and what was given up on; the
/// answer opens in a window.
fn list_webhooks(app: &mut App, effects: &mut Vec<Effect>) {
    let id = CommandId::random();
    app.sent.sent(id.clone(), Pending::new("Webhooks", false));
    effects.push(Effect::Engine(Command::ListWebhooks { id }));
}

/// Whether the focused pane is `list`; if not, says that the command acts
/// on `list` and how to get there, as a change key does there: acting from
/// another pane would change rows the supervisor is not looking at (the
/// newest interaction, say, in a table that changes every second).
fn on(app: &mut App, does: &str, list: ListId) -> bool {
    if app.focused_list() == list {
        return true;
    }
    let text =
        format!("{does} {}; this is {}.", app.lists_and_ways(&[list], false), app.focused_list().title());
    app.flash(text, Level::Info);
    false
}

/// A disposition where the keys are: on contacts when the campaigns pane
/// has them, else on interactions.
fn dispose(app: &mut App, code: &str, effects: &mut Vec<Effect>) {
    let list = match app.focused_list() {
        ListId::Contacts | ListId::Campaigns => ListId::Contacts,
        ListId::Interactions => ListId::Interactions,
        _ => {
            let interactions = app.lists_and_ways(&[ListId::Interactions], false);
            let contacts = app.lists_and_ways(&[ListId::Contacts], false);
            let text = format!("dispose sets a disposition on {interactions} or an outcome on {contacts}.");
            return app.flash(text, Level::Info);
        }
    };
    match compose::targets(app, list) {
        Ok(t) if list == ListId::Contacts => {
            app.campaign_side = crate::ui::app::CampaignSide::Contacts;
            let form = forms::contact_disposition(t.contacts, Some(code), app.campaigns.rows());
            compose::show_and_review(app, form, effects);
        }
        Ok(t) => {
            let form = forms::interaction_disposition(t.interactions, Some(code), &app.rules);
            compose::show_and_review(app, form, effects);
        }
        Err(why) => app.flash(why, Level::Warn),
    }
}

/// Shows the agents pane with the agent selected, clearing a filter that
/// would hide them.
fn jump_to_agent(app: &mut App, id: &str) {
    verbs::focus(app, PaneId::Agents);
    let key = RowKey::new(None, id);
    if !app.agents.select_key(&key) {
        let lookup = Lookup { now: app.clock.wall, names: &app.directory };
        app.agents.set_filter("", &lookup);
        if !app.agents.select_key(&key) {
            app.flash("That agent is no longer in the table.", Level::Warn);
            return;
        }
    }
    let height = layout::list_height(app, ListId::Agents);
    app.agents.keep_visible(height);
}
