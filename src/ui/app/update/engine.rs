//! Engine events: fresh tables, results of changes, metrics, audit records
//! and the health of the link.

use crate::engine::{BatchReport, Event, Finished, Outcome, Recovery, Snapshot};
use crate::ui::app::{App, Level, Progress};
use crate::ui::entity::{Directory, Lookup, Person};

pub(super) fn on_event(app: &mut App, event: Event) {
    match event {
        Event::Accepted { id, total } => {
            app.in_flight.insert(id, Progress { done: 0, total });
        }
        Event::Progress { id, done, total } => {
            app.in_flight.insert(id, Progress { done, total });
        }
        // Each item is in the audit log, which the audit pane shows.
        Event::ItemFinished { .. } => return,
        Event::Finished { id, result } => {
            app.in_flight.remove(&id);
            let (text, level) = finished(&result);
            app.flash(text, level);
        }
        Event::Snapshot(snapshot) => snapshot_arrived(app, snapshot),
        Event::Metrics(metrics) => app.metrics = Some(metrics),
        Event::Audit(record) => app.audit.push(record),
        Event::Outbox(status) => app.outbox = Some(status),
        Event::Connection(connection) => app.connection = Some(connection),
        Event::AttributesChanged(callback) => {
            let trust = if callback.verified { "signature verified" } else { "SIGNATURE NOT VERIFIED" };
            let level = if callback.verified { Level::Info } else { Level::Warn };
            app.flash(
                format!("Interaction {}: attributes changed ({trust})", callback.interaction_id),
                level,
            );
        }
        Event::Recovered(recovery) => recovered(app, recovery),
    }
    app.touch();
}

fn snapshot_arrived(app: &mut App, snapshot: Snapshot) {
    let (frozen, now) = (app.frozen, app.clock.mono);
    match snapshot {
        Snapshot::Agents(table) => {
            let lookup = Lookup { now: app.clock.wall, agents: &app.directory };
            app.agents.offer(table, frozen, &lookup, now);
            if !frozen {
                names_changed(app);
            }
        }
        Snapshot::Interactions(table) => {
            let lookup = Lookup { now: app.clock.wall, agents: &app.directory };
            app.interactions.offer(table, frozen, &lookup, now);
        }
        Snapshot::Campaigns(table) => {
            let lookup = Lookup { now: app.clock.wall, agents: &app.directory };
            app.campaigns.offer(table, frozen, &lookup, now);
            app.sync_contacts();
        }
        Snapshot::Contacts(table) => {
            let lookup = Lookup { now: app.clock.wall, agents: &app.directory };
            app.contacts.offer(table, frozen, &lookup, now);
        }
        Snapshot::DataActions(table) => {
            let lookup = Lookup { now: app.clock.wall, agents: &app.directory };
            app.data_actions.offer(table, frozen, &lookup, now);
        }
    }
}

/// Applies a held agents table; true when there was one.
pub(super) fn thaw_agents(app: &mut App) -> bool {
    let lookup = Lookup { now: app.clock.wall, agents: &app.directory };
    let thawed = app.agents.thaw(&lookup, app.clock.mono);
    if thawed {
        names_changed(app);
    }
    thawed
}

/// The agents table moved: rebuild the names other tables show.
fn names_changed(app: &mut App) {
    let people = app
        .agents
        .rows()
        .iter()
        .map(|u| (u.id.to_string(), Person { name: u.display_name(), team: u.team_name.clone() }));
    let directory = Directory::new(people);
    app.directory = directory;
    let lookup = Lookup { now: app.clock.wall, agents: &app.directory };
    app.interactions.rederive(&lookup);
    app.contacts.rederive(&lookup);
}

fn finished(result: &Finished) -> (String, Level) {
    match result {
        Finished::Single { outcome, .. } => (outcome.to_string(), level(outcome)),
        Finished::Batch(report) => batch(report),
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

fn batch(report: &BatchReport) -> (String, Level) {
    let mut text = format!("Batch: {} of {} applied", report.successful, report.total);
    if report.failed > 0 {
        text.push_str(&format!(", {} failed", report.failed));
    }
    if report.skipped_total() > 0 {
        let reasons: Vec<String> = report.skipped.iter().map(|(key, n)| format!("{n} {key}")).collect();
        text.push_str(&format!(", skipped {}", reasons.join(", ")));
    }
    if report.cancelled {
        text.push_str(" (cancelled)");
    }
    let level = if report.failed > 0 { Level::Warn } else { Level::Ok };
    (text, level)
}

fn recovered(app: &mut App, recovery: Recovery) {
    let mut parts = Vec::new();
    if !recovery.repairs.is_empty() {
        parts.push(format!("{} audit log repair(s)", recovery.repairs.len()));
    }
    if !recovery.reconciled.is_empty() {
        parts.push(format!("{} unfinished change(s) settled", recovery.reconciled.len()));
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
