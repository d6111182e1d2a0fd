//! The rules that need the tenant's data: the disposition matrix, each
//! campaign's outcome codes, the agents outcomes name, the pause reasons.
//! Data actions named by name are looked up here and from then on named by
//! id. Each piece of data is read once for the whole file.

use super::batch::{Batch, LineError};
use super::entry::{ActionRef, Entry};
use crate::api::model::{ListQuery, MAX_TOP, NoFilter};
use crate::api::{ApiError, ApiErrorKind, Client};
use crate::domain::agent_status::{AgentStatusChange, PauseReasons};
use crate::domain::attribution::check_agent;
use crate::domain::contact_disposition::{AGENT_FIELD, ContactDisposition, OutcomeMatrix};
use crate::domain::interaction_disposition::{DispositionMatrix, InteractionDisposition};
use crate::domain::{AgentId, CampaignId, FieldError, Invalid, Problems, Timestamp};
use crate::engine::again;
use std::collections::{BTreeMap, HashMap};

/// Pages of data actions read at most (a million actions).
const MAX_PAGES: usize = 1_000;

/// Checks every line of `batch` against the tenant's data and names its
/// data actions by id. Returns the broken rules; an error when the tenant
/// could not be read.
pub(crate) async fn check(
    client: &Client,
    batch: &mut Batch,
    now: Timestamp,
) -> Result<Vec<LineError>, ApiError> {
    let mut data = TenantData::new(client);
    let mut errors = Vec::new();
    for line in &mut batch.lines {
        let verdict = match &mut line.entry {
            Entry::InteractionDisposition { interaction_id, dispositions } => {
                let matrix = data.matrix().await?;
                match InteractionDisposition::validate(interaction_id, dispositions, matrix, now) {
                    Ok(change) => data.agents(change.agents()).await?,
                    Err(invalid) => Err(invalid),
                }
            }
            Entry::ContactDisposition(draft) => match data.outcomes(&draft.campaign_id).await? {
                Some(matrix) => match ContactDisposition::validate(draft, matrix, now) {
                    Ok(change) => data.agents([(AGENT_FIELD.to_string(), &change.agent_id)]).await?,
                    Err(invalid) => Err(invalid),
                },
                None => Err(Invalid::one(
                    "campaignId",
                    format!("no campaign {} on the tenant", draft.campaign_id.trim()),
                )),
            },
            Entry::AgentStatus(draft) if !draft.pause_reason.trim().is_empty() => {
                AgentStatusChange::validate(draft, data.pause_reasons().await?).map(drop)
            }
            entry => match entry.action_mut() {
                Some(action @ ActionRef::Name(_)) => data.resolve(action).await?.map_err(Invalid::from),
                _ => Ok(()),
            },
        };
        if let Err(invalid) = verdict {
            errors.extend(invalid.errors().iter().map(|e| LineError {
                line: line.number,
                field: e.field.clone(),
                rule: e.rule.clone(),
            }));
        }
    }
    Ok(errors)
}

/// The tenant's data, read when first needed.
struct TenantData<'a> {
    client: &'a Client,
    matrix: Option<DispositionMatrix>,
    reasons: Option<PauseReasons>,
    /// `None` for a campaign the tenant does not have.
    outcomes: HashMap<String, Option<OutcomeMatrix>>,
    /// Data action ids by name.
    actions: Option<BTreeMap<String, Vec<String>>>,
    /// The roles of each agent read so far: `None` for an id the tenant
    /// does not have; absent from the map when users may not be read.
    agents: HashMap<AgentId, Option<Vec<String>>>,
    /// The client may not read users, so agents are left to the tenant.
    agents_unreadable: bool,
}

impl<'a> TenantData<'a> {
    fn new(client: &'a Client) -> Self {
        Self {
            client,
            matrix: None,
            reasons: None,
            outcomes: HashMap::new(),
            actions: None,
            agents: HashMap::new(),
            agents_unreadable: false,
        }
    }

    async fn matrix(&mut self) -> Result<&DispositionMatrix, ApiError> {
        if self.matrix.is_none() {
            self.matrix = Some(again(|| self.client.dispositions()).await?.value);
        }
        Ok(self.matrix.get_or_insert_with(DispositionMatrix::default))
    }

