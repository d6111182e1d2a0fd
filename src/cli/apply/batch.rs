//! A batch file, read whole and checked line by line before anything is
//! sent: JSON lines (one object per line) or CSV (a header row, then one
//! change per row). Blank lines and lines starting with `#` are skipped.

use super::csv_rows::{self, csv_rows};
use super::entry::{Entry, Line};
use super::fields::Fields;
use super::{local, parse};
use crate::domain::strict_json;
use crate::domain::{FieldError, Invalid, Problems, Timestamp};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

/// One broken rule on one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineError {
    pub line: usize,
    pub field: String,
    pub rule: String,
}

impl LineError {
    /// A rule quotes what the line gave, which may be megabytes: the error
    /// keeps its start, for stderr and the report alike.
    pub(super) fn new(line: usize, error: FieldError) -> Self {
        let cut = |text: String, max: usize| match text.chars().nth(max) {
            Some(_) => crate::api::text::sanitize(&text, max),
            None => text,
        };
        Self { line, field: cut(error.field, MAX_FIELD_CHARS), rule: cut(error.rule, MAX_RULE_CHARS) }
    }
}

/// Longest field name an error keeps; a line may name any key.
const MAX_FIELD_CHARS: usize = 100;
/// Longest rule an error keeps.
const MAX_RULE_CHARS: usize = 500;

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}: {}", self.line, self.field, self.rule)
    }
}

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
                let first = content_lines(text).next().map(|(_, line)| line);
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
        let bytes = std::fs::read(path)
            .map_err(|source| BatchError::Unreadable { path: path.to_path_buf(), source })?;
        Self::parse(&bytes, path, now)
    }

    /// Reads `bytes` as the file at `path` (whose directory anchors the
    /// document paths lines may give). `now` fills timestamps left empty.
    pub fn parse(bytes: &[u8], path: &Path, now: Timestamp) -> Result<Self, BatchError> {
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let line = 1 + bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count();
            BatchError::NotText { path: path.to_path_buf(), line }
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // A line ends at a carriage return on its own too (old Mac files),
        // and every count of lines goes by line feeds: otherwise a file of
        // such lines would read as one, a comment swallowing every change.
        let plain = lone_carriage_returns_as_line_feeds(text);
        let format = Format::of(path, &plain);
        let text = match format {
            Format::JsonLines => plain,
            // A quoted cell may hold one: it stays the cell's.
            Format::Csv => csv_rows::lone_carriage_returns_as_line_feeds(text),
        };
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
    let (entry, unread) = parse::read_entry(fields, base)?;
    let broken = local::check(&entry, now).err();
    let mut problems = Problems::new();
    for e in &unread {
        problems.push(e.field.clone(), e.rule.clone());
    }
    // A field that could not be read was checked with a neutral value: its
    // own problem already stands for it.
    for e in broken.iter().flat_map(Invalid::errors) {
        if !unread.iter().any(|u| u.field == e.field) {
            problems.push(e.field.clone(), e.rule.clone());
        }
    }
    problems.finish(|| Some(entry))
}

/// The fields a line may list several entries under; without them, the
/// line's own fields are its one entry.
const LISTS: [&str; 2] = ["dispositions", "attributes"];

/// A field of a line's one entry as the line wrote it: the rules name it
/// as the first of a list (`attributes[0].value`), the line as `value`.
fn as_written(field: &str) -> String {
    LISTS.iter().find_map(|list| field.strip_prefix(list)?.strip_prefix("[0].")).unwrap_or(field).to_string()
}

