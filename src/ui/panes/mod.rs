//! One file per region of the screen. Each draws from the state alone.

pub mod agents;
pub mod audit;
pub mod campaigns;
pub mod data_actions;
pub mod detail;
pub mod footer;
pub mod format;
pub mod gauges;
pub mod header;
pub mod interactions;
pub mod overlays;
pub mod progress;

use super::app::{App, ListId, PaneId, TableView};
use super::entity::Entity;
use super::layout::{self, Screen};
use super::theme::Role;
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
        PaneId::Agents => entity_table(frame, area, app, &app.agents, ListId::Agents, tabs(app, area)),
        PaneId::Interactions => {
            entity_table(frame, area, app, &app.interactions, ListId::Interactions, tabs(app, area));
        }
        PaneId::DataActions => {
            entity_table(frame, area, app, &app.data_actions, ListId::DataActions, tabs(app, area));
        }
        PaneId::Campaigns | PaneId::Audit => {
            let (top, bottom) = layout::campaigns_split(area, app.campaigns.shown_len());
            entity_table(frame, top, app, &app.campaigns, ListId::Campaigns, tabs(app, area));
            let campaign = app.campaigns.selected_row().map_or("no campaign selected", |c| c.name.as_str());
            let title = Line::from(vec![
                Span::styled(" Contacts ", app.theme.style(Role::Title)),
                Span::styled(format!("· {campaign} "), app.theme.style(Role::Muted)),
            ]);
            entity_table(frame, bottom, app, &app.contacts, ListId::Contacts, title);
        }
    }
}

/// The entity panes as tabs in the top border: all named when they fit,
/// otherwise the current one named and the others by number.
fn tabs(app: &App, area: Rect) -> Line<'static> {
    let theme = &app.theme;
    let full: usize = PaneId::ENTITIES.iter().map(|p| p.title().len() + 5).sum();
    let roomy = full + 24 <= usize::from(area.width);
    let mut spans = vec![Span::raw(" ")];
    for pane in PaneId::ENTITIES {
        let current = pane == app.main;
        let text = if current || roomy {
            format!("{} {}", pane.number(), pane.title())
        } else {
            pane.number().to_string()
        };
        let role = if current { Role::Accent } else { Role::Muted };
        spans.push(Span::styled(text, theme.style(role)));
        spans.push(Span::raw("  "));
    }
    spans.pop();
    spans.push(Span::raw(" "));
    Line::from(spans)
}

fn entity_table<T: Entity>(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    view: &TableView<T>,
    list: ListId,
    title: Line<'static>,
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
    if view.is_holding() {
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
        (false, _) => "Waiting for the first refresh…".to_string(),
        (true, true) => format!("No {} matches the filter", T::NOUN),
        (true, false) if list == ListId::Contacts => format!("No {}s in this campaign", T::NOUN),
        (true, false) => format!("No {}s", T::NOUN),
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
