//! The attempt loop: run an exchange until it succeeds, the policy gives up,
//! or the call's deadline passes. Which setbacks are retried is decided by
//! [`RetryPolicy::decide`]; this only applies it.

use super::config::RetryPolicy;
use super::dialect::RawReply;
use super::error::ApiErrorKind;
use super::retry::{self, Decision, Setback};
use super::transport::SendError;
use super::watch;
use std::future::Future;
use std::time::{Duration, SystemTime};
use tokio::time::{Instant, sleep, timeout_at};

/// How an attempt (or the last one) failed.
#[derive(Debug, Clone)]
pub enum Failure {
    /// A reply with a status other than 2xx.
    Status(RawReply),
    Send(SendError),
    /// The call's deadline passed during an attempt.
    Deadline(Duration),
    /// A failure no retry at this level can help (a token that could not be had).
    Fatal(ApiErrorKind),
}

impl Failure {
    fn setback(&self) -> Option<Setback> {
        match self {
            Self::Status(reply) => {
                Some(Setback::Status { status: reply.status.as_u16(), retry_after: retry_after(reply) })
            }
            Self::Send(SendError::Connect(_)) => Some(Setback::ConnectFailed),
            Self::Send(SendError::Interrupted(_) | SendError::Timeout) => Some(Setback::Interrupted),
            Self::Send(SendError::TooLarge) | Self::Deadline(_) | Self::Fatal(_) => None,
        }
    }
}

/// The wait a reply asks for, if it asks.
pub fn retry_after(reply: &RawReply) -> Option<Duration> {
    reply.header("retry-after").and_then(|v| retry::parse_retry_after(v, SystemTime::now()))
}

/// One exchange of a call, repeated by [`run`]; `retried` once it goes
/// again after a setback, which the watcher of the work under way has been
/// told of (see [`watch::attempt_answered`]).
pub trait Attempt {
    fn run(&mut self, retried: bool) -> impl Future<Output = Result<RawReply, Failure>> + Send;
}

/// Runs `attempt` until a 2xx reply, or returns the last failure.
/// `replay_safe` says whether the request may be sent again after it may
/// have reached the tenant.
///
/// Each attempt that goes again is told to the watcher of the work under
/// way (see [`watch`]), with how long its answer may take at most (the wait,
/// then `request_timeout`, within the deadline), and the wait is said to be
/// over once the call ends, or is given up on midway.
pub async fn run(
    policy: &RetryPolicy,
    replay_safe: bool,
    request_timeout: Duration,
    attempt: &mut impl Attempt,
) -> Result<RawReply, Failure> {
    let mut going_again = watch::GoingAgain::default();
    let started = Instant::now();
    let deadline = started + policy.deadline;
    let mut attempts = 0;
    loop {
        attempts += 1;
        let failure = match timeout_at(deadline, attempt.run(attempts > 1)).await {
            Ok(Ok(reply)) if reply.status.is_success() => return Ok(reply),
            Ok(Ok(reply)) => Failure::Status(reply),
            Ok(Err(failure)) => failure,
            Err(_) => return Err(Failure::Deadline(policy.deadline)),
        };
        let Some(setback) = failure.setback() else {
            return Err(failure);
        };
        match policy.decide(setback, replay_safe, attempts, started.elapsed(), retry::jitter()) {
            Decision::RetryAfter(wait) => {
                tracing::debug!(?setback, attempts, ?wait, "retrying");
                let lasts = (wait + request_timeout).min(deadline.saturating_duration_since(Instant::now()));
                going_again.tell(setback, attempts + 1, policy.max_attempts, lasts);
                sleep(wait).await;
            }
            Decision::GiveUp => return Err(failure),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::watch::heard::Heard;
    use reqwest::StatusCode;
    use reqwest::header::HeaderMap;
    use std::sync::Arc;

    /// Answered 503 every time, as by a tenant that is down.
    struct Failing;

    impl Attempt for Failing {
        async fn run(&mut self, _retried: bool) -> Result<RawReply, Failure> {
            let reply = RawReply {
                status: StatusCode::SERVICE_UNAVAILABLE,
                headers: HeaderMap::new(),
                body: Default::default(),
            };
            Err(Failure::Status(reply))
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_call_going_again_is_told_as_one_call_over_once_it_ends() {
        let policy = RetryPolicy::default();
        let heard = Arc::new(Heard::default());
        let mut failing = Failing;
        let ended =
            watch::watched(heard.clone(), run(&policy, true, Duration::from_secs(30), &mut failing)).await;
        assert!(matches!(ended, Err(Failure::Status(_))), "it gave up");
        let (told, over) = heard.calls();
        assert_eq!(told.len(), policy.max_attempts as usize - 1, "each attempt after the first");
        assert!(told.iter().all(|call| *call == told[0]), "one call: {told:?}");
        assert_eq!(over, [told[0]], "over once");
    }

    /// A call dropped while it waits to go again (its change cancelled) is
    /// over too, or its wait would stand while the change's other calls end.
    #[tokio::test(start_paused = true)]
    async fn a_call_given_up_on_midway_is_over() {
        let policy = RetryPolicy::default();
        let heard = Arc::new(Heard::default());
        watch::watched(heard.clone(), async {
            let mut failing = Failing;
            tokio::select! {
                _ = run(&policy, true, Duration::from_secs(30), &mut failing) => {}
                () = sleep(Duration::from_millis(1)) => {}
            }
        })
        .await;
        let (told, over) = heard.calls();
        assert_eq!(over, told[..1], "told, then over: {told:?} {over:?}");
    }
}
