//! Which agent each target's disposition is recorded for. The tenant needs
//! an agent id on every contact outcome (document 001's payload carries
//! `agentId`) and on every interaction disposition (`agent_id`), and a
//! target nobody was put through to, or nobody has picked up yet, has none.
//! In a batch that mixes both, the id typed in the form goes to the targets
//! without an agent and the others keep their own: a supervisor filling a
//! gap should not re-attribute work other agents did. Both forms follow
//! this one rule, so it lives here once.

use super::{Check, Field, Plan, count};
use crate::ui::entity::Directory;
use crate::ui::panes::format;
use std::collections::BTreeSet;

/// A form's target as far as its agent goes.
pub(super) trait Target {
    /// The agent field's name, as the domain's rules report it.
    const FIELD: &'static str;
    /// What one target is called ("contact").
    const NOUN: &'static str;
    /// "who" for people, "which" for things: "…, who have no agent".
    const WHICH: &'static str;
    /// What the tenant records for an agent ("outcomes").
    const RECORDS: &'static str;

    /// The agent id the target carries, if any, as read.
    fn agent(&self) -> Option<&str>;

    /// How the form names the target in its messages.
    fn name(&self) -> String;
}

/// How the typed agent id is used for a set of targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Use {
    /// One target, or targets alike (all with an agent, or none): the
    /// typed id stands for every one; left empty, each keeps its own.
    ForAll,
    /// Some targets have an agent and some do not: the typed id goes to
    /// those without.
    ForThoseWithout,
}

/// Where a target's agent id came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    Typed,
    Own,
    /// Nothing typed and no agent of its own.
    Nowhere,
}

/// The target's own agent, when it has one; blank counts as none.
pub(super) fn own<T: Target>(row: &T) -> Option<&str> {
    row.agent().map(str::trim).filter(|id| !id.is_empty())
}

pub(super) fn rule<T: Target>(rows: &[T]) -> Use {
    let with = rows.iter().filter(|r| own(*r).is_some()).count();
    if with > 0 && with < rows.len() { Use::ForThoseWithout } else { Use::ForAll }
}

/// The agent id `row`'s disposition is recorded for, and where it came from.
pub(super) fn resolve<'a, T: Target>(row: &'a T, typed: &'a str, rule: Use) -> (&'a str, Source) {
    let typed = typed.trim();
    match (own(row), typed.is_empty(), rule) {
        (Some(own), _, Use::ForThoseWithout) | (Some(own), true, Use::ForAll) => (own, Source::Own),
        (_, false, _) => (typed, Source::Typed),
        (None, true, _) => ("", Source::Nowhere),
    }
}

/// What goes in the field as the form opens: one target's own agent, so
/// the supervisor sees whom the disposition is for; nothing for a batch.
pub(super) fn prefill<T: Target>(rows: &[T]) -> String {
    match rows {
        [one] => own(one).unwrap_or_default().to_string(),
        _ => String::new(),
    }
}

/// Renews the agent field's words for the targets as they are now (an
/// agent may have been assigned since the form opened) and for the id in it.
pub(super) fn describe<T: Target>(field: &mut Field, rows: &[T], agents: &Directory) {
    field.help = help(rows);
    (field.aside, field.aside_short) = whom(&field.value(), agents);
}

/// Whom an id in the field names: the agent, or that nobody loaded has it
/// (likely a typo, though the tenant has the last word on a user added
/// since the last refresh); with the words to say where those do not fit.
/// Nothing to say of an empty field, or before the agents are loaded.
fn whom(typed: &str, agents: &Directory) -> (String, String) {
    let typed = typed.trim();
    if typed.is_empty() || agents.is_empty() {
        return Default::default();
    }
    match (agents.name(typed), agents.is_agent(typed)) {
        (Some(name), Some(false)) => (format!("{name} (not an agent)"), "not an agent".into()),
        (Some(name), _) => (name.to_string(), String::new()),
        (None, _) => {
            (format!("no such agent among the {} users loaded", agents.len()), "no such agent".into())
        }
    }
}

/// The field's dimmed help: what an id typed here is used for.
pub(super) fn help<T: Target>(rows: &[T]) -> String {
    let noun = T::NOUN;
    let without: Vec<&T> = rows.iter().filter(|r| own(*r).is_none()).collect();
    let others = rows.len() - without.len();
    match (rows, without.as_slice()) {
        ([one], [_]) => format!("required: {} has no agent", one.name()),
        ([_], _) => format!("empty: the {noun}'s own agent"),
        (_, []) => format!(
            "empty: each {noun}'s own agent; typed: used for all {}",
            format::count(rows.len() as u64)
        ),
        (_, all) if all.len() == rows.len() => {
            format!("required: none of the {} has an agent", count(rows.len(), noun))
        }
        (_, [one]) => {
            format!("for {}, {} has none; {}", one.name(), T::WHICH, keep_their_own(others))
        }
        (_, some) => {
            format!("for the {} without one; {}", count(some.len(), noun), keep_their_own(others))
        }
    }
}

