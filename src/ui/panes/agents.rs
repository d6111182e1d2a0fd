//! The agents pane: who is in which state, for how long, and why.

use super::format;
use crate::api::model::{User, UserStatus};
use crate::domain::Timestamp;
use crate::domain::agent_status::{AgentStatus, Shift};
use crate::ui::capped::capped_name;
use crate::ui::entity::{Column, Entity, Field, Header, Lookup, SortKey};
use crate::ui::theme::Role;
use std::borrow::Cow;

static COLUMNS: [Column<User>; 6] = [
    Column {
        title: Header::new("Name"),
        letter: 'N',
        width: 22,
        min: 12,
        drop: 0,
        right: false,
        live: false,
        text: |u, _| capped_name(&u.first_name, &u.last_name),
        role: |_, _| Role::Text,
        sort: |u, _| SortKey::text(&capped_name(&u.first_name, &u.last_name)),
    },
    Column {
        title: Header::new("Team"),
        letter: 'T',
        width: 20,
        min: 10,
        drop: 3,
        right: false,
        live: false,
        text: |u, _| Cow::Borrowed(u.team_name.as_deref().unwrap_or("—")),
        role: |u, _| if u.team_name.is_some() { Role::Text } else { Role::Muted },
        sort: |u, _| u.team_name.as_deref().map_or(SortKey::Missing, SortKey::text),
    },
    Column {
        title: Header::new("State"),
        letter: 'S',
        width: 10,
        min: 9,
        drop: 0,
        right: false,
        live: false,
        text: |u, _| Cow::Owned(u.status.to_string()),
        role: |u, _| status_role(&u.status),
        sort: |u, _| SortKey::text(&u.status.to_string()),
    },
    Column {
        title: Header::new("Reason"),
        letter: 'R',
        width: 16,
        min: 8,
        drop: 2,
        right: false,
        live: false,
        // Only a Break's: a reason left behind on another state is not the agent's.
        text: |u, _| Cow::Borrowed(u.held_reason().unwrap_or("")),
        role: |_, _| Role::Warn,
        sort: |u, _| u.held_reason().map_or(SortKey::Missing, SortKey::text),
    },
    Column {
        title: Header::new("In state"),
        letter: 'I',
        width: 9,
        min: 8,
        drop: 1,
        right: true,
        live: true,
        text: |u, l| Cow::Owned(time_in_state(u, l).unwrap_or_default()),
        role: |_, _| Role::Text,
        // By the time shown: ascending (▲) is the shortest in state first,
        // the latest start; again (▼) puts the longest first.
        sort: |u, _| {
            u.status_since.map_or(SortKey::Missing, |t| SortKey::Int(-t.datetime().unix_timestamp()))
        },
    },
    Column {
        title: Header::new("Shift"),
        letter: 'H',
        width: 11,
        min: 11,
        drop: 4,
        right: false,
        live: false,
        text: |u, _| Cow::Owned(u.shift.map_or_else(|| "—".into(), shift_window)),
        role: |u, l| if on_shift(u.shift, l) { Role::Text } else { Role::Muted },
        sort: |u, _| u.shift.map_or(SortKey::Missing, |s| SortKey::Int(s.start as i64)),
    },
];

impl Entity for User {
    const NOUN: &'static str = "agent";

    fn id(&self) -> &str {
        self.id.as_str()
    }

    fn columns() -> &'static [Column<Self>] {
        &COLUMNS
    }

    fn detail(&self, lookup: &Lookup<'_>) -> Vec<Field> {
        let since = self.status_since.map(|t| format::moment(t, lookup.now));
        vec![
            Field::new("Name", capped_name(&self.first_name, &self.last_name)),
            Field::new("User name", &self.user_name),
            Field::new("Id", self.id.to_string()),
            Field::maybe("Team", self.team_name.as_deref()),
            Field::new("Roles", self.roles.join(", ")),
            Field::with_role("State", self.status.to_string(), status_role(&self.status)),
            Field::maybe("Since", since),
            Field::maybe("In state", time_in_state(self, lookup)),
            Field::maybe("Pause reason", self.held_reason()),
            Field::maybe("Wrap-up ends", self.wrap_up_until.map(|t| format::moment(t, lookup.now))),
            Field::maybe("Shift (UTC)", self.shift.map(shift_detail)),
            Field::maybe("Updated", self.updated_at.map(|t| format::moment(t, lookup.now))),
        ]
    }
}

/// Colours by what the state means for the floor.
pub fn status_role(status: &UserStatus) -> Role {
    match status.known() {
        Some(AgentStatus::Available) => Role::Ok,
        Some(AgentStatus::Busy) => Role::Info,
        Some(AgentStatus::Break) => Role::Warn,
        Some(AgentStatus::Training) => Role::Accent,
        Some(AgentStatus::Offline) | None => Role::Muted,
    }
}

fn time_in_state(user: &User, lookup: &Lookup<'_>) -> Option<String> {
    user.time_in_state(Timestamp::from_datetime(lookup.now)).map(format::age)
}

/// A shift as its cell shows it: `09:00–17:00`, an end before the start
/// read as the next day's. A window of a day or more would read as no time
/// at all that way (`12:00–12:00`), so it says `all day`.
fn shift_window(shift: Shift) -> String {
    match (format::from_unix(shift.start), format::from_unix(shift.end)) {
        (Some(start), Some(end)) if end - start >= time::Duration::DAY => "all day".into(),
        (Some(start), Some(end)) => format!("{}–{}", format::hhmm(start), format::hhmm(end)),
        _ => "—".into(),
    }
}

/// A shift in the details, where there is room for the days of a window
/// that spans them: `all day (Nov 21 12:00 – Nov 23 12:00)`.
fn shift_detail(shift: Shift) -> String {
    match (format::from_unix(shift.start), format::from_unix(shift.end)) {
        (Some(start), Some(end)) if end - start >= time::Duration::DAY => {
            format!("all day ({} – {})", format::day_and_time(start), format::day_and_time(end))
        }
        _ => shift_window(shift),
    }
}

fn on_shift(shift: Option<Shift>, lookup: &Lookup<'_>) -> bool {
    let now = lookup.now.unix_timestamp() as f64;
    shift.is_some_and(|s| s.start <= now && now < s.end)
}
