//! The real binary in a 120×40 pseudo-terminal, against its embedded
//! sandbox: it draws the agents, switches panes, sets an agent's state
//! through a form and its confirmation, shows the change in the audit pane,
//! copies an agent's id to the clipboard through the terminal,
//! draws its whole screen again after a suspend,
//! and on `q` gives the terminal back as it found it and exits 0; quitting
//! during a batch, Ctrl-C once the screen is gone skips what has not started,
//! and so do a hangup, an outside SIGINT and closing the terminal itself.

use base64::Engine;
use cxone_console::sandbox::tenant::PINNED_USER;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const ROWS: u16 = 40;
const COLS: u16 = 120;
/// The longest any one step may take; the whole run stays well under it.
const STEP: Duration = Duration::from_secs(15);

/// What the binary wrote, as raw bytes and as a parsed screen.
struct Terminal {
    output: mpsc::Receiver<Vec<u8>>,
    parser: vt100::Parser,
    raw: Vec<u8>,
    keys: Box<dyn Write + Send>,
    /// Cleared to close the terminal: its reader lets go after its next read.
    open: Arc<AtomicBool>,
}

impl Terminal {
    fn pump(&mut self, wait: Duration) -> bool {
        match self.output.recv_timeout(wait) {
            Ok(bytes) => {
                self.parser.process(&bytes);
                self.raw.extend_from_slice(&bytes);
                true
            }
            Err(_) => false,
        }
    }

    fn text(&self) -> String {
        self.parser.screen().contents()
    }

    /// Everything written so far, screens and plain lines alike.
    fn said(&self, what: &str) -> bool {
        String::from_utf8_lossy(&self.raw).contains(what)
    }

    /// Reads output until the screen shows what `done` wants.
    fn wait_for(&mut self, what: &str, done: impl Fn(&str) -> bool) {
        self.wait_until(what, |term| done(&term.text()));
    }

    /// Reads output until the terminal holds what `done` wants.
    fn wait_until(&mut self, what: &str, done: impl Fn(&Self) -> bool) {
        let deadline = Instant::now() + STEP;
        while !done(self) {
            assert!(Instant::now() < deadline, "waited {STEP:?} for {what}; the screen:\n{}", self.text());
            self.pump(Duration::from_millis(50));
        }
    }

    /// Sends `keys`, then waits for the screen to show what `done` wants.
    fn step(&mut self, keys: &str, what: &str, done: impl Fn(&str) -> bool) {
        self.send(keys);
        self.wait_for(what, done);
    }

    /// Closes the terminal, as shutting its window does: once the reader
    /// lets go of it, the console is sent SIGHUP and its every read and write
    /// on the terminal fails.
    fn close(self) {
        self.open.store(false, Ordering::Relaxed);
    }

    fn send(&mut self, keys: &str) {
        self.keys.write_all(keys.as_bytes()).expect("the terminal takes keys");
        self.keys.flush().expect("the terminal takes keys");
    }
}

/// The state the form's first field shows.
fn chosen_state(screen: &str) -> String {
    screen
        .lines()
        .find_map(|line| line.split("State            ◂ ").nth(1))
        .and_then(|rest| rest.split(" ▸").next())
        .unwrap_or_default()
        .to_string()
}

/// The console's process, killed if a failed test leaves it running: a
/// console whose terminal is gone may otherwise carry on unseen, and a
/// spinning one slows every test after it.
struct Running(Box<dyn portable_pty::Child + Send + Sync>);

