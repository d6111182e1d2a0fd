//! The interactions pane: what is open, who handles it, and which closed
//! ones still need a disposition.

use super::format;
use crate::api::model::Interaction;
use crate::domain::interaction_disposition::InteractionStatus;
use crate::ui::capped::capped_joined;
use crate::ui::entity::{Column, Entity, Field, Header, Lookup, SortKey};
use crate::ui::theme::Role;
use std::borrow::Cow;

/// The Started column: the pane opens on the newest interactions, those a
/// supervisor reviews first, rather than in the order of their ids.
const STARTED: usize = 7;

static COLUMNS: [Column<Interaction>; 8] = [
    Column {
        title: Header::new("Id"),
        letter: 'I',
        width: 9,
        min: 9,
        drop: 0,
        right: false,
        live: false,
        text: |i, _| Cow::Borrowed(i.id.as_str()),
        role: |_, _| Role::Text,
        sort: |i, _| SortKey::text(i.id.as_str()),
    },
    Column {
        title: Header::new("Channel"),
        letter: 'C',
        width: 7,
        min: 5,
        drop: 3,
        right: false,
        live: false,
        text: |i, _| Cow::Borrowed(i.channel.as_str()),
        role: |_, _| Role::Text,
        sort: |i, _| SortKey::text(i.channel.as_str()),
    },
    Column {
        title: Header::new("Agent"),
        letter: 'A',
        width: 18,
        min: 10,
        drop: 1,
        right: false,
        live: false,
        text: |i, l| Cow::Borrowed(i.agent_id.as_deref().map_or("—", |id| l.names.name_or_id(id))),
        role: |i, _| if i.agent_id.is_some() { Role::Text } else { Role::Muted },
        sort: |i, l| {
            i.agent_id.as_deref().map_or(SortKey::Missing, |id| SortKey::text(l.names.name_or_id(id)))
        },
    },
    Column {
        title: Header::new("Status"),
        letter: 'S',
        width: 6,
        min: 6,
        drop: 0,
        right: false,
        live: false,
        text: |i, _| Cow::Owned(i.status.to_string()),
        role: |i, _| status_role(i),
        sort: |i, _| SortKey::text(&i.status.to_string()),
    },
    Column {
        title: Header::new("Disposition").or("Dispo"),
        letter: 'D',
        width: 18,
        min: 9,
        drop: 0,
        right: false,
        live: false,
        text: |i, _| Cow::Owned(disposition(i)),
        role: |i, _| disposition_role(i),
        sort: |i, _| SortKey::text(&disposition(i)),
    },
    Column {
        title: Header::new("Queue"),
        letter: 'Q',
        width: 16,
        min: 8,
        drop: 5,
        right: false,
        live: false,
        text: |i, _| Cow::Borrowed(i.queue.as_deref().unwrap_or("—")),
        role: |i, _| if i.queue.is_some() { Role::Text } else { Role::Muted },
        sort: |i, _| i.queue.as_deref().map_or(SortKey::Missing, SortKey::text),
    },
    Column {
        title: Header::new("Customer"),
        letter: 'U',
        width: 18,
        min: 10,
        drop: 4,
        right: false,
        live: false,
        text: |i, _| Cow::Borrowed(i.customer_name.as_deref().unwrap_or("—")),
        role: |i, _| if i.customer_name.is_some() { Role::Text } else { Role::Muted },
        sort: |i, _| i.customer_name.as_deref().map_or(SortKey::Missing, SortKey::text),
    },
    Column {
        title: Header::new("Started"),
        letter: 'T',
        // The title and the sort's arrow: the pane opens sorted by it.
        width: 8,
        min: 7,
        drop: 2,
        right: true,
        live: false,
        text: |i, l| {
            Cow::Owned(i.started_at.map(|t| format::clock_or_day(t.datetime(), l.now)).unwrap_or_default())
        },
        role: |_, _| Role::Text,
        sort: |i, _| i.started_at.map_or(SortKey::Missing, |t| SortKey::Int(t.datetime().unix_timestamp())),
    },
];

impl Entity for Interaction {
    const NOUN: &'static str = "interaction";
    const DEFAULT_SORT: usize = STARTED;
    const DEFAULT_DESCENDING: bool = true;

    fn id(&self) -> &str {
        self.id.as_str()
    }

    fn columns() -> &'static [Column<Self>] {
        &COLUMNS
    }

    fn detail(&self, lookup: &Lookup<'_>) -> Vec<Field> {
        let agent = self.agent_id.as_deref().map(|id| match lookup.names.name(id) {
            Some(name) => format!("{name} ({id})"),
            None => id.to_string(),
        });
        let mut fields = vec![
            Field::new("Id", self.id.to_string()),
            Field::with_role("Status", self.status.to_string(), status_role(self)),
            Field::new("Channel", self.channel.to_string()),
            Field::maybe("Agent", agent),
            Field::maybe("Queue", self.queue.as_deref()),
            Field::maybe("Customer", self.customer_name.as_deref()),
            Field::maybe("Started", self.started_at.map(|t| format::moment(t, lookup.now))),
            Field::maybe("Closed", self.closed_at.map(|t| format::moment(t, lookup.now))),
            Field::with_role("Disposition", codes(self), disposition_role(self)),
        ];
        for d in &self.dispositions {
            let (dash, notes) = d.notes.as_deref().map_or(("", ""), |n| (" — ", n));
            let by = lookup.names.name_or_id(d.agent_id.as_str());
            let line = [&d.code, " ", &d.description, " by ", by, " (", &d.source, ")", dash, notes];
            fields.push(Field::new("", capped_joined(&line)));
        }
        if self.attributes.is_empty() {
            fields.push(Field::maybe("Attributes", None::<String>));
        }
        for (n, a) in self.attributes.iter().enumerate() {
            let label = if n == 0 { "Attributes" } else { "" };
            fields.push(Field::new(label, capped_joined(&[&a.key, " = ", &format::typed(&a.value)])));
        }
        fields.push(Field::maybe("Updated", self.updated_at.map(|t| format::moment(t, lookup.now))));
        fields
    }
}

/// Open interactions are live work; closed ones recede.
fn status_role(i: &Interaction) -> Role {
    if i.status == InteractionStatus::Closed { Role::Muted } else { Role::Ok }
}

/// The codes set, or what is missing.
fn codes(i: &Interaction) -> String {
    match i.dispositions.as_slice() {
        [] if i.status == InteractionStatus::Closed => "needs one".into(),
        [] => "—".into(),
        many => many.iter().map(|d| d.code.as_str()).collect::<Vec<_>>().join(", "),
    }
}

/// The table's cell: one disposition by its code and what it means
/// (`106 Refund Issued`), so that a review reads the column and a filter
/// finds the words; several by their codes, which is what fits.
fn disposition(i: &Interaction) -> String {
    match i.dispositions.as_slice() {
        [one] if !one.description.trim().is_empty() => format!("{} {}", one.code, one.description.trim()),
        _ => codes(i),
    }
}

/// A closed interaction without a disposition is work left undone.
fn disposition_role(i: &Interaction) -> Role {
    match (&i.status, i.dispositions.is_empty()) {
        (InteractionStatus::Closed, true) => Role::Warn,
        (_, true) => Role::Muted,
        (_, false) => Role::Text,
    }
}
