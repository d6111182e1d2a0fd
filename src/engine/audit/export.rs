//! Export of the log as CSV or JSON, for people and tools outside the console.
//!
//! * **JSON** is one array, one record per line inside it, each record exactly
//!   its line in the log, so an exported record's hash can still be checked.
//! * **CSV** has a header and the fixed columns of [`CSV_COLUMNS`]; `target`
//!   and `request` are flattened into their own columns, `before` and `after`
//!   are their canonical JSON text, absent fields are empty cells. It is for
//!   people and spreadsheets, so no cell carries what would drive a terminal
//!   or run as a formula (see [`for_people`]).
//!
//! `since` keeps the records whose time is at or after it. An unfinished last
//! line (a log being written, or a torn write not yet repaired) is not a
//! record and is left out.

use super::canonical;
use super::record::AuditRecord;
use crate::api::text::unsafe_to_show;
use serde::Serialize;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use time::OffsetDateTime;

pub const CSV_COLUMNS: [&str; 27] = [
    "seq",
    "time",
    "kind",
    "commandId",
    "correlationId",
    "operator",
    "clientId",
    "action",
    "targetType",
    "targetId",
    "targetCampaign",
    "targetName",
    "method",
    "path",
    "etag",
    "idempotencyKey",
    "outcome",
    "reason",
    "httpStatus",
    "attempts",
    "latencyMs",
    "payloadHash",
    "before",
    "after",
    "prevHash",
    "hash",
    // Added after the others, so a reader of the columns by place keeps them.
    "skip",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Json,
}

impl FromStr for ExportFormat {
    type Err = crate::domain::FieldError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Ok(Self::Csv),
            "json" => Ok(Self::Json),
            _ => Err(crate::domain::FieldError::new("format", format!("must be csv or json, not {s:?}"))),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot read the audit log {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot write the export: {0}")]
    Write(#[from] io::Error),
    #[error("cannot write the export: {0}")]
    Csv(String),
}

impl From<csv::Error> for ExportError {
    /// A failed write stays an I/O error: `csv::Error` hides its cause, and
    /// the caller tells a reader that went away (`| head`) by it.
    fn from(e: csv::Error) -> Self {
        let text = e.to_string();
        match e.into_kind() {
            csv::ErrorKind::Io(io) => Self::Write(io),
            _ => Self::Csv(text),
        }
    }
}

/// What an export wrote, and the lines it left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exported {
    pub records: u64,
    /// Whole lines that are not records (1-based, with why): no record form
    /// holds them, so they are left out and named rather than refuse the
    /// records around them.
    pub left_out: Vec<(u64, String)>,
}

/// Writes the records of the log at `path` to `out`.
pub fn export(
    path: &Path,
    out: &mut impl Write,
    format: ExportFormat,
    since: Option<OffsetDateTime>,
) -> Result<Exported, ExportError> {
    let read_error = |source| ExportError::Read { path: path.to_path_buf(), source };
    let mut reader = BufReader::new(File::open(path).map_err(read_error)?);
    // A log that cannot be read (a directory opens, but does not read) says
    // so before the CSV header is written, not after.
    reader.fill_buf().map_err(read_error)?;
    let mut sink = match format {
        ExportFormat::Json => Sink::Json { out, first: true },
        ExportFormat::Csv => {
            let mut csv = csv::Writer::from_writer(out);
            csv.write_record(CSV_COLUMNS)?;
            Sink::Csv(Box::new(csv))
        }
    };
    let (mut number, mut exported) = (0, Exported::default());
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).map_err(read_error)? == 0 || line.pop() != Some(b'\n') {
            break;
        }
        number += 1;
        let record: AuditRecord = match serde_json::from_slice(&line) {
            Ok(record) => record,
            Err(e) => {
                exported.left_out.push((number, e.to_string()));
                continue;
            }
        };
        if since.is_some_and(|since| record.time < since) {
            continue;
        }
        sink.write(&record, &line)?;
        exported.records += 1;
    }
    sink.finish()?;
    Ok(exported)
}

