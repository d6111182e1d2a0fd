//! Progress on stderr: a bar redrawn in place on a terminal, otherwise a
//! line every tenth of the way, at most one a second (a stop ends hundreds
//! of lines at once) and at least one every ten seconds (a paced batch may
//! take minutes to cover a tenth), so that a log file neither fills with
//! redraws nor goes quiet.

use super::report::Verdict;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

const WIDTH: usize = 30;
/// A terminal bar is redrawn at most this often.
const REDRAW: Duration = Duration::from_millis(100);
/// Off a terminal, a line at most this often, at each tenth of the way...
const LINE_AT_MOST: Duration = Duration::from_secs(1);
/// ...and at least this often while lines keep ending.
const LINE_AT_LEAST: Duration = Duration::from_secs(10);

pub(crate) struct Progress {
    label: &'static str,
    total: usize,
    done: usize,
    through: usize,
    skipped: usize,
    trouble: usize,
    terminal: bool,
    /// The last tenth reported when not on a terminal.
    tenths: usize,
    drawn_at: Option<Instant>,
}

impl Progress {
    pub fn new(label: &'static str, total: usize) -> Self {
        Self {
            label,
            total,
            done: 0,
            through: 0,
            skipped: 0,
            trouble: 0,
            terminal: std::io::stderr().is_terminal(),
            tenths: 0,
            drawn_at: None,
        }
    }

    pub fn tick(&mut self, verdict: Verdict) {
        self.done += 1;
        match verdict {
            Verdict::Skipped | Verdict::WouldSkip => self.skipped += 1,
            v if v.is_trouble() => self.trouble += 1,
            _ => self.through += 1,
        }
        let tenths = (self.done * 10).checked_div(self.total).unwrap_or(10);
        let now = Instant::now();
        if self.due(tenths, now) {
            self.tenths = tenths;
            self.drawn_at = Some(now);
            self.draw();
        }
    }

    /// Whether a line (or a redraw) is due at `now`, `tenths` of the way.
    fn due(&self, tenths: usize, now: Instant) -> bool {
        let since = self.drawn_at.map_or(Duration::MAX, |at| now.saturating_duration_since(at));
        if self.done == self.total {
            true
        } else if self.terminal {
            since >= REDRAW
        } else {
            (tenths > self.tenths && since >= LINE_AT_MOST) || since >= LINE_AT_LEAST
        }
    }

    /// Ends the bar's line on a terminal.
    pub fn finish(&self) {
        if self.terminal && self.done > 0 {
            tell!();
        }
    }

    fn draw(&self) {
        let filled = (self.done * WIDTH).checked_div(self.total).unwrap_or(WIDTH).min(WIDTH);
        let bar = format!("{}{}", "#".repeat(filled), "-".repeat(WIDTH - filled));
        let text = format!(
            "{} [{bar}] {}/{}  ok {} · skipped {} · not through {}",
            self.label, self.done, self.total, self.through, self.skipped, self.trouble
        );
        let mut err = std::io::stderr().lock();
        // Progress is a courtesy: a closed stderr must not stop the run.
        let _ = if self.terminal { write!(err, "\r{text}\x1b[K") } else { writeln!(err, "{text}") };
        let _ = err.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn off_terminal(total: usize) -> Progress {
        Progress { terminal: false, ..Progress::new("applying", total) }
    }

    #[test]
    fn off_a_terminal_a_stop_ending_many_lines_at_once_says_one() {
        let start = Instant::now();
        let mut p = off_terminal(5_000);
        p.done = 37;
        p.drawn_at = Some(start);
        // The rest, not started, end within the same second: no line until the last.
        p.done = 2_500;
        assert!(!p.due(5, start + Duration::from_millis(200)));
        p.done = 5_000;
        assert!(p.due(10, start + Duration::from_millis(300)), "the last line always shows");
    }

    #[test]
    fn off_a_terminal_a_slow_run_still_says_how_far_it_is() {
        let start = Instant::now();
        let mut p = off_terminal(5_000);
        p.done = 40;
        p.drawn_at = Some(start);
        assert!(!p.due(0, start + Duration::from_secs(9)), "no tenth yet, and not ten seconds");
        assert!(p.due(0, start + LINE_AT_LEAST), "ten seconds without a line");
        p.done = 500;
        assert!(p.due(1, start + Duration::from_secs(2)), "a tenth, a second after the last line");
    }
}
