//! The line atop a form that says whom it is for.

use crate::api::model::{Contact, User};
use crate::ui::entity::Directory;
use crate::ui::forms::{Form, Kind, agent_name, contact_name, count};
use crate::ui::panes::format::{self, short_id};

/// Who the form is for, in one line: one target with its state, several
/// by name only, so that the first few names fit.
/// One agent or contact whose name another has is named as the
/// confirmation names them: with the user name, or the phone number.
pub(super) fn targets(form: &Form, directory: &Directory) -> String {
    fn names<T>(rows: &[T], noun: &str, full: impl Fn(&T) -> String, short: impl Fn(&T) -> String) -> String {
        match rows {
            [] => format!("No {noun} selected"),
            [one] => format!("For {}", full(one)),
            [a, b, rest @ ..] if !rest.is_empty() => format!(
                "For {} (the marked rows): {}, {} and {} more",
                count(rows.len(), noun),
                short(a),
                short(b),
                format::count(rest.len() as u64)
            ),
            _ => {
                let all: Vec<String> = rows.iter().map(short).collect();
                format!("For {} (the marked rows): {}", count(rows.len(), noun), all.join(", "))
            }
        }
    }
    match &form.kind {
        Kind::AgentStatus(users) => names(
            users,
            "agent",
            |u| match u.held_reason() {
                Some(r) => format!("{} ({} · {r})", agent_name(u, directory), u.status),
                None => format!("{} ({})", agent_name(u, directory), u.status),
            },
            User::display_name,
        ),
        Kind::InteractionDisposition(rows) | Kind::Attributes(rows) => names(
            rows,
            "interaction",
            |r| match &r.customer_name {
                Some(name) => format!("interaction with {name} ({}, {})", r.id, r.status),
                None => format!("interaction {} ({})", r.id, r.status),
            },
            |r| r.customer_name.clone().unwrap_or_else(|| format!("interaction {}", short_id(r.id.as_str()))),
        ),
        Kind::ContactDisposition(rows) => names(
            rows,
            "contact",
            |c| {
                let outcome = c.outcome_code.as_deref().unwrap_or("no outcome");
                format!("{} ({} · {outcome})", contact_name(c, directory), c.state)
            },
            Contact::display_name,
        ),
        Kind::Simulate => {
            "Runs the documents' handler on this machine; nothing is sent to the tenant.".into()
        }
        Kind::Deploy(_) => "Creates a new action on the tenant.".into(),
        Kind::NewVersion(a) | Kind::Deprecate(a) | Kind::Metrics(a) => {
            format!("For {} ({}), version {}", a.name, a.id, a.version)
        }
    }
}
