//! Compose forms: one per change the console makes. Every field is checked
//! as it is typed with the domain's own rules (the engine checks them again
//! before anything is sent), each problem shown beside the field it names,
//! and a valid form becomes a [`Plan`] to confirm.

mod agent_status;
mod attributes;
mod check;
mod contact_disposition;
mod data_action;
pub mod field;
pub mod input;
mod interaction_disposition;
mod lagging;
mod not_applied;
pub mod plan;
mod target_agents;

pub use agent_status::agent_name;
pub use check::Check;
pub use contact_disposition::contact_name;
pub use field::{Choice, Field, Input, Opt};
pub use input::TextInput;
pub use lagging::{Lag, Lagging};
pub use not_applied::NotApplied;
pub use plan::{Named, Outgoing, Plan, PlanLine};

use crate::api::model::{Campaign, Contact, DataAction, Interaction, User};
use crate::domain::Timestamp;
use crate::domain::agent_status::PauseReasons;
use crate::domain::interaction_disposition::DispositionMatrix;
use crate::engine::RuleBook;
use crate::ui::capped::capped_line;
use crate::ui::entity::{Directory, Entity};
use crate::ui::keymap::Verb;
use crate::ui::panes::format;
use std::sync::Arc;

/// The tenant's rule data as the console has it: nothing yet, or each list
/// as read, or why it could not be.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules(Option<RuleBook>);

impl Rules {
    pub fn read(book: RuleBook) -> Self {
        Self(Some(book))
    }

    /// The tenant's pause reasons, or why a form cannot check against them
    /// yet, in words.
    pub fn pause_reasons(&self) -> Result<&PauseReasons, String> {
        Self::part(self.0.as_ref().map(|book| &book.pause_reasons), "pause reasons")
    }

    /// The tenant's disposition matrix, or why a form cannot check against
    /// it yet, in words.
    pub fn dispositions(&self) -> Result<&DispositionMatrix, String> {
        Self::part(self.0.as_ref().map(|book| &book.dispositions), "disposition matrix")
    }

    /// Whether both lists are in: opening the command line asks again otherwise.
    pub fn all_read(&self) -> bool {
        self.0.as_ref().is_some_and(|book| book.pause_reasons.is_ok() && book.dispositions.is_ok())
    }

    fn part<'a, T>(part: Option<&'a Result<Arc<T>, String>>, what: &str) -> Result<&'a T, String> {
        match part {
            Some(Ok(list)) => Ok(list),
            Some(Err(why)) => Err(format!("{why}; close the form and open it again to retry")),
            None => Err(format!("reading the tenant's {what}…")),
        }
    }
}

/// What forms check against besides their own fields.
pub struct Facts<'a> {
    pub rules: &'a Rules,
    /// Campaigns with their outcome matrices.
    pub campaigns: &'a [Campaign],
    /// Agents' and contacts' names, for naming them and telling namesakes apart.
    pub directory: &'a Directory,
    /// Contacts (by row key: campaign and id) given an outcome this
    /// session, which the engine skips as duplicates.
    pub contacts_done: &'a std::collections::HashSet<crate::engine::RowKey>,
    /// Targets whose rows may not show this session's latest change.
    pub lagging: &'a Lagging,
    pub now: Timestamp,
}

/// What a form composes, with the targets as they were when it opened.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    AgentStatus(Vec<User>),
    InteractionDisposition(Vec<Interaction>),
    ContactDisposition(Vec<Contact>),
    Attributes(Vec<Interaction>),
    Simulate,
    /// With the actions already deployed, whose names a new one should not
    /// repeat unawares.
    Deploy(Vec<DataAction>),
    NewVersion(Box<DataAction>),
    Deprecate(Box<DataAction>),
    Metrics(Box<DataAction>),
}

impl Kind {
    /// Whether the form checks against the tenant's rule data.
    pub fn needs_rules(&self) -> bool {
        matches!(self, Self::AgentStatus(_) | Self::InteractionDisposition(_))
    }

    /// Whether rows can be added and removed.
    pub fn has_rows(&self) -> bool {
        matches!(self, Self::Attributes(_) | Self::ContactDisposition(_))
    }

    /// The ids of the targets the form is for, as its title names them.
    pub fn target_ids(&self) -> Vec<&str> {
        fn ids<T: Entity>(rows: &[T]) -> Vec<&str> {
            rows.iter().map(Entity::id).collect()
        }
        match self {
            Self::AgentStatus(rows) => ids(rows),
            Self::InteractionDisposition(rows) | Self::Attributes(rows) => ids(rows),
            Self::ContactDisposition(rows) => ids(rows),
            Self::NewVersion(action) | Self::Deprecate(action) | Self::Metrics(action) => vec![action.id()],
            Self::Simulate | Self::Deploy(_) => Vec::new(),
        }
    }
}

