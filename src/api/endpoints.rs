//! One typed function per endpoint. Each asks the dialect for the call and
//! hands it to [`Client::run`] with its guards.

use super::call::Reply;
use super::client::{Client, Guards};
use super::error::{ApiError, ApiErrorKind};
use super::guards::{ETag, IdempotencyKey};
use super::model::{
    AttributeSnapshot, Campaign, Contact, ContactFilter, DataAction, Interaction, InteractionFilter,
    ListQuery, MetricsQuery, MetricsRow, NoFilter, Page, StatusChanged, User, UserFilter, Webhook, WebhookId,
    WebhookRegistration,
};
use crate::domain::agent_status::{AgentStatusChange, PauseReasons};
use crate::domain::attributes::AttributeUpdate;
use crate::domain::contact_disposition::ContactDisposition;
use crate::domain::data_action::DataActionDefinition;
use crate::domain::interaction_disposition::{DispositionMatrix, InteractionDisposition};
use crate::domain::{AgentId, CampaignId, ContactId, DataActionId, InteractionId, UserId};

type Result<T> = std::result::Result<Reply<T>, ApiError>;

fn read() -> Guards {
    Guards::default()
}

impl Client {
    // Interactions and dispositions (document 000).

    pub async fn dispositions(&self) -> Result<DispositionMatrix> {
        self.run(self.dialect().dispositions(), read()).await
    }

    pub async fn interactions(&self, query: &ListQuery<InteractionFilter>) -> Result<Page<Interaction>> {
        self.run(self.dialect().interactions(query), read()).await
    }

    /// One interaction, with the tag a disposition change must send.
    pub async fn interaction(&self, id: &InteractionId) -> Result<Interaction> {
        self.run(self.dialect().interaction(id), read()).await
    }

    /// Replaces the interaction's dispositions if it is still at `etag`;
    /// a stale tag is a [`Conflict`](super::ApiErrorKind::Conflict).
    pub async fn set_dispositions(
        &self,
        change: &InteractionDisposition,
        etag: &ETag,
        key: Option<IdempotencyKey>,
    ) -> Result<Interaction> {
        self.run(self.dialect().set_dispositions(change), Guards::new(Some(etag), key)).await
    }

    // Interaction attributes and webhooks (document 002).

    pub async fn attributes(&self, id: &InteractionId) -> Result<AttributeSnapshot> {
        self.run(self.dialect().attributes(id), read()).await
    }

    /// Applies every entry or none. Without a key, the call is not repeated
    /// once it may have reached the tenant.
    pub async fn update_attributes(
        &self,
        update: &AttributeUpdate,
        key: Option<IdempotencyKey>,
    ) -> Result<AttributeSnapshot> {
        self.run(self.dialect().update_attributes(update), Guards::new(None, key)).await
    }

    /// Registers a webhook; the reply holds its signing secret, once.
    pub async fn register_webhook(
        &self,
        registration: &WebhookRegistration,
        key: Option<IdempotencyKey>,
    ) -> Result<Webhook> {
        self.run(self.dialect().register_webhook(registration), Guards::new(None, key)).await
    }

    pub async fn webhooks(&self) -> Result<Vec<Webhook>> {
        self.run(self.dialect().webhooks(), read()).await
    }

    pub async fn delete_webhook(&self, id: &WebhookId) -> Result<()> {
        self.run(self.dialect().delete_webhook(id), read()).await
    }

    // Outbound campaigns and contacts (document 001).

    pub async fn campaigns(&self, query: &ListQuery<NoFilter>) -> Result<Page<Campaign>> {
        self.run(self.dialect().campaigns(query), read()).await
    }

    pub async fn campaign(&self, id: &CampaignId) -> Result<Campaign> {
        self.run(self.dialect().campaign(id), read()).await
    }

    pub async fn contacts(
        &self,
        campaign: &CampaignId,
        query: &ListQuery<ContactFilter>,
    ) -> Result<Page<Contact>> {
        self.run(self.dialect().contacts(campaign, query), read()).await
    }

    pub async fn contact(&self, campaign: &CampaignId, id: &ContactId) -> Result<Contact> {
        self.run(self.dialect().contact(campaign, id), read()).await
    }

    pub async fn set_contact_disposition(
        &self,
        disposition: &ContactDisposition,
        etag: Option<&ETag>,
        key: Option<IdempotencyKey>,
    ) -> Result<Option<Contact>> {
        self.run(self.dialect().set_contact_disposition(disposition), Guards::new(etag, key)).await
    }

    // Agent status (document 003).

    pub async fn users(&self, query: &ListQuery<UserFilter>) -> Result<Page<User>> {
        self.run(self.dialect().users(query), read()).await
    }

    pub async fn user(&self, id: &UserId) -> Result<User> {
        self.run(self.dialect().user(id), read()).await
    }

    /// The roles of the user an outcome names as its agent; `None` when the
    /// tenant has no such user.
    pub async fn agent_roles(&self, agent: &AgentId) -> std::result::Result<Option<Vec<String>>, ApiError> {
        match self.user(&agent.as_user()).await {
            Ok(read) => Ok(Some(read.value.roles)),
            Err(ApiError { kind: ApiErrorKind::NotFound { .. }, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The tenant's pause reasons. The list endpoint is this console's
    /// extension: a tenant without it (a 404) has document 003's five.
    pub async fn pause_reasons(&self) -> Result<PauseReasons> {
        match self.run(self.dialect().pause_reasons(), read()).await {
            Err(ApiError { kind: ApiErrorKind::NotFound { .. }, call }) => {
                Ok(Reply { value: PauseReasons::default(), call: *call })
            }
            read => read,
        }
    }

    pub async fn set_agent_status(
        &self,
        change: &AgentStatusChange,
        etag: Option<&ETag>,
        key: Option<IdempotencyKey>,
    ) -> Result<StatusChanged> {
        self.run(self.dialect().set_agent_status(change), Guards::new(etag, key)).await
    }

    // Data actions (document 004).

    pub async fn data_actions(&self, query: &ListQuery<NoFilter>) -> Result<Page<DataAction>> {
        self.run(self.dialect().data_actions(query), read()).await
    }

    pub async fn data_action(&self, id: &DataActionId) -> Result<DataAction> {
        self.run(self.dialect().data_action(id), read()).await
    }

    /// Creates an action; every deploy creates one, so pass a key to make a
    /// retried deploy land once.
    pub async fn deploy_data_action(
        &self,
        definition: &DataActionDefinition,
        key: Option<IdempotencyKey>,
    ) -> Result<DataAction> {
        self.run(self.dialect().deploy_data_action(definition), Guards::new(None, key)).await
    }

    pub async fn set_data_action_version(
        &self,
        id: &DataActionId,
        version: &semver::Version,
        etag: Option<&ETag>,
        key: Option<IdempotencyKey>,
    ) -> Result<DataAction> {
        self.run(self.dialect().set_data_action_version(id, version), Guards::new(etag, key)).await
    }

    pub async fn deprecate_data_action(
        &self,
        id: &DataActionId,
        etag: Option<&ETag>,
        key: Option<IdempotencyKey>,
    ) -> Result<DataAction> {
        self.run(self.dialect().deprecate_data_action(id), Guards::new(etag, key)).await
    }

    pub async fn data_action_metrics(&self, query: &MetricsQuery) -> Result<Vec<MetricsRow>> {
        self.run(self.dialect().data_action_metrics(query), read()).await
    }
}
