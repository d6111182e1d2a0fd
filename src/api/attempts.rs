//! The attempt loop: run an exchange until it succeeds, the policy gives up,
//! or the call's deadline passes. Which setbacks are retried is decided by
//! [`RetryPolicy::decide`]; this only applies it.

use super::config::RetryPolicy;
use super::dialect::RawReply;
use super::error::ApiErrorKind;
use super::retry::{self, Decision, Setback};
use super::transport::SendError;
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

    /// Hears that attempt `attempt` goes after `wait`, `left` before the
    /// call's deadline; nothing by default.
    fn again(&mut self, _setback: Setback, _attempt: u32, _wait: Duration, _left: Duration) {}
}

/// Runs `attempt` until a 2xx reply, or returns the last failure.
/// `replay_safe` says whether the request may be sent again after it may
/// have reached the tenant.
pub async fn run(
    policy: &RetryPolicy,
    replay_safe: bool,
    attempt: &mut impl Attempt,
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
                attempt.again(
                    setback,
                    attempts + 1,
                    wait,
                    deadline.saturating_duration_since(Instant::now()),
                );
                sleep(wait).await;
            }
            Decision::GiveUp => return Err(failure),
        }
    }
}
