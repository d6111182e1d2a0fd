//! What the console draws when room is short. Text gives way whole (a
//! pane's name, a hint) or ends in "…", and never runs into what is next
//! to it.

mod ui_support;

use cxone_console::engine::{Event, Snapshot};
use cxone_console::ui::app::App;
use cxone_console::ui::theme::Role;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use ui_support::*;

const PANES: [&str; 4] = ["1 Agents", "2 Interactions", "3 Campaigns", "4 Data actions"];

/// Row `y` of the frame as text, one character per cell.
fn row(buffer: &Buffer, y: u16) -> String {
    (0..buffer.area.width).map(|x| buffer[(x, y)].symbol()).collect()
}

fn fg(app: &App, role: Role) -> Color {
    app.theme.style(role).fg.unwrap_or(Color::Reset)
}

/// The colour of the first letter of `needle` in row `y`.
fn colour_at(buffer: &Buffer, y: u16, needle: &str) -> Option<Color> {
    find_in_row(buffer, y, needle).map(|x| buffer[(x, y)].fg)
}

#[test]
fn at_120_columns_the_tab_bar_names_every_pane_and_highlights_the_current_one() {
    let mut app = loaded(120, 40);
    assert_ne!(fg(&app, Role::Accent), fg(&app, Role::Muted), "the theme tells them apart");
    for (key, current) in ["1", "2", "3", "4"].into_iter().zip(PANES) {
        press(&mut app, &[key]);
        let buffer = frame(&app);
        let bar = row(&buffer, 1);
        for pane in PANES {
            assert!(bar.contains(pane), "{pane:?} is named with {current:?} current: {bar}");
            let role = if pane == current { Role::Accent } else { Role::Muted };
            assert_eq!(colour_at(&buffer, 1, pane), Some(fg(&app, role)), "{pane:?} in {bar}");
        }
    }
}

#[test]
fn the_tab_bar_leaves_the_counts_on_its_right_whole() {
    let mut app = loaded(120, 40);
    press(&mut app, &["space", "space", "space"]);
    let bar = row(&frame(&app), 1);
    assert!(bar.contains(" 3 marked  12 ┐"), "{bar}");
    for pane in PANES {
        assert!(bar.contains(pane), "there is still room for {pane:?}: {bar}");
    }
}

#[test]
fn a_narrower_tab_bar_shortens_the_other_panes_then_shows_only_the_current_one() {
    // 80 columns: the table is 50 wide; every pane is still there, the
    // current one in full.
    let mut app = loaded(80, 24);
    for (key, current) in ["1", "2", "3", "4"].into_iter().zip(PANES) {
        press(&mut app, &[key]);
        let buffer = frame(&app);
        let bar = row(&buffer, 1);
        assert!(bar.contains(current), "{bar}");
        assert_eq!(colour_at(&buffer, 1, current), Some(fg(&app, Role::Accent)), "{bar}");
        for pane in PANES {
            // The number and at least the first letter of the name.
            let named = &pane[..3];
            assert!(bar.contains(&format!(" {named}")), "{named:?}… is named: {bar}");
        }
        assert!(!bar.contains("…"), "shortened by rule, not cut: {bar}");
    }
    // 40 columns: the current pane named, the others by number.
    let mut app = loaded(40, 12);
    press(&mut app, &["2"]);
    let bar = row(&frame(&app), 1);
    assert!(bar.starts_with("┌ 1  2 Interactions  3  4 ─") && bar.ends_with(" 6 ┐"), "{bar}");
    // 24 columns: the current pane, and the count beside it.
    let mut app = loaded(24, 12);
    press(&mut app, &["2"]);
    let bar = row(&frame(&app), 1);
    assert!(bar.starts_with("┌ 2 Interactions ─") && bar.ends_with(" 6 ┐"), "{bar}");
}

/// The form's bottom border, between its corners.
fn form_keys(buffer: &Buffer) -> String {
    let y = (0..buffer.area.height)
        .rev()
        .find(|&y| row(buffer, y).contains('└') && row(buffer, y).contains(" review"))
        .expect("a row with the form's keys");
    let line = row(buffer, y);
    let start = line.find('└').expect("the form's corner") + '└'.len_utf8();
    let end = line.rfind('┘').expect("the form's other corner");
    line[start..end].trim_matches('─').to_string()
}

/// Every hint a form can show, whole.
const FORM_HINTS: [&str; 6] = [
    "Enter review",
    "Tab next field",
    "Ctrl-n add row",
    "Ctrl-x remove row",
    "Esc cancel",
    "←→/Space choose",
];

