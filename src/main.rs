//! `cxone-console`: the supervisor console, and its commands (see [`cli`]).

use clap::Parser;
use cxone_console::cli::{self, Cli, Command};
use std::process::ExitCode;

/// mimalloc rather than the system's: the engine, the API client and the
/// embedded sandbox make many small short-lived allocations, and with it a
/// batch of contact dispositions runs about 1.35 times as fast (see the
/// README's performance section).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Before the command and after it are one setting: clap keeps the last
    // silently, so two are refused rather than one chosen.
    if let Some(twice) = cli::profile_given_twice(std::env::args()) {
        return cli::exit_code(Err(anyhow::anyhow!(twice)));
    }
    let profile = cli.profile.as_deref();
    let result = match cli.command {
        // The tenant it serves is its own, and the audit log is the data
        // directory's whatever the profile: a profile named there is a mistake.
        Some(Command::Sandbox(_) | Command::Audit(_)) if profile.is_some() => {
            Err(anyhow::anyhow!("--profile: applies to the console, apply, outbox and config show, not here"))
        }
        Some(Command::Apply(_)) if cli.console.read_only => Err(anyhow::anyhow!(
            "--read-only: applies only to the console (no command); apply --dry-run previews a file and changes nothing"
        )),
        Some(_) if cli.console.read_only => {
            Err(anyhow::anyhow!("--read-only: applies only to the console (no command), not here"))
        }
        Some(Command::Sandbox(args)) => cli::sandbox::run(args),
        Some(Command::Config(args)) => cli::config::run(args, profile),
        Some(Command::Audit(args)) => cli::audit::run(args),
        Some(Command::Outbox(args)) => cli::outbox::run(args, profile),
        Some(Command::Apply(args)) => cli::apply::run(args, profile),
        None => cli::console::run(cli.console, profile),
    };
    cli::exit_code(result)
}
