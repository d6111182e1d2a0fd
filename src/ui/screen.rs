//! Where frames go: the real terminal, or a headless buffer for tests and
//! end-to-end runs. The driver only knows this interface.

use super::app::App;
use super::draw::draw;
use super::terminal::TerminalGuard;
use crossterm::clipboard::CopyToClipboard;
use crossterm::execute;
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use ratatui::Terminal;
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::buffer::Buffer;
use ratatui::layout::{Rect, Size};
use std::io::{self, Stdout};
use std::mem::ManuallyDrop;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

pub trait Screen {
    fn size(&self) -> io::Result<Size>;
    /// Draws one frame of `app`.
    fn draw(&mut self, app: &App) -> io::Result<()>;
    /// Gives the terminal to the shell until the console is resumed, then
    /// makes the next frame a full redraw.
    fn suspend(&mut self) -> io::Result<()>;
    /// Puts `text` on the clipboard of the terminal's desktop.
    fn copy(&mut self, text: &str) -> io::Result<()>;
}

/// The terminal the console runs in.
pub struct TerminalScreen {
    /// Never dropped: ratatui's drop only shows the cursor, which the
    /// guard's restore does too, and when the terminal is gone (a hangup)
    /// it would print its failure to do so on stderr.
    terminal: ManuallyDrop<Terminal<CrosstermBackend<Stdout>>>,
    guard: TerminalGuard,
}

impl TerminalScreen {
    /// Takes the terminal (raw mode, alternate screen, mouse); it is given
    /// back when this is dropped, or on a panic.
    pub fn enter() -> io::Result<Self> {
        let guard = TerminalGuard::enter()?;
        let terminal = ManuallyDrop::new(Terminal::new(CrosstermBackend::new(io::stdout()))?);
        Ok(Self { terminal, guard })
    }
}

impl Screen for TerminalScreen {
    fn size(&self) -> io::Result<Size> {
        self.terminal.size()
    }

    /// Wrapped in synchronized output, so terminals that support it show
    /// the frame at once instead of line by line.
    fn draw(&mut self, app: &App) -> io::Result<()> {
        execute!(self.terminal.backend_mut(), BeginSynchronizedUpdate)?;
        let drawn = self.terminal.draw(|frame| draw(app, frame)).map(|_| ());
        execute!(self.terminal.backend_mut(), EndSynchronizedUpdate)?;
        drawn
    }

    fn suspend(&mut self) -> io::Result<()> {
        self.guard.suspend()?;
        // Not `Terminal::clear`: it first asks the terminal where the cursor
        // is, and the answer goes to the key reader, so it waits 2 s and
        // fails, leaving ratatui sure the old frame is still on screen. A
        // resize to the current size clears the screen and forgets the old
        // frame without asking anything: the next frame is drawn whole.
        let size = self.terminal.size()?;
        self.terminal.resize(Rect::new(0, 0, size.width, size.height))
    }

    /// OSC 52: the terminal sets its clipboard, over SSH as well. One that
    /// does not know the sequence ignores it; tmux passes it on when its
    /// `set-clipboard` option is `on`.
    fn copy(&mut self, text: &str) -> io::Result<()> {
        execute!(self.terminal.backend_mut(), CopyToClipboard::to_clipboard_from(text))
    }
}

/// A screen in memory. Its [`Probe`] tells how many frames were drawn and
/// what the last one showed.
pub struct Headless {
    terminal: Terminal<TestBackend>,
    probe: Probe,
}

/// What a headless screen has shown; clones share it.
#[derive(Clone, Default)]
pub struct Probe {
    frames: Arc<AtomicU64>,
    suspends: Arc<AtomicU64>,
    last: Arc<Mutex<Option<Buffer>>>,
    copied: Arc<Mutex<Vec<String>>>,
}

impl Headless {
    pub fn new(width: u16, height: u16) -> (Self, Probe) {
        let probe = Probe::default();
        // A test backend never fails to start.
        let terminal = match Terminal::new(TestBackend::new(width, height)) {
            Ok(terminal) => terminal,
            Err(never) => match never {},
        };
        (Self { terminal, probe: probe.clone() }, probe)
    }
}

impl Screen for Headless {
    fn size(&self) -> io::Result<Size> {
        let area = self.terminal.backend().buffer().area;
        Ok(Size { width: area.width, height: area.height })
    }

    fn draw(&mut self, app: &App) -> io::Result<()> {
        let frame = match self.terminal.draw(|frame| draw(app, frame)) {
            Ok(frame) => frame.buffer.clone(),
            Err(never) => match never {},
        };
        self.probe.frames.fetch_add(1, Ordering::SeqCst);
        *self.probe.last.lock().unwrap_or_else(|e| e.into_inner()) = Some(frame);
        Ok(())
    }

    fn suspend(&mut self) -> io::Result<()> {
        self.probe.suspends.fetch_add(1, Ordering::SeqCst);
        match self.terminal.clear() {
            Ok(()) => Ok(()),
            Err(never) => match never {},
        }
    }

    fn copy(&mut self, text: &str) -> io::Result<()> {
        self.probe.copied.lock().unwrap_or_else(|e| e.into_inner()).push(text.to_string());
        Ok(())
    }
}

impl Probe {
    pub fn frames(&self) -> u64 {
        self.frames.load(Ordering::SeqCst)
    }

    pub fn suspends(&self) -> u64 {
        self.suspends.load(Ordering::SeqCst)
    }

    /// What was copied to the clipboard, oldest first.
    pub fn copied(&self) -> Vec<String> {
        self.copied.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The last frame as text, one line per row.
    pub fn text(&self) -> String {
        let last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        let Some(buffer) = last.as_ref() else { return String::new() };
        let width = usize::from(buffer.area.width).max(1);
        buffer
            .content
            .chunks(width)
            .map(|row| row.iter().map(|cell| cell.symbol()).collect::<String>().trim_end().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }
}