fn assert_whole_hints(line: &str, separator: &str) {
    let parts: Vec<&str> = line.split(separator).map(str::trim).filter(|p| !p.is_empty()).collect();
    for part in &parts {
        assert!(FORM_HINTS.contains(part), "{part:?} is not a whole hint: {line:?}");
    }
    for kept in ["Enter review", "Esc cancel"] {
        assert!(parts.contains(&kept), "{kept:?} stays: {line:?}");
    }
}

#[test]
fn at_60_columns_a_forms_keys_drop_whole_hints_and_keep_review_and_cancel() {
    // The state form (a choice has the focus) and the outcome form (rows).
    for keys in [&["c"][..], &["3", "l", "d"][..]] {
        let mut app = ready(60, 24);
        press(&mut app, keys);
        let buffer = frame(&app);
        assert_whole_hints(&form_keys(&buffer), " · ");
        let bottom = row(&buffer, buffer.area.height - 1);
        assert_whole_hints(&bottom, "  ");
    }
}

#[test]
fn wide_forms_keep_every_hint() {
    let mut app = ready(120, 40);
    press(&mut app, &["3", "l", "d"]);
    let keys = form_keys(&frame(&app));
    for hint in FORM_HINTS {
        assert!(keys.contains(hint), "{hint:?} in {keys:?}");
    }
}

/// For each suggestion starting with `prefix` (the box stands on the
/// screen's left edge, inside its border) and describing itself with
/// `desc`: the column its description starts in, on the suggestion's line
/// or, for a suggestion on a line of its own, the next; and the suggestion
/// as shown.
fn description_columns(buffer: &Buffer, prefix: &str, desc: &str) -> Vec<(u16, String)> {
    (0..buffer.area.height)
        .filter(|&y| row(buffer, y).starts_with(&format!("│{prefix}")))
        .filter_map(|y| {
            let (x, at) = [y, y + 1].into_iter().find_map(|r| Some((find_in_row(buffer, r, desc)?, r)))?;
            let end = if at == y { x } else { buffer.area.width };
            let shown: String = (1..end).map(|x| buffer[(x, y)].symbol()).collect();
            Some((x, shown.split('│').next().unwrap_or_default().trim_end().to_string()))
        })
        .collect()
}

#[test]
fn suggestions_show_whole_with_their_descriptions_in_one_column() {
    let mut app = ready(120, 40);
    press(&mut app, &[":"]);
    type_text(&mut app, "state Break ");
    let buffer = frame(&app);
    let rows = description_columns(&buffer, "state Break ", "pause reason");
    assert_eq!(rows.len(), 4, "{}", render(&app));
    let column = rows[0].0;
    assert_eq!(column, 1 + 28 + 1, "after the border, the longest suggestion and a space");
    for (x, shown) in &rows {
        assert_eq!(*x, column, "every description starts in one column: {shown:?}");
        assert!(!shown.contains('…'), "{shown:?}");
    }
    assert!(rows.iter().any(|(_, shown)| shown == "state Break Coaching Session"), "{rows:?}");
}

#[test]
fn suggestions_with_wide_characters_keep_the_description_column() {
    let mut app = ready(120, 40);
    let mut people = agents();
    people.push(user_named("7e570001-0000-4000-8000-000000000000", "李小龙", "Lee Jun-fan Bruce"));
    people.push(user_named("7e570002-0000-4000-8000-000000000000", "李娜", "Li"));
    feed(&mut app, [agents_event(people, &[])]);
    press(&mut app, &[":"]);
    type_text(&mut app, "agent 李");
    let buffer = frame(&app);
    // Both are on the first seeded agent's team.
    let rows = description_columns(&buffer, "agent 李", "Billing North");
    assert_eq!(rows.len(), 2, "{}", render(&app));
    assert_eq!(rows[0].0, rows[1].0, "one column whatever the characters' width: {rows:?}");
    // Wider than the column: on a line of its own, whole, its description under it.
    let long = rows.iter().find(|(_, b)| b.contains("李 小 龙")).expect("the long name");
    assert!(long.1.ends_with("Lee Jun-fan Bruce"), "{long:?}");
}

/// A wrap-up code longer than its box at 60 columns.
const LONG_CODE: &str = "ACW-2026-11-21-billing-north-callback-queue-overflow-END";

/// What a form's field shows after its label, up to the form's border.
fn field_text(buffer: &Buffer, label: &str) -> String {
    let y = row_of(buffer, label).expect("the field's row");
    let line = row(buffer, y);
    let after = &line[line.find(label).expect("the label") + label.len()..];
    after.split('│').next().unwrap_or_default().trim().to_string()
}

