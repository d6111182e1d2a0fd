//! What the console looks like: every pane, the gauges, the audit log, the
//! help screen and the small sizes, as insta snapshots of real frames (the
//! header and the banner are in `ui_header`).

mod ui_support;

use cxone_console::engine::{Connection, Event, Link, Snapshot};
use cxone_console::ui::app::Overlay;
use cxone_console::ui::theme::Colors;
use cxone_console::ui::{Looks, draw::draw};
use insta::assert_snapshot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::Arc;
use ui_support::*;

#[test]
fn agents_pane_on_a_large_screen() {
    let mut app = loaded(150, 36);
    feed(&mut app, audit_events());
    assert_snapshot!(render(&app));
}

/// A shift of a day or more would read as no time at all (`12:00–12:00`):
/// the table says all day, the details give its days.
#[test]
fn a_shift_around_the_clock_reads_all_day() {
    use cxone_console::domain::agent_status::Shift;
    let mut app = ready(120, 40);
    let noon = (app.clock.wall.unix_timestamp() / 86_400 * 86_400 + 43_200) as f64;
    let mut rows = agents();
    let amara = rows.iter_mut().find(|u| u.display_name() == "Amara Okafor").expect("Amara Okafor");
    amara.shift = Some(Shift { start: noon - 86_400.0, end: noon + 86_400.0 });
    feed(&mut app, [agents_event(rows, &[])]);
    let screen = render(&app);
    let row = screen.lines().find(|l| l.contains("Amara Okafor")).unwrap_or_default();
    assert!(row.contains("all day"), "{row}");
    assert!(!row.contains("12:00–12:00"), "{row}");
    press(&mut app, &["/"]);
    type_text(&mut app, "amara");
    press(&mut app, &["enter"]);
    let screen = render(&app);
    let yesterday = app.clock.wall - time::Duration::DAY;
    let window = format!("all day ({} {} 12:00 – ", &yesterday.month().to_string()[..3], yesterday.day());
    assert!(screen.contains(&window), "{window}\n{screen}");
}

#[test]
fn interactions_pane() {
    let mut app = loaded(150, 36);
    press(&mut app, &["2"]);
    assert_snapshot!(render(&app));
}

#[test]
fn campaigns_pane_with_the_contacts_of_the_selected_campaign() {
    let mut app = loaded(150, 36);
    press(&mut app, &["3", "l"]);
    assert_snapshot!(render(&app));
}

#[test]
fn data_actions_pane() {
    let mut app = loaded(150, 36);
    press(&mut app, &["4"]);
    assert_snapshot!(render(&app));
}

#[test]
fn a_data_action_that_has_not_run_shows_no_rates() {
    let mut app = loaded(150, 36);
    let mut actions = data_actions();
    // CallbackScheduler, first by name: counted, but not run.
    actions[2].recent_executions =
        Some(cxone_console::api::model::RecentExecutions { count: 0, error_rate: 0.0, avg_latency_ms: 0.0 });
    feed(&mut app, [Event::Snapshot(Snapshot::DataActions(table(actions, 2, &[])))]);
    press(&mut app, &["4"]);
    let screen = render(&app);
    let row = screen.lines().find(|l| l.contains("│CallbackScheduler")).unwrap_or_default();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert!(
        cells.windows(4).any(|w| w == ["live", "0", "—", "—"]),
        "no error rate or latency of no runs: {row}"
    );
    assert!(screen.contains("Recently    no runs"), "{screen}");
}

#[test]
fn everything_at_eighty_by_twenty_four() {
    let mut app = loaded(80, 24);
    feed(&mut app, audit_events());
    assert_snapshot!(render(&app));
}

#[test]
fn a_tiny_terminal_shows_the_focused_pane_only() {
    let app = loaded(50, 12);
    assert_snapshot!(render(&app));
}

#[test]
fn no_size_is_too_small_to_draw() {
    for (width, height) in [(1, 1), (2, 1), (1, 3), (10, 2), (79, 23), (80, 4), (0, 0)] {
        let mut app = loaded(width, height);
        feed(&mut app, audit_events());
        for overlay in [vec![], vec!["?"], vec![":"], vec!["enter"], vec!["m"], vec!["/"]] {
            let mut app = loaded(width, height);
            press(&mut app, &overlay);
            let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
            terminal.draw(|f| draw(&app, f)).unwrap();
        }
        let _ = render(&app);
    }
}

