//! RFC 3339 timestamps that always carry an explicit UTC offset.

use super::errors::FieldError;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A point in time as RFC 3339 with an explicit offset (`Z` or `±hh:mm`).
///
/// A naive timestamp (`2024-05-15T14:32:10`) is ambiguous across a tenant's
/// sites and is refused rather than guessed at. The offset the user gave is
/// kept, so what is sent is what was typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    /// Now, to the microsecond: the precision the documents write
    /// (`%f`), which every receiver they describe can read.
    pub fn now() -> Self {
        let now = OffsetDateTime::now_utc();
        Self(now.replace_microsecond(now.microsecond()).unwrap_or(now))
    }

    pub fn from_datetime(at: OffsetDateTime) -> Self {
        Self(at)
    }

    /// Parses `raw`, naming `field` in the error.
    pub fn parse_as(field: &str, raw: &str) -> Result<Self, FieldError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(FieldError::new(field, "is required"));
        }
        OffsetDateTime::parse(raw, &Rfc3339).map(Self).map_err(|e| {
            use time::error::{Parse, TryFromParsed};
            let rule = match e {
                // Well formed, but no such moment: 2024-02-30, 25:00.
                Parse::TryFromParsed(TryFromParsed::ComponentRange(range)) => {
                    format!("names a moment that does not exist: its {} is out of range", range.name())
                }
                _ if looks_naive(raw) => {
                    "must carry an explicit UTC offset (Z or ±hh:mm); a naive timestamp is ambiguous".into()
                }
                _ => {
                    "must be an RFC 3339 timestamp with an explicit offset, e.g. 2024-05-15T14:32:10Z".into()
                }
            };
            FieldError::new(field, rule)
        })
    }

    /// A moment as a supervisor names it, read at `now`: RFC 3339, a UTC
    /// date's midnight, or an age before `now` (`30s`, `45m`, `24h`, `7d`,
    /// `2w`). A supervisor asking for today's changes should not have to
    /// write an offset. Shared by `audit export --since` and the metrics
    /// form's From and To, so all take the same.
    pub fn parse_moment(field: &str, raw: &str, now: Self) -> Result<Self, FieldError> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(FieldError::new(field, "is required"));
        }
        if let Some(age) = age(field, text)? {
            return now.0.checked_sub(age).map(Self).ok_or_else(|| {
                FieldError::new(field, format!("{text} reaches back before the calendar begins"))
            });
        }
        if let Some(day) = date(field, text)? {
            return Ok(Self(day.midnight().assume_utc()));
        }
        Self::parse_as(field, text).map_err(|e| FieldError::new(field, format!("{}; {MOMENT_ALSO}", e.rule)))
    }

    /// As [`Self::parse_moment`], for the end of a range: a date alone
    /// stands for the whole of that day, so `2026-11-23` to `2026-11-23`
    /// is that day rather than the instant of its midnight, which holds
    /// nothing. Its end is the day's last microsecond, the finest a
    /// timestamp is written to, since the tenant's range includes its end
    /// and the next midnight would take in an hour of the next day.
    pub fn parse_moment_through(field: &str, raw: &str, now: Self) -> Result<Self, FieldError> {
        match date(field, raw.trim())?.and_then(|day| day.next_day()) {
            Some(next) => Ok(Self(next.midnight().assume_utc() - time::Duration::MICROSECOND)),
            None => Self::parse_moment(field, raw, now),
        }
    }

    /// The moment without its fraction, as a message shows it: a reader
    /// of "22:50:21.840155932Z is before …" needs the second, not the
    /// nanosecond, and what is sent keeps the whole.
    pub fn to_the_second(&self) -> Self {
        Self(self.0.replace_nanosecond(0).unwrap_or(self.0))
    }

    /// The moment rounded up to the second, for a message's "until" or
    /// "after": a reader acting at the second shown is never early.
    pub fn up_to_the_second(&self) -> Self {
        match self.0.nanosecond() {
            0 => *self,
            _ => Self(self.to_the_second().0 + time::Duration::SECOND),
        }
    }

    pub fn datetime(&self) -> OffsetDateTime {
        self.0
    }

    /// Seconds since the Unix epoch, with the fraction.
    pub fn unix_seconds(&self) -> f64 {
        self.0.unix_timestamp_nanos() as f64 / 1e9
    }
}

/// What [`Timestamp::parse_moment`] takes besides RFC 3339, as its refusals say.
const MOMENT_ALSO: &str =
    "it may also be a date (2026-11-21, from midnight UTC) or an age (30s, 45m, 24h, 7d, 2w)";

