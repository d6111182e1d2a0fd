//! What this console sent to the engine and has not seen finish, in one
//! place: for each command, what it is called and what its items said
//! ([`Pending`]), how far the engine got ([`Progress`]), what it waits on
//! ([`Waiting`]), and for commands sent together, the members still out. Kept as one entry per command, so
//! the three cannot disagree.

use super::pending::Pending;
use crate::engine::audit::Target;
use crate::engine::{BatchReport, CommandId, Outcome, Standing, Wait, WaitTold, Write};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// What a change this console did not send is called on screen.
pub const UNNAMED: &str = "Batch";

/// How far the engine got with a change it has taken on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// What the engine said a change waits on, the command that told it (a
/// group's member, or the change itself), and when the wait is over on the
/// console's clock ([`Clock::mono`](super::clock::Clock)).
pub type Waiting = WaitTold<CommandId, Duration>;

/// The changes sent and not finished, by command id (a group's own id for
/// commands sent together).
#[derive(Debug, Default)]
pub struct Sent {
    entries: BTreeMap<CommandId, Entry>,
    /// The [`Entry::order`] the next change noted gets.
    next: u64,
}

#[derive(Debug)]
struct Entry {
    /// When the change was noted, counted in changes: command ids are
    /// random, so their order says nothing of which is newer, and two
    /// changes sent within a clock tick would tie on time.
    order: u64,
    /// `None` for a change the engine reported that this console did not
    /// send. The engine's events are the console's alone and every change
    /// it sends is noted here first, so that is only so when something else
    /// submits to the same engine (as tests do): such a change is shown in
    /// flight, unnamed, and is not the console's to cancel.
    pending: Option<Pending>,
    /// `None` until the engine takes the change on.
    progress: Option<Progress>,
    /// Commands sent together, one per target (the engine takes interaction
    /// changes one at a time), that the console shows, reports and cancels
    /// as this one batch.
    group: Option<Group>,
    /// The waits the engine told of that still stand; see [`Sent::waiting_on`].
    waiting: Standing<CommandId, Duration>,
}

impl Entry {
    fn new(order: u64, pending: Option<Pending>, progress: Option<Progress>, group: Option<Group>) -> Self {
        Self { order, pending, progress, group, waiting: Standing::default() }
    }
}

/// The next [`Entry::order`], counted on from `next`.
fn bump(next: &mut u64) -> u64 {
    *next += 1;
    *next
}

#[derive(Debug)]
struct Group {
    /// Members whose outcome has not come back.
    waiting: BTreeSet<CommandId>,
    /// The members' outcomes, counted as a batch's are.
    report: BatchReport,
}

impl Sent {
    /// Command `id` went to the engine.
    pub fn sent(&mut self, id: CommandId, pending: Pending) {
        self.entries.insert(id, Entry::new(bump(&mut self.next), Some(pending), None, None));
    }

    /// Commands `members` went to the engine together, shown as one batch
    /// under `group`, its progress their outcomes as they come back.
    pub fn sent_together(&mut self, group: CommandId, members: BTreeSet<CommandId>, pending: Pending) {
        let progress = Progress { done: 0, total: members.len() };
        let group_of = Group { waiting: members, report: BatchReport::default() };
        let entry = Entry::new(bump(&mut self.next), Some(pending), Some(progress), Some(group_of));
        self.entries.insert(group, entry);
    }

    /// The engine took on `id`, of `total` targets.
    pub fn accepted(&mut self, id: CommandId, total: usize) {
        self.progressed(id, 0, total);
    }

    /// The engine is `done` of `total` targets into `id`. A member of a
    /// group is not counted here: the group counts its members' outcomes.
    pub fn progressed(&mut self, id: CommandId, done: usize, total: usize) {
        if self.group_of(&id).is_some() {
            return;
        }
        let Self { entries, next } = self;
        let entry = entries.entry(id).or_insert_with(|| Entry::new(bump(next), None, None, None));
        entry.progress = Some(Progress { done, total });
    }

