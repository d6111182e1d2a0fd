use std::fmt;

/// One broken rule: which field, and what the rule is, in words a supervisor
/// can act on ("code: 305 is not in the tenant's disposition matrix").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {rule}")]
pub struct FieldError {
    /// The field as it appears on the wire or in a form, with an index for
    /// list entries (`attributes[3].key`).
    pub field: String,
    /// The rule, as a sentence fragment.
    pub rule: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, rule: impl Into<String>) -> Self {
        Self { field: field.into(), rule: rule.into() }
    }
}

/// A draft that broke one or more rules. Never empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Invalid {
    errors: Vec<FieldError>,
}

impl Invalid {
    pub fn one(field: impl Into<String>, rule: impl Into<String>) -> Self {
        Self { errors: vec![FieldError::new(field, rule)] }
    }

    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    /// The problems reported for one field (exact name), for a form that
    /// shows each message beside its input.
    pub fn for_field<'a>(&'a self, field: &'a str) -> impl Iterator<Item = &'a FieldError> + 'a {
        self.errors.iter().filter(move |e| e.field == field)
    }

    /// Whether any problem concerns `field`.
    pub fn mentions(&self, field: &str) -> bool {
        self.for_field(field).next().is_some()
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl From<FieldError> for Invalid {
    fn from(e: FieldError) -> Self {
        Self { errors: vec![e] }
    }
}

/// Collects problems while a draft is checked, so that every rule runs and
/// every problem is reported, not just the first.
#[derive(Debug, Default)]
pub struct Problems {
    errors: Vec<FieldError>,
}

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, field: impl Into<String>, rule: impl Into<String>) {
        self.errors.push(FieldError::new(field, rule));
    }

    /// Whether a problem is recorded for `field` (exact name).
    pub fn mentions(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }

    /// Keeps the value of a successful check, records the problem of a failed one.
    pub fn take<T>(&mut self, checked: Result<T, FieldError>) -> Option<T> {
        match checked {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.push(e);
                None
            }
        }
    }

    /// Like [`Problems::take`], for checks that report several problems.
    pub fn take_all<T>(&mut self, checked: Result<T, Invalid>) -> Option<T> {
        match checked {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.extend(e.errors);
                None
            }
        }
    }

    /// How many problems were found so far.
    pub fn len(&self) -> usize {
        self.errors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// `Ok(value)` when no rule was broken. The value is only built then, so a
    /// caller can unwrap the `Option`s it collected inside `build` safely.
    pub fn finish<T>(self, build: impl FnOnce() -> Option<T>) -> Result<T, Invalid> {
        if !self.errors.is_empty() {
            return Err(Invalid { errors: self.errors });
        }
        build().ok_or_else(|| Invalid::one("request", "could not be built (internal rule error)"))
    }
}

/// A required text field: present and not blank.
pub(crate) fn required(field: &str, raw: &str) -> Result<String, FieldError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(field, "is required"));
    }
    Ok(trimmed.to_string())
}

/// The most characters a free-text field (notes, a custom field's value)
/// may hold: an attribute value's limit (document 002). The documents set
/// none for notes; without one, a line that passed every check here could
/// be refused by the tenant for its size after other lines were applied,
/// and the audit log would carry it whole.
pub const MAX_TEXT_CHARS: usize = 2_000;

/// Free text: printable, and at most [`MAX_TEXT_CHARS`] characters.
pub(crate) fn free_text(field: &str, value: &str) -> Result<(), FieldError> {
    at_most(field, value, MAX_TEXT_CHARS)?;
    printable(field, value)
}

/// The most a one-line label (a wrap-up code, a disposition's source) holds.
pub const MAX_LABEL_CHARS: usize = 100;

/// A one-line label: at most [`MAX_LABEL_CHARS`], no control characters,
/// line breaks included, so it stays one cell of a table or a log line.
pub(crate) fn label(field: &str, value: &str) -> Result<(), FieldError> {
    at_most(field, value, MAX_LABEL_CHARS)?;
    if value.chars().any(char::is_control) {
        return Err(FieldError::new(field, "must be one line without control characters"));
    }
    Ok(())
}

fn at_most(field: &str, value: &str, max: usize) -> Result<(), FieldError> {
    let chars = value.chars().count();
    if chars > max {
        return Err(FieldError::new(field, format!("must be at most {max} characters (has {chars})")));
    }
    Ok(())
}

/// Rejects control characters, which no tenant field accepts and which would
/// corrupt logs and terminals.
pub(crate) fn printable(field: &str, value: &str) -> Result<(), FieldError> {
    if let Some(c) = value.chars().find(|c| c.is_control() && *c != '\n' && *c != '\t') {
        let rule = format!(
            "must not contain control characters other than line breaks (\\n) and tabs (found U+{:04X})",
            u32::from(c)
        );
        return Err(FieldError::new(field, rule));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_lists_every_problem_with_its_field() {
        let mut p = Problems::new();
        p.push("code", "is required");
        p.push("timestamp", "needs an explicit UTC offset");
        let err = p.finish(|| Some(())).unwrap_err();
        assert_eq!(err.to_string(), "code: is required; timestamp: needs an explicit UTC offset");
        assert!(err.mentions("timestamp"));
        assert!(!err.mentions("agent_id"));
    }

    #[test]
    fn blank_is_not_present() {
        assert_eq!(required("description", "   ").unwrap_err().rule, "is required");
        assert_eq!(required("description", " ok ").unwrap(), "ok");
    }

    #[test]
    fn a_label_is_one_bounded_line() {
        assert!(label("source", &"x".repeat(MAX_LABEL_CHARS)).is_ok());
        let long = label("source", &"x".repeat(MAX_LABEL_CHARS + 1)).unwrap_err();
        assert_eq!(long.to_string(), "source: must be at most 100 characters (has 101)");
        assert!(label("wrapUpCode", "WU\n42").unwrap_err().rule.contains("one line"));
    }

    #[test]
    fn free_text_is_bounded_and_printable() {
        assert!(free_text("notes", &"é".repeat(MAX_TEXT_CHARS)).is_ok());
        let long = free_text("notes", &"é".repeat(MAX_TEXT_CHARS + 1)).unwrap_err();
        assert_eq!(long.to_string(), "notes: must be at most 2000 characters (has 2001)");
        assert!(free_text("notes", "a\u{1b}[2J").unwrap_err().to_string().contains("control characters"));
    }
}
