//! Who made each change, in the audit pane: labelled and in a column of its
//! own at every width the pane is drawn, never run on from the reason; and
//! found by the filter, by text as labelled or by a regex on its own cell.

mod engine_support;
mod flow_support;
mod ui_support;

use cxone_console::ui::app::App;
use flow_support::Flow;
use ui_support::*;

/// The test trail's outcomes, by the word each record shows.
const KINDS: [&str; 5] = ["applied", "rejected", "skipped", "failed", "conflict"];

/// The audit pane's line for each record of the trail, with the trail
/// loaded on a `width`×`height` screen; `focus` first when the pane has no
/// place of its own at that size.
fn record_lines(width: u16, height: u16, focus: bool) -> (App, Vec<String>) {
    let mut app = loaded(width, height);
    feed(&mut app, audit_events());
    if focus {
        press(&mut app, &["5"]);
    }
    let screen = render(&app);
    let lines = KINDS
        .iter()
        .map(|kind| {
            let at = |l: &&str| l.contains(&format!(" {kind} ")) && l.contains(':');
            let line = screen.lines().find(at).unwrap_or_else(|| panic!("{kind} at {width}:\n{screen}"));
            // The audit pane's part of the line: from its time on.
            let start = line.rfind('│').map_or(0, |end| line[..end].rfind('│').map_or(0, |s| s + 3));
            line[start..].to_string()
        })
        .collect();
    (app, lines)
}

#[test]
fn the_operator_stands_apart_from_the_reason_at_every_width() {
    for (width, height, focus) in [
        (150, 36, false),
        (120, 40, false),
        (100, 30, false),
        (80, 24, false),
        (60, 20, true),
        (40, 12, true),
    ] {
        let (app, lines) = record_lines(width, height, focus);
        // In screen columns: an ellipsis before it takes one, and three bytes.
        let columns: Vec<usize> =
            lines.iter().filter_map(|l| l.find("by jdoe").map(|at| l[..at].chars().count())).collect();
        assert_eq!(columns.len(), lines.len(), "{width}×{height}: each says by whom:\n{}", render(&app));
        assert!(columns.windows(2).all(|w| w[0] == w[1]), "{width}×{height}: in one column: {lines:#?}");
        for line in &lines {
            let before = &line[..line.find("by jdoe").unwrap_or_default()];
            assert!(before.ends_with("  "), "{width}×{height}: a gap before the operator: {line:?}");
            assert_eq!(line.matches("jdoe").count(), 1, "{width}×{height}: {line:?}");
        }
    }
}

#[test]
fn a_reason_cut_short_ends_before_the_operator_with_an_ellipsis() {
    let (_, lines) = record_lines(80, 24, false);
    let rejected = &lines[1];
    assert!(rejected.contains(" interactio…  by jdoe│"), "{rejected:?}");
}

#[test]
fn the_filter_reads_the_operator_as_the_pane_labels_it() {
    let mut app = loaded(120, 40);
    feed(&mut app, audit_events());
    press(&mut app, &["5", "/"]);
    type_text(&mut app, "by jdoe");
    assert_eq!(app.audit.shown_len(), 6, "every record of the trail is jdoe's");
    // The reason's last words and the operator are not one phrase.
    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, "available jdoe");
    assert_eq!(app.audit.shown_len(), 0);
}

