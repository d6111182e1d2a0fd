//! What the console shows of an entity type: its columns and its details.
//! Each entity pane implements [`Entity`]; the generic table view does the
//! rest (selection, sorting, filtering, change marks).

use super::capped::{capped, capped_line};
use super::theme::Role;
use crate::engine::RowKey;
use crate::ui::widgets::fit::width;
use std::borrow::Cow;
use std::collections::HashMap;
use time::OffsetDateTime;

/// What cells may need besides their row: the time, and names by id.
#[derive(Debug, Clone, Copy)]
pub struct Lookup<'a> {
    pub now: OffsetDateTime,
    pub names: &'a Directory,
}

/// Agents' names (and teams) and campaigns' names by id, so that
/// interactions and contacts show people and campaigns, not ids, and the
/// command line can find agents by name; and contacts' names, so that a
/// form can tell a contact from another of the same name.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    agents: HashMap<String, Person>,
    agents_named: NameCount,
    campaigns: HashMap<String, String>,
    /// Contacts' names by row key (campaign and id), across campaigns: a
    /// namesake in another campaign is as easy to mistake once the form is
    /// away from its list, and may have the same id.
    contacts: HashMap<RowKey, String>,
    contacts_named: NameCount,
    /// The campaigns each contact name is found in: a namesake's campaign
    /// tells it apart only when it is another one.
    contact_campaigns: HashMap<String, Vec<String>>,
}

/// How many of a kind go by each name, to tell whether a name alone says
/// which one is meant.
#[derive(Debug, Clone, Default)]
struct NameCount(HashMap<String, usize>);

impl NameCount {
    fn of<'a>(names: impl IntoIterator<Item = &'a String>) -> Self {
        let mut count = HashMap::new();
        for name in names {
            *count.entry(name.clone()).or_insert(0) += 1;
        }
        Self(count)
    }

    /// Whether another than the one whose own name is `own` goes by `name`.
    fn shared(&self, name: &str, own: Option<&str>) -> bool {
        self.0.get(name).copied().unwrap_or(0) > usize::from(own == Some(name))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub team: Option<String>,
    /// Whether the user holds the Agent role, without which the tenant
    /// records no disposition or outcome for them.
    pub agent: bool,
}

impl Directory {
    pub fn new(people: impl IntoIterator<Item = (String, Person)>) -> Self {
        let mut directory = Self::default();
        directory.set_agents(people);
        directory
    }

    /// Replaces the agents, keeping the campaigns.
    pub fn set_agents(&mut self, people: impl IntoIterator<Item = (String, Person)>) {
        let shown = |mut person: Person| {
            person.name = capped(person.name).into_owned();
            person.team = person.team.map(|team| capped(team).into_owned());
            person
        };
        self.agents = people.into_iter().map(|(id, person)| (id, shown(person))).collect();
        self.agents_named = NameCount::of(self.agents.values().map(|person| &person.name));
    }

    /// Whether an agent other than `id` goes by `name`, so that the name
    /// alone does not say which of them is meant. Names are told apart as
    /// the screen shows them, cut.
    pub fn has_namesake(&self, id: &str, name: &str) -> bool {
        self.agents_named.shared(&capped(name), self.name(id))
    }

    /// Replaces the contacts' names (id, name, campaign id), keeping the rest.
    pub fn set_contacts<'a>(&mut self, contacts: impl IntoIterator<Item = (&'a str, String, &'a str)>) {
        self.contacts.clear();
        self.contact_campaigns.clear();
        for (id, name, campaign) in contacts {
            let name = capped(name).into_owned();
            self.contacts.insert(RowKey::new(Some(campaign), id), name.clone());
            let campaigns = self.contact_campaigns.entry(name).or_default();
            if !campaigns.iter().any(|c| c == campaign) {
                campaigns.push(campaign.to_string());
            }
        }
        self.contacts_named = NameCount::of(self.contacts.values());
    }

    /// Whether a contact named `name` is loaded in a campaign other than
    /// `campaign`, so that the campaign is what tells them apart.
    pub fn has_contact_namesake_outside(&self, name: &str, campaign: &str) -> bool {
        self.contact_campaigns
            .get(capped(name).as_ref())
            .is_some_and(|found| found.iter().any(|c| c != campaign))
    }

    /// Whether a contact other than the one `key` ([`Entity::key`]) names
    /// goes by `name`.
    pub fn has_contact_namesake(&self, key: &RowKey, name: &str) -> bool {
        self.contacts_named.shared(&capped(name), self.contacts.get(key).map(String::as_str))
    }

    /// Renews the campaigns' names (id, name). A campaign gone from the
    /// tenant's list keeps the name it had: contacts and forms read before it
    /// went still say which campaign they were in, not an id.
    pub fn set_campaigns(&mut self, campaigns: impl IntoIterator<Item = (String, String)>) {
        self.campaigns.extend(campaigns.into_iter().map(|(id, name)| (id, capped(name).into_owned())));
    }

    /// The campaign's name, or the id when it was never loaded.
    pub fn campaign_or_id<'a>(&'a self, id: &'a str) -> &'a str {
        self.campaigns.get(id).map_or(id, String::as_str)
    }

    /// Whether the user `id` holds the Agent role; `None` for a user not loaded.
    pub fn is_agent(&self, id: &str) -> Option<bool> {
        self.agents.get(id).map(|p| p.agent)
    }

    pub fn name(&self, id: &str) -> Option<&str> {
        self.agents.get(id).map(|p| p.name.as_str())
    }

    /// The agent's name, or the id when the agent is unknown.
    pub fn name_or_id<'a>(&'a self, id: &'a str) -> &'a str {
        self.name(id).unwrap_or(id)
    }

    /// How many agents are known.
    pub fn len(&self) -> usize {
        self.agents.len()
    }

    /// Whether no agent is known (the agents table is not loaded yet).
    pub fn is_empty(&self) -> bool {
        self.agents.is_empty()
    }

    /// Every agent by id.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Person)> {
        self.agents.iter().map(|(id, person)| (id.as_str(), person))
    }
}

