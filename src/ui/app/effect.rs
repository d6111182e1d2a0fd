//! What an update asks the driver to do. Effects are data, so updates can
//! be tested by reading them.

use crate::engine::Command;
use crate::sandbox::FaultProfile;

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Send a command to the engine.
    Engine(Command),
    /// Set the embedded sandbox's fault mix (`PUT /sandbox/faults`).
    SetFaults(FaultProfile),
    /// Leave the console.
    Quit,
    /// Put this text on the clipboard, through the terminal (OSC 52).
    Copy(String),
    /// Give the terminal back to the shell until resumed (Ctrl-Z).
    Suspend,
}
