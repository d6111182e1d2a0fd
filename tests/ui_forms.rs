//! Every compose form as it opens, with problems beside its fields, and
//! valid; the confirmation of one change; the screen in read-only mode.
//! Insta snapshots of real frames; and fields that follow what the form
//! knows: the disposition's description its code, an attribute's mode its
//! key, a pause reason the tenant's list; the keys a form offers. Batches
//! are in `ui_batches.rs`, what reviews warn of in `ui_reviews.rs`, the data
//! action forms in `ui_forms_data_actions.rs`.

mod ui_support;

use cxone_console::engine::{Change, Event, Snapshot};
use cxone_console::ui::app::{App, Overlay};
use insta::assert_snapshot;
use ui_support::*;

fn snap(app: &App) -> String {
    render(app)
}

#[test]
fn agent_status_form() {
    let mut app = medium();
    press(&mut app, &["c"]);
    assert_snapshot!("agent_status_empty", snap(&app));
    // Busy, then Break: a Break needs a reason, said as Break is chosen.
    press(&mut app, &["b", "b"]);
    assert!(snap(&app).contains("✕ Pause reason: a Break needs a pause reason"), "{}", snap(&app));
    press(&mut app, &["enter"]);
    assert_snapshot!("agent_status_errors", snap(&app));
    press(&mut app, &["tab", "q"]);
    assert_snapshot!("agent_status_valid", snap(&app));
}

#[test]
fn interaction_disposition_form() {
    let mut app = medium();
    press(&mut app, &["2", "d"]);
    assert_snapshot!("interaction_disposition_empty", snap(&app));
    press(&mut app, &["tab", "tab", "tab", "ctrl-u", "enter"]);
    assert_snapshot!("interaction_disposition_errors", snap(&app));
    press(&mut app, &["tab", "1"]);
    assert_snapshot!("interaction_disposition_valid", snap(&app));
}