/// `30s`, `45m`, `24h`, `7d`, `2w`: a whole number of one unit. `None` when
/// the text is not shaped as an age (digits, then letters); an error when it
/// is, but its unit is not one of those.
fn age(field: &str, text: &str) -> Result<Option<time::Duration>, FieldError> {
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let unit = &text[digits..];
    if digits == 0 || unit.is_empty() || !unit.chars().all(|c| c.is_ascii_alphabetic()) {
        return Ok(None);
    }
    let seconds: i64 = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 604_800,
        _ => {
            return Err(FieldError::new(
                field,
                format!("{text}: an age's unit must be s, m, h, d or w (seconds to weeks), not {unit}"),
            ));
        }
    };
    // A count too large saturates: it reaches back past any date, which the
    // caller refuses as such.
    let count = text[..digits].parse::<i64>().unwrap_or(i64::MAX);
    Ok(Some(time::Duration::seconds(count.saturating_mul(seconds))))
}

/// A `YYYY-MM-DD` date. `None` when the text is not shaped as one; an error
/// naming the part that is wrong when it is shaped so but is no day of the
/// calendar (`2026-13-01`, `2026-02-30`).
fn date(field: &str, text: &str) -> Result<Option<time::Date>, FieldError> {
    let shaped = text.len() == 10
        && text.char_indices().all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() });
    if !shaped {
        return Ok(None);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text, format).map(Some).map_err(|e| {
        use time::error::{Parse, ParseFromDescription, TryFromParsed};
        let part = match &e {
            Parse::TryFromParsed(TryFromParsed::ComponentRange(range)) => Some(range.name()),
            Parse::ParseFromDescription(ParseFromDescription::InvalidComponent(name)) => Some(*name),
            _ => None,
        }
        .map_or_else(String::new, |name| format!(" (its {name} is out of range)"));
        FieldError::new(field, format!("{text} is not a day of the calendar{part}; a date is YYYY-MM-DD"))
    })
}

/// A date and time without an offset: `YYYY-MM-DDTHH:MM[:SS[.f]]`.
fn looks_naive(raw: &str) -> bool {
    let Some((date, time)) = raw.split_once(['T', 't', ' ']) else {
        return false;
    };
    date.len() == 10 && !time.is_empty() && time.chars().all(|c| c.is_ascii_digit() || c == ':' || c == '.')
}

