//! A batch file, read whole and checked line by line before anything is
//! sent: JSON lines (one object per line) or CSV (a header row, then one
//! change per row). Blank lines and lines starting with `#` are skipped.

use super::csv_rows::csv_rows;
use super::entry::{Entry, Line};
use super::fields::Fields;
use super::line_ends::lone_carriage_returns_as_line_feeds;
pub use super::line_error::LineError;
use super::{local, parse};
use crate::domain::strict_json;
use crate::domain::{FieldError, Invalid, Problems, Timestamp};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    JsonLines,
    Csv,
}

impl Format {
    /// By extension (`.jsonl`, `.ndjson`, `.json`; `.csv`), else by the
    /// first character that is not blank or in a comment.
    fn of(path: &Path, text: &str) -> Self {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("jsonl" | "ndjson" | "json") => Self::JsonLines,
            Some("csv") => Self::Csv,
            _ => {
                let text = lone_carriage_returns_as_line_feeds(text, false);
                let first = content_lines(&text).next().map(|(_, line)| line);
                if first.is_some_and(|line| line.starts_with('{')) { Self::JsonLines } else { Self::Csv }
            }
        }
    }
}

/// A file every line of which passed every rule that needs no tenant.
#[derive(Debug, Clone)]
pub struct Batch {
    pub path: PathBuf,
    pub format: Format,
    /// SHA-256 of the file's bytes: the same file always makes the same
    /// command ids, so a re-run finds in the audit log what was done.
    pub digest: [u8; 32],
    pub lines: Vec<Line>,
}

#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("{} cannot be read: {source}", path.display())]
    Unreadable { path: PathBuf, source: std::io::Error },
    #[error("{} is not UTF-8 text: line {line} holds a byte sequence UTF-8 does not allow", path.display())]
    NotText { path: PathBuf, line: usize },
    #[error("{} holds no changes", path.display())]
    Empty { path: PathBuf },
    #[error("{} has {} invalid line(s); nothing was sent", path.display(), errors.len())]
    Invalid {
        path: PathBuf,
        /// What the file holds: its format and how many changes it lists.
        shape: Shape,
        errors: Vec<LineError>,
        /// The lines that passed, when any did: they may still break the
        /// tenant's rules, which are worth telling in the same run.
        passed: Option<Box<Batch>>,
    },
}

/// The most of a batch file read: some ten times a file of 100,000 lines.
const MOST_FILE: u64 = 256 << 20;
/// The most of a document a line names (a payload, a schema).
pub(super) const MOST_DOCUMENT: u64 = 16 << 20;

/// The file at `path`, refused once it passes `most` bytes, so a file that
/// never ends (`/dev/zero`) is an error, not a console out of memory.
pub(super) fn read_at_most(path: &Path, most: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.take(most + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > most {
        let why = format!("it is larger than {} MiB, the most read", most >> 20);
        return Err(std::io::Error::new(std::io::ErrorKind::FileTooLarge, why));
    }
    Ok(bytes)
}

/// A file's format and how many changes it lists, good lines and bad.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub format: Format,
    pub lines: usize,
}

impl Batch {
    /// The shape of a file whose every line passed.
    pub fn shape(&self) -> Shape {
        Shape { format: self.format, lines: self.lines.len() }
    }

    pub fn read(path: &Path, now: Timestamp) -> Result<Self, BatchError> {
        let bytes = read_at_most(path, MOST_FILE)
            .map_err(|source| BatchError::Unreadable { path: path.to_path_buf(), source })?;
        Self::parse(&bytes, path, now)
    }

