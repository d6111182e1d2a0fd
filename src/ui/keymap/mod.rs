//! Keys to verbs, per context, with the words that explain them.
//!
//! One table feeds three things: key lookup, the hint bar of the focused
//! pane and the help screen, so what the screen says is always what the keys
//! do. The defaults are `assets/keymap.toml`; a user's keymap.toml
//! overrides any entry.

mod file;
mod key;
mod verb;

pub use key::Key;
pub use verb::{Context, Verb};

use super::app::ListId;
use super::looks::Problem;
use std::collections::HashMap;

/// The defaults, as a user would write them.
pub const DEFAULT_KEYMAP: &str = include_str!("../../../assets/keymap.toml");

/// Keys bound to one verb in one context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub context: Context,
    pub verb: Verb,
    pub keys: Vec<Key>,
    /// What the help screen says.
    pub desc: String,
    /// The hint bar's label; `None` keeps the binding out of the bar.
    pub hint: Option<String>,
}

/// One item of the hint bar: keys and a label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub keys: String,
    pub label: String,
    /// What the first of the keys does, for deciding which hints a short
    /// line keeps whatever their labels say.
    pub verb: Verb,
}

#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<Binding>,
    lookup: HashMap<(Context, Key), Verb>,
}

impl Keymap {
    pub fn defaults() -> Self {
        Self::from_files(&[("keymap.toml (defaults)", DEFAULT_KEYMAP)]).0
    }

    /// The defaults with `text` (a user's keymap.toml) laid over them.
    pub fn with_overrides(source: &str, text: &str) -> (Self, Vec<Problem>) {
        Self::from_files(&[("keymap.toml (defaults)", DEFAULT_KEYMAP), (source, text)])
    }

    fn from_files(files: &[(&str, &str)]) -> (Self, Vec<Problem>) {
        let mut bindings = Vec::new();
        let mut problems = Vec::new();
        let mut last_source = "";
        let mut user_set = Vec::new();
        for (i, (source, text)) in files.iter().enumerate() {
            let touched = file::apply(source, text, &mut bindings, &mut problems);
            if i > 0 {
                user_set.extend(touched);
            }
            last_source = source;
        }
        file::settle_conflicts(last_source, &mut bindings, &user_set, &mut problems);
        // TOML tables carry no order, so lists follow the verbs' own.
        bindings.sort_by_key(|b| (b.context, b.verb.rank()));
        let lookup =
            bindings.iter().flat_map(|b| b.keys.iter().map(move |key| ((b.context, *key), b.verb))).collect();
        (Self { bindings, lookup }, problems)
    }

    /// What `key` does in `context`: the most specific binding wins.
    pub fn verb(&self, context: Context, key: Key) -> Option<Verb> {
        self.verb_on(context, key, None)
    }

    /// What `key` does in `context` with `list` focused: a binding for
    /// another pane's action (`n` deploys on data actions) lets the key
    /// fall through to what it does more generally. When nothing more
    /// general takes it, the other pane's action stands, so the key can say
    /// why it does nothing here rather than nothing at all.
    pub fn verb_on(&self, context: Context, key: Key, list: Option<ListId>) -> Option<Verb> {
        let bound = |c: &Context| self.lookup.get(&(*c, key)).copied();
        let acts = |verb: &Verb| list.is_none_or(|list| verb.acts_on(list));
        let chain = context.chain();
        chain.iter().filter_map(bound).find(acts).or_else(|| chain.iter().find_map(bound))
    }

    /// Whether `key` is bound anywhere `context` looks.
    pub fn is_bound(&self, context: Context, key: Key) -> bool {
        self.verb(context, key).is_some()
    }

    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The bindings of one context, hiding changes when read-only.
    pub fn section(&self, context: Context, read_only: bool) -> impl Iterator<Item = &Binding> {
        self.bindings.iter().filter(move |b| b.context == context && !(read_only && b.verb.writes()))
    }

    /// The hint bar for `context`: its own hints first, then the more general
    /// ones; bindings with the same label merge (`j/k move`).
    pub fn hints(&self, context: Context, read_only: bool) -> Vec<Hint> {
        self.hints_for(context, read_only, None)
    }

    /// The hint bar for `context` with `list` focused: verbs that do nothing
    /// on that list stay out of it.
    pub fn hints_for(&self, context: Context, read_only: bool, list: Option<ListId>) -> Vec<Hint> {
        let mut hints: Vec<Hint> = Vec::new();
        for c in context.chain() {
            for binding in self.section(*c, read_only) {
                if list.is_some_and(|list| !binding.verb.hinted_on(list)) {
                    continue;
                }
                let (Some(label), Some(key)) = (&binding.hint, binding.keys.first()) else { continue };
                let label = &binding.verb.label_on(list, label);
                // A key a more specific context took does something else here.
                if self.verb_on(context, *key, list) != Some(binding.verb) {
                    continue;
                }
                match hints.iter_mut().find(|h| &h.label == label) {
                    Some(hint) => {
                        hint.keys.push('/');
                        hint.keys.push_str(&key.to_string());
                    }
                    None => {
                        hints.push(Hint { keys: key.to_string(), label: label.clone(), verb: binding.verb })
                    }
                }
            }
        }
        hints
    }

