//! What a key can do, and where.

use crate::ui::app::{ListId, PaneId};

/// Where a binding applies. A key is looked up in the most specific context
/// first: the focused table or the audit log, then lists in general, then
/// everywhere. Overlays (help, details) and forms have their own contexts
/// and see nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Global,
    List,
    Table,
    Audit,
    Overlay,
    Form,
}

impl Context {
    pub const ALL: [Self; 6] =
        [Self::Global, Self::List, Self::Table, Self::Audit, Self::Overlay, Self::Form];

    /// The table's name in keymap.toml.
    pub fn name(self) -> &'static str {
        match self {
            Self::Global => "global",
            Self::List => "list",
            Self::Table => "table",
            Self::Audit => "audit",
            Self::Overlay => "overlay",
            Self::Form => "form",
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
            Self::Form => {
                "Forms (text fields also take ←→, Home, End, Backspace, Del, Ctrl-U, Ctrl-W, paste)"
            }
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
            Self::Form => &[Self::Form],
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
    /// Copies the selection's id, or what a window shows, to the clipboard.
    Copy,
    SortNext,
    SortReverse,
    FocusLeft,
    FocusRight,
    Follow,
    Close,
    /// Marks or unmarks the selected row for a batch change.
    Mark,
    MarkAll,
    ClearMarks,
    ChangeState,
    Dispose,
    Attributes,
    Simulate,
    Deploy,
    NewVersion,
    Deprecate,
    ActionMetrics,
    /// Stops the running batch; targets not yet started are skipped.
    CancelBatch,
    /// Brings back the form of a change that was sent and not applied.
    Reopen,
    FormSubmit,
    FormCancel,
    FormNext,
    FormPrev,
    FormAddRow,
    FormRemoveRow,
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
    ("breakdown", Verb::Breakdown, &[Context::Global, Context::Overlay]),
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
    ("copy", Verb::Copy, &[Context::List, Context::Overlay]),
    ("compose.state", Verb::ChangeState, &[Context::Table]),
    ("compose.disposition", Verb::Dispose, &[Context::Table]),
    ("compose.attributes", Verb::Attributes, &[Context::Table]),
    ("data.simulate", Verb::Simulate, &[Context::Table]),
    ("data.deploy", Verb::Deploy, &[Context::Table]),
    ("data.version", Verb::NewVersion, &[Context::Table]),
    ("data.deprecate", Verb::Deprecate, &[Context::Table]),
    ("data.metrics", Verb::ActionMetrics, &[Context::Table]),
    ("mark", Verb::Mark, &[Context::Table]),
    ("mark.all", Verb::MarkAll, &[Context::Table]),
    ("mark.clear", Verb::ClearMarks, &[Context::Table]),
    ("sort.next", Verb::SortNext, &[Context::Table]),
    ("sort.reverse", Verb::SortReverse, &[Context::Table]),
    ("focus.left", Verb::FocusLeft, &[Context::Table]),
    ("focus.right", Verb::FocusRight, &[Context::Table]),
    ("follow", Verb::Follow, &[Context::Audit]),
    ("close", Verb::Close, &[Context::Overlay]),
    ("cancel", Verb::CancelBatch, &[Context::Global]),
    ("reopen", Verb::Reopen, &[Context::Global]),
    ("form.submit", Verb::FormSubmit, &[Context::Form]),
    ("form.next", Verb::FormNext, &[Context::Form]),
    ("form.prev", Verb::FormPrev, &[Context::Form]),
    ("form.add_row", Verb::FormAddRow, &[Context::Form]),
    ("form.remove_row", Verb::FormRemoveRow, &[Context::Form]),
    ("form.cancel", Verb::FormCancel, &[Context::Form]),
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

    /// Whether the verb is there to change something on the tenant, so
    /// read-only mode hides it. Simulating a data action and reading its
    /// metrics change nothing and stay.
    pub fn writes(self) -> bool {
        matches!(
            self,
            Self::Mark
                | Self::MarkAll
                | Self::ClearMarks
                | Self::ChangeState
                | Self::Dispose
                | Self::Attributes
                | Self::Deploy
                | Self::NewVersion
                | Self::Deprecate
                | Self::CancelBatch
                | Self::Reopen
        )
    }

    /// The lists the verb acts on; `None` for every one. Hints show a verb
    /// only where it does something.
    pub fn lists(self) -> Option<&'static [ListId]> {
        const MARKABLE: &[ListId] = &[ListId::Agents, ListId::Interactions, ListId::Contacts];
        const DATA: &[ListId] = &[ListId::DataActions];
        match self {
            Self::Mark | Self::MarkAll | Self::ClearMarks => Some(MARKABLE),
            Self::ChangeState => Some(&[ListId::Agents]),
            Self::Dispose => Some(&[ListId::Interactions, ListId::Contacts]),
            Self::Attributes => Some(&[ListId::Interactions]),
            Self::Simulate | Self::Deploy | Self::NewVersion | Self::Deprecate | Self::ActionMetrics => {
                Some(DATA)
            }
            _ => None,
        }
    }

    /// Whether the verb does anything on `list`.
    pub fn acts_on(self, list: ListId) -> bool {
        self.lists().is_none_or(|lists| lists.contains(&list))
    }

    /// Whether the hint bar offers the verb on `list`: where it acts, and
    /// moving between campaigns and contacts only from the side it leaves.
    pub fn hinted_on(self, list: ListId) -> bool {
        match self {
            Self::FocusLeft => list == ListId::Contacts,
            Self::FocusRight => list == ListId::Campaigns,
            _ => self.acts_on(list),
        }
    }

    /// The hint's `label` on `list`. What `d` sets on a contact is its
    /// outcome, as the contact's form and confirmation call it, where an
    /// interaction is given a disposition; a label of the keymap's own
    /// choosing stays as written.
    pub fn label_on(self, list: Option<ListId>, label: &str) -> String {
        match (self, list) {
            (Self::Dispose, Some(ListId::Contacts)) if label == "disposition" => "outcome".to_string(),
            _ => label.to_string(),
        }
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
