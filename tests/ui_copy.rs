//! `y`: what the supervisor needs elsewhere (a ticket, a script, an apply
//! file) goes to the clipboard: the selected row's id, the marked rows'
//! ids one a line, an audit record's line as the log holds it, or the text
//! of a window. What cannot go is refused with the reason, and nothing is
//! sent to the terminal.

mod ui_support;

use cxone_console::engine::Event;
use cxone_console::ui::Looks;
use cxone_console::ui::app::{App, Effect, Session};
use cxone_console::ui::theme::Colors;
use std::time::Duration;
use ui_support::*;

/// What the keys asked the terminal to copy.
fn copied(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Copy(text) => Some(text.clone()),
            _ => None,
        })
        .collect()
}

fn flash(app: &App) -> String {
    app.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default()
}

/// The screen's last line: the hints, once no message covers them.
fn hints(app: &App) -> String {
    render(app).lines().last().unwrap_or_default().to_string()
}

fn selected_id(app: &App) -> String {
    app.agents.selected_row().map(|u| u.id.to_string()).expect("an agent is selected")
}

#[test]
fn y_copies_the_selected_agents_id_and_says_which() {
    let mut app = loaded(120, 40);
    press(&mut app, &["j"]);
    let id = selected_id(&app);
    assert_eq!(copied(&press(&mut app, &["y"])), std::slice::from_ref(&id));
    assert_eq!(flash(&app), format!("Copied agent id {id} to the clipboard."));
}

#[test]
fn marked_rows_are_copied_one_id_a_line_in_the_tables_order() {
    let mut app = loaded(120, 40);
    let first = selected_id(&app);
    press(&mut app, &["space", "j"]);
    let third = selected_id(&app);
    press(&mut app, &["space"]);
    assert_eq!(copied(&press(&mut app, &["y"])), [format!("{first}\n{third}")]);
    assert!(flash(&app).contains("the ids of the 2 marked agents"), "{}", flash(&app));
    assert!(flash(&app).ends_with("one a line."), "{}", flash(&app));

    // The window detailing one row copies that row, whatever is marked.
    press(&mut app, &["k", "enter"]);
    let shown = selected_id(&app);
    assert_eq!(copied(&press(&mut app, &["y"])), [shown]);
    tick(&mut app, Duration::from_secs(30));
    assert!(hints(&app).contains("y copy"), "the window offers it: {}", hints(&app));
}

#[test]
fn an_audit_record_is_copied_as_the_line_the_log_holds() {
    let mut app = loaded(120, 40);
    feed(&mut app, audit_events());
    press(&mut app, &["5", "k"]);
    let serial = app.audit.selected_serial().expect("a record is selected");
    let record = app.audit.by_serial(serial).expect("the record is there").clone();
    let line = record.line().unwrap();
    assert_eq!(copied(&press(&mut app, &["y"])), std::slice::from_ref(&line));
    assert_eq!(flash(&app), format!("Copied audit record {} as JSON to the clipboard.", record.seq));
    let value: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(value["seq"], record.seq);
    assert_eq!(value["hash"], record.hash.to_hex(), "with the record's own hash");

    press(&mut app, &["enter"]);
    assert_eq!(copied(&press(&mut app, &["y"])), [line], "and from the record's window");
}

#[test]
fn a_results_window_copies_its_text() {
    let mut app = loaded(120, 40);
    feed(&mut app, audit_events());
    run_command(&mut app, "results");
    let effects = press(&mut app, &["y"]);
    let [text] = copied(&effects).try_into().expect("one copy");
    assert!(!text.is_empty());
    assert!(render(&app).contains(text.lines().next().unwrap_or_default().trim()), "what the window shows");
    assert!(flash(&app).starts_with("Copied the text of “Results of this session"), "{}", flash(&app));
}

#[test]
fn windows_with_nothing_to_copy_say_so_and_do_not_offer_it() {
    let mut app = loaded(120, 40);
    press(&mut app, &["?"]);
    assert!(copied(&press(&mut app, &["y"])).is_empty());
    assert_eq!(flash(&app), "Nothing to copy in this window.");
    tick(&mut app, Duration::from_secs(30));
    assert!(hints(&app).contains("close") && !hints(&app).contains("copy"), "{}", hints(&app));
}

#[test]
fn more_than_a_terminal_can_carry_is_refused_whole() {
    let mut app = loaded(120, 40);
    // 2,000 agents: 73,999 bytes of ids and newlines, over the 64 KB a copy may hold.
    let many: Vec<_> = (0..2_000)
        .map(|i| user_named(&format!("{i:08}-0000-4000-8000-000000000000"), "Agent", &format!("{i:04}")))
        .collect();
    feed(&mut app, [agents_event(many, &[])]);
    press(&mut app, &["*"]);
    assert!(copied(&press(&mut app, &["y"])).is_empty(), "nothing half-copied");
    let said = flash(&app);
    assert!(said.starts_with("Nothing copied: the ids of the 2,000 marked agents would be 73 KB"), "{said}");
    assert!(said.contains("more than the 64 KB"), "{said}");

    press(&mut app, &["u", "y"]);
    assert_eq!(flash(&app), format!("Copied agent id {} to the clipboard.", selected_id(&app)));
}

#[test]
fn a_read_only_console_copies_too() {
    let session = Session { read_only: true, ..sandbox_session() };
    let mut app = app_with(session, Looks::defaults(Colors::On), 120, 40);
    feed(&mut app, seeded_events());
    let id = selected_id(&app);
    assert_eq!(copied(&press(&mut app, &["y"])), [id]);
}

#[test]
fn an_empty_table_has_nothing_to_copy() {
    let mut app = app(120, 40);
    feed(&mut app, [Event::Snapshot(cxone_console::engine::Snapshot::Agents(table(Vec::new(), 1, &[])))]);
    assert!(copied(&press(&mut app, &["y"])).is_empty());
    assert_eq!(flash(&app), "Nothing to copy: no agent is selected.");
}
