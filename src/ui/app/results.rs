//! How each change of this session ended, as its result line said it: the
//! line fades after a few seconds, so `:results` shows them again.

use std::collections::VecDeque;
use time::OffsetDateTime;
use time::macros::format_description;

/// Results kept; the oldest go first.
const KEPT: usize = 200;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Results {
    said: VecDeque<String>,
}

impl Results {
    /// How far a result's words stand in from its time ("14:02:09  "):
    /// the lines after a result's first continue there.
    pub const HANG: usize = 10;

    /// Keeps `text`, said at `at` (UTC).
    pub fn keep(&mut self, at: OffsetDateTime, text: &str) {
        self.keep_with(at, text, &[]);
    }

    /// Keeps `text`, said at `at` (UTC), with `below` listed under it, a
    /// line each (a batch's items that did not apply).
    pub fn keep_with(&mut self, at: OffsetDateTime, text: &str, below: &[String]) {
        let clock = format_description!("[hour]:[minute]:[second]");
        let when = at.format(&clock).unwrap_or_default();
        if self.said.len() == KEPT {
            self.said.pop_front();
        }
        let mut said = format!("{when}  {text}");
        for line in below {
            // A line break in the tenant's words would start a line of its
            // own, out from under the result it belongs to.
            said.push('\n');
            said.extend(std::iter::repeat_n(' ', Self::HANG));
            said.push_str(&line.replace(['\n', '\r'], " "));
        }
        self.said.push_back(said);
    }

    /// The results, newest first, each on its line.
    pub fn text(&self) -> String {
        if self.said.is_empty() {
            return "No change has ended in this session yet.".into();
        }
        self.said.iter().rev().cloned().collect::<Vec<_>>().join("\n")
    }

    pub fn len(&self) -> usize {
        self.said.len()
    }

    pub fn is_empty(&self) -> bool {
        self.said.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn newest_first_and_the_oldest_forgotten() {
        let mut results = Results::default();
        assert!(results.text().starts_with("No change"));
        for i in 0..=KEPT {
            results.keep(datetime!(2026-11-22 14:02:09 UTC), &format!("change {i}"));
        }
        assert_eq!(results.len(), KEPT);
        let text = results.text();
        assert!(text.starts_with(&format!("14:02:09  change {KEPT}\n")), "{text}");
        assert!(!text.contains("change 0\n") && text.ends_with("change 1"), "{text}");
    }

    #[test]
    fn lines_kept_below_a_result_stand_under_its_words() {
        let mut results = Results::default();
        let below = ["· Dara (u3): refused".to_string(), "· Emil (u4): one\ntwo".to_string()];
        results.keep_with(datetime!(2026-11-22 14:02:09 UTC), "Break: 0 of 2 applied", &below);
        results.keep(datetime!(2026-11-22 14:02:10 UTC), "next");
        assert_eq!(
            results.text(),
            "14:02:10  next\n14:02:09  Break: 0 of 2 applied\n          · Dara (u3): refused\n          · Emil (u4): one two"
        );
    }
}
