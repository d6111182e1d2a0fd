//! `cxone-console outbox [resend]`: the webhooks waiting and those given
//! up on; sending the latter again once their receiver is mended.

use super::signal::StopSignal;
use super::start_up;
use super::webhooks;
use super::{NOT_THROUGH, OK, say};
use crate::api::text::json_safe_to_show;
use crate::config::{self, Environment};
use crate::engine::outbox::{self, Listing, MessageId, OutboxStatus, no_url};
use crate::engine::{Command, CommandId, Event, Finished, Outcome};
use crate::runtime::{Options, Runtime, RuntimeError, log_to_file};
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::collections::BTreeSet;
use std::process::ExitCode;

#[derive(Args)]
pub struct OutboxArgs {
    #[command(subcommand)]
    action: Option<OutboxAction>,
    /// List as one JSON object (`waiting`, `given_up`, `rows`) for scripts.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum OutboxAction {
    /// Put every webhook given up on back in line and deliver it now,
    /// waiting up to 30 s: exit 0 once all went out, 1 when some are still
    /// waiting or were refused again.
    Resend,
}

pub fn run(args: OutboxArgs, profile: Option<&str>) -> Result<ExitCode> {
    match args.action {
        None => list(args.json, profile),
        Some(OutboxAction::Resend) => resend(profile),
    }
}

/// Prints what waits and what was given up on; sends nothing.
fn list(json: bool, profile: Option<&str>) -> Result<ExitCode> {
    let env = Environment::process();
    let paths = super::paths(&env)?;
    if profile.is_some() {
        // A profile asked for must be there; its secrets need not be.
        config::Config::load_with_profile(&paths, &env.for_showing(), profile)?;
    }
    let path = paths.outbox_dir().join("outbox.jsonl");
    // An outbox gone while its head file is there is read as empty, so its
    // loss is said.
    // A path that cannot be looked at (it runs through a file, say) is an
    // error, not an outbox never made.
    let found = |path: &std::path::Path| {
        path.try_exists().with_context(|| format!("cannot look for {}", path.display()))
    };
    let exists = found(&path)? || found(&path.with_extension("head"))?;
    let mut listing = if exists {
        // Read without the lock, so it works while a console owns the outbox.
        let peek = outbox::peek(&path).context("reading the outbox")?;
        Listing { cut: peek.cut, lost: peek.lost, ..Listing::new(&peek.waiting, &peek.failed, usize::MAX) }
    } else {
        Listing::default()
    };
    // Read without secrets, so a look needs no credentials; a file that
    // cannot be read is left to the commands that need it to say so.
    if let Some(routed) = config::routed_targets(&paths, profile) {
        listing = listing.with_routes(|target| routed.contains(&target));
    }
    // On stderr, so the listing on stdout stays what scripts read.
    if let Some(cut) = &listing.cut {
        tell!("warning: {}: {}", path.display(), cut.pending_words());
    }
    if let Some(lost) = &listing.lost {
        tell!("warning: {}: {}", path.display(), lost.pending_words());
    }
    if json {
        say(json_safe_to_show(serde_json::to_string(&listing).context("writing the listing")?))?;
    } else if !exists {
        say(format_args!("{}: no outbox yet; no webhook was ever queued", path.display()))?;
    } else {
        print_listing(&path, &listing)?;
    }
    Ok(ExitCode::from(OK))
}

fn print_listing(path: &std::path::Path, listing: &Listing) -> Result<()> {
    say(format_args!("{}: {}", path.display(), listing.summary()))?;
    if !listing.rows.is_empty() {
        say(listing.table())?;
    }
    if listing.given_up > 0 {
        say("`cxone-console outbox resend` (or `:resend` in the console) sends them again")?;
    }
    Ok(())
}

