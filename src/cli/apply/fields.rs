//! One line's fields, from a JSON object or a CSV row, read by name so that
//! every problem names its field. Reading goes on past a bad field, so a
//! line's problems are all told at once; a field nobody read is one of
//! them: a typo must not silently drop part of a change.

use super::batch::{MOST_DOCUMENT, read_at_most};
use crate::domain::{FieldError, numbers};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::Path;

enum Cell {
    Json(Value),
    Text(String),
}

pub(crate) struct Fields {
    cells: BTreeMap<String, Cell>,
    /// Put before every field name in errors (`dispositions[1].`).
    prefix: String,
    /// The names read so far, in order: what the line could have said.
    asked: Vec<String>,
    problems: Vec<FieldError>,
}

impl Fields {
    pub fn from_json(object: Map<String, Value>, prefix: impl Into<String>) -> Self {
        let cells = object.into_iter().map(|(k, v)| (k, Cell::Json(v))).collect();
        Self { cells, prefix: prefix.into(), asked: Vec::new(), problems: Vec::new() }
    }

    /// A CSV row by column; empty cells are absent.
    pub fn from_csv<'a>(row: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let cells = row
            .into_iter()
            .filter(|(_, text)| !text.trim().is_empty())
            .map(|(column, text)| (column.trim().to_string(), Cell::Text(cell_text(text))))
            .collect();
        Self { cells, prefix: String::new(), asked: Vec::new(), problems: Vec::new() }
    }

    /// Whether the line holds `field`, null or not; a CSV row's empty cell
    /// is absent.
    pub fn has(&self, field: &str) -> bool {
        self.cells.contains_key(field)
    }

    fn take(&mut self, field: &str) -> Option<Cell> {
        self.asked.push(field.to_string());
        self.cells.remove(field)
    }

    /// Records that `field` breaks `rule`; the caller goes on with a
    /// neutral value, which is never used once a problem is recorded.
    pub fn refuse(&mut self, field: &str, rule: impl Into<String>) {
        self.problems.push(FieldError::new(format!("{}{field}", self.prefix), rule));
    }

    /// Whether a problem is already recorded for `field`.
    pub fn refused(&self, field: &str) -> bool {
        let name = format!("{}{field}", self.prefix);
        self.problems.iter().any(|p| p.field == name)
    }

    /// Text; absent or null is empty (the rules then say whether it is required).
    pub fn text(&mut self, field: &str) -> String {
        match self.take(field) {
            None | Some(Cell::Json(Value::Null)) => String::new(),
            Some(Cell::Text(text) | Cell::Json(Value::String(text))) => text,
            Some(Cell::Json(Value::Number(n))) => n.to_string(),
            Some(Cell::Json(_)) => {
                self.refuse(field, "must be text");
                String::new()
            }
        }
    }

    /// `true` or `false` (in CSV also yes/no, 1/0); `default` when absent.
    pub fn flag(&mut self, field: &str, default: bool) -> bool {
        let text = match self.take(field) {
            None | Some(Cell::Json(Value::Null)) => return default,
            Some(Cell::Json(Value::Bool(b))) => return b,
            Some(Cell::Text(text)) => text,
            Some(Cell::Json(_)) => {
                self.refuse(field, "must be true or false");
                return default;
            }
        };
        match text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => true,
            "false" | "no" | "0" => false,
            _ => {
                self.refuse(field, format!("{text:?} must be true or false"));
                default
            }
        }
    }

    /// A whole number, when present: written as one (`800`) or as a float
    /// that is one (`1e3`), so that the field's own range names the limit.
    pub fn number(&mut self, field: &str) -> Option<u64> {
        let number = match self.take(field) {
            None | Some(Cell::Json(Value::Null)) => return None,
            Some(Cell::Json(Value::Number(n))) => whole(n.as_f64(), n.as_u64()),
            Some(Cell::Text(text)) => whole(text.parse().ok(), text.parse().ok()),
            Some(Cell::Json(_)) => Err("must be a whole number"),
        };
        number.map_err(|rule| self.refuse(field, rule)).ok()
    }

    /// Any JSON value; in CSV the cell holds its JSON text.
    pub fn json(&mut self, field: &str) -> Option<Value> {
        match self.take(field)? {
            Cell::Json(value) => Some(value),
            Cell::Text(text) => self.parsed(field, &text, "must be JSON", false),
        }
    }

    /// An attribute value: any JSON value in JSON lines, text in CSV.
    pub fn value(&mut self, field: &str) -> Value {
        match self.take(field) {
            None => Value::Null,
            Some(Cell::Json(value)) => value,
            Some(Cell::Text(text)) => Value::String(text),
        }
    }

    /// A JSON document given inline, or as the path of a file holding it,
    /// relative to `base` (the batch file's directory).
    pub fn document(&mut self, field: &str, base: &Path) -> Option<Value> {
        let path = match self.take(field)? {
            Cell::Json(Value::Null) => return None,
            // JSON written as text, in a cell or a string: no path starts so.
            Cell::Text(text) | Cell::Json(Value::String(text))
                if text.trim_start().starts_with(['{', '[']) =>
            {
                return self.parsed(field, &text, "must be JSON", true);
            }
            // Spaces alone are no path: as an empty cell, the field is missing.
            Cell::Json(Value::String(path)) | Cell::Text(path) if path.trim().is_empty() => return None,
            Cell::Json(Value::String(path)) | Cell::Text(path) => path,
            Cell::Json(document) => return Some(document),
        };
        // Trimmed as a CSV cell is: the spaces around a path are not its.
        let file = base.join(path.trim());
        let read = read_at_most(&file, MOST_DOCUMENT).and_then(|bytes| {
            String::from_utf8(bytes).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
        });
        match read {
            Ok(text) => self.parsed(field, &text, &format!("{} is not JSON", file.display()), true),
            Err(e) => {
                self.refuse(field, format!("{} cannot be read: {e}", file.display()));
                None
            }
        }
    }

    /// JSON given as text: a key named twice is refused, as on a JSON line.
    /// A `document` (a schema, a payload) is not told to quote a number.
    fn parsed(&mut self, field: &str, text: &str, rule: &str, document: bool) -> Option<Value> {
        if let Some(inexact) = numbers::first_inexact(text) {
            let what = match inexact.path.as_str() {
                "" => "the document".to_string(),
                path => format!("the number at {path}"),
            };
            let rule = if document { inexact.rule() } else { inexact.advised() };
            self.refuse(field, format!("{what} {rule}"));
            return None;
        }
        crate::domain::strict_json::parse(text)
            .map_err(|e| {
                // JSON, but a key named twice: said as the rule it breaks.
                let said = match e.rule.strip_prefix("is not JSON: ") {
                    Some(fault) => format!("{rule} ({fault})"),
                    None => {
                        format!("{}: {}", rule.strip_suffix(" is not JSON").unwrap_or("its JSON"), e.rule)
                    }
                };
                self.refuse(field, said)
            })
            .ok()
    }

    /// A list of objects, each read with its index in error names and
    /// handed back with [`Fields::adopt`]. Lists only exist in JSON lines.
    pub fn list(&mut self, field: &str) -> Option<Vec<Fields>> {
        let items = match self.take(field)? {
            Cell::Json(Value::Null) => return None,
            Cell::Json(Value::Array(items)) => items,
            Cell::Text(_) => {
                self.refuse(field, "a list needs JSON lines; in CSV, write one entry per row");
                return Some(Vec::new());
            }
            Cell::Json(_) => {
                self.refuse(field, "must be a list of objects");
                return Some(Vec::new());
            }
        };
        let mut entries = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            match item {
                Value::Object(object) => {
                    entries.push(Fields::from_json(object, format!("{}{field}[{i}].", self.prefix)));
                }
                _ => self.refuse(&format!("{field}[{i}]"), "must be an object"),
            }
        }
        Some(entries)
    }

    /// Takes in the problems of an entry of one of this line's lists, its
    /// unread fields among them.
    pub fn adopt(&mut self, entry: Fields) {
        self.problems.extend(entry.finish("this entry"));
    }

    /// Every problem met while reading, then every field left unread: it
    /// does not belong to `op`.
    /// The names read so far.
    pub fn asked(&self) -> &[String] {
        &self.asked
    }

    pub fn finish(self, op: &str) -> Vec<FieldError> {
        let mut problems = self.problems;
        for field in self.cells.keys() {
            let rule = unknown(field, op, &self.asked);
            problems.push(FieldError::new(format!("{}{field}", self.prefix), rule));
        }
        problems
    }
}

