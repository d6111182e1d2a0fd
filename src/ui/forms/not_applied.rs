//! Why a form's change came back to be reopened.

/// Why a form's change was not applied, and when the console heard it: the
/// list of kept forms says when each came back. Nothing says it was sent:
/// the engine may have refused it before any request.
#[derive(Debug, Clone, PartialEq)]
pub struct NotApplied {
    /// How it ended ("refused", "conflict", "failed"), when one change did.
    pub kind: Option<&'static str>,
    pub why: String,
    pub at: time::OffsetDateTime,
}

impl NotApplied {
    /// The line at the form's foot.
    pub fn line(&self) -> String {
        match self.kind {
            Some(kind) => format!("Not applied ({kind}): {}", self.why),
            None => format!("Not applied: {}", self.why),
        }
    }

    /// The reason in a row of the list of kept forms, every row of which
    /// would start with "Not applied".
    pub fn short(&self) -> String {
        match self.kind {
            Some(kind) => format!("{kind}: {}", self.why),
            None => self.why.clone(),
        }
    }
}
