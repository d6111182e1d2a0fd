//! The loop: one inbox, every waiting input drained before a frame, frames
//! only when something changed and never more than the frame rate allows.
//! Effects are performed here and nowhere else.

use super::app::{Action, App, Clock, Effect, Level, update};
use super::outlets::Outlets;
use super::screen::Screen;
use crate::engine::Event;
use ratatui::layout::Size;
use std::io;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior};

/// Inputs waiting before their senders wait for the screen.
pub const INBOX: usize = 1024;

/// What arrives in the inbox.
#[derive(Debug)]
pub enum Input {
    Terminal(crossterm::event::Event),
    Engine(Event),
    /// The engine's event channel closed.
    EngineStopped,
    /// How a fault change on the sandbox went.
    Faults(Result<String, String>),
    /// The process was asked to stop.
    Signal(Stop),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    Terminate,
    Hangup,
    /// SIGINT from outside: the screen's raw mode turns Ctrl-C into a key,
    /// so this is `kill -INT`, or a process group's interrupt.
    Interrupt,
}

/// Why the console ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Quit,
    Signal(Stop),
}

/// How fast the screen may go.
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    pub max_fps: u32,
    /// How often time moves on screen (ages, fading messages).
    pub tick: Duration,
}

impl Default for Pace {
    fn default() -> Self {
        Self { max_fps: 30, tick: Duration::from_millis(250) }
    }
}

pub struct Driver<S: Screen> {
    app: App,
    screen: S,
    inbox: mpsc::Receiver<Input>,
    outlets: Outlets,
    pace: Pace,
    start: Instant,
    wall: Box<dyn Fn() -> OffsetDateTime + Send>,
    next_frame: Instant,
    exit: Option<Exit>,
}

impl<S: Screen> Driver<S> {
    pub fn new(app: App, screen: S, inbox: mpsc::Receiver<Input>, outlets: Outlets, pace: Pace) -> Self {
        let start = Instant::now();
        Self {
            app,
            screen,
            inbox,
            outlets,
            pace,
            start,
            wall: Box::new(OffsetDateTime::now_utc),
            next_frame: start,
            exit: None,
        }
    }

    /// Reads the wall clock from `wall` instead of the system (tests).
    pub fn with_wall_clock(mut self, wall: impl Fn() -> OffsetDateTime + Send + 'static) -> Self {
        self.wall = Box::new(wall);
        self
    }

    /// Runs until a quit or a signal, or until the screen cannot be drawn
    /// (its terminal gone); returns why, and the final state either way, so
    /// that the changes still under way are known when the screen is lost.
    pub async fn run(mut self) -> (io::Result<Exit>, App) {
        let frame_period = Duration::from_secs(1) / self.pace.max_fps.clamp(1, 240);
        let mut ticks = tokio::time::interval(self.pace.tick);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
        if let Ok(size) = self.screen.size() {
            self.act(Action::Resize(size));
        }
        loop {
            let dirty = self.app.is_dirty();
            tokio::select! {
                biased;
                input = self.inbox.recv() => match input {
                    Some(input) => self.accept(input),
                    None => self.exit = Some(Exit::Quit),
                },
                _ = ticks.tick() => {
                    let clock = self.clock();
                    self.act(Action::Tick(clock));
                }
                () = tokio::time::sleep_until(self.next_frame), if dirty => {}
            }
            // Everything waiting, but no more than an inbox's worth: a flood
            // must not keep the screen from ever being drawn.
            for _ in 0..INBOX {
                if self.exit.is_some() {
                    break;
                }
                match self.inbox.try_recv() {
                    Ok(input) => self.accept(input),
                    Err(_) => break,
                }
            }
            if let Some(exit) = self.exit {
                self.take_engine_news();
                return (Ok(exit), self.app);
            }
            let now = Instant::now();
            if self.app.is_dirty() && now >= self.next_frame {
                if let Err(e) = self.screen.draw(&self.app) {
                    return (Err(e), self.app);
                }
                self.app.mark_drawn();
                self.next_frame = now + frame_period;
            }
        }
    }

    fn clock(&self) -> Clock {
        Clock::new(self.start.elapsed(), (self.wall)())
    }

    /// What the engine said before the screen ended, still in the inbox:
    /// taken in, so that the changes left under way are those it has not
    /// reported. Keys and the rest are left: nobody is watching. An inbox's
    /// worth at most, as the engine may go on saying more meanwhile: what
    /// comes after goes to whoever watches the rest (see [`super::Unread`]).
    fn take_engine_news(&mut self) {
        for _ in 0..INBOX {
            match self.inbox.try_recv() {
                Ok(Input::Engine(event)) => self.act(Action::Engine(event)),
                Ok(_) => {}
                Err(_) => break,
            }
        }
    }

    fn accept(&mut self, input: Input) {
        use crossterm::event::Event as Term;
        let action = match input {
            Input::Terminal(Term::Key(key)) => Action::Key(key),
            Input::Terminal(Term::Mouse(mouse)) => Action::Mouse(mouse),
            Input::Terminal(Term::Paste(text)) => Action::Paste(text),
            Input::Terminal(Term::Resize(width, height)) => Action::Resize(Size { width, height }),
            Input::Terminal(Term::FocusGained | Term::FocusLost) => return,
            Input::Engine(event) => Action::Engine(event),
            Input::EngineStopped => Action::EngineStopped,
            Input::Faults(result) => Action::FaultsSet(result),
            Input::Signal(stop) => {
                self.exit = Some(Exit::Signal(stop));
                return;
            }
        };
        self.act(action);
    }

    fn act(&mut self, action: Action) {
        for effect in update(&mut self.app, action) {
            match effect {
                Effect::Engine(command) => self.outlets.command(command),
                Effect::SetFaults(profile) => self.outlets.set_faults(profile),
                Effect::Quit => self.exit = Some(Exit::Quit),
                Effect::Copy(text) => {
                    if let Err(e) = self.screen.copy(&text) {
                        self.app.flash(format!("Could not copy: {e}"), Level::Error);
                    }
                }
                Effect::Suspend => {
                    if let Err(e) = self.screen.suspend() {
                        self.app.flash(format!("Could not suspend: {e}"), Level::Error);
                    }
                    // Whatever the terminal shows now is not ours: draw it all.
                    self.app.touch();
                    self.next_frame = Instant::now();
                    if let Ok(size) = self.screen.size() {
                        update(&mut self.app, Action::Resize(size));
                    }
                }
            }
        }
    }
}
