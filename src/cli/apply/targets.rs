//! The targets of a dry run as the run would find them. A run sends the
//! lines one after the other, so a line finds its target as the lines
//! before it left it: each target is read from the tenant when a line
//! first names it, and from then on carries what the earlier lines would
//! change.

use super::rules::actions_by_name;
use crate::api::model::{DataAction, Interaction, User};
use crate::api::{ApiError, Client};
use crate::domain::{DataActionId, InteractionId, UserId};
use crate::engine::again;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::future::Future;
use std::hash::Hash;

pub(super) struct Targets<'a> {
    client: &'a Client,
    users: HashMap<UserId, User>,
    interactions: HashMap<InteractionId, Interaction>,
    /// Each interaction's attributes, by key.
    attributes: HashMap<InteractionId, Map<String, Value>>,
    actions: HashMap<DataActionId, DataAction>,
    /// How many actions hold each name, compared without case as the
    /// console compares them; read when a deploy first asks.
    names: Option<HashMap<String, usize>>,
}

impl<'a> Targets<'a> {
    pub fn new(client: &'a Client) -> Self {
        Self {
            client,
            users: HashMap::new(),
            interactions: HashMap::new(),
            attributes: HashMap::new(),
            actions: HashMap::new(),
            names: None,
        }
    }

    pub async fn user(&mut self, id: &UserId) -> Result<&mut User, ApiError> {
        let client = self.client;
        held(&mut self.users, id, async { Ok(again(|| client.user(id)).await?.value) }).await
    }

    pub async fn interaction(&mut self, id: &InteractionId) -> Result<&mut Interaction, ApiError> {
        let client = self.client;
        held(&mut self.interactions, id, async { Ok(again(|| client.interaction(id)).await?.value) }).await
    }

    pub async fn attributes(&mut self, id: &InteractionId) -> Result<&mut Map<String, Value>, ApiError> {
        let client = self.client;
        let read = async {
            let snapshot = again(|| client.attributes(id)).await?.value;
            Ok(snapshot.attributes.into_iter().map(|a| (a.key, a.value)).collect())
        };
        held(&mut self.attributes, id, read).await
    }

    pub async fn action(&mut self, id: &DataActionId) -> Result<&mut DataAction, ApiError> {
        let client = self.client;
        held(&mut self.actions, id, async { Ok(again(|| client.data_action(id)).await?.value) }).await
    }

    /// How many actions would hold `name` before a deploy of it, the deploys
    /// of the lines before counted; the deploy is then counted too.
    pub async fn deploy(&mut self, name: &str) -> Result<usize, ApiError> {
        if self.names.is_none() {
            let names = actions_by_name(self.client).await?;
            let mut counts: HashMap<String, usize> = HashMap::new();
            for (name, ids) in names {
                *counts.entry(name.to_lowercase()).or_default() += ids.len();
            }
            self.names = Some(counts);
        }
        let count = self.names.get_or_insert_with(HashMap::new).entry(name.to_lowercase()).or_default();
        *count += 1;
        Ok(*count - 1)
    }
}

/// The target under `key`, read with `read` the first time only.
async fn held<'m, K, V>(
    targets: &'m mut HashMap<K, V>,
    key: &K,
    read: impl Future<Output = Result<V, ApiError>>,
) -> Result<&'m mut V, ApiError>
where
    K: Eq + Hash + Clone,
{
    match targets.entry(key.clone()) {
        Entry::Occupied(target) => Ok(target.into_mut()),
        Entry::Vacant(slot) => Ok(slot.insert(read.await?)),
    }
}
