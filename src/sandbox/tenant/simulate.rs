//! One step of the tenant's life: agents take calls and breaks, interactions
//! open and close, the dialer works through contacts, data actions run.
//!
//! Each step touches a bounded random sample, so its cost does not grow with
//! the tenant. The documents' example entities are never touched. Changes
//! made here bump `updatedAt` and the ETag but are not counted as writes:
//! nobody asked for them.

use super::Data;
use super::clock::Stamp;
use super::executions::RunStatus;
use super::interactions::Interaction;
use super::seed::{RETRY_OUTCOMES, Words, channel, random_id, random_interaction};
use super::store::Meta;
use crate::domain::Timestamp;
use crate::domain::agent_status::AgentStatus;
use crate::domain::contact_disposition::DialerState;
use crate::domain::data_action::simulate;
use crate::domain::interaction_disposition::InteractionStatus;
use rand::Rng;
use rand::seq::IndexedRandom;
use serde_json::{Value, json};
use std::time::Duration;

/// Agents looked at per step.
const AGENT_SAMPLE: usize = 24;
/// Interactions looked at per step.
const INTERACTION_SAMPLE: usize = 12;
/// Interactions retired at most in one step, so that those kept through a
/// run's first [`SandboxConfig::retention`](crate::sandbox::SandboxConfig)
/// leave a few at a time, not all at once.
const RETIRED_PER_STEP: usize = 2;
/// Contacts the dialer works on at once, across campaigns.
const DIALER_LINES: usize = 60;
/// Contacts picked per step to start dialing or to recycle.
const CONTACT_SAMPLE: usize = 6;
/// Data actions run per step, at most.
const ACTION_SAMPLE: usize = 16;

impl Data {
    pub(super) fn step(&mut self, words: &Words, pause_reasons: &[String]) {
        self.settle_wrap_ups();
        for _ in 0..AGENT_SAMPLE.min(self.users.len()) {
            self.step_agent(words, pause_reasons);
        }
        self.step_interactions(words);
        self.step_dialer();
        self.step_contacts();
        self.run_actions();
    }

    fn step_agent(&mut self, words: &Words, pause_reasons: &[String]) {
        let Some(id) = self.users.random_id(&mut self.rng).map(str::to_string) else { return };
        let Some(user) = self.users.get(&id) else { return };
        if self.pinned.contains(&id) || !user.holds_status() || user.wrap_up.is_some() {
            return;
        }
        let wall = self.clock.now();
        let off_shift = user.shift.is_scheduled() && !user.shift.covers(wall.datetime());
        let (status, handling) = (user.status, user.handling.clone());
        let roll: f64 = self.rng.random();
        let next = match status {
            _ if off_shift => (status != AgentStatus::Offline).then_some(AgentStatus::Offline),
            AgentStatus::Offline => (roll < 0.5).then_some(AgentStatus::Available),
            AgentStatus::Available if roll < 0.45 => Some(AgentStatus::Busy),
            AgentStatus::Available if roll < 0.5 => Some(AgentStatus::Break),
            AgentStatus::Available if roll < 0.52 => Some(AgentStatus::Training),
            AgentStatus::Busy if roll < 0.4 => {
                // The call ends: its interaction closes and wrap-up begins.
                if let Some(iid) = handling {
                    self.close_interaction(&iid, wall);
                }
                let length = Duration::from_secs(self.rng.random_range(5..30));
                self.start_wrap_up(&id, length);
                None
            }
            AgentStatus::Break if roll < 0.2 => Some(AgentStatus::Available),
            AgentStatus::Training if roll < 0.1 => Some(AgentStatus::Available),
            _ => None,
        };
        let Some(next) = next else { return };
        let reason =
            (next == AgentStatus::Break).then(|| pause_reasons.choose(&mut self.rng).cloned()).flatten();
        let call = (next == AgentStatus::Busy).then(|| self.open_interaction(words, Some(id.clone()), wall));
        if status == AgentStatus::Busy
            && next == AgentStatus::Offline
            && let Some(iid) = self.users.get(&id).and_then(|u| u.handling.clone())
        {
            self.close_interaction(&iid, wall);
        }
        self.users.edit(&id, |u| {
            u.set_status(next, reason, wall);
            u.handling = call;
            u.meta.touch(wall);
        });
    }

