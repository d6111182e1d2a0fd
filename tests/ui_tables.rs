//! What keys and engine events do to the console's tables: selection that
//! stays on the same entity across refreshes, freezing, marks on changed
//! cells, filters, sorting, navigation by keys and mouse, and 100,000 rows.

mod ui_support;

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use cxone_console::api::model::{User, UserStatus};
use cxone_console::domain::agent_status::AgentStatus;
use cxone_console::ui::app::{Action, App, ListId, Overlay, PaneId, update};
use cxone_console::ui::layout;
use ratatui::style::{Color, Modifier};
use std::time::Duration;
use ui_support::*;

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
    type_text(&mut app, "re:^break$");
    assert_eq!(names(&app), ["Beatriz Costa", "Elif Kaya"], "^ and $ anchor at a cell: the State cell");
    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, "!re:^break");
    assert_eq!(names(&app).len(), 10, "the README's example hides the agents on a break");
    assert!(!names(&app).contains(&"Elif Kaya".to_string()));
    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, "re:^(a|b)");
    assert!(
        names(&app).contains(&"Chloe Dubois".to_string()),
        "any cell may match: Available, Billing South"
    );

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

/// A team lead reviewing dispositions reads what each one means in the
/// table, and finds them by it.
#[test]
fn an_interactions_disposition_reads_and_filters_by_what_it_means() {
    let mut app = loaded(150, 40);
    press(&mut app, &["2"]);
    let row = |app: &App, id: &str| {
        render(app)
            .lines()
            .find(|l| l.contains(id))
            .unwrap_or_default()
            .split("││")
            .next()
            .unwrap_or_default()
            .to_string()
    };
    assert!(row(&app, "0d4e8f12").contains("closed 101 Issue Resolved"), "{}", render(&app));
    assert!(row(&app, "1e5f9023").contains("closed 102, 201"), "several go by their codes");
    assert!(row(&app, "a1b2c3d4").contains("closed needs one"));

    press(&mut app, &["/"]);
    type_text(&mut app, "issue resolved");
    let shown: Vec<String> = app.interactions.window(usize::MAX).map(|(_, i)| i.id.to_string()).collect();
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(shown[0].starts_with("0d4e8f12"), "{shown:?}");
}

