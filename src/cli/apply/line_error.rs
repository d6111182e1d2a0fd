//! A broken rule of a batch file's line, as stderr and the report say it.

use crate::api::text::sanitize;
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
    /// A rule quotes what the line gave, which may be megabytes, and what
    /// the tenant holds (its pause reasons, say), which may carry terminal
    /// sequences: the error keeps the start of it, safe to print, for
    /// stderr and the report alike.
    pub(super) fn new(line: usize, error: FieldError) -> Self {
        Self {
            line,
            field: sanitize(&error.field, MAX_FIELD_CHARS),
            rule: sanitize(&error.rule, MAX_RULE_CHARS),
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::text::unsafe_to_show;

    #[test]
    fn a_rule_quoting_the_tenant_is_safe_to_print() {
        let rule =
            "\"Lunch\" is not one of the tenant's pause reasons: IT Issue\u{1b}]52;c;cHduZWQ=\u{7}\u{202e}";
        let error = LineError::new(2, FieldError::new("pauseReason", rule));
        let said = error.to_string();
        assert!(!said.chars().any(unsafe_to_show), "{said:?}");
        assert!(said.starts_with(
            "line 2: pauseReason: \"Lunch\" is not one of the tenant's pause reasons: IT Issue"
        ));
    }
}
