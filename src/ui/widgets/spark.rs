//! The latency sparkline: one bar per second of the window, the newest on
//! the right; seconds that failed more than they should are coloured.

use crate::engine::metrics::SecondPoint;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Sparkline, SparklineBar};

/// Draws the newest `area.width` seconds' p95 latency.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    seconds: &[SecondPoint],
    normal: Style,
    failing: Style,
    warn_rate: f64,
) {
    let shown = seconds.len().min(usize::from(area.width));
    let bars: Vec<SparklineBar> = seconds[seconds.len() - shown..]
        .iter()
        .map(|s| {
            let bar = SparklineBar::from(s.p95_us);
            let bad = s.error_rate.is_some_and(|r| r >= warn_rate);
            bar.style(Some(if bad { failing } else { normal }))
        })
        .collect();
    frame.render_widget(
        Sparkline::default().data(bars).absent_value_symbol("·").absent_value_style(normal),
        area,
    );
}
