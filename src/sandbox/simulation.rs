//! Keeps the tenant's states changing, one step every `config.tick`.
//!
//! The steps themselves live with the tenant's data ([`super::tenant::Tenant::step`]);
//! this is only the clock that drives them.

use super::SandboxState;
use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;

pub async fn run(state: SandboxState, shutdown: CancellationToken) {
    let mut ticks = tokio::time::interval(state.config.tick.max(std::time::Duration::from_millis(10)));
    // A stalled machine should not replay a burst of missed steps.
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = ticks.tick() => state.tenant.step(),
        }
    }
}
