//! Outbound campaigns, their contacts and contact dispositions (document 001).

use super::clock::Stamp;
use super::etag::{self, ETag, IfMatch};
use super::rate_limit::{TokenBucket, retry_after_secs};
use super::store::{Meta, Page, Record, Store, Window};
use super::users::{self, User};
use super::{Failure, Tagged, Tenant, not_found, page_of};
use crate::domain::Timestamp;
use crate::domain::contact_disposition::{
    AGENT_FIELD, ContactDisposition, ContactDispositionDraft, DialerState, OutcomeMatrix, SkipReason,
    check_contact,
};
use crate::sandbox::Resource;
use serde::Serialize;
use serde_json::{Map, Value};

const CAMPAIGN: &str = "campaign";
pub(crate) const CONTACT: &str = "contact";

#[derive(Debug)]
pub(crate) struct Campaign {
    pub id: String,
    pub meta: Meta,
    pub name: String,
    pub status: &'static str,
    pub dialing_mode: String,
    pub outcomes: OutcomeMatrix,
    pub contacts: Store<Contact>,
    /// `None` when the sandbox runs without a rate limit.
    pub bucket: Option<TokenBucket>,
}

impl Record for Campaign {
    fn id(&self) -> &str {
        &self.id
    }
    fn meta(&self) -> &Meta {
        &self.meta
    }
}

impl Campaign {
    fn etag(&self) -> ETag {
        ETag::of(CAMPAIGN, &self.id, self.meta.version)
    }

    fn view(&self) -> CampaignView {
        CampaignView {
            id: self.id.clone(),
            name: self.name.clone(),
            status: self.status,
            dialing_mode: self.dialing_mode.clone(),
            outcome_codes: self.outcomes.codes().map(str::to_string).collect(),
            contact_count: self.contacts.len(),
            updated_at: self.meta.updated_at,
        }
    }

    /// Spends one request of the campaign's rate, or refuses with 429.
    fn admit(&mut self) -> Result<(), Failure> {
        let Some(bucket) = &mut self.bucket else { return Ok(()) };
        bucket.take(tokio::time::Instant::now()).map_err(|wait| {
            let secs = retry_after_secs(wait);
            Failure::rate_limited(
                secs,
                format!("campaign {} takes {}; retry in {secs} s", self.id, bucket.describe()),
            )
        })
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Contact {
    pub id: String,
    pub meta: Meta,
    pub campaign_id: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub state: DialerState,
    pub outcome: Option<String>,
    pub agent_id: Option<String>,
    pub notes: String,
    pub custom_fields: Map<String, Value>,
    pub disposition_timestamp: Option<Timestamp>,
    pub attempts: u32,
}

impl Record for Contact {
    fn id(&self) -> &str {
        &self.id
    }
    fn meta(&self) -> &Meta {
        &self.meta
    }
}

impl Contact {
    /// Whether `change`, its outcome already held, sets anything else. A
    /// time the body left out (filled with now) is not a change: the same
    /// body sent again would otherwise never be a repeat.
    fn would_change(&self, change: &ContactDisposition, timestamp_given: bool) -> bool {
        let notes = change.notes.as_deref().unwrap_or_default();
        let fields = change.custom_fields.iter().flatten();
        self.agent_id.as_deref() != Some(change.agent_id.as_str())
            || self.notes != notes
            || fields.into_iter().any(|(key, value)| self.custom_fields.get(key) != Some(value))
            || (timestamp_given && self.disposition_timestamp.as_ref() != Some(&change.disposition_timestamp))
    }

    pub fn etag(&self) -> ETag {
        ETag::of(CONTACT, &format!("{}/{}", self.campaign_id, self.id), self.meta.version)
    }

    pub fn view(&self) -> ContactView {
        ContactView {
            id: self.id.clone(),
            campaign_id: self.campaign_id.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            phone: self.phone.clone(),
            state: self.state.clone(),
            outcome_code: self.outcome.clone(),
            agent_id: self.agent_id.clone(),
            notes: self.notes.clone(),
            custom_fields: self.custom_fields.clone(),
            disposition_timestamp: self.disposition_timestamp,
            attempts: self.attempts,
            updated_at: self.meta.updated_at,
        }
    }

    pub fn tagged(&self) -> Tagged<ContactView> {
        Tagged { etag: self.etag(), value: self.view() }
    }
}

/// `GET /api/v1/outbound/campaigns/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CampaignView {
    pub id: String,
    pub name: String,
    pub status: &'static str,
    pub dialing_mode: String,
    pub outcome_codes: Vec<String>,
    pub contact_count: usize,
    pub updated_at: Stamp,
}

/// `GET /api/v1/outbound/campaigns/{cid}/contacts/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactView {
    pub id: String,
    pub campaign_id: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub state: DialerState,
    pub outcome_code: Option<String>,
    pub agent_id: Option<String>,
    pub notes: String,
    pub custom_fields: Map<String, Value>,
    pub disposition_timestamp: Option<Timestamp>,
    pub attempts: u32,
    pub updated_at: Stamp,
}

/// The body of a contact PATCH, as sent; ids come from the path.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContactDispositionBody {
    pub outcome_code: String,
    pub agent_id: String,
    pub notes: String,
    pub custom_fields: Option<Value>,
    pub disposition_timestamp: String,
}

