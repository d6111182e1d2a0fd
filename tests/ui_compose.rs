//! What keys do in forms and around them: editing text, choosing, Esc that
//! asks before losing what was typed, marks for batches, the command line's
//! change commands, read-only refusals, and what a finished change leaves.
//! The data action forms' keys are in `ui_compose_data_actions.rs`.

mod ui_support;

use crossterm::event::KeyCode;
use cxone_console::domain::agent_status::Shift;
use cxone_console::engine::{Change, Event, RuleBook};
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
    // Enter takes the safe answer, and says so: it keeps editing.
    press(&mut app, &["esc"]);
    assert!(render(&app).contains("n/Enter/Esc keep editing"), "{}", render(&app));
    press(&mut app, &["enter"]);
    assert!(!form(&app).discarding, "Enter left the question open");
    type_text(&mut app, "3");
    assert_eq!(form(&app).fields[2].value(), "ACW-123", "typing goes on in the form");
    // Ctrl-C backs out of the question, as Esc does, and loses nothing.
    press(&mut app, &["esc", "ctrl-c"]);
    assert!(!form(&app).discarding, "Ctrl-C left the question open");
    assert_eq!(form(&app).fields[2].value(), "ACW-123", "kept");
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
    feed(&mut app, [Event::Rules(rule_book())]);
    let refused = form(&app).refused.clone().unwrap_or_default();
    assert_eq!(refused, "Not sent: Pause reason: a Break needs a pause reason.");
    press(&mut app, &["tab", "q"]);
    assert_eq!(form(&app).refused, None, "gone once the form can be sent");
}

/// A disposition form needs only the disposition matrix: the tenant's pause
/// reasons failing to load leaves it working, codes and all.
#[test]
fn unreadable_pause_reasons_leave_the_disposition_form_working() {
    let mut app = loaded(120, 40);
    let why = "the tenant's pause reasons could not be read: HTTP 503";
    feed(&mut app, [Event::Rules(RuleBook { pause_reasons: Err(why.into()), ..rule_book() })]);
    press(&mut app, &["2", ":"]);
    type_text(&mut app, "dispose 201");
    press(&mut app, &["enter"]);
    let confirm = confirmation(&app);
    assert_eq!(confirm.plan.lines[0].after, "201 Follow-up Required");
}

/// The tenant's pause reasons matter only to a Break: while they cannot be
/// read, any other state still goes, and only a Break waits for them.
#[test]
fn unreadable_pause_reasons_hold_back_only_a_break() {
    let mut app = loaded(120, 40);
    let why = "the tenant's pause reasons could not be read: 429 Too Many Requests";
    let book = RuleBook { pause_reasons: Err(why.into()), ..rule_book() };
    feed(&mut app, [Event::Rules(book)]);
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

/// A pause reason with spaces may be quoted, as `:attr` teaches for a
/// value; one the tenant does not have is refused on the line, as a code
/// is, rather than opening a form only to say so.
#[test]
fn the_command_line_reads_a_quoted_pause_reason_and_refuses_an_unknown_one() {
    let mut app = ready(120, 40);
    run_command(&mut app, r#"state Break "Queue Full""#);
    assert_eq!(
        confirmation(&app).plan.lines[0].after,
        "Break (Queue Full)",
        "the quotes are not the reason's"
    );
    press(&mut app, &["esc", "esc", "y"]);
    assert!(run_command(&mut app, r#"state Break "Coffee Run""#).is_empty(), "nothing goes");
    let Some(Overlay::Palette(line)) = app.overlays.last() else { panic!("the palette stays") };
    let error = line.error.clone().unwrap_or_default();
    assert_eq!(error, r#""Coffee Run" is not one of the tenant's pause reasons; Tab lists them"#);
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

/// A quoted value on the command line keeps its backslashes as typed, but
/// for `\"` (a quote) and `\\` (a backslash): a Windows path is sent as
/// the path, and the confirmation shows each value exactly as it is sent.
#[test]
fn a_quoted_attribute_value_keeps_its_backslashes_and_is_reviewed_as_sent() {
    let mut app = ready(160, 40);
    press(&mut app, &["2"]);
    run_command(&mut app, r#"attr p1="C:\temp\new" p2="a\qb" p3="say \"hi\" \\o/""#);
    let Some(Overlay::Confirm(confirm)) = app.overlays.last() else { panic!("{}", render(&app)) };
    assert_eq!(
        confirm.plan.lines[0].after,
        r#"p1="C:\temp\new" (ADD), p2="a\qb" (ADD), p3="say "hi" \o/" (ADD)"#
    );
    let sent = submitted(&press(&mut app, &["y"]));
    let [(_, Change::Attributes { rows, .. })] = sent.as_slice() else { panic!("{sent:?}") };
    let values: Vec<_> = rows.iter().map(|d| d.value.clone()).collect();
    assert_eq!(values, [r"C:\temp\new", r"a\qb", r#"say "hi" \o/"#].map(serde_json::Value::from));
}

/// What holds for the whole of a long attributes form stays in view at its
/// foot, not at its top or under its last row, where a form of 51 rows
/// scrolls it away: the rule it breaks, then what the review will note.
#[test]
fn a_long_attributes_form_keeps_its_form_wide_notes_in_view() {
    let mut app = ready(100, 30);
    press(&mut app, &["2"]);
    let pairs: Vec<String> = (1..=51).map(|n| format!("k{n}={n}")).collect();
    run_command(&mut app, &format!("attr {}", pairs.join(" ")));
    let screen = render(&app);
    assert!(screen.contains("✕ attributes: holds 51 entries; at most 50 per request"), "{screen}");
    press(&mut app, &["tab"; 150]);
    let screen = render(&app);
    assert!(screen.contains("Row 51"), "at the last row: {screen}");
    assert!(screen.contains("holds 51 entries"), "still said: {screen}");
    press(&mut app, &["ctrl-x"]);
    let screen = render(&app);
    assert!(screen.contains("the interaction would hold"), "{screen}");
    assert!(screen.contains("51 attributes; at most 50 are allowed"), "{screen}");
}
