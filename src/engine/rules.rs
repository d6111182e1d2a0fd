//! The tenant's rule data, cached: the disposition matrix, the pause
//! reasons and each campaign's outcome matrix (with its name).
//!
//! Flows validate every change against these before writing. They change
//! rarely, so they are read once and refreshed after a few minutes, or at
//! once when a value is missing (the tenant may just have added it). One
//! fetch at a time per item: concurrent flows wait for it instead of each
//! asking the tenant.

use crate::api::{ApiError, Client};
use crate::domain::CampaignId;
use crate::domain::agent_status::PauseReasons;
use crate::domain::contact_disposition::OutcomeMatrix;
use crate::domain::interaction_disposition::DispositionMatrix;
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
        let mut cell = self.cell.lock().await;
        if let Some(c) = cell.as_ref()
            && !stale
            && c.read_at.elapsed() < RULES_TTL
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

pub(crate) struct TenantRules {
    api: Client,
    matrix: Slot<DispositionMatrix>,
    reasons: Slot<PauseReasons>,
    campaigns: std::sync::Mutex<HashMap<CampaignId, Arc<Slot<CampaignRules>>>>,
}

impl TenantRules {
    pub fn new(api: Client) -> Self {
        Self {
            api,
            matrix: Slot::default(),
            reasons: Slot::default(),
            campaigns: std::sync::Mutex::new(HashMap::new()),
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
}