/// Requeues what was given up on, through an engine like `apply`'s, and
/// waits for it to go out.
fn resend(profile: Option<&str>) -> Result<ExitCode> {
    let env = Environment::process();
    let config = super::load(&env, profile)?;
    let _log = log_to_file(config.paths(), &env)?;
    // What was given up on before this command's engine starts sending:
    // one it gives up on itself is not sent twice over. An outbox that
    // cannot be read now is left to the engine's opening to say so.
    let path = config.paths().outbox_dir().join("outbox.jsonl");
    let given_up = path
        .exists()
        .then(|| outbox::peek(&path).ok())
        .flatten()
        .map(|peek| peek.failed.into_iter().map(|f| f.envelope.id).collect());
    super::block_on(async {
        let mut runtime = match Runtime::start_with(&config, Options::headless()).await {
            Ok(runtime) => runtime,
            Err(RuntimeError::Engine(e)) if e.in_use() => {
                anyhow::bail!("{e}; or send them again from that console with :resend")
            }
            Err(e) => return Err(e.into()),
        };
        let mut stop = StopSignal::listen()?;
        let settled = match requeue(&mut runtime, given_up).await {
            Ok((outcome, latest)) => {
                Ok((outcome, webhooks::settle(&mut runtime, latest, Some(&mut stop)).await))
            }
            Err(e) => Err(e),
        };
        let at_the_end = runtime.shutdown().await;
        let (outcome, heard) = settled?;
        let webhooks = webhooks::told(at_the_end, heard);
        let through =
            !matches!(outcome, Outcome::Failed { .. }) && webhooks.waiting == 0 && webhooks.failed == 0;
        say(in_words(&outcome, &webhooks, through))?;
        Ok(ExitCode::from(if through { OK } else { NOT_THROUGH }))
    })
}

/// What a resend came to. Back in line is not delivered: what became of
/// them follows. What was waiting goes out too, given up on or not, so a
/// resend with nothing given up on still sends, and says so.
fn in_words(outcome: &Outcome, webhooks: &webhooks::Webhooks, through: bool) -> String {
    let webhooks::Webhooks { delivered, waiting, failed, .. } = *webhooks;
    let sent_any = delivered > 0 || waiting > 0 || failed > 0;
    let mut head = match outcome {
        Outcome::Failed { .. } => return outcome.to_string(),
        // Those waiting for a URL were not sent: the sentence that names
        // them follows.
        Outcome::Skipped { .. } if sent_any && webhooks.unrouted.is_empty() => {
            "no webhook had been given up on; those waiting were sent".to_string()
        }
        Outcome::Skipped { .. } if delivered > 0 => {
            "no webhook had been given up on; those waiting with a URL were sent".to_string()
        }
        _ => outcome.text().to_string(),
    };
    // What waits for a URL is said once: the engine's answer names the
    // targets of those it put back in line; others waiting are named here.
    for why in webhooks.unrouted.iter().map(|target| no_url(target)) {
        if !head.contains(&why) {
            head.push_str(&format!(", but {why}"));
        }
    }
    match through {
        true if delivered > 0 => format!("{head}; {delivered} delivered"),
        true => head,
        false => format!(
            "{head}; not all went through: {delivered} delivered, {waiting} still waiting, {failed} given up on"
        ),
    }
}

/// Asks the engine to requeue; its answer, and the outbox's latest status.
async fn requeue(
    runtime: &mut Runtime,
    only: Option<BTreeSet<MessageId>>,
) -> Result<(Outcome, Option<OutboxStatus>)> {
    let id = CommandId::random();
    if !runtime.engine().send(Command::ResendWebhooks { id: id.clone(), only }).await {
        anyhow::bail!("the engine stopped before it took the request");
    }
    let mut latest = None;
    loop {
        match runtime.events().recv().await {
            Some(Event::Finished { id: done, result: Finished::Single { outcome, .. } }) if done == id => {
                return Ok((outcome, latest));
            }
            Some(Event::Outbox(status)) => latest = Some(status),
            // What start-up did is said here as by `apply`: a resend
            // starts the engine too, and may be the first since a crash.
            Some(Event::Recovered(recovery)) => {
                for line in start_up::lines(&recovery, start_up::Then::Nothing) {
                    tell!("{line}");
                }
            }
            Some(_) => {}
            None => anyhow::bail!("the engine stopped before it answered"),
        }
    }
}
