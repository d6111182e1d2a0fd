//! Shared setup of the console's tests: a fixed clock, entity tables that
//! look like the sandbox's seeded tenant, audit records and metrics, and
//! helpers to press keys and draw frames.

#![allow(dead_code, unused_imports)] // each test file uses its own subset

mod activity;
mod outbound;
mod overlays;
mod people;

pub use activity::{audit_events, audit_trail, metrics, record};
pub use outbound::{campaigns, contact_and_twin, contact_key, contacts, data_actions};
pub use overlays::{confirmation, form, review_with_agent, submitted};
pub use people::{agents, interactions};

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use cxone_console::api::model::User;
use cxone_console::domain::Timestamp;
use cxone_console::engine::{Event, RowKey, Snapshot, Table};
use cxone_console::ui::app::{Action, App, Clock, Effect, Files, Session, update};
use cxone_console::ui::keymap::Key;
use cxone_console::ui::theme::Colors;
use cxone_console::ui::{Looks, draw::draw};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Size;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use time::macros::datetime;

/// The screen's "now" in every test: a Saturday afternoon, UTC.
pub const NOW: OffsetDateTime = datetime!(2026-11-21 14:02:11 UTC);

pub fn clock() -> Clock {
    Clock::new(Duration::from_secs(600), NOW)
}

pub fn at(seconds_ago: i64) -> Timestamp {
    Timestamp::from_datetime(NOW - time::Duration::seconds(seconds_ago))
}

pub fn files() -> Files {
    Files {
        log: Some(PathBuf::from("/home/jdoe/.local/state/cxone-console/logs/console.log")),
        audit: PathBuf::from("/home/jdoe/.local/share/cxone-console/audit.jsonl"),
        keymap: PathBuf::new(),
        theme: PathBuf::new(),
    }
}

pub fn sandbox_session() -> Session {
    Session {
        profile: "sandbox · seed 42".into(),
        sandbox: Some(url::Url::parse("http://127.0.0.1:4010/").unwrap()),
        operator: "jdoe".into(),
        read_only: false,
        files: files(),
    }
}

pub fn tenant_session() -> Session {
    Session {
        profile: "production · api-na1.niceincontact.com".into(),
        sandbox: None,
        operator: "jdoe".into(),
        read_only: false,
        files: files(),
    }
}

pub fn app_with(session: Session, looks: Looks, width: u16, height: u16) -> App {
    App::new(session, looks, Size { width, height }, clock())
}

/// A sandbox console of `width`×`height`, colours on, nothing loaded.
pub fn app(width: u16, height: u16) -> App {
    app_with(sandbox_session(), Looks::defaults(Colors::On), width, height)
}

/// A console with every table, some metrics and audit records loaded, the
/// link up.
///
/// Its interactions are in id order, as the tests name them by position:
/// the pane itself opens on the newest (`ui_tables` holds that).
pub fn loaded(width: u16, height: u16) -> App {
    let mut app = app(width, height);
    feed(&mut app, seeded_events());
    press(&mut app, &["2", "I", "g", "1"]);
    app
}

pub fn seeded_events() -> Vec<Event> {
    vec![
        Event::Connection(cxone_console::engine::Connection {
            link: cxone_console::engine::Link::Up,
            token_refreshes: 2,
            ..Default::default()
        }),
        Event::Snapshot(Snapshot::Agents(table(agents(), 1, &[]))),
        Event::Snapshot(Snapshot::Interactions(table(interactions(), 1, &[]))),
        Event::Snapshot(Snapshot::Campaigns(table(campaigns(), 1, &[]))),
        Event::Snapshot(Snapshot::Contacts(table(contacts(), 1, &[]))),
        Event::Snapshot(Snapshot::DataActions(table(data_actions(), 1, &[]))),
        Event::Metrics(Arc::new(metrics())),
    ]
}

/// The tenant's rule data as the engine sends it: the seeded pause reasons
/// and a part of the disposition matrix.
pub fn rule_book() -> cxone_console::engine::RuleBook {
    use cxone_console::domain::agent_status::PauseReasons;
    use cxone_console::domain::interaction_disposition::{DispositionMatrix, MatrixCode};
    let codes = [("101", "Issue Resolved"), ("102", "Sale Completed"), ("201", "Follow-up Required")];
    cxone_console::engine::RuleBook {
        pause_reasons: Ok(Arc::new(PauseReasons::new([
            "IT Issue",
            "Queue Full",
            "Lunch",
            "Coaching Session",
        ]))),
        dispositions: Ok(Arc::new(DispositionMatrix::new(
            codes
                .map(|(code, description)| MatrixCode { code: code.into(), description: description.into() }),
        ))),
    }
}

/// A ready console on a medium screen: a form over the panes, the panes
/// still readable.
pub fn medium() -> App {
    ready(100, 30)
}

/// A loaded console that has the tenant's rules.
pub fn ready(width: u16, height: u16) -> App {
    let mut app = loaded(width, height);
    feed(&mut app, [Event::Rules(rule_book())]);
    app
}

