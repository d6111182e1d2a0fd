//! What keys and engine events do to the console as a whole: panes, the
//! command line, quitting, keymap overrides, NO_COLOR, the audit log's
//! follow mode, windows, time and flash messages. The tables' own behaviour
//! is in `ui_tables.rs` and `ui_filter.rs`.

mod ui_support;

use cxone_console::engine::outbox::{Listing, OutboxStatus, Row, RowState};
use cxone_console::engine::{Command, CommandId, Event, Finished, Outcome};
use cxone_console::sandbox::FaultProfile;
use cxone_console::ui::Looks;
use cxone_console::ui::app::{Action, App, Clock, Effect, ListId, Overlay, PaneId, update};
use cxone_console::ui::keymap::Keymap;
use cxone_console::ui::theme::{Colors, Theme};
use ratatui::style::{Color, Modifier};
use serde_json::json;
use std::time::Duration;
use ui_support::*;

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
    // The change comes back while the question is open: it says so.
    let result = Finished::Single { target: None, outcome: Outcome::applied("done") };
    feed(&mut app, [Event::Finished { id: id.clone(), result }]);
    let screen = render(&app);
    assert!(screen.contains("nothing is in flight now") && !screen.contains("0 changes"), "{screen}");
    assert_eq!(press(&mut app, &["y"]), [Effect::Quit]);

    let mut app = loaded(120, 40);
    let result = Finished::Single { target: None, outcome: Outcome::applied("Amara Okafor is now on Break") };
    feed(&mut app, [Event::Accepted { id: id.clone(), total: 1 }, Event::Finished { id, result }]);
    assert!(app.sent.is_empty());
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

    assert_eq!(run_command(&mut app, "faults storm"), [Effect::SetFaults(FaultProfile::Storm)]);
    assert_eq!(run_command(&mut app, "ref"), [Effect::Engine(Command::Reload)], "the only suggestion runs");
    assert!(run_command(&mut app, "launch").is_empty());
    assert!(render(&app).contains("unknown command \"launch\""));
    assert_eq!(press(&mut app, &["ctrl-r"]), [], "keys type text while the line is open");
}

/// A refused line stays for mending, but `:` typed on it next starts a new
/// command, as `:` does on the panes: nothing is glued onto the refused text.
#[test]
fn colon_after_a_refused_command_starts_a_new_one() {
    let mut app = ready(120, 40);
    assert!(run_command(&mut app, "state Available Lunch").is_empty(), "refused");
    assert!(render(&app).contains("only a Break takes a pause reason"), "{}", render(&app));
    type_text(&mut app, ":watch");
    let Some(Overlay::Palette(line)) = app.overlays.last() else { panic!("the command line is open") };
    assert_eq!(line.input, "watch");
    assert_eq!(line.error, None, "the refusal went with its text");

    // Mended after its refusal, the line is the supervisor's: `:` is typed.
    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, "state Busy Lunch");
    press(&mut app, &["enter", "backspace"]);
    type_text(&mut app, "h:");
    let Some(Overlay::Palette(line)) = app.overlays.last() else { panic!("the command line is open") };
    assert_eq!(line.input, "state Busy Lunch:");

    // A refused line left inside an open quote goes on with `:` too.
    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, "attr url=\"https");
    press(&mut app, &["enter"]);
    type_text(&mut app, "://");
    let Some(Overlay::Palette(line)) = app.overlays.last() else { panic!("the command line is open") };
    assert_eq!(line.input, "attr url=\"https://");
}

/// `agent ha` runs on its own (the first agent whose name holds "ha"), but
/// a suggestion chosen with ↑/↓ is what Enter runs, as the hint says.
#[test]
fn enter_runs_the_suggestion_chosen_with_the_arrows() {
    let mut app = loaded(120, 40);
    press(&mut app, &["2", ":"]);
    type_text(&mut app, "agent ha");
    press(&mut app, &["down", "enter"]);
    assert_eq!(app.focus, PaneId::Agents);
    assert_eq!(selected_name(&app).as_deref(), Some("Bilal Haddad"), "the highlighted one, not the first");

    press(&mut app, &["2", ":"]);
    type_text(&mut app, "agent ha");
    press(&mut app, &["down", "up", "enter"]);
    assert_eq!(selected_name(&app).as_deref(), Some("Hassan Ibrahim"), "back up to the first");

    // Typing after choosing starts over: the line as typed runs again.
    press(&mut app, &["2", ":"]);
    type_text(&mut app, "agent h");
    press(&mut app, &["down"]);
    type_text(&mut app, "a");
    press(&mut app, &["enter"]);
    assert_eq!(selected_name(&app).as_deref(), Some("Hassan Ibrahim"));
}

