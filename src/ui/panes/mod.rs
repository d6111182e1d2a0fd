//! One file per region of the screen. Each draws from the state alone.

pub mod agents;
pub mod audit;
pub mod campaigns;
pub mod command_line;
pub mod data_actions;
pub mod detail;
pub mod footer;
pub mod format;
pub mod gauges;
pub mod header;
mod intent_words;
pub mod interactions;
pub mod overlays;
pub mod progress;
pub mod tabs;

use super::app::{App, ListId, PaneId, TableView};
use super::entity::Entity;
use super::layout::{self, Screen};
use super::theme::Role;
use super::widgets::fit::{clip, width};
use super::widgets::table::{self, Chrome};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// The main area: the entity pane, or the audit log when it has the focus
/// and no room of its own.
pub fn draw_main(frame: &mut Frame, screen: &Screen, app: &App) {
    if layout::audit_in_main(screen, app) {
        return audit::draw(frame, screen.main, app);
    }
    let area = screen.main;
    match app.main {
        PaneId::Agents => entity_table(frame, area, app, &app.agents, ListId::Agents, Title::Tabs),
        PaneId::Interactions => {
            entity_table(frame, area, app, &app.interactions, ListId::Interactions, Title::Tabs);
        }
        PaneId::DataActions => {
            entity_table(frame, area, app, &app.data_actions, ListId::DataActions, Title::Tabs);
        }
        PaneId::Campaigns | PaneId::Audit => {
            let (top, bottom) = layout::campaigns_split(area, app);
            entity_table(frame, top, app, &app.campaigns, ListId::Campaigns, Title::Tabs);
            // Its name as the directory keeps it: cut when the tenant sent
            // more than a title shows.
            let campaign = app
                .campaigns
                .selected_row()
                .map_or("no campaign selected", |c| app.directory.campaign_or_id(c.id.as_str()));
            let title = Title::Of("Contacts", campaign);
            entity_table(frame, bottom, app, &app.contacts, ListId::Contacts, title);
        }
    }
}

/// What a table's top border says on its left, in what the counts on the
/// right leave.
enum Title<'a> {
    /// The pane tabs.
    Tabs,
    /// What the rows are, and what they belong to.
    Of(&'static str, &'a str),
}

fn entity_table<T: Entity>(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    view: &TableView<T>,
    list: ListId,
    title: Title<'_>,
) {
    let theme = &app.theme;
    let focused = app.focused_list() == list;
    let shown = view.shown_len();
    let counts = if view.filter().is_active() || list == ListId::Contacts {
        format!(" {} of {} ", format::count(shown as u64), format::count(view.group_len() as u64))
    } else {
        format!(" {} ", format::count(view.rows().len() as u64))
    };
    let mut right = Vec::new();
    if view.pick_count() > 0 {
        right.push(Span::styled(
            format!(" {} marked ", format::count(view.pick_count() as u64)),
            theme.style(Role::Accent),
        ));
    }
    right.push(Span::styled(counts, theme.style(Role::Muted)));
    // Rows a change reached that the frozen table does not show say so
    // before newer data does: those rows show what is no longer so.
    let stale = app.stale(list);
    if let Some(last) = stale.filter(|_| view.is_loaded()).and_then(|s| s.last_read) {
        let behind = (app.clock.wall - last).try_into().unwrap_or_default();
        let text = format!(" not refreshed for {} ", format::age(behind));
        right.push(Span::styled(text, theme.style(Role::Error)));
    }
    if view.out_of_date_count() > 0 {
        let text = format!(" ≠ {} out of date ", format::count(view.out_of_date_count() as u64));
        right.push(Span::styled(text, theme.style(Role::BadgeFrozen)));
    } else if view.is_holding() {
        right.push(Span::styled(" newer data held ", theme.style(Role::BadgeFrozen)));
    }
    let footer = match (view.filter().error(), view.filter().input()) {
        (Some(error), input) => Line::from(vec![
            Span::styled(format!(" /{input} "), theme.style(Role::Muted)),
            Span::styled(format!("{error} "), theme.style(Role::Error)),
        ]),
        (None, "") => Line::default(),
        (None, input) => Line::from(Span::styled(format!(" /{input} "), theme.style(Role::Accent))),
    };
    let position = if shown > 0 {
        format!(" {}/{} ", format::count(view.cursor() as u64 + 1), format::count(shown as u64))
    } else {
        String::new()
    };
    let empty = match (view.is_loaded(), view.filter().is_active()) {
        (false, _) => match stale {
            Some(stale) => format!("Could not read the {}s, retrying: {}", T::NOUN, stale.reason),
            None => "Waiting for the first refresh…".to_string(),
        },
        (true, true) => format!("No {} matches the filter", T::NOUN),
        (true, false) if list == ListId::Contacts => format!("No {}s in this campaign", T::NOUN),
        (true, false) => format!("No {}s", T::NOUN),
    };
    // The counts are drawn over the left title, so it stops a column short of them.
    let taken: usize = right.iter().map(|s| width(&s.content)).sum::<usize>() + 1;
    let room = usize::from(area.width.saturating_sub(2)).saturating_sub(taken);
    let title = match title {
        Title::Tabs => tabs::line(app, room),
        Title::Of(rows, owner) => owned_title(app, rows, owner, room),
    };
    let chrome = Chrome {
        title,
        title_right: Line::from(right),
        footer,
        footer_right: Line::from(Span::styled(position, theme.style(Role::Muted))),
        focused,
        empty,
    };
    table::draw(frame, area, view, chrome, theme, &app.lookup());
}

/// " Contacts · Spring Renewal " in `room` columns. The owner's name gives
/// way first, clipped so that a cut shows; a lone "…" would say nothing,
/// so it goes whole before that.
fn owned_title(app: &App, rows: &str, owner: &str, room: usize) -> Line<'static> {
    let rows = format!(" {rows} ");
    let mut spans = vec![Span::styled(rows.clone(), app.theme.style(Role::Title))];
    // "· " before the name, and a space after it.
    let left = room.saturating_sub(width(&rows) + 3);
    let name = clip(owner, left);
    if !name.is_empty() && name != "…" {
        spans.push(Span::styled(format!("· {name} "), app.theme.style(Role::Muted)));
    }
    Line::from(spans)
}
