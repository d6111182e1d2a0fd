//! The tables' filter as the supervisor types it: text, regexes and
//! inversion, a pattern that does not compile, the selection kept through
//! a filter that hides it for a moment, and 100,000 rows.

mod ui_support;

use cxone_console::api::model::User;
use cxone_console::ui::app::{App, Overlay};
use ui_support::*;

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

/// A name the tenant sent a megabyte long: its cell, its details and the
/// agents' names elsewhere keep its first characters and an ellipsis; the
/// filter finds it by what is shown, not by what was cut, and it sorts by
/// its start among the others.
#[test]
fn an_agent_named_with_a_megabyte_shows_filters_and_sorts_by_its_start() {
    use cxone_console::ui::app::ListId;
    use cxone_console::ui::capped::{CUT, LONGEST};
    use cxone_console::ui::entity::Entity;

    let mut app = loaded(120, 40);
    let mut rows = agents();
    let long = format!("Longfellow{}end", "x".repeat(1 << 20));
    rows.push(user_named("u-long", "Dara", &long));
    feed(&mut app, [agents_event(rows, &[])]);
    let row = app.agents.rows().iter().find(|u| u.id.as_str() == "u-long").expect("loaded").clone();

    let lookup = app.lookup();
    let cell = User::columns()[0].cell(&row, &lookup);
    assert_eq!(cell.chars().count(), LONGEST + 1, "cut to what a screen shows");
    assert!(cell.starts_with("Dara Longfellowxxx") && cell.ends_with(CUT), "{}", &cell[..40]);
    assert_eq!(app.directory.name("u-long").map(|n| n.chars().count()), Some(LONGEST + 1));

    // Sorted by name, it stands among the D's, by its start.
    let shown: Vec<String> = names(&app).iter().map(|n| n.chars().take(12).collect()).collect();
    let mut by_name = shown.clone();
    by_name.sort_by_key(|n| n.to_lowercase());
    assert_eq!(shown, by_name);

    press(&mut app, &["/"]);
    type_text(&mut app, "longfellow");
    press(&mut app, &["enter"]);
    assert_eq!(names(&app).len(), 1, "found by what is shown");
    let (_, fields) = cxone_console::ui::panes::detail::fields(&app, ListId::Agents);
    let fields = fields.expect("the agent is selected");
    let name = fields.iter().find(|f| f.label == "Name").expect("a Name line");
    assert!(name.value.chars().count() <= LONGEST + 1 && name.value.ends_with(CUT), "{}", &name.value[..40]);
    assert!(render(&app).contains("Longfellowxxx"), "{}", render(&app));

    press(&mut app, &["/", "ctrl-u"]);
    type_text(&mut app, "xxxend");
    assert!(names(&app).is_empty(), "what was cut is not searched");
}

/// Two agents whose names differ only past what the screen shows look
/// alike, so a form tells them apart by user name, and its title is cut
/// as their cells are.
#[test]
fn agents_alike_in_what_is_shown_are_told_apart_and_their_form_title_is_cut() {
    use cxone_console::ui::capped::{LONGEST, LONGEST_LINE};

    let mut app = loaded(120, 40);
    let mut rows = agents();
    let stem = "y".repeat(1 << 20);
    let mut first = user_named("u-one", "Zed", &format!("{stem}one"));
    first.user_name = "zed.one".into();
    let mut second = user_named("u-two", "Zed", &format!("{stem}two"));
    second.user_name = "zed.two".into();
    rows.extend([first, second]);
    feed(&mut app, [agents_event(rows, &[])]);
    press(&mut app, &["G", "c"]);
    let form = form(&app);
    assert!(form.title.chars().count() <= LONGEST_LINE + 1, "cut");
    assert!(
        form.title.contains(&format!("{}… (zed.", "y".repeat(LONGEST - 4))),
        "the name is cut as in its cell"
    );
    assert!(render(&app).contains("Change state · Zed yyy"), "{}", render(&app));
    assert!(
        form.title.ends_with(" (zed.two)") || form.title.ends_with(" (zed.one)"),
        "told apart by user name"
    );
}
