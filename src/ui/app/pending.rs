//! Changes this console sent and the engine has not finished: what they
//! are called on screen, and what their items said along the way.

use crate::engine::{BatchReport, CommandId};
use std::collections::BTreeSet;

/// Item outcomes kept for a batch's result; the audit log keeps them all.
const KEPT: usize = 100;

/// Commands sent together from one confirmation, one per target (the
/// engine takes interaction changes one at a time), that the console shows,
/// reports and cancels as one batch: the group's own id stands for them in
/// `in_flight` and `pending`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Group {
    /// Members whose outcome has not come back.
    pub waiting: BTreeSet<CommandId>,
    /// The members' outcomes, counted as a batch's are.
    pub report: BatchReport,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// What the change is, for the progress gauge and the result
    /// ("Break (Queue Full) · 40 agents").
    pub label: String,
    /// Writes to the tenant: the tables refresh when it ends.
    pub writes: bool,
    /// Returns data to read (a simulation, metrics): shown in a window.
    pub shows_result: bool,
    /// The first items refused or failed, with why, in words.
    pub blocked: Vec<String>,
    /// Every item refused or failed, kept or not.
    pub blocked_total: usize,
    /// The supervisor cancelled it: no target is started any more.
    pub cancelled: bool,
}

impl Pending {
    pub fn new(label: impl Into<String>, writes: bool) -> Self {
        Self {
            label: label.into(),
            writes,
            shows_result: !writes,
            blocked: Vec::new(),
            blocked_total: 0,
            cancelled: false,
        }
    }

    pub fn note_blocked(&mut self, text: String) {
        self.blocked_total += 1;
        if self.blocked.len() < KEPT {
            self.blocked.push(text);
        }
    }
}
