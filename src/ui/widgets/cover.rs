//! Emptying the cells a window is about to take, so that nothing drawn
//! under it is left in or beside its border.

use super::fit::width;
use ratatui::buffer::Buffer;
use ratatui::layout::{Margin, Rect};
use ratatui::style::Style;
use ratatui::widgets::{Clear, Widget};

/// Empties `window`, and the column either side of it that lies in
/// `bounds`, in `style`. Those columns keep the borders of the panes under
/// it from running into the window's sides, where they would read as part
/// of it; above and below, a border only runs alongside the window's.
pub fn cover(buf: &mut Buffer, window: Rect, bounds: Rect, style: Style) {
    let sides = window.outer(Margin::new(1, 0)).intersection(bounds);
    for area in [sides, window] {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            continue;
        }
        Clear.render(area, buf);
        buf.set_style(area, style);
        cut_straddlers(buf, area);
    }
}

/// A wide character just left of `area` spills into its first column: the
/// terminal would draw its second half over whatever the window puts there
/// (its border), since the cell after a wide one is never written.
fn cut_straddlers(buf: &mut Buffer, area: Rect) {
    let Some(left) = area.x.checked_sub(1) else { return };
    for y in area.top()..area.bottom() {
        if let Some(cell) = buf.cell_mut((left, y))
            && width(cell.symbol()) > 1
        {
            cell.set_symbol(" ");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Color;

    fn text(buf: &Buffer) -> Vec<String> {
        let width = usize::from(buf.area.width);
        buf.content.chunks(width).map(|row| row.iter().map(|c| c.symbol()).collect()).collect()
    }

    #[test]
    fn the_window_and_a_column_either_side_are_emptied_within_bounds() {
        let mut buf = Buffer::with_lines(["┌──────┐", "│abcdef│", "└──────┘"]);
        cover(&mut buf, Rect::new(3, 0, 2, 2), Rect::new(0, 0, 8, 2), Style::new().bg(Color::Blue));
        assert_eq!(text(&buf), ["┌─    ─┐", "│a    f│", "└──────┘"]);
        assert_eq!(buf[(2, 1)].bg, Color::Blue);
        assert_eq!(buf[(1, 1)].bg, Color::Reset, "beyond the columns either side");
    }

    #[test]
    fn a_window_past_its_bounds_is_emptied_whole_but_its_sides_stay_inside() {
        let mut buf = Buffer::with_lines(["header", "abcdef", "footer"]);
        cover(&mut buf, Rect::new(1, 1, 3, 2), Rect::new(0, 1, 6, 1), Style::new());
        assert_eq!(text(&buf), ["header", "     f", "f   er"]);
    }

    #[test]
    fn a_wide_character_spilling_into_the_window_is_cut() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 6, 1));
        buf.set_string(0, 0, "ab世d", Style::new());
        assert_eq!(buf[(2, 0)].symbol(), "世");
        // No ring on the left: the bounds stop at the window.
        cover(&mut buf, Rect::new(3, 0, 3, 1), Rect::new(3, 0, 3, 1), Style::new());
        assert_eq!(text(&buf), ["ab    "]);
    }
}
