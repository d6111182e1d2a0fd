//! What a batch has reported so far, kept where the engine's task can read
//! it: a batch whose own task panics is ended from it, each target it had
//! not reported counted as failed, so its report still covers every target.
//! A target it had started may have been sent; one it had not, was not.

use super::audit::Target;
use super::command::{Change, CommandId};
use super::context::Claim;
use super::event::{BatchReport, Finished, Outcome, Write};
use super::flows;
use crate::domain::agent_status;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

/// A command's targets and the outcomes it has counted of them.
pub(crate) struct Tally {
    /// Every target of a batch, in the order sent, by its item id; `None`
    /// for a change that ends with one outcome, which counts none.
    members: Option<Vec<(CommandId, Target)>>,
    counted: Mutex<Counted>,
}

#[derive(Default)]
struct Counted {
    report: BatchReport,
    reported: HashSet<CommandId>,
    /// Targets started and not reported yet, each contact's with the place
    /// it took in the session's set.
    started: HashMap<CommandId, Option<Claim>>,
}

/// One target's outcome, counted.
#[must_use = "a contact not done is to be let go of"]
pub(crate) struct Count {
    /// How many targets are counted now.
    pub done: usize,
    /// The contact the target held in the session's set, when its outcome
    /// was not applied: not done after all, it is to be let go of.
    pub release: Option<Claim>,
}

/// How a batch whose task panicked ends: each target it had not reported,
/// with its outcome; the contacts among them to let go from the session's
/// set, since none is done; and the report that counts them with the rest.
#[derive(Debug)]
pub(crate) struct Cut {
    pub unreported: Vec<(CommandId, Target, Outcome)>,
    pub claims: Vec<Claim>,
    pub result: Finished,
}

/// The outcomes of a cut batch's targets: those it had started, which may
/// have been sent, and those it had not.
pub(crate) struct CutShort<'a> {
    pub started: &'a Outcome,
    pub unstarted: &'a Outcome,
    /// The supervisor had cancelled the batch before it stopped.
    pub cancelled: bool,
}

impl Tally {
    /// The tally of `change`.
    pub fn of(change: &Change) -> Self {
        let members = match change {
            Change::ContactDispositions(items) => Some(
                items
                    .iter()
                    .map(|i| (i.id.clone(), flows::contact_target(&i.draft, i.name.as_deref())))
                    .collect(),
            ),
            // As `agent_status::run` ends it: one agent as a single outcome.
            Change::AgentStatus(items) if !agent_status::ends_as_one(items.len()) => {
                Some(items.iter().map(|i| (i.id.clone(), flows::agent_target(i))).collect())
            }
            _ => None,
        };
        Self { members, counted: Mutex::default() }
    }

    /// The batch has started `item`, which may be sent from now on; a
    /// contact with the place it took in the session's set.
    pub fn started(&self, item: &CommandId, claim: Option<Claim>) {
        self.counted.lock().unwrap_or_else(|p| p.into_inner()).started.insert(item.clone(), claim);
    }

    /// Counts one target's outcome, handing back the place it took in the
    /// session's set unless its outcome was applied: the tally is the one
    /// holder of that place from the target's start to its end.
    pub fn count(&self, item: &CommandId, outcome: &Outcome, write: Write) -> Count {
        let mut counted = self.counted.lock().unwrap_or_else(|p| p.into_inner());
        counted.report.count(outcome, write);
        counted.reported.insert(item.clone());
        let held = counted.started.remove(item).flatten();
        Count { done: counted.report.total(), release: held.filter(|_| !outcome.is_applied()) }
    }

    /// The report of what was counted.
    pub fn report(&self) -> BatchReport {
        self.counted.lock().unwrap_or_else(|p| p.into_inner()).report.clone()
    }

