//! Users and status changes.

use crate::api::guards::ETag;
use crate::api::model::{StatusChanged, User, UserStatus};
use crate::domain::agent_status::Shift;
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

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireStatusChanged {
    user_id: UserId,
    status: String,
    pause_reason: Option<String>,
    wrap_up_code: Option<String>,
    previous_status: Option<String>,
    timestamp: Option<Timestamp>,
}

impl WireStatusChanged {
    pub fn into_model(self) -> StatusChanged {
        StatusChanged {
            user_id: self.user_id,
            status: UserStatus::from_wire(&self.status),
            pause_reason: self.pause_reason,
            wrap_up_code: self.wrap_up_code,
            previous_status: self.previous_status.as_deref().map(UserStatus::from_wire),
            timestamp: self.timestamp,
        }
    }
}
