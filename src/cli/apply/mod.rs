//! `cxone-console apply --file FILE [--dry-run] [--profile NAME]`.
//!
//! The whole file is read and every line checked first, against the rules
//! that need no tenant and then against the tenant's data (matrices, pause
//! reasons, outcome codes); one invalid line and nothing is sent. A line that
//! breaks a rule of the first kind does not keep the others from being held
//! to the second, so one run names every problem it can. Then each
//! line goes through the engine, exactly as a change made on screen: audit
//! intent, the write with its retry and conflict policy, outcome, webhook.
//! Progress goes to stderr, the JSON report to stdout.
//!
//! `--dry-run` reads each target instead and reports what would change,
//! before → after, without the engine: nothing is written, not even to the
//! audit log.

mod batch;
mod csv_rows;
mod drive;
mod entry;
mod fields;
mod line_ends;
mod line_error;
mod local;
mod parse;
mod plan;
mod preview;
mod progress;
mod report;
mod rules;
mod targets;

pub use crate::cli::webhooks::Webhooks;
pub use batch::{Batch, BatchError, Format, LineError, Shape};
pub use entry::{ActionRef, Entry, Line, Op};
pub use plan::{Planned, line_id, plan};
pub(crate) use progress::Progress;
pub use report::{LineReport, Report, Unchecked, Verdict};

use crate::api::Client;
use crate::config::{Config, Environment};
use crate::domain::Timestamp;
use crate::engine::audit::earlier_runs;
use crate::runtime::{Options, Runtime, Tenant, log_to_file};
use anyhow::{Context, Result};
use clap::Args;
use preview::EarlierLines;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct ApplyArgs {
    /// The changes: JSON lines (.jsonl) or CSV (.csv), one change per line.
    #[arg(long, value_name = "FILE")]
    file: PathBuf,
    /// Check every line against the tenant and report what would change;
    /// write nothing.
    #[arg(long)]
    dry_run: bool,
}

pub fn run(args: ApplyArgs, profile: Option<&str>) -> Result<ExitCode> {
    let env = Environment::process();
    let config = super::load(&env, profile)?;
    let now = Timestamp::now();
    let (batch, broken, shape) = match Batch::read(&args.file, now) {
        Ok(batch) => {
            let shape = batch.shape();
            (batch, Vec::new(), shape)
        }
        Err(BatchError::Invalid { errors, passed: Some(batch), shape, .. }) => (*batch, errors, shape),
        Err(BatchError::Invalid { errors, passed: None, shape, .. }) => {
            return refuse(&args.file, Some(shape), &config, args.dry_run, errors, None);
        }
        Err(e) => return Err(e.into()),
    };
    let _log = log_to_file(config.paths(), &env)?;
    tracing::info!(file = %args.file.display(), lines = batch.lines.len(), dry_run = args.dry_run, "apply");
    super::block_on(async {
        if !broken.is_empty() {
            refuse_with_tenant_rules(&config, batch, shape, broken, args.dry_run, now).await
        } else if args.dry_run {
            dry_run(&config, batch, now).await
        } else {
            apply(&config, batch, now).await
        }
    })
}

/// Refuses a file some lines of which broke rules that need no tenant,
/// after holding the lines that passed to the tenant's rules as well, so the
/// file does not need a second round of fixes. A tenant that cannot be
/// reached leaves those lines unchecked, and says so.
async fn refuse_with_tenant_rules(
    config: &Config,
    mut passed: Batch,
    shape: Shape,
    mut errors: Vec<LineError>,
    dry_run: bool,
    now: Timestamp,
) -> Result<ExitCode> {
    let checked = match Tenant::connect(config).await {
        Ok(tenant) => {
            let checked = rules::check(tenant.client(), &mut passed, now).await.map_err(anyhow::Error::from);
            tenant.shutdown().await;
            checked
        }
        Err(e) => Err(e.into()),
    };
    let unchecked = match checked {
        Ok(more) => {
            errors.extend(more);
            errors.sort_by_key(|e| e.line);
            None
        }
        Err(e) => Some(Unchecked {
            lines: passed.lines.iter().map(|line| line.number).collect(),
            reason: format!("{e:#}"),
        }),
    };
    refuse(&passed.path, Some(shape), config, dry_run, errors, unchecked)
}

/// Prints why the file was refused, and what was left unchecked; nothing
/// was sent.
fn refuse(
    file: &std::path::Path,
    shape: Option<Shape>,
    config: &Config,
    dry_run: bool,
    errors: Vec<LineError>,
    unchecked: Option<Unchecked>,
) -> Result<ExitCode> {
    tell!("{} was refused; nothing was sent:", file.display());
    for error in &errors {
        tell!("  {error}");
    }
    if let Some(unchecked) = &unchecked {
        tell!("  {unchecked}");
    }
    let report = Report::refused(file, shape, config.profile_name(), dry_run, errors, unchecked);
    report.print_for_reader()?;
    Ok(report.exit_code())
}

