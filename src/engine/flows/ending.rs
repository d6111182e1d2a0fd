//! The remote part of a change, as the flows settle it: how it ended, and
//! whether a failed call is worth another try.

use crate::api::{ApiError, CallInfo};
use crate::engine::context::settle;
use crate::engine::event::Outcome;
use crate::engine::flows::{Settled, Trail, Webhook};
use crate::engine::metrics::ErrorClass;
use serde_json::Value;
use std::future::Future;
use std::time::Duration;
use tokio::time::Instant;

/// How a change to one target ended, owning what its outcome record cites;
/// [`Ending::finish`] hands it to the audit trail.
pub(in crate::engine::flows) struct Ending {
    pub outcome: Outcome,
    pub call: Option<CallInfo>,
    pub after: Option<Value>,
    pub class: Option<ErrorClass>,
    pub webhook: Option<Webhook>,
    /// The write's latency, for an applied change.
    pub write_ms: Option<f64>,
}

impl Ending {
    pub fn new(outcome: Outcome) -> Self {
        Self { outcome, call: None, after: None, class: None, webhook: None, write_ms: None }
    }

    /// A refusal or failure reported by the client, as the engine reads it.
    pub fn error(error: &ApiError) -> Self {
        let (outcome, class) = settle(error);
        Self { call: Some((*error.call).clone()), class: Some(class), ..Self::new(outcome) }
    }

    pub fn call(mut self, call: CallInfo) -> Self {
        self.call = Some(call);
        self
    }

    pub fn class(mut self, class: ErrorClass) -> Self {
        self.class = Some(class);
        self
    }

    /// Records the outcome (and queues the webhook of an applied change);
    /// returns the outcome to report.
    pub async fn finish(self, trail: Trail<'_>, started: Instant) -> Outcome {
        let Self { outcome, call, after, class, webhook, .. } = self;
        let mut settled = Settled::new(outcome);
        if let Some(call) = &call {
            settled = settled.call(call);
        }
        if let Some(after) = after {
            settled = settled.after(after);
        }
        if let Some(class) = class {
            settled = settled.class(class);
        }
        if let Some(webhook) = webhook {
            settled = settled.webhook(webhook);
        }
        trail.finish(settled, started.elapsed()).await
    }
}

/// Extra tries of a call that ended unsettled. A write goes again with its
/// key, so the tenant answers with the reply to the attempt that landed, or
/// applies it now; a read simply goes again.
const TRIES_AGAIN: u32 = 2;

/// Whether to try again a call that failed with `error` after `tried`
/// extra tries, having waited a moment first. `false` once it is no use:
/// the tenant refused the call itself, or the tries are spent.
pub(in crate::engine::flows) async fn try_again(error: &ApiError, tried: u32) -> bool {
    if !unsettled(error) || tried >= TRIES_AGAIN {
        return false;
    }
    // Jittered, so the many calls one fault cut short (every call in flight
    // when a token is revoked) do not all come back at the same moment.
    let wait = Duration::from_secs(u64::from(tried) + 1).mul_f64(rand::random_range(0.5..1.5));
    tokio::time::sleep(wait).await;
    true
}

/// Runs `call` until it answers or fails in a way another try cannot mend
/// (see [`try_again`]). For reads, which change nothing, and for writes sent
/// with one idempotency key, which the tenant answers for the attempt that
/// landed unanswered or applies now.
pub(crate) async fn again<T, F, Fut>(mut call: F) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let mut tried = 0;
    loop {
        match call().await {
            Err(e) if try_again(&e, tried).await => tried += 1,
            done => return done,
        }
    }
}

/// Whether a failed write may have been applied all the same, or may go
/// through when tried again. Only the tenant's answers about the write
/// itself settle it: with an idempotency key, an attempt that landed
/// earlier in the call is replayed, never refused, so a refusal means no
/// attempt landed. Anything else (no answer, an unreadable one, a server
/// error, a revoked token, a rate limit outlasting the retries) may have
/// followed an attempt that landed unanswered.
pub(in crate::engine::flows) fn unsettled(error: &ApiError) -> bool {
    use crate::api::ApiErrorKind as Kind;
    match &error.kind {
        Kind::BadRequest { .. }
        | Kind::Forbidden { .. }
        | Kind::NotFound { .. }
        | Kind::Conflict { .. }
        | Kind::PreconditionRequired { .. }
        | Kind::Unexpected { .. }
        | Kind::Config { .. } => false,
        Kind::TokenRefused { status, .. } => *status == 429 || *status >= 500,
        Kind::Unauthorized { .. }
        | Kind::RateLimited { .. }
        | Kind::Server { .. }
        | Kind::Network { .. }
        | Kind::Interrupted { .. }
        | Kind::Timeout { .. }
        | Kind::Decode { .. } => true,
    }
}
