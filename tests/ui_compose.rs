//! What keys do in forms and around them: editing text, choosing, Esc that
//! asks before losing what was typed, marks for batches, the command line's
//! change commands, read-only refusals, and what a finished change leaves.

mod ui_support;

use crossterm::event::KeyCode;
use cxone_console::domain::agent_status::Shift;
use cxone_console::engine::{Change, DataActionChange, Event, Finished, Outcome};
use cxone_console::ui::app::{Action, Overlay, update};
use cxone_console::ui::forms::Kind;
use ui_support::*;

#[test]
fn text_fields_edit_at_the_cursor_and_take_pastes() {
    let mut app = ready(120, 40);
    press(&mut app, &["2", "d", "tab"]);
    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, "Resolvd");
    press(&mut app, &["left", "backspace"]);
    type_text(&mut app, "ve");
    press(&mut app, &["home", "delete"]);
    type_text(&mut app, "r");
    press(&mut app, &["end"]);
    update(&mut app, Action::Paste(" on the\nfirst call".into()));
    assert_eq!(form(&app).fields[1].value(), "resolved on the first call");
    press(&mut app, &["ctrl-w"]);
    assert_eq!(form(&app).fields[1].value(), "resolved on the first ");
}

#[test]
fn esc_closes_an_untouched_form_and_asks_when_something_was_typed() {
    let mut app = ready(120, 40);
    press(&mut app, &["c", "esc"]);
    assert!(app.overlays.is_empty(), "nothing typed, nothing to lose");
    press(&mut app, &["c", "tab", "tab"]);
    type_text(&mut app, "ACW-12");
    press(&mut app, &["esc"]);
    assert!(form(&app).discarding);
    assert!(render(&app).contains("Discard what you typed?"));
    press(&mut app, &["n"]);
    assert_eq!(form(&app).fields[2].value(), "ACW-12", "kept");
    // Ctrl-C backs out of the question, as Esc does, and loses nothing.
    press(&mut app, &["esc", "ctrl-c"]);
    assert!(!form(&app).discarding, "Ctrl-C left the question open");
    assert_eq!(form(&app).fields[2].value(), "ACW-12", "kept");
    press(&mut app, &["esc", "y"]);
    assert!(app.overlays.is_empty());
}

/// Esc and a key pressed right after it reach the console as one Alt-key
/// press: where Alt-key means nothing, it is taken as the two keys.
#[test]
fn esc_then_a_key_sent_as_alt_is_taken_as_both() {
    let mut app = ready(120, 40);
    press(&mut app, &["c", "tab", "tab"]);
    type_text(&mut app, "W1");
    // Esc asks before discarding what was typed; y discards.
    press(&mut app, &["alt-y"]);
    assert!(app.overlays.is_empty(), "{:?}", app.overlays);

    press(&mut app, &["/"]);
    type_text(&mut app, "billing");
    press(&mut app, &["enter"]);
    assert_eq!(app.agents.shown_len(), 2);
    // Esc clears the filter; 2 shows the interactions.
    press(&mut app, &["alt-2"]);
    assert_eq!(app.agents.shown_len(), app.agents.rows().len(), "the filter is cleared");
    assert_eq!(app.main, cxone_console::ui::app::PaneId::Interactions);
}

#[test]
fn a_change_is_refused_until_valid_and_confirmed_before_it_goes() {
    let mut app = ready(120, 40);
    // Aiko Ito, Training: Break without a reason.
    press(&mut app, &["c", "b", "b"]);
    assert!(press(&mut app, &["enter"]).is_empty(), "refused, nothing sent");
    assert!(form(&app).refused.as_deref().is_some_and(|r| r.contains("a Break needs a pause reason")));
    press(&mut app, &["tab", "q", "enter"]);
    let confirm = confirmation(&app);
    assert_eq!(confirm.plan.lines[0].entity, "Aiko Ito");
    assert_eq!(
        (confirm.plan.lines[0].before.as_str(), confirm.plan.lines[0].after.as_str()),
        ("Training", "Break (Queue Full)")
    );
    press(&mut app, &["n"]);
    assert!(matches!(app.overlays.last(), Some(Overlay::Form(_))), "n goes back to the form");
    press(&mut app, &["enter"]);
    let sent = submitted(&press(&mut app, &["y"]));
    let [(_, Change::AgentStatus(items))] = sent.as_slice() else { panic!("{sent:?}") };
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].draft.user_id, "4d0a6b8c-2e3f-4c9d-9f7a-6b5c4d3e2f1a");
    assert_eq!(
        (items[0].draft.status.as_str(), items[0].draft.pause_reason.as_str()),
        ("Break", "Queue Full")
    );
    assert!(app.overlays.is_empty());
}

