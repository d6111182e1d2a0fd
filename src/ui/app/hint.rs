//! How the screen names the way to do something: a key, else a `:`
//! command, and never one that would do nothing where it is shown.

use super::{App, ListId, Overlay, palette};
use crate::ui::keymap::{Context, Key, Verb};
use std::fmt;

/// A way to run a verb from where the supervisor is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Way {
    Key(Key),
    /// A `:` command, with what it needs after it (`state <status>`).
    Command(String),
}

impl fmt::Display for Way {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Key(key) => key.fmt(f),
            Self::Command(line) => write!(f, ":{line}"),
        }
    }
}

impl Way {
    /// As an instruction: `press ?`, `type :help`.
    pub fn instruction(&self) -> String {
        match self {
            Self::Key(_) => format!("press {self}"),
            Self::Command(_) => format!("type {self}"),
        }
    }
}

/// What a message says of a verb that has neither a key nor a command.
pub fn unbound(verb: Verb) -> String {
    format!("{} is unbound in keymap.toml", verb.name())
}

impl App {
    /// How to run `verb` from `context`: its first key there, else its `:`
    /// command when the command line opens from there; `None` when neither.
    pub fn way_to(&self, context: Context, verb: Verb) -> Option<Way> {
        if let Some(key) = self.keymap.key_for(context, verb) {
            return Some(Way::Key(key));
        }
        self.keymap.key_for(context, Verb::Palette)?;
        let session = &self.session;
        palette::command_for(verb, session.is_sandbox(), session.read_only).map(Way::Command)
    }

    /// How to run `verb` now. An open window takes the keys: a form reads
    /// only `[form]` (where Ctrl-X removes a row), other windows `[overlay]`,
    /// and the command line, a filter and the questions their own keys; so
    /// what works on the panes under them does not count.
    pub fn live_way(&self, verb: Verb) -> Option<Way> {
        match self.overlays.last() {
            Some(Overlay::Form(_)) => self.keymap.key_for(Context::Form, verb).map(Way::Key),
            Some(top) if top.reads_keys() => None,
            _ => self.way_to(self.context(), verb),
        }
    }

    /// The key that runs `verb` in `context`, to name the key just pressed;
    /// a verb run without one is named as keymap.toml does.
    pub fn key_or_name(&self, context: Context, verb: Verb) -> String {
        self.keymap.key_for(context, verb).map_or_else(|| verb.name().to_string(), |key| key.to_string())
    }

    /// [`App::way_to`] as the screen writes it: `?`, `:cancel`.
    pub fn key_hint(&self, context: Context, verb: Verb) -> Option<String> {
        self.way_to(context, verb).map(|way| way.to_string())
    }

    /// How to get to `list` from where the keys are now, as an instruction
    /// (`press 1`, `press 3, then l`, `type :contacts`).
    pub fn way_to_list(&self, list: ListId) -> Option<String> {
        let pane = Verb::Focus(list.pane());
        if list != ListId::Contacts {
            return self.way_to(Context::Table, pane).map(|way| way.instruction());
        }
        let right = self.keymap.key_for(Context::Table, Verb::FocusRight);
        let keys = match (self.focused_list(), self.keymap.key_for(Context::Table, pane), right) {
            (ListId::Campaigns, _, Some(right)) => Some(format!("press {right}")),
            (_, Some(pane), Some(right)) => Some(format!("press {pane}, then {right}")),
            _ => None,
        };
        let palette = self.keymap.key_for(Context::Table, Verb::Palette);
        keys.or_else(|| palette.map(|_| "type :contacts".to_string()))
    }

    /// `lists` by title, each with the way to it: `Interactions (press 2)
    /// and Contacts (press 3, then l)`; `or` joins the last when `either`.
    pub fn lists_and_ways(&self, lists: &[ListId], either: bool) -> String {
        let named: Vec<String> = lists
            .iter()
            .map(|&list| match self.way_to_list(list) {
                Some(way) => format!("{} ({way})", list.title()),
                None => list.title().to_string(),
            })
            .collect();
        match named.split_last() {
            Some((last, rest)) if !rest.is_empty() => {
                format!("{} {} {last}", rest.join(", "), if either { "or" } else { "and" })
            }
            _ => named.concat(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyCode;

    #[test]
    fn ways_read_as_keys_or_commands() {
        assert_eq!(Way::Key(Key::ctrl('x')).to_string(), "Ctrl-x");
        assert_eq!(Way::Key(Key::plain(KeyCode::F(1))).instruction(), "press F1");
        assert_eq!(Way::Command("cancel".into()).to_string(), ":cancel");
        assert_eq!(Way::Command("help".into()).instruction(), "type :help");
        assert_eq!(unbound(Verb::NewVersion), "data.version is unbound in keymap.toml");
    }
}
