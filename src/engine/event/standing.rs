//! The waits a reader of the engine's events was told of one change and
//! that still stand, kept so that the one shown is always the newest still
//! in effect: a campaign's pause, then a call tried again, shows the retry
//! while it lasts and the pause again once it is over.

use super::wait::Wait;
use std::mem::discriminant;

/// A wait told by `by`, in effect until `ends` on the reader's clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitTold<By, At> {
    pub wait: Wait,
    pub ends: At,
    /// Who told it: for the console, a group's member or the change itself.
    pub by: By,
}

/// Newest last. The engine tells at most one wait of each kind per
/// command at a time (a later one of a kind stands for it), so a teller
/// holds at most three here.
#[derive(Debug, Clone)]
pub struct Standing<By, At> {
    told: Vec<WaitTold<By, At>>,
}

impl<By, At> Default for Standing<By, At> {
    fn default() -> Self {
        Self { told: Vec::new() }
    }
}

impl<By: PartialEq, At: Ord + Copy> Standing<By, At> {
    /// `by` tells `wait`, in effect until `ends`: it stands for any wait of
    /// its kind `by` told before, and any wait over by `now` is let go.
    pub fn told(&mut self, by: By, wait: Wait, ends: At, now: At) {
        self.told.retain(|t| t.ends > now && !(t.by == by && discriminant(&t.wait) == discriminant(&wait)));
        self.told.push(WaitTold { wait, ends, by });
    }

    /// `by` says `wait` is over; whether it was standing. A wait of its
    /// kind told since, or told by another, is not this one and stays.
    pub fn over(&mut self, by: &By, wait: &Wait) -> bool {
        let before = self.told.len();
        self.told.retain(|t| !(t.by == *by && t.wait == *wait));
        self.told.len() < before
    }

    /// `by` has ended: every wait it told is over. Whether any stood.
    pub fn ended(&mut self, by: &By) -> bool {
        let before = self.told.len();
        self.told.retain(|t| t.by != *by);
        self.told.len() < before
    }

    /// The newest wait still in effect at `now`.
    pub fn shown(&self, now: At) -> Option<&WaitTold<By, At>> {
        self.told.iter().rev().find(|t| t.ends > now)
    }

    /// When the first wait still kept is over, its time passed already if
    /// it has not been let go ([`pass`](Self::pass)).
    pub fn soonest_end(&self) -> Option<At> {
        self.told.iter().map(|t| t.ends).min()
    }

    /// Lets go of the waits over by `now`; whether any was let go.
    pub fn pass(&mut self, now: At) -> bool {
        let before = self.told.len();
        self.told.retain(|t| t.ends > now);
        self.told.len() < before
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::retry::Setback;

    fn paused(campaign: &str) -> Wait {
        Wait::CampaignPaused { campaign: campaign.into() }
    }

    fn retrying(attempt: u32) -> Wait {
        Wait::Retrying { setback: Setback::Interrupted, attempt, attempts: 4 }
    }

    fn shown<By: PartialEq>(standing: &Standing<By, u32>, now: u32) -> Option<&Wait> {
        standing.shown(now).map(|t| &t.wait)
    }

    #[test]
    fn a_wait_over_uncovers_the_one_it_stood_in_front_of() {
        let mut standing = Standing::default();
        standing.told('a', paused("Spring Renewal"), 20, 0);
        standing.told('a', retrying(2), 30, 1);
        assert_eq!(shown(&standing, 2), Some(&retrying(2)), "the newest");
        assert!(standing.over(&'a', &retrying(2)));
        assert_eq!(shown(&standing, 3), Some(&paused("Spring Renewal")), "the pause still stands");
        assert_eq!(shown(&standing, 20), None, "until its time is over");
    }

    #[test]
    fn a_later_wait_of_a_kind_stands_for_the_one_before() {
        let mut standing = Standing::default();
        standing.told('a', retrying(2), 30, 0);
        standing.told('a', retrying(3), 30, 1);
        assert!(!standing.over(&'a', &retrying(2)), "no longer standing");
        assert_eq!(shown(&standing, 2), Some(&retrying(3)));
        standing.told('a', paused("Spring Renewal"), 20, 2);
        standing.told('a', paused("Autumn Leads"), 5, 3);
        assert_eq!(shown(&standing, 4), Some(&paused("Autumn Leads")));
        assert_eq!(shown(&standing, 8), Some(&retrying(3)), "the first pause gave way to the second");
    }

    #[test]
    fn each_teller_keeps_its_own_and_ends_its_own() {
        let mut standing = Standing::default();
        standing.told('a', retrying(2), 30, 0);
        standing.told('b', retrying(2), 30, 1);
        assert!(standing.over(&'b', &retrying(2)));
        assert_eq!(shown(&standing, 2), Some(&retrying(2)), "a's own is not b's to end");
        standing.told('b', paused("Spring Renewal"), 20, 2);
        assert!(standing.ended(&'b'));
        assert!(!standing.ended(&'b'), "nothing left of b");
        assert_eq!(standing.shown(3).map(|t| t.by), Some('a'));
    }

    #[test]
    fn waits_over_in_time_are_let_go() {
        let mut standing = Standing::default();
        standing.told('a', paused("Spring Renewal"), 5, 0);
        assert!(!standing.pass(4));
        assert_eq!(standing.soonest_end(), Some(5));
        assert!(standing.pass(5));
        assert_eq!(standing.soonest_end(), None);
        assert_eq!(shown(&standing, 0), None, "gone, not merely hidden");
        standing.told('a', retrying(2), 30, 6);
        standing.told('b', paused("Autumn Leads"), 7, 6);
        standing.told('b', retrying(2), 40, 8);
        assert_eq!(standing.told.len(), 2, "the pause over by 8 was let go as b told again");
    }
}