/// A form being filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub kind: Kind,
    pub title: String,
    pub fields: Vec<Field>,
    /// The field with the keys.
    pub focus: usize,
    pub check: Check,
    /// Every problem shows, touched or not: set when a submit was refused.
    pub reveal: bool,
    /// Why the last submit was refused.
    pub refused: Option<String>,
    /// Esc was pressed with something typed: asking before discarding it.
    pub discarding: bool,
    /// Why the change this form last sent was not applied. Unlike
    /// `refused`, no check of the fields clears it: it is about what was sent.
    pub not_applied: Option<NotApplied>,
}

impl Form {
    pub fn new(kind: Kind, title: impl Into<String>, fields: Vec<Field>) -> Self {
        Self {
            kind,
            // A title names its targets, whose names the tenant sent.
            title: capped_line(title.into()).into_owned(),
            fields,
            focus: 0,
            check: Check::default(),
            reveal: false,
            refused: None,
            discarding: false,
            not_applied: None,
        }
    }

    /// Checks every field again against the rules and the targets.
    pub fn recheck(&mut self, facts: &Facts<'_>) {
        self.check = match &self.kind {
            Kind::AgentStatus(users) => agent_status::check(&mut self.fields, users, facts),
            Kind::InteractionDisposition(rows) => {
                interaction_disposition::check(&mut self.fields, rows, facts)
            }
            Kind::ContactDisposition(rows) => contact_disposition::check(&mut self.fields, rows, facts),
            Kind::Attributes(rows) => attributes::check(&mut self.fields, rows),
            Kind::Simulate => data_action::check_simulate(&self.fields),
            Kind::Deploy(deployed) => data_action::check_deploy(&mut self.fields, deployed),
            Kind::NewVersion(action) => data_action::check_version(&self.fields, action),
            Kind::Deprecate(action) => data_action::check_deprecate(action),
            Kind::Metrics(action) => data_action::check_metrics(&self.fields, action, facts.now),
        };
        // A namesake may have loaded since the form opened.
        let title = match &self.kind {
            Kind::AgentStatus(users) => Some(agent_status::title(users, facts.directory)),
            Kind::ContactDisposition(rows) => Some(contact_disposition::title(rows, facts.directory)),
            // The title says the version the new one must pass.
            Kind::NewVersion(action) => Some(data_action::version_title(action)),
            _ => None,
        };
        if let Some(title) = title {
            self.title = capped_line(title).into_owned();
        }
        // A refusal on screen follows the form: gone once it can be sent,
        // else naming what is wrong now (the rules may have arrived since).
        if self.check.plan.is_some() {
            self.refused = None;
        } else if self.refused.is_some() {
            self.refused = Some(self.refusal());
        }
    }

    /// Problems to show beside field `i`.
    pub fn problems_of(&self, i: usize) -> Vec<&str> {
        let Some(field) = self.fields.get(i) else { return Vec::new() };
        if !(field.touched || field.revealed || self.reveal) {
            return Vec::new();
        }
        self.check
            .problems
            .iter()
            .filter(|(name, _)| field.owns(name))
            // Shown under the field's label, a rule need not name its wire field too.
            .map(|(name, rule)| {
                rule.strip_prefix(name.as_str()).and_then(|r| r.strip_prefix(": ")).unwrap_or(rule)
            })
            .collect()
    }

    /// Shows, on whichever field owns it, each problem not in `before`.
    pub fn reveal_new_problems(&mut self, before: &[(String, String)]) {
        let new: Vec<&String> =
            self.check.problems.iter().filter(|p| !before.contains(p)).map(|(name, _)| name).collect();
        for field in &mut self.fields {
            if new.iter().any(|name| field.owns(name)) {
                field.revealed = true;
            }
        }
    }

    /// Whether `verb` does anything here, so that hints offer only what
    /// does: rows where there are rows, moving where there are fields, a
    /// review unless a form with nothing to fill in is refused as it is.
    pub fn offers(&self, verb: Verb) -> bool {
        let empty = self.fields.is_empty();
        match verb {
            Verb::FormAddRow | Verb::FormRemoveRow => self.kind.has_rows(),
            Verb::FormNext | Verb::FormPrev => !empty,
            Verb::FormSubmit => !empty || self.general_problems().is_empty(),
            _ => true,
        }
    }

    /// Problems no field owns, shown above the fields: those about the
    /// whole form at once, those about a part of it (`attributes`) once
    /// something was typed.
    pub fn general_problems(&self) -> Vec<String> {
        let typed = self.reveal || self.is_touched();
        self.check
            .problems
            .iter()
            .filter(|(name, _)| name.is_empty() || typed)
            .filter(|(name, _)| !self.fields.iter().any(|f| f.owns(name)))
            .map(|(name, rule)| if name.is_empty() { rule.clone() } else { format!("{name}: {rule}") })
            .collect()
    }

    /// Whether the supervisor typed or chose anything.
    pub fn is_touched(&self) -> bool {
        self.fields.iter().any(|f| f.touched)
    }

