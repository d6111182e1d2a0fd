//! The JSON report `apply` prints on stdout: one entry per line, totals,
//! the contact batch's report, and what became of the webhooks.

use super::batch::{Batch, Format, LineError, Shape};
use super::entry::Line;
use crate::api::text::json_safe_to_show;
use crate::cli::webhooks::Webhooks;
use crate::cli::{NOT_THROUGH, REFUSED};
use crate::engine::{BatchReport, Outcome, SkipKey};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// How a line ended, or would end in a dry run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Applied,
    Skipped,
    Rejected,
    Conflict,
    Failed,
    /// Never sent: the run was stopped first.
    NotSent,
    WouldApply,
    WouldSkip,
    WouldReject,
    WouldConflict,
}

impl Verdict {
    pub const APPLIED: [Self; 6] =
        [Self::Applied, Self::Skipped, Self::Rejected, Self::Conflict, Self::Failed, Self::NotSent];
    pub const DRY: [Self; 4] = [Self::WouldApply, Self::WouldSkip, Self::WouldReject, Self::WouldConflict];

    pub fn of(outcome: &Outcome) -> Self {
        match outcome {
            // The engine skips what a cancelled batch never started; for the
            // run's report it is a line that was not sent, and so trouble.
            _ if outcome.is_unstarted() => Self::NotSent,
            Outcome::Applied { .. } => Self::Applied,
            Outcome::Skipped { .. } => Self::Skipped,
            Outcome::Rejected { .. } => Self::Rejected,
            Outcome::Conflict { .. } => Self::Conflict,
            Outcome::Failed { .. } => Self::Failed,
        }
    }

    /// Whether the line did not (or would not) go through.
    pub fn is_trouble(self) -> bool {
        !matches!(self, Self::Applied | Self::Skipped | Self::WouldApply | Self::WouldSkip)
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Applied => "applied",
            Self::Skipped => "skipped",
            Self::Rejected => "rejected",
            Self::Conflict => "conflict",
            Self::Failed => "failed",
            Self::NotSent => "not_sent",
            Self::WouldApply => "would_apply",
            Self::WouldSkip => "would_skip",
            Self::WouldReject => "would_reject",
            Self::WouldConflict => "would_conflict",
        }
    }
}

/// One line's end.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LineReport {
    pub line: usize,
    pub op: &'static str,
    pub target: String,
    pub outcome: Verdict,
    /// Why a line was skipped, as a stable key (`duplicate`, `dialer_state`…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<SkipKey>,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
    /// What a read-style line returned (a simulation, metrics).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
}

impl LineReport {
    pub fn new(line: &Line, outcome: Verdict, reason: impl Into<String>) -> Self {
        Self {
            line: line.number,
            op: line.entry.op().name(),
            target: line.entry.target(),
            outcome,
            // Every line a stop kept from being sent carries one key, as the
            // contact batch's report counts it (`skipped.cancelled`).
            key: (outcome == Verdict::NotSent).then_some(SkipKey::Unstarted),
            reason: reason.into(),
            before: None,
            after: None,
            data: None,
        }
    }

    /// The report of a line the engine settled.
    pub fn settled(line: &Line, outcome: &Outcome) -> Self {
        let mut report = Self::new(line, Verdict::of(outcome), outcome.text());
        match outcome {
            Outcome::Skipped { key, .. } => report.key = Some(*key),
            Outcome::Applied { data, .. } => report.data.clone_from(data),
            _ => {}
        }
        report
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    pub profile: String,
    pub dry_run: bool,
    /// Whether anything was sent to the tenant.
    pub sent: bool,
    pub lines: Vec<LineReport>,
    pub totals: BTreeMap<&'static str, usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_batch: Option<BatchReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhooks: Option<Webhooks>,
    /// The broken rules that stopped the file from being sent.
    pub errors: Vec<LineError>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unchecked: Option<Unchecked>,
}

/// Lines of a refused file that passed the rules needing no tenant but
/// could not be held to the tenant's, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Unchecked {
    pub lines: Vec<usize>,
    pub reason: String,
}

