//! Tenant users and their agent status.

use crate::api::guards::ETag;
use crate::domain::agent_status::{AgentStatus, AgentStatusChange, Shift, held_reason};
use crate::domain::{Timestamp, UserId};
use std::fmt;
use std::time::Duration;

/// A status as the tenant reports it: one the console can set, or another.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum UserStatus {
    Known(AgentStatus),
    /// A status this console does not know (a tenant-defined unavailable code).
    Other(String),
}

impl UserStatus {
    pub fn from_wire(raw: &str) -> Self {
        raw.parse().map(Self::Known).unwrap_or_else(|()| Self::Other(raw.to_string()))
    }

    pub fn known(&self) -> Option<AgentStatus> {
        match self {
            Self::Known(s) => Some(*s),
            Self::Other(_) => None,
        }
    }
}

impl fmt::Display for UserStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Known(s) => s.fmt(f),
            Self::Other(s) => f.write_str(s),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: UserId,
    pub first_name: String,
    pub last_name: String,
    pub user_name: String,
    pub team_id: Option<String>,
    pub team_name: Option<String>,
    pub roles: Vec<String>,
    /// `None` when no shift is scheduled.
    pub shift: Option<Shift>,
    pub status: UserStatus,
    pub pause_reason: Option<String>,
    pub status_since: Option<Timestamp>,
    pub wrap_up_until: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
    /// Present when read one by one; list items carry none.
    pub etag: Option<ETag>,
}

impl User {
    pub fn display_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name).trim().to_string()
    }

    /// The name with the id, as messages name a user (names repeat), or the
    /// id alone for a user without a name.
    pub fn named(&self) -> String {
        match self.display_name() {
            name if name.is_empty() => self.id.to_string(),
            name => format!("{name} ({})", self.id),
        }
    }

    pub fn role_names(&self) -> impl Iterator<Item = &str> {
        self.roles.iter().map(String::as_str)
    }

    /// The end of a wrap-up still running at `now`.
    pub fn wrap_up_at(&self, now: Timestamp) -> Option<Timestamp> {
        self.wrap_up_until.filter(|until| *until > now)
    }

    /// The pause reason the user holds: only a Break's, not one the tenant
    /// left behind on another status.
    pub fn held_reason(&self) -> Option<&str> {
        held_reason(self.status.known(), self.pause_reason.as_deref())
    }

    /// Whether the user already holds, at `now`, everything `change` would send.
    pub fn holds(&self, change: &AgentStatusChange, now: Timestamp) -> bool {
        change.held_by(self.status.known(), self.pause_reason.as_deref(), self.wrap_up_at(now).is_some())
    }

    /// Whether the user shows, at `now`, what a read can show of `change`.
    pub fn shows(&self, change: &AgentStatusChange, now: Timestamp) -> bool {
        change.shown_by(self.status.known(), self.pause_reason.as_deref(), self.wrap_up_at(now).is_some())
    }

    /// How long the user has been in the current status at `now`.
    pub fn time_in_state(&self, now: Timestamp) -> Option<Duration> {
        let since = self.status_since?;
        (now.datetime() - since.datetime()).try_into().ok()
    }
}

/// The tenant's answer to a status change.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusChanged {
    pub user_id: UserId,
    pub status: UserStatus,
    pub pause_reason: Option<String>,
    pub wrap_up_code: Option<String>,
    pub previous_status: Option<UserStatus>,
    pub timestamp: Option<Timestamp>,
}
