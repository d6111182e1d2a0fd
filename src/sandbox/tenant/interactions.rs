//! Interactions and their dispositions (document 000).

use super::attributes::AttributeSet;
use super::clock::Stamp;
use super::etag::{self, ETag, IfMatch};
use super::store::{Meta, Page, Record, Window};
use super::{Failure, Tagged, Tenant, not_found, page_of, users};
use crate::domain::Timestamp;
use crate::domain::attributes::AttributeEntry;
use crate::domain::interaction_disposition::{
    Disposition, DispositionDraft, InteractionDisposition, InteractionStatus, MatrixCode, ensure_closed,
};
use crate::sandbox::Resource;
use serde::Serialize;

pub(crate) const KIND: &str = "interaction";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Voice,
    Chat,
    Email,
    Sms,
}

impl Channel {
    pub const ALL: [Self; 4] = [Self::Voice, Self::Chat, Self::Email, Self::Sms];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Voice => "voice",
            Self::Chat => "chat",
            Self::Email => "email",
            Self::Sms => "sms",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Interaction {
    pub id: String,
    pub meta: Meta,
    pub status: InteractionStatus,
    pub channel: Channel,
    pub agent_id: Option<String>,
    pub queue: String,
    pub customer_name: String,
    pub started_at: Stamp,
    pub closed_at: Option<Stamp>,
    pub dispositions: Vec<Disposition>,
    pub attributes: AttributeSet,
    pub attributes_updated_at: Stamp,
}

impl Record for Interaction {
    fn id(&self) -> &str {
        &self.id
    }
    fn meta(&self) -> &Meta {
        &self.meta
    }
}

impl Interaction {
    pub fn etag(&self) -> ETag {
        ETag::of(KIND, &self.id, self.meta.version)
    }

    pub fn is_open(&self) -> bool {
        self.status == InteractionStatus::Open
    }

    pub fn close(&mut self, at: Stamp) {
        self.status = InteractionStatus::Closed;
        self.closed_at = Some(at);
        self.meta.touch(at);
    }

    pub fn view(&self) -> InteractionView {
        InteractionView {
            id: self.id.clone(),
            status: self.status.to_string(),
            channel: self.channel,
            agent_id: self.agent_id.clone(),
            queue: self.queue.clone(),
            customer_name: self.customer_name.clone(),
            started_at: self.started_at,
            closed_at: self.closed_at,
            dispositions: self.dispositions.clone(),
            attributes: self.attributes.entries(),
            updated_at: self.meta.updated_at,
        }
    }

    pub fn tagged(&self) -> Tagged<InteractionView> {
        Tagged { etag: self.etag(), value: self.view() }
    }
}

/// `GET /api/v1/interactions/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InteractionView {
    pub id: String,
    pub status: String,
    pub channel: Channel,
    pub agent_id: Option<String>,
    pub queue: String,
    pub customer_name: String,
    pub started_at: Stamp,
    pub closed_at: Option<Stamp>,
    pub dispositions: Vec<Disposition>,
    pub attributes: Vec<AttributeEntry>,
    pub updated_at: Stamp,
}

impl Tenant {
    /// `GET /api/v1/dispositions`: the matrix, in code order.
    pub fn dispositions(&self) -> Vec<MatrixCode> {
        self.matrix.codes().cloned().collect()
    }

    /// `GET /api/v1/interactions`.
    pub fn list_interactions(
        &self,
        window: &Window,
        status: Option<&InteractionStatus>,
    ) -> Page<InteractionView> {
        let mut data = self.lock();
        let as_of = data.clock.now();
        let (items, total) = data.interactions.page(window, |i| status.is_none_or(|s| &i.status == s));
        page_of(items, total, window, as_of, Interaction::view)
    }

    /// `GET /api/v1/interactions/{id}`.
    pub fn interaction(&self, id: &str) -> Result<Tagged<InteractionView>, Failure> {
        let data = self.lock();
        data.interactions.get(id).map(Interaction::tagged).ok_or_else(|| not_found(KIND, id))
    }

    /// `PATCH /api/v1/interactions/{id}`: replaces the dispositions of a
    /// closed interaction. `If-Match` is required; it is checked before the
    /// body, as HTTP preconditions are.
    pub fn set_dispositions(
        &self,
        id: &str,
        if_match: Option<&IfMatch>,
        drafts: &[DispositionDraft],
    ) -> Result<Tagged<InteractionView>, Failure> {
        let mut data = self.lock();
        let now = data.clock.now();
        let current = data.interactions.get(id).ok_or_else(|| not_found(KIND, id))?;
        let Some(if_match) = if_match else {
            return Err(Failure::precondition_required(format!(
                "If-Match: required to change interaction {id}; send the ETag of your last GET"
            )));
        };
        etag::check(Some(if_match), &current.etag(), &format!("interaction {id}"))?;
        let change = InteractionDisposition::validate(
            id,
            drafts,
            &self.matrix,
            Timestamp::from_datetime(now.datetime()),
        )
        .map_err(|e| Failure::invalid(&e))?;
        for (field, agent) in change.agents() {
            users::attributable(&data.users, &field, agent)?;
        }
        ensure_closed(&change.interaction_id, &current.status).map_err(Failure::field)?;
        // A timestamp the request carries is part of what it asks for: the
        // same codes at another instant replace the ones held.
        if change.held_by(&current.dispositions) {
            self.stats.write_repeated(Resource::InteractionDisposition);
            return Ok(current.tagged());
        }
        let updated = data.interactions.edit(id, |i| {
            i.dispositions = change.dispositions;
            i.meta.touch(now);
            i.tagged()
        });
        self.stats.write_applied(Resource::InteractionDisposition);
        updated.ok_or_else(|| not_found(KIND, id))
    }
}
