//! The targets of a dry run as the run would find them. A run sends the
//! lines one after the other, so a line finds its target as the lines
//! before it left it: each target is read from the tenant when a line
//! first names it, and from then on carries what the earlier lines would
//! change. A data action an earlier line deploys is there for the later
//! lines that name it, as the run would find it.

use crate::api::model::{Interaction, User};
use crate::api::{ApiError, Client};
use crate::domain::data_action::HeldVersion;
use crate::domain::{DataActionId, FieldError, InteractionId, UserId};
use crate::engine::{again, data_actions_by_name, one_action_named};
use semver::Version;
use serde_json::{Map, Value};
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::hash::Hash;

pub(super) struct Targets<'a> {
    client: &'a Client,
    users: HashMap<UserId, User>,
    interactions: HashMap<InteractionId, Interaction>,
    /// Each interaction's attributes, by key.
    attributes: HashMap<InteractionId, Map<String, Value>>,
    actions: HashMap<DataActionId, ActionState>,
    /// The tenant's action ids by name, read when a line first needs them.
    names: Option<BTreeMap<String, Vec<String>>>,
    /// The lines (by number) that deploy each name, so far.
    deployed_names: BTreeMap<String, Vec<usize>>,
    /// What each deploy would leave, by its line's number.
    deployed: HashMap<usize, ActionState>,
}

/// What a new version or a deprecation is held against.
pub(super) struct ActionState {
    pub version: HeldVersion,
    pub is_deprecated: bool,
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
            deployed_names: BTreeMap::new(),
            deployed: HashMap::new(),
        }
    }

    pub async fn user(&mut self, id: &UserId) -> Result<&mut User, ApiError> {
        let client = self.client;
        held(&mut self.users, id, async { Ok(again(client.retry_policy(), || client.user(id)).await?.value) })
            .await
    }

    pub async fn interaction(&mut self, id: &InteractionId) -> Result<&mut Interaction, ApiError> {
        let client = self.client;
        held(&mut self.interactions, id, async {
            Ok(again(client.retry_policy(), || client.interaction(id)).await?.value)
        })
        .await
    }

    pub async fn attributes(&mut self, id: &InteractionId) -> Result<&mut Map<String, Value>, ApiError> {
        let client = self.client;
        let read = async {
            let snapshot = again(client.retry_policy(), || client.attributes(id)).await?.value;
            Ok(snapshot.attributes.into_iter().map(|a| (a.key, a.value)).collect())
        };
        held(&mut self.attributes, id, read).await
    }

    pub async fn action(&mut self, id: &DataActionId) -> Result<&mut ActionState, ApiError> {
        let client = self.client;
        let read = async {
            let action = again(client.retry_policy(), || client.data_action(id)).await?.value;
            Ok(ActionState { version: action.version, is_deprecated: action.is_deprecated })
        };
        held(&mut self.actions, id, read).await
    }

    /// The one action `name` stands for when its line runs: one the tenant
    /// has or one an earlier line deploys; the broken rule otherwise.
    pub async fn named(&mut self, name: &str) -> Result<Result<&mut ActionState, FieldError>, ApiError> {
        let name = name.trim();
        let held = self.names().await?.get(name).cloned().unwrap_or_default();
        let lines = self.deployed_names.get(name).map(Vec::as_slice).unwrap_or_default();
        match (held.as_slice(), lines) {
            (held, []) => match one_action_named(name, held) {
                Ok(id) => match DataActionId::parse_as("id", id) {
                    Ok(id) => Ok(Ok(self.action(&id).await?)),
                    Err(e) => Ok(Err(e)),
                },
                Err(e) => Ok(Err(e)),
            },
            ([], [line]) => {
                let line = *line;
                Ok(self.deployed.get_mut(&line).ok_or_else(|| {
                    FieldError::new(
                        "name",
                        format!("the deploy of {name} on line {line} would not go through"),
                    )
                }))
            }
            _ => Ok(Err(FieldError::new(
                "name",
                format!(
                    "{} data actions would be named {name} when this line runs (deployed by {}{}); give the \
                     id of one",
                    held.len() + lines.len(),
                    lines_named(lines),
                    held.iter().map(|id| format!(", {id} on the tenant")).collect::<String>()
                ),
            ))),
        }
    }

    /// How many actions would hold `name` before the deploy on line `line`,
    /// compared without case as the console warns of namesakes, the deploys
    /// of the lines before counted; the deploy is then counted too, at
    /// `version` (none when the line's version does not parse).
    pub async fn deploy(
        &mut self,
        line: usize,
        name: &str,
        version: Option<Version>,
    ) -> Result<usize, ApiError> {
        let name = name.trim();
        let lower = name.to_lowercase();
        let same = |(held, ids): (&String, usize)| if held.to_lowercase() == lower { ids } else { 0 };
        let on_tenant: usize = self.names().await?.iter().map(|(n, ids)| same((n, ids.len()))).sum();
        let by_file: usize = self.deployed_names.iter().map(|(n, lines)| same((n, lines.len()))).sum();
        if let Some(version) = version {
            self.deployed_names.entry(name.to_string()).or_default().push(line);
            self.deployed.insert(line, ActionState { version: version.into(), is_deprecated: false });
        }
        Ok(on_tenant + by_file)
    }

    async fn names(&mut self) -> Result<&BTreeMap<String, Vec<String>>, ApiError> {
        if self.names.is_none() {
            self.names = Some(data_actions_by_name(self.client).await?);
        }
        Ok(self.names.get_or_insert_with(BTreeMap::new))
    }
}

/// Line numbers in words: `line 3`, `lines 3, 5`.
fn lines_named(lines: &[usize]) -> String {
    let numbers = lines.iter().map(usize::to_string).collect::<Vec<_>>().join(", ");
    if lines.len() == 1 { format!("line {numbers}") } else { format!("lines {numbers}") }
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
