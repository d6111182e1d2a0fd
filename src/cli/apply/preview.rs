//! A dry run: every line held against its target as the tenant has it now
//! (a closed interaction, an agent's roles and shift, a contact's dialer
//! state), with what it would change, before → after. Only reads are sent.

use super::batch::Batch;
use super::entry::{ActionRef, Entry, Line};
use super::progress::Progress;
use super::report::{LineReport, Verdict};
use crate::api::model::{Contact, ContactFilter, ListQuery, MAX_TOP};
use crate::api::{ApiError, ApiErrorKind, Client};
use crate::domain::agent_status::{AgentStatusDraft, role_fit, shift_fit};
use crate::domain::attributes::{AttributeDraft, AttributeMode};
use crate::domain::contact_disposition::{ContactDispositionDraft, OutcomeCode, SkipReason, check_contact};
use crate::domain::data_action::{check_new_version, input_schema, output_schema, simulate};
use crate::domain::interaction_disposition::{DispositionDraft, closed};
use crate::domain::{CampaignId, ContactId, DataActionId, FieldError, InteractionId, Timestamp, UserId};
use serde_json::{Map, Value, json};
use std::collections::{HashMap, HashSet};

/// A campaign with at least this many lines is read as a list (a thousand
/// contacts a call) rather than one contact at a time.
const LIST_FROM: usize = 20;
/// Pages of one campaign's contacts read at most (a million contacts).
const MAX_PAGES: usize = 1_000;

type Previewed = Result<LineReport, ApiError>;

/// What every line would do. Fails only when the tenant cannot be read.
pub(crate) async fn preview(
    client: &Client,
    batch: &Batch,
    now: Timestamp,
    progress: &mut Progress,
) -> Result<Vec<LineReport>, ApiError> {
    let mut contacts = ContactCache::read(client, batch).await?;
    let mut reports = Vec::with_capacity(batch.lines.len());
    for line in &batch.lines {
        let report = match &line.entry {
            Entry::InteractionDisposition { interaction_id, dispositions } => {
                interaction(client, line, interaction_id, dispositions).await
            }
            Entry::ContactDisposition(draft) => contacts.preview(client, line, draft).await,
            Entry::Attributes { interaction_id, rows } => {
                attributes(client, line, interaction_id, rows).await
            }
            Entry::AgentStatus(draft) => agent(client, line, draft, now).await,
            Entry::Deploy(draft) => {
                let mut report = LineReport::new(line, Verdict::WouldApply, "would create a new data action");
                report.after = Some(json!({"name": draft.name.trim(), "version": draft.version.trim(),
                    "handlerUrl": draft.handler_url.trim(), "timeoutMs": draft.timeout_ms}));
                Ok(report)
            }
            Entry::NewVersion { action, version } => data_action(client, line, action, Some(version)).await,
            Entry::Deprecate { action } => data_action(client, line, action, None).await,
            Entry::Simulate { input } => Ok(simulation(line, input, now)),
            Entry::Metrics { date_from, date_to, .. } => Ok(LineReport::new(
                line,
                Verdict::WouldApply,
                format!("would read daily execution metrics from {} to {}", date_from.trim(), date_to.trim()),
            )),
        }?;
        progress.tick(report.outcome);
        reports.push(report);
    }
    Ok(reports)
}

/// A target the tenant does not have is a refusal of the line; any other
/// failure to read stops the dry run.
fn refused(line: &Line, result: Result<LineReport, ApiError>) -> Previewed {
    match result {
        Err(ApiError { kind: kind @ ApiErrorKind::NotFound { .. }, .. }) => {
            Ok(LineReport::new(line, Verdict::WouldReject, kind.to_string()))
        }
        other => other,
    }
}

fn broken(line: &Line, error: FieldError) -> LineReport {
    refusal(line, error.to_string())
}

/// A refusal once the target was read, said of it as the run would say it.
fn refusal(line: &Line, reason: String) -> LineReport {
    LineReport::new(line, Verdict::WouldReject, reason)
}

fn changes(mut report: LineReport, before: Value, after: Value) -> LineReport {
    report.before = Some(before);
    report.after = Some(after);
    report
}