    /// The engine says `id` waits on `wait` for `lasts` from `now`; a
    /// member of a group makes its group wait. A wait of no length is the
    /// engine saying the wait it told is over: only that wait of that
    /// command goes, since another member of the group, or another kind of
    /// wait, may still hold the change, and is shown again. Nothing else
    /// ends a wait before its time: the engine knows when the last of a
    /// change's calls tried again has ended, and a line's progress does not.
    pub fn waiting(&mut self, id: CommandId, wait: Wait, lasts: Duration, now: Duration) {
        let shown = self.group_of(&id).unwrap_or_else(|| id.clone());
        let Some(entry) = self.entries.get_mut(&shown) else { return };
        if lasts.is_zero() {
            entry.waiting.over(&id, &wait);
        } else {
            entry.waiting.told(id, wait, now + lasts, now);
        }
    }

    /// What `id` waits on at `now`, on the console's clock: the newest
    /// wait told whose time is not over and that the engine did not say
    /// was over.
    pub fn waiting_on(&self, id: &CommandId, now: Duration) -> Option<&Waiting> {
        self.entries.get(id)?.waiting.shown(now)
    }

    /// Whether any change was shown waiting at `then`: its countdown moves
    /// on, or its words go, each second.
    pub fn any_waiting(&self, then: Duration) -> bool {
        self.entries.values().any(|e| e.waiting.shown(then).is_some())
    }

    /// An item of `id` ended: kept for the result when it did not apply.
    pub fn item_finished(&mut self, id: &CommandId, target: Option<&Target>, outcome: &Outcome) {
        if let Some(pending) = self.entries.get_mut(id).and_then(|e| e.pending.as_mut()) {
            pending.note_blocked(target, outcome);
        }
    }

    /// `member` of `group` ended: counted, and kept for the result when it
    /// did not apply. When it was the last, the group's report, which
    /// [`finished`](Self::finished) of `group` is then to end.
    pub fn member_finished(
        &mut self,
        group: &CommandId,
        member: &CommandId,
        target: Option<&Target>,
        outcome: &Outcome,
    ) -> Option<BatchReport> {
        let entry = self.entries.get_mut(group)?;
        let members = entry.group.as_mut()?;
        members.waiting.remove(member);
        // Whatever the member waited on is over for it; the others tell
        // their own waits.
        entry.waiting.ended(member);
        // The console hears outcomes alone, and counts what did not go through
        // as one: whether a write went out does not change its words.
        members.report.count(outcome, Write::Sent { latency_ms: None });
        if let Some(progress) = entry.progress.as_mut() {
            progress.done = members.report.total();
        }
        if let Some(pending) = entry.pending.as_mut() {
            pending.note_blocked(target, outcome);
        }
        if !members.waiting.is_empty() {
            return None;
        }
        let mut report = members.report.clone();
        report.set_cancelled(entry.pending.as_ref().is_some_and(|p| p.cancelled));
        Some(report)
    }

    /// `id` ended: it is gone, and what this console sent it as comes back
    /// (`None` for a change it did not send).
    pub fn finished(&mut self, id: &CommandId) -> Option<Pending> {
        self.entries.remove(id).and_then(|entry| entry.pending)
    }

    /// The cancel of batch `id`, noted so that it is not offered again: the
    /// engine's commands to cancel, none when this console did not send it.
    pub fn cancel(&mut self, id: &CommandId) -> Vec<CommandId> {
        let Some(pending) = self.entries.get_mut(id).and_then(|e| e.pending.as_mut()) else {
            return Vec::new();
        };
        pending.cancelled = true;
        self.commands_of(id)
    }

    /// Whether nothing is noted: nothing sent is still out, and nothing
    /// else the engine took on.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The changes the engine has taken on and not finished, with how far
    /// it got, oldest first: in the order they were sent, or for a change
    /// this console did not send, first heard of.
    pub fn in_flight(&self) -> impl DoubleEndedIterator<Item = (&CommandId, Progress)> {
        let mut taken: Vec<_> = self
            .entries
            .iter()
            .filter_map(|(id, entry)| entry.progress.map(|p| (entry.order, id, p)))
            .collect();
        taken.sort_unstable_by_key(|&(order, _, _)| order);
        taken.into_iter().map(|(_, id, p)| (id, p))
    }

