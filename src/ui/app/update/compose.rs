//! Opening a form on its targets (the marked rows, else the selected one),
//! turning a valid form into a confirmation, and sending what was confirmed.

use crate::engine::{Command, CommandId};
use crate::ui::app::{App, Confirm, Effect, Level, ListId, Overlay, Pending};
use crate::ui::entity::Entity;
use crate::ui::forms::{self, Form, Kind, Lag, Plan, count};
use crate::ui::keymap::{Context, Verb};

/// Opens the form `verb` composes on the focused list.
pub(super) fn open(app: &mut App, verb: Verb, effects: &mut Vec<Effect>) {
    let list = app.focused_list();
    if !verb.acts_on(list) {
        return wrong_pane(app, verb);
    }
    let form = match verb {
        Verb::ChangeState => {
            targets(app, list).map(|t| forms::agent_status(t.agents, None, None, &app.rules))
        }
        Verb::Dispose if list == ListId::Contacts => {
            targets(app, list).map(|t| forms::contact_disposition(t.contacts, None, app.campaigns.rows()))
        }
        Verb::Dispose => {
            targets(app, list).map(|t| forms::interaction_disposition(t.interactions, None, &app.rules))
        }
        Verb::Attributes => targets(app, list).map(|t| forms::attributes(t.interactions, &[])),
        Verb::Simulate => Ok(simulate(app)),
        Verb::Deploy => Ok(forms::deploy(app.data_actions.rows().to_vec())),
        Verb::NewVersion => action(app).and_then(|a| live(app, verb, a)).map(forms::new_version),
        Verb::Deprecate => action(app).and_then(|a| live(app, verb, a)).map(forms::deprecate),
        Verb::ActionMetrics => {
            let now = crate::domain::Timestamp::from_datetime(app.clock.wall);
            action(app).map(|a| forms::metrics(a, now))
        }
        _ => return,
    };
    match form {
        Ok(form) => show(app, form, effects),
        Err(why) => app.flash(why, Level::Warn),
    }
}

/// The rows a form acts on, cloned as they are now.
#[derive(Default)]
pub(super) struct Targets {
    pub agents: Vec<crate::api::model::User>,
    pub interactions: Vec<crate::api::model::Interaction>,
    pub contacts: Vec<crate::api::model::Contact>,
}

/// The marked rows of `list`, else its selected row.
pub(super) fn targets(app: &App, list: ListId) -> Result<Targets, String> {
    fn of<T: Entity + Clone>(view: &crate::ui::app::TableView<T>) -> Result<Vec<T>, String> {
        let marked = view.picked_rows();
        if !marked.is_empty() {
            return Ok(marked.into_iter().cloned().collect());
        }
        view.selected_row().map(|row| vec![row.clone()]).ok_or_else(|| format!("No {} is selected.", T::NOUN))
    }
    let mut targets = Targets::default();
    match list {
        ListId::Agents => targets.agents = of(&app.agents)?,
        ListId::Interactions => targets.interactions = of(&app.interactions)?,
        ListId::Contacts => targets.contacts = of(&app.contacts)?,
        _ => return Err("Marks and changes work on agents, interactions and contacts.".into()),
    }
    Ok(targets)
}

/// The simulation form, naming the data action selected when the keys are
/// on them: it is not the one simulated.
pub(super) fn simulate(app: &App) -> forms::Form {
    let on_actions = app.focused_list() == ListId::DataActions;
    let selected = app.data_actions.selected_row().filter(|_| on_actions).map(|a| a.name.as_str());
    forms::simulate(selected, app.last_simulated.as_deref())
}

/// A deprecated action takes no new version and is not deprecated twice,
/// and nothing typed would mend that: said in a line, as other keys that
/// cannot act say it, instead of a form opened only to refuse.
fn live(
    app: &App,
    verb: Verb,
    action: crate::api::model::DataAction,
) -> Result<crate::api::model::DataAction, String> {
    if !action.is_deprecated {
        return Ok(action);
    }
    let key = app.key_or_name(Context::Table, verb);
    let deploy = app.key_or_name(Context::Table, Verb::Deploy);
    Err(match verb {
        Verb::Deprecate => format!("{key}: {} is deprecated already.", action.name),
        _ => format!(
            "{key}: {} is deprecated and takes no new version; deploy a new action instead ({deploy}).",
            action.name
        ),
    })
}

