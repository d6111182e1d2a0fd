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
    /// agent in one never holds it; nor does one the change gives a wrap-up
    /// code, which the tenant keeps but a user read does not show.
    ///
    /// The directive flags take no part. Document 003 sends them to direct
    /// a change of state (whether a wrap-up blocks it, whether the desktop
    /// goes Available after the next one), and a user read shows none, so
    /// whether the tenant already keeps the `autoAvailable` asked for cannot
    /// be seen. An agent in the status and reason is taken to hold the
    /// change, and the form and the apply report say it is skipped as
    /// already so before anything is sent: a flag is never dropped unseen.
    pub fn held_by(&self, status: Option<AgentStatus>, pause_reason: Option<&str>, in_wrap_up: bool) -> bool {
        self.shown_by(status, pause_reason, in_wrap_up) && self.wrap_up_code.is_none()
    }

    /// What a skip of this change leaves unsent that was asked for: an
    /// `autoAvailable` other than the default (see [`Self::held_by`]), said
    /// beside the skip so that no flag is dropped unseen.
    pub fn unsent_by_a_skip(&self) -> Option<&'static str> {
        (!self.flags.keep_the_default())
            .then_some("autoAvailable is not sent either (a read cannot show the agent's)")
    }

    /// Why the change is skipped for `user`, who holds it already.
    pub fn held_words(
        &self,
        user: impl fmt::Display,
        status: impl fmt::Display,
        pause_reason: Option<&str>,
    ) -> String {
        let said = already(user, status, pause_reason);
        match self.unsent_by_a_skip() {
            Some(unsent) => format!("{said}; {unsent}"),
            None => said,
        }
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
