//! A change this console sent and the engine has not finished: what it is
//! called on screen, and what its items said along the way. [`super::Sent`]
//! keeps one for each.

use crate::engine::Outcome;
use crate::engine::audit::Target;
use crate::ui::capped::{capped, capped_line};
use crate::ui::forms::Form;
use crate::ui::panes::format;

/// Item outcomes of each kind (refused or failed, skipped) kept for a
/// batch's result and its listing in `:results`.
const KEPT: usize = 100;

#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    /// What the change is, for the progress gauge and the result
    /// ("Break (Queue Full) · 40 agents").
    pub label: String,
    /// Writes to the tenant: the tables refresh when it ends. One that
    /// does not returns data to read (a simulation, metrics), shown in a
    /// window.
    pub writes: bool,
    /// The first items refused, conflicted or failed, with why, in words.
    pub blocked: Vec<String>,
    /// The first items skipped for a reason the count does not tell (the
    /// dialer's state), in words.
    pub skips: Vec<String>,
    /// Every item kept in either, or not kept for want of room.
    pub blocked_total: usize,
    /// Those items by how they ended.
    pub refused: usize,
    pub conflicts: usize,
    pub errors: usize,
    /// The supervisor cancelled it: no target is started any more.
    pub cancelled: bool,
    /// The form a change to one target was sent from, as it was typed: it
    /// comes back to be reopened when the change is not applied.
    pub form: Option<Box<Form>>,
}

impl Pending {
    pub fn new(label: impl Into<String>, writes: bool) -> Self {
        Self {
            label: label.into(),
            writes,
            blocked: Vec::new(),
            skips: Vec::new(),
            blocked_total: 0,
            refused: 0,
            conflicts: 0,
            errors: 0,
            cancelled: false,
            form: None,
        }
    }

    /// Keeps an item that was skipped, refused, conflicted or failed, with
    /// why, and counts the last three by kind. A skip the result's count
    /// already explains ("2 already so") is not kept. The target is named
    /// only when the outcome's words do not name it already.
    pub fn note_blocked(&mut self, target: Option<&Target>, outcome: &Outcome) {
        match outcome {
            Outcome::Rejected { .. } => self.refused += 1,
            Outcome::Conflict { .. } => self.conflicts += 1,
            Outcome::Failed { .. } => self.errors += 1,
            // Its count says all there is ("skipped 2 already so").
            Outcome::Skipped { key, .. } if key.said_by_the_count() => return,
            Outcome::Skipped { .. } => {}
            Outcome::Applied { .. } => return,
        }
        self.blocked_total += 1;
        let kept =
            if matches!(outcome, Outcome::Skipped { .. }) { &mut self.skips } else { &mut self.blocked };
        if kept.len() < KEPT {
            let text = outcome.text();
            let text = capped_line(text);
            kept.push(match target {
                Some(target) if !text.contains(target.id.as_str()) => format!("{}: {text}", named(target)),
                _ => text.into_owned(),
            });
        }
    }

    /// The item a result names: the first refused or failed, else the
    /// first skipped.
    pub fn first_blocked(&self) -> Option<&str> {
        self.blocked.first().or(self.skips.first()).map(String::as_str)
    }

    /// What the result line says of the items it does not name: where
    /// they are listed, and how many of them are.
    pub fn more_words(&self) -> Option<String> {
        let more = self.blocked_total.checked_sub(1).filter(|&n| n > 0)?;
        let more = format::count(more as u64);
        Some(match self.unkept() {
            0 => format!("(and {more} more, listed in :results)"),
            _ => format!(
                "(and {more} more; :results lists {} of the {})",
                format::count(self.kept() as u64),
                format::count(self.blocked_total as u64)
            ),
        })
    }

    /// The items `:results` lists under the result, a line each: refused
    /// or failed first, then skipped, and how many were not kept; none
    /// when the result line names the only one.
    pub fn listing(&self) -> Vec<String> {
        // One item is the one the result line names.
        if self.blocked_total < 2 {
            return Vec::new();
        }
        let mut lines: Vec<String> =
            self.blocked.iter().chain(&self.skips).map(|item| format!("· {item}")).collect();
        // The engine records each item's outcome in the audit log before it
        // tells of it, unless the log could not, which the outcome says.
        let unkept = self.unkept();
        if unkept > 0 {
            let n = format::count(unkept as u64);
            lines.push(format!("… and {n} more, not kept here; the audit log has each outcome it recorded"));
        }
        lines
    }

    fn kept(&self) -> usize {
        self.blocked.len() + self.skips.len()
    }

    /// How many of the items counted in `blocked_total` are not kept.
    fn unkept(&self) -> usize {
        self.blocked_total.saturating_sub(self.kept())
    }

    /// The items not applied, by how they ended: `2 refused, 1 failed`;
    /// `None` when the console did not see each of them end.
    pub fn blocked_words(&self, failed: usize) -> Option<String> {
        if self.refused + self.conflicts + self.errors != failed {
            return None;
        }
        let words = [
            (self.refused, "refused", "refused"),
            (self.conflicts, "conflict", "conflicts"),
            (self.errors, "failed", "failed"),
        ];
        let parts: Vec<String> = words
            .iter()
            .filter(|(n, ..)| *n > 0)
            .map(|&(n, one, many)| format!("{} {}", format::count(n as u64), if n == 1 { one } else { many }))
            .collect();
        Some(parts.join(", "))
    }
}

/// A target as a result line opens with: its name as the change read it,
/// with the id that tells namesakes apart, or the id alone.
fn named(target: &Target) -> String {
    match target.name.as_deref().filter(|name| !name.is_empty()) {
        Some(name) => format!("{} ({})", capped(name), target.id),
        None => target.id.clone(),
    }
}