#[test]
fn audit_log_follows_the_newest_record() {
    let mut app = loaded(150, 36);
    feed(&mut app, audit_events());
    let lines: Vec<String> = render(&app).lines().skip(24).take(11).map(String::from).collect();
    assert_snapshot!(lines.join("\n"));
}

/// The audit pane's first line holding `word`, with the test trail loaded.
fn audit_line(word: &str) -> String {
    let mut app = loaded(150, 36);
    feed(&mut app, audit_events());
    render(&app)
        .lines()
        .find(|l| l.contains(word))
        .map(String::from)
        .unwrap_or_else(|| panic!("no {word} line"))
}

#[test]
fn an_audit_line_names_its_target_without_repeating_the_id_its_column_shows() {
    let line = audit_line("applied");
    assert!(line.contains("12345-abcde-67890"), "the target column: {line}");
    assert!(line.contains("agent Amara Okafor is now Break (Lunch); was Available"), "{line}");
}

#[test]
fn an_intent_line_says_what_it_is_about_to_send() {
    let line = audit_line("intent");
    // Only the fields the change moves; the team it leaves alone is not news.
    assert!(line.contains("PUT pauseReason none → Lunch, status Available → Break"), "{line}");
    assert!(!line.contains("team"), "{line}");
}

/// Records of earlier runs come first; while one from an earlier day is on
/// screen, every record shows its day and time, so none loses its time.
#[test]
fn the_audit_pane_shows_earlier_runs_before_this_one() {
    use cxone_console::engine::audit::AuditEntry;
    let mut app = loaded(150, 36);
    let mut trail = audit_trail();
    let earlier = Arc::new(record(1, 2 * 86_400, AuditEntry::repair("cut an unfinished record")));
    feed(&mut app, [Event::Audit(Arc::new(trail.remove(0)))]);
    feed(&mut app, [Event::AuditHistory(vec![earlier])]);
    let screen = render(&app);
    let lines: Vec<&str> = screen.lines().skip(24).collect();
    let day = |t: time::OffsetDateTime| format!("{} {}", &t.month().to_string()[..3], t.day());
    let then = app.clock.wall - time::Duration::days(2);
    let stamp = |t: time::OffsetDateTime| format!("{} {:02}:{:02}", day(t), t.hour(), t.minute());
    let first =
        lines.iter().position(|l| l.contains("cut an unfinished record")).expect("the earlier record");
    assert!(lines[first].contains(&format!("│{} ", stamp(then))), "dated, with its time: {}", lines[first]);
    assert!(lines[first].contains(" repair "), "{}", lines[first]);
    let next = lines[first + 1];
    assert!(next.contains(" intent "), "this run's after it: {next}");
    assert!(next.contains(&format!("│{} ", day(app.clock.wall))), "dated like the others: {next}");

    // With only today's records on screen, the time alone, to the second.
    let mut app = loaded(150, 36);
    feed(&mut app, [Event::Audit(Arc::new(audit_trail().remove(0)))]);
    let screen = render(&app);
    let line = screen.lines().find(|l| l.contains(" intent ")).expect("this run's record");
    let clock: Vec<char> = line.chars().skip_while(|c| *c != '│').skip(1).take(9).collect();
    assert!(clock[2] == ':' && clock[5] == ':' && clock[8] == ' ', "the time alone: {line}");
}

#[test]
fn audit_log_filtered_to_failures_and_paused() {
    let mut app = loaded(150, 36);
    feed(&mut app, audit_events());
    press(&mut app, &["5", "/"]);
    type_text(&mut app, "re:failed|conflict");
    press(&mut app, &["enter", "k"]);
    let lines: Vec<String> = render(&app).lines().skip(24).map(String::from).collect();
    assert_snapshot!(lines.join("\n"));
}

/// The pane names an action in words, and the filter finds its records by
/// those words or by the name the audit log records.
#[test]
fn audit_log_filters_by_the_action_shown_or_recorded() {
    for words in ["contact outcome", "contact_disposition"] {
        let mut app = loaded(150, 36);
        feed(&mut app, audit_events());
        press(&mut app, &["5", "/"]);
        type_text(&mut app, words);
        press(&mut app, &["enter"]);
        assert_eq!(app.audit.shown_len(), 1, "{words}");
        assert!(render(&app).contains("skipped  contact outcome   contact-uuid-44444"), "{words}");
    }
}