/// Every carriage return not followed by a line feed made one. Outside a
/// string JSON reads one as a blank, and inside a string it must be escaped.
fn lone_carriage_returns_as_line_feeds(text: &str) -> Cow<'_, str> {
    if !text.contains('\r') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(if c == '\r' && chars.peek() != Some(&'\n') { '\n' } else { c });
    }
    Cow::Owned(out)
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
        .map(|(number, line)| match strict_json::parse(line) {
            Ok(Value::Object(object)) => Ok((number, Fields::from_json(object, ""))),
            Ok(_) => Err(LineError::new(number, FieldError::new("line", "must be a JSON object"))),
            Err(problem) => Err(LineError::new(number, problem)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(name: &str, text: &str) -> Result<Batch, BatchError> {
        Batch::parse(text.as_bytes(), Path::new(name), Timestamp::now())
    }

    fn errors(result: Result<Batch, BatchError>) -> Vec<LineError> {
        match result {
            Err(BatchError::Invalid { errors, .. }) => errors,
            other => panic!("expected invalid lines, got {other:?}"),
        }
    }

    #[test]
    fn an_error_quoting_a_huge_value_keeps_its_start() {
        let huge = "x".repeat(5_000_000);
        let text = format!("{{\"op\":\"agent_status\",\"userId\":\"u-1\",\"status\":\"{huge}\"}}\n");
        let bad = errors(parse("x.jsonl", &text));
        assert_eq!((bad.len(), bad[0].field.as_str()), (1, "status"));
        assert!(
            bad[0].rule.chars().count() <= MAX_RULE_CHARS + 1 && bad[0].rule.ends_with('…'),
            "{}",
            bad[0].rule.len()
        );
    }

    #[test]
    fn json_lines_skip_comments_and_number_lines_as_an_editor_does() {
        let text = "# agents\n\n{\"op\":\"agent_status\",\"userId\":\"u-1\",\"status\":\"Busy\"}\n";
        let batch = parse("x.jsonl", text).unwrap();
        assert_eq!((batch.format, batch.lines.len(), batch.lines[0].number), (Format::JsonLines, 1, 3));
        let bad =
            errors(parse("x.jsonl", "{\"op\":\"agent_status\",\"userId\":\"u\",\"status\":\"Nap\"}\n[1]\n{"));
        let lines: Vec<_> = bad.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(lines, [(1, "status"), (2, "line"), (3, "line")]);
    }

    #[test]
    fn csv_rows_are_numbered_by_their_line_and_checked_by_field() {
        let text =
            "op,userId,status,pauseReason\n# a comment\nagent_status,u-1,Break,\nagent_status,u-2,Busy,\n";
        let bad = errors(parse("x.csv", text));
        assert_eq!(
            bad,
            [LineError { line: 3, field: "pauseReason".into(), rule: "a Break needs a pause reason".into() }]
        );
        let text =
            "# agents on break\n\nop,userId,status\n# first\nagent_status,u-1,Busy\n\nagent_status,u-2,Nap\n";
        assert_eq!(errors(parse("x.csv", text))[0].line, 7, "comments and blank lines still count as lines");
        let bad = errors(parse("x.csv", "op,userId\nagent_status,u,extra\n"));
        assert_eq!((bad[0].line, bad[0].field.as_str()), (2, "line"));
        assert!(bad[0].rule.contains("3 cells where the header has 2"), "{}", bad[0].rule);
    }

    /// A refused file's totals count the changes it lists, not its errors.
    #[test]
    fn a_refused_file_counts_its_changes_however_many_errors_its_header_has() {
        let rows = "agent_status,u-1,Busy,,,\n".repeat(4);
        let text = format!("op,userId,status,bogus1,bogus2,bogus3\n{rows}");
        let Err(BatchError::Invalid { shape, errors, .. }) = parse("x.csv", &text) else { panic!("refused") };
        assert_eq!((shape.lines, errors.len()), (4, 3));
        let text =
            "{\"op\":\"agent_status\"}\n{\"op\":\"agent_status\",\"userId\":\"u\",\"status\":\"Busy\"}\n";
        let Err(BatchError::Invalid { shape, .. }) = parse("x.jsonl", text) else { panic!("refused") };
        assert_eq!(shape.lines, 2);
    }

    #[test]
    fn a_column_no_operation_reads_is_refused_even_when_its_cells_are_empty() {
        let text = "op,userId,status,campaignId,bogus,user_ID\nagent_status,u-1,Busy,,,\n";
        let bad = errors(parse("x.csv", text));
        let named: Vec<_> = bad.iter().map(|e| (e.line, e.field.as_str(), e.rule.as_str())).collect();
        assert_eq!(
            named,
            [
                (1, "bogus", "is not a field of any operation; remove the column or fix its name"),
                (1, "user_ID", "is not a field of any operation: did you mean userId?"),
            ],
            "campaignId belongs to another operation, so its empty cells are fine"
        );
    }

    #[test]
    fn a_bad_field_does_not_hide_the_rules_broken_by_the_others() {
        let line = r#"{"op":"data_action.deploy","name":"X","inputSchema":{"type":"object"},"outputSchema":{"type":"object"},"timeoutMs":-5,"handlerUrl":"nope"}"#;
        let bad = errors(parse("x.jsonl", line));
        let fields: Vec<&str> = bad.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["timeoutMs", "version", "handlerUrl"], "{bad:?}");
        assert_eq!(bad[0].rule, "must not be negative", "the unreadable field's own problem, once");
    }

    #[test]
    fn an_action_named_by_both_id_and_name_is_refused_once_for_it() {
        let line = r#"{"op":"data_action.new_version","id":"x","name":"VipLookup","version":"9.0.0"}"#;
        let bad = errors(parse("x.jsonl", line));
        let fields: Vec<&str> = bad.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name"], "{bad:?}");
    }

    #[test]
    fn csv_rows_keep_their_line_with_windows_line_ends() {
        let text = "op,userId,status\r\nagent_status,u-1,Busy\r\n\r\n# next\r\nagent_status,u-2,Nap\r\n";
        let batch = parse("x.csv", "op,userId,status\r\nagent_status,u-1,Busy\r\nagent_status,u-2,Away\r\n");
        let bad = errors(batch);
        assert_eq!(bad.iter().map(|e| e.line).collect::<Vec<_>>(), [3]);
        assert_eq!(errors(parse("x.csv", text))[0].line, 5);
        let good = parse("x.csv", "op,userId,status\r\nagent_status,u-1,Busy\r\n").unwrap();
        assert_eq!(good.lines[0].number, 2);
    }

    /// The CSV reader ends a row at a lone carriage return: each such row
    /// is a line of its own, or two changes would share a line and an id.
    #[test]
    fn csv_rows_ended_by_lone_carriage_returns_are_lines_of_their_own() {
        let old_mac = "op,userId,status\ragent_status,u-1,Busy\ragent_status,u-2,Training\r";
        let batch = parse("x.csv", old_mac).unwrap();
        assert_eq!(batch.lines.iter().map(|l| l.number).collect::<Vec<_>>(), [2, 3]);
        let stray = "op,userId,status\nagent_status,u-1,Busy\ragent_status,u-2,Nap\n";
        assert_eq!(errors(parse("x.csv", stray)).iter().map(|e| e.line).collect::<Vec<_>>(), [3]);
        let commented = "# agents\rop,userId,status\ragent_status,u-1,Busy\r";
        assert_eq!(parse("x.csv", commented).unwrap().lines[0].number, 3, "a comment ends at its CR");
        let quoted = "op,userId,status,wrapUpCode\nagent_status,u-1,Busy,\"a\rb\"\n";
        // Inside quotes it is the cell's, which this field refuses.
        let bad = errors(parse("x.csv", quoted));
        assert_eq!((bad.len(), bad[0].line, bad[0].field.as_str()), (1, 2, "wrapUpCode"), "{bad:?}");
    }

    /// A JSON lines file whose lines end in CR alone: read as one line, its
    /// opening comment swallowed every change and the file read as empty.
    #[test]
    fn json_lines_ended_by_lone_carriage_returns_are_lines_of_their_own() {
        let old_mac = "# agents\r{\"op\":\"agent_status\",\"userId\":\"u-1\",\"status\":\"Busy\"}\r\
                       {\"op\":\"agent_status\",\"userId\":\"u-2\",\"status\":\"Training\"}\r";
        for name in ["x.jsonl", "x.txt"] {
            let batch = parse(name, old_mac).unwrap();
            assert_eq!(batch.format, Format::JsonLines);
            assert_eq!(batch.lines.iter().map(|l| l.number).collect::<Vec<_>>(), [2, 3], "{name}");
        }
        let crlf = "{\"op\":\"agent_status\",\"userId\":\"u-1\",\"status\":\"Busy\"}\r\n";
        assert_eq!(parse("x.jsonl", crlf).unwrap().lines.len(), 1, "CRLF still ends one line");
    }

    /// An unclosed quote would read every later row into one cell: those
    /// changes would never be made, and their text would be sent as a note.
    #[test]
    fn a_quoted_cell_left_open_refuses_the_file_at_the_line_it_opens() {
        let head = "op,userId,status,pauseReason\n";
        let rows = "agent_status,u-2,Busy,\nagent_status,u-3,Busy,\n";
        let never_closed = format!("{head}agent_status,u-1,Break,\"Lunch\nthen more words\n");
        let bad = errors(parse("x.csv", &never_closed));
        assert_eq!((bad.len(), bad[0].line, bad[0].field.as_str()), (1, 2, "pauseReason"), "{bad:?}");
        assert!(bad[0].rule.contains("never closed"), "{}", bad[0].rule);
        let closed_too_late = format!("{head}agent_status,u-1,Break,\"Lunch\n{rows}\"\n");
        let bad = errors(parse("x.csv", &closed_too_late));
        assert_eq!((bad.len(), bad[0].line), (1, 2), "{bad:?}");
        assert!(bad[0].rule.contains("runs on to line 3"), "{}", bad[0].rule);
    }

    #[test]
    fn an_indented_comment_or_a_line_of_spaces_is_skipped_in_csv_as_in_json_lines() {
        let text = "op,userId,status\n  # indented comment\n   \nagent_status,u-1,Busy\n";
        let batch = parse("x.csv", text).unwrap();
        assert_eq!((batch.lines.len(), batch.lines[0].number), (1, 4));
    }

    #[test]
    fn header_mistakes_are_named_plainly() {
        let bad = errors(parse("x.csv", "op,userId,status,\nagent_status,u-1,Busy,\n"));
        let named: Vec<_> = bad.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(named, [(1, "header")]);
        assert!(bad[0].rule.starts_with("column 4 has no name"), "{}", bad[0].rule);
        let bad = errors(parse("x.csv", "Op,UserId,Status\nagent_status,u-1,Busy\n"));
        let rules: Vec<_> = bad.iter().map(|e| format!("{}: {}", e.field, e.rule)).collect();
        assert_eq!(rules.len(), 3, "{rules:?}");
        assert!(rules[0].contains("Op: is not a field of any operation: did you mean op?"), "{rules:?}");
    }

    #[test]
    fn text_that_is_not_utf8_is_refused_with_its_line() {
        let bytes = b"{\"op\":\"agent_status\"}\n{\"userId\":\"\xff\xfe\"}\n";
        match Batch::parse(bytes, Path::new("x.jsonl"), Timestamp::now()) {
            Err(e @ BatchError::NotText { line: 2, .. }) => assert!(e.to_string().contains("line 2"), "{e}"),
            other => panic!("expected line 2 to be named, got {other:?}"),
        }
    }

    #[test]
    fn the_same_bytes_make_the_same_digest_and_the_format_is_sniffed() {
        let text = "{\"op\":\"data_action.deprecate\",\"name\":\"VipLookup\"}";
        let (a, b) = (parse("changes", text).unwrap(), parse("other", text).unwrap());
        assert_eq!((a.format, a.digest), (Format::JsonLines, b.digest));
        assert!(matches!(parse("x.csv", "op\n"), Err(BatchError::Empty { .. })));
        for nothing in ["", "\n\n", "# only a comment\n"] {
            assert!(matches!(parse("x.csv", nothing), Err(BatchError::Empty { .. })), "{nothing:?}");
        }
    }
}
