//! A dry run: every line held against its target (a closed interaction, an
//! agent's roles and shift, a contact's dialer state) as the run would find
//! it, with what it would change, before → after, or why it would be left
//! alone. Only reads are sent.

use super::batch::Batch;
use super::entry::{Entry, Line};
use super::local;
use super::progress::Progress;
use super::report::{LineReport, Verdict};
use super::targets::Targets;
use crate::api::model::{Contact, ContactFilter, ListQuery, MAX_TOP, UserStatus};
use crate::api::{ApiError, ApiErrorKind, Client};
use crate::domain::agent_status::{AgentStatusDraft, role_fit, shift_fit};
use crate::domain::attributes::{AttributeDraft, AttributeMode, AttributeUpdate, Refusal, held_values, plan};
use crate::domain::contact_disposition::{ContactDispositionDraft, OutcomeCode, SkipReason, check_contact};
use crate::domain::interaction_disposition::{Disposition, DispositionDraft, closed};
use crate::domain::{CampaignId, ContactId, FieldError, Invalid, Timestamp};
use crate::engine::SkipKey;
use crate::engine::{again, agent_state};
use serde_json::{Map, Value, json};
use std::collections::{HashMap, HashSet};

/// A campaign with at least this many lines is read as a list (a thousand
/// contacts a call) rather than one contact at a time.
const LIST_FROM: usize = 20;
/// Pages of one campaign's contacts read at most (a million contacts).
const MAX_PAGES: usize = 1_000;

mod actions;

use actions::{data_action, deploy, metrics, simulation};

type Previewed = Result<LineReport, ApiError>;

/// What earlier runs of the same file did with its lines, by index.
#[derive(Debug, Default)]
pub(crate) struct EarlierLines {
    /// Applied, or found already so: the run skips them without a request.
    pub done: HashSet<usize>,
    /// Those of `done` that wrote their change.
    pub wrote: HashSet<usize>,
    /// Sent with no outcome saying done (a crash, say): start-up reads their
    /// targets back to settle them.
    pub sent: HashSet<usize>,
}