/// A regex is matched against each of a record's cells on its own, so
/// `^` and `$` anchor at the operator's cell as they do at a table's; text
/// still reads the record as the pane labels it. Against a sandbox tenant,
/// with the records the engine wrote for a change it refused.
#[tokio::test]
async fn a_regex_anchors_at_the_operators_cell() {
    let mut flow = Flow::start(false).await;
    let clerk = flow.clerks().into_iter().next().expect("a user with no agent role");
    flow.find(&clerk.display_name()).await;
    flow.press(&["c", "enter", "y"]).await;
    flow.settled().await;
    let outcome = |app: &App| app.audit.window(app.audit.len()).any(|(_, r)| r.entry.outcome.is_some());
    flow.until("the change's outcome in the audit log", outcome).await;
    let all = flow.app.audit.len();
    let by_operator = flow
        .app
        .audit
        .window(all)
        .filter(|(_, r)| r.entry.operator.as_deref() == Some("test-operator"))
        .count();
    assert!(by_operator > 0, "the outcome is test-operator's: {}", flow.screen());

    flow.press(&["5"]).await;
    for (filter, shown) in [
        ("re:^test-operator$", by_operator),
        ("re:^TEST-OPERATOR$", by_operator),
        ("by test-operator", by_operator),
        ("re:^test$", 0),
        ("!re:^test-operator$", all - by_operator),
    ] {
        flow.press(&["/", "ctrl-u"]).await;
        flow.typed(filter).await;
        flow.press(&["enter"]).await;
        assert_eq!(flow.app.audit.filter().input(), filter, "kept: {}", flow.screen());
        assert_eq!(flow.app.audit.shown_len(), shown, "/{filter}: {}", flow.screen());
    }
}

/// A change's records name whom it was for, and the pane shows that name
/// where it would show the id: a supervisor reads "Ines Janssen", not a
/// user id to look up. The filter finds the record by either.
#[tokio::test]
async fn the_pane_names_the_target_a_change_read() {
    let mut flow = Flow::start(false).await;
    let clerk = flow.clerks().into_iter().next().expect("a user with no agent role");
    let name = clerk.display_name();
    flow.find(&name).await;
    flow.press(&["c", "enter", "y"]).await;
    flow.settled().await;
    let outcome = |app: &App| app.audit.window(app.audit.len()).any(|(_, r)| r.entry.outcome.is_some());
    flow.until("the change's outcome in the audit log", outcome).await;

    flow.press(&["5"]).await;
    let screen = flow.screen();
    let line = screen
        .lines()
        .find(|l| l.contains(" rejected ") && l.contains("agent state"))
        .unwrap_or_else(|| panic!("the refusal's line:\n{screen}"));
    let target = line.split("agent state").nth(1).unwrap_or_default().trim_start();
    assert!(target.starts_with(&name), "the name in the target column: {line:?}");
    assert!(!line.contains(clerk.id.as_str()), "not the id as well: {line:?}");
    assert_eq!(line.matches(name.as_str()).count(), 1, "the name once, in its column: {line:?}");
    for filter in [format!("re:^{name}$"), clerk.id.to_string()] {
        flow.press(&["/", "ctrl-u"]).await;
        flow.typed(&filter).await;
        flow.press(&["enter"]).await;
        assert_eq!(flow.app.audit.shown_len(), 1, "/{filter}: {}", flow.screen());
    }
}

/// Where the pane is too narrow for the target's column (80×24, 100×30),
/// the target's name opens what the record says instead of leaving the
/// line: whom a change was for comes before what it sent or why.
#[test]
fn the_target_keeps_its_name_on_the_line_where_its_column_does_not_fit() {
    for (width, height, intent, applied) in [
        (80, 24, "intent   Amara Okaf", "applied  Amara Okaf"),
        (100, 30, "intent   Amara Okafor: PUT pauseReason", "applied  Amara Okafor: is now Break"),
    ] {
        let mut app = loaded(width, height);
        let named = audit_trail().into_iter().take(2).map(|mut record| {
            if let Some(target) = record.entry.target.as_mut() {
                target.name = Some("Amara Okafor".into());
            }
            cxone_console::engine::Event::Audit(std::sync::Arc::new(record))
        });
        feed(&mut app, named);
        let screen = render(&app);
        assert!(screen.contains(intent) && screen.contains(applied), "{width}×{height}:\n{screen}");
    }
}

