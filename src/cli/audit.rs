//! `cxone-console audit verify|export`.

use super::{NOT_THROUGH, OK, REFUSED, closed_by_reader};
use crate::config::Environment;
use crate::domain::Timestamp;
use crate::engine::audit::{ExportFormat, VerifyError, VerifyReport, export, verify};
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::io::{BufWriter, Write};
use std::process::ExitCode;

#[derive(Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    action: AuditAction,
    #[command(flatten)]
    _profile: super::NoProfile,
}

#[derive(Subcommand)]
enum AuditAction {
    /// Check every record against the hash chain and the head file: exit 0
    /// when intact, 1 with the first bad record, 2 when there is no log.
    Verify,
    /// Write the records to stdout.
    Export {
        /// csv (one row per record, fixed columns) or json (an array of the
        /// records exactly as logged, so each hash can still be checked).
        #[arg(long, default_value = "json", value_parser = parse_format)]
        format: ExportFormat,
        /// Only records at or after this time: RFC 3339 (2026-11-21T14:00:00Z),
        /// a date (2026-11-21, from midnight UTC), or an age before now (30s, 45m, 24h, 7d, 2w).
        // An age may be written `-5m`: it is the flag's value, not a flag.
        #[arg(long, value_name = "WHEN", value_parser = parse_since, allow_hyphen_values = true)]
        since: Option<Timestamp>,
    },
}

fn parse_format(text: &str) -> Result<ExportFormat, String> {
    text.parse().map_err(|e: crate::domain::FieldError| e.rule)
}

fn parse_since(text: &str) -> Result<Timestamp, String> {
    since(text, Timestamp::now())
}

/// When `--since` starts, read at `now`, as the domain reads a span's start.
fn since(text: &str, now: Timestamp) -> Result<Timestamp, String> {
    Timestamp::parse_moment("--since", text, now).map_err(|e| e.rule)
}

pub fn run(args: AuditArgs) -> Result<ExitCode> {
    let path = super::paths(&Environment::process())?.audit_log();
    match args.action {
        AuditAction::Verify => match verify(&path) {
            Ok(VerifyReport::Intact { records, repairs, odd_times }) => {
                let mut line = format!("OK: {records} records intact in {}", path.display());
                if !repairs.is_empty() {
                    let seqs: Vec<String> = repairs.iter().map(u64::to_string).collect();
                    line.push_str(&format!(
                        "; repair records (what opening the log fixed) at seq {}",
                        seqs.join(", ")
                    ));
                }
                super::say(line)?;
                // The chain holds, so still OK; but times that go back or
                // run ahead are worth a look (a clock set wrong, or a log
                // rewritten whole).
                for odd in &odd_times {
                    tell!("note: {odd}");
                }
                Ok(ExitCode::SUCCESS)
            }
            Ok(VerifyReport::Broken(finding)) => {
                super::say(format_args!("BROKEN: {} — {finding}", path.display()))?;
                Ok(ExitCode::from(NOT_THROUGH))
            }
            Err(e @ VerifyError::Missing { .. }) => {
                tell!("cxone-console: {e}; nothing has been recorded with this home yet");
                Ok(ExitCode::from(REFUSED))
            }
            Err(e) => Err(e.into()),
        },
        AuditAction::Export { format, since } => {
            let since = since.map(|s| s.datetime());
            // Nothing to export: said once, as verify would say it (a log
            // gone while its head remains is a finding, not an empty log).
            if std::fs::metadata(&path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
                match verify(&path) {
                    Ok(VerifyReport::Broken(finding)) => {
                        tell!("cxone-console: nothing to export: {} — {finding}", path.display());
                    }
                    _ => tell!(
                        "cxone-console: there is no audit log at {}; nothing has been recorded with this home yet",
                        path.display()
                    ),
                }
                return Ok(ExitCode::from(REFUSED));
            }
            // A log whose chain is broken is still exported, as an auditor
            // may want to see what it holds, but not without a word, and not
            // with the exit of an intact one: a script must notice. A line
            // that is not a record is left out, and named.
            let checked = verify(&path);
            let broken = matches!(checked, Ok(VerifyReport::Broken(_)));
            if let Ok(VerifyReport::Broken(finding)) = checked {
                tell!(
                    "warning: {} is not intact ({finding}); its records are exported as they are (exit 1)",
                    path.display()
                );
            }
            let mut out = BufWriter::new(std::io::stdout().lock());
            let written = export(&path, &mut out, format, since)
                .map_err(anyhow::Error::from)
                .and_then(|written| out.flush().map(|()| written).context("cannot write the export"));
            let left_out = match written {
                Ok(written) => {
                    for (line, why) in &written.left_out {
                        tell!("warning: line {line} of the audit log is not a record ({why}); left out");
                    }
                    tell!("exported {} records from {}", written.records, path.display());
                    !written.left_out.is_empty()
                }
                Err(e) if closed_by_reader(e.as_ref()) => false,
                Err(e) => return Err(e),
            };
            Ok(ExitCode::from(if broken || left_out { NOT_THROUGH } else { OK }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::since;
    use crate::domain::Timestamp;

    // The forms a moment takes are the domain's (`Timestamp::parse_moment`);
    // here, only that `--since` reads them at the time given and says its refusals.
    #[test]
    fn since_reads_a_moment_at_now_and_says_why_it_refuses_one() {
        let now = Timestamp::parse_as("t", "2026-11-22T09:30:00Z").unwrap();
        assert_eq!(since("1w", now).map(|t| t.to_string()), Ok("2026-11-15T09:30:00Z".to_owned()));
        assert_eq!(since("0m", now), Ok(now));
        for bad in ["yesterday", "-5m", "2026-11-21T14:00:00", "m"] {
            let refused = since(bad, now).unwrap_err();
            assert!(refused.ends_with("or an age (30s, 45m, 24h, 7d, 2w)"), "{bad}: {refused}");
        }
        assert_eq!(
            since("2026-11-31", now).unwrap_err(),
            "2026-11-31 is not a day of the calendar (its day is out of range); a date is YYYY-MM-DD"
        );
    }
}
