//! The agent status form: state, pause reason from the tenant's list,
//! wrap-up code and the two directive flags, for one agent or many.

use super::plan::Names;
use super::{
    Check, Choice, Facts, Field, Form, Input, Kind, Named, Opt, Outgoing, Plan, PlanLine, Rules, count,
};
use crate::api::model::User;
use crate::domain::Timestamp;
use crate::domain::agent_status::{
    AgentStatus, AgentStatusChange, AgentStatusDraft, DirectiveFlags, PauseReasons, Shift, Unfit,
    held_reason, role_fit, shift_fit, with_reason,
};
use crate::ui::capped::{capped, capped_name};
use crate::ui::entity::{Directory, Entity};
use crate::ui::panes::format;

pub(super) fn open(users: Vec<User>, status: Option<&str>, reason: Option<&str>, rules: &Rules) -> Form {
    // Only one agent's own state is a fair start: the form then foretells
    // "already so" until another is picked. A batch's first agent speaks for
    // no one else, so a batch starts on no state at all.
    let only = match users.as_slice() {
        [one] => Some(one),
        _ => None,
    };
    let current = status.or(only.and_then(|u| u.status.known()).map(AgentStatus::as_str));
    let reason = reason.or(only.and_then(User::held_reason)).unwrap_or("");
    // Namesakes are told apart once the form is checked against the agents loaded.
    let title = title(&users, &Directory::default());
    let fields = vec![
        Field::choice("status", "State", Choice::new(states(current.is_none()), current.unwrap_or(""))),
        Field::choice("pauseReason", "Pause reason", Choice::new(reasons(rules, reason), reason)),
        Field::text("wrapUpCode", "Wrap-up code", "", "optional; recorded with the change"),
        Field::toggle(
            "autoAvailable",
            "Auto Available",
            DirectiveFlags::default().auto_available,
            "go Available by itself when wrap-up ends",
        ),
        Field::toggle(
            "respectWrapUp",
            "Respect wrap-up",
            DirectiveFlags::default().respect_wrap_up,
            "the tenant refuses the change while a wrap-up runs",
        ),
    ];
    let mut form = Form::new(Kind::AgentStatus(users), title, fields);
    // Values given up front (from the command line) count as typed.
    for field in form.fields.iter_mut().take(2) {
        field.touched = status.is_some();
    }
    form
}

/// The form's title: the agent it is for, told apart from a namesake, or
/// how many.
pub(super) fn title(users: &[User], agents: &Directory) -> String {
    match users {
        [one] => format!("Change state · {}", agent_name(one, agents)),
        many => format!("Change state · {}", count(many.len(), "agent")),
    }
}

/// An agent's name, with their user name when another agent loaded goes by
/// the same name: the confirmation tells its lines apart the same way.
pub fn agent_name(user: &User, agents: &Directory) -> String {
    let name = capped_name(&user.first_name, &user.last_name).into_owned();
    if agents.has_namesake(user.id.as_str(), &name) {
        format!("{name} ({})", capped(&user.user_name))
    } else {
        name
    }
}

/// The five states, after "(choose a state)" when none is chosen yet: that
/// sends nothing, so the form cannot be confirmed until one is picked.
fn states(unchosen: bool) -> Vec<Opt> {
    let placeholder = unchosen.then(|| Opt::new("", "(choose a state)"));
    placeholder.into_iter().chain(AgentStatus::ALL.iter().map(|s| Opt::plain(s.as_str()))).collect()
}

/// "(none)", then the tenant's reasons once read, and `kept` when it is not
/// one of them: a reason typed on the command line, or the agent's own,
/// stays in the form until the check says whether the tenant knows it,
/// rather than vanishing because the list came late or lacks it.
fn reasons(rules: &Rules, kept: &str) -> Vec<Opt> {
    let mut options = vec![Opt::new("", "(none)")];
    if let Ok(reasons) = rules.pause_reasons() {
        options.extend(reasons.iter().map(Opt::plain));
    }
    if !options.iter().any(|o| o.value == kept) {
        options.push(Opt::plain(kept));
    }
    options
}

