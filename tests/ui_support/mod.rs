//! Shared setup of the console's tests: a fixed clock, entity tables that
//! look like the sandbox's seeded tenant, audit records and metrics, and
//! helpers to press keys and draw frames.

#![allow(dead_code)] // each test file uses its own subset

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use cxone_console::api::model::{
    ActionVersion, Attribute, Campaign, Channel, Contact, DataAction, Interaction, RecentExecutions, User,
    UserStatus,
};
use cxone_console::domain::agent_status::{AgentStatus, Shift};
use cxone_console::domain::contact_disposition::DialerState;
use cxone_console::domain::interaction_disposition::{Disposition, InteractionStatus};
use cxone_console::domain::{AgentId, CampaignId, ContactId, DataActionId, InteractionId, Timestamp, UserId};
use cxone_console::engine::audit::{
    AuditEntry, AuditRecord, Digest256, Method, Outcome, RequestInfo, Target, TargetKind,
};
use cxone_console::engine::metrics::{self, ErrorClass, Metrics, MetricsSnapshot, Operation};
use cxone_console::engine::{Event, Snapshot, Table};
use cxone_console::ui::app::{Action, App, Clock, Effect, Files, Session, update};
use cxone_console::ui::keymap::Key;
use cxone_console::ui::theme::Colors;
use cxone_console::ui::{Looks, draw::draw};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Size;
use serde_json::json;
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
pub fn loaded(width: u16, height: u16) -> App {
    let mut app = app(width, height);
    feed(&mut app, seeded_events());
    app
}

pub fn seeded_events() -> Vec<Event> {
    vec![
        Event::Connection(cxone_console::engine::Connection {
            link: cxone_console::engine::Link::Up,
            token_refreshes: 2,
        }),
        Event::Snapshot(Snapshot::Agents(table(agents(), 1, &[]))),
        Event::Snapshot(Snapshot::Interactions(table(interactions(), 1, &[]))),
        Event::Snapshot(Snapshot::Campaigns(table(campaigns(), 1, &[]))),
        Event::Snapshot(Snapshot::Contacts(table(contacts(), 1, &[]))),
        Event::Snapshot(Snapshot::DataActions(table(data_actions(), 1, &[]))),
        Event::Metrics(Arc::new(metrics())),
    ]
}

pub fn feed(app: &mut App, events: impl IntoIterator<Item = Event>) -> Vec<Effect> {
    events.into_iter().flat_map(|e| update(app, Action::Engine(e))).collect()
}

