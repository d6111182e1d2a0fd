//! The console's screen (ratatui).
//!
//! Terminal input and engine events come in through one inbox and become
//! [`Action`](app::Action)s; a pure [`update`](app::update) turns each into
//! new state and [`Effect`](app::Effect)s (engine commands, quit, suspend);
//! the [`driver`] performs the effects and draws, only when something
//! changed, at a capped frame rate. [`draw`] is a function of the state.

pub mod app;
pub mod capped;
pub mod draw;
pub mod driver;
pub mod entity;
pub mod forms;
mod input;
pub mod keymap;
pub mod layout;
pub mod looks;
mod outlets;
pub mod panes;
pub mod screen;
pub mod terminal;
pub mod theme;
pub mod widgets;

pub use app::{App, Clock, Files, Session};
pub use driver::{Driver, Exit, Input, Pace, Stop};
pub use looks::{Looks, Problem};
pub use outlets::Outlets;

use crate::engine::{Command, CommandId, Event};
use screen::{Screen, TerminalScreen};
use std::io;
use time::OffsetDateTime;
use tokio::sync::mpsc;

#[derive(Debug, thiserror::Error)]
pub enum UiError {
    #[error("the terminal could not be set up for the console: {0}")]
    Terminal(io::Error),
    #[error("the screen could not be drawn: {0}")]
    Draw(io::Error),
}

/// What the console needs to start.
pub struct Console {
    pub session: Session,
    pub looks: Looks,
    pub pace: Pace,
    /// Where commands for the engine go.
    pub commands: mpsc::Sender<Command>,
    /// Where the engine's events come from.
    pub events: mpsc::Receiver<Event>,
}

/// How the console ended.
#[derive(Debug)]
pub struct Ended {
    /// Why; an error when the screen could not be drawn (its terminal gone,
    /// most likely), which leaves nobody to watch what is still under way.
    pub exit: Result<Exit, UiError>,
    /// Targets of changes sent to the engine whose outcome had not come back yet.
    pub unfinished: usize,
    /// Batches among them that may still have targets to start.
    pub batches: Vec<CommandId>,
    /// A batch among them was cancelled: its targets not started are skipped.
    pub cancelling: bool,
    /// The engine's events from the screen's end on, for whoever watches
    /// those changes finish; `None` once the engine had stopped.
    pub unread: Option<Unread>,
    /// The engine's commands of the changes in flight that write.
    pub writing: std::collections::HashSet<CommandId>,
}

/// The engine's events the screen did not take: the one being handed to it
/// as it closed, and those to come.
#[derive(Debug)]
pub struct Unread {
    pub next: Option<Event>,
    pub rest: mpsc::Receiver<Event>,
}

impl Unread {
    /// The next event; `None` once the engine has stopped.
    pub async fn recv(&mut self) -> Option<Event> {
        match self.next.take() {
            Some(event) => Some(event),
            None => self.rest.recv().await,
        }
    }

    /// The next event already sent, without waiting for one.
    pub fn try_recv(&mut self) -> Option<Event> {
        self.next.take().or_else(|| self.rest.try_recv().ok())
    }
}

/// Runs the console in this terminal until the supervisor quits or a
/// SIGTERM/SIGHUP arrives; the terminal is restored on every way out. The
/// caller then shuts the engine down (letting changes in flight finish).
pub async fn run(console: Console) -> Result<Ended, UiError> {
    let Console { session, looks, pace, commands, events } = console;
    let (inbox_tx, inbox) = mpsc::channel(driver::INBOX);
    let stop_signals = listen_for_signals(&inbox_tx).map_err(UiError::Terminal)?;
    let screen = TerminalScreen::enter().map_err(UiError::Terminal)?;
    let size = screen.size().map_err(UiError::Terminal)?;
    let clock = Clock::new(std::time::Duration::ZERO, OffsetDateTime::now_utc());
    let outlets = Outlets::new(commands, session.sandbox.as_ref(), inbox_tx.clone());
    let app = App::new(session, looks, size, clock);
    let engine = forward_engine(events, inbox_tx.clone());
    input::forward_terminal(inbox_tx).map_err(UiError::Terminal)?;
    let (exit, app) = Driver::new(app, screen, inbox, outlets, pace).run().await;
    for task in stop_signals {
        task.abort();
    }
    // The driver has let go of the inbox: the forwarder hands the events back.
    let unread = engine.await.ok().flatten();
    let (unfinished, batches, cancelling) =
        (app.sent.targets_left(), app.sent.commands_to_cancel(), app.sent.cancelling());
    let writing = app.sent.writes_in_flight();
    Ok(Ended { exit: exit.map_err(UiError::Draw), unfinished, batches, cancelling, unread, writing })
}

/// Engine events into the inbox; its end is news too. Once the inbox is
/// closed (the screen has ended), the events not taken are handed back.
pub fn forward_engine(
    mut events: mpsc::Receiver<Event>,
    inbox: mpsc::Sender<Input>,
) -> tokio::task::JoinHandle<Option<Unread>> {
    tokio::spawn(async move {
        loop {
            let event = tokio::select! {
                () = inbox.closed() => return Some(Unread { next: None, rest: events }),
                event = events.recv() => event,
            };
            let Some(event) = event else { break };
            if let Err(mpsc::error::SendError(input)) = inbox.send(Input::Engine(event)).await {
                let next = match input {
                    Input::Engine(event) => Some(event),
                    _ => None,
                };
                return Some(Unread { next, rest: events });
            }
        }
        let _ = inbox.send(Input::EngineStopped).await;
        None
    })
}

/// SIGTERM, SIGHUP and SIGINT end the console cleanly (the terminal
/// restored, the engine shut down by the caller); left to their default,
/// they would kill it with the terminal still raw and its changes in flight
/// unsettled.
#[cfg(unix)]
fn listen_for_signals(inbox: &mpsc::Sender<Input>) -> io::Result<Vec<tokio::task::JoinHandle<()>>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut tasks = Vec::new();
    let stops = [
        (SignalKind::terminate(), Stop::Terminate),
        (SignalKind::hangup(), Stop::Hangup),
        (SignalKind::interrupt(), Stop::Interrupt),
    ];
    for (kind, stop) in stops {
        let mut signals = signal(kind)?;
        let inbox = inbox.clone();
        tasks.push(tokio::spawn(async move {
            if signals.recv().await.is_some() {
                let _ = inbox.send(Input::Signal(stop)).await;
            }
        }));
    }
    Ok(tasks)
}

#[cfg(not(unix))]
fn listen_for_signals(_: &mpsc::Sender<Input>) -> io::Result<Vec<tokio::task::JoinHandle<()>>> {
    Ok(Vec::new())
}
