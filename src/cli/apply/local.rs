//! The rules a line can be held to without the tenant: every rule of its
//! document except those that need the tenant's data (the disposition
//! matrix, a campaign's outcome codes, the pause reasons), which are
//! checked in [`super::rules`].

use super::entry::{ActionRef, Entry};
use crate::api::model::MetricsQuery;
use crate::domain::agent_status::{AgentStatusChange, AgentStatusDraft, PauseReasons};
use crate::domain::attributes::AttributeUpdate;
use crate::domain::contact_disposition::{ContactDisposition, OutcomeMatrix};
use crate::domain::data_action::{DataActionDefinition, input_schema, parse_version};
use crate::domain::interaction_disposition::{
    DispositionDraft, DispositionMatrix, InteractionDisposition, MatrixCode,
};
use crate::domain::printable;
use crate::domain::{DataActionId, FieldError, Invalid, Problems, Timestamp};

/// Checks `entry` at time `now`, reporting every broken rule.
pub(crate) fn check(entry: &Entry, now: Timestamp) -> Result<(), Invalid> {
    match entry {
        Entry::InteractionDisposition { interaction_id, dispositions } => {
            interaction_disposition(interaction_id, dispositions, now).map(drop)
        }
        Entry::ContactDisposition(draft) => {
            let matrix = OutcomeMatrix::new([draft.outcome_code.trim()]);
            ContactDisposition::validate(draft, &matrix, now).map(drop)
        }
        Entry::Attributes { interaction_id, rows } => {
            AttributeUpdate::validate(interaction_id, rows).map(drop)
        }
        Entry::AgentStatus(draft) => agent_status(draft).map(drop),
        Entry::Deploy(draft) => DataActionDefinition::validate(draft).map(drop),
        Entry::NewVersion { action, version } => {
            let mut p = Problems::new();
            p.take(action_ref(action));
            p.take(parse_version("version", version));
            p.finish(|| Some(()))
        }
        Entry::Deprecate { action } => action_ref(action).map_err(Invalid::from),
        Entry::Simulate { input } => input_schema().check("input", input),
        Entry::Metrics { action, date_from, date_to } => {
            let mut p = Problems::new();
            p.take(action_ref(action));
            let from = p.take(Timestamp::parse_as("dateFrom", date_from));
            let to = p.take(Timestamp::parse_as("dateTo", date_to));
            if let (Some(from), Some(to)) = (from, to) {
                p.take(MetricsQuery::daily(None, from, to));
            }
            p.finish(|| Some(()))
        }
    }
}

/// The dispositions a line sets, with every code counted as known: the
/// tenant's matrix is checked in [`super::rules`].
pub(crate) fn interaction_disposition(
    interaction_id: &str,
    drafts: &[DispositionDraft],
    now: Timestamp,
) -> Result<InteractionDisposition, Invalid> {
    let codes = drafts
        .iter()
        .map(|d| MatrixCode { code: d.code.trim().to_string(), description: d.description.clone() });
    InteractionDisposition::validate(interaction_id, drafts, &DispositionMatrix::new(codes), now)
}

/// The status change a line asks for, with its pause reason counted as
/// known: the tenant's list is checked in [`super::rules`].
pub(crate) fn agent_status(draft: &AgentStatusDraft) -> Result<AgentStatusChange, Invalid> {
    let reasons = PauseReasons::new([draft.pause_reason.trim()].into_iter().filter(|r| !r.is_empty()));
    AgentStatusChange::validate(draft, &reasons)
}

fn action_ref(action: &ActionRef) -> Result<(), FieldError> {
    match action {
        ActionRef::Id(id) => DataActionId::parse_as("id", id).map(drop),
        // Named as the tenant holds it, which another tool may have named
        // outside the rule for deploys here: any printable name is looked up.
        ActionRef::Name(name) if name.trim().is_empty() => Err(FieldError::new("name", "is required")),
        ActionRef::Name(name) => printable("name", name.trim()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::contact_disposition::ContactDispositionDraft;
    use crate::domain::data_action::DataActionDraft;

    #[test]
    fn tenant_data_is_left_for_later_but_every_other_rule_applies() {
        let mut draft = ContactDispositionDraft {
            contact_id: "c-1".into(),
            campaign_id: "k-1".into(),
            outcome_code: "SOLD_OUT".into(),
            agent_id: "a-1".into(),
            ..ContactDispositionDraft::default()
        };
        assert!(check(&Entry::ContactDisposition(draft.clone()), Timestamp::now()).is_ok());
        draft.outcome_code = "sold".into();
        draft.disposition_timestamp = "2024-05-15T14:32:10".into();
        let err = check(&Entry::ContactDisposition(draft), Timestamp::now()).unwrap_err();
        assert!(err.mentions("outcomeCode") && err.mentions("dispositionTimestamp"), "{err}");
    }

    #[test]
    fn metrics_ranges_run_forwards() {
        let entry = Entry::Metrics {
            action: ActionRef::Name("VipLookup".into()),
            date_from: "2026-11-21T00:00:00Z".into(),
            date_to: "2026-11-20T00:00:00Z".into(),
        };
        assert!(check(&entry, Timestamp::now()).unwrap_err().mentions("dateTo"));
    }

    /// As document 004 checks it: a schema without `$schema` is draft-07.
    #[test]
    fn a_deploy_takes_a_draft_07_schema() {
        let mut draft = DataActionDraft::documents_example("https://h.example.com/x");
        let pair = serde_json::json!({"type": "array", "items": [{"type": "string"}, {"type": "number"}]});
        draft.input_schema = serde_json::json!({"type": "object", "properties": {"pair": pair}});
        assert_eq!(check(&Entry::Deploy(draft), Timestamp::now()), Ok(()));
    }

    /// A line names an action as the tenant holds it, whatever rule a
    /// deploy from here would hold a new name to.
    #[test]
    fn an_action_is_looked_up_by_any_printable_name() {
        let named = |name: &str| Entry::Deprecate { action: ActionRef::Name(name.into()) };
        assert!(check(&named("Sentiment Routing (old)"), Timestamp::now()).is_ok());
        let blank = check(&named("  "), Timestamp::now()).unwrap_err();
        assert!(blank.to_string().contains("name: is required"), "{blank}");
        assert!(check(&named("bad\u{7}name"), Timestamp::now()).is_err());
    }

    #[test]
    fn a_dispositions_source_is_one_short_line() {
        let with_source = |source: String| Entry::InteractionDisposition {
            interaction_id: "i-1".into(),
            dispositions: vec![DispositionDraft {
                code: "101".into(),
                description: "Issue Resolved".into(),
                agent_id: "a-1".into(),
                source,
                ..DispositionDraft::default()
            }],
        };
        assert!(check(&with_source("crm-sync".into()), Timestamp::now()).is_ok());
        let long = check(&with_source("s".repeat(101)), Timestamp::now()).unwrap_err();
        assert!(long.to_string().contains("source: must be at most 100 characters (has 101)"), "{long}");
    }
}