/// How a column orders its rows. Missing values sort last.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SortKey {
    Int(i64),
    Text(String),
    Missing,
}

impl SortKey {
    /// Text sorts as it is shown: by its first characters, any case.
    pub fn text(s: &str) -> Self {
        Self::Text(capped(s).to_lowercase())
    }
}

/// A column's header: its name, and a shorter one for when the column is
/// narrower than the name, so that "Attempts" reads "Tries" and not "Att…".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub name: &'static str,
    pub short: Option<&'static str>,
}

impl Header {
    pub const fn new(name: &'static str) -> Self {
        Self { name, short: None }
    }

    pub const fn or(self, short: &'static str) -> Self {
        Self { short: Some(short), ..self }
    }

    /// The name when it fits in `room` columns, else the short one (cut
    /// to fit by the caller, when even that does not).
    pub fn fitting(&self, room: usize) -> &'static str {
        match self.short {
            Some(short) if width(self.name) > room => short,
            _ => self.name,
        }
    }
}

/// One column of an entity table.
pub struct Column<T: 'static> {
    pub title: Header,
    /// Shift and this letter sorts by the column; it is underlined in the header.
    pub letter: char,
    /// The width it asks for, and the least it can do with.
    pub width: u16,
    pub min: u16,
    /// Lower keeps the column longer when the pane narrows; 0 always stays.
    pub drop: u8,
    pub right: bool,
    /// Whether the text depends on the clock (time in state): such a column
    /// is not searched by the filter and never marks a change.
    pub live: bool,
    pub text: for<'a> fn(&'a T, &'a Lookup<'a>) -> Cow<'a, str>,
    pub role: fn(&T, &Lookup<'_>) -> Role,
    pub sort: fn(&T, &Lookup<'_>) -> SortKey,
}

impl<T> Column<T> {
    /// The cell's text for `row`, as the table shows, searches and marks
    /// it: cut when the tenant sent more than a screen shows.
    pub fn cell<'a>(&self, row: &'a T, lookup: &'a Lookup<'a>) -> Cow<'a, str> {
        capped((self.text)(row, lookup))
    }
}

/// One line of the detail pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub label: &'static str,
    pub value: String,
    pub role: Role,
}

impl Field {
    pub fn new<'a>(label: &'static str, value: impl Into<Cow<'a, str>>) -> Self {
        Self::with_role(label, value, Role::Text)
    }

    /// A line whose value is cut when the tenant sent more than the pane
    /// shows (an attribute's value a megabyte long): a borrowed value is
    /// copied only as far as it is shown.
    pub fn with_role<'a>(label: &'static str, value: impl Into<Cow<'a, str>>, role: Role) -> Self {
        Self { label, value: capped(value).into_owned(), role }
    }

    /// A line of the console's own words, which may quote what the tenant
    /// sent (an audit record's reason): allowed more than a value, so that
    /// what it says is not lost with what was cut; absent, a muted dash.
    pub fn sentence<'a>(label: &'static str, value: Option<impl Into<Cow<'a, str>>>) -> Self {
        match value {
            Some(v) => Self { label, value: capped_line(v).into_owned(), role: Role::Text },
            None => Self::with_role(label, "—", Role::Muted),
        }
    }

    /// A value that may be absent, shown as a muted dash.
    pub fn maybe<'a>(label: &'static str, value: Option<impl Into<Cow<'a, str>>>) -> Self {
        match value {
            Some(v) => Self::new(label, v),
            None => Self::with_role(label, "—", Role::Muted),
        }
    }
}

