//! Which agent each contact's outcome is recorded for. The tenant needs an
//! agent id on every outcome (document 001's payload carries `agentId`),
//! and a contact the dialer never put through to anyone has none. In a
//! batch that mixes both, the id typed in the form goes to the contacts
//! without an agent and the others keep their own: a supervisor filling a
//! gap should not re-attribute calls other agents made.

use super::count;
use crate::api::model::Contact;

/// How the typed agent id is used for a set of contacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Use {
    /// One contact, or contacts alike (all with an agent, or none): the
    /// typed id stands for every one; left empty, each keeps its own.
    ForAll,
    /// Some contacts have an agent and some do not: the typed id goes to
    /// those without.
    ForThoseWithout,
}

/// Where a contact's agent id came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    Typed,
    Own,
    /// Nothing typed and no agent of its own.
    Nowhere,
}

/// The contact's own agent, when it has one.
pub(super) fn own(row: &Contact) -> Option<&str> {
    row.agent_id.as_deref().map(str::trim).filter(|id| !id.is_empty())
}

pub(super) fn rule(rows: &[Contact]) -> Use {
    let with = rows.iter().filter(|r| own(r).is_some()).count();
    if with > 0 && with < rows.len() { Use::ForThoseWithout } else { Use::ForAll }
}

/// The agent id `row`'s outcome is recorded for, and where it came from.
pub(super) fn resolve<'a>(row: &'a Contact, typed: &'a str, rule: Use) -> (&'a str, Source) {
    let typed = typed.trim();
    match (own(row), typed.is_empty(), rule) {
        (Some(own), _, Use::ForThoseWithout) | (Some(own), true, Use::ForAll) => (own, Source::Own),
        (_, false, _) => (typed, Source::Typed),
        (None, true, _) => ("", Source::Nowhere),
    }
}

/// What goes in the field as the form opens: one contact's own agent, so
/// the supervisor sees whom the outcome is for; nothing for a batch.
pub(super) fn prefill(rows: &[Contact]) -> String {
    match rows {
        [one] => own(one).unwrap_or_default().to_string(),
        _ => String::new(),
    }
}

/// The field's dimmed help: what an id typed here is used for.
pub(super) fn help(rows: &[Contact]) -> String {
    let without: Vec<&Contact> = rows.iter().filter(|r| own(r).is_none()).collect();
    let others = rows.len() - without.len();
    match (rows, without.as_slice()) {
        ([one], [_]) => format!("required: {} has no agent", one.display_name()),
        ([_], _) => "empty: the contact's own agent".into(),
        (_, []) => format!("empty: each contact's own agent; typed: used for all {}", rows.len()),
        (_, all) if all.len() == rows.len() => {
            format!("required: none of the {} has an agent", count(rows.len(), "contact"))
        }
        (_, [one]) => format!("for {}, who has none; {}", one.display_name(), keep_their_own(others)),
        (_, some) => {
            format!("for the {} without one; {}", count(some.len(), "contact"), keep_their_own(others))
        }
    }
}

fn keep_their_own(others: usize) -> String {
    match others {
        1 => "the other keeps its own".into(),
        n => format!("the other {n} keep their own"),
    }
}

/// The problem of contacts left without an agent, once for all of them:
/// the field, the rule, and whom it concerns.
pub(super) fn required(names: &[String]) -> String {
    let who = match names {
        [] => return "agentId: is required".into(),
        [one] => return format!("agentId: is required for {one}, who has no agent"),
        [a, b] => format!("{a} and {b}"),
        [a, b, rest @ ..] => format!("{a}, {b} and {} more", rest.len()),
    };
    format!("agentId: is required for {who}, who have no agent")
}
