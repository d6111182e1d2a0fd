//! What a review says of its targets beyond before → after: a change of
//! this session still on its way or not yet read back, a wrap-up that
//! ends while the review is open, a state the target holds already, and
//! the notes a contact's new ones replace.

mod ui_support;

use cxone_console::engine::{Event, Write};
use cxone_console::ui::app::{App, Overlay};
use ui_support::*;

/// A review left open while an agent's wrap-up ends says so: the note that
/// the change will be refused goes, and what is sent stays the same.
#[test]
fn an_open_review_follows_a_wrap_up_that_ends() {
    use std::time::Duration;
    let mut app = medium();
    let in_wrap_up = agents().into_iter().map(|mut u| {
        u.wrap_up_until = Some(at(-5));
        u
    });
    feed(&mut app, [agents_event(in_wrap_up.collect(), &[])]);
    press(&mut app, &["c", "b", "b", "tab", "q", "enter"]);
    let Some(Overlay::Confirm(before)) = app.overlays.last().cloned() else { panic!("{}", render(&app)) };
    let note = before.plan.lines[0].note.clone().unwrap_or_default();
    assert!(note.contains("refused while wrap-up is respected"), "{note}");
    tick(&mut app, Duration::from_secs(6));
    let Some(Overlay::Confirm(after)) = app.overlays.last() else { panic!("{}", render(&app)) };
    assert_eq!(after.plan.lines[0].note, None, "the wrap-up is over: {}", render(&app));
    assert_eq!(after.plan.outgoing, before.plan.outgoing, "what is sent is what was reviewed");
    assert!(!render(&app).contains("nothing will change"), "{}", render(&app));
}

#[test]
fn an_agent_in_wrap_up_is_not_already_so_when_the_change_would_end_it() {
    let mut app = medium();
    let in_wrap_up = agents().into_iter().map(|mut u| {
        u.wrap_up_until = Some(at(-300));
        u
    });
    feed(&mut app, [agents_event(in_wrap_up.collect(), &[])]);
    // The agent's own state, so only the wrap-up tells the change apart.
    press(&mut app, &["c", "enter"]);
    let respected = render(&app);
    assert!(respected.contains("refused while wrap-up is respected"), "{respected}");
    press(&mut app, &["esc", "tab", "tab", "tab", "tab", " ", "enter"]);
    let ended = render(&app);
    assert!(
        !ended.contains("already so") && !ended.contains("look blocked"),
        "the change ends the wrap-up: {ended}"
    );
}

#[test]
fn a_disposition_the_interaction_holds_already_is_said_to_be_skipped() {
    let mut app = medium();
    let mut rows = interactions();
    // Sent before through the API, as this form would send it now.
    let held = rows.iter_mut().find(|i| i.id.as_str().starts_with("0d4e8f12")).unwrap();
    held.dispositions[0].source = "api".into();
    let event = cxone_console::engine::Snapshot::Interactions(table(rows, 2, &[]));
    feed(&mut app, [Event::Snapshot(event)]);
    press(&mut app, &["2", "d", "right", "enter"]);
    let screen = render(&app);
    assert!(screen.contains("101 Issue Resolved → 101 Issue Resolved"), "{screen}");
    assert!(screen.contains("already so; will be skipped"), "{screen}");
}

/// A second change to a target whose first has not come back is told so:
/// the state its review shows is from before the first lands.
#[test]
fn a_change_to_a_target_with_one_still_in_flight_is_warned_of() {
    let mut app = ready(120, 32);
    press(&mut app, &["c", "b", "b", "tab", "q", "enter"]);
    let Some(Overlay::Confirm(first)) = app.overlays.last() else { panic!("{}", render(&app)) };
    assert_eq!(first.plan.warning, None, "{}", render(&app));
    press(&mut app, &["y", "c", "a", "enter"]);
    let Some(Overlay::Confirm(second)) = app.overlays.last() else { panic!("{}", render(&app)) };
    let warning = second.plan.warning.clone().unwrap_or_default();
    assert!(warning.contains("A change sent to this agent has not come back yet"), "{warning}");
}