#[test]
fn an_audit_record_opened_in_full() {
    let mut app = loaded(120, 40);
    feed(&mut app, audit_events());
    press(&mut app, &["5", "k", "enter"]);
    assert!(matches!(app.overlays.last(), Some(Overlay::AuditRecord { .. })));
    assert_snapshot!(render(&app));
}

#[test]
fn help_lists_keys_commands_files_and_problems() {
    let (keymap, mut problems) = cxone_console::ui::keymap::Keymap::with_overrides(
        "keymap.toml",
        "[global]\nfreeze = \"q\"\nlaunch = \"x\"",
    );
    let (theme, found) = cxone_console::ui::theme::Theme::with_overrides(
        "theme.toml",
        "[roles]\nok = { fg = \"greenish\" }",
        Colors::On,
    );
    problems.extend(found);
    let looks = Looks { keymap, theme, problems };
    let mut app = app_with(sandbox_session(), looks, 120, 80);
    press(&mut app, &["?"]);
    assert_snapshot!(render(&app));
}

#[test]
fn details_of_an_interaction_in_full() {
    let mut app = loaded(100, 30);
    press(&mut app, &["2", "G", "enter"]);
    assert_snapshot!(render(&app));
}

#[test]
fn per_operation_breakdown() {
    let mut app = loaded(110, 30);
    press(&mut app, &["m"]);
    assert_snapshot!(render(&app));
}

#[test]
fn command_line_suggests_agents_by_name() {
    let mut app = loaded(100, 24);
    press(&mut app, &[":"]);
    type_text(&mut app, "agent a");
    let lines: Vec<String> = render(&app).lines().skip(12).map(String::from).collect();
    assert_snapshot!(lines.join("\n"));
}

#[test]
fn colours_follow_meaning_and_vanish_under_no_color() {
    let styled = |colors| {
        let mut app = app_with(sandbox_session(), Looks::defaults(colors), 70, 8);
        feed(&mut app, seeded_events());
        format!("{:?}", frame(&app))
    };
    assert_snapshot!("colours_on", styled(Colors::On));
    assert_snapshot!("colours_off", styled(Colors::Off));
}

#[test]
fn an_empty_tenant_says_what_is_missing() {
    let mut app = app(100, 24);
    feed(
        &mut app,
        [Event::Snapshot(Snapshot::Agents(Arc::new(cxone_console::engine::Table {
            rows: vec![],
            generation: 1,
            as_of: None,
            changed: vec![],
        })))],
    );
    let waiting = render(&{
        let mut a = app_with(sandbox_session(), Looks::defaults(Colors::On), 100, 24);
        press(&mut a, &["2"]);
        a
    });
    assert!(waiting.contains("Waiting for the first refresh…"), "{waiting}");
    assert!(render(&app).contains("No agents"));
}

/// A campaign list that fits shows whole, with the contacts still below:
/// five campaigns at 120×36, a banner taking a line too, rather than one
/// hidden behind the border's count.
#[test]
fn every_campaign_shows_when_there_is_room() {
    let mut five = campaigns();
    for (id, name) in [
        ("d4e5f6a7-b8c9-4012-d3e4-f5a6b7c8d9e0", "Summer Survey"),
        ("e5f6a7b8-c9d0-4123-e4f5-a6b7c8d9e0f1", "Year-end Loyalty"),
    ] {
        let mut campaign = five[0].clone();
        campaign.id = cxone_console::domain::CampaignId::parse(id).unwrap();
        campaign.name = name.into();
        five.push(campaign);
    }
    for banner in [false, true] {
        let mut app = loaded(120, 36);
        feed(&mut app, [Event::Snapshot(Snapshot::Campaigns(table(five.clone(), 2, &[])))]);
        if banner {
            let down = Link::Down { reason: "connection refused by api-na1.niceincontact.com:443".into() };
            feed(
                &mut app,
                [Event::Connection(Connection { link: down, token_refreshes: 2, ..Connection::default() })],
            );
        }
        press(&mut app, &["3"]);
        let screen = render(&app);
        for campaign in &five {
            assert!(screen.contains(&campaign.name), "banner {banner}: {} hidden\n{screen}", campaign.name);
        }
        assert!(screen.contains("Fatima Kaur") && screen.contains("Isabella Kumar"), "{screen}");
    }
}