/// A field's name as a reader would take it: without case, `_` or `-`
/// (`user_id` reads as `userId`).
pub(super) fn loosely(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_lowercase()
}

/// Why `field` is refused, with the field it most likely meant: the same
/// name written in another case or with `_` or `-` (`user_id` for `userId`).
fn unknown(field: &str, op: &str, asked: &[String]) -> String {
    let wanted = loosely(field);
    let fields: Vec<&str> = asked.iter().map(String::as_str).filter(|a| *a != "op").collect();
    match fields.iter().find(|known| loosely(known) == wanted) {
        Some(known) => format!("is not a field of {op}: did you mean {known}?"),
        None => format!("is not a field of {op}, whose fields are {}", fields.join(", ")),
    }
}

/// A number read both ways, as a count: what it is, or why it is none.
fn whole(float: Option<f64>, exact: Option<u64>) -> Result<u64, &'static str> {
    match (exact, float) {
        (Some(n), _) => Ok(n),
        (None, Some(f)) if f < 0.0 => Err("must not be negative"),
        // Far past any count a field takes.
        (None, Some(f)) if f.fract() == 0.0 && f <= crate::domain::EXACT_WHOLE_UP_TO => Ok(f as u64),
        _ => Err("must be a whole number"),
    }
}

/// A CSV cell's text, trimmed. A quoted cell spanning lines of a file saved
/// with Windows line ends holds them as `\r\n`: each is the line break the
/// cell was typed with, and is kept as one (`\n`), as a JSON line's text is.
fn cell_text(text: &str) -> String {
    let text = text.trim();
    if text.contains('\r') { text.replace("\r\n", "\n") } else { text.to_string() }
}

#[cfg(test)]
#[path = "fields_tests.rs"]
mod tests;
