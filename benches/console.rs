//! What the running console costs a machine: the CPU it takes while idle
//! (the real binary in a pseudo-terminal, against its embedded sandbox,
//! over 30 s), its peak memory with 100,000 agents and 100,000
//! interactions loaded, and how long a paste of 100,000 characters into a
//! form field takes to show, and a keystroke after it.
//!
//! `cargo bench --bench console` prints the numbers; nothing here passes or
//! fails; `cargo bench --bench console -- paste` (or `idle`, `memory`)
//! measures one of them. Linux only: it reads `/proc/<pid>`.

// Until declared with `harness = false`, the test harness builds this file
// and nothing here is its entry point.
#![cfg_attr(test, allow(dead_code))]

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

const ROWS: u16 = 40;
const COLS: u16 = 120;
/// How long the idle console is watched.
const IDLE: Duration = Duration::from_secs(30);
/// The longest the large tenant may take to seed and load.
const LOADING: Duration = Duration::from_secs(600);
/// The characters pasted into a form field.
const PASTED: usize = 100_000;

fn main() {
    // Cargo passes `--bench`; any other word picks what is measured.
    let picked: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let runs = |name: &str| picked.is_empty() || picked.iter().any(|p| p == name);
    if runs("idle") {
        let idle = idle_cpu();
        println!(
            "idle CPU over {} s, default sandbox:     {:>6.2} % of one core (target < 1 %)",
            IDLE.as_secs(),
            idle
        );
    }
    if runs("paste") {
        let (shown, keystroke) = paste_time(PASTED);
        println!("a paste of 100,000 characters, to the screen:      {:>6.0} ms", shown.as_secs_f64() * 1e3);
        println!(
            "a keystroke in that field after it:                {:>6.0} ms",
            keystroke.as_secs_f64() * 1e3
        );
    }
    if runs("memory") {
        let (hwm, loaded) = peak_memory(100_000);
        println!("peak memory, 100,000 agents + 100,000 interactions: {:>6.0} MiB (VmHWM)", hwm);
        println!("time to load both tables:                          {:>6.1} s", loaded.as_secs_f64());
    }
}

/// A console running in a pseudo-terminal, its screen parsed.
struct Running {
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    output: mpsc::Receiver<Vec<u8>>,
    parser: vt100::Parser,
    keys: Box<dyn Write + Send>,
    _home: tempfile::TempDir,
}

