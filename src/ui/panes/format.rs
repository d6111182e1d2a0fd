//! How numbers, times and ages read on screen.

use crate::engine::metrics::MAX_LATENCY;
use std::time::Duration;
use time::{OffsetDateTime, UtcOffset};

/// `45s`, `12m 04s`, `3h 07m`, `2d 04h`.
pub fn age(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        3600..86_400 => format!("{}h {:02}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d {:02}h", s / 86_400, s % 86_400 / 3600),
    }
}

/// `14:02` in UTC.
pub fn hhmm(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// `14:02:11` in UTC.
pub fn hhmmss(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
}

/// `2026-11-21 14:02:11Z`.
pub fn datetime(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!("{} {}Z", t.date(), hhmmss(t))
}

/// A tenant's timestamp as a supervisor reads it: the time alone when it is
/// today, with the date otherwise.
pub fn moment(t: crate::domain::Timestamp, now: OffsetDateTime) -> String {
    let t = t.datetime();
    if is_today(t, now) { format!("{}Z", hhmmss(t)) } else { datetime(t) }
}

/// A time in a table cell: `17:15` when it is today (UTC), `Nov 19`
/// otherwise, as `ls` shows them, so an old time is not read as today's.
pub fn clock_or_day(t: OffsetDateTime, now: OffsetDateTime) -> String {
    if is_today(t, now) { hhmm(t) } else { day(t) }
}

/// `22:00` when it is today (UTC), `Nov 23 06:00` on another day.
pub fn clock_or_day_and_time(t: OffsetDateTime, now: OffsetDateTime) -> String {
    if is_today(t, now) { hhmm(t) } else { day_and_time(t) }
}

/// Whether `t` falls on `now`'s day, in UTC.
pub fn is_today(t: OffsetDateTime, now: OffsetDateTime) -> bool {
    t.to_offset(UtcOffset::UTC).date() == now.to_offset(UtcOffset::UTC).date()
}

/// `Nov 19` in UTC.
fn day(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!("{} {:>2}", month(t), t.day())
}

/// `Nov`.
fn month(t: OffsetDateTime) -> String {
    let month = t.month().to_string();
    month.get(..3).unwrap_or(&month).to_string()
}

/// `Nov 21 12:00` in UTC.
pub fn day_and_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!("{} {} {}", month(t), t.day(), hhmm(t))
}

/// A scalar of the tenant's (an attribute's value) as one would type it to
/// set it: text bare, unless typing it bare would set something else (a
/// number, `true`, `false`, `null`, or the text inside quotes it starts
/// with), when it is quoted as JSON (`"9"`), so that text and number are
/// told apart.
pub fn typed(value: &serde_json::Value) -> std::borrow::Cow<'_, str> {
    use serde_json::Value;
    match value {
        Value::String(text) => {
            // Parsed only when it could be a number, true, false or null:
            // this runs each frame, and a long document need not be read.
            let scalar_like = text
                .trim_start()
                .starts_with(['-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 't', 'f', 'n']);
            let reads_otherwise = text.is_empty()
                || text.starts_with('"')
                || scalar_like
                    && matches!(
                        serde_json::from_str::<Value>(text),
                        Ok(Value::Number(_) | Value::Bool(_) | Value::Null)
                    );
            if reads_otherwise { value.to_string().into() } else { text.as_str().into() }
        }
        other => other.to_string().into(),
    }
}

/// The first block of an id (`2f60a134`), enough to tell interactions
/// apart on screen; a short id whole.
pub fn short_id(id: &str) -> &str {
    id.split('-').next().filter(|s| s.len() >= 6).unwrap_or(id)
}

/// A Unix time in seconds, as the shift windows carry them.
pub fn from_unix(seconds: f64) -> Option<OffsetDateTime> {
    if !seconds.is_finite() {
        return None;
    }
    OffsetDateTime::from_unix_timestamp(seconds.floor() as i64).ok()
}

/// Microseconds as `850µs`, `38ms`, `1.24s`.
pub fn micros(us: u64) -> String {
    match us {
        0..1000 => format!("{us}µs"),
        1000..10_000 => format!("{:.1}ms", us as f64 / 1000.0),
        10_000..1_000_000 => format!("{}ms", us / 1000),
        _ => format!("{:.2}s", us as f64 / 1e6),
    }
}

/// A latency read from the metrics' histograms, as [`micros`] has it, or
/// `≥120s` where it reached their top ([`MAX_LATENCY`]): a slower sample
/// is recorded there (the series counts it as clamped), so a maximum or a
/// percentile there is a floor, and as a plain number would understate it.
pub fn latency(us: u64) -> String {
    let top = u64::try_from(MAX_LATENCY.as_micros()).unwrap_or(u64::MAX);
    if us >= top { format!("≥{}s", MAX_LATENCY.as_secs()) } else { micros(us) }
}

/// A ratio between 0 and 1 as `2.1%`.
pub fn percent(ratio: f64) -> String {
    let p = ratio * 100.0;
    if p > 0.0 && p < 0.1 { "<0.1%".into() } else { format!("{p:.1}%") }
}

/// `1,234,567`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_reads_as_it_is_typed_text_apart_from_numbers() {
        use serde_json::json;
        let shown = |v: serde_json::Value| typed(&v).into_owned();
        assert_eq!(shown(json!(9)), "9");
        assert_eq!(shown(json!("9")), "\"9\"");
        assert_eq!(shown(json!("007")), "007", "no number reads so");
        assert_eq!(shown(json!("true")), "\"true\"");
        assert_eq!(shown(json!("TRUE")), "TRUE");
        assert_eq!(shown(json!(null)), "null");
        assert_eq!(shown(json!("null")), "\"null\"");
        assert_eq!(shown(json!("")), "\"\"");
        assert_eq!(shown(json!("gold")), "gold");
        // Text in quotes of its own: typed bare, it would set the text
        // inside them.
        assert_eq!(shown(json!(r#""9""#)), r#""\"9\"""#);
        assert_ne!(shown(json!(r#""9""#)), shown(json!("9")));
    }

    #[test]
    fn ages_read_at_a_glance() {
        assert_eq!(age(Duration::from_secs(45)), "45s");
        assert_eq!(age(Duration::from_secs(724)), "12m 04s");
        assert_eq!(age(Duration::from_secs(3600 * 3 + 420)), "3h 07m");
        assert_eq!(age(Duration::from_secs(86_400 * 2 + 3600 * 4)), "2d 04h");
    }

    #[test]
    fn a_cell_time_names_its_day_unless_it_is_today() {
        use time::macros::datetime;
        let now = datetime!(2026-11-21 14:02:11 UTC);
        assert_eq!(clock_or_day(datetime!(2026-11-21 09:05:00 UTC), now), "09:05");
        assert_eq!(clock_or_day(datetime!(2026-11-19 17:15:13 UTC), now), "Nov 19");
        assert_eq!(clock_or_day(datetime!(2026-11-03 23:59:00 UTC), now), "Nov  3");
        // Compared in UTC, as every time on the screen is.
        assert_eq!(clock_or_day(datetime!(2026-11-21 01:00:00 +03:00), now), "Nov 20");
    }

    #[test]
    fn numbers_read_at_a_glance() {
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(12), "12");
        assert_eq!(micros(38_200), "38ms");
        assert_eq!(micros(1_240_000), "1.24s");
        assert_eq!(latency(1_240_000), "1.24s");
        assert_eq!(latency(120_000_000), "≥120s");
        assert_eq!(latency(120_586_239), "≥120s");
        assert_eq!(percent(0.021), "2.1%");
        assert_eq!(percent(0.0004), "<0.1%");
    }
}