fn action(app: &App) -> Result<crate::api::model::DataAction, String> {
    app.data_actions.selected_row().cloned().ok_or_else(|| "No data action is selected.".into())
}

/// A change asked for on a list it does not act on: what it is for, and
/// how to get there, with the keys of the keymap in effect.
fn wrong_pane(app: &mut App, verb: Verb) {
    let key = app.key_or_name(Context::Table, verb);
    let what = match verb {
        Verb::ChangeState => "state changes",
        Verb::Attributes => "attribute changes",
        Verb::Simulate => "simulations",
        Verb::Deploy => "deployments",
        Verb::NewVersion => "new versions",
        Verb::Deprecate => "deprecations",
        Verb::ActionMetrics => "execution metrics",
        _ => "changes",
    };
    let here = app.focused_list().title();
    let text = match verb {
        // A contact is given an outcome, as its form says, not a disposition.
        Verb::Dispose => format!(
            "{key}: dispositions are for {}, outcomes for {}; this is {here}.",
            app.lists_and_ways(&[ListId::Interactions], false),
            app.lists_and_ways(&[ListId::Contacts], false)
        ),
        _ => format!(
            "{key}: {what} are for {}; this is {here}.",
            app.lists_and_ways(verb.lists().unwrap_or(&[]), false)
        ),
    };
    app.flash(text, Level::Info);
}

/// Puts `form` on screen, checked, asking the engine for rules it needs.
pub(super) fn show(app: &mut App, mut form: Form, effects: &mut Vec<Effect>) {
    if form.kind.needs_rules() {
        effects.push(Effect::Engine(Command::LoadRules));
    }
    form.recheck(&app.facts());
    app.overlays.push(Overlay::Form(Box::new(form)));
    app.touch();
}

/// Opens `form` and, when what was given up front is already valid, goes
/// straight to its confirmation (the form stays under it for `n`).
pub(super) fn show_and_review(app: &mut App, form: Form, effects: &mut Vec<Effect>) {
    show(app, form, effects);
    if let Some(Overlay::Form(form)) = app.overlays.last()
        && form.check.plan.is_some()
    {
        review(app, effects);
    }
}

/// Enter in a form: its confirmation, or why not beside the fields. What
/// writes nothing (a simulation, metrics) is sent at once.
pub(super) fn review(app: &mut App, effects: &mut Vec<Effect>) {
    let Some(Overlay::Form(form)) = app.overlays.last_mut() else { return };
    let plan = match form.submit() {
        Ok(plan) => plan,
        Err(_) => return app.touch(),
    };
    let noun = noun(&form.kind);
    if plan.outgoing.writes() {
        let plan = still_in_flight(app, plan, noun);
        app.overlays.push(Overlay::Confirm(Box::new(Confirm { plan, scroll: 0 })));
    } else {
        if form.kind == Kind::Simulate {
            app.last_simulated = form.fields.first().map(|f| f.value().to_string());
        }
        app.overlays.pop();
        send(app, plan, noun, None, effects);
    }
    app.touch();
}

/// Says an open confirmation anew from its form's latest check, so its
/// notes follow the targets' rows and the time (a wrap-up that ended no
/// longer reads as blocking). What is sent never changes under it: when the
/// form would now send something else, or nothing, the review stays as it was.
pub(super) fn renew_review(app: &mut App) {
    let [.., Overlay::Form(form), Overlay::Confirm(confirm)] = app.overlays.as_slice() else { return };
    let Some(plan) = form.check.plan.clone() else { return };
    if plan.outgoing != confirm.plan.outgoing {
        return;
    }
    let plan = still_in_flight(app, plan, noun(&form.kind));
    if let Some(Overlay::Confirm(confirm)) = app.overlays.last_mut()
        && confirm.plan != plan
    {
        confirm.plan = plan;
        app.touch();
    }
}