/// What every line would do. Fails only when the tenant cannot be read.
pub(crate) async fn preview(
    client: &Client,
    batch: &Batch,
    earlier: &EarlierLines,
    now: Timestamp,
    progress: &mut Progress,
) -> Result<Vec<LineReport>, ApiError> {
    let done_before = &earlier.done;
    let mut contacts = ContactCache::read(client, batch, earlier).await?;
    let mut targets = Targets::new(client);
    let mut reports = Vec::with_capacity(batch.lines.len());
    for (index, line) in batch.lines.iter().enumerate() {
        let report = match &line.entry {
            _ if done_before.contains(&index) => Ok(earlier_run(line)),
            Entry::InteractionDisposition { interaction_id, dispositions } => {
                interaction(&mut targets, line, interaction_id, dispositions, now).await
            }
            Entry::ContactDisposition(draft) => contacts.preview(client, index, line, draft).await,
            Entry::Attributes { interaction_id, rows } => {
                attributes(&mut targets, line, interaction_id, rows).await
            }
            Entry::AgentStatus(draft) => agent(&mut targets, line, draft, now).await,
            Entry::Deploy(draft) => deploy(&mut targets, line, draft).await,
            Entry::NewVersion { action, version } => {
                data_action(&mut targets, line, action, Some(version)).await
            }
            Entry::Deprecate { action } => data_action(&mut targets, line, action, None).await,
            Entry::Simulate { input } => Ok(simulation(line, input, now)),
            Entry::Metrics { action, range } => metrics(&mut targets, line, action, *range).await,
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

/// A line the run would leave alone, its target holding the change already.
fn unchanged(line: &Line, why: String) -> LineReport {
    let mut report = LineReport::new(line, Verdict::WouldSkip, format!("{why}; nothing would be sent"));
    report.key = Some(SkipKey::Unchanged);
    report
}

/// A line an earlier run of this file applied, as the audit log says.
fn earlier_run(line: &Line) -> LineReport {
    let reason =
        "done by an earlier run (applied, or found already so; see the audit log); nothing would be sent";
    let mut report = LineReport::new(line, Verdict::WouldSkip, reason);
    report.key = Some(SkipKey::EarlierRun);
    report
}

/// An invalid line the rules let through: said, never unwrapped.
fn invalid(line: &Line, invalid: Invalid) -> LineReport {
    refusal(line, invalid.to_string())
}

async fn interaction(
    targets: &mut Targets<'_>,
    line: &Line,
    id: &str,
    drafts: &[DispositionDraft],
    now: Timestamp,
) -> Previewed {
    let read = async {
        let change = match local::interaction_disposition(id, drafts, now) {
            Ok(change) => change,
            Err(e) => return Ok(invalid(line, e)),
        };
        let found = targets.interaction(&change.interaction_id).await?;
        if let Err(reason) = closed(format_args!("interaction {}", found.named()), &found.status) {
            return Ok(refusal(line, reason));
        }
        if change.held_by(&found.dispositions) {
            return Ok(unchanged(line, change.already(found.named())));
        }
        let codes = |list: &[Disposition]| list.iter().map(|d| d.code.clone()).collect::<Vec<_>>();
        let (before, after) = (codes(&found.dispositions), codes(&change.dispositions));
        found.dispositions = change.dispositions;
        let report =
            LineReport::new(line, Verdict::WouldApply, "would replace the interaction's dispositions");
        Ok(changes(report, json!({"dispositions": before}), json!({"dispositions": after})))
    };
    refused(line, read.await)
}

async fn attributes(targets: &mut Targets<'_>, line: &Line, id: &str, rows: &[AttributeDraft]) -> Previewed {
    let read = async {
        let update = match AttributeUpdate::validate(id, rows) {
            Ok(update) => update,
            Err(e) => return Ok(invalid(line, e)),
        };
        let held = targets.attributes(&update.interaction_id).await?;
        let values = held_values(held);
        match plan(&update.entries, |key| values.get(key), held.len()) {
            Ok(changes) if changes.is_empty() => {
                return Ok(unchanged(line, "the interaction holds these attributes already".into()));
            }
            Ok(_) => {}
            Err(Refusal::Conflict(conflicts)) => {
                return Ok(LineReport::new(line, Verdict::WouldConflict, conflicts.to_string()));
            }
            Err(too_many) => return Ok(refusal(line, too_many.to_string())),
        }
        let (mut before, mut after) = (Map::new(), Map::new());
        for entry in &update.entries {
            let key = entry.key.as_str();
            if let Some(value) = held.get(key) {
                before.insert(key.to_string(), value.clone());
            }
            match entry.mode {
                AttributeMode::Delete => drop(held.remove(key)),
                _ => drop(held.insert(key.to_string(), entry.value.to_json())),
            }
            if let Some(value) = held.get(key) {
                after.insert(key.to_string(), value.clone());
            }
        }
        let report = LineReport::new(line, Verdict::WouldApply, "would change these attributes, all or none");
        Ok(changes(report, Value::Object(before), Value::Object(after)))
    };
    refused(line, read.await)
}

async fn agent(
    targets: &mut Targets<'_>,
    line: &Line,
    draft: &AgentStatusDraft,
    now: Timestamp,
) -> Previewed {
    let read = async {
        let change = match local::agent_status(draft) {
            Ok(change) => change,
            Err(e) => return Ok(invalid(line, e)),
        };
        let user = targets.user(&change.user_id).await?;
        if let Err(unfit) = role_fit(user.role_names()).and_then(|()| shift_fit(user.shift, now)) {
            return Ok(refusal(line, unfit.said_of(user.named())));
        }
        if user.holds(&change, now) {
            return Ok(unchanged(line, change.held_words(user.named(), &user.status, user.held_reason())));
        }
        let before = agent_state(&user.status, user.pause_reason.as_deref());
        let after = agent_state(&UserStatus::Known(change.status), change.pause_reason.as_deref());
        let report = match user.wrap_up_at(now).filter(|_| change.flags.respect_wrap_up) {
            Some(until) => LineReport::new(
                line,
                Verdict::WouldConflict,
                format!(
                    "user {} is in wrap-up until {}; with respectWrapUp the tenant refuses the change until then",
                    user.named(),
                    until.up_to_the_second()
                ),
            ),
            None => {
                user.status = UserStatus::Known(change.status);
                user.pause_reason = change.kept_reason().map(str::to_string);
                user.wrap_up_until = None;
                LineReport::new(line, Verdict::WouldApply, "would change the agent's status")
            }
        };
        Ok(changes(report, before, after))
    };
    refused(line, read.await)
}

fn contact_key(draft: &ContactDispositionDraft) -> (String, String) {
    (draft.campaign_id.trim().to_string(), draft.contact_id.trim().to_string())
}

/// Every field the line would set, as its intent records them: the
/// outcome, and the notes and custom fields when it gives them.
fn contact_after(wanted: &OutcomeCode, draft: &ContactDispositionDraft) -> Value {
    let mut after = json!({ "outcomeCode": wanted.as_str() });
    let notes = draft.notes.trim();
    if !notes.is_empty() {
        after["notes"] = json!(notes);
    }
    if let Some(fields @ Value::Object(_)) = &draft.custom_fields {
        after["customFields"] = fields.clone();
    }
    after
}

/// Contacts as the tenant holds them: campaigns with many lines read whole.
struct ContactCache {
    listed: HashMap<(String, String), Contact>,
    listed_campaigns: HashSet<String>,
    /// Contacts a line of the file takes, with the line (by index): an
    /// earlier line would write its outcome, or an earlier run wrote one of
    /// the file's lines to it. As the run has it, a line skipped (the dialer
    /// holds the contact, it has the outcome already) or refused at its read
    /// leaves the contact to the next line for it, and a re-run sends no
    /// other line for a contact that run wrote a line to.
    taken: HashMap<(String, String), usize>,
}

impl ContactCache {
    async fn read(client: &Client, batch: &Batch, earlier: &EarlierLines) -> Result<Self, ApiError> {
        let mut per_campaign: HashMap<&str, usize> = HashMap::new();
        for line in &batch.lines {
            if let Entry::ContactDisposition(d) = &line.entry {
                *per_campaign.entry(d.campaign_id.trim()).or_default() += 1;
            }
        }
        let mut cache =
            Self { listed: HashMap::new(), listed_campaigns: HashSet::new(), taken: HashMap::new() };
        for (campaign, _) in per_campaign.into_iter().filter(|(_, lines)| *lines >= LIST_FROM) {
            let Ok(id) = CampaignId::parse(campaign) else { continue };
            let mut query = ListQuery::<ContactFilter>::new().top(MAX_TOP);
            for _ in 0..MAX_PAGES {
                let page = again(client.retry_policy(), || client.contacts(&id, &query)).await?.value;
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
        cache.take_earlier(client, batch, earlier).await?;
        Ok(cache)
    }

    /// The contacts earlier runs took, as start-up finds them: those a line
    /// wrote to, and those a line sent without learning how it ended whose
    /// contact now holds its outcome (start-up reads it back and settles it
    /// as applied). A sent line whose outcome is not there is sent again in
    /// its turn, and takes nothing before then.
    async fn take_earlier(
        &mut self,
        client: &Client,
        batch: &Batch,
        earlier: &EarlierLines,
    ) -> Result<(), ApiError> {
        for (index, line) in batch.lines.iter().enumerate() {
            let Entry::ContactDisposition(draft) = &line.entry else { continue };
            let took = if earlier.wrote.contains(&index) {
                true
            } else if earlier.sent.contains(&index) {
                let held = self.contact(client, &contact_key(draft)).await?;
                held.is_some_and(|c| c.outcome_code.as_deref() == Some(draft.outcome_code.trim()))
            } else {
                false
            };
            if took {
                self.taken.entry(contact_key(draft)).or_insert(index);
            }
        }
        Ok(())
    }

    /// The contact `key` names as the tenant holds it; `None` when there is
    /// no such contact or its ids do not read.
    async fn contact(&self, client: &Client, key: &(String, String)) -> Result<Option<Contact>, ApiError> {
        if self.listed_campaigns.contains(&key.0) {
            return Ok(self.listed.get(key).cloned());
        }
        let Ok((campaign, id)) = CampaignId::parse(&key.0).and_then(|c| Ok((c, ContactId::parse(&key.1)?)))
        else {
            return Ok(None);
        };
        match again(client.retry_policy(), || client.contact(&campaign, &id)).await {
            Ok(reply) => Ok(Some(reply.value)),
            Err(ApiError { kind: ApiErrorKind::NotFound { .. }, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn preview(
        &mut self,
        client: &Client,
        index: usize,
        line: &Line,
        draft: &ContactDispositionDraft,
    ) -> Previewed {
        let key = contact_key(draft);
        if self.taken.get(&key).is_some_and(|&by| by != index) {
            let mut report = LineReport::new(line, Verdict::WouldSkip, SkipReason::Duplicate.to_string());
            report.key = Some(SkipKey::Duplicate);
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
            match again(client.retry_policy(), || client.contact(&campaign, &id)).await {
                Ok(reply) => reply.value,
                Err(e) => return refused(line, Err(e)),
            }
        };
        let wanted = match OutcomeCode::parse_as("outcomeCode", &draft.outcome_code) {
            Ok(code) => code,
            Err(e) => return Ok(broken(line, e)),
        };
        let before = json!({"state": contact.state.as_str(), "outcomeCode": contact.outcome_code});
        let after = contact_after(&wanted, draft);
        let report = match check_contact(&contact.state, contact.outcome_code.as_deref(), &wanted) {
            Ok(()) => {
                self.taken.insert(key, index);
                LineReport::new(line, Verdict::WouldApply, "would set the contact's outcome")
            }
            Err(skip) => {
                let mut report = LineReport::new(line, Verdict::WouldSkip, skip.to_string());
                report.key = Some(SkipKey::from(&skip));
                report
            }
        };
        Ok(changes(report, before, after))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contact_line_shows_every_field_it_sets() {
        let mut draft = ContactDispositionDraft {
            outcome_code: "INTERESTED".into(),
            notes: "  call back, Tuesday\n".into(),
            custom_fields: Some(json!({"a": "x,y"})),
            ..Default::default()
        };
        let code = OutcomeCode::parse_as("outcomeCode", "INTERESTED").unwrap();
        assert_eq!(
            contact_after(&code, &draft),
            json!({"outcomeCode": "INTERESTED", "notes": "call back, Tuesday", "customFields": {"a": "x,y"}})
        );
        (draft.notes, draft.custom_fields) = (" ".into(), None);
        assert_eq!(contact_after(&code, &draft), json!({"outcomeCode": "INTERESTED"}));
    }
}
