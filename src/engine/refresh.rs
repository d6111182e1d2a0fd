//! Entity snapshots kept fresh for the console.

use super::context::Ctx;
use std::sync::Arc;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// Asks the refresh task for an early round.
pub(crate) struct Refresher {
    wake: Arc<Notify>,
}

impl Refresher {
    pub fn now(&self) {
        self.wake.notify_one();
    }
}

pub(crate) fn spawn(ctx: Arc<Ctx>, cancel: CancellationToken) -> Refresher {
    let wake = Arc::new(Notify::new());
    let _ = (ctx, cancel);
    Refresher { wake }
}