async fn interaction(client: &Client, line: &Line, id: &str, drafts: &[DispositionDraft]) -> Previewed {
    let read = async {
        let id = match InteractionId::parse(id) {
            Ok(id) => id,
            Err(e) => return Ok(broken(line, e)),
        };
        let found = client.interaction(&id).await?.value;
        if let Err(reason) = closed(format_args!("interaction {}", found.named()), &found.status) {
            return Ok(refusal(line, reason));
        }
        let codes: Vec<&str> = found.dispositions.iter().map(|d| d.code.as_str()).collect();
        let wanted: Vec<&str> = drafts.iter().map(|d| d.code.trim()).collect();
        let report =
            LineReport::new(line, Verdict::WouldApply, "would replace the interaction's dispositions");
        Ok(changes(report, json!({"dispositions": codes}), json!({"dispositions": wanted})))
    };
    refused(line, read.await)
}

async fn attributes(client: &Client, line: &Line, id: &str, rows: &[AttributeDraft]) -> Previewed {
    let read = async {
        let id = match InteractionId::parse(id) {
            Ok(id) => id,
            Err(e) => return Ok(broken(line, e)),
        };
        let held = client.attributes(&id).await?.value;
        let (mut before, mut after) = (Map::new(), Map::new());
        for row in rows {
            let key = row.key.as_str();
            if let Some(value) = held.get(key) {
                before.insert(key.to_string(), value.clone());
                after.insert(key.to_string(), value.clone());
            }
            match AttributeMode::parse_as("mode", &row.mode) {
                Ok(AttributeMode::Delete) => drop(after.remove(key)),
                _ => drop(after.insert(key.to_string(), row.value.clone())),
            }
        }
        let report = LineReport::new(line, Verdict::WouldApply, "would change these attributes, all or none");
        Ok(changes(report, Value::Object(before), Value::Object(after)))
    };
    refused(line, read.await)
}

async fn agent(client: &Client, line: &Line, draft: &AgentStatusDraft, now: Timestamp) -> Previewed {
    let read = async {
        let id = match UserId::parse_as("userId", &draft.user_id) {
            Ok(id) => id,
            Err(e) => return Ok(broken(line, e)),
        };
        let user = client.user(&id).await?.value;
        if let Err(unfit) = role_fit(user.role_names()).and_then(|()| shift_fit(user.shift, now)) {
            return Ok(refusal(line, unfit.said_of(user.named())));
        }
        let before = json!({"status": user.status.to_string(), "pauseReason": user.pause_reason});
        let reason = Some(draft.pause_reason.trim()).filter(|r| !r.is_empty());
        let after = json!({"status": draft.status.trim(), "pauseReason": reason});
        let report = match user.wrap_up_until.filter(|until| draft.respect_wrap_up && *until > now) {
            Some(until) => LineReport::new(
                line,
                Verdict::WouldConflict,
                format!(
                    "user {} is in wrap-up until {until}; with respectWrapUp the tenant refuses the change until then",
                    user.named()
                ),
            ),
            None => LineReport::new(line, Verdict::WouldApply, "would change the agent's status"),
        };
        Ok(changes(report, before, after))
    };
    refused(line, read.await)
}

/// A new version (`version` given) or a deprecation.
async fn data_action(
    client: &Client,
    line: &Line,
    action: &ActionRef,
    version: Option<&String>,
) -> Previewed {
    let read = async {
        let id = match action.id() {
            Some(id) => DataActionId::parse_as("id", id),
            None => Err(FieldError::new("name", format!("{action} was not looked up on the tenant"))),
        };
        let id = match id {
            Ok(id) => id,
            Err(e) => return Ok(broken(line, e)),
        };
        let held = client.data_action(&id).await?.value;
        Ok(match version {
            Some(version) => match check_new_version(&held.version, held.is_deprecated, version) {
                Ok(next) => changes(
                    LineReport::new(line, Verdict::WouldApply, "would publish a new version"),
                    json!({"version": held.version.to_string()}),
                    json!({"version": next.to_string()}),
                ),
                Err(e) => broken(line, e),
            },
            None => changes(
                LineReport::new(line, Verdict::WouldApply, "would deprecate the action"),
                json!({"isDeprecated": held.is_deprecated}),
                json!({"isDeprecated": true}),
            ),
        })
    };
    refused(line, read.await)
}

