//! What a batch has reported so far, kept where the engine's task can read
//! it: a batch whose own task panics is ended from it, each target it had
//! not reported counted as failed, so its report still covers every target.

use super::audit::Target;
use super::command::{Change, CommandId};
use super::event::{BatchReport, Finished, Outcome, Write};
use super::flows;
use std::collections::HashSet;
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
}

/// How a batch whose task panicked ends: the targets it had not reported,
/// and the report that counts them with the rest.
#[derive(Debug)]
pub(crate) struct Cut {
    pub unreported: Vec<(CommandId, Target)>,
    pub result: Finished,
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
            // One agent ends as a single outcome (see `agent_status::run`).
            Change::AgentStatus(items) if items.len() > 1 => {
                Some(items.iter().map(|i| (i.id.clone(), flows::agent_target(i))).collect())
            }
            _ => None,
        };
        Self { members, counted: Mutex::default() }
    }

    /// Counts one target's outcome; returns how many are counted now.
    pub fn count(&self, item: &CommandId, outcome: &Outcome, write: Write) -> usize {
        let mut counted = self.counted.lock().unwrap_or_else(|p| p.into_inner());
        counted.report.count(outcome, write);
        counted.reported.insert(item.clone());
        counted.report.total()
    }

    /// The report of what was counted.
    pub fn report(&self) -> BatchReport {
        self.counted.lock().unwrap_or_else(|p| p.into_inner()).report.clone()
    }

    /// Ends a batch after its task panicked: each target not reported
    /// ends with `outcome`, counted as a failed write, since the task may
    /// have sent it before it stopped. `None` for a change that ends with
    /// one outcome.
    pub fn cut(&self, outcome: &Outcome) -> Option<Cut> {
        let members = self.members.as_ref()?;
        let mut counted = self.counted.lock().unwrap_or_else(|p| p.into_inner());
        let Counted { report, reported } = &mut *counted;
        let unreported: Vec<(CommandId, Target)> =
            members.iter().filter(|(item, _)| !reported.contains(item)).cloned().collect();
        for (item, _) in &unreported {
            report.count(outcome, Write::Sent { latency_ms: None });
            reported.insert(item.clone());
        }
        Some(Cut { unreported, result: Finished::Batch(report.clone()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::agent_status::AgentStatusDraft;
    use crate::domain::contact_disposition::ContactDispositionDraft;
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

    #[test]
    fn a_cut_batch_counts_every_target_it_had_not_reported_as_failed() {
        let change = contacts(3);
        let Change::ContactDispositions(items) = &change else { unreachable!() };
        let tally = Tally::of(&change);
        tally.count(&items[1].id, &Outcome::applied("ok"), Write::Sent { latency_ms: Some(12.0) });
        let Cut { unreported, result, .. } = tally.cut(&Outcome::failed("stopped")).expect("a batch is cut");
        let left: Vec<&CommandId> = unreported.iter().map(|(item, _)| item).collect();
        assert_eq!(left, [&items[0].id, &items[2].id], "in the order sent");
        assert_eq!(unreported[0].1, Target::contact("k", "c-0"));
        let Finished::Batch(report) = result else { panic!("a batch ends with its report") };
        assert_eq!((report.total(), report.successful(), report.failed()), (3, 1, 2));
        assert!(!report.cancelled());
    }

    #[test]
    fn only_a_change_that_ends_as_a_batch_is_cut_as_one() {
        let agents = |n: usize| {
            let base = CommandId::derived([b"team".as_slice()]);
            let draft = AgentStatusDraft { user_id: "u".into(), ..Default::default() };
            Change::AgentStatus((0..n).map(|i| Item::new(base.item(i), draft.clone())).collect())
        };
        let cut = |change: &Change| Tally::of(change).cut(&Outcome::failed("stopped")).is_some();
        assert!(!cut(&agents(1)), "one agent ends with one outcome");
        assert!(cut(&agents(2)));
        assert!(cut(&contacts(1)), "a contact batch of one still reports as a batch");
        assert!(!cut(&Change::WatchAttributes));
    }
}
