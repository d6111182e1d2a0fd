//! STUB (owned by the tenant work): interaction.attributes.updated deliveries.
use super::Stats;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

#[derive(Clone)]
pub struct Callbacks;

impl Callbacks {
    pub fn start(stats: Arc<Stats>, shutdown: CancellationToken) -> Self {
        let _ = (stats, shutdown);
        Self
    }
}
