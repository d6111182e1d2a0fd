//! The rules that need the tenant's data: the disposition matrix, each
//! campaign's outcome codes, the agents outcomes name, the pause reasons,
//! the data actions lines name by name. Each piece of data is read once for
//! the whole file.
//!
//! A name is only checked here: the engine looks it up when its line runs,
//! as the lines before leave the tenant, and refuses the line if the name
//! then stands for more than one action. The check counts the actions the
//! earlier lines deploy, so a file that deploys an action and then versions
//! it by name passes.

use super::batch::{Batch, LineError};
use super::entry::{ActionRef, Entry};
use crate::api::{ApiError, ApiErrorKind, Client};
use crate::domain::agent_status::{AgentStatusChange, PauseReasons};
use crate::domain::attribution::check_agent;
use crate::domain::contact_disposition::{AGENT_FIELD, ContactDisposition, OutcomeMatrix};
use crate::domain::interaction_disposition::{DispositionMatrix, InteractionDisposition};
use crate::domain::{AgentId, CampaignId, FieldError, Invalid, Problems, Timestamp};
use crate::engine::{again, data_actions_by_name, one_action_named};
use std::collections::{BTreeMap, HashMap};

/// Checks every line of `batch` against the tenant's data. Returns the
/// broken rules; an error when the tenant could not be read.
pub(crate) async fn check(
    client: &Client,
    batch: &mut Batch,
    now: Timestamp,
) -> Result<Vec<LineError>, ApiError> {
    let mut data = TenantData::new(client);
    let mut errors = Vec::new();
    // The lines (by number) that deploy each name, as far as the walk got.
    let mut deployed: HashMap<String, Vec<usize>> = HashMap::new();
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
            Entry::Deploy(draft) => {
                deployed.entry(draft.name.trim().to_string()).or_default().push(line.number);
                Ok(())
            }
            entry => match entry.action() {
                Some(ActionRef::Name(name)) => {
                    let by_lines = deployed.get(name.trim()).map(Vec::as_slice).unwrap_or_default();
                    data.named(name.trim(), by_lines).await?.map_err(Invalid::from)
                }
                _ => Ok(()),
            },
        };
        if let Err(invalid) = verdict {
            errors.extend(invalid.errors().iter().map(|e| LineError::new(line.number, e.clone())));
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
            self.matrix = Some(again(self.client.retry_policy(), || self.client.dispositions()).await?.value);
        }
        Ok(self.matrix.get_or_insert_with(DispositionMatrix::default))
    }

    async fn pause_reasons(&mut self) -> Result<&PauseReasons, ApiError> {
        if self.reasons.is_none() {
            self.reasons =
                Some(again(self.client.retry_policy(), || self.client.pause_reasons()).await?.value);
        }
        Ok(self.reasons.get_or_insert_with(PauseReasons::default))
    }

    async fn outcomes(&mut self, campaign: &str) -> Result<Option<&OutcomeMatrix>, ApiError> {
        let campaign = campaign.trim();
        if !self.outcomes.contains_key(campaign) {
            // The id passed the local rules, so it parses.
            let matrix = match CampaignId::parse(campaign) {
                Ok(id) => match again(self.client.retry_policy(), || self.client.campaign(&id)).await {
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
            match again(self.client.retry_policy(), || self.client.agent_roles(agent)).await {
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

    /// Whether `name` will stand for an action when its line runs: one the
    /// tenant has, or one the lines `by_lines` deploy. Two or more on the
    /// tenant already can only stay ambiguous, and are refused now; whether
    /// a deploy of this file makes the name ambiguous is for the line to
    /// find when it runs (the deploy may not go through, or may be one an
    /// earlier run of the file made).
    async fn named(&mut self, name: &str, by_lines: &[usize]) -> Result<Result<(), FieldError>, ApiError> {
        let held = self.actions().await?.get(name).map(Vec::as_slice).unwrap_or_default();
        Ok(match (held.len(), by_lines) {
            (0, []) => Err(FieldError::new(
                "name",
                format!("no data action on the tenant is named {name}, and no earlier line deploys one"),
            )),
            (0 | 1, _) => Ok(()),
            _ => one_action_named(name, held).map(drop),
        })
    }

    async fn actions(&mut self) -> Result<&BTreeMap<String, Vec<String>>, ApiError> {
        if self.actions.is_none() {
            self.actions = Some(data_actions_by_name(self.client).await?);
        }
        Ok(self.actions.get_or_insert_with(BTreeMap::new))
    }
}
