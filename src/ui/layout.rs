//! Where everything goes, as a pure function of the terminal's size and the
//! state. Drawing and mouse hit-testing both read it, so a click lands on
//! what was drawn there.
//!
//! Three sizes: from 120×32 the detail and gauges sit beside the table and
//! the audit log spans the bottom; from 80×24 the detail narrows beside the
//! table and the gauges share the bottom with the audit log; below that only
//! the focused pane shows, with Enter opening details over it.

use super::app::{App, CampaignSide, ListId, Overlay, PaneId};
use ratatui::layout::{Constraint, Layout, Rect};

const LARGE: (u16, u16) = (120, 32);
const MEDIUM: (u16, u16) = (80, 24);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Tiny,
    Medium,
    Large,
}

impl Tier {
    pub fn of(area: Rect) -> Self {
        if area.width >= LARGE.0 && area.height >= LARGE.1 {
            Self::Large
        } else if area.width >= MEDIUM.0 && area.height >= MEDIUM.1 {
            Self::Medium
        } else {
            Self::Tiny
        }
    }
}

/// The regions of the screen; `None` for what does not fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Screen {
    pub tier: Tier,
    pub header: Rect,
    pub banner: Option<Rect>,
    /// The entity pane (or, when small and focused, the audit log).
    pub main: Rect,
    pub detail: Option<Rect>,
    pub gauges: Option<Rect>,
    pub audit: Option<Rect>,
    /// The progress of batches in flight and what a change waits on, above
    /// the footer.
    pub progress: Option<Rect>,
    pub footer: Rect,
}

pub fn screen(area: Rect, app: &App) -> Screen {
    let tier = Tier::of(area);
    let banner_lines = banner_lines(area, app);
    let shown = app.sent.on_progress_line(app.clock.mono).next().is_some();
    let progress_lines = u16::from(shown && area.height >= 10);
    let [header, banner, body, progress, footer] = Layout::vertical([
        Constraint::Length(area.height.min(1)),
        Constraint::Length(banner_lines),
        Constraint::Fill(1),
        Constraint::Length(progress_lines),
        Constraint::Length(footer_lines(area, app)),
    ])
    .areas(area);
    let banner = (banner_lines > 0).then_some(banner);
    let progress = (progress_lines > 0).then_some(progress);
    let mut screen = Screen {
        tier,
        header,
        banner,
        main: body,
        detail: None,
        gauges: None,
        audit: None,
        progress,
        footer,
    };
    match tier {
        Tier::Tiny => {}
        Tier::Medium => {
            let [top, bottom] = Layout::vertical([Constraint::Fill(1), Constraint::Length(7)]).areas(body);
            let [main, detail] = Layout::horizontal([Constraint::Fill(1), Constraint::Length(30)]).areas(top);
            let [gauges, audit] =
                Layout::horizontal([Constraint::Length(40), Constraint::Fill(1)]).areas(bottom);
            screen =
                Screen { main, detail: Some(detail), gauges: Some(gauges), audit: Some(audit), ..screen };
        }
        Tier::Large => {
            let [top, audit] = Layout::vertical([Constraint::Fill(1), Constraint::Length(10)]).areas(body);
            let [main, side] = Layout::horizontal([Constraint::Fill(1), Constraint::Length(48)]).areas(top);
            let [detail, gauges] = Layout::vertical([Constraint::Fill(1), Constraint::Length(9)]).areas(side);
            screen =
                Screen { main, detail: Some(detail), gauges: Some(gauges), audit: Some(audit), ..screen };
        }
    }
    screen
}

/// Most lines the banner takes.
const MOST_BANNER_LINES: u16 = 3;

/// The banner's height: none, one line, or, on a tall enough screen, what
/// its sentence needs (the reason and what to do are worth reading whole).
fn banner_lines(area: Rect, app: &App) -> u16 {
    match app.banner() {
        Some(_) if area.height < 8 => 0,
        Some(text) if area.height >= 16 => {
            // The banner is drawn with one leading space.
            let lines =
                crate::ui::widgets::fit::wrap(&text, usize::from(area.width.saturating_sub(1).max(1))).len();
            u16::try_from(lines).unwrap_or(MOST_BANNER_LINES).clamp(1, MOST_BANNER_LINES)
        }
        Some(_) => 1,
        None => 0,
    }
}

