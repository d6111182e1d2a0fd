//! Agent desktop status (`PUT /api/v2/users/{userId}/status`).
//!
//! Rules: status is Available, Busy, Break, Training or Offline; Break needs
//! a pause reason; a pause reason is one of the tenant's list; the directive
//! flag `autoAvailable` defaults to false and `respectWrapUp` to true, as in
//! the document (forcing Available after wrap-up is asked for, never
//! assumed); the target user holds the Agent or Supervisor role; the change
//! falls inside the user's shift when one is set.

mod fitness;
mod held;

pub use fitness::{Shift, Unfit, check_role, check_shift, role_fit, shift_fit};
pub use held::{held_reason, with_reason};

use super::UserId;
use super::errors::{FieldError, Invalid, Problems, label};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The pause reasons of the documents, used when a tenant publishes none.
pub const DEFAULT_PAUSE_REASONS: [&str; 5] =
    ["IT Issue", "Queue Full", "Skill Gap", "Manager Meeting", "System Maintenance"];

/// Roles that have an agent desktop status at all.
pub const STATUS_ROLES: [&str; 2] = ["Agent", "Supervisor"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AgentStatus {
    Available,
    Busy,
    Break,
    Training,
    Offline,
}

impl AgentStatus {
    pub const ALL: [Self; 5] = [Self::Available, Self::Busy, Self::Break, Self::Training, Self::Offline];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Available => "Available",
            Self::Busy => "Busy",
            Self::Break => "Break",
            Self::Training => "Training",
            Self::Offline => "Offline",
        }
    }

    /// Only a Break takes a pause reason, and it must have one: no other
    /// state is checked against the tenant's list.
    pub fn needs_pause_reason(self) -> bool {
        self == Self::Break
    }

    /// Whether this status goes with a pause reason `given` or not, or the
    /// rule it breaks: a Break needs one, and no other status takes one
    /// (the tenant keeps a reason only with a Break: one given with another
    /// status would be dropped without a word).
    pub fn takes_reason(self, given: bool) -> Result<(), &'static str> {
        match (self.needs_pause_reason(), given) {
            (true, false) => Err("a Break needs a pause reason"),
            (false, true) => Err("only a Break takes a pause reason"),
            _ => Ok(()),
        }
    }

    pub fn parse_as(field: &str, raw: &str) -> Result<Self, FieldError> {
        const ONE_OF: &str = "one of Available, Busy, Break, Training, Offline";
        raw.parse().map_err(|()| match raw.trim() {
            "" => FieldError::new(field, format!("is required: {ONE_OF}")),
            _ => FieldError::new(field, format!("{raw:?} must be {ONE_OF}")),
        })
    }
}

impl FromStr for AgentStatus {
    type Err = ();

    /// Exact names; the tenant's codes are case-sensitive.
    fn from_str(s: &str) -> Result<Self, ()> {
        Self::ALL.into_iter().find(|st| st.as_str() == s.trim()).ok_or(())
    }
}

impl fmt::Display for AgentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The pause reasons a tenant accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PauseReasons(Vec<String>);

impl PauseReasons {
    pub fn new(reasons: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self(reasons.into_iter().map(Into::into).collect())
    }

    pub fn contains(&self, reason: &str) -> bool {
        self.0.iter().any(|r| r == reason)
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

impl Default for PauseReasons {
    fn default() -> Self {
        Self::new(DEFAULT_PAUSE_REASONS)
    }
}

/// How the desktop treats the change around wrap-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectiveFlags {
    /// Go Available by itself when wrap-up completes.
    pub auto_available: bool,
    /// Refuse the change while a wrap-up timer runs.
    pub respect_wrap_up: bool,
}

impl Default for DirectiveFlags {
    fn default() -> Self {
        Self { auto_available: false, respect_wrap_up: true }
    }
}

impl DirectiveFlags {
    /// Whether the tenant keeps, of these flags, only what it keeps by
    /// default. It keeps `autoAvailable`, for the agent's next wrap-up;
    /// `respectWrapUp` only decides a change made during a wrap-up, and is
    /// not kept.
    pub fn keep_the_default(&self) -> bool {
        self.auto_available == Self::default().auto_available
    }
}

/// A status change as a user composed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentStatusDraft {
    pub user_id: String,
    pub status: String,
    #[serde(default)]
    pub pause_reason: String,
    #[serde(default)]
    pub wrap_up_code: String,
    #[serde(default)]
    pub auto_available: bool,
    #[serde(default = "yes")]
    pub respect_wrap_up: bool,
}

