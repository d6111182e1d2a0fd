//! The compliance flags an agent-status record carries: which checks ran
//! for the change, and how each came out. A check the change ended before
//! says "not checked", so a flag never claims a check that did not run.

use crate::domain::agent_status::{AgentStatusChange, AgentStatusDraft};
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Compliance {
    /// The agent's roles allow a status.
    pub role_checked: Check,
    pub shift_validated: ShiftCheck,
    /// The change asked the tenant to refuse it during a wrap-up.
    pub respect_wrap_up: bool,
    /// What came of that: the tenant accepted the change (no wrap-up was
    /// running), or refused it for one.
    pub wrap_up_verified: WrapUpCheck,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub(super) enum Check {
    #[serde(rename = "not checked")]
    NotChecked,
    #[serde(rename = "passed")]
    Passed,
    #[serde(rename = "refused")]
    Refused,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub(super) enum ShiftCheck {
    #[serde(rename = "not checked")]
    NotChecked,
    #[serde(rename = "passed")]
    Passed,
    #[serde(rename = "no shift set")]
    NoShiftSet,
    #[serde(rename = "refused")]
    Refused,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub(super) enum WrapUpCheck {
    /// The change did not ask to respect wrap-up.
    #[serde(rename = "not asked")]
    NotAsked,
    /// It asked, and ended before the tenant answered the write.
    #[serde(rename = "not checked")]
    NotChecked,
    #[serde(rename = "passed")]
    Passed,
    /// The tenant refused it (409) for a wrap-up under way.
    #[serde(rename = "blocked")]
    Blocked,
}

impl Compliance {
    pub fn new(draft: &AgentStatusDraft) -> Self {
        Self {
            role_checked: Check::NotChecked,
            shift_validated: ShiftCheck::NotChecked,
            respect_wrap_up: draft.respect_wrap_up,
            wrap_up_verified: if draft.respect_wrap_up {
                WrapUpCheck::NotChecked
            } else {
                WrapUpCheck::NotAsked
            },
        }
    }

    /// The tenant accepted `change`: a wrap-up it respects was not running.
    pub fn accepted(&mut self, change: &AgentStatusChange) {
        if change.flags.respect_wrap_up {
            self.wrap_up_verified = WrapUpCheck::Passed;
        }
    }

    pub fn json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}