/// Holds the lines to the tenant's data; `Ok(None)` when they all pass.
async fn tenant_rules(client: &Client, batch: &mut Batch, now: Timestamp) -> Result<Option<Vec<LineError>>> {
    let errors = rules::check(client, batch, now).await.context("reading the tenant's rules")?;
    Ok((!errors.is_empty()).then_some(errors))
}

/// The tenant, with the client signed in: a tenant that refuses the client
/// stops the run before any line, whatever the file holds.
async fn signed_in(config: &Config) -> Result<Tenant> {
    let tenant = Tenant::connect(config).await?;
    // A token endpoint in passing trouble is given the tries a read gets.
    if let Err(e) = crate::engine::again(tenant.client().retry_policy(), || tenant.client().sign_in()).await {
        tenant.shutdown().await;
        return Err(anyhow::Error::new(e).context("signing in to the tenant"));
    }
    Ok(tenant)
}

async fn dry_run(config: &Config, mut batch: Batch, now: Timestamp) -> Result<ExitCode> {
    let tenant = signed_in(config).await?;
    let previewed = async {
        if let Some(errors) = tenant_rules(tenant.client(), &mut batch, now).await? {
            return Ok(Err(errors));
        }
        let earlier = earlier_lines(config, &batch, &tenant.profile().identity())?;
        let mut progress = Progress::new("checking", batch.lines.len());
        let lines = preview::preview(tenant.client(), &batch, &earlier, now, &mut progress).await;
        progress.finish();
        Ok::<_, anyhow::Error>(Ok(lines.context("reading the targets")?))
    }
    .await;
    tenant.shutdown().await;
    match previewed? {
        Err(errors) => refuse(&batch.path, Some(batch.shape()), config, true, errors, None),
        Ok(lines) => {
            for line in &lines {
                tell!("{}", describe(line));
            }
            let report = Report::of(&batch, config.profile_name(), true, lines);
            report.print_for_reader()?;
            Ok(report.exit_code())
        }
    }
}

/// What earlier runs of this file against this tenant did with its lines
/// (by index), by the audit log.
fn earlier_lines(config: &Config, batch: &Batch, tenant: &str) -> Result<EarlierLines> {
    let log = config.paths().audit_log();
    let runs = earlier_runs(&log).with_context(|| format!("reading the audit log {}", log.display()))?;
    let mut lines = EarlierLines::default();
    for (index, id) in plan(batch, tenant).into_iter().flat_map(|planned| planned.items) {
        let id = id.as_str();
        if runs.done.contains(id) {
            lines.done.insert(index);
            if !runs.already_so.contains(id) {
                lines.wrote.insert(index);
            }
        } else if runs.sent.contains_key(id) {
            lines.sent.insert(index);
        }
    }
    Ok(lines)
}

async fn apply(config: &Config, mut batch: Batch, now: Timestamp) -> Result<ExitCode> {
    let tenant = signed_in(config).await?;
    let errors = match tenant_rules(tenant.client(), &mut batch, now).await {
        Ok(errors) => errors,
        Err(e) => {
            tenant.shutdown().await;
            return Err(e);
        }
    };
    if let Some(errors) = errors {
        tenant.shutdown().await;
        return refuse(&batch.path, Some(batch.shape()), config, false, errors, None);
    }
    let mut runtime = Runtime::on(tenant, config, Options::headless()).await?;
    let plan = plan(&batch, &runtime.profile().identity());
    let mut progress = Progress::new("applying", batch.lines.len());
    let driven = drive::drive(&mut runtime, &batch, plan, &mut progress).await;
    if let Err(e) = &driven
        && let Some(halted) = e.downcast_ref::<drive::Halted>()
    {
        // Not waiting on what is in flight is the point: the runtime and
        // its tasks end with this command, as a crash would end them.
        progress.finish();
        tell!("cxone-console: {halted}");
        return Ok(ExitCode::from(super::NOT_THROUGH));
    }
    let at_the_end = runtime.shutdown().await;
    let driven = driven?;
    let mut report = Report::of(&batch, config.profile_name(), false, driven.lines);
    report.contact_batch = driven.contact_batch;
    report.webhooks = Some(crate::cli::webhooks::told(at_the_end, driven.outbox));
    // The changes are made and each outcome is in the audit log: a report
    // that cannot be printed is not a reason to say the run never happened.
    if let Err(e) = report.print() {
        tell!(
            "cxone-console: the report could not be written to stdout ({e}); every outcome is in the audit \
             log (`cxone-console audit export`)"
        );
        return Ok(ExitCode::from(super::NOT_THROUGH));
    }
    Ok(report.exit_code())
}

/// One line of a dry run, for a person: `line 3 agent_status user 1: would_apply {…} → {…}`.
fn describe(line: &LineReport) -> String {
    let mut text =
        format!("line {} {} {}: {} — {}", line.line, line.op, line.target, line.outcome.name(), line.reason);
    if let (Some(before), Some(after)) = (&line.before, &line.after) {
        text.push_str(&format!("\n    {before} → {after}"));
    } else if let Some(after) = &line.after {
        text.push_str(&format!("\n    → {after}"));
    }
    text
}
