//! Which waiting message goes next: one line per target, in queue order,
//! and each target's health.
//!
//! A receiver that is down fails every message sent to it, so retrying each
//! message on its own schedule would send it (and spend this machine on)
//! thousands of doomed attempts a second. Instead a target that fails is
//! held for a backoff of its own, growing with its failures in a row; when
//! the hold ends, one message probes it, and only an answer lets the rest
//! through. The other targets go on meanwhile.
//!
//! Each line keeps queue order (the order messages were enqueued), never
//! the order their retries fell due: the probe is the oldest message
//! waiting, and once the target answers the rest start oldest first. A
//! receiver that was down for an hour then hears an agent's statuses in the
//! order they changed, not in the order jittered retries happened to land.
//! The hold is the only wait: a message that failed goes back to its place
//! in line, and the target's hold (which every such failure sets) paces it.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;
use tokio::time::Instant;

#[derive(Debug, Default)]
pub(super) struct Lines {
    lines: HashMap<String, Line>,
}

#[derive(Debug, Default)]
struct Line {
    /// Messages not in flight, by place in line.
    waiting: BTreeSet<u64>,
    in_flight: usize,
    /// Attempts in a row that got no answer worth keeping (see [`Lines::failed`]).
    failures: u32,
    held_until: Option<Instant>,
}

impl Line {
    /// When this line may start its next message (`now` when it is not
    /// held), if it may at all.
    fn ready_at(&self, now: Instant) -> Option<Instant> {
        self.waiting.first()?;
        if self.failures > 0 && self.in_flight > 0 {
            return None; // a probe is out: wait for its answer
        }
        Some(self.held_until.map_or(now, |held| held.max(now)))
    }
}

impl Lines {
    /// Puts a message in its target's line, at its place in queue order.
    pub fn push(&mut self, target: &str, order: u64) {
        self.line(target).waiting.insert(order);
    }

    /// Takes the message to start now, if any line has one ready, and counts
    /// it in flight: the first in line of the line whose first is oldest.
    pub fn next(&mut self, now: Instant) -> Option<(String, u64)> {
        let (target, _) = self
            .lines
            .iter()
            .filter(|(_, line)| line.ready_at(now).is_some_and(|ready| ready <= now))
            .filter_map(|(target, line)| Some((target, *line.waiting.first()?)))
            .min_by_key(|(_, head)| *head)?;
        let target = target.clone();
        let line = self.line(&target);
        let order = line.waiting.pop_first()?;
        line.in_flight += 1;
        Some((target, order))
    }

    /// When a line will next have a message ready, unless only answers can
    /// make one ready.
    pub fn next_ready(&self, now: Instant) -> Option<Instant> {
        self.lines.values().filter_map(|line| line.ready_at(now)).min()
    }

