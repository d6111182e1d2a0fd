//! Progress on stderr: a bar redrawn in place on a terminal, a line every
//! tenth of the way otherwise (a log file should not fill with redraws).

use super::report::Verdict;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

const WIDTH: usize = 30;
/// A terminal bar is redrawn at most this often.
const REDRAW: Duration = Duration::from_millis(100);

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
        let due = if self.terminal {
            self.drawn_at.is_none_or(|at| at.elapsed() >= REDRAW)
        } else {
            tenths > self.tenths
        };
        if due || self.done == self.total {
            self.tenths = tenths;
            self.drawn_at = Some(Instant::now());
            self.draw();
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
