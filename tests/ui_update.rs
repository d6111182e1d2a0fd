//! What keys and engine events do to the console's state: selection that
//! stays on the same entity across refreshes, freezing, marks on changed
//! cells, filters, sorting, navigation, the command line, quitting, keymap
//! overrides and NO_COLOR.

mod ui_support;

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use cxone_console::api::model::{User, UserStatus};
use cxone_console::domain::agent_status::AgentStatus;
use cxone_console::engine::{Command, CommandId, Event, Finished, Outcome, Snapshot};
use cxone_console::sandbox::FaultProfile;
use cxone_console::ui::app::{Action, App, Clock, Effect, ListId, Overlay, PaneId, update};
use cxone_console::ui::keymap::Keymap;
use cxone_console::ui::theme::{Colors, Theme};
use cxone_console::ui::{Looks, layout};
use ratatui::style::{Color, Modifier};
use std::time::Duration;
use ui_support::*;

fn names(app: &App) -> Vec<String> {
    app.agents.window(usize::MAX).map(|(_, u)| u.display_name()).collect()
}

fn selected_name(app: &App) -> Option<String> {
    app.agents.selected_row().map(User::display_name)
}

fn agents_event(rows: Vec<User>, changed: &[&str]) -> Event {
    Event::Snapshot(Snapshot::Agents(table(rows, 2, changed)))
}

fn tick(app: &mut App, after: Duration) {
    let clock = Clock::new(app.clock.mono + after, app.clock.wall + after);
    update(app, Action::Tick(clock));
}

#[test]
fn the_selection_stays_on_the_same_agent_when_a_refresh_reorders_rows() {
    let mut app = loaded(120, 40);
    press(&mut app, &["j", "j", "j"]);
    assert_eq!(selected_name(&app).as_deref(), Some("Bilal Haddad"));
    let mut rows = agents();
    rows.push(user_named("0a0a0a0a-0000-4000-8000-000000000001", "Aaliyah", "Abara"));
    rows.push(user_named("0a0a0a0a-0000-4000-8000-000000000002", "Adrian", "Alvarez"));
    feed(&mut app, [agents_event(rows, &[])]);
    assert_eq!(selected_name(&app).as_deref(), Some("Bilal Haddad"), "same agent, two rows lower");
    assert_eq!(app.agents.cursor(), 5);
}

#[test]
fn when_the_selected_agent_leaves_the_selection_takes_the_row_in_its_place() {
    let mut app = loaded(120, 40);
    press(&mut app, &["j", "j", "j"]);
    let rows: Vec<User> = agents().into_iter().filter(|u| u.first_name != "Bilal").collect();
    feed(&mut app, [agents_event(rows, &[])]);
    assert_eq!(selected_name(&app).as_deref(), Some("Carlos Garcia"));
    press(&mut app, &["k"]);
    assert_eq!(selected_name(&app).as_deref(), Some("Beatriz Costa"));
}

#[test]
fn frozen_tables_hold_refreshes_until_thawed() {
    let mut app = loaded(120, 40);
    press(&mut app, &["f"]);
    assert!(app.frozen);
    let mut rows = agents();
    rows[0].status = UserStatus::Known(AgentStatus::Break);
    feed(&mut app, [agents_event(rows, &["12345-abcde-67890"])]);
    let amara =
        |app: &App| app.agents.rows().iter().find(|u| u.first_name == "Amara").map(|u| u.status.clone());
    assert_eq!(amara(&app), Some(UserStatus::Known(AgentStatus::Available)), "held, not applied");
    let screen = render(&app);
    assert!(screen.contains("FROZEN") && screen.contains("newer data held"), "{screen}");
    press(&mut app, &["f"]);
    assert_eq!(amara(&app), Some(UserStatus::Known(AgentStatus::Break)));
    assert!(!render(&app).contains("FROZEN"));
}