    /// The first key bound to `verb` where `context` looks, for messages
    /// such as "press ? for help".
    pub fn key_for(&self, context: Context, verb: Verb) -> Option<Key> {
        context.chain().iter().find_map(|c| {
            self.bindings
                .iter()
                .find(|b| b.context == *c && b.verb == verb)
                .and_then(|b| b.keys.iter().find(|k| self.verb(context, **k) == Some(verb)).copied())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyCode;

    #[test]
    fn the_default_file_has_no_problems_and_explains_every_binding() {
        let (keymap, problems) = Keymap::from_files(&[("defaults", DEFAULT_KEYMAP)]);
        assert!(problems.is_empty(), "{problems:#?}");
        assert!(keymap.bindings().iter().all(|b| !b.desc.is_empty() && !b.keys.is_empty()));
    }

    #[test]
    fn the_most_specific_context_wins() {
        let keymap = Keymap::defaults();
        assert_eq!(keymap.verb(Context::Table, Key::char('j')), Some(Verb::Down));
        assert_eq!(keymap.verb(Context::Table, Key::char('q')), Some(Verb::Quit));
        assert_eq!(keymap.verb(Context::Overlay, Key::char('q')), Some(Verb::Close));
        assert_eq!(keymap.verb(Context::Table, Key::plain(KeyCode::Esc)), Some(Verb::ClearFilter));
        assert_eq!(keymap.verb(Context::Audit, Key::char('F')), Some(Verb::Follow));
        assert_eq!(keymap.verb(Context::Table, Key::char('F')), None, "free for sorting by a column");
    }

    #[test]
    fn every_key_that_opens_the_help_closes_it() {
        let keymap = Keymap::defaults();
        let opening: Vec<Key> = keymap
            .bindings()
            .iter()
            .filter(|b| b.context == Context::Global && b.verb == Verb::Help)
            .flat_map(|b| b.keys.clone())
            .collect();
        assert!(opening.contains(&Key::plain(KeyCode::F(1))), "{opening:?}");
        for key in opening {
            assert_eq!(keymap.verb(Context::Overlay, key), Some(Verb::Help), "{key} opens the help");
        }
    }

    #[test]
    fn another_panes_action_stands_only_where_nothing_else_takes_its_key() {
        let keymap = Keymap::defaults();
        let on = |key, list| keymap.verb_on(Context::Table, Key::char(key), Some(list));
        assert_eq!(on('c', ListId::Interactions), Some(Verb::ChangeState), "to say why, not nothing");
        assert_eq!(on(' ', ListId::DataActions), Some(Verb::Mark));
        let (keymap, _) = Keymap::with_overrides("keymap.toml", "[global]\nfreeze = \"t\"");
        let on = |list| keymap.verb_on(Context::Table, Key::char('t'), Some(list));
        assert_eq!(on(ListId::Agents), Some(Verb::Freeze), "t means freeze off data actions");
        assert_eq!(on(ListId::DataActions), Some(Verb::Simulate));
    }

    #[test]
    fn hints_merge_keys_with_the_same_label() {
        let hints = Keymap::defaults().hints_for(Context::Table, false, Some(ListId::Campaigns));
        let labels: Vec<String> = hints.iter().map(|h| format!("{} {}", h.keys, h.label)).collect();
        assert_eq!(labels[0], "s sort", "no action of another pane comes first");
        assert!(labels.contains(&"j/k move".to_string()), "{labels:?}");
        assert!(labels.contains(&"? help".to_string()), "{labels:?}");
    }

    #[test]
    fn the_focused_panes_own_actions_lead_and_read_only_hides_changes() {
        let keymap = Keymap::defaults();
        let labels = |list, read_only| -> Vec<String> {
            keymap.hints_for(Context::Table, read_only, Some(list)).into_iter().map(|h| h.label).collect()
        };
        assert_eq!(labels(ListId::Agents, false)[0], "state");
        assert!(!labels(ListId::Agents, false).contains(&"disposition".to_string()));
        assert_eq!(labels(ListId::Contacts, false)[0], "outcome", "what the contact's form sets");
        assert!(labels(ListId::Interactions, false).contains(&"disposition".to_string()));
        assert!(!labels(ListId::Agents, true).contains(&"state".to_string()));
        assert!(
            labels(ListId::DataActions, true).contains(&"simulate".to_string()),
            "simulating writes nothing"
        );
        assert!(!labels(ListId::DataActions, true).contains(&"deploy".to_string()));
    }
}
