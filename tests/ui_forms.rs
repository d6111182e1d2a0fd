//! Every compose form as it opens, with problems beside its fields, and
//! valid; the confirmation of one change and of a 40-row batch; the
//! progress of a batch; a blocked change in words; and the screen in
//! read-only mode. Insta snapshots of real frames; and the disposition's
//! description, which follows its code until typed in.

mod ui_support;

use cxone_console::api::model::User;
use cxone_console::domain::UserId;
use cxone_console::engine::audit::{Target, TargetKind};
use cxone_console::engine::{BatchReport, Change, Command, CommandId, Event, Finished, Outcome, Snapshot};
use cxone_console::ui::app::{App, Effect, Overlay};
use insta::assert_snapshot;
use ui_support::*;

/// A medium screen: the form over the panes, the panes still readable.
fn medium() -> App {
    ready(100, 30)
}

fn snap(app: &App) -> String {
    render(app)
}

#[test]
fn agent_status_form() {
    let mut app = medium();
    press(&mut app, &["c"]);
    assert_snapshot!("agent_status_empty", snap(&app));
    // Busy, then Break: a Break needs a reason.
    press(&mut app, &["b", "b", "enter"]);
    assert_snapshot!("agent_status_errors", snap(&app));
    press(&mut app, &["tab", "q"]);
    assert_snapshot!("agent_status_valid", snap(&app));
}

#[test]
fn interaction_disposition_form() {
    let mut app = medium();
    press(&mut app, &["2", "d"]);
    assert_snapshot!("interaction_disposition_empty", snap(&app));
    press(&mut app, &["tab", "tab", "tab", "ctrl-u", "enter"]);
    assert_snapshot!("interaction_disposition_errors", snap(&app));
    press(&mut app, &["tab", "1"]);
    assert_snapshot!("interaction_disposition_valid", snap(&app));
}

#[test]
fn contact_disposition_form() {
    let mut app = medium();
    press(&mut app, &["3", "l", "d"]);
    assert_snapshot!("contact_disposition_empty", snap(&app));
    press(&mut app, &["tab", "tab", "tab"]);
    type_text(&mut app, "lead_score 85");
    press(&mut app, &["enter"]);
    assert_snapshot!("contact_disposition_errors", snap(&app));
    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, "lead_score=85");
    press(&mut app, &["ctrl-n"]);
    type_text(&mut app, "source=web");
    // From the last row, Tab wraps to the outcome; a letter picks a code.
    press(&mut app, &["tab", "w"]);
    press(&mut app, &["tab", "tab", "ctrl-u"]);
    type_text(&mut app, "agent-77");
    assert!(!snap(&app).contains('✕'), "the valid form shows no problem:\n{}", snap(&app));
    assert_snapshot!("contact_disposition_valid", snap(&app));
}

#[test]
fn attributes_form() {
    let mut app = medium();
    press(&mut app, &["2", "a"]);
    assert_snapshot!("attributes_empty", snap(&app));
    type_text(&mut app, "_hidden");
    press(&mut app, &["tab"]);
    type_text(&mut app, "x");
    press(&mut app, &["ctrl-n"]);
    type_text(&mut app, "tier");
    press(&mut app, &["tab"]);
    type_text(&mut app, &"y".repeat(2001));
    assert_snapshot!("attributes_errors", snap(&app));
    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, "gold");
    press(&mut app, &["shift-tab", "shift-tab", "shift-tab", "shift-tab", "ctrl-u"]);
    type_text(&mut app, "customer_segment");
    press(&mut app, &["tab"]);
    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, "9");
    // A new key: the mode has followed it to ADD.
    press(&mut app, &["tab"]);
    assert_snapshot!("attributes_valid", snap(&app));
}

/// Field `i` of the form on top, as it stands.
fn field(app: &App, i: usize) -> String {
    match app.overlays.last() {
        Some(Overlay::Form(form)) => form.fields[i].value(),
        other => panic!("expected a form on top, found {other:?}"),
    }
}

