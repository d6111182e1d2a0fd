//! The time as the screen knows it, set only by ticks so that updates stay
//! pure and tests choose the time.

use std::time::Duration;
use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// Since the console started; times marks and flash messages.
    pub mono: Duration,
    /// UTC; ages such as an agent's time in state.
    pub wall: OffsetDateTime,
}

impl Clock {
    pub fn new(mono: Duration, wall: OffsetDateTime) -> Self {
        Self { mono, wall }
    }

    /// Whether the wall clock moved into another second since `earlier`.
    pub fn second_changed(&self, earlier: &Self) -> bool {
        self.wall.unix_timestamp() != earlier.wall.unix_timestamp()
    }
}