    /// The changes the progress line shows at `now`: the batches, and any
    /// change waiting on something.
    pub fn on_progress_line(&self, now: Duration) -> impl DoubleEndedIterator<Item = (&CommandId, Progress)> {
        self.in_flight().filter(move |(id, p)| p.total > 1 || self.waiting_on(id, now).is_some())
    }

    /// What `id` is called on screen.
    pub fn label(&self, id: &CommandId) -> &str {
        self.pending(id).map_or(UNNAMED, |p| p.label.as_str())
    }

    /// Whether command `id` (or the group it belongs to) writes to the tenant.
    pub fn writes(&self, id: &CommandId) -> bool {
        let pending = self.pending(id).or_else(|| self.group_of(id).and_then(|group| self.pending(&group)));
        pending.is_some_and(|p| p.writes)
    }

    /// The newest batch in flight this console sent, for a cancel: the
    /// last sent, as [`in_flight`](Self::in_flight) orders them.
    pub fn newest_batch(&self) -> Option<CommandId> {
        let mut batches = self.in_flight().rev().filter(|(id, p)| p.total > 1 && self.pending(id).is_some());
        batches.next().map(|(id, _)| id.clone())
    }

    /// Targets of the changes in flight whose outcome has not come back.
    pub fn targets_left(&self) -> usize {
        self.in_flight().map(|(_, p)| p.total.saturating_sub(p.done)).sum()
    }

    /// Batches this console sent that may still have targets to start:
    /// those a cancel would shorten.
    pub fn unfinished_batches(&self) -> Vec<CommandId> {
        self.in_flight()
            .filter(|(_, p)| p.total > 1 && p.done < p.total)
            .filter(|(id, _)| self.pending(id).is_some_and(|p| !p.cancelled))
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// The engine's commands that a cancel of the unfinished batches would
    /// shorten: the batches, and the waiting members of groups.
    pub fn commands_to_cancel(&self) -> Vec<CommandId> {
        self.unfinished_batches().iter().flat_map(|id| self.commands_of(id)).collect()
    }

    /// The engine's commands of the changes in flight that write: those
    /// whose ends count as the targets left finish.
    pub fn writes_in_flight(&self) -> std::collections::HashSet<CommandId> {
        let writing: Vec<CommandId> =
            self.in_flight().filter(|(id, _)| self.writes(id)).map(|(id, _)| id.clone()).collect();
        writing.iter().flat_map(|id| self.commands_of(id)).collect()
    }

    /// Whether the supervisor cancelled `id`.
    pub fn cancelled(&self, id: &CommandId) -> bool {
        self.pending(id).is_some_and(|p| p.cancelled)
    }

    /// Whether a batch still in flight was cancelled.
    pub fn cancelling(&self) -> bool {
        self.in_flight().any(|(id, _)| self.cancelled(id))
    }

    /// The group `member` was sent in, if any.
    pub fn group_of(&self, member: &CommandId) -> Option<CommandId> {
        let mut groups = self.entries.iter().filter_map(|(id, e)| e.group.as_ref().map(|g| (id, g)));
        groups.find(|(_, g)| g.waiting.contains(member)).map(|(id, _)| id.clone())
    }

    fn pending(&self, id: &CommandId) -> Option<&Pending> {
        self.entries.get(id).and_then(|e| e.pending.as_ref())
    }

    /// The engine's commands behind `id`: a group's waiting members, else
    /// the command itself.
    fn commands_of(&self, id: &CommandId) -> Vec<CommandId> {
        match self.entries.get(id).and_then(|e| e.group.as_ref()) {
            Some(group) => group.waiting.iter().cloned().collect(),
            None => vec![id.clone()],
        }
    }
}

#[cfg(test)]
#[path = "sent_tests.rs"]
mod tests;
