//! The whole screen, as a function of the state: no I/O, no waiting.

use super::app::App;
use super::layout;
use super::panes::{self, audit, detail, footer, gauges, header, overlays, progress};
use crate::api::text::unsafe_to_show;
use ratatui::Frame;
use ratatui::buffer::Buffer;

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
    strip_unsafe(frame.buffer_mut());
}

/// Text from the tenant reaches the frame as it came, in whichever pane,
/// title or window shows it; what must not reach the terminal leaves it
/// here, once for all of them. Control characters never get this far (the
/// buffer drops them); a bidirectional mark, being of no width, rides
/// along with the character before it in that character's cell.
fn strip_unsafe(buffer: &mut Buffer) {
    for cell in &mut buffer.content {
        // Printable ASCII holds nothing unsafe: most cells pass at a glance.
        let printable = cell.symbol().bytes().all(|b| (0x20..0x7f).contains(&b));
        if !printable && cell.symbol().chars().any(unsafe_to_show) {
            let kept: String = cell.symbol().chars().filter(|&c| !unsafe_to_show(c)).collect();
            cell.set_symbol(if kept.is_empty() { " " } else { &kept });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::text::Line;
    use ratatui::widgets::Widget;

    #[test]
    fn no_bidirectional_mark_reaches_the_terminal() {
        // As the panes draw text: a span's zero-width mark rides in the
        // cell of the character before it.
        let mut buffer = Buffer::empty(Rect::new(0, 0, 16, 1));
        Line::from("Eve\u{202E}gnp.exe\u{2066}\u{200F}!").render(buffer.area, &mut buffer);
        let shown = |buffer: &Buffer| buffer.content.iter().map(|cell| cell.symbol()).collect::<String>();
        assert!(shown(&buffer).contains('\u{202E}'), "the mark is in the frame: {:?}", shown(&buffer));
        strip_unsafe(&mut buffer);
        assert_eq!(shown(&buffer).trim_end(), "Evegnp.exe!");
    }
}