fn yes() -> bool {
    true
}

impl Default for AgentStatusDraft {
    fn default() -> Self {
        let flags = DirectiveFlags::default();
        Self {
            user_id: String::new(),
            status: String::new(),
            pause_reason: String::new(),
            wrap_up_code: String::new(),
            auto_available: flags.auto_available,
            respect_wrap_up: flags.respect_wrap_up,
        }
    }
}

/// A status change that passed the payload rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentStatusChange {
    pub user_id: UserId,
    pub status: AgentStatus,
    pub pause_reason: Option<String>,
    pub wrap_up_code: Option<String>,
    pub flags: DirectiveFlags,
}

impl AgentStatusChange {
    pub fn validate(draft: &AgentStatusDraft, reasons: &PauseReasons) -> Result<Self, Invalid> {
        let mut p = Problems::new();
        let user_id = p.take(UserId::parse_as("userId", &draft.user_id));
        let status = p.take(AgentStatus::parse_as("status", &draft.status));
        let pause_reason = match draft.pause_reason.trim() {
            "" => None,
            r => Some(r.to_string()),
        };
        if let Some(r) = &pause_reason
            && !reasons.contains(r)
        {
            let known: Vec<&str> = reasons.iter().collect();
            p.push(
                "pauseReason",
                format!("{r:?} is not one of the tenant's pause reasons: {}", known.join(", ")),
            );
        }
        if let Some(s) = status
            && let Err(rule) = s.takes_reason(pause_reason.is_some())
        {
            match pause_reason {
                Some(_) => p.push("pauseReason", format!("{rule}; leave it empty for {s}")),
                None => p.push("pauseReason", rule),
            }
        }
        let wrap_up_code = match draft.wrap_up_code.trim() {
            "" => None,
            c => p.take(label("wrapUpCode", c)).map(|()| c.to_string()),
        };
        p.finish(|| {
            Some(Self {
                user_id: user_id?,
                status: status?,
                pause_reason,
                wrap_up_code,
                flags: DirectiveFlags {
                    auto_available: draft.auto_available,
                    respect_wrap_up: draft.respect_wrap_up,
                },
            })
        })
    }
}

