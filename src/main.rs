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
    let result = match cli.command {
        Some(Command::Sandbox(args)) => cli::sandbox::run(args),
        Some(Command::Config(args)) => cli::config::run(args),
        Some(Command::Audit(args)) => cli::audit::run(args),
        Some(Command::Outbox(args)) => cli::outbox::run(args),
        Some(Command::Apply(args)) => cli::apply::run(args),
        None => cli::console::run(cli.console),
    };
    cli::exit_code(result)
}