#[test]
fn a_text_field_without_the_focus_shows_its_start_and_marks_the_cut() {
    let mut app = ready(60, 24);
    press(&mut app, &["c", "tab", "tab"]);
    type_text(&mut app, LONG_CODE);
    let focused = field_text(&frame(&app), "Wrap-up code");
    assert!(
        LONG_CODE.ends_with(&focused) && focused.ends_with("END"),
        "typing shows the cursor's end: {focused:?}"
    );
    press(&mut app, &["tab"]);
    let shown = field_text(&frame(&app), "Wrap-up code");
    assert!(shown.ends_with('…'), "the cut is marked: {shown:?}");
    let start = shown.trim_end_matches('…');
    assert!(start.len() > 10 && LONG_CODE.starts_with(start), "the value's start: {shown:?}");
    // A value that fits shows whole, with no mark.
    press(&mut app, &["shift-tab", "ctrl-u"]);
    type_text(&mut app, "ACW-12");
    press(&mut app, &["tab"]);
    assert_eq!(field_text(&frame(&app), "Wrap-up code"), "ACW-12");
}

/// The discard question on a form's bottom border, and whether its two
/// keys are drawn as keys.
fn discard_question(app: &App) -> (String, bool) {
    let buffer = frame(app);
    let y = row_of(&buffer, "Discard").expect("the discard question");
    let line = row(&buffer, y);
    // The form's corners are the nearest either side: panes behind it may
    // have corners on the same row.
    let at = line.find("Discard").unwrap_or_default();
    let start = line[..at].rfind('└').expect("the form's corner") + '└'.len_utf8();
    let end = at + line[at..].find('┘').expect("the form's other corner");
    let question = line[start..end].trim_matches('─').trim().to_string();
    // The border has the keys' colour; their weight sets them apart.
    let key = app.theme.style(Role::Key);
    let is_key = |x: u16| {
        let cell = &buffer[(x, y)];
        Some(cell.fg) == key.fg && cell.modifier.contains(key.add_modifier)
    };
    let (from, to) = (line[..start].chars().count() as u16, line[..end].chars().count() as u16);
    let keys: String = (from..to).filter(|&x| is_key(x)).map(|x| buffer[(x, y)].symbol()).collect();
    (question, ["yn/Enter/Esc", "yn/Enter", "yn"].contains(&keys.as_str()))
}

#[test]
fn the_discard_question_reads_whole_at_any_width() {
    let wordings = [
        "Discard what you typed? y discards · n/Enter/Esc keep editing",
        "Discard? y discards · n/Enter/Esc keep editing",
        "Discard? y discards · n/Enter keeps editing",
        "Discard? y yes · n/Enter no",
        "Discard? y/n",
    ];
    for width in [120, 70, 66, 60, 56, 50, 44, 36, 30, 24] {
        let mut app = ready(width, 24);
        press(&mut app, &["c", "right", "esc"]);
        let (question, keyed) = discard_question(&app);
        assert!(wordings.contains(&question.as_str()), "at {width} columns: {question:?}");
        assert!(keyed, "at {width} columns both keys show as keys: {question:?}");
        if width >= 70 {
            assert_eq!(question, wordings[0], "room for all of it at {width} columns");
        }
    }
}

const LONG_CAMPAIGN: &str = "Payment Reminder for Premium Business Customers in the North";

#[test]
fn a_long_campaign_name_gives_way_to_the_contact_counts() {
    let mut all = campaigns();
    // The first by name, so the one selected.
    for campaign in all.iter_mut().filter(|c| c.name == "Payment Reminder") {
        campaign.name = LONG_CAMPAIGN.into();
    }
    let counts = " 4 of 4 ";
    for width in [60, 40, 30] {
        let mut app = loaded(width, 24);
        feed(&mut app, [Event::Snapshot(Snapshot::Campaigns(table(all.clone(), 2, &[])))]);
        press(&mut app, &["3"]);
        let buffer = frame(&app);
        let y =
            row_of(&buffer, "Contacts ·").unwrap_or_else(|| panic!("the contacts' title:\n{}", render(&app)));
        let line = row(&buffer, y);
        assert!(line.ends_with(&format!("{counts}┐")), "the counts whole at the right: {line}");
        let title = line.split(" · ").nth(1).expect("the campaign's name");
        let name = title.split(counts).next().unwrap_or_default().trim_end_matches(['─', ' ']);
        assert!(name.ends_with('…'), "the name is cut with a mark: {line}");
        assert!(LONG_CAMPAIGN.starts_with(name.trim_end_matches('…')), "the name's start: {line}");
        assert!(line.contains(&format!("{name} ─")), "a border column before the counts: {line}");
    }
}

