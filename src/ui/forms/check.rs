//! What the rules say about a form as it stands: its problems, or the plan
//! to confirm.

use super::Plan;
use crate::domain::Invalid;

/// What the rules say about a form's fields: problems by field name (an
/// empty or unknown name concerns the whole form), and when there are none,
/// the plan.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Check {
    pub problems: Vec<(String, String)>,
    pub plan: Option<Plan>,
}

impl Check {
    /// Collects problems, each (field, rule) once however many targets
    /// repeat it.
    pub fn note(&mut self, field: impl Into<String>, rule: impl Into<String>) {
        let problem = (field.into(), rule.into());
        if !self.problems.contains(&problem) {
            self.problems.push(problem);
        }
    }

    pub fn note_all(&mut self, invalid: &Invalid) {
        for e in invalid.errors() {
            self.note(e.field.clone(), e.rule.clone());
        }
    }

    /// The plan, when no problem was noted.
    pub fn finish(mut self, plan: impl FnOnce() -> Plan) -> Self {
        if self.problems.is_empty() {
            self.plan = Some(plan());
        }
        self
    }
}
