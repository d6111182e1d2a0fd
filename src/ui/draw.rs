//! The whole screen, as a function of the state: no I/O, no waiting.

use super::app::App;
use super::layout;
use super::panes::{self, audit, detail, footer, gauges, header, overlays, progress};
use ratatui::Frame;

pub fn draw(app: &App, frame: &mut Frame) {
    let area = frame.area();
    if area.width == 0 || area.height == 0 {
        return;
    }
    frame.buffer_mut().set_style(area, app.theme.base());
    let screen = layout::screen(area, app);
    header::draw(frame, screen.header, app);
    if let Some(banner) = screen.banner {
        footer::draw_banner(frame, banner, app);
    }
    panes::draw_main(frame, &screen, app);
    if let Some(area) = screen.detail {
        detail::draw(frame, area, app);
    }
    if let Some(area) = screen.gauges {
        gauges::draw(frame, area, app);
    }
    if let Some(area) = screen.audit {
        audit::draw(frame, area, app);
    }
    if let Some(area) = screen.progress {
        progress::draw(frame, area, app);
    }
    footer::draw(frame, screen.footer, app);
    overlays::draw(frame, area, (screen.header, screen.footer), app);
}