/// Enter keeps only a filter that works: a `re:` pattern that does not
/// compile leaves the prompt open, naming what is wrong with it, and Esc
/// still puts back the filter from before.
#[test]
fn enter_does_not_keep_a_regex_that_does_not_compile() {
    let mut app = loaded(120, 40);
    press(&mut app, &["/"]);
    type_text(&mut app, "break");
    press(&mut app, &["enter", "/", "ctrl-u"]);
    type_text(&mut app, "re:(");
    press(&mut app, &["enter"]);
    assert!(matches!(app.overlays.last(), Some(Overlay::Filter(_))), "the prompt stays open");
    let screen = render(&app);
    let footer = screen.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_default();
    assert!(footer.contains("/re:(") && footer.contains("invalid regex: unclosed group"), "{screen}");
    assert!(footer.contains("Enter keeps only a pattern that compiles"), "{footer}");

    type_text(&mut app, "break)");
    press(&mut app, &["enter"]);
    assert!(app.overlays.is_empty(), "mended, it is kept");
    assert_eq!(app.agents.filter().input(), "re:(break)");
    assert_eq!(names(&app), ["Beatriz Costa", "Elif Kaya"]);

    press(&mut app, &["/", "ctrl-u"]);
    type_text(&mut app, "re:[b");
    press(&mut app, &["enter"]);
    assert!(matches!(app.overlays.last(), Some(Overlay::Filter(_))), "{}", render(&app));
    press(&mut app, &["esc"]);
    assert!(app.overlays.is_empty());
    assert_eq!(app.agents.filter().input(), "re:(break)", "Esc puts back the filter from before");
    assert_eq!(names(&app), ["Beatriz Costa", "Elif Kaya"]);
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
    assert_eq!(names(&app)[0], "Ines Fernandes", "▲ sorts by the time shown: shortest in state first");
    let screen = render(&app);
    assert!(screen.contains("In sta…▲"), "{screen}");
    press(&mut app, &["I"]);
    assert_eq!(names(&app)[0], "Freya Hansen", "▼ puts the longest in state first");
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

/// Each letter typed filters at once, and one on the way (`re`, before
/// `re:` makes it a pattern) may hide the selected agent: another row
/// stands in meanwhile, and the selection goes back to the agent as soon
/// as the filter shows her again, so a change key acts on the one picked.
/// Esc puts back the filter from before and its row; Enter on a filter
/// that hides her settles on the row standing in.
#[test]
fn the_selection_returns_to_its_row_when_the_filter_shows_it_again() {
    let mut app = loaded(120, 40);
    run_command(&mut app, "agent carlos");
    let carlos = Some("Carlos Garcia".to_string());
    assert_eq!(selected_name(&app), carlos);
    press(&mut app, &["/"]);
    type_text(&mut app, "re");
    assert!(!names(&app).contains(&"Carlos Garcia".to_string()), "{:?}", names(&app));
    assert!(selected_name(&app).is_some() && selected_name(&app) != carlos);
    type_text(&mut app, ":offline|available");
    assert_ne!(names(&app)[0], "Carlos Garcia", "not the fallback's place: {:?}", names(&app));
    assert_eq!(selected_name(&app), carlos, "{:?}", names(&app));
    press(&mut app, &["enter"]);
    assert_eq!(selected_name(&app), carlos);

    press(&mut app, &["/", "ctrl-u"]);
    type_text(&mut app, "re");
    press(&mut app, &["esc"]);
    assert_eq!(app.agents.filter().input(), "re:offline|available");
    assert_eq!(selected_name(&app), carlos, "Esc puts back the row too");

    press(&mut app, &["/", "ctrl-u"]);
    type_text(&mut app, "re");
    let stand_in = selected_name(&app);
    press(&mut app, &["enter", "esc"]);
    assert_eq!(app.agents.filter().input(), "");
    assert_eq!(selected_name(&app), stand_in, "kept with Enter, the row shown is the one chosen");
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

/// A pane not looked at yet opens at its top: an interaction that started
/// after the first snapshot is above the row that was first then, and is
/// the one selected; once the pane is on screen, the selection stays on its
/// interaction as newer ones come in above it.
#[test]
fn a_pane_opens_at_its_top_then_keeps_its_selection() {
    use cxone_console::domain::InteractionId;
    use cxone_console::engine::{Event, Snapshot};
    let mut app = app(120, 40);
    feed(&mut app, seeded_events());
    let newer = |id: &str, seconds_ago: i64| {
        let mut row = interactions()[0].clone();
        row.id = InteractionId::parse(id).unwrap();
        row.started_at = Some(at(seconds_ago));
        row
    };
    let mut rows = interactions();
    rows.push(newer("f0000000-0000-4000-8000-000000000001", 5));
    feed(&mut app, [Event::Snapshot(Snapshot::Interactions(table(rows.clone(), 2, &[])))]);
    press(&mut app, &["2"]);
    let selected = |app: &App| app.interactions.selected_row().map(|i| i.id.to_string());
    assert_eq!(selected(&app).as_deref(), Some("f0000000-0000-4000-8000-000000000001"), "{}", render(&app));

    rows.push(newer("f0000000-0000-4000-8000-000000000002", 1));
    feed(&mut app, [Event::Snapshot(Snapshot::Interactions(table(rows, 3, &[])))]);
    assert_eq!(selected(&app).as_deref(), Some("f0000000-0000-4000-8000-000000000001"), "{}", render(&app));
    assert_eq!(app.interactions.cursor(), 1, "below the newest, which came in above it");
}

/// The interactions pane opens on the newest, the ones a supervisor
/// reviews first, rather than in the order of their ids; one that never
/// started (no time) comes last.
#[test]
fn interactions_open_newest_first() {
    let mut app = app(120, 40);
    feed(&mut app, seeded_events());
    press(&mut app, &["2"]);
    let started: Vec<i64> = app
        .interactions
        .window(app.interactions.shown_len())
        .map(|(_, i)| i.started_at.map_or(i64::MIN, |t| t.datetime().unix_timestamp()))
        .collect();
    assert!(started.len() > 2, "{started:?}");
    assert!(started.windows(2).all(|w| w[0] >= w[1]), "newest first: {started:?}");
    let newest = interactions().into_iter().max_by_key(|i| i.started_at.map(|t| t.datetime())).unwrap();
    assert_eq!(app.interactions.selected_row().map(|i| i.id.as_str()), Some(newest.id.as_str()));
    assert!(render(&app).contains("Start…▼"), "the column says it: {}", render(&app));
}

/// `/` opens empty, as lazygit's filter does: what is typed is a new filter
/// rather than going on the end of the one in force, which ↑ brings back to
/// edit.
#[test]
fn the_filter_prompt_opens_empty_and_up_recalls_the_filter_in_force() {
    let mut app = loaded(120, 40);
    press(&mut app, &["/"]);
    type_text(&mut app, "re:^break");
    press(&mut app, &["enter", "/"]);
    assert!(render(&app).contains("↑ recalls re:^break"), "{}", render(&app));
    type_text(&mut app, "re:^break");
    press(&mut app, &["enter"]);
    assert_eq!(app.agents.filter().input(), "re:^break", "typed anew, not on the end");
    press(&mut app, &["/", "up"]);
    type_text(&mut app, "$");
    press(&mut app, &["enter"]);
    assert_eq!(app.agents.filter().input(), "re:^break$");
    assert_eq!(names(&app), ["Beatriz Costa", "Elif Kaya"]);
}

/// Enter with no row shown says nothing is selected, as a change key does,
/// rather than opening a window with nothing in it.
#[test]
fn enter_with_no_row_shown_says_nothing_is_selected() {
    let mut app = loaded(120, 40);
    press(&mut app, &["/"]);
    type_text(&mut app, "nobody at all");
    press(&mut app, &["enter", "enter"]);
    assert!(app.overlays.is_empty(), "no empty window: {:?}", app.overlays);
    assert!(render(&app).contains("No agent is selected."), "{}", render(&app));
}
