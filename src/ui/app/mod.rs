//! The console's state, and the one function that changes it.
//!
//! [`update`] takes an [`Action`] (a key, an engine event, a tick) and
//! returns [`Effect`]s as data; it never waits and never does I/O. The
//! driver feeds it and performs the effects; `draw` reads the state.

mod action;
pub mod audit;
mod clock;
mod effect;
pub mod filter;
mod flash;
mod hint;
mod lists;
mod overlay;
pub mod palette;
mod pane;
mod pending;
mod results;
mod sent;
mod session;
pub mod table;
mod update;

pub use action::Action;
pub use audit::AuditView;
pub use clock::Clock;
pub use effect::Effect;
pub use flash::{Flash, FlashKind, Level};
pub use hint::{Way, unbound};
pub use lists::{ListId, ListNav, SortChange};
pub use overlay::{Confirm, FilterPrompt, Overlay};
pub use palette::{Palette, PaletteCommand};
pub use pane::{CampaignSide, PaneId};
pub use pending::Pending;
pub use results::Results;
pub use sent::{Progress, Sent, UNNAMED, Waiting};
pub use session::{Files, Session};
pub use table::{Sort, TableView};
pub use update::update;

use super::entity::{Directory, Lookup};
use super::forms::{Facts, Lagging, Rules};
use super::keymap::{Context, Keymap, Verb};
use super::looks::{Looks, Problem};
use super::theme::Theme;
use crate::api::model::{Campaign, Contact, DataAction, Interaction, User};
use crate::engine::metrics::MetricsSnapshot;
use crate::engine::outbox::OutboxStatus;
use crate::engine::{Command, CommandId, Connection, Link, Recovery, STALE_AFTER, Stale};
use ratatui::layout::{Rect, Size};
use std::sync::Arc;

pub struct App {
    pub session: Session,
    pub keymap: Keymap,
    pub theme: Theme,
    /// What is wrong in keymap.toml and theme.toml.
    pub problems: Vec<Problem>,
    pub clock: Clock,
    pub size: Size,
    /// Where keys go.
    pub focus: PaneId,
    /// The entity pane the main area shows.
    pub main: PaneId,
    pub campaign_side: CampaignSide,
    pub agents: TableView<User>,
    pub interactions: TableView<Interaction>,
    pub campaigns: TableView<Campaign>,
    pub contacts: TableView<Contact>,
    pub data_actions: TableView<DataAction>,
    /// Agents' names by id, from the agents table as applied.
    pub directory: Directory,
    pub audit: AuditView,
    pub metrics: Option<Arc<MetricsSnapshot>>,
    pub outbox: Option<OutboxStatus>,
    /// `None` until the engine reports on its link.
    pub connection: Option<Connection>,
    pub engine_stopped: bool,
    /// Changes this console sent, until they finish.
    pub sent: Sent,
    /// The tenant's rule data, for forms.
    pub rules: Rules,
    pub recovery: Option<Recovery>,
    pub flash: Option<Flash>,
    /// How each change of this session ended, for `:results`.
    pub results: Results,
    /// Contacts given an outcome this session, by row key (campaign and
    /// id): the engine sends each once a session (document 001), so
    /// another outcome for one is skipped.
    pub contacts_done: std::collections::HashSet<crate::engine::RowKey>,
    /// Targets whose rows may not show this session's latest change to them.
    pub lagging: Lagging,
    /// Windows over the panes, the topmost last; it takes the keys.
    pub overlays: Vec<Overlay>,
    /// Forms whose change to one target was not applied, the newest last,
    /// each with why, until the supervisor reopens it; only the last few
    /// are kept (see `update::reopen`).
    pub returned: Vec<super::forms::Form>,
    /// Snapshots are held, not applied, while frozen.
    pub frozen: bool,
    /// The payload last simulated, which the simulation form opens on next,
    /// so trying a payload again does not mean pasting it again.
    pub last_simulated: Option<String>,
    dirty: bool,
}

impl App {
    pub fn new(session: Session, looks: Looks, size: Size, clock: Clock) -> Self {
        let Looks { keymap, theme, problems } = looks;
        let mut app = Self {
            session,
            keymap,
            theme,
            problems,
            clock,
            size,
            focus: PaneId::Agents,
            main: PaneId::Agents,
            campaign_side: CampaignSide::Campaigns,
            agents: TableView::default(),
            interactions: TableView::default(),
            campaigns: TableView::default(),
            contacts: TableView::default(),
            data_actions: TableView::default(),
            directory: Directory::default(),
            audit: AuditView::default(),
            metrics: None,
            outbox: None,
            connection: None,
            engine_stopped: false,
            sent: Sent::default(),
            rules: Rules::default(),
            recovery: None,
            flash: None,
            results: Results::default(),
            contacts_done: Default::default(),
            lagging: Lagging::default(),
            overlays: Vec::new(),
            returned: Vec::new(),
            frozen: false,
            last_simulated: None,
            dirty: true,
        };
        app.look_at(app.main);
        if !app.problems.is_empty() {
            let read = match app.way_to(Context::Global, Verb::Help) {
                Some(way) => format!("{} to read them", capitalized(&way.instruction())),
                None => format!("The help screen lists them ({})", unbound(Verb::Help)),
            };
            let text = format!(
                "{} problem(s) in keymap.toml or theme.toml; the defaults stand in. {read}.",
                app.problems.len()
            );
            app.flash(text, Level::Warn);
        }
        app
    }