#[test]
fn an_attribute_row_adds_a_new_key_and_updates_a_present_one_until_a_mode_is_chosen() {
    let mut app = medium();
    press(&mut app, &["2", "a"]);
    type_text(&mut app, "tier");
    assert_eq!(field(&app, 2), "ADD", "no interaction has tier yet");
    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, "sentimentScore");
    assert_eq!(field(&app, 2), "UPDATE", "it has sentimentScore");
    press(&mut app, &["tab", "tab", "right"]);
    let chosen = field(&app, 2);
    press(&mut app, &["backtab", "backtab", "ctrl-u"]);
    type_text(&mut app, "tier");
    assert_eq!(field(&app, 2), chosen, "a mode the supervisor chose stays");
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

#[test]
fn deploying_a_name_the_tenant_already_has_is_warned_of() {
    let mut app = medium();
    press(&mut app, &["4", "n", "tab", "tab"]);
    type_text(&mut app, "http://127.0.0.1:9100/route");
    press(&mut app, &["enter"]);
    let screen = snap(&app);
    assert!(screen.contains("SentimentRoutingAction is already deployed (1.2.0)"), "{screen}");
    assert!(screen.contains("this adds a second"), "{screen}");
    assert!(
        screen.contains("→ 1.0.0 → http://127.0.0.1:9100/route (timeout 5000 ms)"),
        "nothing cut: {screen}"
    );
    press(&mut app, &["esc", "backtab", "backtab", "ctrl-u"]);
    type_text(&mut app, "RoutingV2");
    press(&mut app, &["enter"]);
    let screen = snap(&app);
    assert!(screen.contains("Deploy RoutingV2 1.0.0?") && !screen.contains("already deployed"), "{screen}");
}

#[test]
fn confirmation_of_one_change() {
    let mut app = ready(120, 32);
    press(&mut app, &["c", "b", "b", "tab", "q", "enter"]);
    assert_snapshot!(snap(&app));
}

/// Forty agents on one team, all Available.
fn forty_agents() -> Vec<User> {
    let first = ["Aaliyah", "Bruno", "Chen", "Dara", "Emil", "Farah", "Goran", "Hiro"];
    let last = ["Ito", "Moreau", "Novak", "Park", "Silva"];
    (0..40)
        .map(|i| {
            let mut user = agents()[1].clone();
            user.id = UserId::parse(&format!("7e57{i:04}-0000-4000-8000-000000000000")).unwrap();
            user.first_name = first[i % first.len()].into();
            user.last_name = format!("{} {}", last[i / first.len()], i + 1);
            user.status = cxone_console::api::model::UserStatus::Known(
                cxone_console::domain::agent_status::AgentStatus::Available,
            );
            user.pause_reason = None;
            user
        })
        .collect()
}

/// A console with forty agents marked and their change confirmed.
fn forty_confirmed() -> (App, Vec<Effect>) {
    let mut app = ready(120, 32);
    feed(&mut app, [Event::Snapshot(Snapshot::Agents(table(forty_agents(), 2, &[])))]);
    press(&mut app, &["*", "c", "b", "b", "tab", "q", "enter"]);
    let confirm = snap(&app);
    let effects = press(&mut app, &["y"]);
    assert!(confirm.contains("40 agents"), "{confirm}");
    (app, effects)
}

#[test]
fn confirmation_of_a_forty_row_batch_lists_every_row() {
    let mut app = ready(120, 32);
    feed(&mut app, [Event::Snapshot(Snapshot::Agents(table(forty_agents(), 2, &[])))]);
    press(&mut app, &["*", "c", "b", "b", "tab", "q", "enter"]);
    assert_snapshot!("batch_confirmation_top", snap(&app));
    press(&mut app, &["G"]);
    for _ in 0..40 {
        press(&mut app, &["j"]);
    }
    let bottom = snap(&app);
    assert!(
        bottom.contains("Hiro Silva 40: Available → Break (Queue Full)"),
        "scrolls to the last row: {bottom}"
    );
    assert_snapshot!("batch_confirmation_scrolled_to_the_end", bottom);
}

#[test]
fn agents_who_share_a_name_are_told_apart_by_their_user_names() {
    let mut app = ready(120, 32);
    let mut agents = forty_agents();
    agents[1].first_name = agents[0].first_name.clone();
    agents[1].last_name = agents[0].last_name.clone();
    agents[1].user_name = "aaliyah.ito.2".into();
    feed(&mut app, [Event::Snapshot(Snapshot::Agents(table(agents.clone(), 2, &[])))]);
    press(&mut app, &["*", "c", "b", "b", "tab", "q", "enter"]);
    let screen = snap(&app);
    let twin = |user: &User| format!("Aaliyah Ito 1 ({}): Available → Break (Queue Full)", user.user_name);
    assert!(screen.contains(&twin(&agents[0])) && screen.contains(&twin(&agents[1])), "{screen}");
    assert!(screen.contains("Chen Ito 3: Available"), "a name of its own stays as it is: {screen}");
}

