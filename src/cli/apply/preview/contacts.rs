//! Contact lines in a dry run: each held to its contact as the run would
//! find it, and to the lines before it, as the run's batch takes contacts
//! (see the engine's `contact_dispositions::behind`).

use super::{EarlierLines, Previewed, broken, changes, refused};
use crate::api::model::{Contact, ContactFilter, ListQuery, MAX_TOP};
use crate::api::{ApiError, ApiErrorKind, Client};
use crate::cli::apply::batch::Batch;
use crate::cli::apply::entry::{Entry, Line};
use crate::cli::apply::report::{LineReport, Verdict};
use crate::domain::contact_disposition::{ContactDispositionDraft, OutcomeCode, SkipReason, check_contact};
use crate::domain::{CampaignId, ContactId, FieldError};
use crate::engine::{SkipKey, again, contact_intended, contact_state};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// A campaign with at least this many lines is read as a list (a thousand
/// contacts a call) rather than one contact at a time.
const LIST_FROM: usize = 20;
/// Pages of one campaign's contacts read at most (a million contacts).
const MAX_PAGES: usize = 1_000;

/// How reading a contact came out: made and matched once, so the contact
/// is moved, not boxed.
#[expect(clippy::large_enum_variant, reason = "short-lived, moved once")]
enum Read {
    Held(Contact),
    /// Its campaign was read whole, without it.
    NotListed,
    /// Its ids do not read.
    BadIds(FieldError),
    Failed(ApiError),
}

fn contact_key(draft: &ContactDispositionDraft) -> (String, String) {
    (draft.campaign_id.trim().to_string(), draft.contact_id.trim().to_string())
}

/// Every field the line would set, as its intent records them: the
/// outcome, the notes (empty when it gives none, as they are sent) and the
/// custom fields when it gives them.
fn contact_after(wanted: &OutcomeCode, draft: &ContactDispositionDraft) -> Value {
    let notes = Some(draft.notes.trim()).filter(|n| !n.is_empty());
    contact_intended(wanted.as_str(), notes, sent_fields(draft))
}

/// The custom fields a line sets, when it gives them.
fn sent_fields(draft: &ContactDispositionDraft) -> Option<&serde_json::Map<String, Value>> {
    draft.custom_fields.as_ref().and_then(Value::as_object)
}

/// Contacts as the tenant holds them: campaigns with many lines read whole.
pub(super) struct ContactCache {
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
    pub async fn read(client: &Client, batch: &Batch, earlier: &EarlierLines) -> Result<Self, ApiError> {
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
        match self.read_contact(client, key).await {
            Read::Held(contact) => Ok(Some(contact)),
            Read::NotListed | Read::BadIds(_) => Ok(None),
            Read::Failed(ApiError { kind: ApiErrorKind::NotFound { .. }, .. }) => Ok(None),
            Read::Failed(e) => Err(e),
        }
    }

    /// The contact `key` names: from its campaign's list when that was
    /// read whole, else read on its own.
    async fn read_contact(&self, client: &Client, key: &(String, String)) -> Read {
        if self.listed_campaigns.contains(&key.0) {
            return self.listed.get(key).cloned().map_or(Read::NotListed, Read::Held);
        }
        let (campaign, id) = match CampaignId::parse(&key.0).and_then(|c| Ok((c, ContactId::parse(&key.1)?)))
        {
            Ok(ids) => ids,
            Err(e) => return Read::BadIds(e),
        };
        match again(client.retry_policy(), || client.contact(&campaign, &id)).await {
            Ok(reply) => Read::Held(reply.value),
            Err(e) => Read::Failed(e),
        }
    }

    pub async fn preview(
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
        let contact = match self.read_contact(client, &key).await {
            Read::Held(contact) => contact,
            Read::NotListed => {
                let rule = format!("no contact {} in campaign {}", key.1, key.0);
                return Ok(LineReport::new(line, Verdict::WouldReject, rule));
            }
            Read::BadIds(e) => return Ok(broken(line, e)),
            Read::Failed(e) => return refused(line, Err(e)),
        };
        let wanted = match OutcomeCode::parse_as("outcomeCode", &draft.outcome_code) {
            Ok(code) => code,
            Err(e) => return Ok(broken(line, e)),
        };
        let before = contact_state(&contact, sent_fields(draft));
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
    use serde_json::json;

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
        assert_eq!(contact_after(&code, &draft), json!({"outcomeCode": "INTERESTED", "notes": ""}));
    }
}
