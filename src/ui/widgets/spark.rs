//! The latency sparkline: the whole window, the newest on the right. Where
//! the area has a column for each second, a bar is a second; where it is
//! narrower, each bar stands for as few seconds as let the whole window fit
//! (the oldest bar for what is left over), so the line covers the time its
//! box's title says. A bar is coloured when its seconds failed more than
//! they should.

use crate::engine::metrics::SecondPoint;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Sparkline, SparklineBar};

/// Draws every second of `seconds`, `area.width` bars at most.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    seconds: &[SecondPoint],
    normal: Style,
    failing: Style,
    warn_rate: f64,
) {
    let bars: Vec<SparklineBar> = bars(seconds, usize::from(area.width))
        .into_iter()
        .map(|bar| {
            let bad = bar.error_rate.is_some_and(|r| r >= warn_rate);
            SparklineBar::from(bar.p95_us).style(Some(if bad { failing } else { normal }))
        })
        .collect();
    // Against the right edge: the newest bar is now, whatever is left over.
    let width = u16::try_from(bars.len()).unwrap_or(area.width).min(area.width);
    let area = Rect { x: area.x + (area.width - width), width, ..area };
    frame.render_widget(
        Sparkline::default().data(bars).absent_value_symbol("·").absent_value_style(normal),
        area,
    );
}

/// `seconds` in at most `width` bars, oldest first: each the highest p95 of
/// its seconds (a slow second is not averaged away) and the error rate of
/// all they completed.
fn bars(seconds: &[SecondPoint], width: usize) -> Vec<SecondPoint> {
    if width == 0 {
        return Vec::new();
    }
    let per = seconds.len().div_ceil(width).max(1);
    let mut bars: Vec<SecondPoint> = seconds
        .rchunks(per)
        .map(|group| {
            let completed = group.iter().map(|s| s.completed).sum::<u64>();
            let failed = group.iter().map(|s| s.failed).sum::<u64>();
            let combined_rate = (completed > 0).then(|| failed as f64 / completed as f64);
            SecondPoint {
                completed,
                failed,
                p95_us: group.iter().filter_map(|s| s.p95_us).max(),
                error_rate: if per == 1 { group[0].error_rate } else { combined_rate },
            }
        })
        .collect();
    bars.reverse();
    bars
}

#[cfg(test)]
mod tests {
    use super::*;

    fn second(p95_us: Option<u64>, completed: u64, failed: u64) -> SecondPoint {
        let error_rate = (completed > 0).then(|| failed as f64 / completed as f64);
        SecondPoint { completed, failed, p95_us, error_rate }
    }

    #[test]
    fn a_column_a_second_where_they_fit() {
        let seconds: Vec<SecondPoint> = (1..=5).map(|i| second(Some(i), 1, 0)).collect();
        let shown = bars(&seconds, 60);
        assert_eq!(shown, seconds);
    }

    /// 60 seconds in 38 columns: two seconds a bar, 30 bars, so the oldest
    /// second with a request is still drawn, as its window figures count it.
    #[test]
    fn a_narrow_area_still_covers_the_whole_window() {
        let mut seconds = vec![second(None, 0, 0); 60];
        seconds[0] = second(Some(5_000_000), 10, 5);
        seconds[59] = second(Some(90_000), 1, 0);
        seconds[58] = second(Some(80_000), 1, 1);
        let shown = bars(&seconds, 38);
        assert_eq!(shown.len(), 30);
        assert_eq!((shown[0].p95_us, shown[0].error_rate), (Some(5_000_000), Some(0.5)), "the oldest second");
        assert_eq!(shown[29].p95_us, Some(90_000), "the slower of the newest two");
        assert_eq!(shown[29].error_rate, Some(0.5), "1 of the 2 they completed failed");
        assert!(shown[1..29].iter().all(|b| b.p95_us.is_none() && b.error_rate.is_none()));
    }

    /// 60 in 7: nine a bar, the oldest bar taking the six left over.
    #[test]
    fn the_oldest_bar_takes_what_is_left_over() {
        let seconds: Vec<SecondPoint> = (0..60).map(|i| second(Some(i), 1, 0)).collect();
        let shown = bars(&seconds, 7);
        assert_eq!(shown.len(), 7);
        assert_eq!(shown[0].p95_us, Some(5), "seconds 0 to 5");
        assert_eq!(shown[6].p95_us, Some(59));
        assert!(bars(&seconds, 0).is_empty());
    }
}
