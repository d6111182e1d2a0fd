//! Why a 409 ends an agent-status change, or lets it go again: read from
//! the agent as it is after the refusal, against the agent the change was
//! decided on.

use super::compliance::WrapUpCheck;
use super::{Flow, holding, unchanged};
use crate::api::model::User;
use crate::api::{ApiError, ApiErrorKind};
use crate::domain::Timestamp;
use crate::domain::agent_status::AgentStatusChange;
use crate::engine::event::Outcome;
use crate::engine::flows::ending::{Conflicts, Ending};
use crate::engine::metrics::ErrorClass;

impl Flow<'_> {
    /// Why the 409 `error` ends the change, from `again`, the agent read
    /// after it, and `user`, the one the write was decided on: a wrap-up the
    /// change respects, the status already held, a status changed elsewhere,
    /// a role or shift that no longer fits, a refusal on a tag that had not
    /// moved (not a stale tag: the tenant's own reason), or the tries spent.
    /// `None` when only the tag moved, and the change may go again with it.
    pub(super) fn refusal(
        &mut self,
        change: &AgentStatusChange,
        (user, again): (&User, &User),
        error: &ApiError,
        conflicts: &mut Conflicts,
    ) -> Option<Ending> {
        if let Some(until) = again.wrap_up_at(Timestamp::now()).filter(|_| change.flags.respect_wrap_up) {
            self.compliance.wrap_up_verified = WrapUpCheck::Blocked;
            let until = until.up_to_the_second();
            return Some(conflict(format!(
                "agent {} is in wrap-up until {until}; the tenant refused the change (409) because it respects \
                 wrap-up. Send it after {until}, or without respecting wrap-up to end it now",
                again.named()
            )));
        }
        if again.holds(change, Timestamp::now()) {
            return Some(unchanged(again, change));
        }
        let (was, is) = (holding(user), holding(again));
        if was != is {
            return Some(conflict(format!(
                "agent {} was changed elsewhere to {is} while this change was sent (it was {was} when read); \
                 the tenant refused this one (409) and it was not sent again over theirs. Reload and decide again",
                again.named()
            )));
        }
        if let Some(refusal) = self.unfit(again) {
            return Some(refusal);
        }
        if user.etag == again.etag {
            return Some(conflict(unexplained(again, error, change.flags.respect_wrap_up)));
        }
        (!conflicts.refused()).then(|| {
            conflict(format!(
                "agent {}'s record kept changing while this change was sent (refused {} times as stale); it is \
                 {is}. Reload and decide again",
                again.named(),
                conflicts.times(),
            ))
        })
    }
}

fn conflict(reason: String) -> Ending {
    Ending::new(Outcome::conflict(reason)).class(ErrorClass::Conflict)
}

/// A 409 on a tag that had not moved, the agent's status as it was: the
/// tenant's reason, in its words (document 003: a limit on concurrent status
/// changes, or a wrap-up; only a change that asked to respect wrap-up can be
/// blocked by one).
fn unexplained(user: &User, error: &ApiError, respects_wrap_up: bool) -> String {
    let said = match &error.kind {
        ApiErrorKind::Conflict { message, .. } if !message.trim().is_empty() => {
            format!(": {}", message.trim())
        }
        _ => String::new(),
    };
    let blocked_by = if respects_wrap_up {
        "a limit on concurrent status changes or a wrap-up"
    } else {
        "a limit on concurrent status changes"
    };
    format!(
        "the tenant refused the change (409{said}) though agent {} had not changed and is still {}: {blocked_by} \
         blocked it. Try again shortly",
        user.named(),
        holding(user)
    )
}
