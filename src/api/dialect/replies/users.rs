//! Users and status changes.

use crate::api::guards::ETag;
use crate::api::model::{StatusChanged, User, UserStatus};
use crate::domain::agent_status::{AgentStatusChange, Shift};
use crate::domain::{Timestamp, UserId};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct WireRole {
    name: String,
}

/// `{}` (or nothing) when no shift is set.
#[derive(Deserialize, Default)]
pub struct WireShift {
    start: Option<f64>,
    end: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireUser {
    id: UserId,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    user_name: String,
    team_id: Option<String>,
    team_name: Option<String>,
    #[serde(default)]
    roles: Vec<WireRole>,
    #[serde(default)]
    shift_schedule: Option<WireShift>,
    status: String,
    pause_reason: Option<String>,
    status_since: Option<Timestamp>,
    wrap_up_until: Option<Timestamp>,
    updated_at: Option<Timestamp>,
}

impl WireUser {
    pub fn into_model(self, etag: Option<ETag>) -> User {
        let shift = match self.shift_schedule.unwrap_or_default() {
            WireShift { start: Some(start), end: Some(end) } => Some(Shift { start, end }),
            _ => None,
        };
        User {
            id: self.id,
            first_name: self.first_name,
            last_name: self.last_name,
            user_name: self.user_name,
            team_id: self.team_id,
            team_name: self.team_name,
            roles: self.roles.into_iter().map(|r| r.name).collect(),
            shift,
            status: UserStatus::from_wire(&self.status),
            pause_reason: self.pause_reason,
            status_since: self.status_since,
            wrap_up_until: self.wrap_up_until,
            updated_at: self.updated_at,
            etag,
        }
    }
}

/// The reply to a status change. Only its timestamp is promised: a tenant
/// that leaves out whose status or which one is taken to mean the one asked
/// for, since a success that cannot be read would send the change again.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireStatusChanged {
    user_id: Option<UserId>,
    status: Option<String>,
    pause_reason: Option<String>,
    wrap_up_code: Option<String>,
    previous_status: Option<String>,
    timestamp: Option<Timestamp>,
}

impl WireStatusChanged {
    pub fn into_model(self, asked: &AgentStatusChange) -> StatusChanged {
        // A reply silent on the status is silent on its reason too.
        let (status, pause_reason) = match self.status {
            Some(status) => (UserStatus::from_wire(&status), self.pause_reason),
            None => (
                UserStatus::Known(asked.status),
                self.pause_reason.or_else(|| asked.kept_reason().map(str::to_string)),
            ),
        };
        StatusChanged {
            user_id: self.user_id.unwrap_or_else(|| asked.user_id.clone()),
            status,
            pause_reason,
            wrap_up_code: self.wrap_up_code,
            previous_status: self.previous_status.as_deref().map(UserStatus::from_wire),
            timestamp: self.timestamp,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::agent_status::{AgentStatus, DirectiveFlags};

    /// A tenant that answers a status change with its timestamp alone has
    /// still made it: the reply is read as the change asked, not refused
    /// (which would send the change again).
    #[test]
    fn a_status_reply_without_whose_or_which_status_is_the_one_asked() {
        let asked = AgentStatusChange {
            user_id: UserId::parse("u-1").expect("an id"),
            status: AgentStatus::Break,
            pause_reason: Some("Lunch".into()),
            wrap_up_code: None,
            flags: DirectiveFlags::default(),
        };
        let bare: WireStatusChanged =
            serde_json::from_str(r#"{"timestamp": "2026-11-25T10:00:00Z"}"#).expect("a reply");
        let read = bare.into_model(&asked);
        assert_eq!((read.user_id.as_str(), &read.status), ("u-1", &UserStatus::Known(AgentStatus::Break)));
        assert_eq!(read.pause_reason.as_deref(), Some("Lunch"), "the reason asked with it");
        let said: WireStatusChanged =
            serde_json::from_str(r#"{"userId": "u-1", "status": "Busy"}"#).expect("a reply");
        assert_eq!(
            said.into_model(&asked).status,
            UserStatus::Known(AgentStatus::Busy),
            "the tenant's word wins"
        );
    }
}
