//! What a batch shows: its confirmation, every row of it, with names that
//! repeat told apart; its progress while it runs and how to cancel it; and
//! its result, counted in full, with a refusal's reason in words, and kept
//! for `:results` once its line has faded.

mod ui_support;

use cxone_console::api::model::User;
use cxone_console::domain::UserId;
use cxone_console::engine::audit::{Target, TargetKind};
use cxone_console::engine::{
    BatchReport, Change, Command, CommandId, Event, Finished, Outcome, SkipKey, Snapshot, Write,
};
use cxone_console::ui::app::{App, Effect};
use insta::assert_snapshot;
use ui_support::*;

fn snap(app: &App) -> String {
    render(app)
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
    // Each entry names its agent as the console shows them, for the audit
    // records of one that never gets read.
    let names: Vec<String> = forty_agents().iter().map(User::display_name).collect();
    assert!(items.iter().all(|i| i.name.as_ref().is_some_and(|n| names.contains(n))), "{items:?}");
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
        report.count(&Outcome::applied("ok"), Write::Sent { latency_ms: Some(12.0) });
    }
    report.count(&blocked, Write::Sent { latency_ms: None });
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
    assert!(screen.contains("Break (Queue Full) · 40 agents: 39 of 40 applied, 1 conflict."), "{screen}");
    assert!(screen.contains("is in wrap-up until 14:05:00Z"), "the reason, whole: {screen}");
    assert_snapshot!(screen);
}

#[test]
fn a_cancelled_batch_says_cancelled_once() {
    let (mut app, effects) = forty_confirmed();
    let [Effect::Engine(Command::Submit { id, .. })] = effects.as_slice() else { panic!("{effects:?}") };
    let mut report = BatchReport::default();
    for _ in 0..10 {
        report.count(&Outcome::applied("ok"), Write::Sent { latency_ms: Some(12.0) });
    }
    let unstarted =
        Outcome::skipped(SkipKey::Unstarted, "the batch was cancelled before this agent was started");
    for _ in 0..30 {
        report.count(&unstarted, Write::NotSent);
    }
    report.set_cancelled(true);
    let mut events = vec![Event::Accepted { id: id.clone(), total: 40 }];
    events.extend((10..40).map(|i| item_finished(id, i, unstarted.clone())));
    events.push(Event::Finished { id: id.clone(), result: Finished::Batch(report) });
    feed(&mut app, events);
    let screen = snap(&app);
    assert!(
        screen
            .contains("Break (Queue Full) · 40 agents: 10 of 40 applied, skipped 30 cancelled (not written)"),
        "{screen}"
    );
    assert!(!screen.contains("(cancelled) (cancelled)"), "{screen}");
    assert!(!screen.contains("before this agent was started"), "the count says it once: {screen}");

    // The line fades; :results shows it again, with when it was said.
    let said = "Break (Queue Full) · 40 agents: 10 of 40 applied, skipped 30 cancelled (not written)";
    tick(&mut app, std::time::Duration::from_secs(30));
    assert!(!snap(&app).contains(said), "the result line has faded");
    press(&mut app, &[":"]);
    type_text(&mut app, "results");
    press(&mut app, &["enter"]);
    let screen = snap(&app);
    assert!(screen.contains("Results of this session (1)"), "{screen}");
    assert!(screen.contains(&format!("14:02:11  {said}")), "{screen}");
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
    let refused = Outcome::rejected("user Dara Ito 2 is outside their shift");
    let mut report = BatchReport::default();
    let mut events = vec![Event::Accepted { id: id.clone(), total: 150 }];
    for i in 0..150 {
        report.count(&refused, Write::Sent { latency_ms: None });
        events.push(item_finished(id, i, refused.clone()));
    }
    events.push(Event::Finished { id: id.clone(), result: Finished::Batch(report) });
    feed(&mut app, events);
    let screen = snap(&app);
    assert!(screen.contains("0 of 150 applied, 150 refused."), "{screen}");
    assert!(screen.contains("(and 149 more; :results lists 100 of the 150)"), "{screen}");

    // :results lists those kept under the result, and says how many were not.
    let listed = app.results.text();
    assert_eq!(listed.lines().filter(|l| l.trim_start().starts_with("· ")).count(), 100, "{listed}");
    assert!(
        listed.ends_with(
            "\n          … and 50 more, not kept here; the audit log has each outcome it recorded"
        )
    );
}

/// The items a result's line has no room for are listed in `:results`,
/// skips for a reason the count does not tell included, rather than left
/// to the audit log, which holds only the outcomes it could record.
#[test]
fn a_batch_result_lists_its_other_items_in_results() {
    let (mut app, effects) = forty_confirmed();
    let [Effect::Engine(Command::Submit { id, .. })] = effects.as_slice() else { panic!("{effects:?}") };
    let refused = Outcome::rejected("user Dara Ito 2 is outside their shift");
    let held = Outcome::skipped(SkipKey::DialerState, "the dialer holds this contact");
    let mut report = BatchReport::default();
    let mut events = vec![Event::Accepted { id: id.clone(), total: 3 }];
    for (i, outcome) in [held, refused, Outcome::applied("ok")].into_iter().enumerate() {
        report.count(&outcome, Write::Sent { latency_ms: None });
        events.push(item_finished(id, i, outcome));
    }
    events.push(Event::Finished { id: id.clone(), result: Finished::Batch(report) });
    feed(&mut app, events);
    let said = app.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default();
    assert!(said.ends_with("is outside their shift (and 1 more, listed in :results)"), "{said}");
    assert!(!said.contains("audit log"), "{said}");

    run_command(&mut app, "results");
    let screen = snap(&app);
    let refusal = "· 7e570001-0000-4000-8000-000000000000: user Dara Ito 2 is outside their shift";
    let skip = "· 7e570000-0000-4000-8000-000000000000: the dialer holds this contact";
    let buffer = frame(&app);
    let (refusal_at, skip_at) = (row_of(&buffer, refusal), row_of(&buffer, skip));
    assert!(refusal_at.is_some() && skip_at.is_some(), "{screen}");
    assert!(refusal_at < skip_at, "refusals first: {screen}");
    assert!(!screen.contains("not kept here"), "all are kept: {screen}");
}

