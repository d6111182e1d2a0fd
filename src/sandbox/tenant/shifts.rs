//! Shift patterns, laid on the current day when read.
//!
//! A pattern is a daily window in UTC. Its `start`/`end` are computed from
//! the time of the read, so whenever one looks some agents are on shift and
//! some are not, as on a real floor.

use serde::Serialize;
use time::{Duration, OffsetDateTime, Time};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ShiftPattern {
    /// No schedule is set for this user.
    Unscheduled,
    /// Every day from `start_minute` (minutes after midnight UTC) for `minutes`.
    Daily { start_minute: u16, minutes: u16 },
    /// Always on shift: the window read always covers the moment of the read.
    AroundTheClock,
}

/// The four shifts of the floor, by start hour and length in hours.
pub(crate) const FLOOR_SHIFTS: [(u16, u16); 4] = [(6, 8), (9, 8), (14, 8), (22, 8)];

/// `shiftSchedule` on the wire: Unix seconds, or `{}` when unscheduled.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ShiftView {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<f64>,
}

impl ShiftPattern {
    pub fn daily(start_hour: u16, hours: u16) -> Self {
        Self::Daily { start_minute: start_hour * 60, minutes: hours * 60 }
    }

    /// The occurrence that covers `now`, else today's.
    pub fn window(self, now: OffsetDateTime) -> Option<(OffsetDateTime, OffsetDateTime)> {
        let midnight = now.replace_time(Time::MIDNIGHT);
        match self {
            Self::Unscheduled => None,
            Self::AroundTheClock => Some((midnight - Duration::hours(12), midnight + Duration::hours(36))),
            Self::Daily { start_minute, minutes } => {
                let occurrence = |day: OffsetDateTime| {
                    let start = day + Duration::minutes(i64::from(start_minute));
                    (start, start + Duration::minutes(i64::from(minutes)))
                };
                let yesterday = occurrence(midnight - Duration::days(1));
                if yesterday.0 <= now && now < yesterday.1 {
                    Some(yesterday)
                } else {
                    Some(occurrence(midnight))
                }
            }
        }
    }

    pub fn covers(self, now: OffsetDateTime) -> bool {
        match self.window(now) {
            None => true,
            Some((start, end)) => start <= now && now < end,
        }
    }

    /// Whether the user has a schedule at all; the unscheduled are never sent off shift.
    pub fn is_scheduled(self) -> bool {
        !matches!(self, Self::Unscheduled)
    }

    pub fn view(self, now: OffsetDateTime) -> ShiftView {
        let secs = |t: OffsetDateTime| t.unix_timestamp() as f64;
        match self.window(now) {
            None => ShiftView { start: None, end: None },
            Some((s, e)) => ShiftView { start: Some(secs(s)), end: Some(secs(e)) },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_night_shift_seen_after_midnight_is_yesterdays() {
        let night = ShiftPattern::daily(22, 8);
        let at = datetime!(2024-05-15 02:00 UTC);
        let (s, e) = night.window(at).unwrap();
        assert_eq!(s, datetime!(2024-05-14 22:00 UTC));
        assert_eq!(e, datetime!(2024-05-15 06:00 UTC));
        assert!(night.covers(at));
        assert!(!night.covers(datetime!(2024-05-15 12:00 UTC)));
    }

    #[test]
    fn a_day_shift_is_todays_before_during_and_after() {
        let day = ShiftPattern::daily(9, 8);
        for at in [
            datetime!(2024-05-15 07:00 UTC),
            datetime!(2024-05-15 10:00 UTC),
            datetime!(2024-05-15 20:00 UTC),
        ] {
            assert_eq!(day.window(at).unwrap().0, datetime!(2024-05-15 09:00 UTC));
        }
        assert!(!day.covers(datetime!(2024-05-15 17:00 UTC)), "the end is exclusive");
    }

    #[test]
    fn around_the_clock_always_covers_and_unscheduled_is_empty() {
        for at in [datetime!(2024-05-15 00:00 UTC), datetime!(2024-05-15 23:59:59.999 UTC)] {
            let v = ShiftPattern::AroundTheClock.view(at);
            let now = at.unix_timestamp() as f64;
            assert!(v.start.unwrap() <= now && now <= v.end.unwrap());
        }
        let empty =
            serde_json::to_value(ShiftPattern::Unscheduled.view(datetime!(2024-05-15 0:00 UTC))).unwrap();
        assert_eq!(empty, serde_json::json!({}));
    }
}