#[test]
fn changed_cells_are_marked_for_a_few_seconds() {
    let mut app = loaded(120, 40);
    let mut rows = agents();
    rows[0].status = UserStatus::Known(AgentStatus::Break);
    rows[0].pause_reason = Some("Lunch".into());
    rows[5].status_since = Some(at(1)); // only the clock column moved: no mark
    feed(&mut app, [agents_event(rows, &["12345-abcde-67890", "6f2c8dae-4a5b-4ebf-9b9c-8d7e6f5a4b3c"])]);
    let state_and_reason = (1 << 2) | (1 << 3);
    assert_eq!(app.agents.marked("12345-abcde-67890"), state_and_reason);
    assert_eq!(app.agents.marked("6f2c8dae-4a5b-4ebf-9b9c-8d7e6f5a4b3c"), 0);

    let buffer = frame(&app);
    let y = row_of(&buffer, "Amara Okafor").unwrap();
    let x = find_in_row(&buffer, y, "Break").unwrap();
    assert!(buffer[(x, y)].modifier.contains(Modifier::BOLD));
    assert_eq!(buffer[(x, y)].fg, Color::LightYellow, "marked with the `changed` role");

    app.mark_drawn();
    tick(&mut app, Duration::from_secs(1));
    assert_ne!(app.agents.marked("12345-abcde-67890"), 0);
    tick(&mut app, Duration::from_secs(3));
    assert_eq!(app.agents.marked("12345-abcde-67890"), 0);
    assert!(app.is_dirty(), "a fading mark redraws");
}

#[test]
fn the_filter_takes_text_regexes_and_inversion_and_names_a_bad_pattern() {
    let mut app = loaded(120, 40);
    press(&mut app, &["/"]);
    type_text(&mut app, "break");
    assert_eq!(names(&app), ["Beatriz Costa", "Elif Kaya"], "applied while typing");
    press(&mut app, &["enter"]);
    assert!(app.overlays.is_empty());
    assert!(render(&app).contains("/break"));

    press(&mut app, &["/", "ctrl-u"]);
    type_text(&mut app, "!re:^(a|b)");
    assert!(names(&app).iter().all(|n| !n.starts_with('A') && !n.starts_with('B')));
    assert_eq!(names(&app).len(), 8);

    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, "re:(unclosed");
    assert_eq!(names(&app).len(), 12, "a broken pattern hides nothing");
    let screen = render(&app);
    assert!(screen.contains("invalid regex: unclosed group"), "{screen}");

    press(&mut app, &["esc"]);
    assert_eq!(app.agents.filter().input(), "break", "Esc puts back the filter from before");
    press(&mut app, &["esc"]);
    assert_eq!(names(&app).len(), 12, "Esc in the table clears it");
}

#[test]
fn sorting_by_key_cycles_reverses_and_follows_shift_letters() {
    let mut app = loaded(120, 40);
    assert_eq!(names(&app)[0], "Aiko Ito");
    press(&mut app, &["r"]);
    assert_eq!(names(&app)[0], "Ines Fernandes", "reversed");
    press(&mut app, &["S"]);
    let states: Vec<String> = app.agents.window(usize::MAX).map(|(_, u)| u.status.to_string()).collect();
    assert_eq!(states[0], "Available");
    assert_eq!(states.last().map(String::as_str), Some("Training"));
    press(&mut app, &["S"]);
    let first = app.agents.window(1).next().map(|(_, u)| u.status.to_string());
    assert_eq!(first.as_deref(), Some("Training"), "the same letter again reverses");
    press(&mut app, &["I"]);
    assert_eq!(names(&app)[0], "Freya Hansen", "longest in state first");
    press(&mut app, &["s"]);
    assert_eq!(app.agents.sort().column, 5, "s moves to the next column");
    let screen = render(&app);
    assert!(screen.contains("Shift▲"), "{screen}");
}

#[test]
fn vim_keys_and_pages_move_the_selection() {
    let mut rows = agents();
    for n in 0..200 {
        rows.push(user_named(&format!("u-{n:04}"), "Zed", &format!("{n:04}")));
    }
    let mut app = loaded(120, 40);
    feed(&mut app, [agents_event(rows, &[])]);
    let page = layout::list_height(&app, ListId::Agents);
    assert!(page > 10);
    press(&mut app, &["G"]);
    assert_eq!(app.agents.cursor(), 211);
    press(&mut app, &["g", "ctrl-d"]);
    assert_eq!(app.agents.cursor(), page / 2);
    press(&mut app, &["ctrl-u", "pagedown"]);
    assert_eq!(app.agents.cursor(), page);
    press(&mut app, &["pageup", "down", "j", "up"]);
    assert_eq!(app.agents.cursor(), 1);
    press(&mut app, &["end"]);
    let buffer = frame(&app);
    assert!(row_of(&buffer, "Zed 0199").is_some(), "the last row is drawn");
}