/// A refusal on screen follows the form: one sent before the tenant's
/// rules arrived names the rule broken once they have.
#[test]
fn a_refusal_shown_before_the_rules_arrive_is_brought_up_to_date() {
    let mut app = loaded(120, 40);
    press(&mut app, &["c", "b", "b"]);
    assert!(press(&mut app, &["enter"]).is_empty(), "refused, nothing sent");
    let refused = form(&app).refused.clone().unwrap_or_default();
    assert_eq!(refused, "Not sent: reading the tenant's pause reasons…");
    feed(&mut app, [Event::Rules(Ok(rule_book()))]);
    let refused = form(&app).refused.clone().unwrap_or_default();
    assert_eq!(refused, "Not sent: Pause reason: a Break needs a pause reason.");
    press(&mut app, &["tab", "q"]);
    assert_eq!(form(&app).refused, None, "gone once the form can be sent");
}

/// The tenant's pause reasons matter only to a Break: while they cannot be
/// read, any other state still goes, and only a Break waits for them.
#[test]
fn unreadable_pause_reasons_hold_back_only_a_break() {
    let mut app = loaded(120, 40);
    let why = "the tenant's pause reasons could not be read: 429 Too Many Requests";
    feed(&mut app, [Event::Rules(Err(why.into()))]);
    run_command(&mut app, "state Offline");
    let confirm = confirmation(&app);
    assert_eq!(
        (confirm.plan.lines[0].entity.as_str(), confirm.plan.lines[0].after.as_str()),
        ("Aiko Ito", "Offline")
    );
    let sent = submitted(&press(&mut app, &["y"]));
    let [(_, Change::AgentStatus(items))] = sent.as_slice() else { panic!("{sent:?}") };
    assert_eq!((items[0].draft.status.as_str(), items[0].draft.pause_reason.as_str()), ("Offline", ""));

    // Training (Aiko's own state) → Busy → Break.
    press(&mut app, &["c", "b", "b"]);
    assert!(press(&mut app, &["enter"]).is_empty(), "a Break waits for the list");
    let refused = form(&app).refused.clone().unwrap_or_default();
    assert!(refused.contains(why) && refused.contains("open it again to retry"), "{refused}");
    press(&mut app, &["b"]);
    assert!(form(&app).check.plan.is_some(), "Busy goes again: {:?}", form(&app).check.problems);
}

#[test]
fn a_pause_reason_goes_only_with_a_break() {
    let mut app = ready(120, 40);
    press(&mut app, &["/"]);
    type_text(&mut app, "beatriz");
    // Beatriz Costa is on a Break for Lunch: the form starts from it.
    press(&mut app, &["enter", "c", "a"]);
    assert!(render(&app).contains("◂ Lunch ▸  sent only with a Break"), "{}", render(&app));
    press(&mut app, &["enter"]);
    assert_eq!(confirmation(&app).plan.lines[0].after, "Available");
    let sent = submitted(&press(&mut app, &["y"]));
    let [(_, Change::AgentStatus(items))] = sent.as_slice() else { panic!("{sent:?}") };
    assert_eq!((items[0].draft.status.as_str(), items[0].draft.pause_reason.as_str()), ("Available", ""));
}

/// An agent outside their shift is noted in the confirmation by name, with
/// the shift as the table shows it and how far off it is; the id would only
/// repeat the line's name.
#[test]
fn an_agent_outside_their_shift_is_noted_by_name() {
    let rfc3339 = regex::Regex::new(r"\d{4}-\d{2}-\d{2}T").expect("pattern");
    for (start, end, when) in [(-9.0, -1.0, "it ended at "), (2.0, 10.0, "it starts at ")] {
        let mut app = ready(120, 40);
        let now = app.clock.wall.unix_timestamp() as f64;
        let mut rows = agents();
        let amara = rows.iter_mut().find(|u| u.id.as_str() == "12345-abcde-67890").expect("Amara Okafor");
        amara.shift = Some(Shift { start: now + start * 3600.0, end: now + end * 3600.0 });
        feed(&mut app, [agents_event(rows, &["12345-abcde-67890"])]);
        press(&mut app, &["/"]);
        type_text(&mut app, "amara");
        press(&mut app, &["enter", "c", "b", "enter"]);
        let note = confirmation(&app).plan.lines[0].note.clone().unwrap_or_default();
        let far = if start < 0.0 { " UTC, 1h 00m ago); " } else { " UTC, in 2h 00m); " };
        assert!(
            note.starts_with(&format!("will be refused: Amara Okafor is outside their shift ({when}")),
            "{note}"
        );
        assert!(note.contains(far), "{note}");
        assert!(note.ends_with("changes are refused outside scheduled hours"), "{note}");
        assert!(
            !note.contains("12345-abcde-67890") && !rfc3339.is_match(&note),
            "no id, no RFC 3339 time: {note}"
        );
    }
}