/// An entity type the console lists.
pub trait Entity: Send + Sync + Sized + 'static {
    /// What one row is called (`agent`), in messages such as "No agents".
    const NOUN: &'static str;
    /// The column a fresh pane is sorted by...
    const DEFAULT_SORT: usize = 0;
    /// ...and whether it starts with the largest value (the newest first).
    const DEFAULT_DESCENDING: bool = false;

    fn id(&self) -> &str;
    fn columns() -> &'static [Column<Self>];
    fn detail(&self, lookup: &Lookup<'_>) -> Vec<Field>;

    /// The group a row belongs to (a contact's campaign), for panes that
    /// show one group at a time.
    fn group(&self) -> Option<&str> {
        None
    }

    /// The key the console knows the row by: its id, with its group when
    /// it has one.
    fn key(&self) -> RowKey {
        RowKey::new(self.group(), self.id())
    }

    /// Whether this is the row `key` names, compared without making a key
    /// (for a caller testing many rows).
    fn is(&self, key: &RowKey) -> bool {
        self.id() == key.id() && self.group() == key.group()
    }
}

#[cfg(test)]
mod tests {
    use super::{Directory, Header, Person};
    use crate::engine::RowKey;

    #[test]
    fn a_namesake_is_another_agent_with_the_same_name() {
        let person = |name: &str| Person { name: name.into(), team: None, agent: true };
        let people = [("a", "Amelia Brennan"), ("b", "Amelia Brennan"), ("c", "Kai Lee")];
        let directory = Directory::new(people.map(|(id, name)| (id.to_string(), person(name))));
        assert!(directory.has_namesake("a", "Amelia Brennan"));
        assert!(!directory.has_namesake("c", "Kai Lee"), "not their own namesake");
        assert!(directory.has_namesake("z", "Kai Lee"), "a target not loaded shares a loaded name");
        assert!(!directory.has_namesake("z", "Ines Fernandes"));
    }

    #[test]
    fn a_campaign_gone_from_the_list_keeps_its_name() {
        let mut directory = Directory::default();
        let named = |pairs: &[(&str, &str)]| {
            pairs.iter().map(|(id, n)| (id.to_string(), n.to_string())).collect::<Vec<_>>()
        };
        directory.set_campaigns(named(&[("k1", "Spring Renewal"), ("k2", "Winter Win-back")]));
        directory.set_campaigns(named(&[("k2", "Winter Win-back 2")]));
        assert_eq!(directory.campaign_or_id("k1"), "Spring Renewal", "gone from the list, still named");
        assert_eq!(directory.campaign_or_id("k2"), "Winter Win-back 2", "renamed");
        assert_eq!(directory.campaign_or_id("k3"), "k3", "never loaded");
    }

    #[test]
    fn a_contact_namesake_is_another_contact_with_the_same_name() {
        let mut directory = Directory::default();
        let contacts = [
            ("a", "Wei Patel", "k1"),
            ("b", "Wei Patel", "k1"),
            ("c", "Kai Lee", "k1"),
            ("d", "Kai Lee", "k2"),
            ("e", "Ana Silva", "k1"),
        ];
        directory.set_contacts(contacts.map(|(id, name, k)| (id, name.to_string(), k)));
        let k1 = |id| RowKey::new(Some("k1"), id);
        assert!(directory.has_contact_namesake(&k1("a"), "Wei Patel"));
        assert!(directory.has_contact_namesake(&k1("c"), "Kai Lee"));
        assert!(!directory.has_contact_namesake(&k1("e"), "Ana Silva"), "not its own namesake");
        assert!(
            directory.has_contact_namesake(&k1("z"), "Kai Lee"),
            "a target not loaded shares a loaded name"
        );
        assert!(!directory.has_namesake("a", "Wei Patel"), "agents and contacts are counted apart");
        // Whether the campaign tells namesakes apart.
        assert!(!directory.has_contact_namesake_outside("Wei Patel", "k1"), "both in k1");
        assert!(directory.has_contact_namesake_outside("Kai Lee", "k1"), "one in k2");
        assert!(directory.has_contact_namesake_outside("Kai Lee", "k2"), "one in k1");
    }

    /// A contact id is unique only within its campaign: another
    /// campaign's contact of the same id is another contact, and its name
    /// counts.
    #[test]
    fn a_contact_of_the_same_id_in_another_campaign_is_another_namesake() {
        let mut directory = Directory::default();
        let contacts = [("x", "Kai Lee", "k2"), ("x", "Wei Patel", "k1"), ("y", "Kai Lee", "k1")];
        directory.set_contacts(contacts.map(|(id, name, k)| (id, name.to_string(), k)));
        assert!(directory.has_contact_namesake(&RowKey::new(Some("k1"), "y"), "Kai Lee"), "x of k2");
        assert!(directory.has_contact_namesake(&RowKey::new(Some("k2"), "x"), "Kai Lee"), "y of k1");
        assert!(!directory.has_contact_namesake(&RowKey::new(Some("k1"), "x"), "Wei Patel"));
    }

    #[test]
    fn a_header_narrower_than_its_name_takes_the_short_one() {
        let attempts = Header::new("Attempts").or("Tries");
        assert_eq!(attempts.fitting(8), "Attempts");
        assert_eq!(attempts.fitting(7), "Tries");
        assert_eq!(attempts.fitting(3), "Tries", "cut by the table, like any text");
        assert_eq!(Header::new("Channel").fitting(5), "Channel", "none to take: cut as it is");
    }
}
