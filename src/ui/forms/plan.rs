//! What a valid form would do: the lines a confirmation lists, and the
//! changes sent to the engine once confirmed.

use super::count;
use crate::domain::agent_status::AgentStatusDraft;
use crate::domain::attributes::AttributeDraft;
use crate::domain::contact_disposition::ContactDispositionDraft;
use crate::domain::interaction_disposition::DispositionDraft;
use crate::engine::{Change, CommandId, DataActionChange, Item, RowKey};
use crate::ui::capped::capped;
use crate::ui::panes::format;
use std::collections::HashMap;

/// Batches at least this large say how many they touch before they go.
pub const LARGE_BATCH: usize = 10;

/// One target of a change: "Aaliyah Ito: Available → Break (Queue Full)".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanLine {
    pub entity: String,
    pub before: String,
    pub after: String,
    /// What the console already knows will stop it (a wrap-up, the dialer),
    /// from the last refresh; the engine decides when it is sent.
    pub note: Option<String>,
}

/// Names of a batch's targets, each told apart from another of the same
/// name by its `aside` ("Amelia Brennan (+15559426714)"), so no two lines
/// of a confirmation read alike.
pub(super) struct Names {
    shared: HashMap<String, usize>,
}

impl Names {
    pub fn new(names: impl IntoIterator<Item = String>) -> Self {
        let mut shared = HashMap::new();
        for name in names {
            *shared.entry(name).or_insert(0) += 1;
        }
        shared.retain(|_, n| *n > 1);
        Self { shared }
    }

    /// Also tells apart `names` that someone besides the targets has, so
    /// that even one target says which of the namesakes it is.
    pub fn shared_beyond(mut self, names: impl IntoIterator<Item = String>) -> Self {
        self.shared.extend(names.into_iter().map(|name| (name, 2)));
        self
    }

    pub fn of(&self, name: String, aside: &str) -> String {
        let shared = self.shared.contains_key(&name);
        // Told apart by the whole name, shown by its start.
        let name = capped(name).into_owned();
        if shared { format!("{name} ({})", capped(aside)) } else { name }
    }
}

/// A draft and the name of the entity it is for, as the console shows it:
/// the audit log names the target with it until the engine reads the
/// entity, so even an entry cancelled before it started says whom it was for.
#[derive(Debug, Clone, PartialEq)]
pub struct Named<T> {
    pub draft: T,
    pub name: String,
}

/// The drafts to send, as the engine takes them.
#[derive(Debug, Clone, PartialEq)]
pub enum Outgoing {
    Agents(Vec<Named<AgentStatusDraft>>),
    Contacts(Vec<Named<ContactDispositionDraft>>),
    /// One change per interaction: its id and its drafts.
    Dispositions(Vec<Named<(String, Vec<DispositionDraft>)>>),
    /// One change per interaction: its id and its drafts.
    Attributes(Vec<Named<(String, Vec<AttributeDraft>)>>),
    DataAction(DataActionChange),
}

impl Outgoing {
    /// Whether it writes to the tenant (and so is confirmed first, and
    /// refused in read-only mode).
    pub fn writes(&self) -> bool {
        match self {
            Self::DataAction(change) => Change::DataAction(change.clone()).writes(),
            _ => true,
        }
    }

    /// The row keys of the entities it changes, a contact's with its
    /// campaign (none for a data action's deploy, which makes a new one).
    pub fn targets(&self) -> std::collections::BTreeSet<RowKey> {
        let of = |id: &str| RowKey::new(None, id);
        match self {
            Self::Agents(drafts) => drafts.iter().map(|d| of(d.draft.user_id.trim())).collect(),
            Self::Contacts(drafts) => drafts
                .iter()
                .map(|d| RowKey::new(Some(d.draft.campaign_id.trim()), d.draft.contact_id.trim()))
                .collect(),
            Self::Dispositions(each) => each.iter().map(|d| of(&d.draft.0)).collect(),
            Self::Attributes(each) => each.iter().map(|d| of(&d.draft.0)).collect(),
            Self::DataAction(
                DataActionChange::NewVersion { action, .. } | DataActionChange::Deprecate { action },
            ) => action.id().map(of).into_iter().collect(),
            Self::DataAction(_) => std::collections::BTreeSet::new(),
        }
    }

