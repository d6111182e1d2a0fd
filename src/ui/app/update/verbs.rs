//! What each verb does.

use crate::engine::Command;
use crate::ui::app::{
    App, CampaignSide, Effect, FilterPrompt, Level, ListId, Overlay, Palette, PaneId, SortChange, unbound,
};
use crate::ui::entity::Lookup;
use crate::ui::keymap::{Context, Verb};
use crate::ui::layout;
use crate::ui::panes::overlays;

pub(super) fn run(app: &mut App, verb: Verb, effects: &mut Vec<Effect>) {
    if !app.overlays.is_empty() {
        overlay(app, verb, effects);
    } else {
        pane(app, verb, effects);
    }
    app.touch();
}

fn overlay(app: &mut App, verb: Verb, effects: &mut Vec<Effect>) {
    if super::kept_list::step(app, verb) {
        return;
    }
    let overlays::Scrolling { limit, page } = overlays::scrolling(app);
    let Some(top) = app.overlays.last_mut() else { return };
    if let Some(scroll) = top.scroll_mut() {
        let moved = match verb {
            Verb::Down => Some(scroll.saturating_add(1)),
            Verb::Up => Some(scroll.saturating_sub(1)),
            Verb::PageDown => Some(scroll.saturating_add(page)),
            Verb::PageUp => Some(scroll.saturating_sub(page)),
            Verb::HalfPageDown => Some(scroll.saturating_add(page / 2)),
            Verb::HalfPageUp => Some(scroll.saturating_sub(page / 2)),
            Verb::Top => Some(0),
            Verb::Bottom => Some(limit),
            _ => None,
        };
        if let Some(to) = moved {
            *scroll = to.min(limit);
            return;
        }
    }
    match verb {
        Verb::Close => {
            app.overlays.pop();
        }
        Verb::Help => toggle(app, Overlay::Help { scroll: 0 }),
        Verb::Breakdown => toggle(app, Overlay::Breakdown { scroll: 0 }),
        Verb::Quit => quit(app, effects),
        Verb::Copy => super::copy::from_window(app, effects),
        _ => {}
    }
}

/// `?` and `m` open their window, or close it when it is the one on top:
/// the key that opened a window closes it.
fn toggle(app: &mut App, window: Overlay) {
    let on_top =
        app.overlays.last().is_some_and(|top| std::mem::discriminant(top) == std::mem::discriminant(&window));
    if on_top {
        app.overlays.pop();
    } else {
        app.overlays.push(window);
    }
}