    async fn pause_reasons(&mut self) -> Result<&PauseReasons, ApiError> {
        if self.reasons.is_none() {
            self.reasons = Some(again(|| self.client.pause_reasons()).await?.value);
        }
        Ok(self.reasons.get_or_insert_with(PauseReasons::default))
    }

    async fn outcomes(&mut self, campaign: &str) -> Result<Option<&OutcomeMatrix>, ApiError> {
        let campaign = campaign.trim();
        if !self.outcomes.contains_key(campaign) {
            // The id passed the local rules, so it parses.
            let matrix = match CampaignId::parse(campaign) {
                Ok(id) => match again(|| self.client.campaign(&id)).await {
                    Ok(reply) => Some(reply.value.outcome_matrix()),
                    Err(ApiError { kind: ApiErrorKind::NotFound { .. }, .. }) => None,
                    Err(e) => return Err(e),
                },
                Err(_) => None,
            };
            self.outcomes.insert(campaign.to_string(), matrix);
        }
        Ok(self.outcomes.get(campaign).and_then(Option::as_ref))
    }

    /// Whether each field may name its agent: a user of the tenant with the
    /// Agent role. A client that may not read users leaves the check to the
    /// tenant's own, on write.
    async fn agents<'b>(
        &mut self,
        named: impl IntoIterator<Item = (String, &'b AgentId)>,
    ) -> Result<Result<(), Invalid>, ApiError> {
        let mut problems = Problems::new();
        for (field, agent) in named {
            if let Some(roles) = self.roles(agent).await? {
                problems.take(check_agent(&field, agent, roles.as_deref()));
            }
        }
        Ok(problems.finish(|| Some(())))
    }

    /// The roles of `agent` (`None` inside when the tenant has no such
    /// user); `None` when users may not be read.
    async fn roles(&mut self, agent: &AgentId) -> Result<Option<&Option<Vec<String>>>, ApiError> {
        if self.agents_unreadable {
            return Ok(None);
        }
        if !self.agents.contains_key(agent) {
            match again(|| self.client.agent_roles(agent)).await {
                Ok(roles) => _ = self.agents.insert(agent.clone(), roles),
                Err(ApiError { kind: ApiErrorKind::Forbidden { .. }, .. }) => {
                    tracing::warn!("agent ids are not checked before writing: the client may not read users");
                    self.agents_unreadable = true;
                    return Ok(None);
                }
                Err(e) => return Err(e),
            }
        }
        Ok(self.agents.get(agent))
    }

    /// Names `action` by its id, when exactly one action has its name.
    async fn resolve(&mut self, action: &mut ActionRef) -> Result<Result<(), FieldError>, ApiError> {
        let ActionRef::Name(name) = action else { return Ok(Ok(())) };
        let actions = self.actions().await?;
        let ids = actions.get(name.trim()).map(Vec::as_slice).unwrap_or_default();
        Ok(match ids {
            [id] => {
                *action = ActionRef::Found { name: name.trim().to_string(), id: id.clone() };
                Ok(())
            }
            [] => Err(FieldError::new("name", format!("no data action on the tenant is named {name}"))),
            many => Err(FieldError::new(
                "name",
                format!(
                    "{} data actions are named {name}; give the id of one: {}",
                    many.len(),
                    many.join(", ")
                ),
            )),
        })
    }

    async fn actions(&mut self) -> Result<&BTreeMap<String, Vec<String>>, ApiError> {
        if self.actions.is_none() {
            self.actions = Some(actions_by_name(self.client).await?);
        }
        Ok(self.actions.get_or_insert_with(BTreeMap::new))
    }
}

/// The ids of the tenant's data actions, by name.
pub(super) async fn actions_by_name(client: &Client) -> Result<BTreeMap<String, Vec<String>>, ApiError> {
    let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut query = ListQuery::<NoFilter>::new().top(MAX_TOP);
    // Bounded, so a tenant that keeps announcing pages cannot hold the run.
    for _ in 0..MAX_PAGES {
        let page = again(|| client.data_actions(&query)).await?.value;
        let next = page.next_query(&query);
        for action in page.items {
            by_name.entry(action.name).or_default().push(action.id.as_str().to_string());
        }
        match next {
            Some(next) => query = next,
            None => break,
        }
    }
    Ok(by_name)
}
