//! After the console's screen has closed with changes under way: how they
//! finish, on stderr. The progress line `apply` draws, as each target ends,
//! and once the engine has stopped, a line that counts how they ended, so a
//! supervisor who quit during a batch sees what became of it without
//! opening the audit log.

use super::apply::{Progress, Verdict};
use crate::engine::{CommandId, Event, Finished, Outcome, SkipKey};
use crate::ui::panes::format;
use std::collections::{BTreeMap, HashSet};

pub(crate) struct Finishing {
    /// The engine's commands whose targets are counted: the writes the
    /// screen had in flight, not a look at the outbox answered meanwhile.
    watched: HashSet<CommandId>,
    progress: Progress,
    applied: usize,
    skipped: BTreeMap<SkipKey, usize>,
    refused: usize,
    conflicts: usize,
    failed: usize,
}

impl Finishing {
    /// For the `targets` of the commands `watched` whose outcome the screen
    /// had not heard.
    pub fn new(watched: HashSet<CommandId>, targets: usize) -> Self {
        Self::with(watched, Progress::new("finishing", targets))
    }

    fn with(watched: HashSet<CommandId>, progress: Progress) -> Self {
        let skipped = BTreeMap::new();
        Self { watched, progress, applied: 0, skipped, refused: 0, conflicts: 0, failed: 0 }
    }

    /// Counts a target that ended. A batch's end adds nothing: each of its
    /// targets was heard of on its own. (What a change waits on is left to
    /// the audit log here: the line `apply` draws keeps one command's.)
    pub fn heard(&mut self, event: &Event) {
        match event {
            Event::ItemFinished { id, outcome, .. }
            | Event::Finished { id, result: Finished::Single { outcome, .. } }
                if self.watched.contains(id) =>
            {
                self.ended(outcome);
            }
            _ => {}
        }
    }

    /// Ends the progress line, so that a line said now stands on its own.
    pub fn break_line(&mut self) {
        self.progress.finish();
    }

    fn ended(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Applied { .. } => self.applied += 1,
            Outcome::Skipped { key, .. } => *self.skipped.entry(*key).or_default() += 1,
            Outcome::Rejected { .. } => self.refused += 1,
            Outcome::Conflict { .. } => self.conflicts += 1,
            Outcome::Failed { .. } => self.failed += 1,
        }
        // A target the quit left unstarted was skipped at the supervisor's
        // word, as the count that follows says: not a change that failed to
        // go through, which is what `apply` (whose file asked for it) calls it.
        let verdict = if outcome.is_unstarted() { Verdict::Skipped } else { Verdict::of(outcome) };
        self.progress.tick(verdict);
    }

    /// Ends the progress line; how the targets heard of ended, in words,
    /// or `None` when none was.
    pub fn tally(mut self) -> Option<String> {
        self.progress.finish();
        let n = |count: usize| format::count(count as u64);
        let mut parts = Vec::new();
        if self.applied > 0 {
            parts.push(format!("{} applied", n(self.applied)));
        }
        for (count, words) in
            [(self.refused, "refused"), (self.conflicts, "in conflict"), (self.failed, "failed")]
        {
            if count > 0 {
                parts.push(format!("{} {words}", n(count)));
            }
        }
        if !self.skipped.is_empty() {
            let reasons: Vec<String> =
                self.skipped.iter().map(|(key, count)| format!("{} {}", n(*count), key.words())).collect();
            parts.push(format!("skipped {}", reasons.join(", ")));
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::audit::{Target, TargetKind};

    fn item(batch: &CommandId, outcome: Outcome) -> Event {
        let target = Target::new(TargetKind::Contact, "c-1");
        Event::ItemFinished { id: batch.clone(), item: batch.item(0), target, outcome }
    }

    #[test]
    fn each_target_of_a_write_in_flight_is_counted_once_by_how_it_ended() {
        let (batch, single, look) = (CommandId::random(), CommandId::random(), CommandId::random());
        let watched = HashSet::from([batch.clone(), single.clone()]);
        let mut finishing = Finishing::with(watched, Progress::quiet("finishing", 5));
        finishing.heard(&item(&batch, Outcome::applied("now has outcome BUSY")));
        finishing.heard(&item(&batch, Outcome::applied("now has outcome BUSY")));
        finishing.heard(&item(&batch, Outcome::skipped(SkipKey::Duplicate, "duplicate")));
        finishing.heard(&item(&batch, Outcome::unstarted("contact")));
        let failed = Finished::Single { target: None, outcome: Outcome::failed("503") };
        finishing.heard(&Event::Finished { id: single, result: failed });
        let report = crate::engine::BatchReport::default();
        finishing.heard(&Event::Finished { id: batch, result: Finished::Batch(report) });
        // A look at the outbox answered meanwhile is no target.
        let answered = Finished::Single { target: None, outcome: Outcome::applied("0 waiting") };
        finishing.heard(&Event::Finished { id: look, result: answered });
        // The line drawn as they end counts the target the quit left
        // unstarted as skipped, as the tally does, not as not through.
        assert_eq!(finishing.progress.counts(), (2, 2, 1));
        assert_eq!(
            finishing.tally().as_deref(),
            Some("2 applied, 1 failed, skipped 1 cancelled (not written), 1 duplicates")
        );
        let none = Finishing::with(HashSet::new(), Progress::quiet("finishing", 1));
        assert_eq!(none.tally(), None, "none heard of");
    }
}
