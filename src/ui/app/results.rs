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
    /// Keeps `text`, said at `at` (UTC).
    pub fn keep(&mut self, at: OffsetDateTime, text: &str) {
        let clock = format_description!("[hour]:[minute]:[second]");
        let when = at.format(&clock).unwrap_or_default();
        if self.said.len() == KEPT {
            self.said.pop_front();
        }
        self.said.push_back(format!("{when}  {text}"));
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
}
