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
mod tests {
    use super::*;

    fn id(name: &str) -> CommandId {
        CommandId::derived([name.as_bytes()])
    }

    #[test]
    fn a_change_is_in_flight_from_its_acceptance_to_its_end() {
        let mut sent = Sent::default();
        sent.sent(id("a"), Pending::new("Break · 3 agents", true));
        assert_eq!(sent.in_flight().count(), 0, "not yet taken on");
        assert!(!sent.is_empty());
        sent.accepted(id("a"), 3);
        sent.progressed(id("a"), 1, 3);
        assert_eq!(sent.targets_left(), 2);
        assert_eq!(sent.newest_batch(), Some(id("a")));
        assert_eq!(sent.finished(&id("a")).map(|p| p.label), Some("Break · 3 agents".into()));
        assert!(sent.is_empty() && sent.in_flight().next().is_none());
    }

    #[test]
    fn a_change_this_console_did_not_send_is_shown_unnamed_and_not_cancelled_from_here() {
        let mut sent = Sent::default();
        sent.accepted(id("elsewhere"), 5);
        assert_eq!(sent.in_flight().count(), 1);
        assert_eq!(sent.label(&id("elsewhere")), UNNAMED);
        assert!(sent.newest_batch().is_none() && sent.unfinished_batches().is_empty());
        assert!(sent.cancel(&id("elsewhere")).is_empty());
        assert!(!sent.writes(&id("elsewhere")));
        assert!(sent.finished(&id("elsewhere")).is_none());
        assert!(sent.is_empty());
    }

    #[test]
    fn a_group_counts_its_members_and_ends_with_the_last() {
        let mut sent = Sent::default();
        let members: BTreeSet<CommandId> = [id("m1"), id("m2")].into();
        sent.sent_together(id("g"), members, Pending::new("disposition 101 · 2 interactions", true));
        sent.accepted(id("m1"), 1);
        assert_eq!(sent.in_flight().map(|(_, p)| p).collect::<Vec<_>>(), [Progress { done: 0, total: 2 }]);
        assert_eq!(sent.group_of(&id("m2")), Some(id("g")));
        assert!(sent.writes(&id("m2")), "a member writes as its group does");
        assert_eq!(sent.commands_to_cancel(), [id("m1"), id("m2")]);

        let applied = Outcome::applied("ok");
        assert!(sent.member_finished(&id("g"), &id("m1"), None, &applied).is_none());
        assert_eq!(sent.cancel(&id("g")), [id("m2")], "the member still out");
        assert!(sent.cancelling() && sent.unfinished_batches().is_empty());
        let report = sent.member_finished(&id("g"), &id("m2"), None, &Outcome::unstarted("interaction"));
        let report = report.expect("the last member ends the group");
        assert_eq!((report.total(), report.successful(), report.cancelled()), (2, 1, true));
        assert!(sent.finished(&id("g")).is_some() && sent.is_empty());
    }

    /// A wait stands until the engine says it is over, not when a target
    /// ends; in a group, a member saying its own wait is over leaves the
    /// wait another member told since, and a member's wait ends with it.
    #[test]
    fn a_wait_ends_when_its_teller_says_so() {
        use crate::api::retry::Setback;
        let mut sent = Sent::default();
        let members: BTreeSet<CommandId> = [id("m1"), id("m2")].into();
        sent.sent_together(id("g"), members, Pending::new("Break · 2 agents", true));
        let (now, lasts) = (Duration::from_secs(100), Duration::from_secs(30));
        let retrying = |attempt| Wait::Retrying { setback: Setback::Interrupted, attempt, attempts: 4 };
        let shown = |sent: &Sent| sent.waiting_on(&id("g"), now).map(|w| w.wait.clone());

        sent.waiting(id("m1"), retrying(2), lasts, now);
        sent.waiting(id("m2"), retrying(3), lasts, now);
        sent.waiting(id("m1"), retrying(2), Duration::ZERO, now);
        assert_eq!(shown(&sent), Some(retrying(3)), "the other member still goes again");
        assert!(sent.member_finished(&id("g"), &id("m1"), None, &Outcome::applied("ok")).is_none());
        assert_eq!(shown(&sent), Some(retrying(3)), "a member ending is no word on the other's wait");
        sent.waiting(id("m2"), retrying(2), Duration::ZERO, now);
        assert_eq!(shown(&sent), Some(retrying(3)), "not the wait shown");
        sent.waiting(id("m2"), retrying(3), Duration::ZERO, now);
        assert_eq!(shown(&sent), None, "over, as its teller said");
        // WaitTold again, and its word that the wait is over never comes.
        sent.waiting(id("m2"), retrying(2), lasts, now);
        assert!(sent.member_finished(&id("g"), &id("m2"), None, &Outcome::applied("ok")).is_some());
        assert_eq!(shown(&sent), None, "a member's own wait ends with it");

        sent.accepted(id("one"), 5);
        sent.waiting(id("one"), retrying(2), lasts, now);
        sent.progressed(id("one"), 1, 5);
        assert!(sent.waiting_on(&id("one"), now).is_some(), "a target ending leaves the batch's wait");
        assert!(sent.waiting_on(&id("one"), now + lasts).is_none(), "over once its time has passed");

        // A pause stands behind a call tried again, and shows once it is over.
        let paused = Wait::CampaignPaused { campaign: "Spring Renewal".into() };
        let later = now + lasts;
        sent.waiting(id("one"), paused.clone(), lasts, later);
        sent.waiting(id("one"), retrying(2), Duration::from_secs(5), later);
        let shown_at = |sent: &Sent, at| sent.waiting_on(&id("one"), at).map(|w| w.wait.clone());
        assert_eq!(shown_at(&sent, later), Some(retrying(2)));
        sent.waiting(id("one"), retrying(2), Duration::ZERO, later);
        assert_eq!(shown_at(&sent, later), Some(paused.clone()), "the pause is shown again");
        sent.waiting(id("one"), retrying(3), Duration::from_secs(5), later);
        assert_eq!(
            shown_at(&sent, later + Duration::from_secs(5)),
            Some(paused),
            "and once the retry's time is up"
        );
    }

    /// Two names whose ids sort the other way round from `[first, second]`.
    fn ids_out_of_order() -> (CommandId, CommandId) {
        let names = (0..).map(|n| id(&format!("batch {n}")));
        let mut pairs = names.clone().zip(names.skip(1));
        pairs.find(|(a, b)| a > b).expect("random ids disagree with some order")
    }

    #[test]
    fn the_newest_batch_is_the_last_sent_whatever_the_ids_order() {
        let (older, newer) = ids_out_of_order();
        assert!(newer < older, "the ids sort the newer first");
        let mut sent = Sent::default();
        sent.sent(older.clone(), Pending::new("Break · 3 agents", true));
        sent.sent(newer.clone(), Pending::new("Lunch · 4 agents", true));
        sent.accepted(older.clone(), 3);
        sent.accepted(newer.clone(), 4);
        assert_eq!(sent.newest_batch(), Some(newer.clone()));
        assert_eq!(sent.in_flight().map(|(id, _)| id.clone()).collect::<Vec<_>>(), [older.clone(), newer]);

        // A batch taken on first is not the newer for it: sent order counts.
        let mut sent = Sent::default();
        let (older, newer) = ids_out_of_order();
        sent.sent(older.clone(), Pending::new("Break · 3 agents", true));
        sent.sent(newer.clone(), Pending::new("Lunch · 4 agents", true));
        sent.accepted(newer.clone(), 4);
        sent.accepted(older, 3);
        assert_eq!(sent.newest_batch(), Some(newer));
    }
}
