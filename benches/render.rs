//! What the console's screen costs: one frame of the agents pane with 100
//! rows and with 100,000 (drawing only the visible rows, the two should
//! cost about the same), one filter keystroke over 100,000 rows (text, and
//! a regex matched cell by cell), one keystroke in a state form for 100,000 marked agents (every one checked
//! again with the domain's rules), and a frame and a filter keystroke with
//! one agent's name a megabyte long, selected (its cell and its details),
//! and a frame with the audit pane full of records naming such a target.
//!
//! `cargo bench --bench render` prints the numbers; nothing here passes or fails.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use cxone_console::api::model::{User, UserStatus};
use cxone_console::domain::agent_status::PauseReasons;
use cxone_console::domain::agent_status::{AgentStatus, Shift};
use cxone_console::domain::interaction_disposition::{DispositionMatrix, MatrixCode};
use cxone_console::domain::{Timestamp, UserId};
use cxone_console::engine::{Event, RuleBook, Snapshot, Table};
use cxone_console::ui::Looks;
use cxone_console::ui::app::{Action, App, Clock, Files, Session, update};
use cxone_console::ui::draw::draw;
use cxone_console::ui::theme::Colors;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Size;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// The binary's allocator, so that the figures are the shipped console's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const WIDTH: u16 = 160;
const HEIGHT: u16 = 48;
const TEAMS: [&str; 6] =
    ["Billing North", "Billing South", "Claims", "Retention", "Sales Inbound", "Premium Care"];

// With the test harness (an undeclared bench), `main` is not the entry point.
#[cfg_attr(test, allow(dead_code))]
fn main() {
    let small = frame_time(100);
    let large = frame_time(100_000);
    println!("frame, agents pane,     100 rows: {:>8.1} µs", micros(small));
    println!("frame, agents pane, 100,000 rows: {:>8.1} µs", micros(large));
    println!(
        "ratio 100,000 / 100:              {:>8.2} (target ≤ 1.5)",
        large.as_secs_f64() / small.as_secs_f64()
    );
    let (keystroke, sort) = filter_and_sort_times(100_000);
    println!("filter keystroke, 100,000 rows:   {:>8.1} µs", micros(keystroke));
    println!("regex filter keystroke, 100,000:  {:>8.1} µs", micros(regex_keystroke(100_000)));
    println!("sort by another column, 100,000:  {:>8.1} µs", micros(sort));
    println!("form keystroke, 100,000 marked:   {:>8.1} µs", micros(form_keystroke(100_000)));
    let mut long = console_with(100, LONG_NAME_AT);
    println!("frame, 100 rows, a 1 MB name:     {:>8.1} µs", micros(frame_of(&mut long)));
    println!("filter keystroke, a 1 MB name:    {:>8.1} µs", micros(keystrokes(&mut long, "agent 00005")));
    let mut audited = console(100);
    audit_long_names(&mut audited, 60);
    println!("frame, audit of 1 MB names:       {:>8.1} µs", micros(frame_of(&mut audited)));
}

/// `records` outcome records in the audit pane, each for an agent named with
/// a megabyte, its reason quoting the name as the flows word it.
fn audit_long_names(app: &mut App, records: u64) {
    use cxone_console::engine::audit::{AuditEntry, AuditRecord, Digest256, Outcome, Target, TargetKind};
    let long = format!("Agent {}", "x".repeat(1 << 20));
    for seq in 0..records {
        let id = format!("user-{seq:07}");
        let mut target = Target::new(TargetKind::User, id.clone());
        target.name = Some(long.clone());
        let entry = AuditEntry::outcome(&format!("cmd_{seq}"), "agent_status", target, Outcome::Applied)
            .by("bench", "console-client", "cmd")
            .reason(format!("agent {long} ({id}) is now Break (Lunch); was Available"));
        let record = AuditRecord {
            seq,
            time: OffsetDateTime::now_utc(),
            entry,
            prev_hash: Digest256::of(&seq.to_be_bytes()),
            hash: Digest256::of(&(seq + 1).to_be_bytes()),
        };
        update(app, Action::Engine(Event::Audit(Arc::new(record))));
    }
}

/// The agent whose name is a megabyte long: the row selected in the
/// middle of 100.
const LONG_NAME_AT: usize = 50;

/// The mean time of one keystroke in a state form open on `rows` marked
/// agents: each keystroke checks every agent's change again.
fn form_keystroke(rows: usize) -> Duration {
    let mut app = console(rows);
    update(&mut app, Action::Engine(Event::Rules(rules())));
    update(&mut app, Action::Key(key(KeyCode::Char('*'))));
    update(&mut app, Action::Key(key(KeyCode::Char('c'))));
    for _ in 0..2 {
        update(&mut app, Action::Key(key(KeyCode::Tab)));
    }
    let typed = "ACW-1";
    let start = Instant::now();
    for c in typed.chars() {
        update(&mut app, Action::Key(key(KeyCode::Char(c))));
    }
    start.elapsed() / typed.len() as u32
}