#[test]
fn a_batch_in_flight_shows_its_progress_and_how_to_cancel_it() {
    let (mut app, effects) = forty_confirmed();
    let [Effect::Engine(Command::Submit { id, change: Change::AgentStatus(items) })] = effects.as_slice()
    else {
        panic!("one batch of agents: {effects:?}");
    };
    assert_eq!(items.len(), 40);
    feed(
        &mut app,
        [
            Event::Accepted { id: id.clone(), total: 40 },
            Event::Progress { id: id.clone(), done: 17, total: 40 },
        ],
    );
    assert_snapshot!(snap(&app));
    assert_eq!(press(&mut app, &["ctrl-x"]), [Effect::Engine(Command::Cancel { id: id.clone() })]);
}

#[test]
fn a_blocked_change_says_why_in_words() {
    let (mut app, effects) = forty_confirmed();
    let [Effect::Engine(Command::Submit { id, .. })] = effects.as_slice() else { panic!("{effects:?}") };
    let blocked = Outcome::conflict(
        "agent Aaliyah Ito 1 (7e570000-0000-4000-8000-000000000000) is in wrap-up until 14:05:00Z; the tenant \
         refused the change (409) because it respects wrap-up",
    );
    let mut report = BatchReport::default();
    for _ in 0..39 {
        report.count(&Outcome::applied("ok"), Some(12.0));
    }
    report.count(&blocked, None);
    let target = Target::new(TargetKind::User, "7e570000-0000-4000-8000-000000000000");
    let effects = feed(
        &mut app,
        [
            Event::Accepted { id: id.clone(), total: 40 },
            Event::ItemFinished { id: id.clone(), item: id.item(0), target, outcome: blocked },
            Event::Finished { id: id.clone(), result: Finished::Batch(report) },
        ],
    );
    assert_eq!(effects, [Effect::Engine(Command::Refresh)], "the changed rows are read again");
    let screen = snap(&app);
    assert!(screen.contains("Break (Queue Full) · 40 agents: 39 of 40 applied, 1 failed."), "{screen}");
    assert!(screen.contains("is in wrap-up until 14:05:00Z"), "the reason, whole: {screen}");
    assert_snapshot!(screen);
}

#[test]
fn read_only_mode_hides_changes_from_hints_help_and_commands() {
    let mut session = sandbox_session();
    session.read_only = true;
    let mut app =
        app_with(session, cxone_console::ui::Looks::defaults(cxone_console::ui::theme::Colors::On), 120, 40);
    feed(&mut app, seeded_events());
    assert_snapshot!("read_only_hints", render(&app).lines().last().unwrap_or_default().to_string());
    press(&mut app, &["?"]);
    assert_snapshot!("read_only_help", render(&app));
    press(&mut app, &["esc", "4"]);
    let hints = render(&app).lines().last().unwrap_or_default().to_string();
    assert!(hints.contains("t simulate") && !hints.contains("deploy"), "{hints}");
    assert!(matches!(app.overlays.last(), None | Some(Overlay::Palette(_))));
}

#[test]
fn a_cancelled_batch_says_cancelled_once() {
    let (mut app, effects) = forty_confirmed();
    let [Effect::Engine(Command::Submit { id, .. })] = effects.as_slice() else { panic!("{effects:?}") };
    let mut report = BatchReport::default();
    for _ in 0..10 {
        report.count(&Outcome::applied("ok"), Some(12.0));
    }
    report.skipped.insert("cancelled".into(), 30);
    report.total += 30;
    report.cancelled = true;
    let unstarted = Outcome::skipped("cancelled", "the batch was cancelled before this agent was started");
    let mut events = vec![Event::Accepted { id: id.clone(), total: 40 }];
    events.extend((10..40).map(|i| item_finished(id, i, unstarted.clone())));
    events.push(Event::Finished { id: id.clone(), result: Finished::Batch(report) });
    feed(&mut app, events);
    let screen = snap(&app);
    assert!(
        screen
            .contains("Break (Queue Full) · 40 agents: 10 of 40 applied, skipped 30 not started (cancelled)"),
        "{screen}"
    );
    assert!(!screen.contains("(cancelled) (cancelled)"), "{screen}");
    assert!(!screen.contains("before this agent was started"), "the count says it once: {screen}");
}

