//! What keys do in the data action forms and around them: a simulation
//! that runs at once and opens its result, the metrics query and its
//! table, a long JSON input that wraps. The other forms' keys are in
//! `ui_compose.rs`.

mod ui_support;

use cxone_console::api::model::DataAction;
use cxone_console::domain::data_action::HeldVersion;
use cxone_console::engine::{Change, DataActionChange, Event, Finished, Outcome, Snapshot};
use cxone_console::ui::app::{App, Overlay};
use ui_support::*;

#[test]
fn a_simulation_runs_without_confirmation_and_opens_its_result() {
    let mut app = ready(120, 40);
    press(&mut app, &["4", "t"]);
    let sent = submitted(&press(&mut app, &["enter"]));
    let [(id, Change::DataAction(_))] = sent.as_slice() else { panic!("{sent:?}") };
    let outcome = Outcome::Applied {
        summary: "the handler routes to vip-dedicated-queue".into(),
        data: Some(serde_json::json!({ "output": { "routing_recommendation": "vip-dedicated-queue" } })),
    };
    let effects = feed(
        &mut app,
        [Event::Finished { id: id.clone(), result: Finished::Single { target: None, outcome } }],
    );
    assert!(effects.is_empty(), "nothing was written, nothing to refresh");
    let Some(Overlay::Result { text, .. }) = app.overlays.last() else { panic!("a result window") };
    assert!(text.contains("vip-dedicated-queue"));
    let kept = app.results.text();
    assert!(kept.contains("  Simulation: the handler routes"), "named, not said applied: {kept}");
}

/// Asks for the third data action's metrics: the console, and the command sent.
fn metrics_asked() -> (cxone_console::ui::app::App, cxone_console::engine::CommandId) {
    let mut app = ready(120, 40);
    press(&mut app, &["4", "j", "j", "e"]);
    let sent = submitted(&press(&mut app, &["enter"]));
    let [(id, Change::DataAction(_))] = sent.as_slice() else { panic!("{sent:?}") };
    let id = id.clone();
    (app, id)
}

/// A single change that did not apply is named in its result: its words
/// may not say which change it was.
#[test]
fn a_change_that_failed_is_named_in_its_result() {
    let (mut app, id) = metrics_asked();
    let outcome = Outcome::failed("could not reach the tenant (connection refused)");
    feed(&mut app, [Event::Finished { id, result: Finished::Single { target: None, outcome } }]);
    let kept = app.results.text();
    assert!(kept.contains("metrics of SentimentRoutingAction"), "{kept}");
    assert!(kept.contains(": failed: could not reach the tenant"), "{kept}");
}

/// Metrics come back as rows: the result window shows them as a table,
/// titled by the action.
#[test]
fn metrics_open_as_a_table_named_for_the_action() {
    let (mut app, id) = metrics_asked();
    let rows = serde_json::json!([{"actionId": "da-0001", "date": "2026-11-21", "version": "1.2.0",
        "status": "success", "count": 1842, "errorRate": 0.0, "avgLatencyMs": 38.4}]);
    let outcome = Outcome::Applied { summary: "1 row: 1842 executions".into(), data: Some(rows) };
    feed(&mut app, [Event::Finished { id, result: Finished::Single { target: None, outcome } }]);
    let Some(Overlay::Result { title, text, .. }) = app.overlays.last() else { panic!("a result window") };
    assert!(title.starts_with("metrics of SentimentRoutingAction · "), "{title}");
    assert!(text.starts_with("date        version  status   runs  errors  avg latency\n"), "{text}");
    assert!(text.contains("2026-11-21  1.2.0    success  1842    0.0%        38 ms"), "{text}");
}

