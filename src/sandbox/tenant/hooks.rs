//! Hooks for tests and the in-process console: read entities, count them,
//! and arrange situations that are hard to wait for (a contact on the
//! dialer, an agent in wrap-up, a concurrent edit). Nothing here is counted
//! as a client's write.

use super::clock::Stamp;
use super::etag::ETag;
use super::executions::RunStatus;
use super::interactions::KIND as INTERACTION;
use super::outbound::CONTACT;
use super::outbound::ContactView;
use super::store::Record;
use super::users::KIND as USER;
use super::{Failure, Tagged, Tenant, not_found};
use crate::domain::agent_status::AgentStatus;
use crate::domain::contact_disposition::DialerState;
use crate::domain::interaction_disposition::InteractionStatus;
use serde::Serialize;
use std::time::Duration;

/// How many of each entity the tenant holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub users: usize,
    /// Users who hold the Agent or Supervisor role.
    pub agents: usize,
    pub interactions: usize,
    pub open_interactions: usize,
    pub campaigns: usize,
    pub contacts: usize,
    pub data_actions: usize,
    pub webhooks: usize,
}

impl Tenant {
    pub fn counts(&self) -> Counts {
        let data = self.lock();
        Counts {
            users: data.users.len(),
            agents: data.users.iter().filter(|u| u.holds_status()).count(),
            interactions: data.interactions.len(),
            open_interactions: data.interactions.iter().filter(|i| i.is_open()).count(),
            campaigns: data.campaigns.len(),
            contacts: data.campaigns.iter().map(|c| c.contacts.len()).sum(),
            data_actions: data.actions.len(),
            webhooks: data.webhooks.len(),
        }
    }

    /// Moves one step of the simulation; the background loop calls this each tick.
    pub fn step(&self) {
        let reasons = self.pause_reasons();
        self.lock().step(&self.words, &reasons);
    }

    /// Puts a contact in `state`, as the dialer would.
    pub fn set_contact_state(
        &self,
        cid: &str,
        id: &str,
        state: DialerState,
    ) -> Result<Tagged<ContactView>, Failure> {
        let mut data = self.lock();
        let at = data.clock.now();
        let tagged = data
            .campaigns
            .edit(cid, |c| {
                c.contacts.edit(id, |k| {
                    k.state = state;
                    k.meta.touch(at);
                    k.tagged()
                })
            })
            .ok_or_else(|| not_found("campaign", cid))?
            .ok_or_else(|| not_found(CONTACT, id))?;
        // An arranged state stays until it is changed again: the dialer lets go.
        data.dialer.retain(|(c, k)| !(c == cid && k == id));
        Ok(tagged)
    }

    /// Starts a wrap-up of `length` on a user, as when their call ends;
    /// returns when it runs until.
    pub fn start_wrap_up(&self, user_id: &str, length: Duration) -> Result<Stamp, Failure> {
        let mut data = self.lock();
        data.settle_wrap_ups();
        data.start_wrap_up(user_id, length).ok_or_else(|| not_found(USER, user_id))
    }

    /// Changes an agent as another client would: to `status` (and `reason`),
    /// or, with `None`, only in what a status change does not show (a
    /// profile edit), so a tag read before is stale; returns the new tag.
    pub fn edit_user_elsewhere(
        &self,
        id: &str,
        status: Option<(AgentStatus, Option<String>)>,
    ) -> Result<ETag, Failure> {
        let mut data = self.lock();
        let at = data.clock.now();
        data.users
            .edit(id, |u| {
                if let Some((status, reason)) = status {
                    u.set_status(status, reason, at);
                }
                u.meta.touch(at);
                u.etag()
            })
            .ok_or_else(|| not_found(USER, id))
    }

    /// Leaves `reason` behind on an agent whatever their status, as a tenant
    /// that keeps a Break's reason after the Break ends would; the status
    /// and the tag stay as they are. Only a Break holds a reason (document
    /// 003), so the agent still holds their status alone.
    pub fn leave_pause_reason(&self, id: &str, reason: &str) -> Result<(), Failure> {
        let mut data = self.lock();
        data.users.edit(id, |u| u.pause_reason = Some(reason.to_string())).ok_or_else(|| not_found(USER, id))
    }

    /// Changes an interaction as another supervisor would, so a tag read
    /// before is stale; returns the new tag.
    pub fn edit_interaction_elsewhere(&self, id: &str) -> Result<ETag, Failure> {
        let mut data = self.lock();
        let at = data.clock.now();
        data.interactions
            .edit(id, |i| {
                i.meta.touch(at);
                i.etag()
            })
            .ok_or_else(|| not_found(INTERACTION, id))
    }

    /// Opens or closes an interaction.
    pub fn set_interaction_open(&self, id: &str, open: bool) -> Result<ETag, Failure> {
        let mut data = self.lock();
        let at = data.clock.now();
        let (was_open, tag) = data
            .interactions
            .edit(id, |i| {
                let was_open = i.is_open();
                i.status = if open { InteractionStatus::Open } else { InteractionStatus::Closed };
                i.closed_at = (!open).then_some(at);
                i.meta.touch(at);
                (was_open, i.etag())
            })
            .ok_or_else(|| not_found(INTERACTION, id))?;
        match (was_open, open) {
            (false, true) => data.open += 1,
            (true, false) => data.open -= 1,
            _ => {}
        }
        Ok(tag)
    }

    /// Records one execution of a data action now, at its current version.
    pub fn record_execution(
        &self,
        action_id: &str,
        status: RunStatus,
        latency_ms: f64,
    ) -> Result<(), Failure> {
        let mut data = self.lock();
        let at = data.clock.now();
        let version = data
            .actions
            .get(action_id)
            .map(|a| a.version.to_string())
            .ok_or_else(|| not_found(super::data_actions::KIND, action_id))?;
        data.record_run(action_id, &version, at, status, latency_ms);
        Ok(())
    }

    /// The ids of every campaign, in no particular order.
    pub fn campaign_ids(&self) -> Vec<String> {
        self.lock().campaigns.iter().map(|c| c.id().to_string()).collect()
    }

    /// The ids of every data action, in no particular order.
    pub fn data_action_ids(&self) -> Vec<String> {
        self.lock().actions.iter().map(|a| a.id().to_string()).collect()
    }
}