    /// A target whose waiting messages failed before this run (a restart
    /// during an outage) starts as one that failed, with no hold left: one
    /// message probes it at once, and only an answer lets the rest through.
    pub fn suspect(&mut self, target: &str) {
        let line = self.line(target);
        line.failures = line.failures.max(1);
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

    /// A message taken by [`next`](Self::next) waits elsewhere instead of
    /// starting (another about its subject is in flight): the line goes on
    /// as if it had not been taken, and will not see it again until it is
    /// pushed back.
    pub fn unstart(&mut self, target: &str) {
        let line = self.line(target);
        line.in_flight = line.in_flight.saturating_sub(1);
    }

    /// A message taken by [`next`](Self::next) was not started after all:
    /// it goes back to its place, and its line waits until `until`, so it
    /// is not taken again at once.
    pub fn put_back(&mut self, target: &str, order: u64, until: Instant) {
        let line = self.line(target);
        line.in_flight = line.in_flight.saturating_sub(1);
        line.waiting.insert(order);
        line.held_until = Some(line.held_until.map_or(until, |held| held.max(until)));
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
    fn messages_go_oldest_first_across_targets_whatever_order_they_were_pushed_in() {
        let now = Instant::now();
        let mut lines = Lines::default();
        lines.push("crm", 2);
        lines.push("wfm", 3);
        lines.push("crm", 1);
        assert_eq!(lines.next(now), Some(("crm".into(), 1)));
        assert_eq!(lines.next(now), Some(("crm".into(), 2)));
        assert_eq!(lines.next(now), Some(("wfm".into(), 3)));
        assert_eq!(lines.next(now), None);
        assert_eq!(lines.next_ready(now), None, "nothing waits");
    }

    #[test]
    fn a_suspect_target_is_probed_at_once_by_one_message_then_opens_on_an_answer() {
        let now = Instant::now();
        let mut lines = Lines::default();
        for order in 0..3 {
            lines.push("crm", order);
        }
        lines.suspect("crm");
        assert_eq!(lines.next(now), Some(("crm".into(), 0)), "the oldest probes, with no hold");
        assert_eq!(lines.next(now), None, "the rest wait for its answer");
        lines.answered("crm");
        assert_eq!(lines.next(now), Some(("crm".into(), 1)));
        assert_eq!(lines.next(now), Some(("crm".into(), 2)), "up again: no longer one at a time");
    }

    #[test]
    fn a_released_target_goes_at_once_however_long_its_hold() {
        let now = Instant::now();
        let mut lines = Lines::default();
        lines.push("crm", 0);
        assert_eq!(lines.next(now), Some(("crm".into(), 0)));
        lines.failed("crm", now, |_| SECOND * 600);
        lines.push("crm", 1);
        assert_eq!(lines.next(now), None, "held for ten minutes");
        lines.release("crm");
        assert_eq!(lines.next(now), Some(("crm".into(), 1)));
    }

    #[test]
    fn a_failing_target_is_held_then_probed_by_its_oldest_message_while_others_go_on() {
        let now = Instant::now();
        let mut lines = Lines::default();
        for order in 0..4 {
            lines.push("crm", order);
        }
        lines.push("wfm", 10);
        let (first, second) = (lines.next(now), lines.next(now));
        assert_eq!((first.unwrap().1, second.unwrap().1), (0, 1));
        // Both in flight fail: one hold, counted once, and both go back to their places.
        lines.failed("crm", now, |n| SECOND * n);
        lines.failed("crm", now, |n| SECOND * n * 100);
        lines.push("crm", 1);
        lines.push("crm", 0);
        assert_eq!(lines.next(now), Some(("wfm".into(), 10)), "another target is not held up");
        assert_eq!(lines.next(now), None);
        assert_eq!(lines.next_ready(now), Some(now + SECOND));

        // The hold ends: the oldest probes, and nothing else goes until it is answered.
        let later = now + SECOND;
        assert_eq!(lines.next(later), Some(("crm".into(), 0)));
        assert_eq!(lines.next(later), None);
        assert_eq!(lines.next_ready(later), None, "only the probe's answer can free the line");
        lines.failed("crm", later, |n| SECOND * n);
        lines.push("crm", 0);
        assert_eq!(
            lines.next_ready(later),
            Some(later + 2 * SECOND),
            "the second failure in a row holds longer"
        );

        let after = later + 2 * SECOND;
        assert_eq!(lines.next(after), Some(("crm".into(), 0)), "the same oldest message probes again");
        lines.answered("crm");
        let drained: Vec<u64> = std::iter::from_fn(|| lines.next(after)).map(|(_, order)| order).collect();
        assert_eq!(drained, [1, 2, 3], "an answered target takes the rest at once, in queue order");
    }

    #[test]
    fn a_message_put_back_waits_in_its_place() {
        let now = Instant::now();
        let mut lines = Lines::default();
        lines.push("crm", 0);
        lines.push("crm", 1);
        assert_eq!(lines.next(now), Some(("crm".into(), 0)));
        lines.put_back("crm", 0, now + SECOND);
        assert_eq!(lines.next(now), None, "not taken again at once");
        assert_eq!(lines.next(now + SECOND), Some(("crm".into(), 0)));
    }
}