/// Types `from` into the metrics form's From and, when given, `to` into its
/// To, then Enter: the From and To sent, or the screen when nothing was.
fn metrics_sent(from: &str, to: Option<&str>) -> Result<(String, String), String> {
    let mut app = ready(120, 40);
    press(&mut app, &["4", "e", "ctrl-u"]);
    if from.is_empty() {
        assert!(
            render(&app).contains("a date (2026-11-14, UTC midnight) or an age (8h, 7d)"),
            "{}",
            render(&app)
        );
    }
    type_text(&mut app, from);
    if let Some(to) = to {
        press(&mut app, &["tab", "ctrl-u"]);
        type_text(&mut app, to);
    }
    let sent = submitted(&press(&mut app, &["enter"]));
    match sent.as_slice() {
        [(_, Change::DataAction(DataActionChange::Metrics { range, .. }))] => {
            Ok((range.from().to_string(), range.to().to_string()))
        }
        _ => Err(render(&app)),
    }
}

/// The metrics form's From takes what `audit export --since` takes: a date
/// (from midnight UTC) or an age before now, sent as the moment it stands
/// for; anything else is refused with what it may be.
#[test]
fn metrics_from_takes_a_date_or_an_age_as_audit_export_since_does() {
    let from_sent = |typed: &str| metrics_sent(typed, None).map(|(from, _)| from);
    assert_eq!(from_sent("2026-11-14"), Ok("2026-11-14T00:00:00Z".to_string()));
    assert_eq!(from_sent("8h"), Ok("2026-11-21T06:02:11Z".to_string()));
    assert_eq!(from_sent("2026-11-21T10:00:00+02:00"), Ok("2026-11-21T10:00:00+02:00".to_string()));
    let refused = from_sent("yesterday").unwrap_err();
    assert!(refused.contains("it may also be a date (2026-11-21, from midnight UTC) or an age"), "{refused}");
    assert!(from_sent("").is_err(), "From is required");
}

/// Its To takes the same forms, a date standing for the whole of that day,
/// and a day that is not in the calendar is refused by name.
#[test]
fn metrics_to_takes_what_from_takes() {
    let to_sent = |typed: &str| metrics_sent("2026-11-14", Some(typed)).map(|(_, to)| to);
    assert_eq!(to_sent("2026-11-21"), Ok("2026-11-21T23:59:59.999999Z".to_string()));
    assert_eq!(to_sent("1h"), Ok("2026-11-21T13:02:11Z".to_string()));
    assert_eq!(to_sent("2026-11-21T10:00:00+02:00"), Ok("2026-11-21T10:00:00+02:00".to_string()));
    let refused = to_sent("2026-11-31").unwrap_err();
    assert!(refused.contains("2026-11-31 is not a day of the calendar"), "{refused}");
}

/// One date as both From and To is that whole day, not the instant of its
/// midnight, which holds no execution; a range that does end where it
/// starts is refused on To, with the rule.
#[test]
fn metrics_of_one_day_read_the_whole_day_and_an_empty_range_is_refused() {
    let one_day = metrics_sent("2026-11-21", Some("2026-11-21"));
    assert_eq!(one_day, Ok(("2026-11-21T00:00:00Z".into(), "2026-11-21T23:59:59.999999Z".into())));
    let empty = metrics_sent("2026-11-21T10:00:00Z", Some("2026-11-21T10:00:00Z")).unwrap_err();
    assert!(
        empty.contains("To: 2026-11-21T10:00:00Z is where the range starts too: a range must end after it"),
        "{empty}"
    );
}

/// A refusal quotes its moments to the second, whatever fraction was typed.
#[test]
fn a_backwards_range_is_quoted_to_the_second() {
    let refused = metrics_sent("2026-11-03", Some("2026-11-02T22:50:21.840155932Z")).unwrap_err();
    assert!(refused.contains("To: 2026-11-02T22:50:21Z is before 2026-11-03T00:00:00Z"), "{refused}");
}

