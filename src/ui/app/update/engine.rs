//! Engine events: fresh tables, results of changes, metrics, audit records
//! and the health of the link.

use crate::domain::attribution::AGENT_ROLE;
use crate::engine::audit::{Target, TargetKind};
use crate::engine::{
    BatchReport, Command, CommandId, Event, Finished, Outcome, Recovery, RowKey, SkipKey, Snapshot,
};
use crate::ui::app::{App, Effect, FlashKind, Level, Overlay, Pending, UNNAMED};
use crate::ui::entity::{Lookup, Person};
use crate::ui::forms::Rules;
use crate::ui::panes::format;

pub(super) fn on_event(app: &mut App, event: Event, effects: &mut Vec<Effect>) {
    match event {
        // A group's progress is its members' outcomes, counted as they end.
        Event::Accepted { id, total } => app.sent.accepted(id, total),
        Event::Progress { id, done, total } => app.sent.progressed(id, done, total),
        // Over on the console's clock once its time has passed, or when
        // the engine says so.
        Event::Waiting { id, wait, lasts } => app.sent.waiting(id, wait, lasts, app.clock.mono),
        // Each item is in the audit log, which the audit pane shows; what
        // did not apply is kept for the batch's result when the result's
        // counts do not say it all.
        Event::ItemFinished { id, target, outcome, .. } => {
            if outcome.is_applied() {
                let key = target.row_key();
                app.lagging.applied(&key, app.clock.mono);
                if target.kind == TargetKind::Contact {
                    app.contacts_done.insert(key);
                }
                changed_while_frozen(app, &target, &outcome);
            }
            app.sent.item_finished(&id, Some(&target), &outcome);
            return;
        }
        Event::Finished { id, result } => {
            if let Finished::Single { target: Some(target), outcome: outcome @ Outcome::Applied { .. } } =
                &result
                && app.sent.writes(&id)
            {
                app.lagging.applied(&target.row_key(), app.clock.mono);
                changed_while_frozen(app, target, outcome);
            }
            match app.sent.group_of(&id) {
                Some(group) => member_finished(app, &group, &id, &result, effects),
                None => finished(app, &id, &result, effects),
            }
            // Notes foretold from rows that lagged may stand now.
            super::form::recheck(app);
        }
        Event::Rules(book) => {
            app.rules = Rules::read(book);
            super::form::recheck(app);
        }
        Event::Snapshot(snapshot) => {
            snapshot_arrived(app, snapshot);
            // Forms check against campaigns' matrices and their targets' state.
            super::form::renewed(app);
        }
        Event::Metrics(metrics) => app.metrics = Some(metrics),
        Event::Audit(record) => app.audit.push(record),
        Event::AuditHistory(records) => app.audit.earlier(records),
        Event::Outbox(status) => app.outbox = Some(status),
        Event::Connection(connection) => app.connection = Some(connection),
        Event::AttributesChanged(callback) => {
            let trust = if callback.verified { "signature verified" } else { "SIGNATURE NOT VERIFIED" };
            let level = if callback.verified { Level::Info } else { Level::Warn };
            let text = format!(
                "Interaction {}: {} ({trust})",
                callback.interaction_id,
                attributes_changed(&callback)
            );
            // Kept with the results: a change's own result line, arriving
            // just after its callback, takes the flash line's place.
            app.results.keep(app.clock.wall, &text);
            app.flash(text, level);
        }
        Event::Recovered(recovery) => recovered(app, recovery),
    }
    app.touch();
}

/// `2 attributes changed, 14 ms after the change`: what a callback says,
/// each part only when it says it.
fn attributes_changed(callback: &crate::engine::AttributeCallback) -> String {
    let what = match callback.count() {
        Some(n) => format!("{} changed", crate::ui::forms::count(n, "attribute")),
        None => "attributes changed".into(),
    };
    match callback.callback_latency_ms.filter(|ms| ms.is_finite() && *ms >= 0.0) {
        Some(ms) => format!("{what}, {} after the change", format::micros((ms * 1000.0) as u64)),
        None => what,
    }
}

/// A change applied while the tables are frozen: the frozen row of its
/// target no longer shows the entity as it is, and is marked so until the
/// thaw rather than left to pass for current.
fn changed_while_frozen(app: &mut App, target: &Target, outcome: &Outcome) {
    let Outcome::Applied { summary, .. } = outcome else { return };
    if !app.frozen {
        return;
    }
    // The row names its entity: the id need not be said again.
    let note = format!("changed since the freeze: {}", summary.replace(&format!(" ({})", target.id), ""));
    let key = target.row_key();
    match target.kind {
        TargetKind::User => app.agents.mark_out_of_date(&key, &note),
        TargetKind::Interaction => app.interactions.mark_out_of_date(&key, &note),
        TargetKind::Contact => app.contacts.mark_out_of_date(&key, &note),
        TargetKind::DataAction => app.data_actions.mark_out_of_date(&key, &note),
        TargetKind::Webhook => {}
    }
}

