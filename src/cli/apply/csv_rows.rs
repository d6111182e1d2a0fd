//! The rows of a CSV batch file, each with the line it starts on.
//!
//! Before the CSV reader sees the text, one pass over it follows the quotes
//! as the reader will: it empties comment and blank lines outside quoted
//! cells (the reader skips a `#` only in the first column, and reads a line
//! of spaces as a row of one cell), and it finds a quoted cell left open. A
//! quote left open would otherwise swallow every later line into one cell
//! of its row, and those changes would silently never be made.

use super::batch::LineError;
use super::entry::Op;
use super::fields::{self, Fields};
use super::parse;
use crate::domain::FieldError;
use std::collections::BTreeSet;

type Row = Result<(usize, Fields), LineError>;

/// The file's rows, and how many changes it lists: every record after the
/// header, read or not (a refused header leaves them unread).
/// `text` has had its lone carriage returns made line feeds
/// ([`super::line_ends::lone_carriage_returns_as_line_feeds`]).
pub(super) fn csv_rows(text: &str) -> (Vec<Row>, usize) {
    let prepared = Prepared::of(text);
    let text = prepared.text.as_str();
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let starts: Vec<usize> =
        std::iter::once(0).chain(text.match_indices('\n').map(|(at, _)| at + 1)).collect();
    let lines: Vec<&str> = text.split('\n').collect();
    // A record's position is where the reader began looking for it, before
    // the blank lines it skipped: its line is the first after those.
    let line_at = |byte: u64| {
        // After a \r\n the reader may place the next record at the \n,
        // which still ends the line before.
        let byte = match text.as_bytes().get(byte as usize) {
            Some(b'\n') => byte + 1,
            _ => byte,
        };
        let mut line = starts.partition_point(|start| *start as u64 <= byte).max(1);
        while lines.get(line - 1).is_some_and(|l| l.trim().is_empty()) {
            line += 1;
        }
        line
    };
    let line_of = |e: &csv::Error| e.position().map_or(1, |p| line_at(p.byte()));
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(e) => {
            return (vec![Err(LineError::new(line_of(&e), FieldError::new("header", e.to_string())))], 0);
        }
    };
    // The rows before a quote left open are read as usual; it ends the rows.
    let open_quote = prepared.open_quote.map(|open| {
        let field = match open.row {
            0 => "header".to_string(),
            _ => headers.get(open.cell).filter(|c| !c.is_empty()).map_or("line".into(), str::to_string),
        };
        Err(LineError::new(open.line, FieldError::new(field, open.rule())))
    });
    let header_line = headers.position().map_or(1, |p| line_at(p.byte()));
    let refused = header_errors(&headers);
    if !refused.is_empty() || open_quote.as_ref().is_some_and(|_| headers.is_empty()) {
        let listed = reader.records().count() + usize::from(open_quote.is_some());
        let refused = refused.into_iter().map(|e| Err(LineError::new(header_line, e)));
        return (refused.chain(open_quote).collect(), listed);
    }
    let rows = reader.records().map(|record| match record {
        Ok(record) => {
            let number = record.position().map_or(header_line + 1, |p| line_at(p.byte()));
            Ok((number, Fields::from_csv(headers.iter().zip(record.iter()))))
        }
        Err(e) => Err(LineError::new(line_of(&e), FieldError::new("line", csv_rule(&e)))),
    });
    let rows: Vec<Row> = rows.chain(open_quote).collect();
    let listed = rows.len();
    (rows, listed)
}

/// What is wrong with the header row: columns without a name or twice, and
/// columns no operation reads (with the field most likely meant).
fn header_errors(headers: &csv::StringRecord) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (i, _) in headers.iter().enumerate().filter(|(_, c)| c.is_empty()) {
        let rule =
            format!("column {} has no name (a comma too many?); name it or remove it from every row", i + 1);
        errors.push(FieldError::new("header", rule));
    }
    let mut seen = BTreeSet::new();
    if let Some(twice) = headers.iter().filter(|c| !c.is_empty()).find(|column| !seen.insert(*column)) {
        errors.push(FieldError::new("header", format!("column {twice:?} appears twice")));
    }
    let known = parse::known_fields();
    for column in headers.iter().filter(|c| !c.is_empty() && !known.contains(*c)) {
        errors.push(FieldError::new(column, unknown_column(column, &known)));
    }
    // A column that reads as `op` in another case was named above already.
    if !headers.iter().any(|column| fields::loosely(column) == "op") {
        errors.push(FieldError::new("op", "the header has no op column"));
    }
    errors
}

/// Why a CSV column no operation reads is refused, with the field it most
/// likely meant: the same name in another case or with `_` or `-`.
fn unknown_column(column: &str, known: &BTreeSet<String>) -> String {
    if let Some(separator) = [';', '\t', '|'].into_iter().find(|c| column.contains(*c)) {
        return format!("is not a field of any operation: cells are separated by commas, not {separator:?}");
    }
    let wanted = fields::loosely(column);
    match known.iter().find(|field| fields::loosely(field) == wanted) {
        Some(field) => format!("is not a field of any operation: did you mean {field}?"),
        None => "is not a field of any operation; remove the column or fix its name".to_string(),
    }
}

