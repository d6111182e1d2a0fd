//! The mouse: a click selects the row under it and focuses its pane; the
//! wheel moves through the list under the pointer, or scrolls a window.

use super::verbs;
use crate::ui::app::{App, CampaignSide, ListId, PaneId};
use crate::ui::layout;
use crate::ui::panes::overlays;
use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Position;

/// Rows the wheel moves per notch.
const WHEEL_STEP: isize = 3;

pub(super) fn on_mouse(app: &mut App, mouse: &MouseEvent) {
    let at = Position { x: mouse.column, y: mouse.row };
    let limit = overlays::scrolling(app).limit;
    if let Some(top) = app.overlays.last_mut() {
        if let Some(scroll) = top.scroll_mut() {
            match mouse.kind {
                MouseEventKind::ScrollDown => *scroll = (*scroll + WHEEL_STEP.unsigned_abs()).min(limit),
                MouseEventKind::ScrollUp => *scroll = scroll.saturating_sub(WHEEL_STEP.unsigned_abs()),
                _ => return,
            }
            app.touch();
        }
        return;
    }
    let Some(list) = list_at(app, at) else { return };
    match mouse.kind {
        MouseEventKind::ScrollDown => wheel(app, list, WHEEL_STEP),
        MouseEventKind::ScrollUp => wheel(app, list, -WHEEL_STEP),
        MouseEventKind::Down(MouseButton::Left) => click(app, list, at),
        _ => return,
    }
    if list == ListId::Campaigns {
        app.sync_contacts();
    }
    app.touch();
}

/// The list drawn under the pointer.
fn list_at(app: &App, at: Position) -> Option<ListId> {
    let screen = layout::screen(app.area(), app);
    let candidates = match app.main {
        PaneId::Campaigns => [ListId::Campaigns, ListId::Contacts, ListId::Audit],
        PaneId::Agents => [ListId::Agents, ListId::Audit, ListId::Audit],
        PaneId::Interactions => [ListId::Interactions, ListId::Audit, ListId::Audit],
        PaneId::DataActions => [ListId::DataActions, ListId::Audit, ListId::Audit],
        PaneId::Audit => [ListId::Audit; 3],
    };
    candidates.into_iter().find(|&list| layout::list_area(app, &screen, list).is_some_and(|a| a.contains(at)))
}

fn wheel(app: &mut App, list: ListId, delta: isize) {
    let height = layout::list_height(app, list);
    let (nav, _) = app.list_mut(list);
    nav.move_by(delta);
    nav.keep_visible(height);
}

fn click(app: &mut App, list: ListId, at: Position) {
    verbs::focus(app, list.pane());
    match list {
        ListId::Campaigns => app.campaign_side = CampaignSide::Campaigns,
        ListId::Contacts => app.campaign_side = CampaignSide::Contacts,
        _ => {}
    }
    let screen = layout::screen(app.area(), app);
    let Some(area) = layout::list_area(app, &screen, list) else { return };
    let body = layout::list_body(area, list);
    if !body.contains(at) {
        return;
    }
    let height = usize::from(body.height);
    let (nav, _) = app.list_mut(list);
    let position = nav.window_start(height) + usize::from(at.y - body.y);
    if position < nav.shown_len() {
        nav.select_position(position);
        nav.keep_visible(height);
    }
}