#[test]
fn contact_disposition_form() {
    let mut app = medium();
    press(&mut app, &["3", "l", "d"]);
    assert_snapshot!("contact_disposition_empty", snap(&app));
    press(&mut app, &["tab", "tab", "tab"]);
    type_text(&mut app, "lead_score 85");
    press(&mut app, &["enter"]);
    assert_snapshot!("contact_disposition_errors", snap(&app));
    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, "lead_score=85");
    press(&mut app, &["ctrl-n"]);
    type_text(&mut app, "source=web");
    // From the last row, Tab wraps to the outcome; a letter picks a code.
    press(&mut app, &["tab", "w"]);
    press(&mut app, &["tab", "tab", "ctrl-u"]);
    type_text(&mut app, "agent-77");
    assert!(!snap(&app).contains('✕'), "the valid form shows no problem:\n{}", snap(&app));
    assert_snapshot!("contact_disposition_valid", snap(&app));
    // The review says every value sent, with what the contact holds now.
    press(&mut app, &["enter"]);
    let after = confirmation(&app).plan.lines[0].after.clone();
    assert!(after.ends_with(r#" · lead_score: (not set) → 85 · source: (not set) → "web""#), "{after}");
}

/// A custom field typed as a number goes as that number or not at all, as
/// in a change file: one a number cannot hold is refused as it is typed,
/// naming the key and the rule, rather than sent as text in place of a
/// number. The review pairs each value with the one it replaces, text
/// quoted as the attributes review quotes it.
#[test]
fn custom_fields_keep_their_numbers_and_the_review_pairs_them() {
    let mut app = medium();
    let scored = contacts()
        .into_iter()
        .map(|mut c| {
            c.custom_fields.insert("lead_score".into(), serde_json::json!(68));
            c
        })
        .collect();
    feed(&mut app, [Event::Snapshot(Snapshot::Contacts(table(scored, 2, &[])))]);
    press(&mut app, &["3", "l", "d", "w", "tab", "tab", "ctrl-u"]);
    type_text(&mut app, "agent-77");
    press(&mut app, &["tab"]);
    for (typed, rule) in [
        ("lead_score=1e400", "lead_score: 1e400 is a number out of range"),
        ("lead_score=0.1000000000000000000001", "lead_score: 0.1000000000000000000001 has more digits"),
        ("lead_score=123456789012345678901234", "lead_score: 123456789012345678901234 is a number too large"),
    ] {
        press(&mut app, &["ctrl-u"]);
        type_text(&mut app, typed);
        let problems = form(&app).problems_of(3).join(" | ");
        assert!(
            problems.contains(rule) && problems.contains("write it in quotes to send it as text"),
            "{problems}"
        );
        assert!(form(&app).check.plan.is_none(), "{typed} is not sent");
    }
    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, r#"lead_score="1e400""#);
    press(&mut app, &["ctrl-n"]);
    type_text(&mut app, "tier=2");
    press(&mut app, &["enter"]);
    let after = confirmation(&app).plan.lines[0].after.clone();
    assert!(after.ends_with(r#" · lead_score: 68 → "1e400" · tier: (not set) → 2"#), "{after}");
    assert_eq!(confirmation(&app).plan.lines[0].before, "PROMISE_TO_PAY", "the outcome its own pair");
}

#[test]
fn the_review_says_the_notes_wrap_up_code_and_flags_sent() {
    let mut app = ready(120, 32);
    press(&mut app, &["c", "b", "b", "tab", "q", "tab"]);
    type_text(&mut app, "WRAP-1");
    press(&mut app, &["enter"]);
    let screen = snap(&app);
    assert!(screen.contains("with wrap-up code WRAP-1"), "{screen}");
    assert!(screen.contains("with directive flags: auto-available off, respect wrap-up on"), "{screen}");
}

#[test]
fn attributes_form() {
    let mut app = medium();
    press(&mut app, &["2", "a"]);
    assert!(
        snap(&app).contains("For interaction with Jasmine Chen"),
        "a form that fits shows its first line"
    );
    assert_snapshot!("attributes_empty", snap(&app));
    type_text(&mut app, "_hidden");
    press(&mut app, &["tab"]);
    type_text(&mut app, "x");
    press(&mut app, &["ctrl-n"]);
    type_text(&mut app, "tier");
    press(&mut app, &["tab"]);
    type_text(&mut app, &"y".repeat(2001));
    assert_snapshot!("attributes_errors", snap(&app));
    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, "gold");
    press(&mut app, &["shift-tab", "shift-tab", "shift-tab", "shift-tab", "ctrl-u"]);
    type_text(&mut app, "customer_segment");
    press(&mut app, &["tab"]);
    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, "9");
    // A new key: the mode has followed it to ADD.
    press(&mut app, &["tab"]);
    assert_snapshot!("attributes_valid", snap(&app));
}

/// A form taller than the screen keeps to the rows between the header and
/// the footer, and why Enter sent nothing stays in view at its foot,
/// naming the row it is about.
#[test]
fn a_form_taller_than_the_screen_still_says_why_nothing_was_sent() {
    let mut app = ready(120, 30);
    press(&mut app, &["2", "a"]);
    type_text(&mut app, "tier");
    press(&mut app, &["tab"]);
    type_text(&mut app, "gold");
    press(&mut app, &["ctrl-n"]);
    type_text(&mut app, "tier");
    press(&mut app, &["tab"]);
    type_text(&mut app, "silver");
    for _ in 0..30 {
        press(&mut app, &["ctrl-n"]);
    }
    press(&mut app, &["enter"]);
    let screen = snap(&app);
    let lines: Vec<&str> = screen.lines().collect();
    assert!(lines[0].contains("SANDBOX"), "the header stays: {screen}");
    assert!(lines[lines.len() - 1].contains("Esc"), "the footer stays: {screen}");
    assert!(screen.contains("Not sent: Row 2 key:"), "the refusal shows, naming its row: {screen}");
}

/// Field `i` of the form on top, as it stands.
fn field(app: &App, i: usize) -> String {
    match app.overlays.last() {
        Some(Overlay::Form(form)) => form.fields[i].value(),
        other => panic!("expected a form on top, found {other:?}"),
    }
}

#[test]
fn an_attribute_row_adds_a_new_key_and_updates_a_present_one_until_a_mode_is_chosen() {
    let mut app = medium();
    press(&mut app, &["2", "a"]);
    type_text(&mut app, "tier");
    assert_eq!(field(&app, 2), "ADD", "no interaction has tier yet");
    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, "sentimentScore");
    assert_eq!(field(&app, 2), "UPDATE", "it has sentimentScore");
    press(&mut app, &["tab", "tab", "right"]);
    let chosen = field(&app, 2);
    press(&mut app, &["backtab", "backtab", "ctrl-u"]);
    type_text(&mut app, "tier");
    assert_eq!(field(&app, 2), chosen, "a mode the supervisor chose stays");
}

