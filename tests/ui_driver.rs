//! The console's loop: frames only when something changed, at most at the
//! frame rate, every waiting input drained first; effects reach the engine
//! and the sandbox; suspend, signals and quit end or pause it cleanly. And
//! the console against the seeded sandbox and a real engine, over TCP.

mod engine_support;
mod ui_support;

use crossterm::event::Event as Term;
use cxone_console::api::model::{InteractionFilter, ListQuery, NoFilter, UserFilter};
use cxone_console::engine::{Command, Event, Snapshot};
use cxone_console::sandbox::tenant::PINNED_USER;
use cxone_console::sandbox::{FaultProfile, SandboxConfig};
use cxone_console::ui::app::{Action, App, update};
use cxone_console::ui::screen::{Headless, Probe};
use cxone_console::ui::{Driver, Exit, Input, Outlets, Pace, Stop, forward_engine};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use ui_support::*;

struct Running {
    inbox: mpsc::Sender<Input>,
    commands: mpsc::Receiver<Command>,
    probe: Probe,
    task: JoinHandle<(std::io::Result<Exit>, App)>,
}

/// A driver on a headless 120×40 screen with `app`, its wall clock stopped
/// at [`NOW`] so that only what the test sends changes the screen.
fn start(app: App, max_fps: u32) -> Running {
    let (screen, probe) = Headless::new(app.size.width, app.size.height);
    let (inbox, receiver) = mpsc::channel(cxone_console::ui::driver::INBOX);
    let (engine, commands) = mpsc::channel(16);
    let outlets = Outlets::new(engine, None, inbox.clone());
    let pace = Pace { max_fps, tick: Duration::from_millis(250) };
    let driver = Driver::new(app, screen, receiver, outlets, pace).with_wall_clock(|| NOW);
    Running { inbox, commands, probe, task: tokio::spawn(driver.run()) }
}

impl Running {
    async fn send(&self, input: Input) {
        self.inbox.send(input).await.expect("the driver is running");
    }

    async fn key(&self, spec: &str) {
        self.send(Input::Terminal(Term::Key(key_event(spec)))).await;
    }

    async fn keys(&self, text: &str) {
        for c in text.chars() {
            self.key(&c.to_string()).await;
        }
    }

    async fn finish(self) -> (Exit, App) {
        let (exit, app) = self.task.await.expect("the driver does not panic");
        (exit.expect("the headless screen draws"), app)
    }
}

/// Lets the driver catch up: virtual time, so no wall-clock wait.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(100)).await;
}

#[tokio::test(start_paused = true)]
async fn frames_are_drawn_only_when_something_changed() {
    let ui = start(app(120, 40), 30);
    settle().await;
    assert_eq!(ui.probe.frames(), 1, "the first frame");

    ui.key("z").await; // bound to nothing
    settle().await;
    assert_eq!(ui.probe.frames(), 1, "a key that does nothing draws nothing");

    tokio::time::sleep(Duration::from_secs(30)).await;
    assert_eq!(ui.probe.frames(), 1, "idle ticks draw nothing");

    for event in seeded_events() {
        ui.send(Input::Engine(event)).await;
    }
    for _ in 0..50 {
        ui.send(Input::Engine(Event::Metrics(Arc::new(metrics())))).await;
    }
    settle().await;
    assert_eq!(ui.probe.frames(), 2, "a burst of events is drained into one frame");
    assert!(ui.probe.text().contains("Aiko Ito") && ui.probe.text().contains("aiko.ito"), "her detail");

    ui.key("j").await;
    settle().await;
    assert_eq!(ui.probe.frames(), 3);
    // The detail follows the selection to the next agent by name.
    let text = ui.probe.text();
    assert!(text.contains("amara.okafor") && !text.contains("aiko.ito"), "{text}");

    ui.key("q").await;
    let (exit, _) = ui.finish().await;
    assert_eq!(exit, Exit::Quit);
}