/// Item `i` of batch `id` ended with `outcome`.
fn item_finished(id: &CommandId, i: usize, outcome: Outcome) -> Event {
    let target = Target::new(TargetKind::User, format!("7e57{i:04}-0000-4000-8000-000000000000"));
    Event::ItemFinished { id: id.clone(), item: id.item(i), target, outcome }
}

#[test]
fn a_batch_result_counts_every_refusal_beyond_those_it_keeps() {
    let (mut app, effects) = forty_confirmed();
    let [Effect::Engine(Command::Submit { id, .. })] = effects.as_slice() else { panic!("{effects:?}") };
    let refused = Outcome::rejected("userId: user is outside their shift");
    let mut report = BatchReport::default();
    let mut events = vec![Event::Accepted { id: id.clone(), total: 150 }];
    for i in 0..150 {
        report.count(&refused, None);
        events.push(item_finished(id, i, refused.clone()));
    }
    events.push(Event::Finished { id: id.clone(), result: Finished::Batch(report) });
    feed(&mut app, events);
    let screen = snap(&app);
    assert!(screen.contains("0 of 150 applied, 150 failed."), "{screen}");
    assert!(screen.contains("(and 149 more in the audit log)"), "{screen}");
}

/// The interaction disposition form's description, as it stands.
fn description(app: &App) -> String {
    field(app, 1)
}

#[test]
fn the_description_follows_the_code_until_the_supervisor_types_in_it() {
    let mut app = medium();
    press(&mut app, &["2", "d", "right"]);
    assert_eq!(description(&app), "Issue Resolved");
    press(&mut app, &["right"]);
    assert_eq!(description(&app), "Sale Completed", "a second code brings its own description");
    press(&mut app, &["left", "left"]);
    assert_eq!(description(&app), "", "no code, no description");
    press(&mut app, &["right", "tab"]);
    type_text(&mut app, ", callback booked");
    press(&mut app, &["backtab", "right"]);
    assert_eq!(description(&app), "Issue Resolved, callback booked", "what was typed is kept");
}

#[test]
fn a_pause_reason_is_kept_in_the_form_until_the_tenants_list_says_whether_it_holds() {
    // Typed before the tenant's list arrived: kept, and sent once it is known.
    let mut app = loaded(120, 40);
    press(&mut app, &[":"]);
    type_text(&mut app, "state Break Lunch");
    press(&mut app, &["enter"]);
    assert!(render(&app).contains("◂ Lunch ▸"), "{}", render(&app));
    feed(&mut app, [Event::Rules(Ok(rule_book()))]);
    press(&mut app, &["enter"]);
    let Some(Overlay::Confirm(confirm)) = app.overlays.last() else { panic!("{}", render(&app)) };
    assert_eq!(confirm.plan.lines[0].after, "Break (Lunch)");

    // One the tenant does not have: shown, and refused by name.
    let mut app = ready(120, 40);
    press(&mut app, &[":"]);
    type_text(&mut app, "state Break Snack");
    press(&mut app, &["enter"]);
    let screen = render(&app);
    assert!(screen.contains("◂ Snack ▸") && screen.contains("\"Snack\""), "{screen}");
    press(&mut app, &["enter"]);
    assert!(matches!(app.overlays.last(), Some(Overlay::Form(_))), "not sent: {}", render(&app));
}

#[test]
fn a_form_that_cannot_be_sent_does_not_offer_a_review() {
    let mut app = medium();
    press(&mut app, &["4", "g", "j", "x"]);
    let screen = snap(&app);
    assert!(screen.contains("LegacyCrmSync (da-0004) is already deprecated"), "{screen}");
    assert!(
        screen.contains("Nothing to fill in: Esc closes.") && !screen.contains("Enter review"),
        "{screen}"
    );
    assert!(!screen.contains("Tab next field"), "no field to move to: {screen}");
    press(&mut app, &["enter"]);
    assert!(matches!(app.overlays.last(), Some(Overlay::Form(_))), "nothing to review: {}", snap(&app));
}