#[test]
fn the_confirmation_says_what_the_tenant_would_make_of_an_attribute_change() {
    let mut app = medium();
    press(&mut app, &["2", "a"]);
    type_text(&mut app, "sentimentScore");
    press(&mut app, &["tab"]);
    type_text(&mut app, "0.99");
    // ADD of a key the interaction holds, with another value.
    press(&mut app, &["tab"]);
    while field(&app, 2) != "ADD" {
        press(&mut app, &["right"]);
    }
    press(&mut app, &["enter"]);
    let shown = render(&app);
    assert!(shown.contains("the tenant would refuse it"), "{shown}");
    assert!(shown.contains("already exists with"), "{shown}");
}

#[test]
fn confirmation_of_one_change() {
    let mut app = ready(120, 32);
    press(&mut app, &["c", "b", "b", "tab", "q", "enter"]);
    assert_snapshot!(snap(&app));
}

/// One agent whose name another agent has is told apart by user name in
/// the form's title and header and in its review, as a batch's namesakes
/// are; an agent with a name of their own keeps it bare.
#[test]
fn one_agent_whose_name_another_has_is_told_apart_by_user_name() {
    let mut app = medium();
    let mut twin = user_named("0a0a0a0a-0000-4000-8000-000000000001", "Amara", "Okafor");
    twin.user_name = "amara.okafor.2".into();
    let mut rows = agents();
    rows.push(twin);
    feed(&mut app, [agents_event(rows, &[])]);
    for _ in 0..rows_len(&app) {
        if app.agents.selected_row().is_some_and(|u| u.id.as_str() == "12345-abcde-67890") {
            break;
        }
        press(&mut app, &["j"]);
    }
    press(&mut app, &["c"]);
    let screen = snap(&app);
    assert!(screen.contains(" Change state · Amara Okafor (amara.okafor) "), "the title: {screen}");
    assert!(screen.contains("For Amara Okafor (amara.okafor) (Available)"), "the header: {screen}");
    press(&mut app, &["b", "enter"]);
    let screen = snap(&app);
    assert!(screen.contains("Change the state of Amara Okafor (amara.okafor)?"), "{screen}");
    assert!(screen.contains("Amara Okafor (amara.okafor): Available → Busy"), "{screen}");

    press(&mut app, &["esc", "esc", "y", "j"]);
    assert!(app.overlays.is_empty(), "{}", snap(&app));
    let other = app.agents.selected_row().cloned().expect("a selected agent");
    press(&mut app, &["c"]);
    let screen = snap(&app);
    assert!(screen.contains(&format!(" Change state · {} ─", other.display_name())), "{screen}");
    let header = screen.lines().find(|l| l.contains(&format!("For {}", other.display_name()))).unwrap_or("");
    assert!(
        !header.is_empty() && !header.contains(&other.user_name),
        "a name of its own stays bare: {screen}"
    );
}

fn rows_len(app: &App) -> usize {
    app.agents.rows().len()
}

#[test]
fn read_only_mode_hides_changes_from_hints_help_and_commands() {
    let mut session = sandbox_session();
    session.read_only = true;
    let mut app =
        app_with(session, cxone_console::ui::Looks::defaults(cxone_console::ui::theme::Colors::On), 120, 40);
    feed(&mut app, seeded_events());
    assert_snapshot!("read_only_hints", render(&app).lines().last().unwrap_or_default().to_string());
    press(&mut app, &["?"]);
    assert_snapshot!("read_only_help", render(&app));
    press(&mut app, &["esc", "4"]);
    let hints = render(&app).lines().last().unwrap_or_default().to_string();
    assert!(hints.contains("t simulate") && !hints.contains("deploy"), "{hints}");
    assert!(matches!(app.overlays.last(), None | Some(Overlay::Palette(_))));
}

/// The interaction disposition form's description, as it stands.
fn description(app: &App) -> String {
    field(app, 1)
}