fn pane(app: &mut App, verb: Verb, effects: &mut Vec<Effect>) {
    let list = app.focused_list();
    match verb {
        Verb::Quit => quit(app, effects),
        Verb::Help => toggle(app, Overlay::Help { scroll: 0 }),
        Verb::Palette => {
            // The line completes pause reasons and codes from the tenant's rules.
            if !app.rules.all_read() {
                effects.push(Effect::Engine(Command::LoadRules));
            }
            app.overlays.push(Overlay::Palette(Palette::default()));
        }
        Verb::Focus(pane) => focus(app, pane),
        Verb::NextPane => focus(app, app.focus.next()),
        Verb::PrevPane => focus(app, app.focus.prev()),
        Verb::Freeze => freeze(app),
        Verb::Refresh => {
            effects.push(Effect::Engine(Command::Reload));
            app.flash("Refreshing every table…", Level::Info);
        }
        Verb::Breakdown => toggle(app, Overlay::Breakdown { scroll: 0 }),
        Verb::Suspend => effects.push(Effect::Suspend),
        Verb::Up => navigate(app, list, |nav, _| nav.move_by(-1)),
        Verb::Down => navigate(app, list, |nav, _| nav.move_by(1)),
        Verb::Top => navigate(app, list, |nav, _| nav.top()),
        Verb::Bottom => navigate(app, list, |nav, _| nav.bottom()),
        Verb::HalfPageDown => navigate(app, list, |nav, h| nav.move_by(half(h))),
        Verb::HalfPageUp => navigate(app, list, |nav, h| nav.move_by(-half(h))),
        Verb::PageDown => navigate(app, list, |nav, h| nav.move_by(whole(h))),
        Verb::PageUp => navigate(app, list, |nav, h| nav.move_by(-whole(h))),
        Verb::Filter => {
            // Opens empty, as lazygit's filter does, and filters as typed
            // from there: a letter starts a new filter instead of going on
            // the end of the one in force, which ↑ brings back to edit.
            let before = app.list(list).filter_input().to_string();
            app.overlays.push(Overlay::Filter(FilterPrompt { list, input: String::new(), before }));
            let (nav, lookup) = app.list_mut(list);
            nav.set_filter("", &lookup);
            app.sync_contacts();
        }
        Verb::ClearFilter => {
            let (nav, lookup) = app.list_mut(list);
            if !nav.filter_input().is_empty() {
                nav.set_filter("", &lookup);
                app.sync_contacts();
            }
        }
        Verb::Open => open(app, list),
        Verb::Copy => super::copy::from_list(app, list, effects),
        Verb::SortNext => resort(app, list, SortChange::Next),
        Verb::SortReverse => resort(app, list, SortChange::Reverse),
        Verb::FocusLeft if app.focus == PaneId::Campaigns => app.campaign_side = CampaignSide::Campaigns,
        Verb::FocusRight if app.focus == PaneId::Campaigns => app.campaign_side = CampaignSide::Contacts,
        Verb::Follow => app.audit.follow_newest(),
        Verb::Mark | Verb::MarkAll | Verb::ClearMarks => mark(app, verb, list),
        Verb::ChangeState
        | Verb::Dispose
        | Verb::Attributes
        | Verb::Simulate
        | Verb::Deploy
        | Verb::NewVersion
        | Verb::Deprecate
        | Verb::ActionMetrics => super::compose::open(app, verb, effects),
        Verb::CancelBatch => cancel_batch(app, effects),
        Verb::Reopen => super::reopen::reopen(app, effects),
        Verb::FocusLeft
        | Verb::FocusRight
        | Verb::Close
        | Verb::FormSubmit
        | Verb::FormCancel
        | Verb::FormNext
        | Verb::FormPrev
        | Verb::FormAddRow
        | Verb::FormRemoveRow => {}
    }
}

/// Space, `*` and `u`: marks for a batch change.
fn mark(app: &mut App, verb: Verb, list: ListId) {
    if !verb.acts_on(list) {
        let key = app.key_or_name(Context::Table, verb);
        let lists = app.lists_and_ways(verb.lists().unwrap_or(&[]), false);
        let text = format!("{key}: marks are for batch changes to {lists}; {} takes none.", list.title());
        return app.flash(text, Level::Info);
    }
    let noun = list.title().to_lowercase();
    match verb {
        Verb::Mark => {
            if app.list_mut(list).0.toggle_pick().is_some() {
                navigate(app, list, |nav, _| nav.move_by(1));
            }
        }
        Verb::MarkAll => {
            let n = app.list_mut(list).0.pick_shown();
            let change = if list == ListId::Agents { Verb::ChangeState } else { Verb::Dispose };
            let then = match app.key_hint(Context::Table, change) {
                Some(way) => format!(". {way} changes them all."),
                None => format!("; {}.", unbound(change)),
            };
            let n = crate::ui::panes::format::count(n as u64);
            app.flash(format!("Marked {n} {noun} (every row shown){then}"), Level::Info);
        }
        _ => {
            let n = app.list_mut(list).0.clear_picks();
            app.flash(format!("Cleared {n} mark(s) on {noun}."), Level::Info);
        }
    }
}

