//! STUB (owned by the tenant work): keeps the tenant's states changing.
use super::SandboxState;
use tokio_util::sync::CancellationToken;

pub async fn run(state: SandboxState, shutdown: CancellationToken) {
    let _ = state;
    shutdown.cancelled().await;
}