/// Two agents who share a name: the target's column ends each line with
/// the end of its id, so the two lines are told apart; an agent whose name
/// nobody else has is named alone.
#[test]
fn namesakes_are_told_apart_by_the_end_of_their_ids() {
    use cxone_console::engine::audit::{Target, TargetKind};
    use cxone_console::ui::entity::Person;
    let mut app = loaded(150, 36);
    let person = |name: &str| Person { name: name.into(), team: None, agent: true };
    app.directory.set_agents([
        ("u-1111-aaaaaa".to_string(), person("Amara Okafor")),
        ("u-2222-bbbbbb".to_string(), person("Amara Okafor")),
        ("u-3333-cccccc".to_string(), person("Ines Janssen")),
    ]);
    let applied = audit_trail().remove(1);
    let records = [
        ("u-1111-aaaaaa", "Amara Okafor"),
        ("u-2222-bbbbbb", "Amara Okafor"),
        ("u-3333-cccccc", "Ines Janssen"),
    ]
    .map(|(id, name)| {
        let mut record = applied.clone();
        record.entry.target = Some(Target::new(TargetKind::User, id).named(name));
        record.entry.reason = Some(format!("agent {name} ({id}) is now Break (Lunch); was Available"));
        cxone_console::engine::Event::Audit(std::sync::Arc::new(record))
    });
    feed(&mut app, records);
    let screen = render(&app);
    let line = |needle: &str| screen.lines().find(|l| l.contains(needle)).map(str::to_owned);
    assert!(line("Amara Okafor …aaaa ").is_some() && line("Amara Okafor …bbbb ").is_some(), "{screen}");
    let alone = line("Ines Janssen").unwrap_or_else(|| panic!("{screen}"));
    assert!(!alone.contains("…cccc"), "no namesake, no id: {alone}");
}

/// As in the tables: a letter on the way to a filter (`re`, before `re:`
/// makes it a pattern) that hides the record read leaves it chosen, and the
/// selection goes back to it once the filter shows it again.
#[test]
fn the_record_read_is_selected_again_when_the_filter_shows_it() {
    use cxone_console::engine::audit::Outcome;
    let mut app = loaded(150, 36);
    feed(&mut app, audit_events());
    let outcome = |app: &App| app.audit.selected_serial().and_then(|s| app.audit.by_serial(s)?.entry.outcome);
    press(&mut app, &["5", "k", "k"]);
    assert_eq!(outcome(&app), Some(Outcome::Skipped), "{}", render(&app));
    press(&mut app, &["/"]);
    type_text(&mut app, "re");
    assert_ne!(outcome(&app), Some(Outcome::Skipped), "hidden by `re`: {}", render(&app));
    type_text(&mut app, ":failed|skipped");
    assert_eq!(app.audit.shown_len(), 2, "{}", render(&app));
    assert_eq!(outcome(&app), Some(Outcome::Skipped), "{}", render(&app));
}

/// A record for a target whose name the tenant sent a megabyte long, its
/// reason quoting it: the line shows the start of each, cut, with the
/// operator still in its place, and the filter finds the record by the
/// name's start, as a table finds a row.
#[test]
fn a_record_naming_a_megabyte_long_target_shows_and_is_found_by_its_start() {
    let long = format!("Zora {}", "y".repeat(1 << 20));
    let mut app = loaded(150, 36);
    let named = audit_trail().into_iter().take(2).map(|mut record| {
        if let Some(target) = record.entry.target.as_mut() {
            target.name = Some(long.clone());
        }
        record.entry.reason = record.entry.reason.take().map(|_| format!("agent {long} is now Break"));
        cxone_console::engine::Event::Audit(std::sync::Arc::new(record))
    });
    feed(&mut app, named);
    let screen = render(&app);
    let lines: Vec<&str> = screen.lines().filter(|l| l.contains("Zora y")).collect();
    assert_eq!(lines.len(), 2, "both records, each on one line:\n{screen}");
    for line in lines {
        assert!(line.contains("Zora yyyyyyyyyyyyy…") && line.contains("by jdoe"), "{line}");
    }
    press(&mut app, &["5", "/"]);
    type_text(&mut app, "zora yyy");
    assert_eq!(app.audit.shown_len(), 2, "{}", render(&app));
}
