//! `cxone-console` with no subcommand: the supervisor console.
//!
//! Loads the configuration, sends logs to the log file (the terminal
//! belongs to the screen), starts the tenant (the embedded sandbox unless a
//! tenant profile is active) and the engine, runs the screen until the
//! supervisor quits, then lets changes in flight finish before exiting.

use super::block_on;
use super::finishing::Finishing;
use super::signal::StopSignal;
use crate::config::{Config, Environment};
use crate::engine::{Command, CommandId, Event};
use crate::runtime::{Options, Runtime, log_to_file};
use crate::ui::{self, Exit, Files, Looks, Pace, Session, Stop, Unread};
use anyhow::{Context, Result};
use clap::Args;
use std::io::IsTerminal;
use std::process::ExitCode;

/// How the console is started.
#[derive(Args, Debug, Clone, Default)]
pub struct ConsoleArgs {
    /// Hide and refuse every change: watch only.
    #[arg(long)]
    pub read_only: bool,
}

pub fn run(args: ConsoleArgs, profile: Option<&str>) -> Result<ExitCode> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "the console needs a terminal. Without one, use `cxone-console apply --file …` for changes, \
             `cxone-console sandbox` for the simulated tenant, or `cxone-console --help`"
        );
    }
    let env = Environment::process();
    let config = super::load(&env, profile)?;
    let log = log_to_file(config.paths(), &env).context("setting up the log file")?;
    let exit = block_on(console(&config, &env, args.read_only, log.path().to_path_buf()))?;
    Ok(match exit {
        Exit::Quit => ExitCode::SUCCESS,
        // The shell's convention: 128 + the signal's number.
        Exit::Signal(Stop::Terminate) => ExitCode::from(143),
        Exit::Signal(Stop::Hangup) => ExitCode::from(129),
        Exit::Signal(Stop::Interrupt) => ExitCode::from(130),
    })
}

async fn console(
    config: &Config,
    env: &Environment,
    read_only: bool,
    log: std::path::PathBuf,
) -> Result<Exit> {
    let read_only = read_only || config.ui().read_only();
    let mut runtime = Runtime::start_with(config, Options::console().read_only(read_only))
        .await
        .context("starting the console's backend")?;
    let paths = config.paths();
    let profile = runtime.profile();
    let session = Session {
        profile: profile.header(),
        sandbox: runtime.sandbox().map(|s| s.base_url()),
        operator: config.operator().to_string(),
        read_only,
        files: Files {
            log: Some(log),
            audit: paths.audit_log(),
            keymap: paths.keymap_file(),
            theme: paths.theme_file(),
        },
    };
    let looks = Looks::load(paths, ui::theme::Colors::from_env(env));
    let pace = Pace { max_fps: config.ui().max_fps(), tick: config.ui().tick_rate() };
    let console = ui::Console {
        session,
        looks,
        pace,
        commands: runtime.engine().commands(),
        events: runtime.take_events(),
    };
    let mut ended = ui::run(console).await;
    // The screen is gone by now, so Ctrl-C is a signal again: heard from
    // here on, then say why the prompt is not back yet.
    let stop = StopSignal::listen_with_hangup()?;
    let (unfinished, batches) = ended.as_ref().map_or((0, Vec::new()), |e| (e.unfinished, e.batches.clone()));
    let unread = ended.as_mut().ok().and_then(|e| e.unread.take());
    let writing = ended.as_mut().map(|e| std::mem::take(&mut e.writing)).unwrap_or_default();
    // Stopped by a signal (the terminal closed, or the system asked), or with
    // a screen that can no longer be drawn (the terminal closed, its SIGHUP
    // not heard yet), nobody is left to watch the rest of a batch go out: it
    // is not started.
    let signalled = matches!(ended, Ok(ui::Ended { exit: Ok(Exit::Signal(_)) | Err(_), .. }));
    let skipping = signalled || ended.as_ref().is_ok_and(|e| e.cancelling);
    if unfinished > 0 {
        let what = if skipping {
            "Skipping the targets not started yet and finishing those in flight before exiting".to_string()
        } else {
            format!(
                // Left, not in flight: a batch's targets go a few at a time.
                "Finishing the {unfinished} target{} left before exiting",
                if unfinished == 1 { "" } else { "s" }
            )
        };
        let ctrl_c = if batches.is_empty() || signalled {
            "stops at once"
        } else {
            "skips the targets not started yet"
        };
        tell!(
            "{what} (Ctrl-C {ctrl_c}); every outcome goes to the audit log ({}).",
            paths.audit_log().display()
        );
    }
    let mut finishing = (unfinished > 0).then(|| Finishing::new(writing, unfinished));
    wind_down(runtime, batches, signalled, stop, unread, finishing.as_mut()).await?;
    if let Some(finishing) = finishing {
        match finishing.tally() {
            Some(tally) => tell!("Done: {tally}."),
            None => tell!("Done."),
        }
    }
    Ok(ended?.exit?)
}

/// Lets the changes in flight finish and stops the backend. The screen is
/// gone, so Ctrl-C (or SIGTERM, or SIGHUP) comes here: the first skips the
/// targets the batches have not started, a second stops at once, as a crash
/// would; the next start reconciles what was in flight from the audit log.
/// `skip_now` skips them from the start, as after a signal.
/// What the changes report as they finish goes to `finishing`.
async fn wind_down(
    runtime: Runtime,
    batches: Vec<CommandId>,
    skip_now: bool,
    mut stop: StopSignal,
    mut unread: Option<Unread>,
    mut finishing: Option<&mut Finishing>,
) -> Result<()> {
    let commands = runtime.engine().commands();
    if skip_now {
        cancel(&commands, &batches).await;
    }
    let shutdown = runtime.shutdown();
    tokio::pin!(shutdown);
    let mut skipping = skip_now || batches.is_empty();
    loop {
        tokio::select! {
            _ = &mut shutdown => {
                // The engine has stopped: what it said last is all there.
                if let (Some(unread), Some(finishing)) = (unread.as_mut(), finishing.as_deref_mut()) {
                    while let Some(event) = unread.try_recv() {
                        finishing.heard(&event);
                    }
                }
                return Ok(());
            }
            event = next(&mut unread), if unread.is_some() => match (event, finishing.as_deref_mut()) {
                (Some(event), Some(finishing)) => finishing.heard(&event),
                (Some(_), None) => {}
                (None, _) => unread = None,
            },
            signal = stop.wait() => {
                signal?;
                if let Some(finishing) = finishing.as_deref_mut() {
                    finishing.break_line();
                }
                if skipping {
                    anyhow::bail!(
                        "stopped before the changes in flight had finished; the next start reconciles them \
                         from the audit log"
                    );
                }
                skipping = true;
                cancel(&commands, &batches).await;
                tell!("Skipping the targets not started yet; Ctrl-C again stops at once.");
            }
        }
    }
}

async fn next(unread: &mut Option<Unread>) -> Option<Event> {
    match unread {
        Some(unread) => unread.recv().await,
        None => None,
    }
}

async fn cancel(commands: &tokio::sync::mpsc::Sender<Command>, batches: &[CommandId]) {
    for id in batches {
        // The engine reads cancels until its last change has finished.
        let _ = commands.send(Command::Cancel { id: id.clone() }).await;
    }
}
