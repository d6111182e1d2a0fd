//! API dialects: every path, method and body shape of a tenant's REST
//! surface, in one place.
//!
//! The client never spells a path or a field name. For each operation it asks
//! its [`Dialect`] for a [`Call`]: how to send it ([`CallSpec`]) and how to
//! read the success reply into the client's own model. A tenant that speaks a
//! different surface gets another dialect; callers do not change.

mod bodies;
mod documents;
mod replies;

pub use documents::DocumentsDialect;

use super::model::{
    AttributeSnapshot, Campaign, Contact, ContactFilter, DataAction, Interaction, InteractionFilter,
    ListQuery, MetricsQuery, MetricsRow, NoFilter, Page, StatusChanged, User, UserFilter, Webhook, WebhookId,
    WebhookRegistration,
};
use super::text;
use crate::domain::agent_status::{AgentStatusChange, PauseReasons};
use crate::domain::attributes::AttributeUpdate;
use crate::domain::contact_disposition::ContactDisposition;
use crate::domain::data_action::DataActionDefinition;
use crate::domain::interaction_disposition::{DispositionMatrix, InteractionDisposition};
use crate::domain::{CampaignId, ContactId, DataActionId, FieldError, InteractionId, UserId};
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::fmt;

/// Whether a call changes anything. A POST that only queries is a read,
/// which makes it safe to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    Read,
    Write,
}

/// How to send one call. The client adds authentication, the common headers
/// and the write guards.
#[derive(Debug, Clone, PartialEq)]
pub struct CallSpec {
    pub method: Method,
    pub intent: Intent,
    /// Path segments below the base URL, unencoded: the client
    /// percent-encodes each, so an id can never address another resource.
    pub segments: Vec<String>,
    pub query: Vec<(&'static str, String)>,
    /// Headers particular to this dialect or call.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Option<Value>,
}

impl CallSpec {
    pub fn new(method: Method, intent: Intent, segments: &[&str]) -> Self {
        Self {
            method,
            intent,
            segments: segments.iter().map(|s| (*s).to_string()).collect(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn get(segments: &[&str]) -> Self {
        Self::new(Method::GET, Intent::Read, segments)
    }

    pub fn with_body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    pub fn with_query(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.query.push((name, value.into()));
        self
    }
}

/// A reply as received: status, headers and the whole body.
#[derive(Debug, Clone)]
pub struct RawReply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl RawReply {
    /// A header's value, when present and readable as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Why a success reply could not be read into the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// What was wrong, as short text.
    pub detail: String,
    /// The start of the body, sanitised.
    pub excerpt: String,
}

impl DecodeError {
    pub fn new(detail: impl AsRef<str>, body: &[u8]) -> Self {
        Self {
            detail: text::sanitize(detail.as_ref(), text::MAX_MESSAGE_CHARS),
            excerpt: text::excerpt(body),
        }
    }
}

/// Reads a success reply into a model value.
pub type Decoder<T> = Box<dyn Fn(&RawReply) -> Result<T, DecodeError> + Send + Sync>;

/// One operation as a dialect speaks it.
pub struct Call<T> {
    pub spec: CallSpec,
    decode: Decoder<T>,
}

impl<T> Call<T> {
    pub fn new(
        spec: CallSpec,
        decode: impl Fn(&RawReply) -> Result<T, DecodeError> + Send + Sync + 'static,
    ) -> Self {
        Self { spec, decode: Box::new(decode) }
    }

    pub fn decode(&self, reply: &RawReply) -> Result<T, DecodeError> {
        (self.decode)(reply)
    }
}

impl<T> fmt::Debug for Call<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call").field("spec", &self.spec).finish_non_exhaustive()
    }
}

/// What the tenant said when it refused a call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerMessage {
    /// The machine code (`insufficient_scope`), if any.
    pub code: Option<String>,
    /// The human sentence, sanitised.
    pub message: String,
    /// The fields at fault, when named.
    pub details: Vec<FieldError>,
}

/// A tenant's REST surface.
pub trait Dialect: Send + Sync + fmt::Debug {
    /// Reads the body of an error reply.
    fn server_message(&self, reply: &RawReply) -> ServerMessage;

    fn dispositions(&self) -> Call<DispositionMatrix>;
    fn interactions(&self, query: &ListQuery<InteractionFilter>) -> Call<Page<Interaction>>;
    fn interaction(&self, id: &InteractionId) -> Call<Interaction>;
    fn set_dispositions(&self, change: &InteractionDisposition) -> Call<Interaction>;

    fn attributes(&self, id: &InteractionId) -> Call<AttributeSnapshot>;
    fn update_attributes(&self, update: &AttributeUpdate) -> Call<AttributeSnapshot>;
    fn register_webhook(&self, registration: &WebhookRegistration) -> Call<Webhook>;
    fn webhooks(&self) -> Call<Vec<Webhook>>;
    fn delete_webhook(&self, id: &WebhookId) -> Call<()>;

    fn campaigns(&self, query: &ListQuery<NoFilter>) -> Call<Page<Campaign>>;
    fn campaign(&self, id: &CampaignId) -> Call<Campaign>;
    fn contacts(&self, campaign: &CampaignId, query: &ListQuery<ContactFilter>) -> Call<Page<Contact>>;
    fn contact(&self, campaign: &CampaignId, id: &ContactId) -> Call<Contact>;
    /// The contact as the tenant now holds it; `None` when it answered 204.
    fn set_contact_disposition(&self, disposition: &ContactDisposition) -> Call<Option<Contact>>;

    fn users(&self, query: &ListQuery<UserFilter>) -> Call<Page<User>>;
    fn user(&self, id: &UserId) -> Call<User>;
    fn pause_reasons(&self) -> Call<PauseReasons>;
    fn set_agent_status(&self, change: &AgentStatusChange) -> Call<StatusChanged>;

    fn data_actions(&self, query: &ListQuery<NoFilter>) -> Call<Page<DataAction>>;
    fn data_action(&self, id: &DataActionId) -> Call<DataAction>;
    fn deploy_data_action(&self, definition: &DataActionDefinition) -> Call<DataAction>;
    fn set_data_action_version(&self, id: &DataActionId, version: &semver::Version) -> Call<DataAction>;
    fn deprecate_data_action(&self, id: &DataActionId) -> Call<DataAction>;
    fn data_action_metrics(&self, query: &MetricsQuery) -> Call<Vec<MetricsRow>>;
}

#[cfg(test)]
mod tests;