#[test]
fn space_marks_rows_star_marks_the_filter_and_u_clears() {
    let mut app = ready(120, 40);
    press(&mut app, &["space", "space"]);
    assert_eq!(app.agents.pick_count(), 2);
    assert_eq!(app.agents.cursor(), 2, "each mark moves down");
    press(&mut app, &["k", "space"]);
    assert_eq!(app.agents.pick_count(), 1, "again unmarks");
    press(&mut app, &["u", "/"]);
    type_text(&mut app, "billing");
    press(&mut app, &["enter", "*"]);
    assert_eq!(app.agents.pick_count(), 2, "Billing North and Billing South");
    press(&mut app, &["esc"]);
    assert_eq!(app.agents.pick_count(), 2, "marks outlive the filter");
    press(&mut app, &["c", "a", "enter"]);
    let sent = submitted(&press(&mut app, &["y"]));
    let [(_, Change::AgentStatus(items))] = sent.as_slice() else { panic!("{sent:?}") };
    let mut users: Vec<&str> = items.iter().map(|i| i.draft.user_id.as_str()).collect();
    users.sort_unstable();
    assert_eq!(users, ["12345-abcde-67890", "6f2c8dae-4a5b-4ebf-9b9c-8d7e6f5a4b3c"]);
    assert_eq!(app.agents.pick_count(), 0, "sent marks are cleared");
}

#[test]
fn a_blocked_row_is_noted_in_the_confirmation() {
    let mut app = ready(120, 40);
    // Payment Reminder's contacts, then Spring Renewal's, where one is dialing.
    press(&mut app, &["3", "j", "l", "*", "d", "n"]);
    let form = form(&app);
    assert!(matches!(form.kind, Kind::ContactDisposition(ref rows) if rows.len() == 7), "{:?}", form.kind);
    review_with_agent(&mut app, &["tab", "tab"], "agent-77");
    let confirm = confirmation(&app);
    let dialing = confirm.plan.lines.iter().find(|l| l.entity == "Camila Horvat").expect("Camila is listed");
    assert!(
        dialing.note.as_deref().is_some_and(|n| n.contains("the dialer holds the contact (DIALING)")),
        "{dialing:?}"
    );
}

#[test]
fn the_command_line_composes_changes_with_completion() {
    let mut app = ready(120, 40);
    press(&mut app, &[":"]);
    type_text(&mut app, "state br");
    press(&mut app, &["tab"]);
    type_text(&mut app, "lu");
    press(&mut app, &["tab"]);
    let Some(Overlay::Palette(line)) = app.overlays.last() else { panic!("the palette") };
    assert_eq!(line.input, "state Break Lunch");
    press(&mut app, &["enter"]);
    // Straight to the confirmation.
    let confirm = confirmation(&app);
    assert_eq!(confirm.plan.lines[0].after, "Break (Lunch)");
    press(&mut app, &["esc", "esc", "y", "2", ":"]);
    type_text(&mut app, "dispose 7");
    press(&mut app, &["enter"]);
    let Some(Overlay::Palette(line)) = app.overlays.last() else { panic!("the palette stays") };
    assert!(line.error.as_deref().is_some_and(|e| e.contains("\"7\" is not one of the codes here")));
    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, "dispose 201");
    press(&mut app, &["enter"]);
    let confirm = confirmation(&app);
    assert_eq!(confirm.plan.lines[0].after, "201 Follow-up Required");
}

/// A pause reason goes only with a Break: given with another state on the
/// command line it is refused, as in a file, rather than dropped unsaid.
#[test]
fn the_command_line_refuses_a_pause_reason_with_another_state() {
    let mut app = ready(120, 40);
    press(&mut app, &[":"]);
    type_text(&mut app, "state busy q");
    press(&mut app, &["tab"]);
    let Some(Overlay::Palette(line)) = app.overlays.last() else { panic!("the palette") };
    assert_eq!(line.input, "state busy q", "no pause reason is offered after Busy");
    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, "state Busy Queue Full");
    assert!(press(&mut app, &["enter"]).is_empty(), "nothing goes");
    let Some(Overlay::Palette(line)) = app.overlays.last() else { panic!("the palette stays") };
    let error = line.error.clone().unwrap_or_default();
    assert!(error.contains("only a Break takes a pause reason: write state Busy alone"), "{error}");
}

