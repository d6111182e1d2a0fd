//! The tenant's clock: UTC, microsecond precision, never going backwards.
//!
//! `asOf` on a page is read from this clock under the same lock as every
//! change, so a client that passes it back as `updatedSince` misses nothing:
//! any later change carries a stamp at least as late.

use crate::domain::{FieldError, Timestamp};
use serde::{Serialize, Serializer};
use std::fmt;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime, UtcOffset};

/// A moment on the tenant's clock, always in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stamp(OffsetDateTime);

impl Stamp {
    /// Microseconds survive a round trip through every client the documents
    /// use; nanoseconds do not, and a truncated `asOf` would then skip changes.
    pub fn from_datetime(at: OffsetDateTime) -> Self {
        let at = at.to_offset(UtcOffset::UTC);
        let micros = at.microsecond();
        Self(at.replace_nanosecond(micros * 1_000).unwrap_or(at))
    }

    /// Reads an RFC 3339 time with an explicit offset, naming `field` in the error.
    pub fn parse_as(field: &str, raw: &str) -> Result<Self, FieldError> {
        Timestamp::parse_as(field, raw).map(|t| Self::from_datetime(t.datetime()))
    }

    pub fn datetime(self) -> OffsetDateTime {
        self.0
    }

    /// Seconds since the Unix epoch, with the fraction.
    pub fn unix_seconds(self) -> f64 {
        self.0.unix_timestamp_nanos() as f64 / 1e9
    }

    pub fn plus(self, by: std::time::Duration) -> Self {
        Self::from_datetime(self.0 + by)
    }

    pub fn minus(self, by: Duration) -> Self {
        Self::from_datetime(self.0 - by)
    }
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // RFC 3339 formatting fails only outside years 0..=9999, which a UTC
        // wall clock does not reach.
        match self.0.format(&Rfc3339) {
            Ok(s) => f.write_str(&s),
            Err(_) => write!(f, "{}", self.0),
        }
    }
}

impl Serialize for Stamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Hands out stamps that never decrease, even if the wall clock steps back.
#[derive(Debug)]
pub(crate) struct Clock {
    last: Stamp,
}

impl Clock {
    pub fn new() -> Self {
        Self { last: Stamp::from_datetime(OffsetDateTime::now_utc()) }
    }

    pub fn now(&mut self) -> Stamp {
        let wall = Stamp::from_datetime(OffsetDateTime::now_utc());
        if wall > self.last {
            self.last = wall;
        }
        self.last
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_utc_with_microseconds() {
        let s = Stamp::parse_as("t", "2024-05-15T16:32:10.123456789+02:00").unwrap();
        assert_eq!(s.to_string(), "2024-05-15T14:32:10.123456Z");
        assert_eq!(serde_json::to_value(s).unwrap(), "2024-05-15T14:32:10.123456Z");
        assert!(Stamp::parse_as("updatedSince", "2024-05-15T14:32:10").is_err());
    }

    #[test]
    fn the_clock_never_goes_back() {
        let mut clock = Clock::new();
        let future = Stamp::from_datetime(OffsetDateTime::now_utc() + Duration::hours(1));
        clock.last = future;
        assert_eq!(clock.now(), future);
        assert!(clock.now() >= future);
    }
}