/// JSON to simulate shows whole while it is edited, over the lines it
/// needs; a very long one shows the lines around the cursor.
#[test]
fn a_long_json_input_wraps_and_keeps_the_cursor_in_view() {
    let mut app = ready(120, 40);
    press(&mut app, &["4", "t", "home"]);
    type_text(&mut app, "X");
    let screen = render(&app);
    let field: Vec<&str> =
        screen.lines().skip_while(|l| !l.contains("Input (JSON)")).take_while(|l| !l.contains("└")).collect();
    assert!(field.len() >= 2, "the sample takes more than one line: {screen}");
    assert!(
        field[0].contains("Input (JSON)     X{\"channel_type\":\"voice\""),
        "typed at the start: {screen}"
    );
    assert!(field.iter().any(|l| l.contains("caller\"]}")), "and its end still shows: {screen}");

    press(&mut app, &["end"]);
    type_text(&mut app, &"7".repeat(1_000));
    type_text(&mut app, "THE END");
    let screen = render(&app);
    let field: Vec<&str> =
        screen.lines().skip_while(|l| !l.contains("Input (JSON)")).take_while(|l| !l.contains("└")).collect();
    assert!(field.iter().any(|l| l.contains("7777THE END")), "the cursor's line: {screen}");
    let wrapped = field.iter().filter(|l| l.contains("7777")).count();
    assert!(wrapped <= 6, "at most six lines of the value: {screen}");
}

#[test]
fn a_range_start_typed_past_its_end_is_flagged_on_the_end_as_typed() {
    let mut app = ready(120, 40);
    press(&mut app, &["4", "e", "ctrl-u"]);
    type_text(&mut app, "2030-01-01T00:00:00Z");
    let screen = render(&app);
    assert!(screen.contains("is before 2030-01-01T00:00:00Z"), "shown without a visit or Enter: {screen}");
}

/// An action another tool versioned outside semantic versions (`v2`) is
/// shown as it is; its new-version form offers no bump and takes any
/// semantic version.
#[test]
fn an_action_versioned_v2_takes_any_semantic_version_next() {
    let mut app = ready(120, 40);
    let mut actions = data_actions();
    for action in &mut actions {
        action.version = HeldVersion::Text("v2".into());
    }
    feed(&mut app, [Event::Snapshot(Snapshot::DataActions(table(actions, 2, &[])))]);
    press(&mut app, &["4", "v"]);
    let screen = render(&app);
    assert!(screen.contains("(now v2)") && screen.contains("a semantic version, e.g. 1.0.0"), "{screen}");
    press(&mut app, &["1", ".", "0", ".", "0", "enter"]);
    let sent = submitted(&press(&mut app, &["y"]));
    let [(_, Change::DataAction(DataActionChange::NewVersion { version, .. }))] = sent.as_slice() else {
        panic!("{sent:?}\n{}", render(&app))
    };
    assert_eq!(version, "1.0.0");
}

/// A one-line field takes a paste of any length whole, and the console
/// stays quick to draw and to type into after it: the box shows the part
/// around the cursor, found from the cursor, not by measuring the text
/// from its start again for each column it scrolls.
#[test]
fn a_long_paste_into_a_one_line_field_is_kept_whole_and_drawn() {
    let mut app = ready(120, 40);
    press(&mut app, &["4", "n", "tab", "tab", "tab", "tab"]);
    let pasted: String = "Routes VIP callers first; ".chars().cycle().take(200_000).collect();
    cxone_console::ui::app::update(&mut app, cxone_console::ui::app::Action::Paste(pasted.clone()));
    let screen = render(&app);
    assert!(screen.contains("Routes V"), "the box shows the end, where the cursor is: {screen}");
    press(&mut app, &["left", "left"]);
    type_text(&mut app, "!");
    press(&mut app, &["end"]);
    render(&app);
    let mut expected = pasted.clone();
    expected.insert(pasted.len() - 2, '!');
    // Compared whole, not printed: a mismatch would fill the screen.
    assert!(form(&app).fields[4].value() == expected, "the pasted text is whole");
}

/// The data actions as another tool left them: `change` applied to each.
fn actions_changed(app: &mut App, change: impl Fn(&mut DataAction)) {
    let mut actions = data_actions();
    actions.iter_mut().for_each(change);
    feed(app, [Event::Snapshot(Snapshot::DataActions(table(actions, 2, &keys(&["da-0002"]))))]);
}