/// At the freeze, rows whose change came back but that no refresh has
/// read since: frozen, they would go on showing the entity as it was. The
/// target's kind is not kept, so each table marks the row key if it has it.
pub(super) fn frozen_behind(app: &mut App) {
    let keys: Vec<RowKey> = app.lagging.unread().cloned().collect();
    let note = "changed just before the freeze, by a change of this session the table had not read yet";
    for key in &keys {
        app.agents.mark_out_of_date(key, note);
        app.interactions.mark_out_of_date(key, note);
        app.contacts.mark_out_of_date(key, note);
        app.data_actions.mark_out_of_date(key, note);
    }
}

fn snapshot_arrived(app: &mut App, snapshot: Snapshot) {
    let (frozen, now) = (app.frozen, app.clock.mono);
    if !frozen {
        app.lagging.read(snapshot.changed());
    }
    match snapshot {
        Snapshot::Agents(table) => {
            let lookup = Lookup { now: app.clock.wall, names: &app.directory };
            app.agents.offer(table, frozen, &lookup, now);
            if !frozen {
                names_changed(app);
            }
        }
        Snapshot::Interactions(table) => {
            let lookup = Lookup { now: app.clock.wall, names: &app.directory };
            app.interactions.offer(table, frozen, &lookup, now);
        }
        Snapshot::Campaigns(table) => {
            let lookup = Lookup { now: app.clock.wall, names: &app.directory };
            app.campaigns.offer(table, frozen, &lookup, now);
            campaigns_changed(app);
        }
        Snapshot::Contacts(table) => {
            let lookup = Lookup { now: app.clock.wall, names: &app.directory };
            app.contacts.offer(table, frozen, &lookup, now);
            if !frozen {
                contacts_changed(app);
            }
        }
        Snapshot::DataActions(table) => {
            let lookup = Lookup { now: app.clock.wall, names: &app.directory };
            app.data_actions.offer(table, frozen, &lookup, now);
        }
    }
}

/// Applies a held agents table; true when there was one.
pub(super) fn thaw_agents(app: &mut App) -> bool {
    let lookup = Lookup { now: app.clock.wall, names: &app.directory };
    let thawed = app.agents.thaw(&lookup, app.clock.mono);
    if thawed {
        names_changed(app);
    }
    thawed
}

/// The campaigns table may have moved: renew their names, and the contacts
/// list that follows the selected one.
pub(super) fn campaigns_changed(app: &mut App) {
    let names = app.campaigns.rows().iter().map(|c| (c.id.to_string(), c.name.clone()));
    app.directory.set_campaigns(names);
    app.sync_contacts();
}

/// The contacts table moved: renew the names by which forms tell a
/// contact from its namesakes.
pub(super) fn contacts_changed(app: &mut App) {
    let names = app.contacts.rows().iter().map(|c| (c.id.as_str(), c.display_name(), c.campaign_id.as_str()));
    app.directory.set_contacts(names);
}

/// The agents table moved: rebuild the names other tables show.
fn names_changed(app: &mut App) {
    let people = app.agents.rows().iter().map(|u| {
        let agent = u.role_names().any(|role| role == AGENT_ROLE);
        (u.id.to_string(), Person { name: u.display_name(), team: u.team_name.clone(), agent })
    });
    app.directory.set_agents(people);
    let lookup = Lookup { now: app.clock.wall, names: &app.directory };
    app.interactions.rederive(&lookup);
    app.contacts.rederive(&lookup);
}