    /// A new interaction, open now, handled by `agent` when given.
    fn open_interaction(&mut self, words: &Words, agent: Option<String>, at: Stamp) -> String {
        let id = random_id(&mut self.rng);
        let mut i: Interaction = random_interaction(&mut self.rng, words, id.clone(), &[], at.datetime());
        i.status = InteractionStatus::Open;
        i.closed_at = None;
        i.started_at = at;
        i.attributes_updated_at = at;
        i.meta = Meta::new(at);
        i.channel = channel(&mut self.rng);
        i.agent_id = agent;
        self.interactions.insert(i);
        self.open += 1;
        id
    }

    fn close_interaction(&mut self, id: &str, at: Stamp) {
        if self.pinned.contains(id) {
            return;
        }
        let closed = self.interactions.edit(id, |i| {
            let open = i.is_open();
            if open {
                i.close(at);
            }
            open
        });
        if closed == Some(true) {
            self.open -= 1;
        }
    }

    /// Closes some open interactions, lets new ones arrive as others close,
    /// and retires the closed ones left untouched longest so the total
    /// comes back near the configured size, once the run and they are past
    /// the retention: until then it grows by the interactions closed.
    fn step_interactions(&mut self, words: &Words) {
        let at = self.clock.now();
        for _ in 0..INTERACTION_SAMPLE.min(self.interactions.len()) {
            let Some(id) = self.interactions.random_id(&mut self.rng).map(str::to_string) else { break };
            let open = self.interactions.get(&id).is_some_and(Interaction::is_open);
            if open && self.rng.random_bool(0.3) {
                self.close_interaction(&id, at);
            }
        }
        if self.open < self.open_target && self.rng.random_bool(0.5) {
            self.open_interaction(words, None, at);
        }
        let slack = self.interaction_target / 100 + 1;
        let mut retire = match at >= self.retiring_from {
            true => {
                self.interactions.len().saturating_sub(self.interaction_target + slack).min(RETIRED_PER_STEP)
            }
            false => 0,
        };
        let kept_since = at.minus(self.retention.try_into().unwrap_or(time::Duration::ZERO));
        while retire > 0 {
            // Oldest first by their last change: past the first recent one,
            // none is old enough.
            let oldest = self
                .interactions
                .oldest_first()
                .take_while(|i| i.meta.updated_at <= kept_since)
                .find(|i| !i.is_open() && !self.pinned.contains(&i.id))
                .map(|i| i.id.clone());
            let Some(id) = oldest else { break };
            self.interactions.remove(&id);
            retire -= 1;
        }
    }

    /// Moves every contact on a dialer line one state on.
    fn step_dialer(&mut self) {
        let at = self.clock.now();
        let lines = std::mem::take(&mut self.dialer);
        for (cid, id) in lines {
            let roll: f64 = self.rng.random();
            let agent = self.random_agent();
            let Some(outcomes) = self.campaigns.get(&cid).map(|c| {
                c.outcomes
                    .codes()
                    .filter(|c| !matches!(*c, "NO_ANSWER" | "BUSY"))
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            }) else {
                continue;
            };
            let outcome = outcomes.choose(&mut self.rng).cloned();
            let still_dialing = self
                .campaigns
                .edit(&cid, |c| {
                    c.contacts.edit(&id, |k| {
                        let (next, result) = match k.state {
                            DialerState::Dialing => (DialerState::Ringing, None),
                            DialerState::Ringing if roll < 0.6 => (DialerState::Connected, None),
                            DialerState::Ringing if roll < 0.9 => {
                                (DialerState::Completed, Some("NO_ANSWER".into()))
                            }
                            DialerState::Ringing => (DialerState::Completed, Some("BUSY".into())),
                            DialerState::Connected => (DialerState::WrapUp, None),
                            DialerState::WrapUp => (DialerState::Completed, outcome),
                            _ => return false,
                        };
                        if next == DialerState::Connected {
                            k.agent_id = agent;
                        }
                        if next == DialerState::Completed {
                            k.outcome = result;
                            k.disposition_timestamp = Some(Timestamp::from_datetime(at.datetime()));
                        }
                        k.state = next;
                        k.meta.touch(at);
                        k.state.blocks_disposition()
                    })
                })
                .flatten()
                .unwrap_or(false);
            if still_dialing {
                self.dialer.push((cid, id));
            }
        }
    }

