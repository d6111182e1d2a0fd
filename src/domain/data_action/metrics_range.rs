//! The range a data action's execution metrics are read over: two moments,
//! the second after the first. Read once where its text is, from the
//! console's From and To or an `apply` line's `dateFrom` and `dateTo`, and
//! carried as moments from there to the query.

use crate::domain::{FieldError, Invalid, Problems, Timestamp};
use std::cmp::Ordering;

/// Two moments, `to` after `from`: a range that ends where it starts holds
/// no execution, and one that ends before it starts holds less.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricsRange {
    from: Timestamp,
    to: Timestamp,
}

impl MetricsRange {
    /// The range's ends as the analytics query names them.
    pub const FROM: &str = "dateFrom";
    pub const TO: &str = "dateTo";

    /// `from` to `to`, refused with [`Self::TO`] named unless `to` is after
    /// `from`.
    pub fn new(from: Timestamp, to: Timestamp) -> Result<Self, FieldError> {
        Self::ending(Self::TO, from, to)
    }

    /// The range `from` and `to` name, read at `now` as the console's From
    /// and To are: each a moment, a date or an age, and a date as the end
    /// running through the end of that day, so that the same date in both
    /// is that day. `fields` name the two ends in every problem reported.
    pub fn read(fields: [&str; 2], from: &str, to: &str, now: Timestamp) -> Result<Self, Invalid> {
        let mut p = Problems::new();
        let from = p.take(Timestamp::parse_moment(fields[0], from, now));
        let to = p.take(Timestamp::parse_moment_through(fields[1], to, now));
        let range = match (from, to) {
            (Some(from), Some(to)) => p.take(Self::ending(fields[1], from, to)),
            _ => None,
        };
        p.finish(|| range)
    }

    pub fn from(&self) -> Timestamp {
        self.from
    }

    pub fn to(&self) -> Timestamp {
        self.to
    }

    fn ending(field: &str, from: Timestamp, to: Timestamp) -> Result<Self, FieldError> {
        // A range that ends where it starts holds no execution: refused,
        // rather than answered with rows that read as an action never run.
        // Shown to the second, unless both fall in the same one: "10:00:00Z
        // is before 10:00:00Z" would say nothing.
        let (shown_to, shown_from) = match (to.to_the_second(), from.to_the_second()) {
            (t, f) if t == f => (to, from),
            shown => shown,
        };
        let rule = match to.cmp(&from) {
            Ordering::Greater => return Ok(Self { from, to }),
            Ordering::Equal => format!(
                "{shown_to} is where the range starts too: a range must end after it starts, or it holds nothing"
            ),
            Ordering::Less => format!("{shown_to} is before {shown_from}, where the range starts"),
        };
        Err(FieldError::new(field, rule))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(raw: &str) -> Timestamp {
        Timestamp::parse_as("t", raw).unwrap()
    }

    #[test]
    fn a_backwards_range_is_refused_by_name() {
        let err = MetricsRange::new(at("2026-11-21T00:00:00Z"), at("2026-11-20T00:00:00Z")).unwrap_err();
        assert_eq!(err.field, "dateTo");
        let empty = MetricsRange::new(at("2026-11-20T00:00:00Z"), at("2026-11-20T00:00:00Z")).unwrap_err();
        assert_eq!(empty.field, "dateTo");
        assert!(empty.rule.contains("a range must end after it starts"), "{}", empty.rule);
        assert!(MetricsRange::new(at("2026-11-20T00:00:00Z"), at("2026-11-20T00:00:01Z")).is_ok());
    }

    #[test]
    fn ends_in_one_second_are_told_apart_by_their_fractions() {
        let err =
            MetricsRange::new(at("2026-11-20T10:00:00.750Z"), at("2026-11-20T10:00:00.250Z")).unwrap_err();
        assert!(err.rule.contains(".25") && err.rule.contains(".75"), "{}", err.rule);
        let apart =
            MetricsRange::new(at("2026-11-20T10:00:05.750Z"), at("2026-11-20T10:00:00.250Z")).unwrap_err();
        assert!(!apart.rule.contains(".25"), "whole seconds are enough here: {}", apart.rule);
    }

    /// Every end that cannot be read is named, and the range's rule names
    /// the end it was given.
    #[test]
    fn a_read_range_names_the_fields_it_was_given() {
        let now = at("2026-11-24T02:00:00Z");
        let both = MetricsRange::read(["from", "to"], "yesterday", "2024-01-01T00:00:00", now).unwrap_err();
        assert!(both.mentions("from") && both.mentions("to") && both.errors().len() == 2, "{both}");
        let backwards = MetricsRange::read(["from", "to"], "1d", "2d", now).unwrap_err();
        assert!(backwards.mentions("to") && !backwards.mentions("from"), "{backwards}");
        let day = MetricsRange::read([MetricsRange::FROM, MetricsRange::TO], "2024-01-01", "2024-01-01", now);
        let day = day.unwrap();
        assert_eq!(
            (day.from().to_string(), day.to().to_string()),
            ("2024-01-01T00:00:00Z".to_string(), "2024-01-01T23:59:59.999999Z".to_string())
        );
    }
}