/// Warns when a change this console sent to one of the plan's targets has
/// not come back, or came back before the table read the row again: the
/// states the plan shows are from before it.
fn still_in_flight(app: &App, plan: Plan, noun: &str) -> Plan {
    let targets = plan.outgoing.targets();
    let lags: Vec<Lag> = targets.iter().filter_map(|t| app.lagging.of(t)).collect();
    let on_the_way = lags.iter().filter(|lag| **lag == Lag::OnTheWay).count();
    let unread = lags.len() - on_the_way;
    let plan = match (on_the_way, targets.len()) {
        (0, _) => plan,
        (1, 1) => plan.warn(format!(
            "A change sent to this {noun} has not come back yet: the state shown is from before it, and this one \
             goes after it."
        )),
        (met, _) => plan.warn(format!(
            "{} here still have a change on its way: their states shown are from before it, and this one goes \
             after it.",
            count(met, noun)
        )),
    };
    match (unread, targets.len()) {
        (0, _) => plan,
        // Frozen, the tables read nothing however long ago it came back.
        (1, 1) if app.frozen => plan.warn(format!(
            "A change to this {noun} came back and the frozen table has not read it since: the state shown is \
             from before it."
        )),
        (n, _) if app.frozen => plan.warn(format!(
            "{} here were changed and the frozen table has not read them since: their states shown are from \
             before that.",
            count(n, noun)
        )),
        (1, 1) => plan.warn(format!(
            "A change to this {noun} came back a moment ago and the table has not read it since: the state shown \
             may be from before it."
        )),
        (n, _) => plan.warn(format!(
            "{} here were changed a moment ago and not read since: their states shown may be from before that.",
            count(n, noun)
        )),
    }
}

/// `y` at a confirmation: the form and its confirmation close, the change
/// goes, and the form goes with it in case it comes back.
pub(super) fn confirmed(app: &mut App, effects: &mut Vec<Effect>) {
    let Some(Overlay::Confirm(confirm)) = app.overlays.pop() else { return };
    let (noun, form) = match app.overlays.pop() {
        Some(Overlay::Form(form)) => {
            clear_marks(app, &form.kind);
            (noun(&form.kind), Some(form))
        }
        Some(other) => {
            app.overlays.push(other);
            ("target", None)
        }
        None => ("target", None),
    };
    send(app, confirm.plan, noun, form, effects);
}

/// Sends `plan`; `form`, the form it came from, is kept with a change to
/// one target (a batch's targets each end their own way, and one form
/// cannot hold them all).
fn send(app: &mut App, plan: Plan, noun: &str, mut form: Option<Box<Form>>, effects: &mut Vec<Effect>) {
    let writes = plan.outgoing.writes();
    if writes && app.session.read_only {
        return app.flash("Read-only: this console makes no changes; nothing was sent.", Level::Warn);
    }
    let label = match plan.lines.as_slice() {
        [] => plan.label.clone(),
        [one] => format!("{} · {}", plan.label, one.entity),
        many => format!("{} · {}", plan.label, count(many.len(), noun)),
    };
    let targets = plan.outgoing.targets();
    let commands = plan.outgoing.commands();
    if commands.len() > 1 && commands.iter().all(|(_, change)| change.len() == 1) {
        // One command per target: shown, reported and cancelled as one batch.
        let group = CommandId::random();
        let waiting = commands.iter().map(|(id, _)| id.clone()).collect();
        if writes {
            app.lagging.sent(group.clone(), targets);
        }
        app.sent.sent_together(group, waiting, Pending::new(label.clone(), writes));
    } else {
        let one_target = commands.len() == 1 && targets.len() <= 1;
        for (id, _) in &commands {
            let mut pending = Pending::new(label.clone(), writes);
            if writes {
                app.lagging.sent(id.clone(), targets.clone());
                pending.form = form.take().filter(|_| one_target);
            }
            app.sent.sent(id.clone(), pending);
        }
    }
    for (id, change) in commands {
        effects.push(Effect::Engine(Command::Submit { id, change }));
    }
    let verb = if writes { "Sending" } else { "Running" };
    app.flash(format!("{verb}: {label}…"), Level::Info);
}

/// After a batch is sent, its marks have done their job.
fn clear_marks(app: &mut App, kind: &Kind) {
    let list = match kind {
        Kind::AgentStatus(_) => ListId::Agents,
        Kind::InteractionDisposition(_) | Kind::Attributes(_) => ListId::Interactions,
        Kind::ContactDisposition(_) => ListId::Contacts,
        _ => return,
    };
    app.list_mut(list).0.clear_picks();
}

fn noun(kind: &Kind) -> &'static str {
    match kind {
        Kind::AgentStatus(_) => "agent",
        Kind::InteractionDisposition(_) | Kind::Attributes(_) => "interaction",
        Kind::ContactDisposition(_) => "contact",
        _ => "data action",
    }
}
