//! A form whose change to one target was not applied comes back: kept with
//! why, and reopened as it was typed when the supervisor asks, chosen from
//! a list when more than one is kept. It never opens by itself, so it
//! cannot take keys meant for what is on screen.

use crate::engine::{Finished, Outcome};
use crate::ui::app::table::TableView;
use crate::ui::app::{App, Effect, FlashKind, Level, Overlay, Pending, unbound};
use crate::ui::entity::Entity;
use crate::ui::forms::{Form, Kind, NotApplied};
use crate::ui::keymap::{Context, Verb};

/// How many forms are kept to reopen. A supervisor retypes the last few;
/// one sent long ago was typed against rows that have since moved on. And
/// a console left running while its changes keep failing (the tenant
/// refusing a rule, a long outage) would otherwise hold every form it ever
/// sent, with its targets, for the whole session.
const KEPT_FORMS: usize = 20;

/// Keeps the form `pending` was sent from when `result` says its change was
/// refused, conflicted or failed; what the result's message adds about
/// reopening it. A change that applied, or was skipped, needs no retyping.
pub(super) fn returned(app: &mut App, pending: &mut Pending, result: &Finished) -> Option<String> {
    let (kind, why) = match result {
        Finished::Single { outcome: Outcome::Applied { .. } | Outcome::Skipped { .. }, .. } => return None,
        Finished::Single { outcome, .. } => (Some(kind(outcome)), outcome.text().to_owned()),
        // A contact's outcome goes as a batch of one.
        Finished::Batch(report) if report.failed() + report.unwritten() > 0 => {
            (None, pending.first_blocked().unwrap_or("the audit log has the reason").to_owned())
        }
        Finished::Batch(_) => return None,
    };
    let mut form = pending.form.take()?;
    form.not_applied = Some(NotApplied { kind, why, at: app.clock.wall });
    let let_go = keep(app, *form);
    Some(offer(app, let_go))
}

/// Esc on a reopened form: nothing was sent, so what was typed, and why it
/// came back, are kept again as the newest form. Asking first, as a typed
/// form does, would offer to lose what the supervisor asked to have back.
pub(super) fn put_back(app: &mut App) {
    let Some(Overlay::Form(form)) = app.overlays.pop_if(|top| matches!(top, Overlay::Form(_))) else {
        return;
    };
    let let_go = keep(app, *form);
    let text = format!("Closed without sending ({}).", offer(app, let_go));
    app.flash_as(text, Level::Info, FlashKind::ReopenOffer);
}

/// How a message offers a form just kept back, and names the oldest one
/// `let_go` to make room for it.
fn offer(app: &App, let_go: Option<Form>) -> String {
    // A form on screen reads the key as typing: it must be closed first.
    let offer = match app.way_to(Context::Table, Verb::Reopen) {
        Some(way) if app.overlays.is_empty() => format!("{} {OFFER}", way.instruction()),
        Some(way) => format!("close this window and {} {OFFER}", way.instruction()),
        None => format!("the form is kept; {}", unbound(Verb::Reopen)),
    };
    match let_go {
        Some(oldest) => format!(
            "{offer}; only the last {KEPT_FORMS} forms are kept: the oldest, \"{}\", was let go",
            oldest.title
        ),
        None => offer,
    }
}

/// Keeps `form` as the newest to reopen; the oldest kept, when that makes
/// one too many.
fn keep(app: &mut App, form: Form) -> Option<Form> {
    app.returned.push(form);
    let let_go = (app.returned.len() > KEPT_FORMS).then(|| app.returned.remove(0));
    // An open list shows the newest first: the form chosen there stays
    // chosen as this one comes in above it.
    let last = app.returned.len() - 1;
    for overlay in &mut app.overlays {
        if let Overlay::KeptForms { selected } = overlay {
            *selected = (*selected + 1).min(last);
        }
    }
    let_go
}

/// What a result's message says to offer its form back.
const OFFER: &str = "to reopen the form";

fn kind(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Rejected { .. } => "refused",
        Outcome::Conflict { .. } => "conflict",
        _ => "failed",
    }
}

/// Puts a form that came back on screen: the one there is, or a list of
/// them to choose from when there are more.
pub(super) fn reopen(app: &mut App, effects: &mut Vec<Effect>) {
    match app.returned.len() {
        0 => {
            let text =
                "No form to reopen: a form comes back when the change it sent to one target is not applied.";
            app.flash(text, Level::Info);
        }
        1 => open(app, 0, effects),
        _ => {
            app.overlays.push(Overlay::KeptForms { selected: 0 });
            app.touch();
        }
    }
}

/// Puts the kept form at `newest_first` (0 for the newest) on screen, as it
/// was sent, its targets as the tables now have them; it is no longer kept.
pub(super) fn open(app: &mut App, newest_first: usize, effects: &mut Vec<Effect>) {
    let Some(at) = app.returned.len().checked_sub(newest_first + 1) else { return };
    let form = app.returned.remove(at);
    let gone = gone_from(app, &form.kind);
    super::compose::show(app, form, effects);
    super::form::renewed(app);
    if let Some(noun) = gone {
        let text = format!(
            "This form's {noun} is no longer in the list: the form shows it as it was when the change was sent."
        );
        app.flash(text, Level::Warn);
    } else if app.flash.as_ref().is_some_and(|f| f.kind == FlashKind::ReopenOffer) {
        // Under the form, the message would go on offering what is now open.
        app.flash = None;
    }
}

/// What a kept form's target is called when it is gone from its loaded
/// table since the form was sent (removed on the tenant, say): the reopened
/// form cannot show it as the table has it.
fn gone_from(app: &App, kind: &Kind) -> Option<&'static str> {
    fn gone<T: Entity>(targets: &[T], view: &TableView<T>) -> Option<&'static str> {
        // The same id in the same group: another campaign may hold a
        // contact of the id of one gone from its own.
        let index = view.index();
        let missing = |t: &T| index.find(t.group(), t.id()).is_none();
        (view.is_loaded() && targets.iter().any(missing)).then_some(T::NOUN)
    }
    match kind {
        Kind::AgentStatus(rows) => gone(rows, &app.agents),
        Kind::InteractionDisposition(rows) | Kind::Attributes(rows) => gone(rows, &app.interactions),
        Kind::ContactDisposition(rows) => gone(rows, &app.contacts),
        _ => None,
    }
}
