//! What an agent already holds of a status change, as far as a read of the
//! user shows it, and the words for a change skipped because of it.

use super::{AgentStatus, AgentStatusChange};
use std::fmt;

/// The pause reason an agent in `status` holds with `reason` as read or
/// sent: only a Break holds one (document 003: a Break needs a pause
/// reason). A reason a tenant leaves behind on an agent in any other status
/// (or one it does not know), or an empty one, is not held.
pub fn held_reason(status: Option<AgentStatus>, reason: Option<&str>) -> Option<&str> {
    reason.filter(|r| status == Some(AgentStatus::Break) && !r.trim().is_empty())
}

impl AgentStatusChange {
    /// The pause reason the tenant keeps: only a Break has one.
    pub fn kept_reason(&self) -> Option<&str> {
        held_reason(Some(self.status), self.pause_reason.as_deref())
    }

    /// Whether an agent now in `status` with `pause_reason` shows what a
    /// read can show of the change: its status and the reason it holds
    /// (`held_reason`), and no wrap-up left for it to end. What a read-back
    /// confirms a write by.
    pub fn shown_by(
        &self,
        status: Option<AgentStatus>,
        pause_reason: Option<&str>,
        in_wrap_up: bool,
    ) -> bool {
        status == Some(self.status) && held_reason(status, pause_reason) == self.kept_reason() && !in_wrap_up
    }

    /// Whether an agent now in `status` with `pause_reason` already holds
    /// everything the change would send, so that sending it is pointless.
    /// A wrap-up still running is something the change would end, so an
    /// agent in one never holds it. Nor does one the change sets what the
    /// tenant keeps but a user read does not show: a wrap-up code, or an
    /// `autoAvailable` asked for (the tenant keeps it for the agent's next
    /// wrap-up, and skipping it would leave no way to ask for it at all).
    /// A change that leaves the flags at their defaults is held by an agent
    /// in its status and reason.
    pub fn held_by(&self, status: Option<AgentStatus>, pause_reason: Option<&str>, in_wrap_up: bool) -> bool {
        self.shown_by(status, pause_reason, in_wrap_up)
            && self.wrap_up_code.is_none()
            && self.flags.keep_the_default()
    }

    /// Why the change is skipped for `user`, who holds it already.
    pub fn held_words(
        &self,
        user: impl fmt::Display,
        status: impl fmt::Display,
        pause_reason: Option<&str>,
    ) -> String {
        already(user, status, pause_reason)
    }
}

/// Why a change is not sent to an agent who already holds it: "agent Ana
/// Ito (…) is already Break (IT Issue)".
pub(super) fn already(
    user: impl fmt::Display,
    status: impl fmt::Display,
    pause_reason: Option<&str>,
) -> String {
    format!("agent {user} is already {}", with_reason(status, pause_reason))
}

/// A status as people read it, its pause reason beside it: "Break (IT Issue)".
pub fn with_reason(status: impl fmt::Display, pause_reason: Option<&str>) -> String {
    match pause_reason {
        Some(reason) => format!("{status} ({reason})"),
        None => status.to_string(),
    }
}
