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

/// What a message is besides its words, so that what answers it can clear
/// it without reading them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FlashKind {
    #[default]
    Plain,
    /// A result that offers the form it came back with: answered once a
    /// form is reopened, it would go on offering what is already open.
    ReopenOffer,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub text: String,
    pub level: Level,
    /// When it fades, on the console's monotonic clock.
    pub until: Duration,
    pub kind: FlashKind,
}

impl Flash {
    pub fn new(text: impl Into<String>, level: Level, now: Duration) -> Self {
        let shown_for = match level {
            Level::Info | Level::Ok => SHOWN_FOR,
            Level::Warn | Level::Error => PROBLEM_SHOWN_FOR,
        };
        Self { text: text.into(), level, until: now + shown_for, kind: FlashKind::Plain }
    }

    pub fn of_kind(self, kind: FlashKind) -> Self {
        Self { kind, ..self }
    }

    pub fn is_over(&self, now: Duration) -> bool {
        now >= self.until
    }
}