fn simulation(line: &Line, input: &Value, now: Timestamp) -> LineReport {
    match simulate(input, input_schema(), output_schema(), now) {
        Ok(routing) => {
            let mut report = LineReport::new(
                line,
                Verdict::WouldApply,
                format!(
                    "routes to {} (confidence {})",
                    routing.routing_recommendation, routing.confidence_score
                ),
            );
            report.data = Some(routing.output);
            report
        }
        Err(e) => LineReport::new(line, Verdict::WouldReject, e.to_string()),
    }
}

/// Contacts as the tenant holds them: campaigns with many lines read whole.
struct ContactCache {
    listed: HashMap<(String, String), Contact>,
    listed_campaigns: HashSet<String>,
    /// Contacts an earlier line of the file already dispositions.
    seen: HashSet<(String, String)>,
}

impl ContactCache {
    async fn read(client: &Client, batch: &Batch) -> Result<Self, ApiError> {
        let mut per_campaign: HashMap<&str, usize> = HashMap::new();
        for line in &batch.lines {
            if let Entry::ContactDisposition(d) = &line.entry {
                *per_campaign.entry(d.campaign_id.trim()).or_default() += 1;
            }
        }
        let mut cache =
            Self { listed: HashMap::new(), listed_campaigns: HashSet::new(), seen: HashSet::new() };
        for (campaign, _) in per_campaign.into_iter().filter(|(_, lines)| *lines >= LIST_FROM) {
            let Ok(id) = CampaignId::parse(campaign) else { continue };
            let mut query = ListQuery::<ContactFilter>::new().top(MAX_TOP);
            for _ in 0..MAX_PAGES {
                let page = client.contacts(&id, &query).await?.value;
                let next = page.next_query(&query);
                for contact in page.items {
                    cache.listed.insert((campaign.to_string(), contact.id.as_str().to_string()), contact);
                }
                match next {
                    Some(next) => query = next,
                    None => break,
                }
            }
            cache.listed_campaigns.insert(campaign.to_string());
        }
        Ok(cache)
    }

    async fn preview(&mut self, client: &Client, line: &Line, draft: &ContactDispositionDraft) -> Previewed {
        let key = (draft.campaign_id.trim().to_string(), draft.contact_id.trim().to_string());
        if !self.seen.insert(key.clone()) {
            let mut report = LineReport::new(line, Verdict::WouldSkip, SkipReason::Duplicate.to_string());
            report.key = Some(SkipReason::Duplicate.key().to_string());
            return Ok(report);
        }
        let contact = if self.listed_campaigns.contains(&key.0) {
            match self.listed.get(&key) {
                Some(contact) => contact.clone(),
                None => {
                    let rule = format!("no contact {} in campaign {}", key.1, key.0);
                    return Ok(LineReport::new(line, Verdict::WouldReject, rule));
                }
            }
        } else {
            let ids = CampaignId::parse(&key.0).and_then(|c| Ok((c, ContactId::parse(&key.1)?)));
            let (campaign, id) = match ids {
                Ok(ids) => ids,
                Err(e) => return Ok(broken(line, e)),
            };
            match client.contact(&campaign, &id).await {
                Ok(reply) => reply.value,
                Err(e) => return refused(line, Err(e)),
            }
        };
        let wanted = match OutcomeCode::parse_as("outcomeCode", &draft.outcome_code) {
            Ok(code) => code,
            Err(e) => return Ok(broken(line, e)),
        };
        let before = json!({"state": contact.state.as_str(), "outcomeCode": contact.outcome_code});
        let after = json!({"outcomeCode": wanted.as_str()});
        let report = match check_contact(&contact.state, contact.outcome_code.as_deref(), &wanted) {
            Ok(()) => LineReport::new(line, Verdict::WouldApply, "would set the contact's outcome"),
            Err(skip) => {
                let mut report = LineReport::new(line, Verdict::WouldSkip, skip.to_string());
                report.key = Some(skip.key().to_string());
                report
            }
        };
        Ok(changes(report, before, after))
    }
}