/// On a narrow screen the labels give way to the values: a third of the
/// form for labels (cut with "…"), the rest for what is chosen or typed.
#[test]
fn a_narrow_form_keeps_its_values_in_view() {
    let mut app = ready(32, 16);
    press(&mut app, &["c"]);
    let state = form(&app).fields[0].value();
    let screen = render(&app);
    assert!(screen.contains(&format!("◂ {state} ▸")), "the state chosen shows: {screen}");
    assert!(
        screen.contains("Respec…") && !screen.contains("Respect wrap-up"),
        "a long label is cut: {screen}"
    );
}

#[test]
fn a_wide_pane_shows_cut_text_whole_before_it_leaves_room_blank() {
    const TEAM: &str = "Technical Support Tier 2";
    let shows_team = |width: u16| {
        let buffer = frame(&loaded(width, 30));
        (0..buffer.area.height).any(|y| row(&buffer, y).contains(TEAM))
    };
    assert!(!shows_team(100), "at 100 columns the team name is cut to fit");
    assert!(shows_team(250), "at 250 columns there is room to show the team name whole");
    // The spare room goes to what is cut, not to the column that already
    // shows its text whole: the name column stays as wide as it asks.
    let buffer = frame(&loaded(250, 30));
    let header = (0..buffer.area.height).map(|y| row(&buffer, y)).find(|r| r.contains("Name▲")).unwrap();
    let name_at = header.find("Name▲").unwrap();
    let team_at = header.find("Team").unwrap();
    assert!(team_at - name_at < 60, "the name column was not stretched past its need: {header}");
}

#[test]
fn on_a_tiny_screen_the_focused_campaign_list_keeps_its_selected_row_in_view() {
    let mut app = loaded(40, 10);
    press(&mut app, &["3", "l"]);
    let screen = render(&app);
    assert!(screen.contains("Fatima Kaur"), "the contact a change would act on is shown: {screen}");
    press(&mut app, &["h"]);
    let screen = render(&app);
    assert!(screen.contains("Payment Reminder"), "and back on the campaigns, theirs: {screen}");
    // With room for both, both show rows.
    let mut app = loaded(120, 40);
    press(&mut app, &["3", "l"]);
    let screen = render(&app);
    assert!(screen.contains("Fatima Kaur") && screen.contains("Spring Renewal"), "{screen}");
}

/// An attribute row gives its mode what its longest option needs before
/// the key and value share the rest: at 60 and 80 columns the mode reads
/// whole, where it read `◂  ▸` and `◂ UPDA… ▸`; its position (`1/3`) only
/// shows where the text fields keep room beside it.
#[test]
fn an_attribute_rows_mode_reads_whole_on_a_small_screen() {
    for (width, height) in [(60, 20), (80, 24)] {
        let mut app = ready(width, height);
        press(&mut app, &["2", "a"]);
        let screen = render(&app);
        assert!(screen.contains("mode ◂ UPDATE ▸"), "{width}x{height}:\n{screen}");
        type_text(&mut app, "customer_segment");
        press(&mut app, &["tab"]);
        type_text(&mut app, "enterprise");
        press(&mut app, &["tab"]);
        while form(&app).fields[2].value() != "DELETE" {
            press(&mut app, &["right"]);
        }
        let screen = render(&app);
        let line = screen.lines().find(|l| l.contains("Row 1")).unwrap_or_else(|| panic!("{screen}"));
        assert!(line.contains("mode ◂ DELETE ▸"), "{width}x{height}: {line}");
        assert!(line.contains("key cus") && line.contains("value "), "{width}x{height}: {line}");
    }
}

/// The per-operation breakdown (`m`) fits an 80-column screen: its window
/// there is 62 columns inside, and the maxima, p95 and p50 give way so that
/// p99, the run's p99 and the rate stay whole; the run's max goes first, and
/// where there is room, all show.
#[test]
fn the_breakdown_fits_80_columns_and_keeps_p99_run_p99_and_rate() {
    let mut app = loaded(80, 24);
    press(&mut app, &["m"]);
    let screen = render(&app);
    let head = screen.lines().find(|l| l.contains("Operation")).unwrap_or_else(|| panic!("{screen}"));
    assert!(head.contains("errors") && head.contains("p99 run p99    rate│"), "{head}");
    let all = screen.lines().find(|l| l.contains("All operations")).unwrap_or_else(|| panic!("{screen}"));
    assert!(all.contains("299   1.3%  901ms   417ms   5.1/s│"), "{all}");
    assert!(screen.contains("│too)"), "wrapped, not cut: {screen}");
    let mut app = loaded(110, 30);
    press(&mut app, &["m"]);
    let screen = render(&app);
    assert!(screen.contains("done errors    p50    p95    p99     max run p99    rate"), "{screen}");
    let mut app = loaded(140, 30);
    press(&mut app, &["m"]);
    let screen = render(&app);
    let all = "done  errors      p50      p95      p99      max   run p99   run max    rate";
    assert!(screen.contains(all), "{screen}");
}