/// Stops the newest batch still running.
pub(super) fn cancel_batch(app: &mut App, effects: &mut Vec<Effect>) {
    match app.sent.newest_batch() {
        Some(id) => {
            let label = app.sent.label(&id).to_string();
            effects.extend(app.cancel(&id));
            app.flash(format!("Cancelling {label}: targets not yet started will be skipped."), Level::Warn);
        }
        None => app.flash("No batch is running.", Level::Info),
    }
}

pub(super) fn quit(app: &mut App, effects: &mut Vec<Effect>) {
    if app.sent.in_flight().next().is_none() || app.engine_stopped {
        effects.push(Effect::Quit);
    } else if !matches!(app.overlays.last(), Some(Overlay::ConfirmQuit)) {
        app.overlays.push(Overlay::ConfirmQuit);
    }
}

pub(super) fn focus(app: &mut App, pane: PaneId) {
    app.focus = pane;
    app.look_at(pane);
    if pane.is_entity() {
        app.main = pane;
    }
    app.touch();
}

pub(super) fn freeze(app: &mut App) {
    app.frozen = !app.frozen;
    if app.frozen {
        super::engine::frozen_behind(app);
        let text = match app.way_to(Context::Global, Verb::Freeze) {
            Some(way) => format!("Frozen: refreshes are held until you {} again.", way.instruction()),
            None => format!("Frozen: refreshes are held until you thaw ({}).", unbound(Verb::Freeze)),
        };
        app.flash(text, Level::Info);
        return;
    }
    let now = app.clock.mono;
    // The rows still behind get the time a change gets to be read again,
    // from now: the tables they were held in may have been read before it.
    app.lagging.held_until(now);
    let mut thawed = super::engine::thaw_agents(app);
    let lookup = Lookup { now: app.clock.wall, names: &app.directory };
    thawed |= app.interactions.thaw(&lookup, now);
    thawed |= app.campaigns.thaw(&lookup, now);
    thawed |= app.contacts.thaw(&lookup, now);
    thawed |= app.data_actions.thaw(&lookup, now);
    super::engine::campaigns_changed(app);
    super::engine::contacts_changed(app);
    let text =
        if thawed { "Thawed: the newest data is shown." } else { "Thawed: nothing changed meanwhile." };
    app.flash(text, Level::Info);
}

fn half(height: usize) -> isize {
    isize::try_from((height / 2).max(1)).unwrap_or(isize::MAX)
}

fn whole(height: usize) -> isize {
    isize::try_from(height.max(1)).unwrap_or(isize::MAX)
}

/// Moves in a list, then scrolls it so the selection shows.
fn navigate(app: &mut App, list: ListId, step: impl FnOnce(&mut dyn crate::ui::app::ListNav, usize)) {
    let height = layout::list_height(app, list);
    let (nav, _) = app.list_mut(list);
    step(nav, height);
    nav.keep_visible(height);
    if list == ListId::Campaigns {
        app.sync_contacts();
    }
}

fn open(app: &mut App, list: ListId) {
    match list {
        ListId::Audit => {
            if let Some(serial) = app.audit.selected_serial() {
                app.overlays.push(Overlay::AuditRecord { serial, scroll: 0 });
            }
        }
        // As a change key says, rather than a window with nothing in it.
        _ => match app.list(list).noun().filter(|_| app.list(list).selected_id().is_none()) {
            Some(noun) => app.flash(format!("No {noun} is selected."), Level::Info),
            None => app.overlays.push(Overlay::Detail { list, scroll: 0 }),
        },
    }
}

/// Re-sorts a table; the audit log keeps its time order.
pub(super) fn resort(app: &mut App, list: ListId, change: SortChange) {
    let (nav, lookup) = app.list_mut(list);
    if nav.resort(change, &lookup) {
        after_sort(app, list);
    }
}

fn after_sort(app: &mut App, list: ListId) {
    let height = layout::list_height(app, list);
    app.list_mut(list).0.keep_visible(height);
    app.touch();
}