impl Tenant {
    /// `GET /api/v1/outbound/campaigns`.
    pub fn list_campaigns(&self, window: &Window) -> Page<CampaignView> {
        let mut data = self.lock();
        let as_of = data.clock.now();
        let (items, total) = data.campaigns.page(window, |_| true);
        page_of(items, total, window, as_of, Campaign::view)
    }

    /// `GET /api/v1/outbound/campaigns/{id}`.
    pub fn campaign(&self, id: &str) -> Result<Tagged<CampaignView>, Failure> {
        let data = self.lock();
        let c = data.campaigns.get(id).ok_or_else(|| not_found(CAMPAIGN, id))?;
        Ok(Tagged { etag: c.etag(), value: c.view() })
    }

    /// Runs `f` on a campaign, beside the tenant's users, after charging the
    /// request to its rate limit.
    fn with_campaign<R>(
        &self,
        cid: &str,
        f: impl FnOnce(&mut Campaign, Stamp, &Store<User>) -> Result<R, Failure>,
    ) -> Result<R, Failure> {
        let mut guard = self.lock();
        let data = &mut *guard;
        let now = data.clock.now();
        let users = &data.users;
        data.campaigns
            .edit(cid, |c| match c.admit() {
                Ok(()) => f(c, now, users),
                Err(limited) => {
                    self.stats.rate_limited();
                    Err(limited)
                }
            })
            .ok_or_else(|| not_found(CAMPAIGN, cid))?
    }

    /// `GET /api/v1/outbound/campaigns/{cid}/contacts`, filtered by `state`.
    pub fn list_contacts(
        &self,
        cid: &str,
        window: &Window,
        state: Option<&DialerState>,
    ) -> Result<Page<ContactView>, Failure> {
        self.with_campaign(cid, |c, as_of, _| {
            let (items, total) = c.contacts.page(window, |k| state.is_none_or(|s| &k.state == s));
            Ok(page_of(items, total, window, as_of, Contact::view))
        })
    }

    /// `GET /api/v1/outbound/campaigns/{cid}/contacts/{id}`.
    pub fn contact(&self, cid: &str, id: &str) -> Result<Tagged<ContactView>, Failure> {
        self.with_campaign(cid, |c, _, _| {
            c.contacts.get(id).map(Contact::tagged).ok_or_else(|| not_found(CONTACT, id))
        })
    }

    /// `PATCH /api/v1/outbound/campaigns/{cid}/contacts/{id}`: sets the
    /// outcome of a contact the dialer does not hold. A body that would leave
    /// the contact as it is (the same request again) changes nothing and is
    /// counted as a repeat; the same outcome with other notes, fields, agent
    /// or time stores those, so a 200 always means the body is held.
    pub fn set_contact_outcome(
        &self,
        cid: &str,
        id: &str,
        if_match: Option<&IfMatch>,
        body: &ContactDispositionBody,
    ) -> Result<Tagged<ContactView>, Failure> {
        self.with_campaign(cid, |c, now, users| {
            let current = c.contacts.get(id).ok_or_else(|| not_found(CONTACT, id))?;
            etag::check(if_match, &current.etag(), &format!("contact {id}"))?;
            let draft = ContactDispositionDraft {
                contact_id: id.to_string(),
                campaign_id: cid.to_string(),
                outcome_code: body.outcome_code.clone(),
                agent_id: body.agent_id.clone(),
                notes: body.notes.clone(),
                custom_fields: body.custom_fields.clone(),
                disposition_timestamp: body.disposition_timestamp.clone(),
            };
            let change = ContactDisposition::validate(&draft, &c.outcomes, Timestamp::from_datetime(now.datetime()))
                .map_err(|e| Failure::invalid(&e))?;
            users::attributable(users, AGENT_FIELD, &change.agent_id)?;
            match check_contact(&current.state, current.outcome.as_deref(), &change.outcome_code) {
                Err(SkipReason::DialerState { state }) => {
                    return Err(Failure::conflict(format!(
                        "contact {id} is {state}: the dialer holds it; set its outcome when the call has ended"
                    )));
                }
                Err(SkipReason::Unchanged | SkipReason::Duplicate)
                    if !current.would_change(&change, !body.disposition_timestamp.trim().is_empty()) =>
                {
                    self.stats.write_repeated(Resource::ContactDisposition);
                    return Ok(current.tagged());
                }
                Err(SkipReason::Unchanged | SkipReason::Duplicate) | Ok(()) => {}
            }
            let updated = c.contacts.edit(id, |k| {
                k.state = DialerState::Completed;
                k.outcome = Some(change.outcome_code.as_str().to_string());
                k.agent_id = Some(change.agent_id.as_str().to_string());
                k.notes = change.notes.unwrap_or_default();
                if let Some(fields) = change.custom_fields {
                    k.custom_fields.extend(fields);
                }
                k.disposition_timestamp = Some(change.disposition_timestamp);
                k.meta.touch(now);
                k.tagged()
            });
            self.stats.write_applied(Resource::ContactDisposition);
            updated.ok_or_else(|| not_found(CONTACT, id))
        })
    }
}