fn csv_rule(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("has {len} cells where the header has {expected_len}")
        }
        _ => format!("cannot be read as CSV ({e})"),
    }
}

/// The text as the CSV reader should see it.
struct Prepared {
    text: String,
    open_quote: Option<OpenQuote>,
}

/// A quoted cell that runs on past where its row should end.
#[derive(Debug, PartialEq, Eq)]
struct OpenQuote {
    /// Where the quote opens.
    line: usize,
    /// The row it is in (0 for the header) and its cell in that row.
    row: usize,
    cell: usize,
    /// The first line it swallows that reads as a change of its own; `None`
    /// when it is never closed at all.
    swallows: Option<usize>,
}

impl OpenQuote {
    fn rule(&self) -> String {
        match self.swallows {
            None => "its quoted cell is never closed, so every line after it would be read into that cell; \
                     close the quote"
                .to_string(),
            Some(row) => format!(
                "its quoted cell runs on to line {row}, which reads as a change of its own; close the quote on \
                 line {}",
                self.line
            ),
        }
    }
}

impl Prepared {
    /// Follows the quotes as the `csv` crate does: a quote opens a quoted
    /// cell only as the cell's first byte, `""` inside one is a quote, and
    /// the next quote closes it.
    fn of(text: &str) -> Self {
        let mut out = String::with_capacity(text.len());
        let mut open: Option<OpenQuote> = None;
        let (mut row, mut cell) = (0, 0);
        // Where the row being read began in `out`: a quote it leaves open
        // cuts the text there.
        let mut line_start = 0;
        for (i, line) in text.split_inclusive('\n').enumerate() {
            let number = i + 1;
            let body = line.trim_end_matches(['\n', '\r']);
            match &mut open {
                None if body.trim().is_empty() || body.trim_start().starts_with('#') => {
                    out.push_str(&line[body.len()..]);
                    continue;
                }
                None => cell = 0,
                Some(quote) if reads_as_a_change(body) => {
                    // Where it closes no longer matters: the file is refused.
                    quote.swallows = Some(number);
                    break;
                }
                Some(_) => {}
            }
            if open.is_none() {
                line_start = out.len();
            }
            let mut at_cell_start = open.is_none();
            let mut bytes = body.bytes().peekable();
            while let Some(byte) = bytes.next() {
                match (byte, open.is_some()) {
                    (b'"', true) if bytes.peek() == Some(&b'"') => {
                        bytes.next();
                    }
                    (b'"', true) => open = None,
                    (b'"', false) if at_cell_start => {
                        open = Some(OpenQuote { line: number, row, cell, swallows: None });
                    }
                    (b',', false) => {
                        cell += 1;
                        at_cell_start = true;
                        continue;
                    }
                    _ => {}
                }
                at_cell_start = false;
            }
            out.push_str(line);
            if open.is_none() {
                row += 1;
            }
        }
        if open.is_some() {
            out.truncate(line_start);
        }
        Self { text: out, open_quote: open }
    }
}

/// A line that starts the way a change row does: an operation's name, then
/// the next cell.
fn reads_as_a_change(line: &str) -> bool {
    let first = line.split(',').next().unwrap_or_default().trim();
    line.contains(',') && Op::parse(first).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(text: &str) -> Option<OpenQuote> {
        Prepared::of(text).open_quote
    }

    #[test]
    fn comment_and_blank_lines_are_emptied_outside_quotes_only() {
        let text = "op,notes\n  # indented\n   \nagent_status,\"a\n# kept, inside the cell\n\"\n#x\r\n";
        let prepared = Prepared::of(text);
        assert_eq!(prepared.text, "op,notes\n\n\nagent_status,\"a\n# kept, inside the cell\n\"\n\r\n");
        assert_eq!(prepared.open_quote, None);
    }

    #[test]
    fn a_quote_never_closed_is_found_where_it_opens_and_cuts_the_text_there() {
        let text = "op,userId,notes\nagent_status,u-0,\"a\nb\"\nagent_status,u-1,\"stop\nplease\n";
        let prepared = Prepared::of(text);
        assert_eq!(prepared.open_quote, Some(OpenQuote { line: 4, row: 2, cell: 2, swallows: None }));
        assert_eq!(prepared.text, "op,userId,notes\nagent_status,u-0,\"a\nb\"\n");
    }

    #[test]
    fn a_quote_that_swallows_a_change_row_is_found_even_when_closed_later() {
        let text = "op,userId,notes\nagent_status,u-1,\"stop\nagent_status,u-2,x\nend\"\n";
        assert_eq!(open(text), Some(OpenQuote { line: 2, row: 1, cell: 2, swallows: Some(3) }));
    }

    #[test]
    fn quotes_inside_a_cell_or_doubled_do_not_open_or_close_one() {
        assert_eq!(open("op,notes\nagent_status,say \"hi\nagent_status,x\n"), None);
        assert_eq!(open("op,notes\nagent_status,\"a \"\"b\"\" c\"\nagent_status,x\n"), None);
        assert_eq!(open("op,notes\nagent_status,\"two\nlines\"\nagent_status,x\n"), None);
    }
}