#[test]
fn a_click_selects_the_row_under_it_and_the_wheel_scrolls() {
    let mut app = loaded(120, 40);
    let buffer = frame(&app);
    let y = row_of(&buffer, "Chloe Dubois").unwrap();
    let click =
        |kind, row| MouseEvent { kind, column: 5, row, modifiers: crossterm::event::KeyModifiers::NONE };
    update(&mut app, Action::Mouse(click(MouseEventKind::Down(MouseButton::Left), y)));
    assert_eq!(selected_name(&app).as_deref(), Some("Chloe Dubois"));
    update(&mut app, Action::Mouse(click(MouseEventKind::ScrollDown, y)));
    assert_eq!(selected_name(&app).as_deref(), Some("Emeka Adeyemi"), "three rows a notch");
    let audit_y = row_of(&buffer, "Audit log").unwrap() + 1;
    update(&mut app, Action::Mouse(click(MouseEventKind::Down(MouseButton::Left), audit_y)));
    assert_eq!(app.focus, PaneId::Audit, "a click moves the focus");
}

#[test]
fn panes_switch_by_number_and_tab_and_campaigns_drive_their_contacts() {
    let mut app = loaded(120, 40);
    press(&mut app, &["2"]);
    assert_eq!((app.focus, app.main), (PaneId::Interactions, PaneId::Interactions));
    press(&mut app, &["tab"]);
    assert_eq!(app.focus, PaneId::Campaigns);
    let contacts =
        |app: &App| app.contacts.window(usize::MAX).map(|(_, c)| c.display_name()).collect::<Vec<_>>();
    assert_eq!(contacts(&app), ["Fatima Kaur", "Gabriel Kim", "Hana Kowalski", "Isabella Kumar"]);
    press(&mut app, &["j"]);
    assert_eq!(contacts(&app).len(), 7, "Spring Renewal's contacts");
    press(&mut app, &["l", "j"]);
    assert_eq!(app.focused_list(), ListId::Contacts);
    assert_eq!(app.contacts.selected_row().map(|c| c.display_name()).as_deref(), Some("Anika Fischer"));
    press(&mut app, &["tab", "tab", "shift-tab"]);
    assert_eq!((app.focus, app.main), (PaneId::DataActions, PaneId::DataActions));
    press(&mut app, &["5"]);
    assert_eq!(
        (app.focus, app.main),
        (PaneId::Audit, PaneId::DataActions),
        "the audit log has its own place"
    );
}

#[test]
fn quitting_asks_only_while_changes_are_in_flight() {
    let mut app = loaded(120, 40);
    assert_eq!(press(&mut app, &["q"]), [Effect::Quit]);

    let id = CommandId::derived([&b"status"[..]]);
    feed(&mut app, [Event::Accepted { id: id.clone(), total: 3 }]);
    assert!(press(&mut app, &["q"]).is_empty());
    assert_eq!(app.overlays.last(), Some(&Overlay::ConfirmQuit));
    assert!(render(&app).contains("1 change is still in flight"));
    assert!(press(&mut app, &["n"]).is_empty());
    assert!(app.overlays.is_empty());
    press(&mut app, &["ctrl-c"]);
    assert_eq!(press(&mut app, &["y"]), [Effect::Quit]);

    let mut app = loaded(120, 40);
    let result = Finished::Single { target: None, outcome: Outcome::applied("Amara Okafor is now on Break") };
    feed(&mut app, [Event::Accepted { id: id.clone(), total: 1 }, Event::Finished { id, result }]);
    assert!(app.in_flight.is_empty());
    assert!(render(&app).contains("applied: Amara Okafor is now on Break"));
    assert_eq!(press(&mut app, &["q"]), [Effect::Quit]);
}