pub(super) fn check(fields: &mut [Field], users: &[User], facts: &Facts<'_>) -> Check {
    let chosen: Option<AgentStatus> = fields.first().and_then(|f| f.value().parse().ok());
    // Only a state that takes a reason sends one, and checks it against the
    // tenant's list.
    let on_break = chosen.is_some_and(AgentStatus::needs_pause_reason);
    if let Some(field) = fields.get_mut(1) {
        // Kept for a move back to Break, but neither shown in the plan nor
        // sent with another state: the review must say all that is sent.
        field.help = if on_break { String::new() } else { "sent only with a Break".into() };
        if let Input::Choice(choice) = &mut field.input {
            let kept = choice.value().to_string();
            choice.set_options(reasons(facts.rules, &kept));
        }
    }
    let value = |i: usize| fields.get(i).map(Field::value).unwrap_or_default();
    let on = |i: usize| fields.get(i).is_some_and(Field::is_on);
    let mut check = Check::default();
    // The tenant's list only matters to a state that takes a reason: while
    // it is being read, or could not be, any other state can still go.
    let none_read = PauseReasons::new(Vec::<String>::new());
    let reasons = match facts.rules.pause_reasons() {
        Ok(reasons) => reasons,
        Err(_) if !on_break => &none_read,
        Err(missing) => {
            check.note("", missing);
            return check;
        }
    };
    let drafts: Vec<AgentStatusDraft> = users
        .iter()
        .map(|u| AgentStatusDraft {
            user_id: u.id.to_string(),
            status: value(0),
            pause_reason: if on_break { value(1) } else { String::new() },
            wrap_up_code: value(2),
            auto_available: on(3),
            respect_wrap_up: on(4),
        })
        .collect();
    let mut lines = Vec::new();
    let namesakes = users
        .iter()
        .filter(|u| facts.directory.has_namesake(u.id.as_str(), &capped_name(&u.first_name, &u.last_name)));
    let names =
        Names::new(users.iter().map(User::display_name)).shared_beyond(namesakes.map(User::display_name));
    for (user, draft) in users.iter().zip(&drafts) {
        match AgentStatusChange::validate(draft, reasons) {
            Ok(change) => lines.push(line(user, &change, facts, &names)),
            Err(invalid) => {
                for e in invalid.errors() {
                    // An id problem belongs to that agent, not to a field.
                    let field = if e.field == "userId" { String::new() } else { e.field.clone() };
                    check.note(field, e.rule.clone());
                }
            }
        }
    }
    if users.is_empty() {
        check.note("", "no agent is selected");
    }
    let reason = value(1);
    let after = with_reason(value(0), held_reason(chosen, Some(&reason)));
    let title = match users {
        [one]
            if facts
                .directory
                .has_namesake(one.id.as_str(), &capped_name(&one.first_name, &one.last_name)) =>
        {
            format!("Change the state of {}?", agent_name(one, facts.directory))
        }
        [one] => format!("Change {}'s state?", capped_name(&one.first_name, &one.last_name)),
        many => format!("Change the state of {}?", count(many.len(), "agent")),
    };
    let wrap_up_code = value(2);
    let flags = format!(
        "directive flags: auto-available {}, respect wrap-up {}",
        if on(3) { "on" } else { "off" },
        if on(4) { "on" } else { "off" }
    );
    check.finish(|| {
        let named = users.iter().zip(drafts).map(|(u, draft)| Named { draft, name: u.display_name() });
        let mut plan = Plan::new(title, after, lines, Outgoing::Agents(named.collect())).counted("agent");
        if !wrap_up_code.trim().is_empty() {
            plan = plan.also(format!("wrap-up code {}", wrap_up_code.trim()));
        }
        plan.also(flags)
    })
}

fn line(user: &User, change: &AgentStatusChange, facts: &Facts<'_>, names: &Names) -> PlanLine {
    let before = with_reason(&user.status, user.held_reason());
    let after = with_reason(change.status, change.kept_reason());
    // The line names the agent already; the id would only repeat it.
    let unfit =
        role_fit(user.role_names()).and_then(|()| shift_fit(user.shift, facts.now)).err().map(|unfit| {
            format!(
                "will be refused: {} {}",
                capped_name(&user.first_name, &user.last_name),
                unfit_text(unfit, facts.now)
            )
        });
    // A row that may not show this session's latest change to the agent
    // foretells nothing from its state: the engine reads it when it goes.
    let lagging = facts.lagging.of(&user.key()).is_some();
    let note = unfit.or_else(|| if lagging { None } else { state_note(user, change, facts.now) });
    PlanLine { entity: names.of(user.display_name(), &user.user_name), before, after, note }
}

/// What the agent's state as read says of the change: a wrap-up that
/// refuses it, or that it holds already.
fn state_note(user: &User, change: &AgentStatusChange, now: Timestamp) -> Option<String> {
    let wrap_up = user.wrap_up_at(now).filter(|_| change.flags.respect_wrap_up).map(|until| {
        format!("in wrap-up until {}; refused while wrap-up is respected", format::hhmmss(until.datetime()))
    });
    // The engine's rule: a wrap-up still running is something the change ends.
    wrap_up.or_else(|| {
        user.holds(change, now).then(|| match change.unsent_by_a_skip() {
            Some(unsent) => format!("already so; will be skipped: {unsent}"),
            None => "already so; will be skipped".to_string(),
        })
    })
}

/// Why the tenant will refuse the agent, worded for the screen: a shift as
/// the table shows it, and how far off it is, rather than the audit log's
/// full timestamps.
fn unfit_text(unfit: Unfit, now: Timestamp) -> String {
    let Unfit::OutsideShift(Shift { start, end }) = unfit else {
        return unfit.to_string();
    };
    let (Some(start), Some(end)) = (format::from_unix(start), format::from_unix(end)) else {
        return unfit.to_string();
    };
    let now = now.datetime();
    let at = |t| format::clock_or_day_and_time(t, now);
    let apart = |d: time::Duration| format::age(d.unsigned_abs());
    let when = if now < start {
        format!("it starts at {} UTC, in {}", at(start), apart(start - now))
    } else {
        format!("it ended at {} UTC, {} ago", at(end), apart(now - end))
    };
    format!("is outside their shift ({when}); changes are refused outside scheduled hours")
}
