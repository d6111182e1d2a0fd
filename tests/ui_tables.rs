//! What keys and engine events do to the console's tables: selection that
//! stays on the same entity across refreshes, freezing, marks on changed
//! cells, sorting, and navigation by keys and mouse. Filters are in
//! `ui_filter.rs`.

mod ui_support;

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use cxone_console::api::model::{Contact, User, UserStatus};
use cxone_console::domain::agent_status::AgentStatus;
use cxone_console::engine::{Event, RowKey, Snapshot};
use cxone_console::ui::app::{Action, App, ListId, PaneId, update};
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
    let ids = ["12345-abcde-67890", "6f2c8dae-4a5b-4ebf-9b9c-8d7e6f5a4b3c"];
    feed(&mut app, [agents_event(rows, &ids)]);
    let [amara_key, clock_moved] = ids.map(|id| RowKey::new(None, id));
    let state_and_reason = (1 << 2) | (1 << 3);
    assert_eq!(app.agents.marked(&amara_key), state_and_reason);
    assert_eq!(app.agents.marked(&clock_moved), 0);

    let buffer = frame(&app);
    let y = row_of(&buffer, "Amara Okafor").unwrap();
    let x = find_in_row(&buffer, y, "Break").unwrap();
    assert!(buffer[(x, y)].modifier.contains(Modifier::BOLD));
    assert_eq!(buffer[(x, y)].fg, Color::LightYellow, "marked with the `changed` role");

    app.mark_drawn();
    tick(&mut app, Duration::from_secs(1));
    assert_ne!(app.agents.marked(&amara_key), 0);
    tick(&mut app, Duration::from_secs(3));
    assert_eq!(app.agents.marked(&amara_key), 0);
    assert!(app.is_dirty(), "a fading mark redraws");
}

/// A contact's id is unique only within its campaign: a refresh that
/// changes one marks its cells, not those of another campaign's contact
/// of the same id.
#[test]
fn a_changed_contact_marks_its_own_cells_not_another_campaigns_of_its_id() {
    let mut app = loaded(120, 40);
    let (own, twin, mut rows) = contact_and_twin(&mut app);
    let changed = rows.iter_mut().find(|c| **c == own).expect("the contact");
    changed.outcome_code = Some("CALLBACK".into());
    let (own_key, twin_key) = (contact_key(&own), contact_key(&twin));
    feed(&mut app, [Event::Snapshot(Snapshot::Contacts(table(rows, 3, std::slice::from_ref(&own_key))))]);
    assert_ne!(app.contacts.marked(&own_key), 0, "{}", render(&app));
    assert_eq!(app.contacts.marked(&twin_key), 0, "another campaign's contact of the same id");
    press(&mut app, &["j"]);
    let buffer = frame(&app);
    let y = row_of(&buffer, "CALLBACK").expect("its row is drawn");
    let x = find_in_row(&buffer, y, "CALLBACK").expect("its new outcome");
    assert_eq!(buffer[(x, y)].fg, Color::LightYellow, "drawn marked");
    press(&mut app, &["h", "j", "l"]);
    let buffer = frame(&app);
    let y = row_of(&buffer, &format!("{} ", own.display_name())).expect("the twin is drawn");
    let x = find_in_row(&buffer, y, own.outcome_code.as_deref().expect("an outcome")).expect("its outcome");
    assert_ne!(buffer[(x, y)].fg, Color::LightYellow, "not marked");
}

/// With no campaign chosen every campaign's contacts are shown: the one of
/// two contacts of the same id picked is the one selected, and stays so
/// through a refresh.
#[test]
fn the_selected_contact_is_kept_apart_from_another_campaigns_of_its_id() {
    let mut app = loaded(120, 40);
    let (own, _, rows) = contact_and_twin(&mut app);
    let lookup = cxone_console::ui::entity::Lookup { now: app.clock.wall, names: &app.directory };
    app.contacts.set_group(None, &lookup);
    let key = contact_key;
    // The later of the two in the table's order, which a search by id alone never reaches.
    let shown: Vec<Contact> = app.contacts.window(usize::MAX).map(|(_, c)| c.clone()).collect();
    let later = shown.iter().rev().find(|c| c.id == own.id).expect("both are shown").clone();
    assert!(app.contacts.select_key(&key(&later)), "{}", render(&app));
    assert_eq!(app.contacts.selected_row().map(|c| &c.campaign_id), Some(&later.campaign_id));
    feed(&mut app, [Event::Snapshot(Snapshot::Contacts(table(rows, 3, &[key(&own)])))]);
    assert_eq!(app.contacts.selected_row().map(|c| &c.campaign_id), Some(&later.campaign_id), "kept");
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
    assert!(screen.contains("In state▲"), "the sorted column says its title whole: {screen}");
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

/// A pane not looked at yet opens at its top: an interaction that started
/// after the first snapshot is above the row that was first then, and is
/// the one selected; once the pane is on screen, the selection stays on its
/// interaction as newer ones come in above it.
#[test]
fn a_pane_opens_at_its_top_then_keeps_its_selection() {
    use cxone_console::domain::InteractionId;
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
    assert!(render(&app).contains("Started▼"), "the column says it whole: {}", render(&app));
}

#[test]
fn the_started_column_shows_its_title_and_sort_arrow_whole_at_every_width() {
    // The pane opens sorted by Started, newest first: the column is 8 wide
    // so the arrow does not cut its title to "Starte▼".
    for (width, height) in [(160, 45), (120, 40), (80, 24)] {
        let mut app = app(width, height);
        feed(&mut app, seeded_events());
        press(&mut app, &["2"]);
        let buffer = frame(&app);
        assert!(row_of(&buffer, "Started▼").is_some(), "at {width}×{height}:\n{}", render(&app));
        press(&mut app, &["T"]);
        let buffer = frame(&app);
        assert!(row_of(&buffer, "Started▲").is_some(), "at {width}×{height}, reversed:\n{}", render(&app));
    }
}

/// Whichever column a table is sorted by stays, with room for its whole
/// title and arrow, taken from the columns beside it (Shift, dropped first
/// at 80 columns, stays while the table is ordered by it).
#[test]
fn the_sorted_column_says_its_title_whole_even_when_room_is_short() {
    let mut app = loaded(80, 24);
    press(&mut app, &["1"]);
    for (letter, title) in [("S", "State"), ("I", "In state"), ("H", "Shift")] {
        press(&mut app, &[letter]);
        let screen = render(&app);
        assert!(screen.contains(&format!("{title}▲")), "sorted by {title}:\n{screen}");
    }
}

/// On a screen too narrow for the sorted column beside the columns that
/// always stay, it goes rather than squeezing them all into stubs.
#[test]
fn a_sorted_column_with_no_room_beside_the_others_gives_way() {
    let mut app = loaded(34, 12);
    press(&mut app, &["2"]);
    for (letter, title) in [("U", "Customer"), ("T", "Started"), ("Q", "Queue")] {
        press(&mut app, &[letter]);
        let screen = render(&app);
        let header = screen.lines().nth(2).unwrap_or_default();
        let cut = &title[..5];
        assert!(
            header.contains(&format!("{title}▲")) || !header.contains(cut),
            "sorted by {title}, the header neither says it whole nor leaves it out: {header}"
        );
        assert!(header.contains("Id") && header.contains("Status"), "{header}");
    }
}
