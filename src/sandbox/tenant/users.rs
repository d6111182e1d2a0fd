//! Users and their agent desktop status (document 003).
//!
//! Wrap-up timers run on the runtime's clock. They are settled lazily: every
//! call that reads or writes users first ends the timers that have expired,
//! so what a client sees never depends on the simulation running.

use super::clock::Stamp;
use super::etag::{self, ETag, IfMatch};
use super::shifts::{ShiftPattern, ShiftView};
use super::store::{Meta, Page, Record, Store, Window};
use super::{Data, Failure, Tagged, Tenant, not_found, page_of};
use crate::domain::AgentId;
use crate::domain::agent_status::{
    AgentStatus, AgentStatusChange, AgentStatusDraft, STATUS_ROLES, check_role,
};
use crate::domain::attribution::check_agent;
use crate::sandbox::Resource;
use serde::Serialize;
use std::collections::BTreeSet;
use std::time::Duration;
use tokio::time::Instant;

pub(crate) const KIND: &str = "user";

#[derive(Debug, Clone)]
pub(crate) struct User {
    pub id: String,
    pub meta: Meta,
    pub first_name: String,
    pub last_name: String,
    pub user_name: String,
    pub team: Option<(String, String)>,
    pub roles: Vec<String>,
    pub shift: ShiftPattern,
    pub status: AgentStatus,
    pub pause_reason: Option<String>,
    pub status_since: Stamp,
    pub wrap_up: Option<WrapUp>,
    /// The desktop's setting: go Available by itself when wrap-up ends.
    pub auto_available: bool,
    /// The interaction the agent is handling, while Busy.
    pub handling: Option<String>,
}

/// A running wrap-up timer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WrapUp {
    pub deadline: Instant,
    /// The same moment on the wall clock, for `wrapUpUntil`.
    pub until: Stamp,
}

/// Running wrap-up timers by deadline, so expiry costs only what expired.
pub(crate) type WrapUps = BTreeSet<(Instant, String)>;

impl Record for User {
    fn id(&self) -> &str {
        &self.id
    }
    fn meta(&self) -> &Meta {
        &self.meta
    }
}

impl User {
    pub fn etag(&self) -> ETag {
        ETag::of(KIND, &self.id, self.meta.version)
    }

    pub fn holds_status(&self) -> bool {
        self.roles.iter().any(|r| STATUS_ROLES.contains(&r.as_str()))
    }

    pub fn view(&self) -> UserView {
        UserView {
            id: self.id.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            user_name: self.user_name.clone(),
            team_id: self.team.as_ref().map(|t| t.0.clone()),
            team_name: self.team.as_ref().map(|t| t.1.clone()),
            roles: self.roles.iter().map(|r| RoleView { name: r.clone() }).collect(),
            shift_schedule: self.shift.view(time::OffsetDateTime::now_utc()),
            status: self.status,
            pause_reason: self.pause_reason.clone(),
            status_since: self.status_since,
            wrap_up_until: self.wrap_up.map(|w| w.until),
            updated_at: self.meta.updated_at,
        }
    }

    pub fn tagged(&self) -> Tagged<UserView> {
        Tagged { etag: self.etag(), value: self.view() }
    }

    /// Moves to `status`, ending any wrap-up; the caller touches the meta.
    pub fn set_status(&mut self, status: AgentStatus, pause_reason: Option<String>, at: Stamp) {
        if self.status != status {
            self.status_since = at;
        }
        self.status = status;
        self.pause_reason = if status == AgentStatus::Break { pause_reason } else { None };
        self.wrap_up = None;
        if status != AgentStatus::Busy {
            self.handling = None;
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleView {
    pub name: String,
}

/// `GET /api/v2/users/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub user_name: String,
    pub team_id: Option<String>,
    pub team_name: Option<String>,
    pub roles: Vec<RoleView>,
    pub shift_schedule: ShiftView,
    pub status: AgentStatus,
    pub pause_reason: Option<String>,
    pub status_since: Stamp,
    pub wrap_up_until: Option<Stamp>,
    pub updated_at: Stamp,
}

/// The body of a status PUT, as sent; the user id comes from the path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChangeBody {
    pub status: String,
    pub pause_reason: String,
    pub wrap_up_code: String,
    pub auto_available: bool,
    pub respect_wrap_up: bool,
}

/// The 200 of a status PUT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusChangeView {
    pub user_id: String,
    pub status: AgentStatus,
    pub pause_reason: Option<String>,
    pub wrap_up_code: Option<String>,
    pub previous_status: AgentStatus,
    pub timestamp: Stamp,
}

/// The tenant's own check, on write, that `field` names one of its agents
/// (documents 000 and 001 attribute dispositions and outcomes to one).
pub(super) fn attributable(users: &Store<User>, field: &str, agent: &AgentId) -> Result<(), Failure> {
    let roles = users.get(agent.as_str()).map(|u| u.roles.as_slice());
    check_agent(field, agent, roles).map_err(Failure::field)
}

