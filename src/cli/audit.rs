//! `cxone-console audit verify|export`.

use super::{NOT_THROUGH, REFUSED};
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
        /// Only records at or after this time (RFC 3339, e.g. 2026-11-21T00:00:00Z).
        #[arg(long, value_name = "RFC3339", value_parser = parse_since)]
        since: Option<Timestamp>,
    },
}

fn parse_format(text: &str) -> Result<ExportFormat, String> {
    text.parse().map_err(|e: crate::domain::FieldError| e.rule)
}

fn parse_since(text: &str) -> Result<Timestamp, String> {
    Timestamp::parse_as("--since", text).map_err(|e| e.rule)
}

pub fn run(args: AuditArgs) -> Result<ExitCode> {
    let path = super::paths(&Environment::process())?.audit_log();
    match args.action {
        AuditAction::Verify => match verify(&path) {
            Ok(VerifyReport::Intact { records, repairs }) => {
                let mut line = format!("OK: {records} records intact in {}", path.display());
                if !repairs.is_empty() {
                    let seqs: Vec<String> = repairs.iter().map(u64::to_string).collect();
                    line.push_str(&format!(
                        "; repair records (what opening the log fixed) at seq {}",
                        seqs.join(", ")
                    ));
                }
                println!("{line}");
                Ok(ExitCode::SUCCESS)
            }
            Ok(VerifyReport::Broken(finding)) => {
                println!("BROKEN: {} — {finding}", path.display());
                Ok(ExitCode::from(NOT_THROUGH))
            }
            Err(e @ VerifyError::Missing { .. }) => {
                eprintln!("cxone-console: {e}; nothing has been recorded with this home yet");
                Ok(ExitCode::from(REFUSED))
            }
            Err(e) => Err(e.into()),
        },
        AuditAction::Export { format, since } => {
            let mut out = BufWriter::new(std::io::stdout().lock());
            let written = export(&path, &mut out, format, since.map(|s| s.datetime()))?;
            out.flush().context("writing the export")?;
            eprintln!("exported {written} records from {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}
