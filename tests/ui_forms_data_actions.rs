//! The data action forms as they open, with problems beside their fields,
//! and valid: simulate (a whole document in one field), deploy, new
//! version, deprecate and the metrics query. Insta snapshots of real
//! frames. The other compose forms are in `ui_forms.rs`.

mod ui_support;

use cxone_console::ui::app::App;
use insta::assert_snapshot;
use ui_support::*;

fn snap(app: &App) -> String {
    render(app)
}

/// The input is one field holding a whole document: each schema problem
/// names its place in it, and an anyOf says what it allows.
#[test]
fn a_simulation_input_names_the_place_of_each_problem() {
    let mut app = ready(140, 40);
    press(&mut app, &["4", "t", "ctrl-u"]);
    type_text(&mut app, r#"{"interaction_id":"i-1","channel_type":"chat","sentiment_score":5,"tags":[1]}"#);
    press(&mut app, &["enter"]);
    let screen = snap(&app);
    assert!(screen.contains("sentiment_score: 5 must be a number from -1 to 1, or null"), "{screen}");
    assert!(screen.contains("tags[0]: 1 is not of type"), "{screen}");
    // A missing member is named itself, not the document that lacks it.
    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, r#"{"channel_type":"chat"}"#);
    press(&mut app, &["enter"]);
    let screen = snap(&app);
    assert!(screen.contains("interaction_id: is required"), "{screen}");
}

#[test]
fn a_simulation_input_naming_a_key_twice_is_refused_as_a_change_file_is() {
    let mut app = ready(140, 40);
    press(&mut app, &["4", "t", "ctrl-u"]);
    type_text(&mut app, r#"{"interaction_id":"i","channel_type":"chat","interaction_id":"j"}"#);
    press(&mut app, &["enter"]);
    let screen = snap(&app);
    assert!(screen.contains(r#"names the key "interaction_id" twice"#), "{screen}");
}

#[test]
fn data_action_forms() {
    let mut app = medium();
    press(&mut app, &["4", "t"]);
    assert_snapshot!("simulate_as_opened_is_valid", snap(&app));
    press(&mut app, &["end", "backspace", "enter"]);
    assert_snapshot!("simulate_errors", snap(&app));
    press(&mut app, &["esc", "y", "n"]);
    assert_snapshot!("deploy_empty", snap(&app));
    press(&mut app, &["enter"]);
    assert_snapshot!("deploy_errors", snap(&app));
    type_text(&mut app, "RoutingV2");
    press(&mut app, &["tab", "tab"]);
    type_text(&mut app, "http://127.0.0.1:9100/route");
    assert_snapshot!("deploy_valid", snap(&app));
    press(&mut app, &["esc", "y", "v"]);
    assert_snapshot!("new_version_valid", snap(&app));
    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, "0.9.0");
    assert_snapshot!("new_version_errors", snap(&app));
    press(&mut app, &["esc", "y", "e"]);
    assert_snapshot!("metrics_valid", snap(&app));
    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, "2026-11-21T14:02:11");
    assert_snapshot!("metrics_errors", snap(&app));
    press(&mut app, &["esc", "y", "x"]);
    assert_snapshot!("deprecate_form", snap(&app));
    press(&mut app, &["enter"]);
    assert_snapshot!("deprecate_confirmation_says_it_is_final", snap(&app));
}

/// A timeout too large to count is out of range, said with the range, not
/// "not a number"; an emptied simulation input is missing, not bad JSON.
#[test]
fn a_huge_timeout_says_the_range_and_an_empty_input_is_required() {
    let mut app = ready(140, 40);
    press(&mut app, &["4", "n", "tab", "tab", "tab", "ctrl-u"]);
    type_text(&mut app, "99999999999999999999999");
    press(&mut app, &["enter"]);
    assert_eq!(
        form(&app).problems_of(3),
        ["99999999999999999999999 must be between 100 and 30000 milliseconds"],
        "{}",
        snap(&app)
    );
    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, "5s");
    assert_eq!(form(&app).problems_of(3), [r#""5s" is not a whole number of milliseconds"#]);

    press(&mut app, &["esc", "y", "t", "ctrl-u", "enter"]);
    let screen = snap(&app);
    assert!(screen.contains("✕ Input (JSON): is required"), "{screen}");
    assert!(!screen.contains("EOF"), "{screen}");
}

/// A deprecated action takes no new version and is not deprecated again:
/// `v` and `x` say so in a line, as other keys that cannot act do, and open
/// no form only to refuse.
#[test]
fn a_deprecated_action_is_refused_a_new_version_and_a_deprecation_without_a_form() {
    let mut app = medium();
    press(&mut app, &["4", "/"]);
    type_text(&mut app, "Legacy");
    press(&mut app, &["enter", "v"]);
    assert!(app.overlays.is_empty(), "no form: {:?}", app.overlays.last());
    let screen = snap(&app);
    assert!(
        screen.contains(
            "v: LegacyCrmSync is deprecated and takes no new version; deploy a new action instead (n)."
        ),
        "{screen}"
    );
    press(&mut app, &["x"]);
    assert!(app.overlays.is_empty(), "no form: {:?}", app.overlays.last());
    let screen = snap(&app);
    assert!(screen.contains("x: LegacyCrmSync is deprecated already."), "{screen}");
}

#[test]
fn deploying_a_name_the_tenant_already_has_is_warned_of() {
    let mut app = medium();
    press(&mut app, &["4", "n"]);
    type_text(&mut app, "SentimentRoutingAction");
    press(&mut app, &["tab", "tab"]);
    type_text(&mut app, "http://127.0.0.1:9100/route");
    press(&mut app, &["enter"]);
    let screen = snap(&app);
    assert!(screen.contains("SentimentRoutingAction is already deployed (1.2.0)"), "{screen}");
    assert!(screen.contains("this adds a second"), "{screen}");
    assert!(!screen.contains("not deployed"), "the line agrees with the warning: {screen}");
    assert!(
        screen.contains("→ 1.0.0 at http://127.0.0.1:9100/route (timeout 5000 ms)"),
        "nothing cut: {screen}"
    );
    press(&mut app, &["esc", "backtab", "backtab", "ctrl-u"]);
    type_text(&mut app, "RoutingV2");
    press(&mut app, &["enter"]);
    let screen = snap(&app);
    assert!(screen.contains("Deploy RoutingV2 1.0.0?") && !screen.contains("already deployed"), "{screen}");
}

/// A new action is new: nothing of another action (the documents' example
/// is one the tenant already runs) is carried into the form, and a name the
/// tenant already has is said beside the name as it is typed, not first on
/// the confirmation.
#[test]
fn a_deploy_form_starts_blank_and_says_a_taken_name_as_it_is_typed() {
    let mut app = medium();
    press(&mut app, &["4", "n"]);
    let values: Vec<String> = form(&app).fields.iter().map(|f| f.value()).collect();
    assert_eq!(values, ["", "1.0.0", "", "5000", ""], "name, version, handler, timeout, description");
    type_text(&mut app, "sentimentroutingaction");
    let screen = snap(&app);
    assert!(screen.contains("already deployed (1.2.0): this adds a second action of that"), "{screen}");
    assert!(screen.contains("version, use v on its row"), "{screen}");
    press(&mut app, &["backspace"]);
    assert!(!snap(&app).contains("already deployed"), "{}", snap(&app));
}

/// `t` runs the routing handler the console ships, whichever action is
/// selected: the title says so, naming the selected one it is not.
#[test]
fn a_simulation_says_it_is_not_the_selected_action() {
    let mut app = ready(140, 40);
    press(&mut app, &["4"]);
    let name = app.data_actions.selected_row().map(|a| a.name.clone()).unwrap_or_default();
    press(&mut app, &["t"]);
    let title = format!("Simulate · the shipped routing handler, locally — not {name}");
    assert_eq!(form(&app).title, title);
    assert!(snap(&app).contains(&title), "{}", snap(&app));
}

/// The form opens on the payload simulated last, not the sample again, so
/// trying a payload once more needs no pasting.
#[test]
fn a_simulation_opens_on_the_payload_simulated_last() {
    let mut app = ready(140, 40);
    press(&mut app, &["4", "t"]);
    let sample = form(&app).fields[0].value().to_string();
    press(&mut app, &["ctrl-u"]);
    let mine = r#"{"interaction_id":"i-9","channel_type":"voice","sentiment_score":-0.4}"#;
    type_text(&mut app, mine);
    let sent = submitted(&press(&mut app, &["enter"]));
    assert_eq!(sent.len(), 1, "the simulation ran");
    press(&mut app, &["esc"]);
    press(&mut app, &["t"]);
    assert_eq!(form(&app).fields[0].value(), mine);
    assert_ne!(mine, sample);
}

/// The version the action has already is said as `apply` says it for such
/// a line, nothing to send, not as a version too low; a lower one is.
#[test]
fn a_new_version_equal_to_the_current_one_is_nothing_to_send() {
    let mut app = ready(140, 40);
    press(&mut app, &["4", "v"]);
    let current = app.data_actions.selected_row().map(|a| a.version.to_string()).unwrap_or_default();
    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, &current);
    let screen = snap(&app);
    let said = format!("the action is already at version {current}; there is nothing to send");
    assert!(screen.contains(&said), "{screen}");
    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, "0.0.1");
    assert!(snap(&app).contains("must be greater than the current version"), "{}", snap(&app));
}
