//! The campaigns pane: outbound campaigns, and the contacts of the one
//! selected, with where the dialer has each and how it ended.

use super::format;
use crate::api::model::{Campaign, Contact};
use crate::domain::contact_disposition::DialerState;
use crate::ui::capped::{capped_joined, capped_name};
use crate::ui::entity::{Column, Entity, Field, Header, Lookup, SortKey};
use crate::ui::theme::Role;
use serde_json::Value;
use std::borrow::Cow;

static CAMPAIGN_COLUMNS: [Column<Campaign>; 5] = [
    Column {
        title: Header::new("Name"),
        letter: 'N',
        width: 22,
        min: 12,
        drop: 0,
        right: false,
        live: false,
        text: |c, _| Cow::Borrowed(&c.name),
        role: |_, _| Role::Text,
        sort: |c, _| SortKey::text(&c.name),
    },
    Column {
        title: Header::new("Status"),
        letter: 'S',
        width: 8,
        min: 6,
        drop: 1,
        right: false,
        live: false,
        text: |c, _| Cow::Borrowed(&c.status),
        role: |c, _| campaign_role(&c.status),
        sort: |c, _| SortKey::text(&c.status),
    },
    Column {
        title: Header::new("Mode"),
        letter: 'M',
        width: 11,
        min: 8,
        drop: 2,
        right: false,
        live: false,
        text: |c, _| Cow::Borrowed(&c.dialing_mode),
        role: |_, _| Role::Text,
        sort: |c, _| SortKey::text(&c.dialing_mode),
    },
    Column {
        title: Header::new("Contacts"),
        letter: 'C',
        width: 8,
        min: 8,
        drop: 0,
        right: true,
        live: false,
        text: |c, _| Cow::Owned(format::count(c.contact_count)),
        role: |_, _| Role::Text,
        sort: |c, _| SortKey::Int(i64::try_from(c.contact_count).unwrap_or(i64::MAX)),
    },
    Column {
        title: Header::new("Outcomes"),
        letter: 'O',
        width: 9,
        min: 9,
        drop: 3,
        right: true,
        live: false,
        text: |c, _| Cow::Owned(c.outcome_matrix().codes().count().to_string()),
        role: |_, _| Role::Muted,
        sort: |c, _| SortKey::Int(c.outcome_matrix().codes().count() as i64),
    },
];

static CONTACT_COLUMNS: [Column<Contact>; 6] = [
    Column {
        title: Header::new("Name"),
        letter: 'N',
        width: 20,
        min: 12,
        drop: 0,
        right: false,
        live: false,
        text: |c, _| capped_name(&c.first_name, &c.last_name),
        role: |_, _| Role::Text,
        sort: |c, _| SortKey::text(&capped_name(&c.first_name, &c.last_name)),
    },
    Column {
        title: Header::new("Phone"),
        letter: 'P',
        width: 13,
        min: 12,
        drop: 3,
        right: false,
        live: false,
        text: |c, _| Cow::Borrowed(&c.phone),
        role: |_, _| Role::Text,
        sort: |c, _| SortKey::text(&c.phone),
    },
    Column {
        title: Header::new("Dialer"),
        letter: 'D',
        width: 10,
        min: 9,
        drop: 0,
        right: false,
        live: false,
        text: |c, _| Cow::Borrowed(c.state.as_str()),
        role: |c, _| dialer_role(&c.state),
        sort: |c, _| SortKey::text(c.state.as_str()),
    },
    Column {
        title: Header::new("Outcome"),
        letter: 'O',
        width: 15,
        min: 15,
        drop: 0,
        right: false,
        live: false,
        text: |c, _| Cow::Borrowed(c.outcome_code.as_deref().unwrap_or("—")),
        role: |c, _| if c.outcome_code.is_some() { Role::Text } else { Role::Muted },
        sort: |c, _| c.outcome_code.as_deref().map_or(SortKey::Missing, SortKey::text),
    },
    Column {
        title: Header::new("Attempts").or("Tries"),
        letter: 'T',
        width: 8,
        min: 5,
        drop: 2,
        right: true,
        live: false,
        text: |c, _| Cow::Owned(c.attempts.to_string()),
        role: |_, _| Role::Text,
        sort: |c, _| SortKey::Int(i64::from(c.attempts)),
    },
    Column {
        title: Header::new("Agent"),
        letter: 'A',
        width: 16,
        min: 9,
        drop: 1,
        right: false,
        live: false,
        text: |c, l| Cow::Borrowed(c.agent_id.as_deref().map_or("—", |id| l.names.name_or_id(id))),
        role: |c, _| if c.agent_id.is_some() { Role::Text } else { Role::Muted },
        sort: |c, l| {
            c.agent_id.as_deref().map_or(SortKey::Missing, |id| SortKey::text(l.names.name_or_id(id)))
        },
    },
];

