//! The `:` command line at the foot of the screen when what is typed is
//! wider than the terminal: its end (where the cursor is) stays in view,
//! and so does why the last Enter was refused.

mod ui_support;

use cxone_console::ui::app::App;
use ui_support::*;

/// The screen's rows from the last that starts with `:`, down, without
/// the quotes `render` puts around each.
fn command_rows(app: &App) -> Vec<String> {
    let screen = render(app);
    let rows: Vec<String> = screen.lines().map(|l| l[1..l.len() - 1].to_string()).collect();
    let at =
        rows.iter().rposition(|r| r.starts_with(':')).unwrap_or_else(|| panic!("no command line:\n{screen}"));
    rows[at..].to_vec()
}

/// A long pair list: 16 pairs, about 130 columns.
fn long_line() -> String {
    (1..=16).map(|n| format!("key{n:02}=val{n:02}")).collect::<Vec<_>>().join(" ")
}

#[test]
fn a_line_wider_than_the_screen_keeps_its_end_and_cursor_in_view() {
    let mut app = ready(80, 24);
    press(&mut app, &["2", ":"]);
    type_text(&mut app, &format!("attr {}", long_line()));
    let rows = command_rows(&app);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].starts_with(":…"), "the start is cut, and says so: {rows:?}");
    assert!(rows[0].contains("key16=val16▏"), "the typed end and the cursor: {rows:?}");
}

/// A refusal too long to sit beside the typed end goes under it, whole;
/// on a screen too short for more lines it shares the one line, cut.
#[test]
fn a_refusal_of_a_long_line_stays_in_view_with_the_typed_end() {
    let mut app = ready(80, 24);
    press(&mut app, &["2", ":"]);
    type_text(&mut app, &format!("attr {} oops", long_line()));
    press(&mut app, &["enter"]);
    let rows = command_rows(&app);
    assert!(rows[0].starts_with(":…") && rows[0].contains("val16 oops▏"), "{rows:?}");
    let reason = rows[1..].join(" ");
    assert!(reason.contains(r#""oops" is not key=value"#), "{rows:?}");
    assert!(reason.contains(r#"note="call back")"#), "the reason is whole: {rows:?}");

    let mut app = ready(80, 12);
    press(&mut app, &["2", ":"]);
    type_text(&mut app, &format!("attr {} oops", long_line()));
    press(&mut app, &["enter"]);
    let rows = command_rows(&app);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].contains("oops▏"), "the typed end: {rows:?}");
    assert!(rows[0].contains(r#""oops" is not key=value"#), "the reason's start: {rows:?}");
}

/// What fits is drawn as ever: the whole line, the keys after it.
#[test]
fn a_line_that_fits_is_shown_whole_with_the_keys() {
    let mut app = ready(120, 40);
    press(&mut app, &["2", ":"]);
    type_text(&mut app, "attr tier=gold");
    let rows = command_rows(&app);
    assert!(
        rows[0].starts_with(":attr tier=gold▏  Tab completes · ↑↓ choose · Enter runs · Esc closes"),
        "{rows:?}"
    );
}

/// The `/` filter's prompt too: a pattern wider than the screen shows its
/// typed end by the cursor, and a pattern that does not compile says why.
#[test]
fn a_filter_wider_than_the_screen_keeps_its_end_and_its_fault_in_view() {
    let mut app = ready(80, 24);
    press(&mut app, &["1", "/"]);
    let pattern = format!("re:{}(", (1..=20).map(|n| format!("agent{n:02}")).collect::<Vec<_>>().join("|"));
    type_text(&mut app, &pattern);
    let screen = render(&app);
    let row = screen
        .lines()
        .map(|l| l[1..l.len() - 1].to_string())
        .rfind(|r| r.starts_with('/'))
        .unwrap_or_else(|| panic!("no filter prompt:\n{screen}"));
    assert!(row.starts_with("/…") && row.contains("agent20(▏"), "the typed end and the cursor: {row}");
    assert!(row.contains("unclosed group") || row.contains("regex"), "why it does not compile: {row}");
}
