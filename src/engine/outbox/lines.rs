//! Which waiting message goes next: one line per target, ordered by when each
//! message is due, and each target's health.
//!
//! A receiver that is down fails every message sent to it, so retrying each
//! message on its own schedule would send it (and spend this machine on)
//! thousands of doomed attempts a second. Instead a target that fails is
//! held for a backoff of its own, growing with its failures in a row; when
//! the hold ends, one message probes it, and only an answer lets the rest
//! through. The other targets go on meanwhile.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;
use tokio::time::Instant;

#[derive(Debug, Default)]
pub(super) struct Lines {
    lines: HashMap<String, Line>,
}

#[derive(Debug, Default)]
struct Line {
    /// Messages not in flight, by when each is due, then by place in line.
    due: BTreeSet<(Instant, u64)>,
    in_flight: usize,
    /// Attempts in a row that got no answer worth keeping (see [`Lines::failed`]).
    failures: u32,
    held_until: Option<Instant>,
}

impl Line {
    /// When this line may start its next message, if it may at all.
    fn ready_at(&self) -> Option<Instant> {
        let (head, _) = self.due.first()?;
        if self.failures > 0 && self.in_flight > 0 {
            return None; // a probe is out: wait for its answer
        }
        Some(self.held_until.map_or(*head, |held| held.max(*head)))
    }
}

impl Lines {
    /// Puts a message in its target's line, to start at `due`.
    pub fn push(&mut self, target: &str, due: Instant, order: u64) {
        self.line(target).due.insert((due, order));
    }

    /// Takes the message to start now, if any line has one ready, and counts
    /// it in flight. The line ready soonest goes first; between lines ready
    /// together, the message first in line.
    pub fn next(&mut self, now: Instant) -> Option<(String, u64)> {
        let (target, _) = self
            .lines
            .iter()
            .filter_map(|(target, line)| Some((target, (line.ready_at()?, line.due.first()?.1))))
            .filter(|(_, (ready, _))| *ready <= now)
            .min_by_key(|(_, key)| *key)?;
        let target = target.clone();
        let line = self.line(&target);
        let (_, order) = line.due.pop_first()?;
        line.in_flight += 1;
        Some((target, order))
    }

    /// When a line will next have a message ready, unless only answers can
    /// make one ready.
    pub fn next_ready(&self) -> Option<Instant> {
        self.lines.values().filter_map(Line::ready_at).min()
    }

    /// The target answered (delivered, or refused for good): it is up.
    pub fn answered(&mut self, target: &str) {
        let line = self.line(target);
        line.in_flight = line.in_flight.saturating_sub(1);
        line.failures = 0;
        line.held_until = None;
    }

    /// Messages given up on were put back in line by hand, which says the
    /// receiver was mended: the target is tried again at once rather than
    /// after what is left of its hold.
    pub fn release(&mut self, target: &str) {
        let line = self.line(target);
        line.failures = 0;
        line.held_until = None;
    }

    /// An attempt got no lasting answer (no connection, a timeout, 5xx,
    /// 429): the target is held for `hold(failures in a row)`, counted once
    /// per hold, as attempts in flight together fail together.
    pub fn failed(&mut self, target: &str, now: Instant, hold: impl FnOnce(u32) -> Duration) {
        let line = self.line(target);
        line.in_flight = line.in_flight.saturating_sub(1);
        if line.held_until.is_some_and(|held| held > now) {
            return;
        }
        line.failures = line.failures.saturating_add(1);
        line.held_until = Some(now + hold(line.failures));
    }

    /// A message taken by [`next`](Self::next) was not started after all.
    pub fn put_back(&mut self, target: &str, due: Instant, order: u64) {
        let line = self.line(target);
        line.in_flight = line.in_flight.saturating_sub(1);
        line.due.insert((due, order));
    }

    fn line(&mut self, target: &str) -> &mut Line {
        if !self.lines.contains_key(target) {
            self.lines.insert(target.to_owned(), Line::default());
        }
        self.lines.get_mut(target).expect("inserted above")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    #[test]
    fn messages_go_in_due_order_across_targets() {
        let now = Instant::now();
        let mut lines = Lines::default();
        lines.push("crm", now, 2);
        lines.push("wfm", now - SECOND, 3);
        lines.push("crm", now + SECOND, 1);
        assert_eq!(lines.next(now), Some(("wfm".into(), 3)));
        assert_eq!(lines.next(now), Some(("crm".into(), 2)));
        assert_eq!(lines.next(now), None, "the last is not due yet");
        assert_eq!(lines.next_ready(), Some(now + SECOND));
    }

    #[test]
    fn a_released_target_goes_at_once_however_long_its_hold() {
        let now = Instant::now();
        let mut lines = Lines::default();
        lines.push("crm", now, 0);
        assert_eq!(lines.next(now), Some(("crm".into(), 0)));
        lines.failed("crm", now, |_| SECOND * 600);
        lines.push("crm", now, 1);
        assert_eq!(lines.next(now), None, "held for ten minutes");
        lines.release("crm");
        assert_eq!(lines.next(now), Some(("crm".into(), 1)));
    }

    #[test]
    fn a_failing_target_is_held_then_probed_by_one_message_while_others_go_on() {
        let now = Instant::now();
        let mut lines = Lines::default();
        for order in 0..4 {
            lines.push("crm", now, order);
        }
        lines.push("wfm", now, 10);
        let (first, second) = (lines.next(now), lines.next(now));
        assert_eq!((first.unwrap().1, second.unwrap().1), (0, 1));
        // Both in flight fail: one hold, counted once.
        lines.failed("crm", now, |n| SECOND * n);
        lines.failed("crm", now, |n| SECOND * n * 100);
        assert_eq!(lines.next(now), Some(("wfm".into(), 10)), "another target is not held up");
        assert_eq!(lines.next(now), None);
        assert_eq!(lines.next_ready(), Some(now + SECOND));

        // The hold ends: one probe, and nothing else until it is answered.
        let later = now + SECOND;
        assert_eq!(lines.next(later), Some(("crm".into(), 2)));
        assert_eq!(lines.next(later), None);
        assert_eq!(lines.next_ready(), None, "only the probe's answer can free the line");
        lines.failed("crm", later, |n| SECOND * n);
        assert_eq!(lines.next_ready(), Some(later + 2 * SECOND), "the second failure in a row holds longer");

        let after = later + 2 * SECOND;
        assert_eq!(lines.next(after), Some(("crm".into(), 3)));
        lines.answered("crm");
        lines.push("crm", after, 4);
        lines.push("crm", after, 5);
        assert_eq!(lines.next(after).map(|(_, o)| o), Some(4));
        assert_eq!(lines.next(after).map(|(_, o)| o), Some(5), "an answered target takes many at once again");
    }
}