impl Entity for Campaign {
    const NOUN: &'static str = "campaign";

    fn id(&self) -> &str {
        self.id.as_str()
    }

    fn columns() -> &'static [Column<Self>] {
        &CAMPAIGN_COLUMNS
    }

    fn detail(&self, lookup: &Lookup<'_>) -> Vec<Field> {
        let matrix = self.outcome_matrix();
        let codes: Vec<&str> = matrix.codes().collect();
        vec![
            Field::new("Name", &self.name),
            Field::new("Id", self.id.to_string()),
            Field::with_role("Status", &self.status, campaign_role(&self.status)),
            Field::new("Dialing mode", &self.dialing_mode),
            Field::new("Contacts", format::count(self.contact_count)),
            Field::new("Outcome codes", codes.join(", ")),
            Field::maybe("Updated", self.updated_at.map(|t| format::moment(t, lookup.now))),
        ]
    }
}

impl Entity for Contact {
    const NOUN: &'static str = "contact";

    fn id(&self) -> &str {
        self.id.as_str()
    }

    fn columns() -> &'static [Column<Self>] {
        &CONTACT_COLUMNS
    }

    fn group(&self) -> Option<&str> {
        Some(self.campaign_id.as_str())
    }

    fn detail(&self, lookup: &Lookup<'_>) -> Vec<Field> {
        let agent = self.agent_id.as_deref().map(|id| lookup.names.name_or_id(id).to_string());
        let mut fields = vec![
            Field::new("Name", capped_name(&self.first_name, &self.last_name)),
            Field::new("Id", self.id.to_string()),
            Field::new("Campaign", lookup.names.campaign_or_id(self.campaign_id.as_str())),
            Field::new("Phone", &self.phone),
            Field::with_role("Dialer", self.state.as_str(), dialer_role(&self.state)),
            Field::maybe("Outcome", self.outcome_code.as_deref()),
            Field::maybe("Disposed at", self.disposition_timestamp.map(|t| format::moment(t, lookup.now))),
            Field::new("Attempts", self.attempts.to_string()),
            Field::maybe("Agent", agent),
            Field::maybe("Notes", self.notes.as_deref()),
        ];
        for (n, (key, value)) in self.custom_fields.iter().enumerate() {
            let label = if n == 0 { "Custom fields" } else { "" };
            let shown = match value {
                Value::String(s) => Cow::Borrowed(s.as_str()),
                other => Cow::Owned(other.to_string()),
            };
            fields.push(Field::new(label, capped_joined(&[key, " = ", &shown])));
        }
        fields.push(Field::maybe("Updated", self.updated_at.map(|t| format::moment(t, lookup.now))));
        fields
    }
}

fn campaign_role(status: &str) -> Role {
    match status {
        "ACTIVE" => Role::Ok,
        "PAUSED" => Role::Warn,
        _ => Role::Muted,
    }
}

/// While the dialer holds a contact, a disposition would race the call.
pub fn dialer_role(state: &DialerState) -> Role {
    match state {
        DialerState::Connected => Role::Ok,
        DialerState::Dialing | DialerState::Ringing => Role::Info,
        DialerState::WrapUp => Role::Warn,
        DialerState::Pending | DialerState::Completed | DialerState::Other(_) => Role::Muted,
    }
}