/// A console showing VipLookup's form opened with `key` (`v`, `x`).
fn vip_lookup_form(key: &str) -> App {
    let mut app = ready(120, 40);
    press(&mut app, &["4", "/"]);
    type_text(&mut app, "VipLookup");
    press(&mut app, &["enter", key]);
    app
}

/// A console showing the deploy form, with RoutingV2's name and handler.
fn routing_v2_deploy_form() -> App {
    let mut app = ready(120, 40);
    press(&mut app, &["4", "n"]);
    type_text(&mut app, "RoutingV2");
    press(&mut app, &["tab", "tab"]);
    type_text(&mut app, "http://127.0.0.1:9100/route");
    app
}

/// A new version is checked against the action as the table now holds it,
/// not as it was when the form opened: moved to 2.0.2 meanwhile, the 2.0.2
/// proposed then is nothing to send, and the form says where the action is now.
#[test]
fn a_new_version_follows_the_action_moved_while_its_form_is_open() {
    let mut app = vip_lookup_form("v");
    assert_eq!(form(&app).fields[0].value(), "2.0.2");
    actions_changed(&mut app, |a| {
        if a.name == "VipLookup" {
            a.version = HeldVersion::read("2.0.2");
        }
    });
    press(&mut app, &["enter"]);
    let screen = render(&app);
    assert!(matches!(app.overlays.last(), Some(Overlay::Form(_))), "no confirmation: {screen}");
    assert!(screen.contains("VipLookup (now 2.0.2)"), "{screen}");
    assert!(screen.contains("already at version 2.0.2; there is nothing to send"), "{screen}");
    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, "2.0.3");
    press(&mut app, &["enter"]);
    let screen = render(&app);
    assert!(screen.contains("2.0.2 → 2.0.3"), "{screen}");
}

/// An action deprecated by another tool while its deprecation form is open
/// is refused as already deprecated, not confirmed as live → deprecated;
/// the form, with nothing to fill in, offers no review and no field to move
/// to, only Esc.
#[test]
fn a_deprecation_follows_the_action_deprecated_while_its_form_is_open() {
    let mut app = vip_lookup_form("x");
    actions_changed(&mut app, |a| a.is_deprecated |= a.name == "VipLookup");
    let screen = render(&app);
    assert!(screen.contains("is already deprecated"), "{screen}");
    assert!(
        screen.contains("Nothing to fill in: Esc closes.") && !screen.contains("Enter review"),
        "{screen}"
    );
    assert!(!screen.contains("Tab next field"), "no field to move to: {screen}");
    press(&mut app, &["enter"]);
    let screen = render(&app);
    assert!(matches!(app.overlays.last(), Some(Overlay::Form(_))), "no confirmation: {screen}");
}

/// A namesake deployed while the deploy form is open is warned of, beside
/// the name and on the confirmation.
#[test]
fn a_deploy_warns_of_a_namesake_deployed_while_its_form_is_open() {
    let mut app = routing_v2_deploy_form();
    assert!(!render(&app).contains("already deployed"));
    actions_changed(&mut app, |a| {
        if a.name == "VipLookup" {
            a.name = "RoutingV2".into();
        }
    });
    assert!(render(&app).contains("already deployed (2.0.1)"), "{}", render(&app));
    press(&mut app, &["enter"]);
    let screen = render(&app);
    assert!(screen.contains("RoutingV2 is already deployed (2.0.1)"), "{screen}");
}

/// The deploy confirmation says the description that goes with the
/// action, as stored (trimmed), or that there is none.
#[test]
fn a_deploy_confirmation_says_its_description() {
    let mut app = routing_v2_deploy_form();
    press(&mut app, &["enter"]);
    assert!(render(&app).contains("with no description"), "{}", render(&app));
    press(&mut app, &["esc", "tab", "tab"]);
    type_text(&mut app, "  Routes VIP callers first ");
    press(&mut app, &["enter"]);
    let screen = render(&app);
    assert!(screen.contains(r#"with description: "Routes VIP callers first""#), "{screen}");
}
