//! Progress on stderr: a bar redrawn in place on a terminal, otherwise a
//! line every tenth of the way, at most one a second (a stop ends hundreds
//! of lines at once) and at least one every ten seconds (a paced batch may
//! take minutes to cover a tenth), so that a log file neither fills with
//! redraws nor goes quiet.
//!
//! What the batch waits on (a campaign the tenant paused, a call tried
//! again) is told in the console's words: on a terminal in place of the
//! counts, its countdown redrawn each second until it is over; otherwise
//! as one line when the wait starts.

use super::report::Verdict;
use crate::api::text::sanitize;
use crate::engine::{Standing, Wait};
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

const WIDTH: usize = 30;
/// A terminal bar is redrawn at most this often.
const REDRAW: Duration = Duration::from_millis(100);
/// Off a terminal, a line at most this often, at each tenth of the way...
const LINE_AT_MOST: Duration = Duration::from_secs(1);
/// ...and at least this often while lines keep ending.
const LINE_AT_LEAST: Duration = Duration::from_secs(10);
/// A wait's countdown is redrawn this often on a terminal.
const COUNTDOWN: Duration = Duration::from_secs(1);
/// The longest a wait's words run (a campaign's name is the tenant's).
const MOST_WAIT_CHARS: usize = 200;

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
    /// The waits told of the command in flight that still stand; the
    /// newest is shown.
    waiting: Standing<(), Instant>,
    /// stderr, or where a test keeps what it would say.
    out: Box<dyn Write + Send>,
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
            waiting: Standing::default(),
            out: Box::new(std::io::stderr()),
        }
    }

    /// One that says nothing, for tests of what drives it.
    #[cfg(test)]
    pub fn quiet(label: &'static str, total: usize) -> Self {
        Self { terminal: false, out: Box::new(std::io::sink()), ..Self::new(label, total) }
    }

    /// How many went through, were skipped, and did not go through.
    #[cfg(test)]
    pub fn counts(&self) -> (usize, usize, usize) {
        (self.through, self.skipped, self.trouble)
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
            self.draw(now);
        }
    }

    /// The engine says the batch waits on `wait` for at most `lasts`; a
    /// wait of no length says the wait told is over (the last call tried
    /// again, or awaited, has ended), and one it stood in front of shows
    /// again.
    pub fn waiting(&mut self, wait: Wait, lasts: Duration) {
        let now = Instant::now();
        if lasts.is_zero() {
            if self.waiting.over(&(), &wait) {
                self.redraw(now);
            }
            return;
        }
        let same = self.waiting.shown(now).is_some_and(|w| w.wait == wait);
        self.waiting.told((), wait, now + lasts, now);
        if self.terminal {
            self.redraw(now);
        } else if !same {
            // Off a terminal, the wait's start only: the same wait told
            // again (a batch meets one pause many times) adds nothing.
            let text = format!("{} {}/{}: {}\n", self.label, self.done, self.total, self.wait_words(now));
            self.put(&text);
        }
    }

    /// The command in flight has ended: whatever it waited on is over for
    /// it, and the next command tells its own waits.
    pub fn command_ended(&mut self) {
        if self.waiting.ended(&()) {
            self.redraw(Instant::now());
        }
    }

    /// When the terminal's line should be drawn again for a wait's
    /// countdown, or for its words to go; `None` when nothing waits.
    pub fn next_redraw(&self) -> Option<Instant> {
        let ends = self.waiting.soonest_end().filter(|_| self.terminal)?;
        let next = self.drawn_at.map_or(ends, |at| at + COUNTDOWN);
        Some(next.min(ends))
    }

    /// Draws the terminal's line again: a wait's countdown moves on, and
    /// its words go once it is over.
    pub fn redraw(&mut self, now: Instant) {
        self.waiting.pass(now);
        if self.terminal {
            self.drawn_at = Some(now);
            self.draw(now);
        }
    }

    /// The wait in the console's words, safe to print.
    fn wait_words(&self, now: Instant) -> String {
        let Some(shown) = self.waiting.shown(now) else { return String::new() };
        sanitize(&shown.wait.describe(shown.ends.saturating_duration_since(now)), MOST_WAIT_CHARS)
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

    /// Ends the bar's line on a terminal; the next draw starts a new one.
    pub fn finish(&mut self) {
        if self.terminal && self.drawn_at.take().is_some() {
            self.put("\n");
        }
    }

    /// Writes `text` at once. Progress is a courtesy: a closed stderr must
    /// not stop the run.
    fn put(&mut self, text: &str) {
        let _ = self.out.write_all(text.as_bytes());
        let _ = self.out.flush();
    }

    fn draw(&mut self, now: Instant) {
        let filled = (self.done * WIDTH).checked_div(self.total).unwrap_or(WIDTH).min(WIDTH);
        let bar = format!("{}{}", "#".repeat(filled), "-".repeat(WIDTH - filled));
        let counts = match self.waiting.shown(now).filter(|_| self.terminal) {
            Some(_) => self.wait_words(now),
            None => format!("ok {} · skipped {} · not through {}", self.through, self.skipped, self.trouble),
        };
        let text = format!("{} [{bar}] {}/{}  {counts}", self.label, self.done, self.total);
        let text = if self.terminal { format!("\r{text}\x1b[K") } else { format!("{text}\n") };
        self.put(&text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::retry::Setback;
    use std::sync::{Arc, Mutex};

    /// What progress would have written to stderr.
    #[derive(Clone, Default)]
    struct Kept(Arc<Mutex<Vec<u8>>>);

    impl Write for Kept {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Kept {
        /// What was written since the last look.
        fn taken(&self) -> String {
            String::from_utf8(std::mem::take(&mut *self.0.lock().unwrap())).unwrap()
        }
    }

    fn kept(terminal: bool) -> (Progress, Kept) {
        let kept = Kept::default();
        (Progress { terminal, out: Box::new(kept.clone()), ..Progress::new("applying", 10) }, kept)
    }

    fn paused(campaign: &str) -> Wait {
        Wait::CampaignPaused { campaign: campaign.into() }
    }

    #[test]
    fn off_a_terminal_each_wait_is_one_line_as_it_starts() {
        let (mut p, kept) = kept(false);
        p.waiting(paused("Spring Renewal"), Duration::from_secs(20));
        // The same pause told again as the batch meets it: nothing new.
        p.waiting(paused("Spring Renewal"), Duration::from_secs(20));
        p.waiting(paused("Autumn\x1b[2J Leads"), Duration::from_secs(5));
        assert_eq!(
            kept.taken(),
            "applying 0/10: waiting 20 s: campaign Spring Renewal paused, the tenant asked (429)\n\
             applying 0/10: waiting 5 s: campaign Autumn [2J Leads paused, the tenant asked (429)\n",
            "in the console's words, nothing in them to drive a terminal"
        );
        assert_eq!(p.next_redraw(), None, "no countdown off a terminal");
    }

    #[test]
    fn on_a_terminal_a_wait_counts_down_in_place_of_the_counts_until_it_is_over() {
        let (mut p, kept) = kept(true);
        let start = Instant::now();
        p.waiting(paused("Spring Renewal"), Duration::from_secs(3));
        let said = kept.taken();
        assert!(
            said.starts_with("\rapplying [") && said.contains("0/10  waiting 3 s: campaign Spring"),
            "{said:?}"
        );
        let next = p.next_redraw().expect("a countdown");
        assert!(next <= Instant::now() + COUNTDOWN, "within a second");
        p.redraw(start + Duration::from_millis(1_500));
        assert!(kept.taken().contains("0/10  waiting 2 s: campaign Spring Renewal paused"));
        p.redraw(start + Duration::from_secs(4));
        let said = kept.taken();
        assert!(said.ends_with("0/10  ok 0 · skipped 0 · not through 0\x1b[K"), "over: {said:?}");
        assert_eq!(p.next_redraw(), None);
        p.finish();
        assert_eq!(kept.taken(), "\n", "the line is ended");
    }

    #[test]
    fn a_call_tried_again_is_over_once_the_engine_says_so_not_when_a_line_ends() {
        let (mut p, _kept) = kept(true);
        let retrying = Wait::Retrying { setback: Setback::Interrupted, attempt: 2, attempts: 4 };
        p.waiting(retrying.clone(), Duration::from_secs(30));
        assert!(p.next_redraw().is_some());
        p.waiting(retrying.clone(), Duration::ZERO);
        assert_eq!(p.next_redraw(), None, "the call has ended");
        p.waiting(retrying.clone(), Duration::from_secs(30));
        p.tick(Verdict::Applied);
        assert!(p.next_redraw().is_some(), "a line ended while another call of the batch still goes again");
        p.waiting(retrying, Duration::ZERO);
        assert_eq!(p.next_redraw(), None, "the last call tried again has ended");
        p.waiting(paused("Spring Renewal"), Duration::from_secs(30));
        p.tick(Verdict::Applied);
        assert!(p.next_redraw().is_some(), "a campaign's pause outlasts a line");
        p.command_ended();
        assert_eq!(p.next_redraw(), None, "but not its command");
    }

    #[test]
    fn a_pause_behind_a_call_tried_again_shows_again_once_the_call_has_ended() {
        let (mut p, kept) = kept(true);
        let retrying = Wait::Retrying { setback: Setback::Interrupted, attempt: 2, attempts: 4 };
        p.waiting(paused("Spring Renewal"), Duration::from_secs(30));
        p.waiting(retrying.clone(), Duration::from_secs(5));
        assert!(
            kept.taken()
                .ends_with("0/10  no answer yet, trying again (attempt 2 of 4), waiting up to 5 s\x1b[K")
        );
        p.waiting(retrying, Duration::ZERO);
        let said = kept.taken();
        assert!(said.contains("0/10  waiting 30 s: campaign Spring Renewal paused"), "{said:?}");
        assert!(p.next_redraw().is_some(), "its countdown goes on");
    }

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