    /// `pane` is on screen: its tables' selections stay on their entities
    /// through refreshes from now on, rather than on the top row.
    pub(super) fn look_at(&mut self, pane: PaneId) {
        match pane {
            PaneId::Agents => self.agents.looked_at(),
            PaneId::Interactions => self.interactions.looked_at(),
            PaneId::Campaigns => {
                self.campaigns.looked_at();
                self.contacts.looked_at();
            }
            PaneId::DataActions => self.data_actions.looked_at(),
            PaneId::Audit => {}
        }
    }

    /// Whether something changed since the last frame.
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// The driver calls this after drawing a frame.
    pub fn mark_drawn(&mut self) {
        self.dirty = false;
    }

    /// The cancel of batch `id` (targets not yet started are skipped),
    /// noted so that it is not offered again: of each waiting member, for a
    /// group.
    pub fn cancel(&mut self, id: &CommandId) -> Vec<Effect> {
        self.sent.cancel(id).into_iter().map(|id| Effect::Engine(Command::Cancel { id })).collect()
    }

    pub fn touch(&mut self) {
        self.dirty = true;
    }

    pub fn area(&self) -> Rect {
        Rect::new(0, 0, self.size.width, self.size.height)
    }

    pub fn flash(&mut self, text: impl Into<String>, level: Level) {
        self.flash_as(text, level, FlashKind::Plain);
    }

    /// A message that something may clear before it fades, by its kind.
    pub fn flash_as(&mut self, text: impl Into<String>, level: Level, kind: FlashKind) {
        self.flash = Some(Flash::new(text, level, self.clock.mono).of_kind(kind));
        self.dirty = true;
    }

    pub fn lookup(&self) -> Lookup<'_> {
        Lookup { now: self.clock.wall, names: &self.directory }
    }

    /// The list that has the keys.
    pub fn focused_list(&self) -> ListId {
        match (self.focus, self.campaign_side) {
            (PaneId::Agents, _) => ListId::Agents,
            (PaneId::Interactions, _) => ListId::Interactions,
            (PaneId::Campaigns, CampaignSide::Campaigns) => ListId::Campaigns,
            (PaneId::Campaigns, CampaignSide::Contacts) => ListId::Contacts,
            (PaneId::DataActions, _) => ListId::DataActions,
            (PaneId::Audit, _) => ListId::Audit,
        }
    }

    /// Where keys are looked up.
    pub fn context(&self) -> Context {
        if matches!(self.overlays.last(), Some(Overlay::Form(_))) {
            Context::Form
        } else if !self.overlays.is_empty() {
            Context::Overlay
        } else if self.focus == PaneId::Audit {
            Context::Audit
        } else {
            Context::Table
        }
    }

    /// The persistent warning under the header, when the console cannot
    /// do its job: the tenant is unreachable, a table has stopped
    /// refreshing, or the engine has stopped.
    pub fn banner(&self) -> Option<String> {
        if self.engine_stopped {
            return Some("The engine has stopped: nothing will refresh and no change can be made. Quit and restart the console.".into());
        }
        let connection = self.connection.as_ref()?;
        match &connection.link {
            // The reason says what is wrong: out of reach, or the
            // credentials refused. Retrying comes first so a cut line keeps it.
            Link::Down { reason } => {
                let tables = [
                    self.agents.is_loaded(),
                    self.interactions.is_loaded(),
                    self.campaigns.is_loaded(),
                    self.data_actions.is_loaded(),
                ];
                let shown = if tables.contains(&true) {
                    "Tables show the last data received."
                } else {
                    "Nothing has been read from the tenant yet."
                };
                Some(format!("Tenant link down, retrying in the background: {reason}. {shown}"))
            }
            // A kind refused on its own (a missing scope, say): the link
            // is fine, and only that table is behind.
            _ => {
                let mut stale = connection.stale.iter().filter(|(_, s)| self.long_stale(s));
                let (kind, first) = stale.next()?;
                let more = match stale.count() {
                    0 => String::new(),
                    1 => " (1 more table has stopped too)".to_string(),
                    n => format!(" ({n} more tables have stopped too)"),
                };
                Some(format!(
                    "The {kind} table has stopped refreshing, retrying in the background: {}{more}",
                    first.reason
                ))
            }
        }
    }

    /// Why `list`'s table has stopped refreshing, once its reads have
    /// failed long enough to say so.
    pub fn stale(&self, list: ListId) -> Option<&Stale> {
        self.connection.as_ref()?.stale.get(&list.entities()?).filter(|s| self.long_stale(s))
    }

    /// Reads failing, or one unanswered, for [`STALE_AFTER`]; the engine
    /// tells of an unanswered read once one request of it has been out that long.
    fn long_stale(&self, stale: &Stale) -> bool {
        self.clock.wall - stale.since >= STALE_AFTER
    }

    /// What forms check against: the rules, the campaigns, the time.
    pub fn facts(&self) -> Facts<'_> {
        Facts {
            rules: &self.rules,
            campaigns: self.campaigns.rows(),
            directory: &self.directory,
            contacts_done: &self.contacts_done,
            lagging: &self.lagging,
            now: crate::domain::Timestamp::from_datetime(self.clock.wall),
        }
    }

    /// Makes the contacts list follow the selected campaign.
    pub fn sync_contacts(&mut self) {
        let campaign = self.campaigns.selected_row().map(|c| c.id.to_string());
        let lookup = Lookup { now: self.clock.wall, names: &self.directory };
        self.contacts.set_group(campaign, &lookup);
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