impl std::ops::Deref for Running {
    type Target = Box<dyn portable_pty::Child + Send + Sync>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Running {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// The console in a new pseudo-terminal, its files under `home`.
fn start(home: &std::path::Path) -> (Terminal, Running) {
    let pty = native_pty_system()
        .openpty(PtySize { rows: ROWS, cols: COLS, pixel_width: 0, pixel_height: 0 })
        .expect("a pseudo-terminal");
    let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_cxone-console"));
    command.env("CXONE_CONSOLE_HOME", home);
    command.env("TERM", "xterm-256color");
    command.env_remove("NO_COLOR");
    let child = Running(pty.slave.spawn_command(command).expect("the console starts"));
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().expect("the terminal's output");
    let (sender, output) = mpsc::channel();
    let open = Arc::new(AtomicBool::new(true));
    let reading = Arc::clone(&open);
    std::thread::spawn(move || {
        let mut buffer = [0u8; 16 * 1024];
        while let Ok(n @ 1..) = reader.read(&mut buffer)
            && reading.load(Ordering::Relaxed)
        {
            if sender.send(buffer[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let keys = pty.master.take_writer().expect("the terminal's input");
    (Terminal { output, parser: vt100::Parser::new(ROWS, COLS, 0), raw: Vec::new(), keys, open }, child)
}

/// Waits for `child` to exit, reading what it writes meanwhile.
fn exit_status(term: &mut Terminal, child: &mut Running, why: &str) -> portable_pty::ExitStatus {
    let deadline = Instant::now() + STEP;
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child's state") {
            break status;
        }
        assert!(Instant::now() < deadline, "the console did not exit {why}");
        term.pump(Duration::from_millis(50));
    };
    while term.pump(Duration::from_millis(200)) {}
    status
}

#[test]
fn the_console_makes_a_change_in_a_real_terminal_and_restores_it_on_quit() {
    let home = tempfile::tempdir().expect("a temporary directory");
    let (mut term, mut child) = start(home.path());

    term.wait_for("the agents table", |s| {
        s.contains("Name▲") && s.contains("In state") && !s.contains("Waiting")
    });
    term.step("2", "the interactions pane", |s| s.contains("Channel") && s.contains("Customer"));
    term.step("1", "the agents pane again", |s| s.contains("In state"));

    // Ctrl-Z gives the terminal to the shell. Here no shell stops the
    // console (or SIGCONT resumes it at once); back on its screen, it draws
    // the whole frame again, not only what changed meanwhile.
    let entered = |t: &Terminal| String::from_utf8_lossy(&t.raw).matches("\x1b[?1049h").count();
    let before = entered(&term);
    term.send("\x1a");
    std::thread::sleep(Duration::from_millis(300));
    let pid = child.process_id().expect("the console runs").to_string();
    let _ = std::process::Command::new("kill").args(["-CONT", &pid]).status();
    term.wait_until("the console back on its screen", |t| entered(t) > before);
    let since_back = |t: &Terminal| {
        let raw = String::from_utf8_lossy(&t.raw).into_owned();
        raw.rfind("\x1b[?1049h").map(|at| raw[at..].to_string()).unwrap_or_default()
    };
    term.wait_until("the whole frame written again", |t| {
        let frame = since_back(t);
        ["Agents", "Interactions", "Campaigns", "Name", "Team", "Shift"]
            .iter()
            .all(|word| frame.contains(word))
    });
    assert!(!since_back(&term).contains("Could not suspend"), "{}", term.text());

    term.step(":agent Jordan Rivera\r", "Jordan Rivera selected", |s| s.contains("User name    jordan"));
    // y hands the agent's id to the terminal's clipboard: OSC 52, base64.
    let id = base64::engine::general_purpose::STANDARD.encode(PINNED_USER);
    term.send("y");
    term.wait_until("the id sent to the clipboard", |t| t.said(&format!("\x1b]52;c;{id}\x1b\\")));
    term.step("c", "the state form", |s| s.contains("Change state · Jordan Rivera"));
    // → cycles the state; each press waits for the screen to show the next.
    for _ in 0..5 {
        let shown = chosen_state(&term.text());
        if shown == "Break" {
            break;
        }
        term.step("\x1b[C", "the next state", |s| chosen_state(s) != shown);
    }
    term.wait_for("Break chosen", |s| s.contains("◂ Break ▸"));
    term.step("\t", "the pause reasons read", |s| s.contains("Pause reason     ◂ (none) ▸ 1/"));
    term.step("q", "Queue Full chosen", |s| s.contains("◂ Queue Full ▸"));
    term.step("\r", "the confirmation", |s| {
        s.contains("Jordan Rivera: ") && s.contains("→ Break (Queue Full)")
    });
    term.step("y", "the change in the audit pane", |s| {
        s.contains("applied  agent state") && s.contains("is now Break (Queue Full)")
    });

    term.send("q");
    let status = exit_status(&mut term, &mut child, "on q");
    assert!(status.success(), "exit status {status:?}");

    let raw = String::from_utf8_lossy(&term.raw);
    let entered = raw.rfind("\x1b[?1049h").expect("the alternate screen was entered");
    let left = raw.rfind("\x1b[?1049l").expect("the alternate screen was left");
    let shown = raw.rfind("\x1b[?25h").expect("the cursor was shown again");
    assert!(left > entered && shown > entered, "the terminal is restored after the last frame");
    let audit = std::fs::read_to_string(home.path().join("data/audit.jsonl")).expect("the audit log");
    assert!(audit.contains("\"agent_status\"") && audit.contains("\"applied\""), "{audit}");
}

/// The console, its screen on the contacts, with a batch of hundreds of
/// outcomes under way: at the campaign's 10 requests a second, it takes
/// minutes.
fn batch_under_way(home: &std::path::Path) -> (Terminal, Running) {
    let (mut term, child) = start(home);
    term.wait_for("the agents table", |s| s.contains("Name▲") && !s.contains("Waiting"));
    term.step("3", "the campaigns", |s| s.contains("Dialing mode"));
    // Every pending contact loaded, so that the marks take hundreds: a
    // table still reading its first rounds shows only some.
    term.step("l/PENDING\r", "the pending contacts", |s| {
        s.contains("/PENDING") && s.contains("PENDING   —") && shows_at_least(s, 150)
    });
    term.step("*d", "the outcome form", |s| s.contains("Outcome ·") && s.contains("(choose an outcome)"));
    term.step("\x1b[C", "an outcome chosen", |s| !s.contains("(choose an outcome)"));
    term.step("\r", "the confirmation", |s| s.contains("Set the outcome of"));
    term.step("y", "the batch under way", |s| s.contains("change in flight"));
    (term, child)
}

/// Whether a pane's corner says it shows at least `n` rows (` 212 of 2,000 `).
fn shows_at_least(screen: &str, n: u64) -> bool {
    screen
        .split(" of ")
        .filter_map(|before| before.rsplit(' ').next())
        .any(|count| count.replace(',', "").parse::<u64>().is_ok_and(|shown| shown >= n))
}

/// The batch's records: the targets not started were skipped, and every
/// write sent was settled.
fn assert_rest_skipped(home: &std::path::Path) {
    let audit = std::fs::read_to_string(home.join("data/audit.jsonl")).expect("the audit log");
    let records: Vec<serde_json::Value> = audit
        .lines()
        .map(|l| serde_json::from_str(l).expect("a record"))
        .filter(|r: &serde_json::Value| r["action"] == "contact_disposition")
        .collect();
    let count = |kind: &str, outcome: Option<&str>| {
        records.iter().filter(|r| r["kind"] == kind && outcome.is_none_or(|o| r["outcome"] == o)).count()
    };
    let skipped = count("outcome", Some("skipped"));
    let (intents, outcomes) = (count("intent", None), count("outcome", None));
    assert!(
        skipped > 100,
        "the targets not started were skipped: {skipped} of {outcomes} ({intents} intents): {records:?}"
    );
    assert_eq!(count("intent", None), count("outcome", Some("applied")), "every write sent was settled");
}

#[test]
fn ctrl_c_after_quitting_during_a_batch_skips_the_targets_not_started() {
    let home = tempfile::tempdir().expect("a temporary directory");
    let (mut term, mut child) = batch_under_way(home.path());
    term.step("q", "the question", |s| s.contains("skip the targets not started yet, then quit"));
    term.send("y");
    term.wait_until("word on leaving", |t| t.said("Ctrl-C skips the targets not started yet"));
    term.send("\x03");
    let status = exit_status(&mut term, &mut child, "after Ctrl-C");
    assert!(status.success(), "exit status {status:?}");
    assert!(term.said("Skipping the targets not started yet"));
    // The screen is gone: the targets' ends are counted on stderr, as apply
    // counts them, and how they ended is said before the prompt is back.
    assert!(term.said("finishing ["), "{}", term.text());
    assert!(
        term.said("Done: ") && term.said("skipped ") && term.said("cancelled (not written)"),
        "{}",
        term.text()
    );
    assert_rest_skipped(home.path());
}

/// A terminal closed under a batch leaves nobody to watch the rest go out:
/// the console skips the targets not started, lets those in flight finish,
/// and exits, rather than carry on unseen holding the audit log.
#[test]
fn a_hangup_during_a_batch_skips_the_targets_not_started_and_exits() {
    signalled_during_a_batch("HUP", 129);
}

/// SIGINT from outside (the screen's raw mode makes Ctrl-C a key): as
/// SIGTERM, the terminal is given back and the batch wound down, not the
/// process killed with the terminal raw and its writes unsettled.
#[test]
fn an_interrupt_during_a_batch_restores_the_terminal_and_skips_the_targets_not_started() {
    let term = signalled_during_a_batch("INT", 130);
    let raw = String::from_utf8_lossy(&term.raw);
    let entered = raw.rfind("\x1b[?1049h").expect("the alternate screen was entered");
    let left = raw.rfind("\x1b[?1049l").expect("the alternate screen was left");
    assert!(left > entered, "the terminal is restored after the last frame");
}

/// Sends `signal` to the console during a batch: it exits with `code`,
/// having skipped the targets not started and settled those in flight.
fn signalled_during_a_batch(signal: &str, code: u32) -> Terminal {
    let home = tempfile::tempdir().expect("a temporary directory");
    let (mut term, mut child) = batch_under_way(home.path());
    let pid = child.process_id().expect("the console's pid");
    let sent = std::process::Command::new("kill").args([&format!("-{signal}"), &pid.to_string()]).status();
    assert!(sent.is_ok_and(|s| s.success()), "SIG{signal} sent");
    let status = exit_status(&mut term, &mut child, &format!("after SIG{signal}"));
    assert_eq!(status.exit_code(), code, "128 + SIG{signal}");
    assert!(term.said("Skipping the targets not started yet"), "{}", String::from_utf8_lossy(&term.raw));
    assert_rest_skipped(home.path());
    term
}

/// The terminal itself closed under a batch (its window shut): the console
/// is hung up on and can no longer write to it, not even the words it says
/// on the way out, and still skips the targets not started, settles those
/// in flight and exits as after SIGHUP.
#[test]
fn closing_the_terminal_during_a_batch_skips_the_targets_not_started_and_exits() {
    let home = tempfile::tempdir().expect("a temporary directory");
    let (term, mut child) = batch_under_way(home.path());
    term.close();
    let deadline = Instant::now() + STEP;
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child's state") {
            break status;
        }
        assert!(Instant::now() < deadline, "the console did not exit once its terminal closed");
        std::thread::sleep(Duration::from_millis(50));
    };
    // 129 (128 + SIGHUP) when the hangup is heard first, 2 when a frame
    // fails to draw first; never 101, a panic.
    assert!(matches!(status.exit_code(), 129 | 2), "exit status {status:?}");
    assert_rest_skipped(home.path());
}

/// Typing that arrives faster than a key at a time (a paste the terminal
/// sends as keys, not bracketed) is read whole: the console reads what the
/// terminal holds, not 1 KB of it until the next key.
#[test]
fn a_burst_of_typing_larger_than_a_read_is_taken_whole() {
    let home = tempfile::tempdir().expect("a temporary directory");
    let (mut term, mut child) = start(home.path());
    term.wait_for("the agents table", |s| s.contains("Name▲") && !s.contains("Waiting"));
    // 4,000 bytes in one write, ending in a mark the filter's prompt shows.
    term.send(&format!("/{}ZQ", "é".repeat(2_000)));
    term.wait_for("the last characters typed", |s| s.contains("éZQ"));
    term.step("\x1b", "the filter dropped", |s| !s.contains("éZQ"));
    term.send("q");
    let status = exit_status(&mut term, &mut child, "on q");
    assert!(status.success(), "exit status {status:?}");
}