#[test]
fn resend_puts_the_webhooks_given_up_on_back_in_line_and_says_how_many() {
    let mut app = loaded(120, 40);
    let given_up = OutboxStatus { failed: 2, running: true, ..OutboxStatus::default() };
    feed(&mut app, [Event::Outbox(given_up)]);
    assert!(render(&app).contains("webhook 2 gave up · :resend"), "{}", render(&app));
    assert!(!render(&app).contains("without a URL"), "nothing to count is not counted");
    let effects = run_command(&mut app, "resend");
    let [Effect::Engine(Command::ResendWebhooks { id, .. })] = effects.as_slice() else {
        panic!("resend asks the engine: {effects:?}")
    };
    assert!(render(&app).contains("Putting the webhooks given up on back in line"));
    let outcome = Outcome::applied("2 webhooks given up on are back in line");
    feed(&mut app, [Event::Finished { id: id.clone(), result: Finished::Single { target: None, outcome } }]);
    assert!(render(&app).contains("Webhooks: 2 webhooks given up on are back in line"), "{}", render(&app));
    assert!(run_command(&mut app, "resend now").is_empty(), "resend takes nothing after it");
    press(&mut app, &["esc"]);

    let effects = run_command(&mut app, "outbox");
    let [Effect::Engine(Command::ListWebhooks { id })] = effects.as_slice() else {
        panic!("outbox asks the engine: {effects:?}")
    };
    let row = Row {
        state: RowState::GivenUp,
        target: "crm".into(),
        event: "contact.disposition.updated".into(),
        since: "2026-11-21T14:00:00Z".into(),
        id: "msg_01".into(),
        attempts: Some(15),
        reason: Some("answered 400 Bad Request".into()),
    };
    let listing = Listing { waiting: 0, given_up: 1, rows: vec![row], ..Listing::default() };
    let outcome = Outcome::Applied { summary: listing.summary(), data: Some(json!({ "webhooks": listing })) };
    feed(&mut app, [Event::Finished { id: id.clone(), result: Finished::Single { target: None, outcome } }]);
    let screen = render(&app);
    assert!(screen.contains("Webhooks · 0 waiting, 1 given up on"), "{screen}");
    assert!(
        screen.contains("given up  crm  2026-11-21T14:00:00Z  15×  msg_01  answered 400 Bad Request"),
        "{screen}"
    );
    assert!(screen.contains("answered 400 Bad Request"), "{screen}");
    assert!(screen.contains(":resend sends those given up on again"), "{screen}");

    let mut session = sandbox_session();
    session.read_only = true;
    let mut watching = app_with(session, Looks::defaults(Colors::On), 120, 40);
    assert!(run_command(&mut watching, "resend").is_empty());
    assert!(render(&watching).contains("resend sends webhooks out again, and this console is read-only"));
}

#[test]
fn faults_are_refused_in_words_on_a_real_tenant() {
    let mut app = app_with(tenant_session(), Looks::defaults(Colors::On), 120, 40);
    assert!(run_command(&mut app, "faults storm").is_empty());
    assert!(render(&app).contains("faults can only be set on the embedded sandbox"));
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

    // A page down moves by the lines the window shows, so none is skipped.
    let screen = render(&app);
    let rows: Vec<&str> = screen.lines().collect();
    let top = rows.iter().position(|r| r.contains("┌ Help")).expect("the help window's top");
    let bottom = rows.iter().position(|r| r.contains("└ Esc closes")).expect("the help window's bottom");
    press(&mut app, &["pagedown"]);
    assert_eq!(app.overlays.last(), Some(&Overlay::Help { scroll: bottom - top - 1 }), "{screen}");
    press(&mut app, &["q"]);
    assert!(app.overlays.is_empty(), "q closes a window rather than quitting");
}

#[test]
fn the_key_that_opens_a_window_closes_it() {
    let mut app = loaded(100, 30);
    press(&mut app, &["m"]);
    assert!(matches!(app.overlays.last(), Some(Overlay::Breakdown { .. })));
    press(&mut app, &["m"]);
    assert!(app.overlays.is_empty(), "m again closes the per-operation window");

    press(&mut app, &["enter", "?"]);
    assert!(
        matches!(app.overlays.as_slice(), [Overlay::Detail { .. }, Overlay::Help { .. }]),
        "help over details"
    );
    press(&mut app, &["?"]);
    assert!(
        matches!(app.overlays.as_slice(), [Overlay::Detail { .. }]),
        "? closes the help and only the help"
    );
    press(&mut app, &["m", "m", "esc"]);
    assert!(app.overlays.is_empty());
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