    /// The plan to confirm, or why not, in words; a refusal reveals every
    /// problem so each shows beside its field.
    pub fn submit(&mut self) -> Result<Plan, String> {
        if let Some(plan) = &self.check.plan {
            return Ok(plan.clone());
        }
        self.reveal = true;
        let why = self.refusal();
        self.refused = Some(why.clone());
        Err(why)
    }

    /// Why the form cannot be sent, in one sentence.
    fn refusal(&self) -> String {
        // First as the form shows them: by field, top down; problems of no
        // field (the targets) after those.
        let place = |name: &str| self.fields.iter().position(|f| f.name == name).unwrap_or(usize::MAX);
        let first = self
            .check
            .problems
            .iter()
            .min_by_key(|(name, _)| place(name))
            .map_or_else(|| "the form is incomplete".to_string(), |(name, rule)| self.named(name, rule));
        match self.check.problems.len() {
            // A rule may end in an ellipsis ("reading the tenant's rules…").
            0 | 1 if first.ends_with(['…', '.']) => format!("Not sent: {first}"),
            0 | 1 => format!("Not sent: {first}."),
            n => format!("Not sent: {n} problems, marked beside their fields (first: {first})."),
        }
    }

    /// A problem with the field it is about: the field's label when one
    /// owns it, so a summary away from the field still says where to look.
    /// A rule that names its field as the wire does (`agent_id: …`) is
    /// named by the label instead.
    fn named(&self, name: &str, rule: &str) -> String {
        let rule = rule.strip_prefix(name).and_then(|rest| rest.strip_prefix(": ")).unwrap_or(rule);
        match self.fields.iter().find(|f| f.owns(name)) {
            Some(Field { row: Some(n), label, .. }) => {
                format!("Row {} {}: {rule}", n + 1, label.to_lowercase())
            }
            Some(field) => format!("{}: {rule}", field.label),
            None if name.is_empty() => rule.to_string(),
            None => format!("{name}: {rule}"),
        }
    }

    pub fn focused(&mut self) -> Option<&mut Field> {
        self.fields.get_mut(self.focus)
    }

    pub fn move_focus(&mut self, delta: isize) {
        let n = self.fields.len();
        if n > 0 {
            self.focus = (self.focus as isize + delta).rem_euclid(n as isize) as usize;
        }
    }

    /// Adds a row after the one with the focus, and focuses its first field.
    pub fn add_row(&mut self) -> bool {
        let row = self.fields.get(self.focus).and_then(|f| f.row);
        let added = match &self.kind {
            Kind::Attributes(_) => attributes::add_row(&mut self.fields, row),
            Kind::ContactDisposition(_) => contact_disposition::add_row(&mut self.fields, row),
            _ => None,
        };
        if let Some(at) = added {
            self.focus = at;
        }
        added.is_some()
    }

    /// Removes the row with the focus; false when there is none to remove.
    pub fn remove_row(&mut self) -> bool {
        let Some(row) = self.fields.get(self.focus).and_then(|f| f.row) else { return false };
        let removed = match &self.kind {
            Kind::Attributes(_) => attributes::remove_row(&mut self.fields, row),
            Kind::ContactDisposition(_) => contact_disposition::remove_row(&mut self.fields, row),
            _ => false,
        };
        if removed {
            self.focus = self.focus.min(self.fields.len().saturating_sub(1));
        }
        removed
    }
}

/// Forms, opened on their targets.
pub fn agent_status(users: Vec<User>, status: Option<&str>, reason: Option<&str>, rules: &Rules) -> Form {
    agent_status::open(users, status, reason, rules)
}

pub fn interaction_disposition(rows: Vec<Interaction>, code: Option<&str>, rules: &Rules) -> Form {
    interaction_disposition::open(rows, code, rules)
}

pub fn contact_disposition(rows: Vec<Contact>, code: Option<&str>, campaigns: &[Campaign]) -> Form {
    contact_disposition::open(rows, code, campaigns)
}

pub fn attributes(rows: Vec<Interaction>, typed: &[(String, String)]) -> Form {
    attributes::open(rows, typed)
}

/// `selected`: the data action selected where the keys are, if any;
/// `last`: the payload simulated last, which it opens on instead of the
/// documents' sample.
pub fn simulate(selected: Option<&str>, last: Option<&str>) -> Form {
    data_action::open_simulate(selected, last)
}

pub fn deploy(deployed: Vec<DataAction>) -> Form {
    data_action::open_deploy(deployed)
}

pub fn new_version(action: DataAction) -> Form {
    data_action::open_version(action)
}

pub fn deprecate(action: DataAction) -> Form {
    data_action::open_deprecate(action)
}

pub fn metrics(action: DataAction, now: Timestamp) -> Form {
    data_action::open_metrics(action, now)
}

/// `n` and a noun, the noun plural unless `n` is 1.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{} {noun}s", format::count(n as u64)) }
}