fn rules() -> RuleBook {
    RuleBook {
        pause_reasons: Ok(Arc::new(PauseReasons::new(["Lunch", "Queue Full"]))),
        dispositions: Ok(Arc::new(DispositionMatrix::new([MatrixCode {
            code: "101".into(),
            description: "Issue Resolved".into(),
        }]))),
    }
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// The mean time to draw one frame, after a warm-up.
fn frame_time(rows: usize) -> Duration {
    frame_of(&mut console(rows))
}

/// The mean time to draw one frame of `app` with a row in the middle
/// selected, after a warm-up.
fn frame_of(app: &mut App) -> Duration {
    let rows = app.agents.rows().len();
    // Select a row in the middle, so the window is not simply the start.
    for _ in 0..(rows / 2).min(500) {
        update(app, Action::Key(key(KeyCode::Char('j'))));
    }
    let app = &*app;
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("a test backend");
    let mut run = |n: u32| {
        let start = Instant::now();
        for _ in 0..n {
            terminal.draw(|frame| draw(black_box(app), frame)).expect("drawing to memory");
        }
        start.elapsed() / n
    };
    run(50);
    run(500)
}

/// The mean time of one keystroke typing `typed` as a filter of `app`.
fn keystrokes(app: &mut App, typed: &str) -> Duration {
    update(app, Action::Key(key(KeyCode::Char('/'))));
    let start = Instant::now();
    for c in typed.chars() {
        update(app, Action::Key(key(KeyCode::Char(c))));
    }
    let each = start.elapsed() / typed.len() as u32;
    update(app, Action::Key(key(KeyCode::Esc)));
    each
}

/// The mean time of one filter keystroke and one re-sort, over `rows`.
fn filter_and_sort_times(rows: usize) -> (Duration, Duration) {
    let mut app = console(rows);
    update(&mut app, Action::Key(key(KeyCode::Char('/'))));
    let typed = "agent 04";
    let start = Instant::now();
    for c in typed.chars() {
        update(&mut app, Action::Key(key(KeyCode::Char(c))));
    }
    let keystroke = start.elapsed() / typed.len() as u32;
    update(&mut app, Action::Key(key(KeyCode::Esc)));
    update(&mut app, Action::Key(key(KeyCode::Esc)));
    let start = Instant::now();
    for _ in 0..6 {
        update(&mut app, Action::Key(key(KeyCode::Char('s'))));
    }
    (keystroke, start.elapsed() / 6)
}

/// The mean time of one keystroke typing a regex filter over `rows`: each
/// keystroke after `re:` matches the pattern so far against every cell.
fn regex_keystroke(rows: usize) -> Duration {
    let mut app = console(rows);
    update(&mut app, Action::Key(key(KeyCode::Char('/'))));
    for c in "re:".chars() {
        update(&mut app, Action::Key(key(KeyCode::Char(c))));
    }
    let typed = "^agent 0[0-4]";
    let start = Instant::now();
    for c in typed.chars() {
        update(&mut app, Action::Key(key(KeyCode::Char(c))));
    }
    start.elapsed() / typed.len() as u32
}

fn console(rows: usize) -> App {
    console_with(rows, usize::MAX)
}

/// A console of `rows` agents, agent `long` named with a megabyte.
fn console_with(rows: usize, long: usize) -> App {
    let now = OffsetDateTime::now_utc();
    let session = Session {
        profile: "sandbox · seed 42".into(),
        sandbox: None,
        operator: "bench".into(),
        read_only: false,
        files: Files::default(),
    };
    let mut app = App::new(
        session,
        Looks::defaults(Colors::On),
        Size { width: WIDTH, height: HEIGHT },
        Clock::new(Duration::ZERO, now),
    );
    let mut users: Vec<User> = (0..rows).map(|n| user(n, now)).collect();
    if let Some(user) = users.get_mut(long) {
        user.last_name.push_str(&"x".repeat(1 << 20));
    }
    users.sort_by(|a, b| a.id.cmp(&b.id));
    let table = Table { rows: users, generation: 1, as_of: None, changed: Vec::new() };
    update(&mut app, Action::Engine(Event::Snapshot(Snapshot::Agents(Arc::new(table)))));
    app
}

fn user(n: usize, now: OffsetDateTime) -> User {
    let status = AgentStatus::ALL[n % AgentStatus::ALL.len()];
    let since = Timestamp::from_datetime(now - time::Duration::seconds((n % 7200) as i64));
    let start = (now.unix_timestamp() - 3600) as f64;
    User {
        id: UserId::parse(&format!("user-{n:07}")).expect("a valid id"),
        first_name: "Agent".into(),
        last_name: format!("{n:06}"),
        user_name: format!("agent.{n}"),
        team_id: None,
        team_name: Some(TEAMS[n % TEAMS.len()].into()),
        roles: vec!["Agent".into()],
        shift: Some(Shift { start, end: start + 8.0 * 3600.0 }),
        status: UserStatus::Known(status),
        pause_reason: (status == AgentStatus::Break).then(|| "Lunch".into()),
        status_since: Some(since),
        wrap_up_until: None,
        updated_at: Some(since),
        etag: None,
    }
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}