pub fn feed(app: &mut App, events: impl IntoIterator<Item = Event>) -> Vec<Effect> {
    events.into_iter().flat_map(|e| update(app, Action::Engine(e))).collect()
}

/// Rows in id order, as the engine sends them.
pub fn table<T: cxone_console::ui::entity::Entity>(
    mut rows: Vec<T>,
    generation: u64,
    changed: &[RowKey],
) -> Arc<Table<T>> {
    rows.sort_by(|a, b| a.id().cmp(b.id()));
    Arc::new(Table {
        rows,
        generation,
        as_of: Some("2026-11-21T14:02:10Z".into()),
        changed: changed.to_vec(),
    })
}

/// Presses keys written as in keymap.toml, one after another.
pub fn press(app: &mut App, keys: &[&str]) -> Vec<Effect> {
    keys.iter().flat_map(|k| update(app, Action::Key(key_event(k)))).collect()
}

/// Types text into whatever reads it.
pub fn type_text(app: &mut App, text: &str) -> Vec<Effect> {
    text.chars().flat_map(|c| update(app, Action::Key(plain(KeyCode::Char(c))))).collect()
}

/// Runs `line` on the `:` command line: what Enter did.
pub fn run_command(app: &mut App, line: &str) -> Vec<Effect> {
    press(app, &[":"]);
    type_text(app, line);
    press(app, &["enter"])
}

pub fn key_event(spec: &str) -> KeyEvent {
    let spec = if spec == " " { "space" } else { spec };
    let key = Key::parse(spec).unwrap_or_else(|e| panic!("{e}"));
    let mut modifiers = KeyModifiers::NONE;
    if key.ctrl {
        modifiers |= KeyModifiers::CONTROL;
    }
    if key.alt {
        modifiers |= KeyModifiers::ALT;
    }
    if matches!(key.code, KeyCode::Char(c) if c.is_ascii_uppercase()) || key.code == KeyCode::BackTab {
        modifiers |= KeyModifiers::SHIFT;
    }
    KeyEvent { code: key.code, modifiers, kind: KeyEventKind::Press, state: KeyEventState::NONE }
}

pub fn plain(code: KeyCode) -> KeyEvent {
    KeyEvent { code, modifiers: KeyModifiers::NONE, kind: KeyEventKind::Press, state: KeyEventState::NONE }
}

/// The frame `app` draws at its own size.
pub fn frame(app: &App) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(app.size.width, app.size.height)).unwrap();
    terminal.draw(|f| draw(app, f)).unwrap();
    terminal.backend().buffer().clone()
}

/// The frame as text, one quoted line per row (what insta snapshots).
pub fn render(app: &App) -> String {
    let buffer = frame(app);
    let width = usize::from(buffer.area.width).max(1);
    buffer
        .content
        .chunks(width)
        .map(|row| format!("\"{}\"", row.iter().map(|c| c.symbol()).collect::<String>()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The cells of row `y` whose text contains `needle`, for checking styles.
pub fn find_in_row(buffer: &Buffer, y: u16, needle: &str) -> Option<u16> {
    let width = usize::from(buffer.area.width);
    let row: String = buffer.content[usize::from(y) * width..(usize::from(y) + 1) * width]
        .iter()
        .map(|c| c.symbol())
        .collect();
    row.find(needle).map(|byte| row[..byte].chars().count() as u16)
}

/// The row of the frame holding `needle`.
pub fn row_of(buffer: &Buffer, needle: &str) -> Option<u16> {
    (0..buffer.area.height).find(|&y| find_in_row(buffer, y, needle).is_some())
}

/// The agents' names in the table's order.
pub fn names(app: &App) -> Vec<String> {
    app.agents.window(usize::MAX).map(|(_, u)| u.display_name()).collect()
}

pub fn selected_name(app: &App) -> Option<String> {
    app.agents.selected_row().map(User::display_name)
}

/// A refresh of the agents table, with the ids of the rows whose cells
/// changed.
pub fn agents_event(rows: Vec<User>, changed: &[&str]) -> Event {
    Event::Snapshot(Snapshot::Agents(table(rows, 2, &keys(changed))))
}

/// The row keys of rows with no group (agents, interactions, data actions).
pub fn keys(ids: &[&str]) -> Vec<RowKey> {
    ids.iter().map(|id| RowKey::new(None, id)).collect()
}

/// Lets `after` pass on the app's clock.
pub fn tick(app: &mut App, after: Duration) {
    let clock = Clock::new(app.clock.mono + after, app.clock.wall + after);
    update(app, Action::Tick(clock));
}

/// A seeded agent under another id and name.
pub fn user_named(id: &str, first: &str, last: &str) -> User {
    let mut user = agents().remove(0);
    user.id = cxone_console::domain::UserId::parse(id).unwrap();
    user.first_name = first.into();
    user.last_name = last.into();
    user
}
