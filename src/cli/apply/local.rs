//! The rules a line can be held to without the tenant: every rule of its
//! document except those that need the tenant's data (the disposition
//! matrix, a campaign's outcome codes, the pause reasons), which are
//! checked in [`super::rules`].

use super::entry::{ActionRef, Entry};
use super::parse::Draft;
use crate::domain::agent_status::{AgentStatusChange, AgentStatusDraft, PauseReasons};
use crate::domain::attributes::AttributeUpdate;
use crate::domain::contact_disposition::{ContactDisposition, OutcomeMatrix};
use crate::domain::data_action::{DataActionDefinition, MetricsRange, input_schema, parse_version};
use crate::domain::interaction_disposition::{
    DispositionDraft, DispositionMatrix, InteractionDisposition, MatrixCode,
};
use crate::domain::printable;
use crate::domain::{DataActionId, FieldError, Invalid, Problems, Timestamp};

/// The entry `draft` asks for, held to every rule at time `now`, which
/// also fixes the moments a metrics line names by a date or an age: what is
/// previewed, sent and reported is the moment, as the file was read, not
/// whenever its line comes to run.
pub(crate) fn check(draft: Draft, now: Timestamp) -> Result<Entry, Invalid> {
    match draft {
        Draft::Entry(entry) => check_entry(&entry, now).map(|()| entry),
        Draft::Metrics { action, date_from, date_to } => {
            let mut p = Problems::new();
            p.take(action_ref(&action));
            // Read as the console's From and To are: a date as `dateTo`
            // runs through the end of that day.
            let fields = [MetricsRange::FROM, MetricsRange::TO];
            let range = p.take_all(MetricsRange::read(fields, &date_from, &date_to, now));
            p.finish(|| Some(Entry::Metrics { action, range: range? }))
        }
    }
}

/// Checks `entry` at time `now`, reporting every broken rule.
fn check_entry(entry: &Entry, now: Timestamp) -> Result<(), Invalid> {
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
        // Its range was held to its rule as it was read.
        Entry::Metrics { action, .. } => action_ref(action).map_err(Invalid::from),
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
        assert!(check_entry(&Entry::ContactDisposition(draft.clone()), Timestamp::now()).is_ok());
        draft.outcome_code = "sold".into();
        draft.disposition_timestamp = "2024-05-15T14:32:10".into();
        let err = check_entry(&Entry::ContactDisposition(draft), Timestamp::now()).unwrap_err();
        assert!(err.mentions("outcomeCode") && err.mentions("dispositionTimestamp"), "{err}");
    }

    #[test]
    fn metrics_ranges_run_forwards() {
        let draft = Draft::Metrics {
            action: ActionRef::Name("VipLookup".into()),
            date_from: "2026-11-21T00:00:00Z".into(),
            date_to: "2026-11-20T00:00:00Z".into(),
        };
        assert!(check(draft, Timestamp::now()).unwrap_err().mentions("dateTo"));
    }

    /// As the console's From and To: a date, an age or a moment, a date as
    /// `dateTo` running through that day's end.
    #[test]
    fn metrics_dates_are_read_as_the_consoles_are() {
        let now = Timestamp::parse_as("now", "2026-11-24T02:00:00Z").unwrap();
        let line = |from: &str, to: &str| Draft::Metrics {
            action: ActionRef::Name("VipLookup".into()),
            date_from: from.into(),
            date_to: to.into(),
        };
        let range = |draft: Draft| match check(draft, now) {
            Ok(Entry::Metrics { range, .. }) => (range.from().to_string(), range.to().to_string()),
            other => panic!("{other:?}"),
        };
        let day = range(line("2024-01-01", "2024-01-01"));
        assert_eq!(day, ("2024-01-01T00:00:00Z".into(), "2024-01-01T23:59:59.999999Z".into()));
        let ages = range(line("7d", "30m"));
        assert_eq!(ages, ("2026-11-17T02:00:00Z".into(), "2026-11-24T01:30:00Z".into()));
        let moments = range(line("2026-11-20T00:00:00+01:00", "2026-11-21T00:00:00Z"));
        assert_eq!(moments, ("2026-11-20T00:00:00+01:00".into(), "2026-11-21T00:00:00Z".into()));
        let err = check(line("yesterday", "2024-01-01T00:00:00"), now).unwrap_err();
        assert!(err.mentions("dateFrom") && err.mentions("dateTo"), "{err}");
        assert!(err.to_string().contains("it may also be a date"), "{err}");
    }

    /// A metrics line's action is held to its rules beside its range.
    #[test]
    fn a_metrics_lines_action_and_range_are_told_together() {
        let draft = Draft::Metrics {
            action: ActionRef::Name(" ".into()),
            date_from: "2d".into(),
            date_to: "3d".into(),
        };
        let err = check(draft, Timestamp::now()).unwrap_err();
        let fields: Vec<&str> = err.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "dateTo"], "{err}");
    }

    /// As document 004 checks it: a schema without `$schema` is draft-07.
    #[test]
    fn a_deploy_takes_a_draft_07_schema() {
        let mut draft = DataActionDraft::documents_example("https://h.example.com/x");
        let pair = serde_json::json!({"type": "array", "items": [{"type": "string"}, {"type": "number"}]});
        draft.input_schema = serde_json::json!({"type": "object", "properties": {"pair": pair}});
        assert_eq!(check_entry(&Entry::Deploy(draft), Timestamp::now()), Ok(()));
    }

    /// A line names an action as the tenant holds it, whatever rule a
    /// deploy from here would hold a new name to.
    #[test]
    fn an_action_is_looked_up_by_any_printable_name() {
        let named = |name: &str| Entry::Deprecate { action: ActionRef::Name(name.into()) };
        assert!(check_entry(&named("Sentiment Routing (old)"), Timestamp::now()).is_ok());
        let blank = check_entry(&named("  "), Timestamp::now()).unwrap_err();
        assert!(blank.to_string().contains("name: is required"), "{blank}");
        assert!(check_entry(&named("bad\u{7}name"), Timestamp::now()).is_err());
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
        assert!(check_entry(&with_source("crm-sync".into()), Timestamp::now()).is_ok());
        let long = check_entry(&with_source("s".repeat(101)), Timestamp::now()).unwrap_err();
        assert!(long.to_string().contains("source: must be at most 100 characters (has 101)"), "{long}");
    }
}
