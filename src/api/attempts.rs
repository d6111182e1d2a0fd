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

/// One exchange of a call, repeated by [`run`].
pub trait Attempt {
    fn run(&mut self) -> impl Future<Output = Result<RawReply, Failure>> + Send;

    /// Hears that the exchange goes again; nothing by default.
    fn again(&mut self) {}
}

/// Runs `attempt` until a 2xx reply, or returns the last failure.
/// `replay_safe` says whether the request may be sent again after it may
/// have reached the tenant.
///
/// Each attempt that goes again is told to the watcher of the work under
/// way (see [`watch`]), with how long its answer may take at most (the wait,
/// then `request_timeout`, within the deadline), and the wait is said to be
/// over once the call ends.
pub async fn run(
    policy: &RetryPolicy,
    replay_safe: bool,
    request_timeout: Duration,
    attempt: &mut impl Attempt,
) -> Result<RawReply, Failure> {
    let mut told = false;
    let outcome = tries(policy, replay_safe, request_timeout, attempt, &mut told).await;
    if told {
        watch::settled();
    }
    outcome
}

async fn tries(
    policy: &RetryPolicy,
    replay_safe: bool,
    request_timeout: Duration,
    attempt: &mut impl Attempt,
    told: &mut bool,
) -> Result<RawReply, Failure> {
    let started = Instant::now();
    let deadline = started + policy.deadline;
    let mut attempts = 0;
    loop {
        attempts += 1;
        let failure = match timeout_at(deadline, attempt.run()).await {
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
                let next = attempts + 1;
                watch::tell(&watch::Retrying {
                    setback,
                    attempt: next,
                    attempts: policy.max_attempts,
                    lasts,
                });
                *told = true;
                attempt.again();
                sleep(wait).await;
            }
            Decision::GiveUp => return Err(failure),
        }
    }
}