#[tokio::test(start_paused = true)]
async fn the_frame_rate_is_capped_and_the_last_frame_shows_the_last_state() {
    let mut app = app(120, 40);
    feed(&mut app, seeded_events());
    let ui = start(app, 10);
    settle().await;
    let before = ui.probe.frames();
    // Forty keys over two seconds: at 10 frames a second, about twenty frames.
    for _ in 0..20 {
        ui.key("j").await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        ui.key("k").await;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    ui.key("G").await;
    settle().await;
    settle().await;
    let drawn = ui.probe.frames() - before;
    assert!((15..=23).contains(&drawn), "{drawn} frames for 2 s at 10 fps");
    assert!(ui.probe.text().contains("ines.fernandes"), "the last row is selected: {}", ui.probe.text());
    ui.send(Input::Signal(Stop::Terminate)).await;
    assert_eq!(ui.finish().await.0, Exit::Signal(Stop::Terminate));
}

#[tokio::test(start_paused = true)]
async fn keys_send_commands_to_the_engine_in_order() {
    let mut ui = start(app(120, 40), 30);
    ui.key("ctrl-r").await;
    ui.key(":").await;
    ui.keys("refresh").await;
    ui.key("enter").await;
    settle().await;
    assert_eq!(ui.commands.recv().await, Some(Command::Reload));
    assert_eq!(ui.commands.recv().await, Some(Command::LoadRules), "the line asks for rules to complete");
    assert_eq!(ui.commands.recv().await, Some(Command::Reload));
    assert!(ui.probe.text().contains("Refreshing every table"));
    ui.send(Input::Signal(Stop::Hangup)).await;
    assert_eq!(ui.finish().await.0, Exit::Signal(Stop::Hangup));
}

#[tokio::test(start_paused = true)]
async fn y_hands_the_selected_id_to_the_screens_clipboard() {
    let app = loaded(120, 40);
    let selected = app.agents.selected_row().map(|u| u.id.to_string()).expect("an agent is selected");
    let ui = start(app, 30);
    ui.key("y").await;
    settle().await;
    assert_eq!(ui.probe.copied(), [selected]);
    assert!(ui.probe.text().contains("to the clipboard"), "{}", ui.probe.text());
    ui.send(Input::Signal(Stop::Terminate)).await;
    ui.finish().await;
}

#[tokio::test(start_paused = true)]
async fn ctrl_z_suspends_and_everything_is_redrawn_after() {
    let ui = start(loaded(120, 40), 30);
    settle().await;
    let frames = ui.probe.frames();
    ui.key("ctrl-z").await;
    settle().await;
    assert_eq!(ui.probe.suspends(), 1);
    assert_eq!(ui.probe.frames(), frames + 1, "a full frame after resuming");
    assert!(ui.probe.text().contains("Aiko Ito"));
    ui.key("q").await;
    assert_eq!(ui.finish().await.0, Exit::Quit);
}

#[tokio::test(start_paused = true)]
async fn an_engine_that_stops_is_reported_on_screen() {
    let ui = start(loaded(120, 40), 30);
    let (events, receiver) = mpsc::channel(8);
    let forwarder = forward_engine(receiver, ui.inbox.clone());
    events.send(Event::Audit(Arc::new(audit_trail().remove(1)))).await.unwrap();
    drop(events);
    forwarder.await.unwrap();
    settle().await;
    let screen = ui.probe.text();
    assert!(screen.contains("The engine has stopped"), "{screen}");
    assert!(screen.contains("is now Break (Lunch)"), "events before the end still show: {screen}");
    ui.key("q").await;
    let (_, app) = ui.finish().await;
    assert!(app.engine_stopped);
}

#[tokio::test]
async fn the_seeded_sandbox_fills_the_tables_through_the_client() {
    let sandbox = cxone_console::sandbox::Sandbox::start(SandboxConfig::quiet()).await.unwrap();
    let client = engine_support::client(&sandbox);
    let users = client.users(&ListQuery::<UserFilter>::new().top(1000)).await.unwrap().value;
    let interactions =
        client.interactions(&ListQuery::<InteractionFilter>::new().top(1000)).await.unwrap().value;
    let actions = client.data_actions(&ListQuery::<NoFilter>::new().top(1000)).await.unwrap().value;
    let pinned = users.items.iter().find(|u| u.id.as_str() == PINNED_USER).expect("the pinned user").clone();
    let total = users.items.len();

    let mut app = app(150, 40);
    feed(
        &mut app,
        [
            Event::Snapshot(Snapshot::Agents(table(users.items, 1, &[]))),
            Event::Snapshot(Snapshot::Interactions(table(interactions.items, 1, &[]))),
            Event::Snapshot(Snapshot::DataActions(table(actions.items, 1, &[]))),
        ],
    );
    assert_eq!(app.agents.shown_len(), total);
    run_command(&mut app, &format!("agent {}", pinned.display_name()));
    assert_eq!(app.agents.selected_id(), Some(PINNED_USER));
    let screen = render(&app);
    assert!(screen.contains(&pinned.user_name), "the detail pane shows the pinned user: {screen}");
    assert!(screen.contains(&format!(" {total} ")), "the count of agents is in the title");

    press(&mut app, &["2"]);
    let shown = render(&app);
    let first = app.interactions.selected_row().expect("an interaction is selected");
    assert!(shown.contains(first.id.as_str()), "{shown}");
    press(&mut app, &["4"]);
    assert!(render(&app).contains("SentimentRoutingAction"));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn against_a_real_engine_the_command_line_sets_the_sandbox_faults() {
    let rig = engine_support::Rig::quiet().await;
    let engine_support::Rig { sandbox, engine, events, dir, .. } = rig;
    let (screen, probe) = Headless::new(120, 40);
    let (inbox, receiver) = mpsc::channel(cxone_console::ui::driver::INBOX);
    let outlets = Outlets::new(engine.commands(), Some(&sandbox.base_url()), inbox.clone());
    let console = app(120, 40);
    let forwarder = forward_engine(events, inbox.clone());
    let task = tokio::spawn(Driver::new(console, screen, receiver, outlets, Pace::default()).run());

    let key = |spec: &str| Input::Terminal(Term::Key(key_event(spec)));
    inbox.send(key(":")).await.unwrap();
    for c in "faults storm".chars() {
        inbox.send(key(&c.to_string())).await.unwrap();
    }
    inbox.send(key("enter")).await.unwrap();
    let deadline = tokio::time::Instant::now() + engine_support::PATIENCE;
    while !probe.text().contains("Sandbox faults are now storm.") {
        assert!(tokio::time::Instant::now() < deadline, "no answer on screen: {}", probe.text());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(sandbox.state().faults.rates().profile, Some(FaultProfile::Storm));

    inbox.send(key("q")).await.unwrap();
    let (exit, app) = task.await.unwrap();
    assert_eq!(exit.unwrap(), Exit::Quit);
    assert!(!app.engine_stopped);
    engine.shutdown().await;
    forwarder.await.unwrap();
    sandbox.shutdown().await;
    drop(dir);
}

#[test]
fn a_resize_moves_the_layout() {
    let mut app = loaded(150, 40);
    assert!(render(&app).contains("Live · last 60 s"));
    update(&mut app, Action::Resize(ratatui::layout::Size { width: 60, height: 20 }));
    let small = render(&app);
    assert!(!small.contains("Live · last 60 s"), "gauges give way on a small screen: {small}");
    assert!(small.contains("Aiko Ito"));
}
