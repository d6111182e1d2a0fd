//! The command line. With no subcommand, the console; `sandbox` runs the
//! simulated tenant on its own; `config`, `audit`, `apply` and `outbox`
//! work without a screen, for people and for scripts.
//!
//! Exit codes: [`OK`]; [`NOT_THROUGH`] when the command ran but something
//! did not go through (a change failed, was rejected or conflicted; the
//! audit log is broken); [`REFUSED`] when it could not run as asked (bad
//! settings, a batch file with an invalid line, a log that cannot be read).

/// Writes a line to stderr as `eprintln!` does, but never panics: stderr
/// may be a terminal that has closed (the console's window shut under it)
/// or a pipe nobody reads any more, and a word about stopping must not
/// stop the stop halfway.
macro_rules! tell {
    () => {
        $crate::cli::tell_line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::cli::tell_line(format_args!($($arg)*))
    };
}

pub mod apply;
pub mod audit;
pub mod config;
pub mod console;
mod finishing;
pub mod outbox;
pub mod sandbox;
mod signal;
mod start_up;
mod webhooks;

use crate::config::{Config, Environment, Loaded, Paths};
use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use std::future::Future;
use std::process::ExitCode;

pub const OK: u8 = 0;
pub const NOT_THROUGH: u8 = 1;
pub const REFUSED: u8 = 2;

#[derive(Parser)]
#[command(
    name = "cxone-console",
    version,
    about = "A terminal console for NICE CXone supervisors",
    long_about = "A terminal console for NICE CXone supervisors. With no command it opens the console \
                  (against the embedded sandbox tenant unless a tenant profile is configured)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub console: console::ConsoleArgs,
    /// The profile to use instead of the one config.toml names (before or
    /// after a command: `--profile prod apply …` or `apply --profile prod …`).
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
}

/// `--profile` where no profile applies (the sandbox, the audit log): taken
/// here only so that the command's help does not offer it; `main` refuses
/// it, in either place, in words of its own.
#[derive(Args)]
pub struct NoProfile {
    #[arg(long = "profile", id = "profile", global = true, hide = true, value_name = "NAME")]
    named: Option<String>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the simulated tenant on its own and print how to reach it.
    Sandbox(sandbox::SandboxArgs),
    /// Show the effective settings, or write a template to start from.
    Config(config::ConfigArgs),
    /// Check the audit log's chain, or export it.
    Audit(audit::AuditArgs),
    /// Apply a file of changes (JSON lines or CSV), or preview it with --dry-run.
    Apply(apply::ApplyArgs),
    /// List the webhooks waiting and those given up on, or send the latter again.
    Outbox(outbox::OutboxArgs),
}

/// Why `args` name a profile more than once, when they do.
pub fn profile_given_twice(args: impl IntoIterator<Item = String>) -> Option<String> {
    let mut named = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--" {
            break;
        }
        if arg == "--profile" {
            named.push(args.next().unwrap_or_default());
        } else if let Some(name) = arg.strip_prefix("--profile=") {
            named.push(name.to_string());
        }
    }
    (named.len() > 1)
        .then(|| format!("--profile: given {} times ({}); give it once", named.len(), named.join(", ")))
}

/// The process's exit code for a command's result; an error is printed.
pub fn exit_code(result: Result<ExitCode>) -> ExitCode {
    result.unwrap_or_else(|e| {
        tell!("cxone-console: {}", in_words(&e));
        ExitCode::from(REFUSED)
    })
}

/// An error and its causes, each said once: many errors quote their cause
/// in their own words already ("cannot write the export: Broken pipe").
fn in_words(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let part = cause.to_string();
        if text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}

/// Whether `error` comes of a reader that closed stdout before the end
/// (`| head`): it has what it wanted, so the command ends quietly, as
/// `cat` would. Only for errors of writing to stdout: a broken pipe
/// elsewhere (the tenant's connection) is a failure like any other.
pub(crate) fn closed_by_reader(error: &(dyn std::error::Error + 'static)) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    let mut next = Some(error);
    while let Some(e) = next {
        // A JSON writer's error holds the I/O error without giving it as its source.
        let kind = match e.downcast_ref::<serde_json::Error>() {
            Some(json) => json.io_error_kind(),
            None => e.downcast_ref::<std::io::Error>().map(std::io::Error::kind),
        };
        if kind == Some(BrokenPipe) {
            return true;
        }
        next = e.source();
    }
    false
}

/// Writes `text` and a line break to stdout, as [`put`] does.
pub(crate) fn say(text: impl std::fmt::Display) -> Result<()> {
    put(format!("{text}\n").as_bytes())
}

/// Writes `bytes` to stdout. A reader that closed its end early (`| head`,
/// `| true`) is not an error: see [`closed_by_reader`].
pub(crate) fn put(bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if !closed_by_reader(&e) => Err(anyhow::Error::from(e).context("cannot write to stdout")),
        _ => Ok(()),
    }
}

/// [`tell!`]'s line; a failed write is dropped, there being nowhere left to
/// say it.
pub(crate) fn tell_line(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// How long the runtime's tasks still running once `work` is done get to
/// finish before the process leaves them.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

/// Runs `work` on a multi-threaded runtime.
///
/// Everything a command must finish (the engine's shutdown, the logs'
/// last syncs) is awaited inside `work`. What is left is bounded rather
/// than waited for: a task held in a blocking call would otherwise hold
/// the exit for ever (crossterm's terminal reader did, on a terminal that
/// hung up, before it moved to a thread of its own; see `ui::run`).
pub(crate) fn block_on<T>(work: impl Future<Output = Result<T>>) -> Result<T> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let done = runtime.block_on(work);
    runtime.shutdown_timeout(SHUTDOWN_GRACE);
    done
}

/// Logs to stderr, for commands whose stdout carries machine-readable lines:
/// at `warn` unless `RUST_LOG` says otherwise.
pub(crate) fn log_to_stderr() {
    let rust_log = std::env::var("RUST_LOG").ok();
    let (filter, refused) = crate::runtime::filter_from(rust_log.as_deref(), "warn");
    // Only fails when a logger is already set, which then keeps logging.
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
    if let Some(refused) = refused {
        tracing::warn!("{refused}");
    }
}

/// The process's directories, honouring `CXONE_CONSOLE_HOME`.
pub(crate) fn paths(env: &Environment) -> Result<Paths> {
    Ok(Paths::resolve(env)?)
}

/// The configuration with `profile` active (or the file's choice), its
/// warnings printed on stderr.
pub(crate) fn load(env: &Environment, profile: Option<&str>) -> Result<Config> {
    let Loaded { config, warnings } = Config::load_with_profile(&paths(env)?, env, profile)?;
    for warning in warnings {
        tell!("warning: {warning}");
    }
    Ok(config)
}
