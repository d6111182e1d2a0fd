//! `:state <status> [pause reason]`: its completion and its parsing. The
//! reason may be quoted, as `:attr` teaches for text with spaces, and must
//! be one of the tenant's once they are read: a reason the tenant does not
//! have is refused here, on the line, as `:dispose` refuses a code.

use super::words::{unquoted, words};
use super::{PaletteCommand, Scope, Suggestion};
use crate::domain::agent_status::AgentStatus;

/// A status first, then, after a Break, the tenant's pause reasons.
pub(super) fn state_suggestions(rest: &str, scope: &Scope<'_>) -> Vec<Suggestion> {
    let Some((status, reason)) = rest.split_once(' ') else {
        return AgentStatus::ALL
            .iter()
            .filter(|s| s.as_str().to_lowercase().starts_with(rest))
            .map(|s| {
                let space = if *s == AgentStatus::Break { " " } else { "" };
                Suggestion { line: format!("state {s}{space}"), desc: "status".into() }
            })
            .collect();
    };
    let Some(status) = AgentStatus::ALL.into_iter().find(|s| s.as_str().eq_ignore_ascii_case(status)) else {
        return Vec::new();
    };
    if status != AgentStatus::Break {
        return Vec::new();
    }
    // A reason being quoted completes as one typed bare.
    let reason = reason.trim_start().trim_start_matches('"');
    scope
        .pause_reasons
        .iter()
        .filter(|r| r.to_lowercase().starts_with(reason))
        .map(|r| Suggestion { line: format!("state {status} {r}"), desc: "pause reason".into() })
        .collect()
}

/// `state <status> [reason]`: the status as the tenant spells it, the
/// reason as one of the tenant's list spells it.
pub(super) fn state(rest: &str, scope: &Scope<'_>) -> Result<PaletteCommand, String> {
    let words = words(rest)?;
    let Some((status, reason)) = words.split_first() else {
        return Err(
            "state needs a status: state <Available|Busy|Break|Training|Offline> [pause reason]".into()
        );
    };
    let status = unquoted(status);
    let status =
        AgentStatus::ALL.into_iter().find(|s| s.as_str().eq_ignore_ascii_case(&status)).ok_or_else(|| {
            format!("{status:?} is not a status; use Available, Busy, Break, Training or Offline")
        })?;
    let reason = reason.iter().map(|word| unquoted(word)).collect::<Vec<_>>().join(" ");
    // The domain's rule, as a file's line or the form would meet it: a
    // reason never goes with another state. A Break without one opens the
    // form, where it is picked.
    if !reason.is_empty()
        && let Err(rule) = status.takes_reason(true)
    {
        return Err(format!("{rule}: write state {status} alone, or state Break {reason}"));
    }
    let reason = match reason.as_str() {
        "" => None,
        // Not read yet: the form checks it once they are.
        _ if scope.pause_reasons.is_empty() => Some(reason),
        _ => match scope.pause_reasons.iter().find(|r| r.eq_ignore_ascii_case(&reason)) {
            Some(known) => Some((*known).to_string()),
            None => {
                return Err(format!("{reason:?} is not one of the tenant's pause reasons; Tab lists them"));
            }
        },
    };
    Ok(PaletteCommand::State { status: status.as_str().to_string(), reason })
}
