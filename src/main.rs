//! `cxone-console`: the supervisor console, and its commands (see [`cli`]).

use clap::Parser;
use cxone_console::cli::{self, Cli, Command};
use std::process::ExitCode;

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Some(Command::Sandbox(args)) => cli::sandbox::run(args),
        Some(Command::Config(args)) => cli::config::run(args),
        Some(Command::Audit(args)) => cli::audit::run(args),
        Some(Command::Apply(args)) => cli::apply::run(args),
        None => cli::bare::run(),
    };
    cli::exit_code(result)
}
