//! A broken rule of a batch file's line, as stderr and the report say it.

use crate::domain::FieldError;
use serde::Serialize;
use std::fmt;

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
pub(super) const MAX_RULE_CHARS: usize = 500;

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}: {}", self.line, self.field, self.rule)
    }
}