enum Sink<'a, W: Write> {
    Json { out: &'a mut W, first: bool },
    Csv(Box<csv::Writer<&'a mut W>>),
}

impl<W: Write> Sink<'_, W> {
    fn write(&mut self, record: &AuditRecord, line: &[u8]) -> Result<(), ExportError> {
        match self {
            Self::Json { out, first } => {
                out.write_all(if *first { b"[\n" } else { b",\n" })?;
                out.write_all(line)?;
                *first = false;
            }
            Self::Csv(csv) => csv.write_record(csv_row(record).map(for_people))?,
        }
        Ok(())
    }

    fn finish(self) -> Result<(), ExportError> {
        match self {
            Self::Json { out, first } => out.write_all(if first { b"[]\n" } else { b"\n]\n" })?,
            Self::Csv(mut csv) => csv.flush()?,
        }
        Ok(())
    }
}

fn csv_row(r: &AuditRecord) -> [String; CSV_COLUMNS.len()] {
    let e = &r.entry;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let number = |v: Option<String>| v.unwrap_or_default();
    let json = |v: &Option<serde_json::Value>| {
        v.as_ref().map(|v| String::from_utf8_lossy(&canonical::to_vec(v)).into_owned()).unwrap_or_default()
    };
    let target = e.target.as_ref();
    let request = e.request.as_ref();
    [
        r.seq.to_string(),
        super::record::utc_micros::format(r.time),
        e.kind.name().to_owned(),
        text(&e.command_id),
        text(&e.correlation_id),
        text(&e.operator),
        text(&e.client_id),
        text(&e.action),
        target.map(|t| wire_name(&t.kind)).unwrap_or_default(),
        target.map(|t| t.id.clone()).unwrap_or_default(),
        target.and_then(|t| t.campaign.clone()).unwrap_or_default(),
        target.and_then(|t| t.name.clone()).unwrap_or_default(),
        request.map(|q| q.method.as_str().to_string()).unwrap_or_default(),
        request.map(|q| q.path.clone()).unwrap_or_default(),
        request.and_then(|q| q.etag.clone()).unwrap_or_default(),
        request.and_then(|q| q.idempotency_key.clone()).unwrap_or_default(),
        e.outcome.as_ref().map(wire_name).unwrap_or_default(),
        text(&e.reason),
        number(e.http_status.map(|s| s.to_string())),
        number(e.attempts.map(|a| a.to_string())),
        number(e.latency_ms.map(|l| l.millis().to_string())),
        number(e.payload_hash.map(|h| h.to_hex())),
        json(&e.before),
        json(&e.after),
        r.prev_hash.to_hex(),
        r.hash.to_hex(),
        text(&e.skip),
    ]
}

/// A cell as a terminal and a spreadsheet can take it. The tenant names
/// agents, contacts and data actions as it likes: a character that would
/// drive the terminal printing the file or reorder its line (ESC, a carriage
/// return, a bidirectional override) is written as its escape, `\u{1b}`
/// (line feeds and tabs stay); and a cell a spreadsheet would read as a
/// formula (one opening with `=`, `+`, `-`, `@`, a tab or a carriage
/// return) is opened with `'`, which spreadsheets show as text.
fn for_people(cell: String) -> String {
    let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let drives = |c: char| unsafe_to_show(c) && !matches!(c, '\n' | '\t');
    if !formula && !cell.chars().any(drives) {
        return cell;
    }
    let mut safe = String::with_capacity(cell.len() + 8);
    if formula {
        safe.push('\'');
    }
    for c in cell.chars() {
        if drives(c) {
            safe.extend(c.escape_unicode());
        } else {
            safe.push(c);
        }
    }
    safe
}

/// A unit enum's name as the log writes it.
fn wire_name(value: &impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}
