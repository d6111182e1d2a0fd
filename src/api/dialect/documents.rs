//! The REST surface of the five operation documents, as docs/wire.md pins it.

use super::replies::{
    WireAttributes, WireCampaign, WireContact, WireDataAction, WireInteraction, WireMetrics, WirePage,
    WireStatusChanged, WireUser, WireWebhook, WireWebhookList, etag, json,
};
use super::{Call, CallSpec, DecodeError, Dialect, Intent, RawReply, ServerMessage, bodies};
use crate::api::model::{
    AttributeSnapshot, Campaign, Contact, ContactFilter, DataAction, Interaction, InteractionFilter,
    ListQuery, MetricsQuery, MetricsRow, NoFilter, Page, StatusChanged, User, UserFilter, Webhook, WebhookId,
    WebhookRegistration,
};
use crate::api::text;
use crate::domain::agent_status::{AgentStatusChange, PauseReasons};
use crate::domain::attributes::AttributeUpdate;
use crate::domain::contact_disposition::ContactDisposition;
use crate::domain::data_action::DataActionDefinition;
use crate::domain::interaction_disposition::{DispositionMatrix, InteractionDisposition, MatrixCode};
use crate::domain::{CampaignId, ContactId, DataActionId, FieldError, InteractionId, UserId};
use reqwest::Method;
use serde::Deserialize;

const INTERACTIONS: [&str; 3] = ["api", "v1", "interactions"];
const CAMPAIGNS: [&str; 4] = ["api", "v1", "outbound", "campaigns"];
const USERS: [&str; 3] = ["api", "v2", "users"];
const DATA_ACTIONS: [&str; 3] = ["api", "v2", "data-actions"];
const WEBHOOKS: [&str; 3] = ["api", "v2", "webhooks"];

/// The documents' dialect: `/api/v1` for interactions and outbound,
/// `/api/v2` for attributes, webhooks, users and data actions.
#[derive(Debug, Clone, Copy, Default)]
pub struct DocumentsDialect;