/// Rows in id order, as the engine sends them.
pub fn table<T: cxone_console::ui::entity::Entity>(
    mut rows: Vec<T>,
    generation: u64,
    changed: &[&str],
) -> Arc<Table<T>> {
    rows.sort_by(|a, b| a.id().cmp(b.id()));
    Arc::new(Table {
        rows,
        generation,
        as_of: Some("2026-11-21T14:02:10Z".into()),
        changed: changed.iter().map(|s| (*s).to_string()).collect(),
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

fn user(
    id: &str,
    first: &str,
    last: &str,
    team: Option<&str>,
    status: AgentStatus,
    reason: Option<&str>,
    since: i64,
) -> User {
    let shift_start = (NOW.unix_timestamp() - 5 * 3600 - 2 * 60 - 11) as f64;
    User {
        id: UserId::parse(id).unwrap(),
        first_name: first.into(),
        last_name: last.into(),
        user_name: format!("{}.{}", first.to_lowercase(), last.to_lowercase()),
        team_id: team.map(|_| "team-001".into()),
        team_name: team.map(Into::into),
        roles: vec!["Agent".into()],
        shift: team.map(|_| Shift { start: shift_start, end: shift_start + 8.0 * 3600.0 }),
        status: UserStatus::Known(status),
        pause_reason: reason.map(Into::into),
        status_since: Some(at(since)),
        wrap_up_until: None,
        updated_at: Some(at(since)),
        etag: None,
    }
}

pub fn agents() -> Vec<User> {
    use AgentStatus::*;
    vec![
        user("12345-abcde-67890", "Amara", "Okafor", Some("Billing North"), Available, None, 184),
        user(
            "2b1f0c4e-6d1a-4f7e-9a51-0c4d2e8b7a10",
            "Bilal",
            "Haddad",
            Some("Technical Support Tier 2"),
            Busy,
            None,
            724,
        ),
        user(
            "3c9e5a7b-1f2d-4b8c-8e6f-5a4b3c2d1e0f",
            "Beatriz",
            "Costa",
            Some("Sales Inbound"),
            Break,
            Some("Lunch"),
            1_503,
        ),
        user("4d0a6b8c-2e3f-4c9d-9f7a-6b5c4d3e2f1a", "Aiko", "Ito", Some("Retention"), Training, None, 3_960),
        user(
            "5e1b7c9d-3f4a-4dae-8a8b-7c6d5e4f3a2b",
            "Carlos",
            "Garcia",
            Some("Claims"),
            Offline,
            None,
            52_000,
        ),
        user(
            "6f2c8dae-4a5b-4ebf-9b9c-8d7e6f5a4b3c",
            "Chloe",
            "Dubois",
            Some("Billing South"),
            Available,
            None,
            42,
        ),
        user(
            "7a3d9ebf-5b6c-4fca-8cad-9e8f7a6b5c4d",
            "Daniel",
            "Eriksson",
            Some("Premium Care"),
            Busy,
            None,
            95,
        ),
        user(
            "8b4eafca-6c7d-40db-9dbe-af9a8b7c6d5e",
            "Elif",
            "Kaya",
            Some("Digital Channels"),
            Break,
            Some("Coaching Session"),
            611,
        ),
        user(
            "9c5fbadb-7d8e-41ec-8ecf-ba0b9c8d7e6f",
            "Emeka",
            "Adeyemi",
            Some("Collections"),
            Available,
            None,
            2_405,
        ),
        user("ad60cbec-8e9f-42fd-9fda-cb1cad9e8f7a", "Freya", "Hansen", None, Offline, None, 200_000),
        user(
            "be71dcfd-9fa0-430e-8aeb-dc2dbeaf9a8b",
            "Hassan",
            "Ibrahim",
            Some("Onboarding"),
            Busy,
            None,
            333,
        ),
        user(
            "cf82ed0e-a0b1-441f-9bfc-ed3ecfb0ab9c",
            "Ines",
            "Fernandes",
            Some("Sales Outbound"),
            Available,
            None,
            15,
        ),
    ]
}

fn interaction(
    id: &str,
    channel: Channel,
    agent: Option<&str>,
    status: InteractionStatus,
    codes: &[(&str, &str)],
    (queue, customer): (&str, &str),
    started: i64,
) -> Interaction {
    let closed = status == InteractionStatus::Closed;
    Interaction {
        id: InteractionId::parse(id).unwrap(),
        status,
        channel,
        agent_id: agent.map(Into::into),
        queue: Some(queue.into()),
        customer_name: Some(customer.into()),
        started_at: Some(at(started)),
        closed_at: closed.then(|| at(started - 300)),
        dispositions: codes
            .iter()
            .map(|(code, description)| Disposition {
                code: (*code).into(),
                description: (*description).into(),
                agent_id: AgentId::parse(agent.unwrap_or("12345-abcde-67890")).unwrap(),
                timestamp: at(started - 320),
                source: "AGENT".into(),
                notes: None,
            })
            .collect(),
        attributes: vec![Attribute { key: "sentimentScore".into(), value: json!(0.82) }],
        updated_at: Some(at(started - 320)),
        etag: None,
    }
}

pub fn interactions() -> Vec<Interaction> {
    use InteractionStatus::*;
    vec![
        interaction(
            "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
            Channel::Voice,
            Some("12345-abcde-67890"),
            Closed,
            &[],
            ("Billing", "Grace Kim"),
            2_400,
        ),
        interaction(
            "8f7a9b2c-1d3e-4f5a-9c8b-7e6d5f4a3b2c",
            Channel::Chat,
            Some("2b1f0c4e-6d1a-4f7e-9a51-0c4d2e8b7a10"),
            Open,
            &[],
            ("Technical Support", "Ivan Kowalski"),
            700,
        ),
        interaction(
            "0d4e8f12-3a5b-4c6d-8e9f-a0b1c2d3e4f5",
            Channel::Email,
            Some("6f2c8dae-4a5b-4ebf-9b9c-8d7e6f5a4b3c"),
            Closed,
            &[("101", "Issue Resolved")],
            ("General Enquiries", "Jasmine Chen"),
            5_400,
        ),
        interaction(
            "1e5f9023-4b6c-4d7e-9fa0-b1c2d3e4f5a6",
            Channel::Voice,
            Some("7a3d9ebf-5b6c-4fca-8cad-9e8f7a6b5c4d"),
            Closed,
            &[("102", "Sale Completed"), ("201", "Follow-up Required")],
            ("Sales", "Javier Alvarez"),
            3_100,
        ),
        interaction(
            "2f60a134-5c7d-4e8f-a0b1-c2d3e4f5a6b7",
            Channel::Sms,
            None,
            Open,
            &[],
            ("Collections", "Hana Bakker"),
            60,
        ),
        interaction(
            "3071b245-6d8e-4f90-b1c2-d3e4f5a6b7c8",
            Channel::Voice,
            Some("be71dcfd-9fa0-430e-8aeb-dc2dbeaf9a8b"),
            Open,
            &[],
            ("Retention", "Felix Brennan"),
            330,
        ),
    ]
}

pub fn campaigns() -> Vec<Campaign> {
    let campaign = |id: &str, name: &str, status: &str, mode: &str, extra: &[&str], count: u64| Campaign {
        id: CampaignId::parse(id).unwrap(),
        name: name.into(),
        status: status.into(),
        dialing_mode: mode.into(),
        outcome_codes: extra.iter().map(|c| (*c).into()).collect(),
        contact_count: count,
        updated_at: Some(at(3600)),
    };
    vec![
        campaign("a1b2c3d4-e5f6-7890-g1h2-i3j4k5l6m7n8", "Spring Renewal", "ACTIVE", "PREDICTIVE", &[], 1000),
        campaign(
            "b2c3d4e5-f6a7-4890-b1c2-d3e4f5a6b7c8",
            "Winter Win-back",
            "ACTIVE",
            "PROGRESSIVE",
            &["OFFER_ACCEPTED"],
            1000,
        ),
        campaign(
            "c3d4e5f6-a7b8-4901-c2d3-e4f5a6b7c8d9",
            "Payment Reminder",
            "PAUSED",
            "PROGRESSIVE",
            &["PROMISE_TO_PAY", "WRONG_NUMBER"],
            1000,
        ),
    ]
}

pub fn contacts() -> Vec<Contact> {
    let spring = "a1b2c3d4-e5f6-7890-g1h2-i3j4k5l6m7n8";
    let winter = "b2c3d4e5-f6a7-4890-b1c2-d3e4f5a6b7c8";
    let reminder = "c3d4e5f6-a7b8-4901-c2d3-e4f5a6b7c8d9";
    let contact = |campaign: &str,
                   id: &str,
                   first: &str,
                   last: &str,
                   state: DialerState,
                   outcome: Option<&str>,
                   attempts: u32,
                   agent: Option<&str>| Contact {
        id: ContactId::parse(id).unwrap(),
        campaign_id: CampaignId::parse(campaign).unwrap(),
        first_name: first.into(),
        last_name: last.into(),
        phone: format!("+1555{:07}", id.bytes().map(u32::from).sum::<u32>() * 7919 % 10_000_000),
        state,
        outcome_code: outcome.map(Into::into),
        agent_id: agent.map(Into::into),
        notes: None,
        custom_fields: serde_json::Map::new(),
        disposition_timestamp: outcome.map(|_| at(900)),
        attempts,
        updated_at: Some(at(900)),
        etag: None,
    };
    use DialerState::*;
    vec![
        contact(
            spring,
            "contact-uuid-111111111111",
            "Andre",
            "Chandra",
            Completed,
            Some("NO_ANSWER"),
            2,
            None,
        ),
        contact(spring, "contact-uuid-222222222222", "Anika", "Fischer", Completed, Some("BUSY"), 1, None),
        contact(
            spring,
            "contact-uuid-333333333333",
            "Aria",
            "Gonzalez",
            Completed,
            Some("NOT_INTERESTED"),
            3,
            Some("12345-abcde-67890"),
        ),
        contact(
            spring,
            "contact-uuid-444444444444",
            "Arjun",
            "Hernandez",
            Connected,
            None,
            1,
            Some("2b1f0c4e-6d1a-4f7e-9a51-0c4d2e8b7a10"),
        ),
        contact(spring, "contact-uuid-555555555555", "Camila", "Horvat", Dialing, None, 1, None),
        contact(spring, "contact-uuid-666666666666", "Deepa", "Jansen", Pending, None, 0, None),
        contact(
            spring,
            "contact-uuid-777777777777",
            "Diego",
            "Johnson",
            WrapUp,
            None,
            2,
            Some("7a3d9ebf-5b6c-4fca-8cad-9e8f7a6b5c4d"),
        ),
        contact(winter, "contact-uuid-888888888888", "Elena", "Kumar", Ringing, None, 1, None),
        contact(
            winter,
            "contact-uuid-999999999999",
            "Emma",
            "Abara",
            Completed,
            Some("OFFER_ACCEPTED"),
            2,
            Some("6f2c8dae-4a5b-4ebf-9b9c-8d7e6f5a4b3c"),
        ),
        contact(
            reminder,
            "contact-uuid-aaaaaaaaaaaa",
            "Fatima",
            "Kaur",
            Completed,
            Some("PROMISE_TO_PAY"),
            1,
            Some("9c5fbadb-7d8e-41ec-8ecf-ba0b9c8d7e6f"),
        ),
        contact(
            reminder,
            "contact-uuid-bbbbbbbbbbbb",
            "Gabriel",
            "Kim",
            Completed,
            Some("WRONG_NUMBER"),
            2,
            None,
        ),
        contact(
            reminder,
            "contact-uuid-cccccccccccc",
            "Hana",
            "Kowalski",
            Connected,
            None,
            1,
            Some("9c5fbadb-7d8e-41ec-8ecf-ba0b9c8d7e6f"),
        ),
        contact(reminder, "contact-uuid-dddddddddddd", "Isabella", "Kumar", Pending, None, 0, None),
    ]
}

pub fn data_actions() -> Vec<DataAction> {
    let action = |id: &str,
                  name: &str,
                  versions: &[&str],
                  deprecated: bool,
                  runs: Option<(u64, f64, f64)>,
                  description: &str| DataAction {
        id: DataActionId::parse(id).unwrap(),
        name: name.into(),
        version: versions.last().unwrap().parse().unwrap(),
        is_deprecated: deprecated,
        input_schema: json!({"type": "object"}),
        output_schema: json!({"type": "object"}),
        handler_url: format!("https://handlers.sandbox.invalid/{}", name.to_lowercase()),
        timeout_ms: 5000,
        description: description.into(),
        versions: versions
            .iter()
            .map(|v| ActionVersion { version: (*v).into(), created_at: Some(at(86_400)) })
            .collect(),
        recent_executions: runs.map(|(count, error_rate, avg_latency_ms)| RecentExecutions {
            count,
            error_rate,
            avg_latency_ms,
        }),
        created_at: Some(at(86_400 * 30)),
        updated_at: Some(at(86_400)),
        etag: None,
    };
    vec![
        action(
            "da-0001",
            "SentimentRoutingAction",
            &["1.0.0", "1.1.0", "1.2.0"],
            false,
            Some((1_842, 0.004, 38.1)),
            "Sentiment-based routing enrichment action",
        ),
        action(
            "da-0002",
            "VipLookup",
            &["2.0.0", "2.0.1"],
            false,
            Some((12_305, 0.021, 12.4)),
            "Flags platinum customers so routing can prefer the VIP queue",
        ),
        action(
            "da-0003",
            "CallbackScheduler",
            &["0.9.0", "1.0.0"],
            false,
            Some((88, 0.091, 412.0)),
            "Books a callback slot when the queue is long",
        ),
        action(
            "da-0004",
            "LegacyCrmSync",
            &["1.0.0"],
            true,
            None,
            "Superseded by the CRM connector; kept for its execution history",
        ),
    ]
}

/// Metrics from a run of a minute and a half: steady agent-status traffic,
/// a burst of 503s forty seconds in, slower dispositions.
pub fn metrics() -> MetricsSnapshot {
    let start = tokio::time::Instant::now();
    let m = Metrics::starting_at(start);
    for second in 0..90u64 {
        let at = start + Duration::from_secs(second) + Duration::from_millis(500);
        for n in 0..4u64 {
            let latency = Duration::from_millis(30 + (second * 7 + n * 13) % 60);
            m.record_at(at, Operation::AgentStatus, metrics::Outcome::Succeeded, latency);
        }
        let slow = Duration::from_millis(120 + (second * 11) % 300);
        m.record_at(at, Operation::InteractionDisposition, metrics::Outcome::Succeeded, slow);
        if (40..44).contains(&second) {
            let failed = metrics::Outcome::Failed(ErrorClass::ServerError);
            m.record_at(at, Operation::ContactDisposition, failed, Duration::from_millis(900));
        }
    }
    m.set_webhook_backlog(3);
    m.set_delivery_lag(Some(Duration::from_secs(4)));
    m.snapshot_at(start + Duration::from_secs(90))
}

/// An audit record as the log seals it.
pub fn record(seq: u64, seconds_ago: i64, entry: AuditEntry) -> AuditRecord {
    AuditRecord {
        seq,
        time: NOW - time::Duration::seconds(seconds_ago),
        entry,
        prev_hash: Digest256::of(&seq.to_be_bytes()),
        hash: Digest256::of(&(seq + 1).to_be_bytes()),
    }
}

/// A short run's trail: status changes, a disposition refused, a failure.
pub fn audit_trail() -> Vec<AuditRecord> {
    let user = |id: &str| Target::new(TargetKind::User, id);
    let put = |path: &str| RequestInfo {
        method: Method::Put,
        path: path.into(),
        etag: None,
        idempotency_key: Some("idem-1".into()),
    };
    let by = |e: AuditEntry, cmd: &str| e.by("jdoe", "console-client", cmd);
    vec![
        record(
            1,
            300,
            by(AuditEntry::intent("cmd_01", "agentStatus", user("12345-abcde-67890")), "cmd_01")
                .request(put("/api/v2/users/12345-abcde-67890/status"), b"{}"),
        ),
        record(
            2,
            299,
            by(
                AuditEntry::outcome("cmd_01", "agentStatus", user("12345-abcde-67890"), Outcome::Applied),
                "cmd_01",
            )
            .reason("Available → Break (Lunch)")
            .http(200, 1, Duration::from_millis(41)),
        ),
        record(
            3,
            200,
            by(
                AuditEntry::outcome(
                    "cmd_02",
                    "interactionDisposition",
                    Target::new(TargetKind::Interaction, "8f7a9b2c-1d3e-4f5a-9c8b-7e6d5f4a3b2c"),
                    Outcome::Rejected,
                ),
                "cmd_02",
            )
            .reason("interaction is open; only a closed interaction takes a disposition"),
        ),
        record(
            4,
            120,
            by(
                AuditEntry::outcome(
                    "cmd_03",
                    "contactDisposition",
                    Target::contact("a1b2c3d4-e5f6-7890-g1h2-i3j4k5l6m7n8", "contact-uuid-444444444444"),
                    Outcome::Skipped,
                ),
                "cmd_03",
            )
            .reason("dialer has the contact (CONNECTED)"),
        ),
        record(
            5,
            60,
            by(
                AuditEntry::outcome(
                    "cmd_04",
                    "agentStatus",
                    user("2b1f0c4e-6d1a-4f7e-9a51-0c4d2e8b7a10"),
                    Outcome::Failed,
                ),
                "cmd_04",
            )
            .reason("the tenant failed (503) after 3 attempts")
            .http(503, 3, Duration::from_millis(2_310)),
        ),
        record(
            6,
            30,
            by(
                AuditEntry::outcome(
                    "cmd_05",
                    "agentStatus",
                    user("6f2c8dae-4a5b-4ebf-9b9c-8d7e6f5a4b3c"),
                    Outcome::Conflict,
                ),
                "cmd_05",
            )
            .reason("agent is in wrap-up until 14:03"),
        ),
    ]
}

pub fn audit_events() -> Vec<Event> {
    audit_trail().into_iter().map(|r| Event::Audit(Arc::new(r))).collect()
}