    /// Ends a batch after its task panicked: each target not reported ends
    /// with `ends.started`, counted as a failed write when the batch had
    /// started it (it may have been sent), or with `ends.unstarted`, counted
    /// as failed and not sent. `None` for a change that ends with one
    /// outcome.
    pub fn cut(&self, ends: &CutShort<'_>) -> Option<Cut> {
        let members = self.members.as_ref()?;
        let mut counted = self.counted.lock().unwrap_or_else(|p| p.into_inner());
        let Counted { report, reported, started } = &mut *counted;
        let (mut unreported, mut claims) = (Vec::new(), Vec::new());
        for (item, target) in members {
            if reported.contains(item) {
                continue;
            }
            let (outcome, write) = match started.remove(item) {
                Some(claim) => {
                    claims.extend(claim);
                    (ends.started, Write::Sent { latency_ms: None })
                }
                None => (ends.unstarted, Write::NotSent),
            };
            report.count(outcome, write);
            reported.insert(item.clone());
            unreported.push((item.clone(), target.clone(), outcome.clone()));
        }
        report.set_cancelled(ends.cancelled);
        Some(Cut { unreported, claims, result: Finished::Batch(report.clone()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::agent_status::AgentStatusDraft;
    use crate::domain::contact_disposition::{ContactDispositionDraft, SkipReason};
    use crate::engine::command::Item;

    fn contacts(n: usize) -> Change {
        let base = CommandId::derived([b"batch".as_slice()]);
        let draft = |i: usize| ContactDispositionDraft {
            contact_id: format!("c-{i}"),
            campaign_id: "k".into(),
            ..Default::default()
        };
        Change::ContactDispositions((0..n).map(|i| Item::new(base.item(i), draft(i))).collect())
    }

    fn ends(cancelled: bool) -> (Outcome, Outcome, bool) {
        (Outcome::failed("stopped"), Outcome::failed("never started"), cancelled)
    }

    fn cut(tally: &Tally, (started, unstarted, cancelled): &(Outcome, Outcome, bool)) -> Option<Cut> {
        tally.cut(&CutShort { started, unstarted, cancelled: *cancelled })
    }

    #[test]
    fn a_cut_batch_counts_every_target_it_had_not_reported_as_failed() {
        let change = contacts(4);
        let Change::ContactDispositions(items) = &change else { unreachable!() };
        let tally = Tally::of(&change);
        let claim = |i: usize| ("k".to_string(), format!("c-{i}"));
        for (i, item) in items.iter().enumerate().take(3) {
            tally.started(&item.id, Some(claim(i)));
        }
        let applied =
            tally.count(&items[1].id, &Outcome::applied("ok"), Write::Sent { latency_ms: Some(12.0) });
        assert_eq!((applied.done, applied.release), (1, None), "a contact done keeps its place");
        let outcomes = ends(false);
        let Cut { unreported, claims, result } = cut(&tally, &outcomes).expect("a batch is cut");
        let left: Vec<(&CommandId, &Outcome)> = unreported.iter().map(|(item, _, o)| (item, o)).collect();
        assert_eq!(
            left,
            [(&items[0].id, &outcomes.0), (&items[2].id, &outcomes.0), (&items[3].id, &outcomes.1)],
            "in the order sent, those started apart from the one never started"
        );
        assert_eq!(unreported[0].1, Target::contact("k", "c-0"));
        assert_eq!(claims, [claim(0), claim(2)], "the contacts started and not done are let go");
        let Finished::Batch(report) = result else { panic!("a batch ends with its report") };
        assert_eq!((report.total(), report.successful(), report.failed()), (4, 1, 2));
        assert_eq!(report.processed(), 3, "the one never started was not a write attempted");
        assert_eq!(report.unwritten(), 1, "and is not through all the same");
        assert!(!report.cancelled());
        let Some(Cut { result: Finished::Batch(report), .. }) = cut(&Tally::of(&contacts(2)), &ends(true))
        else {
            panic!("a batch is cut")
        };
        assert!(report.cancelled(), "a cancel the supervisor made is kept");
    }

    #[test]
    fn a_target_counted_hands_back_its_contact_unless_it_was_applied() {
        let change = contacts(3);
        let Change::ContactDispositions(items) = &change else { unreachable!() };
        let tally = Tally::of(&change);
        let claim = |i: usize| ("k".to_string(), format!("c-{i}"));
        for (i, item) in items.iter().enumerate().take(2) {
            tally.started(&item.id, Some(claim(i)));
        }
        let Count { done, release } =
            tally.count(&items[0].id, &Outcome::failed("503"), Write::Sent { latency_ms: None });
        assert_eq!((done, release), (1, Some(claim(0))), "not done after all: let go");
        let Count { release, .. } =
            tally.count(&items[1].id, &Outcome::skipped_for(&SkipReason::Unchanged), Write::NotSent);
        assert_eq!(release, Some(claim(1)), "a skip is not done either");
        let Count { done, release } =
            tally.count(&items[2].id, &Outcome::unstarted("contact"), Write::NotSent);
        assert_eq!((done, release), (3, None), "one never started took no place");
    }

    #[test]
    fn only_a_change_that_ends_as_a_batch_is_cut_as_one() {
        let agents = |n: usize| {
            let base = CommandId::derived([b"team".as_slice()]);
            let draft = AgentStatusDraft { user_id: "u".into(), ..Default::default() };
            Change::AgentStatus((0..n).map(|i| Item::new(base.item(i), draft.clone())).collect())
        };
        let cut = |change: &Change| cut(&Tally::of(change), &ends(false)).is_some();
        assert!(!cut(&agents(1)), "one agent ends with one outcome");
        assert!(cut(&agents(2)));
        assert!(cut(&agents(0)), "a team of none is a batch too, as the flow ends it");
        assert!(cut(&contacts(1)), "a contact batch of one still reports as a batch");
        assert!(!cut(&Change::WatchAttributes));
    }
}