/// Whether a status change to `agents` agents ends as one outcome rather
/// than as a batch report with an outcome for each: only a change to one
/// agent does. A team's is a batch, and so is a list of none, whose report
/// counts nothing: there is no agent for a single outcome to be about.
pub fn ends_as_one(agents: usize) -> bool {
    agents == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(status: &str, reason: &str) -> AgentStatusDraft {
        AgentStatusDraft {
            user_id: "12345-abcde-67890".into(),
            status: status.into(),
            pause_reason: reason.into(),
            ..Default::default()
        }
    }

    #[test]
    fn documents_example_is_valid_and_flags_default_as_in_the_document() {
        let c = AgentStatusChange::validate(&draft("Break", "Queue Full"), &PauseReasons::default()).unwrap();
        assert_eq!(c.status, AgentStatus::Break);
        assert_eq!(c.flags, DirectiveFlags::default());
        // Document 003: `force_availability_trigger: bool = False`, `"respectWrapUp": True`.
        assert!(!c.flags.auto_available && c.flags.respect_wrap_up);
    }

    #[test]
    fn a_missing_status_is_required_and_a_wrong_one_quoted() {
        let missing = AgentStatus::parse_as("status", " ").unwrap_err();
        assert_eq!(missing.rule, "is required: one of Available, Busy, Break, Training, Offline");
        let wrong = AgentStatus::parse_as("status", "Nap").unwrap_err();
        assert_eq!(wrong.rule, "\"Nap\" must be one of Available, Busy, Break, Training, Offline");
        // A status typed with spaces around is the status; see Fields::exact
        // for the wire, where it is refused.
        assert_eq!(AgentStatus::parse_as("status", " Available ").unwrap(), AgentStatus::Available);
    }

    #[test]
    fn status_and_pause_reason_rules() {
        let reasons = PauseReasons::default();
        let err = AgentStatusChange::validate(&draft("Lunch", ""), &reasons).unwrap_err();
        assert!(err.mentions("status"));
        let err = AgentStatusChange::validate(&draft("Break", ""), &reasons).unwrap_err();
        assert!(err.to_string().contains("a Break needs a pause reason"));
        let err = AgentStatusChange::validate(&draft("Break", "Coffee"), &reasons).unwrap_err();
        assert!(err.to_string().contains("not one of the tenant's pause reasons"));
        assert!(AgentStatusChange::validate(&draft("available", ""), &reasons).is_err());
        let err = AgentStatusChange::validate(&draft("Busy", "Queue Full"), &reasons).unwrap_err();
        assert!(err.mentions("pauseReason"), "{err}");
        assert!(
            err.to_string().contains("only a Break takes a pause reason; leave it empty for Busy"),
            "{err}"
        );
        let custom = PauseReasons::new(["Coffee"]);
        assert!(AgentStatusChange::validate(&draft("Break", "Coffee"), &custom).is_ok());
        let long = AgentStatusDraft { wrap_up_code: "W".repeat(101), ..draft("Busy", "") };
        let err = AgentStatusChange::validate(&long, &reasons).unwrap_err();
        assert!(err.to_string().contains("wrapUpCode: must be at most 100 characters"), "{err}");
    }

    #[test]
    fn only_a_change_to_one_agent_ends_as_one_outcome() {
        assert!(ends_as_one(1));
        assert!(!ends_as_one(2), "a team reports as a batch");
        assert!(!ends_as_one(0), "so does a list of none");
    }

    #[test]
    fn only_a_break_holds_a_pause_reason() {
        let on = |status| held_reason(Some(status), Some("Queue Full"));
        assert_eq!(on(AgentStatus::Break), Some("Queue Full"));
        for status in AgentStatus::ALL.into_iter().filter(|s| *s != AgentStatus::Break) {
            assert_eq!(on(status), None, "left behind on {status}");
        }
        assert_eq!(held_reason(None, Some("Queue Full")), None, "a status this console does not know");
        assert_eq!(held_reason(Some(AgentStatus::Break), Some(" ")), None, "an empty reason");
        assert_eq!(held_reason(Some(AgentStatus::Break), None), None);
    }

    #[test]
    fn an_agent_holds_a_change_only_with_its_reason_and_no_wrap_up_to_end() {
        let reasons = PauseReasons::default();
        let pause = AgentStatusChange::validate(&draft("Break", "Queue Full"), &reasons).unwrap();
        assert!(pause.held_by(Some(AgentStatus::Break), Some("Queue Full"), false));
        assert!(!pause.held_by(Some(AgentStatus::Break), Some("IT Issue"), false), "another reason");
        assert!(
            !pause.held_by(Some(AgentStatus::Break), Some("Queue Full"), true),
            "the change ends a wrap-up"
        );
        assert!(!pause.held_by(None, None, false), "a status this console does not know");
        let busy = AgentStatusChange::validate(&draft("Busy", ""), &reasons).unwrap();
        assert_eq!(busy.kept_reason(), None);
        assert!(busy.held_by(Some(AgentStatus::Busy), None, false));
        let coded = AgentStatusDraft { wrap_up_code: "WU-42".into(), ..draft("Busy", "") };
        let coded = AgentStatusChange::validate(&coded, &reasons).unwrap();
        assert!(!coded.held_by(Some(AgentStatus::Busy), None, false), "a wrap-up code a read cannot show");
        assert!(coded.shown_by(Some(AgentStatus::Busy), None, false));
        // A reason a tenant left behind on a Busy agent is not theirs.
        assert!(busy.held_by(Some(AgentStatus::Busy), Some("Queue Full"), false));
        assert!(!pause.held_by(Some(AgentStatus::Busy), Some("Queue Full"), false));
        assert_eq!(
            held::already("Ana Ito (u-1)", "Break", Some("Queue Full")),
            "agent Ana Ito (u-1) is already Break (Queue Full)"
        );
    }
}