impl fmt::Display for Timestamp {
    /// RFC 3339 with the fraction, when there is one, in six digits (nine
    /// when finer): receivers written as the documents are (Python's
    /// `fromisoformat` before 3.11) read three or six digits, not whatever
    /// number trimming trailing zeros leaves.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Formatting a valid OffsetDateTime as RFC 3339 only fails for years
        // outside 0..=9999, which parsing RFC 3339 cannot produce.
        let whole = self.0.replace_nanosecond(0).unwrap_or(self.0);
        let Ok(text) = whole.format(&Rfc3339) else {
            return write!(f, "{}", self.0);
        };
        let nanos = self.0.nanosecond();
        if nanos == 0 {
            return f.write_str(&text);
        }
        // The seconds end at byte 19 (`YYYY-MM-DDTHH:MM:SS`); the offset follows.
        let (seconds, offset) = text.split_at(19.min(text.len()));
        if nanos.is_multiple_of(1_000) {
            write!(f, "{seconds}.{:06}{offset}", nanos / 1_000)
        } else {
            write!(f, "{seconds}.{nanos:09}{offset}")
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse_as("timestamp", &raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_until_is_rounded_up_to_the_second_and_a_whole_one_kept() {
        let at = |raw| Timestamp::parse_as("t", raw).unwrap();
        assert_eq!(at("2026-11-23T10:00:00.1Z").up_to_the_second(), at("2026-11-23T10:00:01Z"));
        assert_eq!(at("2026-11-23T23:59:59.999999Z").up_to_the_second(), at("2026-11-24T00:00:00Z"));
        assert_eq!(at("2026-11-23T10:00:00Z").up_to_the_second(), at("2026-11-23T10:00:00Z"));
        assert_eq!(at("2026-11-23T10:00:00.9Z").to_the_second(), at("2026-11-23T10:00:00Z"));
    }

    #[test]
    fn explicit_offsets_are_accepted_and_kept() {
        for raw in ["2024-05-15T14:32:10Z", "2024-05-15T14:32:10.123456Z", "2024-05-15T16:32:10+02:00"] {
            assert_eq!(Timestamp::parse_as("timestamp", raw).unwrap().to_string(), raw);
        }
    }

    #[test]
    fn a_moment_that_does_not_exist_is_named_so_not_as_a_missing_offset() {
        let rule = |raw| Timestamp::parse_as("timestamp", raw).unwrap_err().rule;
        assert_eq!(
            rule("2024-02-30T14:32:10Z"),
            "names a moment that does not exist: its day is out of range"
        );
        assert!(
            rule("2024-05-15T25:00:00Z").contains("its hour is out of range"),
            "{}",
            rule("2024-05-15T25:00:00Z")
        );
        assert!(rule("2024-05-15T14:32:10").contains("naive"));
        assert!(rule("yesterday").contains("RFC 3339"));
    }

    #[test]
    fn fractions_are_written_in_six_digits_or_nine() {
        let shown = |raw: &str| Timestamp::parse_as("timestamp", raw).unwrap().to_string();
        assert_eq!(shown("2024-05-15T14:32:10.1Z"), "2024-05-15T14:32:10.100000Z");
        assert_eq!(shown("2024-05-15T14:32:10.123+02:00"), "2024-05-15T14:32:10.123000+02:00");
        assert_eq!(shown("2024-05-15T14:32:10.123456789-05:30"), "2024-05-15T14:32:10.123456789-05:30");
        assert_eq!(shown("2024-05-15T14:32:10.000001Z"), "2024-05-15T14:32:10.000001Z");
        let now = Timestamp::now().to_string();
        let fraction = now.trim_end_matches('Z').rsplit_once('.').map_or("", |(_, f)| f);
        assert!(fraction.is_empty() || fraction.len() == 6, "{now}");
    }

    fn moment(raw: &str) -> Result<Timestamp, FieldError> {
        let now = Timestamp::parse_as("now", "2026-11-23T12:00:00Z").unwrap();
        Timestamp::parse_moment("--since", raw, now)
    }

    #[test]
    fn a_moment_is_a_timestamp_a_date_or_an_age_from_seconds_to_weeks() {
        let shown = |raw: &str| moment(raw).unwrap().to_string();
        assert_eq!(shown("2026-11-21T14:00:00+01:00"), "2026-11-21T14:00:00+01:00");
        assert_eq!(shown("2026-11-21"), "2026-11-21T00:00:00Z");
        assert_eq!(shown("30s"), "2026-11-23T11:59:30Z");
        assert_eq!(shown("45m"), "2026-11-23T11:15:00Z");
        assert_eq!(shown("24h"), "2026-11-22T12:00:00Z");
        assert_eq!(shown("7d"), "2026-11-16T12:00:00Z");
        assert_eq!(shown(" 2w "), "2026-11-09T12:00:00Z");
    }

    #[test]
    fn a_moment_shown_to_the_second_drops_its_fraction_and_keeps_its_offset() {
        let at = |raw| Timestamp::parse_as("t", raw).unwrap().to_the_second().to_string();
        assert_eq!(at("2026-11-02T22:50:21.840155932Z"), "2026-11-02T22:50:21Z");
        assert_eq!(at("2026-11-23T22:53:49.684526+01:00"), "2026-11-23T22:53:49+01:00");
    }

    #[test]
    fn a_date_as_a_range_end_runs_through_that_day() {
        let now = Timestamp::parse_as("now", "2026-11-24T10:00:00Z").unwrap();
        let through = |raw| Timestamp::parse_moment_through("to", raw, now).map(|t| t.to_string());
        assert_eq!(through("2026-11-23").unwrap(), "2026-11-23T23:59:59.999999Z");
        assert_eq!(through("2026-12-31").unwrap(), "2026-12-31T23:59:59.999999Z");
        assert_eq!(through("2026-11-23T12:00:00Z").unwrap(), "2026-11-23T12:00:00Z", "a moment is itself");
        assert_eq!(through("1h").unwrap(), "2026-11-24T09:00:00Z", "an age is a moment");
        assert!(through("2026-11-31").unwrap_err().rule.contains("is not a day of the calendar"));
    }

    #[test]
    fn a_wrong_moment_says_what_is_wrong_with_it() {
        let rule = |raw: &str| {
            let err = moment(raw).unwrap_err();
            assert_eq!(err.field, "--since");
            err.rule
        };
        assert_eq!(rule("5y"), "5y: an age's unit must be s, m, h, d or w (seconds to weeks), not y");
        assert_eq!(
            rule("2026-13-01"),
            "2026-13-01 is not a day of the calendar (its month is out of range); a date is YYYY-MM-DD"
        );
        assert_eq!(
            rule("2026-02-30"),
            "2026-02-30 is not a day of the calendar (its day is out of range); a date is YYYY-MM-DD"
        );
        assert!(rule("99999999999999999999d").contains("before the calendar begins"));
        assert_eq!(rule(""), "is required");
        let other = rule("yesterday");
        assert!(other.contains("RFC 3339") && other.contains("2w"), "{other}");
    }

    #[test]
    fn naive_timestamps_are_refused_by_name() {
        let err = Timestamp::parse_as("timestamp", "2024-05-15T14:32:10").unwrap_err();
        assert_eq!(err.field, "timestamp");
        assert!(err.rule.contains("explicit UTC offset"), "{}", err.rule);
        let err = Timestamp::parse_as("dispositionTimestamp", "yesterday").unwrap_err();
        assert!(err.rule.contains("RFC 3339"), "{}", err.rule);
    }
}