    /// The engine commands, each under a fresh id. Agents and contacts go
    /// as one batch; interactions as one change each.
    pub fn commands(self) -> Vec<(CommandId, Change)> {
        fn batch<T>(drafts: Vec<Named<T>>, make: fn(Vec<Item<T>>) -> Change) -> Vec<(CommandId, Change)> {
            let id = CommandId::random();
            let items = drafts
                .into_iter()
                .enumerate()
                .map(|(i, Named { draft, name })| Item::new(id.item(i), draft).named(name))
                .collect();
            vec![(id, make(items))]
        }
        match self {
            Self::Agents(drafts) => batch(drafts, Change::AgentStatus),
            Self::Contacts(drafts) => batch(drafts, Change::ContactDispositions),
            Self::Dispositions(each) => each
                .into_iter()
                .map(|Named { draft: (interaction_id, dispositions), name }| {
                    let name = Some(name);
                    (
                        CommandId::random(),
                        Change::InteractionDisposition { interaction_id, dispositions, name },
                    )
                })
                .collect(),
            Self::Attributes(each) => each
                .into_iter()
                .map(|Named { draft: (interaction_id, rows), name }| {
                    let name = Some(name);
                    (CommandId::random(), Change::Attributes { interaction_id, rows, name })
                })
                .collect(),
            Self::DataAction(change) => vec![(CommandId::random(), Change::DataAction(change))],
        }
    }
}

/// A change ready to be confirmed.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The question the confirmation asks ("Change the state of 40 agents?").
    pub title: String,
    /// What the change is, short, for progress and results ("Break (Queue Full)").
    pub label: String,
    pub lines: Vec<PlanLine>,
    /// Said in the warning colour before the lines: counts of large
    /// batches, changes that cannot be undone.
    pub warning: Option<String>,
    /// What goes with every target besides the before → after (notes, a
    /// wrap-up code, directive flags): the review says all that is sent.
    pub also: Vec<String>,
    pub outgoing: Outgoing,
}

impl Plan {
    pub fn new(title: String, label: String, lines: Vec<PlanLine>, outgoing: Outgoing) -> Self {
        Self { title, label, lines, warning: None, also: Vec::new(), outgoing }
    }

    /// Adds what else is sent with every target (`notes: "…"`).
    pub fn also(mut self, text: impl Into<String>) -> Self {
        self.also.push(text.into());
        self
    }

    /// Says how many `noun`s a large batch touches and how many of them
    /// look blocked, and warns of a change of which nothing looks likely
    /// to apply, whatever its size.
    pub fn counted(mut self, noun: &str) -> Self {
        let n = self.lines.len();
        let blocked = self.lines.iter().filter(|l| l.note.is_some()).count();
        let text = if n == 0 {
            None
        } else if blocked == n {
            Some(match n {
                1 => {
                    "It looks blocked (see the note): it will be skipped or refused, and nothing will change."
                        .to_string()
                }
                n => format!(
                    "All {} look blocked (see the notes): each will be skipped or refused, and nothing will change.",
                    format::count(n as u64)
                ),
            })
        } else if n < LARGE_BATCH {
            None
        } else if blocked == 0 {
            Some(format!("This changes {} at once.", count(n, noun)))
        } else {
            let verb = if blocked == 1 { "looks" } else { "look" };
            Some(format!(
                "This changes {} of {} at once; {} {verb} blocked (see the notes) and will be skipped or \
                 refused.",
                format::count((n - blocked) as u64),
                count(n, noun),
                format::count(blocked as u64)
            ))
        };
        if let Some(text) = text {
            self.warning = Some(text);
        }
        self
    }

    /// What the form can already say of its targets while it is being
    /// filled in: the first note of the confirmation, and how many more.
    pub fn foreseen(&self) -> Option<String> {
        let mut noted = self.lines.iter().filter_map(|l| Some((l.entity.as_str(), l.note.as_deref()?)));
        let (entity, note) = noted.next()?;
        // "and 3 more" after "already so" reads as three more already so:
        // only the lines with that very note are counted as more of it.
        let (alike, other) =
            noted.fold((0, 0), |(a, o), (_, n)| if n == note { (a + 1, o) } else { (a, o + 1) });
        let n = |k: usize| format::count(k as u64);
        let more = match (alike, other) {
            (0, 0) => None,
            (a, 0) => Some(format!("and {} more", n(a))),
            (0, 1) => Some("1 more with another note".to_string()),
            (0, o) => Some(format!("{} more with other notes", n(o))),
            (a, 1) => Some(format!("and {} more like it, 1 with another note", n(a))),
            (a, o) => Some(format!("and {} more like it, {} with other notes", n(a), n(o))),
        };
        Some(match more {
            _ if self.lines.len() == 1 => format!("⚠ {note}"),
            None => format!("⚠ {entity}: {note}"),
            Some(more) => format!("⚠ {entity}: {note} ({more}; Enter lists them)"),
        })
    }