fn path<const N: usize>(base: [&'static str; N], rest: &[&str]) -> Vec<String> {
    base.iter().chain(rest).map(|s| (*s).to_string()).collect()
}

fn spec(method: Method, intent: Intent, segments: Vec<String>) -> CallSpec {
    CallSpec { segments, ..CallSpec::new(method, intent, &[]) }
}

fn list<F>(segments: Vec<String>, q: &ListQuery<F>, filter: Option<(&'static str, String)>) -> CallSpec {
    let mut s = spec(Method::GET, Intent::Read, segments);
    if let Some(top) = q.top {
        s = s.with_query("top", top.to_string());
    }
    if q.skip > 0 {
        s = s.with_query("skip", q.skip.to_string());
    }
    if let Some(since) = &q.updated_since {
        s = s.with_query("updatedSince", since.clone());
    }
    if let Some((name, value)) = filter {
        s = s.with_query(name, value);
    }
    s
}

fn failed(reply: &RawReply) -> impl Fn(String) -> DecodeError + '_ {
    move |detail| DecodeError::new(detail, &reply.body)
}

fn page<W, M>(spec: CallSpec, what: &'static str, item: fn(W) -> Result<M, String>) -> Call<Page<M>>
where
    W: serde::de::DeserializeOwned + 'static,
    M: 'static,
{
    Call::new(spec, move |reply| {
        let wire: WirePage<W> = json(reply, what)?;
        wire.into_page(item).map_err(failed(reply))
    })
}

fn interaction(spec: CallSpec) -> Call<Interaction> {
    Call::new(spec, |reply| Ok(json::<WireInteraction>(reply, "the interaction")?.into_model(etag(reply))))
}

fn attributes(spec: CallSpec) -> Call<AttributeSnapshot> {
    Call::new(spec, |reply| Ok(json::<WireAttributes>(reply, "the attributes")?.into_model()))
}

fn contact(spec: CallSpec) -> Call<Contact> {
    Call::new(spec, |reply| Ok(json::<WireContact>(reply, "the contact")?.into_model(etag(reply))))
}

fn data_action(spec: CallSpec) -> Call<DataAction> {
    Call::new(spec, |reply| {
        json::<WireDataAction>(reply, "the data action")?.into_model(etag(reply)).map_err(failed(reply))
    })
}

/// The documented error body; every field optional so that any JSON object
/// yields what it has.
#[derive(Deserialize, Default)]
struct WireError {
    error: Option<String>,
    message: Option<String>,
    error_description: Option<String>,
    #[serde(default)]
    details: Vec<WireDetail>,
}

#[derive(Deserialize)]
struct WireDetail {
    field: String,
    rule: String,
}

impl Dialect for DocumentsDialect {
    fn server_message(&self, reply: &RawReply) -> ServerMessage {
        let body: WireError = serde_json::from_slice(&reply.body).unwrap_or_default();
        let sentence = [&body.message, &body.error_description, &body.error]
            .into_iter()
            .flatten()
            .find(|m| !m.trim().is_empty())
            .map(|m| text::sanitize(m, text::MAX_MESSAGE_CHARS))
            .unwrap_or_else(|| reply.status.canonical_reason().unwrap_or("no explanation given").to_string());
        ServerMessage {
            code: body.error.map(|c| text::sanitize(&c, 64)),
            message: sentence,
            details: body
                .details
                .into_iter()
                .map(|d| {
                    FieldError::new(
                        text::sanitize(&d.field, 200),
                        text::sanitize(&d.rule, text::MAX_MESSAGE_CHARS),
                    )
                })
                .collect(),
        }
    }

    fn dispositions(&self) -> Call<DispositionMatrix> {
        #[derive(Deserialize)]
        struct Wire {
            dispositions: Vec<MatrixCode>,
        }
        Call::new(CallSpec::get(&["api", "v1", "dispositions"]), |reply| {
            Ok(DispositionMatrix::new(json::<Wire>(reply, "the disposition matrix")?.dispositions))
        })
    }

    fn interactions(&self, q: &ListQuery<InteractionFilter>) -> Call<Page<Interaction>> {
        let filter = q.filter.status.as_ref().map(|s| ("status", s.to_string()));
        page(list(path(INTERACTIONS, &[]), q, filter), "the interaction list", |w: WireInteraction| {
            Ok(w.into_model(None))
        })
    }

    fn interaction(&self, id: &InteractionId) -> Call<Interaction> {
        interaction(spec(Method::GET, Intent::Read, path(INTERACTIONS, &[id.as_str()])))
    }

    fn set_dispositions(&self, change: &InteractionDisposition) -> Call<Interaction> {
        let segments = path(INTERACTIONS, &[change.interaction_id.as_str()]);
        interaction(spec(Method::PATCH, Intent::Write, segments).with_body(bodies::dispositions(change)))
    }

    fn attributes(&self, id: &InteractionId) -> Call<AttributeSnapshot> {
        let segments = path(["api", "v2", "interactions"], &[id.as_str(), "attributes"]);
        attributes(spec(Method::GET, Intent::Read, segments))
    }

    fn update_attributes(&self, update: &AttributeUpdate) -> Call<AttributeSnapshot> {
        let segments = path(["api", "v2", "interactions"], &[update.interaction_id.as_str(), "attributes"]);
        attributes(spec(Method::POST, Intent::Write, segments).with_body(bodies::attributes(update)))
    }

    fn register_webhook(&self, registration: &WebhookRegistration) -> Call<Webhook> {
        let s =
            spec(Method::POST, Intent::Write, path(WEBHOOKS, &[])).with_body(bodies::webhook(registration));
        Call::new(s, |reply| json::<WireWebhook>(reply, "the webhook")?.into_model().map_err(failed(reply)))
    }

    fn webhooks(&self) -> Call<Vec<Webhook>> {
        Call::new(spec(Method::GET, Intent::Read, path(WEBHOOKS, &[])), |reply| {
            json::<WireWebhookList>(reply, "the webhook list")?.into_model().map_err(failed(reply))
        })
    }

    fn delete_webhook(&self, id: &WebhookId) -> Call<()> {
        Call::new(spec(Method::DELETE, Intent::Write, path(WEBHOOKS, &[id.as_str()])), |_| Ok(()))
    }

    fn campaigns(&self, q: &ListQuery<NoFilter>) -> Call<Page<Campaign>> {
        page(list(path(CAMPAIGNS, &[]), q, None), "the campaign list", |w: WireCampaign| Ok(w.into_model()))
    }

    fn campaign(&self, id: &CampaignId) -> Call<Campaign> {
        Call::new(spec(Method::GET, Intent::Read, path(CAMPAIGNS, &[id.as_str()])), |reply| {
            Ok(json::<WireCampaign>(reply, "the campaign")?.into_model())
        })
    }

    fn contacts(&self, campaign: &CampaignId, q: &ListQuery<ContactFilter>) -> Call<Page<Contact>> {
        let filter = q.filter.state.as_ref().map(|s| ("state", s.to_string()));
        let segments = path(CAMPAIGNS, &[campaign.as_str(), "contacts"]);
        page(list(segments, q, filter), "the contact list", |w: WireContact| Ok(w.into_model(None)))
    }

    fn contact(&self, campaign: &CampaignId, id: &ContactId) -> Call<Contact> {
        contact(spec(
            Method::GET,
            Intent::Read,
            path(CAMPAIGNS, &[campaign.as_str(), "contacts", id.as_str()]),
        ))
    }

    fn set_contact_disposition(&self, d: &ContactDisposition) -> Call<Option<Contact>> {
        let segments = path(CAMPAIGNS, &[d.campaign_id.as_str(), "contacts", d.contact_id.as_str()]);
        let spec = spec(Method::PATCH, Intent::Write, segments).with_body(bodies::contact_disposition(d));
        Call::new(spec, |reply| {
            // Document 001 counts 204 as success as well as 200: the tenant
            // took the change without showing the contact.
            if reply.status.as_u16() == 204 {
                return Ok(None);
            }
            Ok(Some(json::<WireContact>(reply, "the contact")?.into_model(etag(reply))))
        })
    }

    fn users(&self, q: &ListQuery<UserFilter>) -> Call<Page<User>> {
        let filter = q.filter.team.as_ref().map(|t| ("team", t.clone()));
        page(list(path(USERS, &[]), q, filter), "the user list", |w: WireUser| Ok(w.into_model(None)))
    }

    fn user(&self, id: &UserId) -> Call<User> {
        Call::new(spec(Method::GET, Intent::Read, path(USERS, &[id.as_str()])), |reply| {
            Ok(json::<WireUser>(reply, "the user")?.into_model(etag(reply)))
        })
    }

    fn pause_reasons(&self) -> Call<PauseReasons> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Wire {
            pause_reasons: Vec<String>,
        }
        Call::new(CallSpec::get(&["api", "v2", "pause-reasons"]), |reply| {
            Ok(PauseReasons::new(json::<Wire>(reply, "the pause reasons")?.pause_reasons))
        })
    }

    fn set_agent_status(&self, change: &AgentStatusChange) -> Call<StatusChanged> {
        let segments = path(USERS, &[change.user_id.as_str(), "status"]);
        let s = spec(Method::PUT, Intent::Write, segments).with_body(bodies::agent_status(change));
        let asked = change.clone();
        Call::new(s, move |reply| {
            Ok(json::<WireStatusChanged>(reply, "the status change")?.into_model(&asked))
        })
    }

    fn data_actions(&self, q: &ListQuery<NoFilter>) -> Call<Page<DataAction>> {
        page(list(path(DATA_ACTIONS, &[]), q, None), "the data action list", |w: WireDataAction| {
            w.into_model(None)
        })
    }

    fn data_action(&self, id: &DataActionId) -> Call<DataAction> {
        data_action(spec(Method::GET, Intent::Read, path(DATA_ACTIONS, &[id.as_str()])))
    }

    fn deploy_data_action(&self, definition: &DataActionDefinition) -> Call<DataAction> {
        let s = spec(Method::POST, Intent::Write, path(DATA_ACTIONS, &[]));
        data_action(s.with_body(bodies::data_action(definition)))
    }

    fn set_data_action_version(&self, id: &DataActionId, version: &semver::Version) -> Call<DataAction> {
        let s = spec(Method::PATCH, Intent::Write, path(DATA_ACTIONS, &[id.as_str()]));
        data_action(s.with_body(bodies::new_version(version)))
    }

    fn deprecate_data_action(&self, id: &DataActionId) -> Call<DataAction> {
        let s = spec(Method::PATCH, Intent::Write, path(DATA_ACTIONS, &[id.as_str()]));
        data_action(s.with_body(bodies::deprecation()))
    }

    fn data_action_metrics(&self, q: &MetricsQuery) -> Call<Vec<MetricsRow>> {
        let segments = path(["api", "v2", "analytics"], &["data-actions", "details", "query"]);
        let s = spec(Method::POST, Intent::Read, segments).with_body(bodies::metrics_query(q));
        Call::new(s, |reply| Ok(json::<WireMetrics>(reply, "the execution metrics")?.into_model()))
    }
}