impl Running {
    fn start(config: Option<&str>) -> Self {
        let home = tempfile::tempdir().expect("a temporary directory");
        if let Some(config) = config {
            std::fs::create_dir_all(home.path().join("config")).expect("a config directory");
            std::fs::write(home.path().join("config/config.toml"), config).expect("config.toml");
        }
        let pty = native_pty_system()
            .openpty(PtySize { rows: ROWS, cols: COLS, pixel_width: 0, pixel_height: 0 })
            .expect("a pseudo-terminal");
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_cxone-console"));
        command.env("CXONE_CONSOLE_HOME", home.path());
        command.env("TERM", "xterm-256color");
        let child = pty.slave.spawn_command(command).expect("the console starts");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("the terminal's output");
        let (sender, output) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 64 * 1024];
            while let Ok(n @ 1..) = reader.read(&mut buffer) {
                if sender.send(buffer[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        let keys = pty.master.take_writer().expect("the terminal's input");
        Self {
            child,
            _master: pty.master,
            output,
            parser: vt100::Parser::new(ROWS, COLS, 0),
            keys,
            _home: home,
        }
    }

    fn pid(&self) -> u32 {
        self.child.process_id().expect("the console's process id")
    }

    /// Reads the screen until `done`, for at most `patience`.
    fn wait_for(&mut self, what: &str, patience: Duration, done: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + patience;
        while !done(&self.parser.screen().contents()) {
            assert!(
                Instant::now() < deadline,
                "no {what} after {patience:?}:\n{}",
                self.parser.screen().contents()
            );
            if let Ok(bytes) = self.output.recv_timeout(Duration::from_millis(100)) {
                self.parser.process(&bytes);
            }
        }
    }

    /// Keeps reading the screen (so the console never blocks on a full
    /// terminal) for `span`.
    fn drain_for(&mut self, span: Duration) {
        let end = Instant::now() + span;
        while let Some(left) = end.checked_duration_since(Instant::now()) {
            if let Ok(bytes) = self.output.recv_timeout(left.min(Duration::from_millis(100))) {
                self.parser.process(&bytes);
            }
        }
    }

    fn send(&mut self, keys: &str) {
        self.keys.write_all(keys.as_bytes()).expect("the terminal takes keys");
        self.keys.flush().expect("the terminal takes keys");
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The share of one core the console used while nobody touched it, once
/// its tables were loaded.
fn idle_cpu() -> f64 {
    let mut console = Running::start(None);
    console.wait_for("agents table", LOADING, |s| s.contains("In state") && !s.contains("Waiting"));
    console.drain_for(Duration::from_secs(5));
    let pid = console.pid();
    let before = cpu_ticks(pid);
    let start = Instant::now();
    console.drain_for(IDLE);
    let used = cpu_ticks(pid) - before;
    used as f64 / clock_ticks_per_second() / start.elapsed().as_secs_f64() * 100.0
}

/// How long a bracketed paste of `n` characters into the deploy form's
/// Description takes to reach the screen, and then one typed character.
fn paste_time(n: usize) -> (Duration, Duration) {
    let mut console = Running::start(None);
    console.wait_for("agents table", LOADING, |s| s.contains("In state") && !s.contains("Waiting"));
    console.send("4");
    console.wait_for("data actions pane", LOADING, |s| s.contains("Runs"));
    console.send("n");
    console.wait_for("deploy form", LOADING, |s| s.contains("Deploy a data action"));
    console.send("\t\t\t\t");
    console.drain_for(Duration::from_secs(1));
    let tail = "<end of paste>";
    let text: String = "Routes VIP callers first. ".chars().cycle().take(n - tail.len()).collect();
    let start = Instant::now();
    console.send(&format!("\x1b[200~{text}{tail}\x1b[201~"));
    console.wait_for("the paste", LOADING, |s| s.contains(tail));
    let shown = start.elapsed();
    let start = Instant::now();
    console.send("!");
    console.wait_for("the keystroke", LOADING, |s| s.contains("<end of paste>!"));
    (shown, start.elapsed())
}

/// The console's peak resident memory (MiB) once a tenant of `n` agents and
/// `n` interactions is loaded, and how long loading took.
fn peak_memory(n: usize) -> (f64, Duration) {
    let config = format!(
        "profile = \"large\"\n\n[profiles.large]\nkind = \"sandbox\"\n\n[profiles.large.size]\nagents = {n}\ninteractions = {n}\n"
    );
    let start = Instant::now();
    let mut console = Running::start(Some(&config));
    console.wait_for("100,000 agents", LOADING, |s| title_count(s) >= n);
    console.send("2");
    console.wait_for("100,000 interactions", LOADING, |s| s.contains("Channel") && title_count(s) >= n);
    let loaded = start.elapsed();
    console.drain_for(Duration::from_secs(5));
    let hwm = status_kib(console.pid(), "VmHWM:") as f64 / 1024.0;
    (hwm, loaded)
}

/// The row count in the main pane's title (its top border, right end).
fn title_count(screen: &str) -> usize {
    let Some(border) = screen.lines().nth(1) else { return 0 };
    // The first box on the line is the main pane; the detail pane may follow.
    let Some((title, _)) = border.split_once('┐') else { return 0 };
    let number = title.trim_end().rsplit(' ').next().unwrap_or("");
    number.replace(',', "").parse().unwrap_or(0)
}

/// utime + stime of `pid`, in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("/proc/<pid>/stat");
    // The command name is in parentheses and may hold spaces: count from after it.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    // After the name: state is field 3 of the file, utime 14 and stime 15.
    let field = |n: usize| fields.get(n - 3).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    field(14) + field(15)
}

fn clock_ticks_per_second() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(100.0)
}

/// A `kB` line of `/proc/<pid>/status`.
fn status_kib(pid: u32, key: &str) -> u64 {
    let status =
        std::fs::read_to_string(Path::new(&format!("/proc/{pid}/status"))).expect("/proc/<pid>/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix(key))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .unwrap_or(0)
}