/// A skip the count explains is not repeated item by item, and a refusal
/// is named before a skip, whatever order they ended in.
#[test]
fn a_batch_result_names_the_refusal_not_the_skips_its_count_explains() {
    let (mut app, effects) = forty_confirmed();
    let [Effect::Engine(Command::Submit { id, .. })] = effects.as_slice() else { panic!("{effects:?}") };
    let unchanged = Outcome::skipped(SkipKey::Unchanged, "the agent is already in this state");
    let refused = Outcome::rejected("user Dara Ito 3 is outside their shift");
    let mut report = BatchReport::default();
    let mut events = vec![Event::Accepted { id: id.clone(), total: 3 }];
    for (i, outcome) in [unchanged.clone(), unchanged, refused].into_iter().enumerate() {
        report.count(&outcome, Write::Sent { latency_ms: None });
        events.push(item_finished(id, i, outcome));
    }
    events.push(Event::Finished { id: id.clone(), result: Finished::Batch(report) });
    feed(&mut app, events);
    let said = app.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default();
    assert!(
        said.ends_with(
            "0 of 3 applied, 1 refused, skipped 2 already so. \
         7e570002-0000-4000-8000-000000000000: user Dara Ito 3 is outside their shift"
        ),
        "{said}"
    );
    assert!(!said.contains("already in this state") && !said.contains("(and "), "{said}");
}

/// Quitting offers to skip a batch's targets not started yet (the keys are
/// in `ui_hints.rs`), unless the batch was cancelled already.
#[test]
fn a_batch_cancelled_already_leaves_nothing_to_skip_on_quitting() {
    let (mut app, effects) = forty_confirmed();
    let [Effect::Engine(Command::Submit { id, .. })] = effects.as_slice() else { panic!("{effects:?}") };
    feed(
        &mut app,
        [
            Event::Accepted { id: id.clone(), total: 40 },
            Event::Progress { id: id.clone(), done: 5, total: 40 },
        ],
    );
    press(&mut app, &["q"]);
    let screen = snap(&app);
    assert!(screen.contains("(35 of 40 targets left)") && screen.contains("skip the targets"), "{screen}");
    press(&mut app, &["n", "ctrl-x", "q"]);
    assert!(!snap(&app).contains("skip the targets"), "{}", snap(&app));
    assert!(press(&mut app, &["c"]).is_empty(), "c means nothing here");
    assert_eq!(press(&mut app, &["y"]), [Effect::Quit]);
}

/// A callback that lands just before its change's result line is not lost
/// when the result takes the flash line: `:results` keeps both.
#[test]
fn an_attribute_callback_is_kept_with_the_results() {
    use cxone_console::engine::AttributeCallback;
    let mut app = ready(120, 40);
    let callback = AttributeCallback {
        interaction_id: "8f7a9b2c".into(),
        attributes: serde_json::json!({"note": "v3"}),
        callback_latency_ms: Some(12.0),
        verified: true,
    };
    feed(&mut app, [Event::AttributesChanged(callback)]);
    tick(&mut app, std::time::Duration::from_secs(30));
    assert!(!render(&app).contains("attribute changed"), "the flash line has faded");
    press(&mut app, &[":"]);
    type_text(&mut app, "results");
    press(&mut app, &["enter"]);
    let screen = render(&app);
    // Wrapped before "verified" at this width.
    assert!(
        screen.contains("Interaction 8f7a9b2c: 1 attribute changed, 12ms after the change (signature"),
        "{screen}"
    );
}

/// A change skipped for a reason of its own opens with whom it was for, by
/// the name the change read and the id that tells namesakes apart.
#[test]
fn a_skipped_change_names_its_target() {
    let (mut app, effects) = forty_confirmed();
    let [Effect::Engine(Command::Submit { id, .. })] = effects.as_slice() else { panic!("{effects:?}") };
    let held = Outcome::skipped(
        SkipKey::DialerState,
        "the dialer holds it (CONNECTED); try again once the call ends",
    );
    let mut report = BatchReport::default();
    for _ in 0..39 {
        report.count(&Outcome::applied("ok"), Write::Sent { latency_ms: Some(12.0) });
    }
    report.count(&held, Write::Sent { latency_ms: None });
    let target = Target::new(TargetKind::User, "7e570000-0000-4000-8000-000000000000").named("Aaliyah Ito");
    feed(
        &mut app,
        [
            Event::Accepted { id: id.clone(), total: 40 },
            Event::ItemFinished { id: id.clone(), item: id.item(0), target, outcome: held },
            Event::Finished { id: id.clone(), result: Finished::Batch(report) },
        ],
    );
    let screen = snap(&app);
    // The result line wraps: read its words, without the rows' quotes.
    let flat = screen.replace('"', " ");
    let words: Vec<&str> = flat.split_whitespace().collect();
    let named = "Aaliyah Ito (7e570000-0000-4000-8000-000000000000): the dialer holds it";
    assert!(words.join(" ").contains(named), "{screen}");
}
