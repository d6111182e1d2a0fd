//! What a key can do, and where.

use crate::ui::app::PaneId;

/// Where a binding applies. A key is looked up in the most specific context
/// first: the focused table or the audit log, then lists in general, then
/// everywhere. Overlays (help, details) have their own context and see
/// nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Global,
    List,
    Table,
    Audit,
    Overlay,
}

impl Context {
    pub const ALL: [Self; 5] = [Self::Global, Self::List, Self::Table, Self::Audit, Self::Overlay];

    /// The table's name in keymap.toml.
    pub fn name(self) -> &'static str {
        match self {
            Self::Global => "global",
            Self::List => "list",
            Self::Table => "table",
            Self::Audit => "audit",
            Self::Overlay => "overlay",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.name() == name)
    }

    /// How the help screen heads the context's section.
    pub fn title(self) -> &'static str {
        match self {
            Self::Global => "Everywhere",
            Self::List => "Tables and the audit log",
            Self::Table => "Entity tables",
            Self::Audit => "Audit log",
            Self::Overlay => "Help, details and other windows",
        }
    }

    /// The contexts a key is looked up in, most specific first.
    pub fn chain(self) -> &'static [Self] {
        match self {
            Self::Global => &[Self::Global],
            Self::List => &[Self::List, Self::Global],
            Self::Table => &[Self::Table, Self::List, Self::Global],
            Self::Audit => &[Self::Audit, Self::List, Self::Global],
            Self::Overlay => &[Self::Overlay],
        }
    }
}

/// A named thing a key does; keymap.toml binds keys to these names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verb {
    Quit,
    Help,
    Palette,
    Focus(PaneId),
    NextPane,
    PrevPane,
    Freeze,
    Refresh,
    Breakdown,
    Suspend,
    Up,
    Down,
    Top,
    Bottom,
    HalfPageDown,
    HalfPageUp,
    PageDown,
    PageUp,
    Filter,
    ClearFilter,
    Open,
    SortNext,
    SortReverse,
    FocusLeft,
    FocusRight,
    Follow,
    Close,
}

/// Every verb with its name and the contexts it may be bound in.
const VERBS: &[(&str, Verb, &[Context])] = &[
    ("quit", Verb::Quit, &[Context::Global, Context::Overlay]),
    ("help", Verb::Help, &[Context::Global, Context::Overlay]),
    ("palette", Verb::Palette, &[Context::Global]),
    ("pane.agents", Verb::Focus(PaneId::Agents), &[Context::Global]),
    ("pane.interactions", Verb::Focus(PaneId::Interactions), &[Context::Global]),
    ("pane.campaigns", Verb::Focus(PaneId::Campaigns), &[Context::Global]),
    ("pane.data_actions", Verb::Focus(PaneId::DataActions), &[Context::Global]),
    ("pane.audit", Verb::Focus(PaneId::Audit), &[Context::Global]),
    ("pane.next", Verb::NextPane, &[Context::Global]),
    ("pane.prev", Verb::PrevPane, &[Context::Global]),
    ("freeze", Verb::Freeze, &[Context::Global]),
    ("refresh", Verb::Refresh, &[Context::Global]),
    ("breakdown", Verb::Breakdown, &[Context::Global]),
    ("suspend", Verb::Suspend, &[Context::Global]),
    ("down", Verb::Down, &[Context::List, Context::Overlay]),
    ("up", Verb::Up, &[Context::List, Context::Overlay]),
    ("top", Verb::Top, &[Context::List, Context::Overlay]),
    ("bottom", Verb::Bottom, &[Context::List, Context::Overlay]),
    ("half_page_down", Verb::HalfPageDown, &[Context::List, Context::Overlay]),
    ("half_page_up", Verb::HalfPageUp, &[Context::List, Context::Overlay]),
    ("page_down", Verb::PageDown, &[Context::List, Context::Overlay]),
    ("page_up", Verb::PageUp, &[Context::List, Context::Overlay]),
    ("filter", Verb::Filter, &[Context::List]),
    ("clear_filter", Verb::ClearFilter, &[Context::List]),
    ("open", Verb::Open, &[Context::List]),
    ("sort.next", Verb::SortNext, &[Context::Table]),
    ("sort.reverse", Verb::SortReverse, &[Context::Table]),
    ("focus.left", Verb::FocusLeft, &[Context::Table]),
    ("focus.right", Verb::FocusRight, &[Context::Table]),
    ("follow", Verb::Follow, &[Context::Audit]),
    ("close", Verb::Close, &[Context::Overlay]),
];

impl Verb {
    pub fn from_name(name: &str) -> Option<Self> {
        VERBS.iter().find(|(n, ..)| *n == name).map(|(_, verb, _)| *verb)
    }

    pub fn name(self) -> &'static str {
        VERBS.iter().find(|(_, verb, _)| *verb == self).map_or("?", |(name, ..)| name)
    }

    /// Where the verb comes in lists (help, hints): the order of the table
    /// above, which groups related verbs.
    pub fn rank(self) -> usize {
        VERBS.iter().position(|(_, verb, _)| *verb == self).unwrap_or(usize::MAX)
    }

    pub fn allowed_in(self, context: Context) -> bool {
        VERBS.iter().any(|(_, verb, contexts)| *verb == self && contexts.contains(&context))
    }

    /// The contexts the verb may be bound in, for error messages.
    pub fn contexts(self) -> Vec<&'static str> {
        VERBS
            .iter()
            .filter(|(_, verb, _)| *verb == self)
            .flat_map(|(_, _, contexts)| contexts.iter().map(|c| c.name()))
            .collect()
    }

    /// Whether the verb changes something on the tenant, so read-only mode
    /// hides it. None of the navigation verbs do; the compose actions will.
    pub fn writes(self) -> bool {
        false
    }

    pub fn names() -> impl Iterator<Item = &'static str> {
        VERBS.iter().map(|(name, ..)| *name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_verb_round_trips_through_its_name() {
        for name in Verb::names() {
            let verb = Verb::from_name(name).unwrap();
            assert_eq!(verb.name(), name);
            assert!(!verb.contexts().is_empty());
        }
        assert_eq!(Verb::from_name("launch"), None);
    }
}