#[test]
fn the_command_line_jumps_refreshes_and_sets_faults() {
    let mut app = loaded(120, 40);
    press(&mut app, &["2", ":"]);
    type_text(&mut app, "agent ha");
    let screen = render(&app);
    let hassan = screen.find("agent Hassan Ibrahim").expect("suggested");
    let bilal = screen.find("agent Bilal Haddad").expect("suggested");
    assert!(hassan < bilal, "names starting with what was typed come first");
    press(&mut app, &["down", "tab"]);
    let Some(Overlay::Palette(line)) = app.overlays.last() else { panic!("the command line is open") };
    assert_eq!(line.input, "agent Bilal Haddad", "Tab completes the highlighted suggestion");
    press(&mut app, &["enter"]);
    assert_eq!(app.focus, PaneId::Agents);
    assert_eq!(selected_name(&app).as_deref(), Some("Bilal Haddad"));

    press(&mut app, &[":"]);
    type_text(&mut app, "faults storm");
    assert_eq!(press(&mut app, &["enter"]), [Effect::SetFaults(FaultProfile::Storm)]);
    press(&mut app, &[":"]);
    type_text(&mut app, "ref");
    assert_eq!(press(&mut app, &["enter"]), [Effect::Engine(Command::Refresh)], "the only suggestion runs");
    press(&mut app, &[":"]);
    type_text(&mut app, "launch");
    assert!(press(&mut app, &["enter"]).is_empty());
    assert!(render(&app).contains("unknown command \"launch\""));
    assert_eq!(press(&mut app, &["ctrl-r"]), [], "keys type text while the line is open");
}

#[test]
fn faults_are_refused_in_words_on_a_real_tenant() {
    let mut app = app_with(tenant_session(), Looks::defaults(Colors::On), 120, 40);
    press(&mut app, &[":"]);
    type_text(&mut app, "faults storm");
    assert!(press(&mut app, &["enter"]).is_empty());
    assert!(render(&app).contains("faults can only be set on the embedded sandbox"));
}

#[test]
fn an_agent_hidden_by_the_filter_is_still_found_by_name() {
    let mut app = loaded(120, 40);
    press(&mut app, &["/"]);
    type_text(&mut app, "break");
    press(&mut app, &["enter", ":"]);
    type_text(&mut app, "agent Ines Fernandes");
    press(&mut app, &["enter"]);
    assert_eq!(selected_name(&app).as_deref(), Some("Ines Fernandes"));
    assert_eq!(app.agents.filter().input(), "", "the filter that hid her is cleared");
}

#[test]
fn keymap_overrides_take_effect_and_conflicts_are_reported() {
    let (keymap, problems) = Keymap::with_overrides(
        "keymap.toml",
        "[list]\ndown = \"n\"\n[global]\nfreeze = \"q\"\n[table]\nsort.next = 3",
    );
    let looks = Looks { keymap, theme: Theme::defaults(Colors::On), problems };
    let mut app = app_with(sandbox_session(), looks, 120, 40);
    feed(&mut app, seeded_events());
    press(&mut app, &["n", "n"]);
    assert_eq!(app.agents.cursor(), 2);
    press(&mut app, &["j"]);
    assert_eq!(app.agents.cursor(), 2, "j is no longer bound");
    assert!(press(&mut app, &["q"]).is_empty());
    assert!(app.frozen, "q now freezes");
    tick(&mut app, Duration::from_secs(10));
    let screen = render(&app);
    assert!(screen.contains("n/k move") && !screen.contains("j/k move"), "hints follow the keymap: {screen}");
    press(&mut app, &["?", "G"]);
    let help = render(&app);
    assert!(help.contains("[global] q is bound to both freeze and quit; freeze keeps it"), "{help}");
    assert!(help.contains("[table] sort.next must be a key in quotes"), "{help}");
}

#[test]
fn no_color_draws_without_colours_but_keeps_meaning() {
    let mut app = app_with(sandbox_session(), Looks::defaults(Colors::Off), 120, 40);
    feed(&mut app, seeded_events());
    feed(&mut app, audit_events());
    let buffer = frame(&app);
    for cell in buffer.content.iter() {
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "{:?} is coloured", cell.symbol());
    }
    let y = row_of(&buffer, "│Aiko Ito").unwrap();
    assert!(buffer[(2, y)].modifier.contains(Modifier::REVERSED), "the selection still shows");
    let y = row_of(&buffer, "the tenant failed (503)").unwrap();
    let x = find_in_row(&buffer, y, "failed").unwrap();
    assert!(
        buffer[(x, y)].modifier.contains(Modifier::BOLD | Modifier::UNDERLINED),
        "failures still stand out"
    );
}