fn keep_their_own(others: usize) -> String {
    match others {
        1 => "the other keeps its own".into(),
        n => format!("the other {n} keep their own"),
    }
}

/// What the confirmation shows after the change: the agent is named where
/// it is not the target's own, so every attribution the form made is seen.
pub(super) fn after<T: Target>(row: &T, agent_id: &str, change: String, agents: &Directory) -> String {
    match own(row) {
        Some(own) if own == agent_id => change,
        _ => format!("{change} · agent {}", agents.name_or_id(agent_id)),
    }
}

/// The agent problems of a batch, gathered so that the targets left without
/// an agent are named once, with the field and the rule, instead of once
/// each.
#[derive(Debug, Default)]
pub(super) struct Problems {
    without: Vec<String>,
}

impl Problems {
    /// Notes a rule the agent id of `row` broke, according to where the id
    /// came from: a typed id is reported as typed, a target's own under the
    /// target's name.
    pub(super) fn note<T: Target>(
        &mut self,
        check: &mut Check,
        row: &T,
        agent_id: &str,
        source: Source,
        rule: &str,
    ) {
        let field = T::FIELD;
        match source {
            Source::Nowhere => self.without.push(row.name()),
            Source::Typed => check.note(field, format!("{field}: {rule}")),
            Source::Own => check.note(field, format!("{field}: {}'s agent {agent_id:?} {rule}", row.name())),
        }
    }

    /// Says, once, which targets are still without an agent.
    pub(super) fn finish<T: Target>(self, check: &mut Check) {
        if !self.without.is_empty() {
            check.note(T::FIELD, required::<T>(&self.without));
        }
    }
}

/// The problem of targets left without an agent, once for all of them:
/// the field, the rule, and whom it concerns.
fn required<T: Target>(names: &[String]) -> String {
    let (field, which) = (T::FIELD, T::WHICH);
    let who = match names {
        [] => return format!("{field}: is required"),
        [one] => return format!("{field}: is required for {one}, {which} has no agent"),
        [a, b] => format!("{a} and {b}"),
        [a, b, rest @ ..] => {
            format!("{a}, {b} and {} more", format::count(rest.len() as u64))
        }
    };
    format!("{field}: is required for {who}, {which} have no agent")
}

/// Typed agent ids nobody in the loaded agents table has: likely a typo,
/// though the table may lag a user added since the last refresh, so the
/// tenant has the last word and the form only warns.
#[derive(Debug, Default)]
pub(super) struct Unknown {
    ids: BTreeSet<String>,
    /// Typed ids of users the table has, who do not hold the Agent role.
    not_agents: BTreeSet<String>,
}

impl Unknown {
    pub(super) fn note(&mut self, agent_id: &str, source: Source, agents: &Directory) {
        if source != Source::Typed || agents.is_empty() {
            return;
        }
        match agents.is_agent(agent_id) {
            None => self.ids.insert(agent_id.to_string()),
            Some(false) => self.not_agents.insert(agent_id.to_string()),
            Some(true) => false,
        };
    }

    /// Warns in the confirmation when any typed id is unknown, or names a
    /// user who is not an agent.
    pub(super) fn warn<T: Target>(self, plan: Plan, agents: &Directory) -> Plan {
        let (loaded, records) = (agents.len(), T::RECORDS);
        let named: Vec<String> =
            self.not_agents.iter().map(|id| format!("{} ({id})", agents.name_or_id(id))).collect();
        let plan = warn_of(
            plan,
            &named,
            |one| {
                format!(
                    "{one} does not hold the Agent role; the tenant refuses {records} for a user who is not an agent."
                )
            },
            |all| {
                format!(
                    "{all} do not hold the Agent role; the tenant refuses {records} for users who are not agents."
                )
            },
        );
        let unknown: Vec<String> = self.ids.into_iter().collect();
        warn_of(
            plan,
            &unknown,
            |one| {
                format!(
                    "No agent {one} is among the {loaded} users loaded; the tenant refuses {records} for an agent it does not have."
                )
            },
            |all| {
                format!(
                    "Agents {all} are not among the {loaded} users loaded; the tenant refuses {records} for agents it does not have."
                )
            },
        )
    }
}

/// Adds the warning about `names`, worded for one or for several.
fn warn_of(
    plan: Plan,
    names: &[String],
    one: impl FnOnce(&str) -> String,
    all: impl FnOnce(String) -> String,
) -> Plan {
    match names {
        [] => plan,
        [name] => plan.warn(one(name)),
        many => plan.warn(all(many.join(", "))),
    }
}
