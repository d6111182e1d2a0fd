//! Whether a user may take an agent status now: the role they hold and the
//! shift they are in, as both the tenant and the engine check them.

use super::STATUS_ROLES;
use crate::domain::errors::FieldError;
use crate::domain::{Timestamp, UserId};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A shift window in Unix seconds, as the tenant publishes it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Shift {
    pub start: f64,
    pub end: f64,
}

/// Why a user may not take an agent status now. Said of the user ("is
/// outside their shift (…)") so that each caller names the user its own
/// way: the tenant and the engine by id, the console by name.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Unfit {
    NoStatusRole,
    MalformedShift(Shift),
    OutsideShift(Shift),
}

impl Unfit {
    /// The rule broken by `user` (an id, or a name with its id), under the
    /// `userId` field.
    pub fn of(self, user: impl fmt::Display) -> FieldError {
        FieldError::new("userId", self.said_of(user))
    }

    /// The refusal as a sentence about `user`, once the user is known and
    /// the fault is no longer the field's: "user Ana Ito (…) is outside…".
    pub fn said_of(self, user: impl fmt::Display) -> String {
        format!("user {user} {self}")
    }
}

impl fmt::Display for Unfit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoStatusRole => f.write_str("holds neither the Agent nor the Supervisor role"),
            Self::MalformedShift(Shift { start, end }) => {
                write!(f, "has a malformed shift schedule (start {start}, end {end})")
            }
            Self::OutsideShift(Shift { start, end }) => write!(
                f,
                "is outside their shift ({} to {}); changes are refused outside scheduled hours",
                unix_to_text(*start),
                unix_to_text(*end)
            ),
        }
    }
}

/// The user must be able to hold an agent status at all.
pub fn role_fit<'a>(roles: impl IntoIterator<Item = &'a str>) -> Result<(), Unfit> {
    let mut roles = roles.into_iter();
    if roles.any(|r| STATUS_ROLES.contains(&r)) { Ok(()) } else { Err(Unfit::NoStatusRole) }
}

/// The change must fall inside the user's shift, when one is set.
pub fn shift_fit(shift: Option<Shift>, at: Timestamp) -> Result<(), Unfit> {
    let Some(window @ Shift { start, end }) = shift else {
        return Ok(());
    };
    if !(start.is_finite() && end.is_finite()) || start > end {
        return Err(Unfit::MalformedShift(window));
    }
    let now = at.unix_seconds();
    if now < start || now > end { Err(Unfit::OutsideShift(window)) } else { Ok(()) }
}

/// [`role_fit`], as a rule broken by `user`.
pub fn check_role<'a>(user: &UserId, roles: impl IntoIterator<Item = &'a str>) -> Result<(), FieldError> {
    role_fit(roles).map_err(|unfit| unfit.of(user))
}

/// [`shift_fit`], as a rule broken by `user`.
pub fn check_shift(user: &UserId, shift: Option<Shift>, at: Timestamp) -> Result<(), FieldError> {
    shift_fit(shift, at).map_err(|unfit| unfit.of(user))
}

fn unix_to_text(secs: f64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs as i64)
        .map(|t| Timestamp::from_datetime(t).to_string())
        .unwrap_or_else(|_| format!("{secs}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_and_shift_checks() {
        let u = UserId::parse("u-1").unwrap();
        assert!(check_role(&u, ["Agent"]).is_ok());
        assert!(check_role(&u, ["Reporting", "Supervisor"]).is_ok());
        assert!(check_role(&u, ["Reporting"]).unwrap_err().rule.contains("neither"));
        let at = Timestamp::parse_as("t", "2024-05-15T12:00:00Z").unwrap();
        let noon = at.unix_seconds();
        assert!(check_shift(&u, None, at).is_ok());
        assert!(check_shift(&u, Some(Shift { start: noon - 60.0, end: noon + 60.0 }), at).is_ok());
        let err = check_shift(&u, Some(Shift { start: noon + 60.0, end: noon + 120.0 }), at).unwrap_err();
        assert!(err.rule.contains("outside their shift"), "{}", err.rule);
        assert!(check_shift(&u, Some(Shift { start: noon, end: noon - 1.0 }), at).is_err());
        assert_eq!(
            err.rule,
            "user u-1 is outside their shift (2024-05-15T12:01:00Z to 2024-05-15T12:02:00Z); \
             changes are refused outside scheduled hours"
        );
    }
}
