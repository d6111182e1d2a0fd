//! One message at a time per subject: what keeps two webhooks about one
//! entity from crossing on their way to a receiver.
//!
//! A message about a subject whose earlier message is still in flight is
//! parked rather than started; it goes back to its line once that one is
//! delivered or given up on. A message that failed and waits for another
//! try is not in flight, but the parked stay parked: it is older, and goes
//! first when its line lets it.

use std::collections::{HashMap, HashSet};

/// A target and what one of its messages is about.
type Subject = (String, String);

#[derive(Debug, Default)]
pub(super) struct Subjects {
    /// Subjects with a message in flight.
    busy: HashSet<Subject>,
    /// Messages that waited for a busy subject, by place in line.
    parked: HashMap<Subject, Vec<u64>>,
}

impl Subjects {
    /// Whether the message at `order` may start now. When it may not, it is
    /// parked until its subject's message in flight is through.
    pub fn start(&mut self, target: &str, subject: Option<&str>, order: u64) -> bool {
        let Some(subject) = subject else { return true };
        let subject = (target.to_owned(), subject.to_owned());
        if self.busy.contains(&subject) {
            self.parked.entry(subject).or_default().push(order);
            return false;
        }
        self.busy.insert(subject);
        true
    }

    /// The subject's message in flight failed and waits for another try.
    pub fn again(&mut self, target: &str, subject: Option<&str>) {
        if let Some(subject) = subject {
            self.busy.remove(&(target.to_owned(), subject.to_owned()));
        }
    }

    /// The subject's message in flight was delivered or given up on: the
    /// messages parked behind it, to put back in line.
    pub fn through(&mut self, target: &str, subject: Option<&str>) -> Vec<u64> {
        let Some(subject) = subject else { return Vec::new() };
        let subject = (target.to_owned(), subject.to_owned());
        self.busy.remove(&subject);
        self.parked.remove(&subject).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subject_has_one_message_out_and_its_next_wait_until_it_is_through() {
        let mut subjects = Subjects::default();
        assert!(subjects.start("wfm", Some("user:1"), 1));
        assert!(!subjects.start("wfm", Some("user:1"), 2), "user:1 has a message out");
        assert!(subjects.start("wfm", Some("user:2"), 3), "another subject");
        assert!(subjects.start("crm", Some("user:1"), 4), "another target");
        assert!(subjects.start("wfm", None, 5), "about nothing in particular");
        assert!(subjects.start("wfm", None, 6));

        // Failed, to be tried again: the parked stay parked, the first goes again.
        subjects.again("wfm", Some("user:1"));
        assert!(subjects.start("wfm", Some("user:1"), 1));
        assert!(!subjects.start("wfm", Some("user:1"), 7));
        assert_eq!(subjects.through("wfm", Some("user:1")), [2, 7]);
        assert!(subjects.start("wfm", Some("user:1"), 2), "through: the next may go");
        assert!(subjects.through("wfm", Some("user:2")).is_empty());
    }
}