#[test]
fn read_only_keys_say_so_and_send_nothing() {
    let mut session = sandbox_session();
    session.read_only = true;
    let looks = cxone_console::ui::Looks::defaults(cxone_console::ui::theme::Colors::On);
    let mut app = app_with(session, looks, 120, 40);
    feed(&mut app, seeded_events());
    assert!(press(&mut app, &["c"]).is_empty());
    assert!(app.overlays.is_empty());
    assert!(render(&app).contains("Read-only: c makes changes"), "{}", render(&app));
    press(&mut app, &["space"]);
    assert!(render(&app).contains("Read-only: Space marks rows for a change"), "{}", render(&app));
    assert!(run_command(&mut app, "state Available").is_empty());
    let Some(Overlay::Palette(line)) = app.overlays.last() else { panic!("the palette stays") };
    assert!(line.error.as_deref().is_some_and(|e| e.contains("read-only")));
    // Simulating writes nothing, so it stays.
    press(&mut app, &["esc", "4", "t", "enter"]);
    let effects = press(&mut app, &[]);
    assert!(effects.is_empty());
}

#[test]
fn a_simulation_runs_without_confirmation_and_opens_its_result() {
    let mut app = ready(120, 40);
    press(&mut app, &["4", "t"]);
    let sent = submitted(&press(&mut app, &["enter"]));
    let [(id, Change::DataAction(_))] = sent.as_slice() else { panic!("{sent:?}") };
    let outcome = Outcome::Applied {
        summary: "the handler routes to vip-dedicated-queue".into(),
        data: Some(serde_json::json!({ "output": { "routing_recommendation": "vip-dedicated-queue" } })),
    };
    let effects = feed(
        &mut app,
        [Event::Finished { id: id.clone(), result: Finished::Single { target: None, outcome } }],
    );
    assert!(effects.is_empty(), "nothing was written, nothing to refresh");
    let Some(Overlay::Result { text, .. }) = app.overlays.last() else { panic!("a result window") };
    assert!(text.contains("vip-dedicated-queue"));
    let kept = app.results.text();
    assert!(kept.contains("  done: the handler routes"), "nothing was applied: {kept}");
}

/// Asks for the third data action's metrics: the console, and the command sent.
fn metrics_asked() -> (cxone_console::ui::app::App, cxone_console::engine::CommandId) {
    let mut app = ready(120, 40);
    press(&mut app, &["4", "j", "j", "e"]);
    let sent = submitted(&press(&mut app, &["enter"]));
    let [(id, Change::DataAction(_))] = sent.as_slice() else { panic!("{sent:?}") };
    let id = id.clone();
    (app, id)
}

/// A single change that did not apply is named in its result: its words
/// may not say which change it was.
#[test]
fn a_change_that_failed_is_named_in_its_result() {
    let (mut app, id) = metrics_asked();
    let outcome = Outcome::failed("could not reach the tenant (connection refused)");
    feed(&mut app, [Event::Finished { id, result: Finished::Single { target: None, outcome } }]);
    let kept = app.results.text();
    assert!(kept.contains("metrics of SentimentRoutingAction"), "{kept}");
    assert!(kept.contains(": failed: could not reach the tenant"), "{kept}");
}

/// Metrics come back as rows: the result window shows them as a table,
/// titled by the action.
#[test]
fn metrics_open_as_a_table_named_for_the_action() {
    let (mut app, id) = metrics_asked();
    let rows = serde_json::json!([{"actionId": "da-0001", "date": "2026-11-21", "version": "1.2.0",
        "status": "success", "count": 1842, "errorRate": 0.0, "avgLatencyMs": 38.4}]);
    let outcome = Outcome::Applied { summary: "1 row: 1842 executions".into(), data: Some(rows) };
    feed(&mut app, [Event::Finished { id, result: Finished::Single { target: None, outcome } }]);
    let Some(Overlay::Result { title, text, .. }) = app.overlays.last() else { panic!("a result window") };
    assert!(title.starts_with("metrics of SentimentRoutingAction · "), "{title}");
    assert!(text.starts_with("date        version  status   runs  errors  avg latency\n"), "{text}");
    assert!(text.contains("2026-11-21  1.2.0    success  1842    0.0%        38 ms"), "{text}");
}

