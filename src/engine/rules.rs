//! The tenant's rule data, cached: the disposition matrix, the pause
//! reasons, each campaign's outcome matrix (with its name) and the roles of
//! each user a change names as its agent.
//!
//! Flows validate every change against these before writing. They change
//! rarely, so they are read once and refreshed after a few minutes, or at
//! once when a value is missing (the tenant may just have added it). One
//! fetch at a time per item: concurrent flows wait for it instead of each
//! asking the tenant.

use crate::api::{ApiError, ApiErrorKind, Client};
use crate::domain::agent_status::PauseReasons;
use crate::domain::contact_disposition::OutcomeMatrix;
use crate::domain::interaction_disposition::DispositionMatrix;
use crate::domain::{AgentId, CampaignId};
use crate::engine::flows::again;
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::Instant;

/// How long rule data is trusted before it is read again.
pub const RULES_TTL: Duration = Duration::from_secs(300);

struct Cached<T> {
    value: Arc<T>,
    read_at: Instant,
}

/// One cached value with single-flight refresh.
struct Slot<T> {
    cell: Mutex<Option<Cached<T>>>,
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Self { cell: Mutex::new(None) }
    }
}

impl<T> Slot<T> {
    /// The cached value, fetched when absent, older than the TTL, or when
    /// `stale` says the cached one will not do.
    async fn get<F, Fut>(&self, stale: bool, fetch: F) -> Result<Arc<T>, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        self.younger_than(if stale { Duration::ZERO } else { RULES_TTL }, fetch).await
    }

    /// The cached value when read less than `age` ago, else fetched.
    async fn younger_than<F, Fut>(&self, age: Duration, fetch: F) -> Result<Arc<T>, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let mut cell = self.cell.lock().await;
        if let Some(c) = cell.as_ref()
            && c.read_at.elapsed() < age
        {
            return Ok(Arc::clone(&c.value));
        }
        let value = Arc::new(fetch().await?);
        *cell = Some(Cached { value: Arc::clone(&value), read_at: Instant::now() });
        Ok(value)
    }
}

/// What outcomes check against in one campaign, and what it is called.
pub(crate) struct CampaignRules {
    pub name: String,
    pub outcomes: OutcomeMatrix,
}

/// What the tenant says of a user a change names as its agent.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum AgentRoles {
    Held(Vec<String>),
    /// The tenant has no such user.
    Unknown,
    /// This client may not read users: the tenant checks the id on write.
    Unreadable,
}

pub(crate) struct TenantRules {
    api: Client,
    matrix: Slot<DispositionMatrix>,
    reasons: Slot<PauseReasons>,
    campaigns: std::sync::Mutex<HashMap<CampaignId, Arc<Slot<CampaignRules>>>>,
    agents: std::sync::Mutex<HashMap<AgentId, Arc<Slot<AgentRoles>>>>,
}

impl TenantRules {
    pub fn new(api: Client) -> Self {
        Self {
            api,
            matrix: Slot::default(),
            reasons: Slot::default(),
            campaigns: std::sync::Mutex::new(HashMap::new()),
            agents: std::sync::Mutex::new(HashMap::new()),
        }
    }

    /// The disposition matrix; `fresh` forces a new read.
    pub async fn disposition_matrix(&self, fresh: bool) -> Result<Arc<DispositionMatrix>, ApiError> {
        self.matrix.get(fresh, || async { Ok(self.api.dispositions().await?.value) }).await
    }

    /// The pause reasons; `fresh` forces a new read.
    pub async fn pause_reasons(&self, fresh: bool) -> Result<Arc<PauseReasons>, ApiError> {
        self.reasons.get(fresh, || async { Ok(self.api.pause_reasons().await?.value) }).await
    }

    /// A campaign's outcome matrix and name; `fresh` forces a new read.
    pub async fn campaign(&self, campaign: &CampaignId, fresh: bool) -> Result<Arc<CampaignRules>, ApiError> {
        let slot = {
            let mut map = self.campaigns.lock().unwrap_or_else(|p| p.into_inner());
            Arc::clone(map.entry(campaign.clone()).or_default())
        };
        slot.get(fresh, || async {
            let read = self.api.campaign(campaign).await?.value;
            Ok(CampaignRules { outcomes: read.outcome_matrix(), name: read.name })
        })
        .await
    }

    /// The roles of the user `agent` names, read again when the copy held
    /// is `age` old or older.
    pub async fn agent(&self, agent: &AgentId, age: Duration) -> Result<Arc<AgentRoles>, ApiError> {
        let slot = {
            let mut map = self.agents.lock().unwrap_or_else(|p| p.into_inner());
            Arc::clone(map.entry(agent.clone()).or_default())
        };
        slot.younger_than(age.min(RULES_TTL), || async {
            match again(self.api.retry_policy(), || self.api.agent_roles(agent)).await {
                Ok(Some(roles)) => Ok(AgentRoles::Held(roles)),
                Ok(None) => Ok(AgentRoles::Unknown),
                Err(e) if matches!(e.kind, ApiErrorKind::Forbidden { .. }) => {
                    tracing::warn!(%agent, "agent ids are not checked before writing: {e}");
                    Ok(AgentRoles::Unreadable)
                }
                Err(e) => Err(e),
            }
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test(start_paused = true)]
    async fn a_copy_is_read_again_only_when_older_than_asked() {
        let slot = Slot::default();
        let reads = AtomicU32::new(0);
        let read = || async { Ok::<_, ApiError>(reads.fetch_add(1, Ordering::SeqCst)) };
        assert_eq!(*slot.younger_than(RULES_TTL, read).await.unwrap(), 0);
        tokio::time::advance(Duration::from_secs(5)).await;
        assert_eq!(*slot.younger_than(Duration::from_secs(10), read).await.unwrap(), 0, "young enough");
        tokio::time::advance(Duration::from_secs(6)).await;
        assert_eq!(*slot.get(false, read).await.unwrap(), 0, "within the TTL");
        assert_eq!(
            *slot.younger_than(Duration::from_secs(10), read).await.unwrap(),
            1,
            "11 s old: read again"
        );
        assert_eq!(*slot.get(true, read).await.unwrap(), 2, "stale: read again");
    }
}