#[test]
fn the_audit_log_follows_until_the_supervisor_moves_up() {
    let mut app = loaded(120, 40);
    let mut trail = audit_events().into_iter();
    feed(&mut app, trail.by_ref().take(4));
    press(&mut app, &["5"]);
    assert_eq!(app.audit.cursor(), 3);
    press(&mut app, &["k"]);
    assert!(!app.audit.follow);
    feed(&mut app, trail.by_ref().take(1));
    assert_eq!(app.audit.cursor(), 2, "new records do not move a reader");
    press(&mut app, &["F"]);
    feed(&mut app, trail);
    assert_eq!(app.audit.cursor(), 5, "following again");
    press(&mut app, &["k", "enter"]);
    assert!(matches!(app.overlays.last(), Some(Overlay::AuditRecord { .. })));
    assert!(render(&app).contains("\"reason\": \"the tenant failed (503) after 3 attempts\""));
}

#[test]
fn windows_scroll_within_their_text() {
    let mut app = loaded(100, 30);
    press(&mut app, &["?", "G"]);
    let Some(Overlay::Help { scroll: bottom }) = app.overlays.last().cloned() else { panic!("help is open") };
    assert!(bottom > 0);
    press(&mut app, &["j", "j"]);
    assert_eq!(app.overlays.last(), Some(&Overlay::Help { scroll: bottom }), "no scrolling past the end");
    press(&mut app, &["k"]);
    assert_eq!(app.overlays.last(), Some(&Overlay::Help { scroll: bottom - 1 }), "one up from the end");
    assert!(render(&app).contains("Problems") || render(&app).contains("Settings files"));
    press(&mut app, &["g"]);
    assert!(render(&app).contains("Everywhere"));
    press(&mut app, &["q"]);
    assert!(app.overlays.is_empty(), "q closes a window rather than quitting");
}

#[test]
fn time_redraws_only_what_shows_time() {
    let mut app = loaded(120, 40);
    app.mark_drawn();
    let clock = Clock::new(app.clock.mono + Duration::from_millis(200), app.clock.wall);
    update(&mut app, Action::Tick(clock));
    assert!(!app.is_dirty(), "nothing moved within the second");
    tick(&mut app, Duration::from_secs(1));
    assert!(app.is_dirty(), "agents' time in state moved");
    press(&mut app, &["2"]);
    app.mark_drawn();
    tick(&mut app, Duration::from_secs(1));
    assert!(!app.is_dirty(), "interactions show no seconds");
    tick(&mut app, Duration::from_secs(60));
    assert!(app.is_dirty(), "the header's clock moved a minute");
}

#[test]
fn flash_messages_clear_themselves() {
    let mut app = loaded(120, 40);
    feed(
        &mut app,
        [Event::Finished {
            id: CommandId::derived([&b"x"[..]]),
            result: Finished::Single { target: None, outcome: Outcome::failed("503 from the tenant") },
        }],
    );
    assert!(render(&app).contains("failed: 503 from the tenant"));
    tick(&mut app, Duration::from_secs(10));
    assert!(app.flash.is_none());
    assert!(render(&app).contains("? help"), "the hints are back");
}

#[test]
fn a_hundred_thousand_rows_filter_and_keep_their_selection() {
    let rows: Vec<User> =
        (0..100_000).map(|n| user_named(&format!("u-{n:06}"), "Agent", &format!("{n:06}"))).collect();
    let mut app = loaded(120, 40);
    feed(&mut app, [agents_event(rows, &[])]);
    press(&mut app, &["/"]);
    type_text(&mut app, "99999");
    press(&mut app, &["enter"]);
    assert_eq!(names(&app), ["Agent 099999"]);
    press(&mut app, &["esc"]);
    assert_eq!(selected_name(&app).as_deref(), Some("Agent 099999"), "clearing keeps the row selected");
    assert!(render(&app).contains("Agent 099999"));
}

fn user_named(id: &str, first: &str, last: &str) -> User {
    let mut user = agents().remove(0);
    user.id = cxone_console::domain::UserId::parse(id).unwrap();
    user.first_name = first.into();
    user.last_name = last.into();
    user
}