/// The metrics form's From takes what `audit export --since` takes: a date
/// (from midnight UTC) or an age before now, sent as the moment it stands
/// for; anything else is refused with what it may be.
#[test]
fn metrics_from_takes_a_date_or_an_age_as_audit_export_since_does() {
    let from_sent = |typed: &str| {
        let mut app = ready(120, 40);
        press(&mut app, &["4", "e", "ctrl-u"]);
        if typed.is_empty() {
            assert!(
                render(&app).contains("a date (2026-11-14, UTC midnight) or an age (8h, 7d)"),
                "{}",
                render(&app)
            );
        }
        type_text(&mut app, typed);
        let sent = submitted(&press(&mut app, &["enter"]));
        match sent.as_slice() {
            [(_, Change::DataAction(DataActionChange::Metrics { from, .. }))] => Ok(from.clone()),
            _ => Err(render(&app)),
        }
    };
    assert_eq!(from_sent("2026-11-14"), Ok("2026-11-14T00:00:00Z".to_string()));
    assert_eq!(from_sent("8h"), Ok("2026-11-21T06:02:11Z".to_string()));
    assert_eq!(from_sent("2026-11-21T10:00:00+02:00"), Ok("2026-11-21T10:00:00+02:00".to_string()));
    let refused = from_sent("yesterday").unwrap_err();
    assert!(refused.contains("it may also be a date (2026-11-21, from midnight UTC) or an age"), "{refused}");
    assert!(from_sent("").is_err(), "From is required");
}

/// JSON to simulate shows whole while it is edited, over the lines it
/// needs; a very long one shows the lines around the cursor.
#[test]
fn a_long_json_input_wraps_and_keeps_the_cursor_in_view() {
    let mut app = ready(120, 40);
    press(&mut app, &["4", "t", "home"]);
    type_text(&mut app, "X");
    let screen = render(&app);
    let field: Vec<&str> =
        screen.lines().skip_while(|l| !l.contains("Input (JSON)")).take_while(|l| !l.contains("└")).collect();
    assert!(field.len() >= 2, "the sample takes more than one line: {screen}");
    assert!(
        field[0].contains("Input (JSON)     X{\"channel_type\":\"voice\""),
        "typed at the start: {screen}"
    );
    assert!(field.iter().any(|l| l.contains("caller\"]}")), "and its end still shows: {screen}");

    press(&mut app, &["end"]);
    type_text(&mut app, &"7".repeat(1_000));
    type_text(&mut app, "THE END");
    let screen = render(&app);
    let field: Vec<&str> =
        screen.lines().skip_while(|l| !l.contains("Input (JSON)")).take_while(|l| !l.contains("└")).collect();
    assert!(field.iter().any(|l| l.contains("7777THE END")), "the cursor's line: {screen}");
    let wrapped = field.iter().filter(|l| l.contains("7777")).count();
    assert!(wrapped <= 6, "at most six lines of the value: {screen}");
}

#[test]
fn choices_cycle_with_arrows_and_flags_toggle_with_space() {
    let mut app = ready(120, 40);
    press(&mut app, &["c", "right"]);
    assert_eq!(form(&app).fields[0].value(), "Offline", "after Training");
    press(&mut app, &["left", "left"]);
    assert_eq!(form(&app).fields[0].value(), "Break");
    assert_eq!(form(&app).fields[3].value(), "false", "Auto Available is off until asked for");
    press(&mut app, &["tab", "tab", "tab", "space"]);
    assert_eq!(form(&app).fields[3].value(), "true");
    update(&mut app, Action::Key(plain(KeyCode::Right)));
    assert_eq!(form(&app).fields[3].value(), "false");
}

#[test]
fn counts_in_the_thousands_read_as_everywhere_else() {
    let mut rows = agents();
    for n in 0..1_000 {
        rows.push(user_named(&format!("u-{n:04}"), "Zed", &format!("{n:04}")));
    }
    let mut app = loaded(120, 40);
    feed(&mut app, [agents_event(rows, &[])]);
    press(&mut app, &["*"]);
    assert!(render(&app).contains("Marked 1,012 agents"), "{}", render(&app));
}

#[test]
fn a_range_start_typed_past_its_end_is_flagged_on_the_end_as_typed() {
    let mut app = ready(120, 40);
    press(&mut app, &["4", "e", "ctrl-u"]);
    type_text(&mut app, "2030-01-01T00:00:00Z");
    let screen = render(&app);
    assert!(screen.contains("is before 2030-01-01T00:00:00Z"), "shown without a visit or Enter: {screen}");
}