/// A change ended: say how, show what it returned, and refresh the rows it
/// touched.
fn finished(app: &mut App, id: &CommandId, result: &Finished, effects: &mut Vec<Effect>) {
    let mut pending = app.sent.finished(id);
    let (text, level) = match (result, &pending) {
        // A simulation, a metrics query or a look at the outbox changes
        // nothing: it is named, not said to be applied.
        (Finished::Single { outcome: outcome @ Outcome::Applied { .. }, .. }, Some(p)) if !p.writes => {
            (format!("{}: {}", p.label, outcome.text()), level(outcome))
        }
        // What did not apply names the change it was: its words may not
        // ("could not reach the tenant").
        (Finished::Single { outcome, .. }, Some(p)) if !outcome.is_applied() => {
            (format!("{}: {outcome}", p.label), level(outcome))
        }
        (Finished::Single { outcome, .. }, _) => (outcome.to_string(), level(outcome)),
        (Finished::Batch(report), pending) => batch(report, pending.as_ref()),
    };
    // A batch's items that did not apply are listed under its result: its
    // line has room to name one.
    let listing = match (result, &pending) {
        (Finished::Batch(_), Some(pending)) => pending.listing(),
        _ => Vec::new(),
    };
    app.results.keep_with(app.clock.wall, &text, &listing);
    // Only the message says how to reopen the form: once it is reopened,
    // the result kept for `:results` would offer what is gone.
    match pending.as_mut().and_then(|p| super::reopen::returned(app, p, result)) {
        Some(how) => app.flash_as(format!("{text} ({how})"), level, FlashKind::ReopenOffer),
        None => app.flash(text, level),
    }
    let Some(pending) = pending else { return };
    if pending.writes {
        app.lagging.ended(id);
        effects.push(Effect::Engine(Command::Refresh));
    }
    if let (true, Finished::Single { outcome: Outcome::Applied { summary, data: Some(data) }, .. }) =
        (!pending.writes, result)
    {
        let text = super::results::readable(data);
        let title = format!("{} · {summary}", pending.label);
        app.overlays.push(Overlay::Result { title, text, hang: 0, scroll: 0 });
    }
}

/// A member of a group ended: counted, and kept for the result when it did
/// not apply; the last one ends the group as a batch ends.
fn member_finished(
    app: &mut App,
    group: &CommandId,
    member: &CommandId,
    result: &Finished,
    effects: &mut Vec<Effect>,
) {
    let Finished::Single { target, outcome } = result else { return };
    if let Some(report) = app.sent.member_finished(group, member, target.as_ref(), outcome) {
        finished(app, group, &Finished::Batch(report), effects);
    }
}

pub(super) fn level(outcome: &Outcome) -> Level {
    match outcome {
        Outcome::Applied { .. } => Level::Ok,
        Outcome::Skipped { .. } => Level::Info,
        Outcome::Rejected { .. } | Outcome::Conflict { .. } => Level::Warn,
        Outcome::Failed { .. } => Level::Error,
    }
}

/// A batch's result in words. `pending` is `None` for a batch this console
/// did not send: it is unnamed, and none of its items was kept.
fn batch(report: &BatchReport, pending: Option<&Pending>) -> (String, Level) {
    let n = |n: usize| format::count(n as u64);
    let label = pending.map_or(UNNAMED, |p| p.label.as_str());
    let mut text = format!("{label}: {} of {} applied", n(report.successful()), n(report.total()));
    let not_through = report.failed() + report.unwritten();
    if not_through > 0 {
        let words = pending
            .and_then(|p| p.blocked_words(not_through))
            .unwrap_or_else(|| format!("{} failed", n(not_through)));
        text.push_str(&format!(", {words}"));
    }
    if report.skipped_total() > 0 {
        let reasons: Vec<String> =
            report.skipped().iter().map(|(key, count)| format!("{} {}", n(*count), key.words())).collect();
        text.push_str(&format!(", skipped {}", reasons.join(", ")));
    }
    // The skip reasons already say so when targets were left unstarted.
    if report.cancelled() && !report.skipped().contains_key(&SkipKey::Unstarted) {
        text.push_str(" (cancelled)");
    }
    let first = pending.and_then(Pending::first_blocked);
    if let Some(first) = first {
        text.push_str(&format!(". {first}"));
        if let Some(more) = pending.and_then(Pending::more_words) {
            text.push_str(&format!(" {more}"));
        }
    }
    let level = if not_through > 0 || first.is_some() { Level::Warn } else { Level::Ok };
    (text, level)
}

fn recovered(app: &mut App, recovery: Recovery) {
    let mut parts = Vec::new();
    if !recovery.repairs.is_empty() {
        parts.push(format!("{} audit log repair(s)", recovery.repairs.len()));
    }
    if !recovery.outbox_repairs.is_empty() {
        parts.push(format!("{} webhook outbox repair(s)", recovery.outbox_repairs.len()));
    }
    let pending = recovery.still_pending.len();
    let settled = recovery.read_back();
    if settled > 0 {
        parts.push(format!("{settled} unfinished change(s) settled"));
    }
    if !recovery.undecided.is_empty() {
        let undecided = recovery.undecided.len();
        parts.push(format!("{undecided} of them not known applied or not: look at their targets"));
    }
    if pending > 0 {
        parts.push(format!("{pending} unfinished change(s) still unknown, checked again at the next start"));
    }
    if recovery.webhooks_waiting > 0 {
        parts.push(format!("{} webhook(s) still to deliver", recovery.webhooks_waiting));
    }
    if !parts.is_empty() {
        app.flash(
            format!("After the last run: {}. Details are in the audit log.", parts.join(", ")),
            Level::Warn,
        );
    }
    app.recovery = Some(recovery);
}