    /// Adds `text` to what the confirmation warns of.
    pub fn warn(mut self, text: impl Into<String>) -> Self {
        let text = text.into();
        self.warning = Some(match self.warning.take() {
            Some(earlier) => format!("{earlier} {text}"),
            None => text,
        });
        self
    }
}

#[cfg(test)]
mod tests {
    use super::{LARGE_BATCH, Names, Outgoing, Plan, PlanLine};

    fn plan(lines: usize, blocked: usize) -> Plan {
        let line = |i: usize| PlanLine {
            entity: format!("agent {i}"),
            before: "Offline".into(),
            after: "Available".into(),
            note: (i < blocked).then(|| "will be refused: outside their shift".to_string()),
        };
        let lines = (0..lines).map(line).collect();
        Plan::new("Change?".into(), "Available".into(), lines, Outgoing::Agents(Vec::new())).counted("agent")
    }

    #[test]
    fn a_warning_counts_what_would_change() {
        assert_eq!(plan(3, 1).warning, None, "a small batch's lines speak for themselves");
        assert_eq!(plan(LARGE_BATCH, 0).warning.as_deref(), Some("This changes 10 agents at once."));
        let some = plan(206, 138).warning.unwrap();
        assert!(some.starts_with("This changes 68 of 206 agents at once; 138 look blocked"), "{some}");
        let one = plan(12, 1).warning.unwrap();
        assert!(one.contains("; 1 looks blocked"), "{one}");
        let thousands = plan(2_000, 1_070).warning.unwrap();
        assert!(thousands.starts_with("This changes 930 of 2,000 agents at once; 1,070 look"), "{thousands}");
        let all = plan(1_000, 1_000).warning.unwrap();
        assert!(all.starts_with("All 1,000 look blocked"), "{all}");
    }

    #[test]
    fn the_form_foresees_the_confirmations_first_note() {
        assert_eq!(plan(3, 0).foreseen(), None);
        assert_eq!(plan(1, 1).foreseen().as_deref(), Some("⚠ will be refused: outside their shift"));
        assert_eq!(plan(3, 1).foreseen().as_deref(), Some("⚠ agent 0: will be refused: outside their shift"));
        let many = plan(1_500, 1_200).foreseen().unwrap();
        assert!(many.ends_with("(and 1,199 more; Enter lists them)"), "{many}");
    }

    #[test]
    fn the_form_counts_as_more_only_the_notes_alike() {
        let mut mixed = plan(4, 4);
        mixed.lines[1].note = Some("in wrap-up until 23:06:15".into());
        mixed.lines[3].note = Some("already so; will be skipped".into());
        let foreseen = mixed.foreseen().unwrap();
        assert!(
            foreseen.ends_with("(and 1 more like it, 2 with other notes; Enter lists them)"),
            "{foreseen}"
        );
        mixed.lines[2].note = None;
        mixed.lines[3].note = mixed.lines[0].note.clone();
        let foreseen = mixed.foreseen().unwrap();
        assert!(
            foreseen.ends_with("(and 1 more like it, 1 with another note; Enter lists them)"),
            "{foreseen}"
        );
        mixed.lines[0].note = None;
        let foreseen = mixed.foreseen().unwrap();
        assert!(
            foreseen.ends_with("wrap-up until 23:06:15 (1 more with another note; Enter lists them)"),
            "{foreseen}"
        );
    }

    #[test]
    fn a_change_that_would_change_nothing_says_so_whatever_its_size() {
        let all = plan(3, 3).warning.unwrap();
        assert!(all.starts_with("All 3 look blocked") && all.ends_with("nothing will change."), "{all}");
        let single = plan(1, 1).warning.unwrap();
        assert!(single.starts_with("It looks blocked (see the note)"), "{single}");
    }

    #[test]
    fn only_shared_names_take_their_aside() {
        let names = Names::new(["Amelia Brennan", "Kai Lee", "Amelia Brennan"].map(String::from));
        assert_eq!(names.of("Amelia Brennan".into(), "+15559426714"), "Amelia Brennan (+15559426714)");
        assert_eq!(names.of("Kai Lee".into(), "+15550000000"), "Kai Lee");
        let names = Names::new(["Kai Lee".to_string()]).shared_beyond(["Kai Lee".to_string()]);
        assert_eq!(
            names.of("Kai Lee".into(), "kai.lee.2"),
            "Kai Lee (kai.lee.2)",
            "shared with a non-target"
        );
    }
}