impl std::fmt::Display for Unchecked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let lines: Vec<String> = self.lines.iter().map(ToString::to_string).collect();
        let noun = if self.lines.len() == 1 { "line" } else { "lines" };
        write!(f, "{noun} {} not checked against the tenant's rules: {}", lines.join(", "), self.reason)
    }
}

impl Report {
    /// A file refused before anything was sent: its totals count the lines
    /// it lists and those refused.
    pub fn refused(
        file: &Path,
        shape: Option<Shape>,
        profile: &str,
        dry_run: bool,
        errors: Vec<LineError>,
        unchecked: Option<Unchecked>,
    ) -> Self {
        let refused: BTreeSet<usize> = errors.iter().map(|e| e.line).collect();
        let listed = shape.map_or(0, |s| s.lines);
        Self {
            file: file.display().to_string(),
            format: shape.map(|s| s.format),
            profile: profile.to_string(),
            dry_run,
            sent: false,
            lines: Vec::new(),
            totals: BTreeMap::from([("lines", listed), ("refused", refused.len())]),
            contact_batch: None,
            webhooks: None,
            errors,
            unchecked,
        }
    }

    /// The lines' ends, in file order.
    pub fn of(batch: &Batch, profile: &str, dry_run: bool, mut lines: Vec<LineReport>) -> Self {
        lines.sort_by_key(|l| l.line);
        let mut totals = BTreeMap::from([("lines", lines.len())]);
        let verdicts: &[Verdict] = if dry_run { &Verdict::DRY } else { &Verdict::APPLIED };
        for verdict in verdicts {
            totals.insert(verdict.name(), lines.iter().filter(|l| l.outcome == *verdict).count());
        }
        Self {
            file: batch.path.display().to_string(),
            format: Some(batch.format),
            profile: profile.to_string(),
            dry_run,
            sent: !dry_run,
            lines,
            totals,
            contact_batch: None,
            webhooks: None,
            errors: Vec::new(),
            unchecked: None,
        }
    }

    /// 0 when everything went through (or would), 1 when a line did not,
    /// 2 when the file was refused.
    pub fn exit_code(&self) -> ExitCode {
        if !self.errors.is_empty() {
            ExitCode::from(REFUSED)
        } else if self.lines.iter().any(|l| l.outcome.is_trouble()) {
            ExitCode::from(NOT_THROUGH)
        } else {
            ExitCode::SUCCESS
        }
    }

    /// Prints the report on stdout.
    pub fn print(&self) -> anyhow::Result<()> {
        let mut out = std::io::stdout().lock();
        // The tenant's names and words are in it, and stdout may be a terminal.
        writeln!(out, "{}", json_safe_to_show(serde_json::to_string_pretty(self)?))?;
        out.flush()?;
        Ok(())
    }

    /// Prints a report that is all a command produced (nothing was sent):
    /// a reader that stopped reading early (`| head`) had what it wanted.
    pub fn print_for_reader(&self) -> anyhow::Result<()> {
        match self.print() {
            Err(e) if crate::cli::closed_by_reader(e.as_ref()) => Ok(()),
            done => done,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Timestamp;

    /// A stop keeps lines of every kind from going: each says so with the
    /// key the contact batch's report counts them under.
    #[test]
    fn every_line_a_stop_kept_back_carries_the_cancelled_key() {
        let text = "{\"op\":\"agent_status\",\"userId\":\"u-1\",\"status\":\"Busy\"}\n";
        let batch =
            Batch::parse(text.as_bytes(), Path::new("x.jsonl"), Timestamp::now()).expect("a valid file");
        let stopped = LineReport::new(&batch.lines[0], Verdict::NotSent, "not sent: the run was stopped");
        assert_eq!(stopped.key, Some(SkipKey::Unstarted));
        let settled = LineReport::settled(&batch.lines[0], &Outcome::unstarted("agent"));
        assert_eq!((settled.outcome, settled.key), (Verdict::NotSent, Some(SkipKey::Unstarted)));
        let failed = LineReport::new(&batch.lines[0], Verdict::Failed, "no outcome");
        assert_eq!(failed.key, None);
    }
}