    /// Reads `bytes` as the file at `path` (whose directory anchors the
    /// document paths lines may give). `now` fills timestamps left empty.
    pub fn parse(bytes: &[u8], path: &Path, now: Timestamp) -> Result<Self, BatchError> {
        let text = std::str::from_utf8(bytes).map_err(|e| {
            // Lines end at a lone CR too, as they are numbered below.
            let read = &bytes[..e.valid_up_to()];
            let ends = read
                .iter()
                .enumerate()
                .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && read.get(i + 1) != Some(&b'\n')));
            let line = 1 + ends.count();
            BatchError::NotText { path: path.to_path_buf(), line }
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let format = Format::of(path, text);
        let text = lone_carriage_returns_as_line_feeds(text, format == Format::Csv);
        let text = text.as_ref();
        if content_lines(text).next().is_none() {
            return Err(BatchError::Empty { path: path.to_path_buf() });
        }
        let base = path.parent().unwrap_or(Path::new("."));
        let (rows, listed_lines) = match format {
            Format::JsonLines => {
                let rows = json_rows(text);
                let listed = rows.len();
                (rows, listed)
            }
            Format::Csv => csv_rows(text),
        };
        let mut lines = Vec::new();
        let mut errors = Vec::new();
        for row in rows {
            let (number, fields) = match row {
                Ok(row) => row,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let listed = LISTS.iter().any(|list| fields.has(list));
            let checked = checked_entry(fields, base, now);
            match checked {
                Ok(entry) => lines.push(Line { number, entry }),
                Err(invalid) => errors.extend(invalid.errors().iter().map(|e| {
                    let field = if listed { e.field.clone() } else { as_written(&e.field) };
                    LineError::new(number, FieldError::new(field, e.rule.clone()))
                })),
            }
        }
        let passed = (!lines.is_empty()).then(|| Self {
            path: path.to_path_buf(),
            format,
            digest: Sha256::digest(bytes).into(),
            lines,
        });
        match passed {
            _ if !errors.is_empty() => {
                let shape = Shape { format, lines: listed_lines };
                Err(BatchError::Invalid {
                    path: path.to_path_buf(),
                    shape,
                    errors,
                    passed: passed.map(Box::new),
                })
            }
            Some(batch) => Ok(batch),
            None => Err(BatchError::Empty { path: path.to_path_buf() }),
        }
    }
}

/// A line's entry, held to every rule at once: what its fields could not be
/// read as, and the document's rules on all the rest, so that one bad field
/// does not hide another line's worth of problems.
fn checked_entry(fields: Fields, base: &Path, now: Timestamp) -> Result<Entry, Invalid> {
    let (draft, unread) = parse::read_entry(fields, base)?;
    let checked = local::check(draft, now);
    let mut problems = Problems::new();
    for e in &unread {
        problems.push(e.field.clone(), e.rule.clone());
    }
    // A field that could not be read was checked with a neutral value: its
    // own problem already stands for it.
    for e in checked.as_ref().err().into_iter().flat_map(Invalid::errors) {
        if !unread.iter().any(|u| u.field == e.field) {
            problems.push(e.field.clone(), e.rule.clone());
        }
    }
    problems.finish(|| checked.ok())
}

/// The fields a line may list several entries under; without them, the
/// line's own fields are its one entry.
const LISTS: [&str; 2] = ["dispositions", "attributes"];

/// A field of a line's one entry as the line wrote it: the rules name it
/// as the first of a list (`attributes[0].value`), the line as `value`.
fn as_written(field: &str) -> String {
    LISTS.iter().find_map(|list| field.strip_prefix(list)?.strip_prefix("[0].")).unwrap_or(field).to_string()
}

/// Lines with content, numbered from 1.
fn content_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
}

type Row = Result<(usize, Fields), LineError>;

fn json_rows(text: &str) -> Vec<Row> {
    content_lines(text)
        .map(|(number, line)| match strict_json::parse_with(line, |path| !in_a_document(path)) {
            Ok(Value::Object(object)) => Ok((number, Fields::from_json(object, ""))),
            Ok(_) => Err(LineError::new(number, FieldError::new("line", "must be a JSON object"))),
            Err(problem) => Err(LineError::new(number, problem)),
        })
        .collect()
}

/// The members of a line that hold a whole document: a number in them stays
/// a number, so the advice to quote one does not fit.
const DOCUMENTS: [&str; 3] = ["inputSchema", "outputSchema", "input"];

fn in_a_document(path: &str) -> bool {
    let member = path.split(['.', '[']).next().unwrap_or_default();
    DOCUMENTS.contains(&member)
}

#[cfg(test)]
#[path = "batch_tests.rs"]
mod tests;