    /// Starts dialing some pending contacts and recycles some finished ones.
    fn step_contacts(&mut self) {
        let at = self.clock.now();
        for _ in 0..CONTACT_SAMPLE {
            let Some(cid) = self.campaigns.random_id(&mut self.rng).map(str::to_string) else { return };
            let roll: f64 = self.rng.random();
            let room = self.dialer.len() < DIALER_LINES;
            let pinned = &self.pinned;
            let started = self.campaigns.edit(&cid, |c| {
                if c.status != "ACTIVE" {
                    return None;
                }
                let id = c.contacts.random_id(&mut self.rng)?.to_string();
                if pinned.contains(&id) {
                    return None;
                }
                c.contacts
                    .edit(&id, |k| match k.state {
                        DialerState::Pending if room => {
                            k.state = DialerState::Dialing;
                            k.attempts += 1;
                            k.meta.touch(at);
                            true
                        }
                        DialerState::Completed
                            if roll < 0.3
                                && k.outcome.as_deref().is_some_and(|o| RETRY_OUTCOMES.contains(&o)) =>
                        {
                            k.state = DialerState::Pending;
                            k.outcome = None;
                            k.disposition_timestamp = None;
                            k.meta.touch(at);
                            false
                        }
                        _ => false,
                    })
                    .filter(|dialing| *dialing)
                    .map(|_| id)
            });
            if let Some(id) = started.flatten() {
                self.dialer.push((cid, id));
            }
        }
    }

    fn random_agent(&mut self) -> Option<String> {
        let id = self.users.random_id(&mut self.rng)?;
        self.users.get(id).filter(|u| u.holds_status()).map(|u| u.id.clone())
    }

    /// Runs live actions on generated inputs with a realistic latency and
    /// error mix, feeding `recentExecutions` and the analytics query.
    fn run_actions(&mut self) {
        let at = self.clock.now();
        for _ in 0..ACTION_SAMPLE.min(self.actions.len()) {
            let Some(id) = self.actions.random_id(&mut self.rng).map(str::to_string) else { return };
            let Some(action) = self.actions.get(&id).filter(|a| !a.deprecated) else { continue };
            let input = generated_input(&mut self.rng);
            let result = simulate(
                &input,
                &action.input_schema,
                &action.output_schema,
                Timestamp::from_datetime(at.datetime()),
            );
            let median = (action.timeout_ms as f64 / 40.0).clamp(15.0, 120.0);
            let latency = log_normal(&mut self.rng, median, 0.6);
            let (status, latency) = match result {
                Err(_) => (RunStatus::Error, latency.min(median)),
                Ok(_) if latency >= action.timeout_ms as f64 || self.rng.random_bool(0.005) => {
                    (RunStatus::Timeout, action.timeout_ms as f64)
                }
                Ok(_) => (RunStatus::Success, latency),
            };
            let version = action.version.to_string();
            self.record_run(&id, &version, at, status, (latency * 100.0).round() / 100.0);
        }
    }
}

/// An interaction event as CXone would inject it; about one in twenty is malformed.
fn generated_input(rng: &mut impl Rng) -> Value {
    let channel = if rng.random_bool(0.03) { "fax" } else { channel(rng).as_str() };
    let sentiment: f64 = if rng.random_bool(0.02) { 1.7 } else { rng.random_range(-1.0..=1.0) };
    let mut tags = vec![];
    if rng.random_bool(0.1) {
        tags.push("vip");
    }
    if rng.random_bool(0.3) {
        tags.push("repeat_caller");
    }
    json!({
        "interaction_id": format!("int_{}", random_id(rng)),
        "channel_type": channel,
        "customer_phone": format!("+1555{:07}", rng.random_range(0..10_000_000)),
        "sentiment_score": (sentiment * 100.0).round() / 100.0,
        "tags": tags,
    })
}

/// A log-normal draw with the given median: most runs near it, a long tail.
fn log_normal(rng: &mut impl Rng, median: f64, sigma: f64) -> f64 {
    // Box-Muller; 1 - u keeps the logarithm's argument in (0, 1].
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random();
    let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
    median * (sigma * z).exp()
}
