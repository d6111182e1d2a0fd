//! Everything that can change the console's state: terminal input, engine
//! events, the passing of time, and verbs already resolved from keys.

use super::clock::Clock;
use super::palette::PaletteCommand;
use crate::engine::Event;
use crate::ui::keymap::Verb;
use crossterm::event::{KeyEvent, MouseEvent};
use ratatui::layout::Size;

#[derive(Debug, Clone)]
pub enum Action {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Paste(String),
    Resize(Size),
    Tick(Clock),
    Engine(Event),
    /// The engine's event channel closed: it has stopped.
    EngineStopped,
    /// A verb, as a key would have run it.
    Run(Verb),
    /// A command-line command, as `:` would have run it.
    Command(PaletteCommand),
    /// How a request to change the sandbox's faults ended.
    FaultsSet(Result<String, String>),
}