/// A change that came back before the table read its row again: the
/// review says the state shown may be from before it, and foretells
/// nothing from that state ("already so"), until the row is read or a
/// while has passed.
#[test]
fn a_change_back_but_not_yet_read_is_warned_of_until_its_row_is_read() {
    use cxone_console::engine::audit::{Target, TargetKind};
    use cxone_console::engine::{BatchReport, Command, Finished, Outcome};
    use cxone_console::ui::app::Effect;
    use std::time::Duration;
    let mut app = ready(120, 32);
    let agent = app.agents.selected_row().expect("an agent").clone();
    press(&mut app, &["c", "b", "b", "tab", "q", "enter"]);
    let effects = press(&mut app, &["y"]);
    let [Effect::Engine(Command::Submit { id, .. })] = effects.as_slice() else { panic!("{effects:?}") };
    // Set back to the state its row shows: "already so", were the row fresh.
    let second_review = |app: &mut App| {
        press(app, &["c", "t", "enter"]);
        let Some(Overlay::Confirm(review)) = app.overlays.last() else { panic!("{}", render(app)) };
        let review = (review.plan.warning.clone().unwrap_or_default(), review.plan.lines[0].note.clone());
        press(app, &["n", "esc", "y"]);
        assert!(app.overlays.is_empty(), "{:?}", app.overlays);
        review
    };
    let (warning, note) = second_review(&mut app);
    assert!(warning.contains("has not come back yet"), "{warning}");
    assert_eq!(note, None, "nothing foretold from a row with a change on its way");

    let mut report = BatchReport::default();
    report.count(&Outcome::applied("ok"), Write::Sent { latency_ms: Some(12.0) });
    let target = Target::new(TargetKind::User, agent.id.as_str());
    feed(
        &mut app,
        [
            Event::ItemFinished { id: id.clone(), item: id.item(0), target, outcome: Outcome::applied("ok") },
            Event::Finished { id: id.clone(), result: Finished::Batch(report) },
        ],
    );
    let (warning, note) = second_review(&mut app);
    assert!(warning.contains("came back a moment ago and the table has not read it since"), "{warning}");
    assert!(!warning.contains("has not come back yet"), "{warning}");
    assert_eq!(note, None, "nothing foretold from a row not read since");

    // A round lists the agent as changed: the row is fresh again.
    let rows = app.agents.rows().to_vec();
    feed(&mut app, [agents_event(rows, &[agent.id.as_str()])]);
    let (warning, note) = second_review(&mut app);
    assert!(!warning.contains("came back") && !warning.contains("come back"), "the row was read: {warning}");
    assert_eq!(note.as_deref(), Some("already so; will be skipped"));

    // A row no round lists again (read before the answer came) is trusted
    // again after a while.
    let effects = press(&mut app, &["c", "b", "b", "tab", "q", "enter", "y"]);
    let id = effects
        .iter()
        .find_map(|e| match e {
            Effect::Engine(Command::Submit { id, .. }) => Some(id),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{effects:?}"));
    let target = Target::new(TargetKind::User, agent.id.as_str());
    let mut report = BatchReport::default();
    report.count(&Outcome::applied("ok"), Write::Sent { latency_ms: Some(12.0) });
    feed(
        &mut app,
        [
            Event::ItemFinished { id: id.clone(), item: id.item(0), target, outcome: Outcome::applied("ok") },
            Event::Finished { id: id.clone(), result: Finished::Batch(report) },
        ],
    );
    assert!(second_review(&mut app).0.contains("came back a moment ago"));
    tick(&mut app, Duration::from_secs(11));
    assert!(!second_review(&mut app).0.contains("came back a moment ago"));
}

/// A contact's id is unique only within its campaign: a change sent to
/// one, on its way or back and not read since, is not warned of in the
/// review of another campaign's contact of the same id, and only a refresh
/// that reads the contact it went to reads it back.
#[test]
fn a_change_to_a_contact_is_not_warned_of_for_another_campaigns_of_its_id() {
    use cxone_console::engine::audit::Target;
    use cxone_console::engine::{BatchReport, Finished, Outcome, Snapshot};
    use cxone_console::ui::forms::Lag;
    let mut app = ready(120, 40);
    let (own, twin, rows) = contact_and_twin(&mut app);
    let sent = submitted(&press(&mut app, &["d", "w", "enter", "y"]));
    let [(id, _)] = sent.as_slice() else { panic!("one change: {sent:?}\n{}", render(&app)) };
    let (own_key, twin_key) = (contact_key(&own), contact_key(&twin));
    assert_eq!(app.lagging.of(&own_key), Some(Lag::OnTheWay));
    let twins_review = |app: &mut App| {
        press(app, &["h", "j", "l"]);
        assert!(app.contacts.select_key(&twin_key), "{}", render(app));
        press(app, &["d", "i", "enter"]);
        let warning = confirmation(app).plan.warning.clone().unwrap_or_default();
        press(app, &["n", "esc", "y", "h", "k", "l"]);
        assert!(app.overlays.is_empty(), "{:?}", app.overlays);
        warning
    };
    let warning = twins_review(&mut app);
    assert!(!warning.contains("come back"), "another contact's change: {warning}");

    let mut report = BatchReport::default();
    report.count(&Outcome::applied("ok"), Write::Sent { latency_ms: Some(12.0) });
    let target = Target::contact(own.campaign_id.as_str(), own.id.as_str());
    feed(
        &mut app,
        [
            Event::ItemFinished { id: id.clone(), item: id.item(0), target, outcome: Outcome::applied("ok") },
            Event::Finished { id: id.clone(), result: Finished::Batch(report) },
        ],
    );
    assert_eq!(app.lagging.of(&own_key), Some(Lag::Unread));
    let warning = twins_review(&mut app);
    assert!(!warning.contains("came back"), "another contact's change: {warning}");
    let read = |rows, generation, key| Event::Snapshot(Snapshot::Contacts(table(rows, generation, key)));
    feed(&mut app, [read(rows.clone(), 3, std::slice::from_ref(&twin_key))]);
    assert_eq!(app.lagging.of(&own_key), Some(Lag::Unread), "the twin read, not the contact changed");
    feed(&mut app, [read(rows, 4, std::slice::from_ref(&own_key))]);
    assert_eq!(app.lagging.of(&own_key), None);
}

/// Notes replace the contact's own: the review says what they replace.
#[test]
fn the_review_says_which_notes_new_ones_replace() {
    use cxone_console::ui::forms::Kind;
    let mut app = medium();
    press(&mut app, &["3", "l", "d"]);
    let Some(Overlay::Form(form)) = app.overlays.last_mut() else { panic!("{}", render(&app)) };
    let Kind::ContactDisposition(rows) = &mut form.kind else { panic!("an outcome form") };
    rows[0].notes = Some("left a voicemail".into());
    press(&mut app, &["w", "tab"]);
    type_text(&mut app, "call back Friday");
    press(&mut app, &["enter"]);
    let screen = render(&app);
    assert!(screen.contains(r#"with notes: "call back Friday", replacing "left a voicemail""#), "{screen}");
}

/// A DELETE of a key an interaction does not hold does nothing to it,
/// which the tenant takes without a word: the form says so on the row as
/// the key is typed, and the confirmation warns of it and shows no
/// deletion there.
#[test]
fn deleting_a_key_an_interaction_lacks_is_said_to_do_nothing() {
    use cxone_console::api::model::Attribute;
    let delete = |app: &mut App| {
        type_text(app, "priority_score");
        press(app, &["tab", "tab"]);
        while form(app).fields[2].value() != "DELETE" {
            press(app, &["right"]);
        }
    };
    let mut app = ready(140, 40);
    press(&mut app, &["2", "a"]);
    delete(&mut app);
    let said = "priority_score is not set on this interaction (as of the last refresh): nothing to delete";
    assert_eq!(form(&app).fields[0].aside, said);
    assert!(render(&app).contains("Key: priority_score is not set on this interaction"), "{}", render(&app));
    press(&mut app, &["enter"]);
    let plan = &confirmation(&app).plan;
    assert!(plan.warning.as_deref().is_some_and(|w| w.contains(&format!("{said}."))), "{:?}", plan.warning);
    assert_eq!(plan.lines[0].after, "priority_score: nothing to delete");

    let mut rows = interactions();
    let total = rows.len();
    rows[0].attributes.push(Attribute { key: "priority_score".into(), value: serde_json::json!(5) });
    let holder = rows[0].id.to_string();
    let mut app = ready(140, 40);
    feed(&mut app, [Event::Snapshot(cxone_console::engine::Snapshot::Interactions(table(rows, 2, &[])))]);
    press(&mut app, &["2", "*", "a"]);
    delete(&mut app);
    let said = format!(
        "priority_score is not set on {} of the {total} interactions (as of the last refresh): nothing to delete",
        total - 1
    );
    assert_eq!(form(&app).fields[0].aside, said);
    press(&mut app, &["enter"]);
    let plan = &confirmation(&app).plan;
    assert!(plan.warning.as_deref().is_some_and(|w| w.contains(&said)), "{:?}", plan.warning);
    let deleted: Vec<&str> = plan
        .lines
        .iter()
        .filter(|l| l.after == "priority_score deleted")
        .map(|l| l.entity.as_str())
        .collect();
    assert_eq!(deleted.len(), 1, "only the holder's: {deleted:?}");
    assert!(holder.starts_with(&deleted[0][..8]), "{deleted:?} {holder}");
}
