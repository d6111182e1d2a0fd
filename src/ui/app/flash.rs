//! Short messages that clear themselves: results, errors in words.

use std::time::Duration;

/// How long a message stays; problems stay longer, to be read.
const SHOWN_FOR: Duration = Duration::from_secs(4);
const PROBLEM_SHOWN_FOR: Duration = Duration::from_secs(8);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Ok,
    Warn,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub text: String,
    pub level: Level,
    /// When it fades, on the console's monotonic clock.
    pub until: Duration,
}

impl Flash {
    pub fn new(text: impl Into<String>, level: Level, now: Duration) -> Self {
        let shown_for = match level {
            Level::Info | Level::Ok => SHOWN_FOR,
            Level::Warn | Level::Error => PROBLEM_SHOWN_FOR,
        };
        Self { text: text.into(), level, until: now + shown_for }
    }

    pub fn is_over(&self, now: Duration) -> bool {
        now >= self.until
    }
}
