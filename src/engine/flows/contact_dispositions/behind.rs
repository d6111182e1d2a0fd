//! Entries for a contact that an earlier entry of the same batch holds.
//!
//! Document 001 adds a contact to its processed set once it passes its
//! checks, so a later entry for it is a duplicate only when the one before
//! got past them. An entry that sent no write and was not found applied
//! (the dialer held the contact, it had the outcome already, it was not
//! found, the batch was cancelled first) leaves the contact to the next;
//! one whose write was sent, whatever came of it, makes every later entry
//! for the contact a duplicate. Each waits for the one before it to end,
//! so two entries for a contact never race.

use super::Done;
use super::plan::Ready;
use crate::engine::command::CommandId;
use crate::engine::context::Claim;
use crate::engine::event::{Outcome, Write};
use std::collections::{HashMap, VecDeque};

#[derive(Default)]
pub(super) struct Behind<'a> {
    /// The contact each entry under way that others wait for holds, by the
    /// entry's id: only those, so that a batch without a contact twice
    /// keeps nothing here.
    holders: HashMap<CommandId, Claim>,
    /// The entries waiting for each contact, in the batch's order.
    waiting: HashMap<Claim, VecDeque<Ready<'a>>>,
}

/// What comes of the entries behind one that ended. Moved once, from
/// `Behind` to the batch; boxing the contact would cost an allocation and
/// save nothing that lives.
#[expect(clippy::large_enum_variant, reason = "short-lived, moved once")]
pub(super) enum After<'a> {
    /// None was waiting.
    Nothing,
    /// The contact was left: the next entry for it takes it.
    Next(Ready<'a>),
    /// The contact was sent an outcome: each entry waiting is a duplicate
    /// of the one that ended, which ended as the outcome says.
    Duplicates(Vec<Ready<'a>>, Outcome),
}

impl<'a> Behind<'a> {
    /// `item` holds `claim` from now until it ends.
    pub fn hold(&mut self, item: CommandId, claim: Claim) {
        self.holders.insert(item, claim);
    }

    /// `contact` waits for `holder`, and the entries before it, for its
    /// contact.
    pub fn queue(&mut self, holder: CommandId, contact: Ready<'a>) {
        let claim = contact.claim();
        self.holders.insert(holder, claim.clone());
        self.waiting.entry(claim).or_default().push_back(contact);
    }

    /// The entries behind `done`'s.
    pub fn ended(&mut self, done: &Done) -> After<'a> {
        match self.holders.remove(&done.item) {
            Some(claim) => self.after(&claim, done),
            None => After::Nothing,
        }
    }

    /// The entries behind one for `claim` that ended as `done`.
    pub fn after(&mut self, claim: &Claim, done: &Done) -> After<'a> {
        let Some(queue) = self.waiting.get_mut(claim) else {
            return After::Nothing;
        };
        let after = if leaves_the_contact(done) {
            queue.pop_front().map_or(After::Nothing, After::Next)
        } else {
            After::Duplicates(queue.drain(..).collect(), done.outcome.clone())
        };
        if queue.is_empty() {
            self.waiting.remove(claim);
        }
        after
    }
}

/// Whether an entry that ended as `done` leaves its contact to the next
/// entry for it: it sent no write, and did not find the contact holding it;
/// or its batch was cancelled while the tenant refused its write (429), so
/// that none of it was written.
pub(super) fn leaves_the_contact(done: &Done) -> bool {
    let unsent = matches!(done.write, Write::NotSent) && !done.outcome.is_applied();
    unsent || done.outcome.is_unstarted()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SkipKey;
    use crate::engine::audit::Target;

    fn done(outcome: Outcome, write: Write) -> Done {
        let item = CommandId::random().item(0);
        Done { item, target: Target::contact("k", "c-1"), outcome, write }
    }

    #[test]
    fn only_an_entry_that_wrote_nothing_leaves_its_contact() {
        let sent = Write::Sent { latency_ms: None };
        let skipped = |key| Outcome::skipped(key, "why");
        for (ended, leaves) in [
            (done(skipped(SkipKey::DialerState), Write::NotSent), true),
            (done(skipped(SkipKey::Unchanged), Write::NotSent), true),
            (done(Outcome::rejected("no such contact"), Write::NotSent), true),
            (done(Outcome::unstarted("contact"), Write::NotSent), true),
            // Cancelled while the tenant refused every attempt (429).
            (done(Outcome::unstarted("contact"), sent), true),
            (done(Outcome::applied("now has outcome BUSY"), sent), false),
            // Found holding it after a restart: written then.
            (done(Outcome::applied("found in place"), Write::NotSent), false),
            (done(Outcome::failed("503"), sent), false),
            (done(skipped(SkipKey::EarlierRun), sent), false),
        ] {
            assert_eq!(leaves_the_contact(&ended), leaves, "{:?} {:?}", ended.outcome, ended.write);
        }
    }
}