impl Data {
    /// Ends every wrap-up whose timer has run out.
    pub(super) fn settle_wrap_ups(&mut self) {
        let now = Instant::now();
        while let Some((deadline, id)) = self.wrap_ups.first().cloned() {
            if deadline > now {
                break;
            }
            self.wrap_ups.pop_first();
            let at = self.clock.now();
            self.users.edit(&id, |u| {
                if u.wrap_up.is_some_and(|w| w.deadline == deadline) {
                    u.wrap_up = None;
                    if u.auto_available {
                        u.set_status(AgentStatus::Available, None, at);
                    }
                    u.meta.touch(at);
                }
            });
        }
    }

    /// Starts a wrap-up of `length` on a user, as when a call ends.
    pub(super) fn start_wrap_up(&mut self, id: &str, length: Duration) -> Option<Stamp> {
        let at = self.clock.now();
        let deadline = Instant::now() + length;
        let until = at.plus(length);
        let started = self.users.edit(id, |u| {
            if let Some(old) = u.wrap_up.take() {
                self.wrap_ups.remove(&(old.deadline, id.to_string()));
            }
            u.wrap_up = Some(WrapUp { deadline, until });
            u.meta.touch(at);
        });
        started.map(|()| {
            self.wrap_ups.insert((deadline, id.to_string()));
            until
        })
    }
}

impl Tenant {
    /// `GET /api/v2/users`, filtered by team id.
    pub fn list_users(&self, window: &Window, team: Option<&str>) -> Page<UserView> {
        let mut data = self.lock();
        data.settle_wrap_ups();
        let as_of = data.clock.now();
        let (items, total) =
            data.users.page(window, |u| team.is_none_or(|t| u.team.as_ref().is_some_and(|(id, _)| id == t)));
        page_of(items, total, window, as_of, User::view)
    }

    /// `GET /api/v2/users/{id}`.
    pub fn user(&self, id: &str) -> Result<Tagged<UserView>, Failure> {
        let mut data = self.lock();
        data.settle_wrap_ups();
        data.users.get(id).map(User::tagged).ok_or_else(|| not_found(KIND, id))
    }

    /// `GET /api/v2/pause-reasons`.
    pub fn pause_reasons(&self) -> Vec<String> {
        self.pause_reasons.iter().map(str::to_string).collect()
    }

    /// `PUT /api/v2/users/{id}/status`. The same status, pause reason and
    /// `autoAvailable` again, with no wrap-up to end, changes nothing and
    /// counts as a repeat; `autoAvailable` alone is a change, kept for the
    /// agent's next wrap-up.
    pub fn change_status(
        &self,
        id: &str,
        if_match: Option<&IfMatch>,
        body: &StatusChangeBody,
    ) -> Result<Tagged<StatusChangeView>, Failure> {
        let mut data = self.lock();
        data.settle_wrap_ups();
        let now = data.clock.now();
        let user = data.users.get(id).ok_or_else(|| not_found(KIND, id))?;
        etag::check(if_match, &user.etag(), &format!("user {id}"))?;
        let draft = AgentStatusDraft {
            user_id: id.to_string(),
            status: body.status.clone(),
            pause_reason: body.pause_reason.clone(),
            wrap_up_code: body.wrap_up_code.clone(),
            auto_available: body.auto_available,
            respect_wrap_up: body.respect_wrap_up,
        };
        let change =
            AgentStatusChange::validate(&draft, &self.pause_reasons).map_err(|e| Failure::invalid(&e))?;
        check_role(&change.user_id, user.roles.iter().map(String::as_str)).map_err(Failure::field)?;
        if let Some(w) = user.wrap_up
            && change.flags.respect_wrap_up
        {
            return Err(Failure::conflict(format!(
                "user {id} is in wrap-up until {}; the change is refused until then (respectWrapUp is \
                 true; send false to end the wrap-up now)",
                w.until
            )));
        }
        let pause_reason =
            if change.status == AgentStatus::Break { change.pause_reason.clone() } else { None };
        let previous = user.status;
        let unchanged = user.status == change.status
            && user.pause_reason == pause_reason
            && user.auto_available == change.flags.auto_available
            && user.wrap_up.is_none();
        let reply = |status_at: Stamp| StatusChangeView {
            user_id: id.to_string(),
            status: change.status,
            pause_reason: pause_reason.clone(),
            wrap_up_code: change.wrap_up_code.clone(),
            previous_status: previous,
            timestamp: status_at,
        };
        if unchanged {
            self.stats.write_repeated(Resource::AgentStatus);
            return Ok(Tagged { etag: user.etag(), value: reply(user.status_since) });
        }
        let ended_wrap_up = user.wrap_up.map(|w| w.deadline);
        let etag = data.users.edit(id, |u| {
            u.set_status(change.status, pause_reason.clone(), now);
            u.auto_available = change.flags.auto_available;
            u.meta.touch(now);
            u.etag()
        });
        if let Some(deadline) = ended_wrap_up {
            data.wrap_ups.remove(&(deadline, id.to_string()));
        }
        self.stats.write_applied(Resource::AgentStatus);
        let etag = etag.ok_or_else(|| not_found(KIND, id))?;
        Ok(Tagged { etag, value: reply(now) })
    }
}