/// Most lines a message takes at the bottom.
const MOST_FLASH_LINES: u16 = 3;

/// The footer's height: one line, or what a long message needs (a refusal
/// in words is worth reading whole) while nothing is being typed there.
fn footer_lines(area: Rect, app: &App) -> u16 {
    if area.height < 2 {
        return 0;
    }
    let roomy = area.height >= 16;
    if let Some(Overlay::Palette(palette)) = app.overlays.last() {
        // A refusal too long to sit beside the typed line goes under it.
        let most = if roomy { MOST_FLASH_LINES } else { 1 };
        let lines = crate::ui::panes::command_line::lines(app, palette, usize::from(area.width), most.into());
        return u16::try_from(lines.len()).unwrap_or(1).clamp(1, most);
    }
    let typing = matches!(app.overlays.last(), Some(Overlay::Filter(_) | Overlay::Confirm(_)));
    let needed = match &app.flash {
        Some(flash) if !typing && roomy => {
            let lines = crate::ui::widgets::fit::wrap(&flash.text, usize::from(area.width.max(1))).len();
            u16::try_from(lines).unwrap_or(MOST_FLASH_LINES)
        }
        _ => 1,
    };
    needed.clamp(1, MOST_FLASH_LINES)
}

/// Whether the main area shows the audit log: when it has the focus and no
/// region of its own.
pub fn audit_in_main(screen: &Screen, app: &App) -> bool {
    app.focus == PaneId::Audit && screen.audit.is_none()
}

/// Rows a table's box needs to show one row: its borders and its header.
const SMALLEST_BOX: u16 = 4;

/// The campaigns pane: the campaign list on top, sized to its rows, and
/// the selected campaign's contacts below. The list with the focus always
/// keeps a row in view (the one a change would act on); where both cannot,
/// the other gives way whole.
pub fn campaigns_split(main: Rect, app: &App) -> (Rect, Rect) {
    let wanted = u16::try_from(app.campaigns.shown_len()).unwrap_or(u16::MAX).saturating_add(3);
    // Every campaign shows while that leaves the contacts half the pane: a
    // campaign scrolled out of sight is easily taken for none. Past that
    // the list scrolls, and the contacts keep the room.
    let most = (main.height / 2).max(5);
    let contacts_focused = app.campaign_side == CampaignSide::Contacts;
    let top = match wanted.clamp(SMALLEST_BOX, most) {
        _ if main.height < 2 * SMALLEST_BOX => {
            if contacts_focused {
                0
            } else {
                main.height
            }
        }
        top if contacts_focused => top.min(main.height - SMALLEST_BOX),
        top => top,
    };
    let [top, bottom] = Layout::vertical([Constraint::Length(top), Constraint::Fill(1)]).areas(main);
    (top, bottom)
}

/// The bordered box a list is drawn in.
pub fn list_area(app: &App, screen: &Screen, list: ListId) -> Option<Rect> {
    match list {
        ListId::Audit if audit_in_main(screen, app) => Some(screen.main),
        ListId::Audit => screen.audit,
        _ if audit_in_main(screen, app) => None,
        ListId::Campaigns | ListId::Contacts if app.main == PaneId::Campaigns => {
            let (top, bottom) = campaigns_split(screen.main, app);
            Some(if list == ListId::Campaigns { top } else { bottom })
        }
        _ if list.pane() == app.main => Some(screen.main),
        _ => None,
    }
}

/// The rows of a list inside its box: below the border, and below the
/// column header for tables.
pub fn list_body(area: Rect, list: ListId) -> Rect {
    let header = u16::from(list != ListId::Audit);
    Rect {
        x: area.x.saturating_add(1),
        y: area.y.saturating_add(1 + header),
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2 + header),
    }
}

/// How many rows of `list` are visible; 0 when it is not drawn.
pub fn list_height(app: &App, list: ListId) -> usize {
    let screen = screen(app.area(), app);
    list_area(app, &screen, list).map_or(0, |area| usize::from(list_body(area, list).height))
}