#[test]
fn the_description_follows_the_code_until_the_supervisor_types_in_it() {
    let mut app = medium();
    press(&mut app, &["2", "d", "right"]);
    assert_eq!(description(&app), "Issue Resolved");
    press(&mut app, &["right"]);
    assert_eq!(description(&app), "Sale Completed", "a second code brings its own description");
    press(&mut app, &["left", "left"]);
    assert_eq!(description(&app), "", "no code, no description");
    press(&mut app, &["right", "tab"]);
    type_text(&mut app, ", callback booked");
    press(&mut app, &["backtab", "right"]);
    assert_eq!(description(&app), "Issue Resolved, callback booked", "what was typed is kept");
    // Cleared, it is still the supervisor's: its help no longer claims it
    // is filled in from the code.
    press(&mut app, &["tab", "ctrl-u", "backtab", "right"]);
    assert_eq!(description(&app), "");
    let screen = render(&app);
    assert!(!screen.contains("filled in from the code"), "{screen}");
    assert!(screen.contains("no longer follows the code"), "{screen}");
}

#[test]
fn a_pause_reason_is_kept_in_the_form_until_the_tenants_list_says_whether_it_holds() {
    // Typed before the tenant's list arrived: kept, and sent once it is known.
    let mut app = loaded(120, 40);
    run_command(&mut app, "state Break Lunch");
    assert!(render(&app).contains("◂ Lunch ▸"), "{}", render(&app));
    feed(&mut app, [Event::Rules(rule_book())]);
    press(&mut app, &["enter"]);
    let Some(Overlay::Confirm(confirm)) = app.overlays.last() else { panic!("{}", render(&app)) };
    assert_eq!(confirm.plan.lines[0].after, "Break (Lunch)");

    // One the tenant does not have, once its list is known: refused on
    // the line, by name, before any form opens.
    let mut app = ready(120, 40);
    run_command(&mut app, "state Break Snack");
    let Some(Overlay::Palette(line)) = app.overlays.last() else { panic!("{}", render(&app)) };
    assert!(line.error.as_deref().is_some_and(|e| e.contains("\"Snack\" is not one of")), "{line:?}");
}

#[test]
fn a_disposition_code_given_before_the_matrix_is_read_is_kept_until_it_is() {
    let mut app = loaded(120, 40);
    press(&mut app, &["2"]);
    run_command(&mut app, "dispose 201");
    assert!(render(&app).contains("◂ 201 ▸"), "{}", render(&app));
    feed(&mut app, [Event::Rules(rule_book())]);
    press(&mut app, &["enter"]);
    let Some(Overlay::Confirm(confirm)) = app.overlays.last() else { panic!("{}", render(&app)) };
    assert!(confirm.plan.lines[0].after.starts_with("201 Follow-up Required"), "{:?}", confirm.plan.lines[0]);

    // One the matrix does not have: shown, and refused once it is read.
    let mut app = loaded(120, 40);
    press(&mut app, &["2"]);
    run_command(&mut app, "dispose 999");
    feed(&mut app, [Event::Rules(rule_book())]);
    let screen = render(&app);
    assert!(screen.contains("◂ 999 ▸") && screen.contains('✕'), "{screen}");
    press(&mut app, &["enter"]);
    assert!(matches!(app.overlays.last(), Some(Overlay::Form(_))), "not sent: {}", render(&app));
}

/// A DELETE takes no value: one typed is said on its row as it is typed
/// (it is not sent), what is sent leaves it out, and the confirmation does
/// not show it. The row reads label, then value or hint, once each.
#[test]
fn a_value_typed_on_a_delete_row_is_said_not_to_be_sent() {
    let mut app = ready(140, 40);
    press(&mut app, &["2", "a"]);
    let screen = snap(&app);
    assert!(screen.contains("Row 1            key ") && !screen.contains("key key"), "{screen}");
    assert!(!screen.contains("value value"), "{screen}");
    type_text(&mut app, "sentimentScore");
    press(&mut app, &["tab"]);
    type_text(&mut app, "0.42");
    press(&mut app, &["tab"]);
    while field(&app, 2) != "DELETE" {
        press(&mut app, &["right"]);
    }
    let screen = snap(&app);
    assert!(screen.contains("Value: a DELETE takes no value; it is not sent"), "{screen}");
    press(&mut app, &["enter"]);
    let review = snap(&app);
    assert!(review.contains("sentimentScore=0.82 → sentimentScore deleted"), "{review}");
    assert!(!review.contains("0.42"), "{review}");
    let sent = submitted(&press(&mut app, &["y"]));
    let [(_, Change::Attributes { rows, .. })] = sent.as_slice() else { panic!("{sent:?}") };
    let values: Vec<_> = rows.iter().map(|d| d.value.clone()).collect();
    assert_eq!(values, [serde_json::Value::Null], "the typed value is not sent");
}
