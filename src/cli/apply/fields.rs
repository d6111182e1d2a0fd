//! One line's fields, from a JSON object or a CSV row, read by name so that
//! every problem names its field. A field nobody read is an error: a typo
//! must not silently drop part of a change.

use crate::domain::FieldError;
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
}

impl Fields {
    pub fn from_json(object: Map<String, Value>, prefix: impl Into<String>) -> Self {
        Self { cells: object.into_iter().map(|(k, v)| (k, Cell::Json(v))).collect(), prefix: prefix.into() }
    }

    /// A CSV row by column; empty cells are absent.
    pub fn from_csv<'a>(row: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let cells = row
            .into_iter()
            .filter(|(_, text)| !text.trim().is_empty())
            .map(|(column, text)| (column.trim().to_string(), Cell::Text(text.trim().to_string())))
            .collect();
        Self { cells, prefix: String::new() }
    }

    fn error(&self, field: &str, rule: impl Into<String>) -> FieldError {
        FieldError::new(format!("{}{field}", self.prefix), rule)
    }

    /// Text; absent or null is empty (the rules then say whether it is required).
    pub fn text(&mut self, field: &str) -> Result<String, FieldError> {
        match self.cells.remove(field) {
            None | Some(Cell::Json(Value::Null)) => Ok(String::new()),
            Some(Cell::Text(text) | Cell::Json(Value::String(text))) => Ok(text),
            Some(Cell::Json(Value::Number(n))) => Ok(n.to_string()),
            Some(Cell::Json(_)) => Err(self.error(field, "must be text")),
        }
    }

    /// `true` or `false` (in CSV also yes/no, 1/0); `default` when absent.
    pub fn flag(&mut self, field: &str, default: bool) -> Result<bool, FieldError> {
        let text = match self.cells.remove(field) {
            None | Some(Cell::Json(Value::Null)) => return Ok(default),
            Some(Cell::Json(Value::Bool(b))) => return Ok(b),
            Some(Cell::Text(text)) => text,
            Some(Cell::Json(_)) => return Err(self.error(field, "must be true or false")),
        };
        match text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Ok(true),
            "false" | "no" | "0" => Ok(false),
            _ => Err(self.error(field, format!("{text:?} must be true or false"))),
        }
    }

    /// A whole number, when present.
    pub fn number(&mut self, field: &str) -> Result<Option<u64>, FieldError> {
        let bad = |fields: &Self| fields.error(field, "must be a whole number");
        match self.cells.remove(field) {
            None | Some(Cell::Json(Value::Null)) => Ok(None),
            Some(Cell::Json(Value::Number(n))) => n.as_u64().map(Some).ok_or_else(|| bad(self)),
            Some(Cell::Text(text)) => text.parse().map(Some).map_err(|_| bad(self)),
            Some(Cell::Json(_)) => Err(bad(self)),
        }
    }

    /// Any JSON value; in CSV the cell holds its JSON text.
    pub fn json(&mut self, field: &str) -> Result<Option<Value>, FieldError> {
        match self.cells.remove(field) {
            None => Ok(None),
            Some(Cell::Json(value)) => Ok(Some(value)),
            Some(Cell::Text(text)) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| self.error(field, format!("must be JSON ({e})"))),
        }
    }

    /// An attribute value: any JSON value in JSON lines, text in CSV.
    pub fn value(&mut self, field: &str) -> Value {
        match self.cells.remove(field) {
            None => Value::Null,
            Some(Cell::Json(value)) => value,
            Some(Cell::Text(text)) => Value::String(text),
        }
    }

    /// A JSON document given inline, or as the path of a file holding it,
    /// relative to `base` (the batch file's directory).
    pub fn document(&mut self, field: &str, base: &Path) -> Result<Option<Value>, FieldError> {
        let path = match self.cells.remove(field) {
            None | Some(Cell::Json(Value::Null)) => return Ok(None),
            Some(Cell::Json(Value::String(path))) => path,
            Some(Cell::Json(document)) => return Ok(Some(document)),
            Some(Cell::Text(text)) if text.starts_with(['{', '[']) => {
                return serde_json::from_str(&text)
                    .map(Some)
                    .map_err(|e| self.error(field, format!("must be JSON ({e})")));
            }
            Some(Cell::Text(path)) => path,
        };
        let file = base.join(&path);
        let text = std::fs::read_to_string(&file)
            .map_err(|e| self.error(field, format!("{} cannot be read: {e}", file.display())))?;
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| self.error(field, format!("{} is not JSON ({e})", file.display())))
    }

    /// A list of objects, each read with its index in error names. Lists
    /// only exist in JSON lines.
    pub fn list(&mut self, field: &str) -> Result<Option<Vec<Fields>>, FieldError> {
        let items = match self.cells.remove(field) {
            None | Some(Cell::Json(Value::Null)) => return Ok(None),
            Some(Cell::Json(Value::Array(items))) => items,
            Some(Cell::Text(_)) => {
                return Err(self.error(field, "a list needs JSON lines; in CSV, write one entry per row"));
            }
            Some(Cell::Json(_)) => return Err(self.error(field, "must be a list of objects")),
        };
        items
            .into_iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::Object(object) => {
                    Ok(Fields::from_json(object, format!("{}{field}[{i}].", self.prefix)))
                }
                _ => Err(self.error(&format!("{field}[{i}]"), "must be an object")),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// Every field left unread, as an error: it does not belong to `op`.
    pub fn leftovers(&self, op: &str) -> Vec<FieldError> {
        self.cells.keys().map(|field| self.error(field, format!("is not a field of {op}"))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn json_fields(value: Value) -> Fields {
        let Value::Object(object) = value else { unreachable!("tests pass objects") };
        Fields::from_json(object, "")
    }

    #[test]
    fn fields_are_read_by_name_and_leftovers_are_named() {
        let mut f =
            json_fields(json!({"userId": "u-1", "status": "Break", "autoAvailable": false, "stauts": 1}));
        assert_eq!(f.text("userId").unwrap(), "u-1");
        assert_eq!(f.text("pauseReason").unwrap(), "", "absent reads as empty");
        assert!(!f.flag("autoAvailable", true).unwrap());
        assert!(f.flag("respectWrapUp", true).unwrap(), "absent takes the default");
        f.text("status").unwrap();
        let left = f.leftovers("agent_status");
        assert_eq!(left.len(), 1);
        assert_eq!(
            (left[0].field.as_str(), left[0].rule.as_str()),
            ("stauts", "is not a field of agent_status")
        );
    }

    #[test]
    fn csv_cells_are_text_and_empty_ones_are_absent() {
        let mut f = Fields::from_csv([("op", "x"), ("timeoutMs", " 800 "), ("notes", "  "), ("value", "85")]);
        assert_eq!(f.text("notes").unwrap(), "", "an empty cell is an absent field");
        assert!(f.leftovers("op").iter().all(|e| e.field != "notes"));
        assert_eq!(f.number("timeoutMs").unwrap(), Some(800));
        assert_eq!(f.value("value"), json!("85"), "CSV values are text");
        assert!(f.flag("op", true).unwrap_err().rule.contains("true or false"));
        let err = Fields::from_csv([("dispositions", "[]")]).list("dispositions").err().expect("refused");
        assert!(err.rule.contains("JSON lines"), "{}", err.rule);
    }

    #[test]
    fn nested_entries_name_their_index() {
        let mut f = json_fields(json!({"dispositions": [{"code": "101"}, 7]}));
        let err = f.list("dispositions").err().expect("the second entry is not an object");
        assert_eq!(err.field, "dispositions[1]");
        let mut f = json_fields(json!({"dispositions": [{"code": "101", "colour": "red"}]}));
        let mut entries = f.list("dispositions").unwrap().unwrap();
        entries[0].text("code").unwrap();
        assert_eq!(entries[0].leftovers("interaction_disposition")[0].field, "dispositions[0].colour");
    }
}
