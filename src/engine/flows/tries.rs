//! The extra tries of a call that ended unsettled, which the engine makes
//! once the client has given up, and tells the console of as the client's
//! own retries.

use crate::api::retry::Setback;
use crate::api::watch::GoingAgain;
use crate::api::{ApiError, ApiErrorKind, RetryPolicy};
use crate::engine::context::unsettled;
use std::future::Future;
use std::time::Duration;
use tokio::time::Instant;

/// Extra tries of a call that ended unsettled. A write goes again with its
/// key, so the tenant answers with the reply to the attempt that landed, or
/// applies it now; a read simply goes again.
const TRIES_AGAIN: u32 = 2;

/// How long to wait before trying `error`'s call again, or `None` when it
/// is not tried again. A wait the tenant asked for is never cut short, and
/// one longer than the client waits out (by its `policy`) ends the change:
/// its outcome names the wait, rather than the change going again before
/// it is over.
fn pause_before_trying_again(error: &ApiError, tried: u32, policy: &RetryPolicy) -> Option<Duration> {
    if !unsettled(error) || tried >= TRIES_AGAIN {
        return None;
    }
    let asked = match &error.kind {
        ApiErrorKind::RateLimited { retry_after, .. } => *retry_after,
        _ => None,
    };
    if asked.is_some_and(|wait| wait > policy.max_retry_after) {
        return None;
    }
    // Jittered, so the many calls one fault cut short (every call in flight
    // when a token is revoked) do not all come back at the same moment.
    let jittered = Duration::from_secs(u64::from(tried) + 1).mul_f64(rand::random_range(0.5..1.5));
    Some(jittered.max(asked.unwrap_or_default()))
}

/// The setback a call that failed with `error` met, in the words the
/// console tells a call tried again with.
fn setback(error: &ApiError) -> Setback {
    match &error.kind {
        ApiErrorKind::Network { .. } => Setback::ConnectFailed,
        ApiErrorKind::RateLimited { retry_after, .. } => {
            Setback::Status { status: 429, retry_after: *retry_after }
        }
        ApiErrorKind::Server { status, .. } => Setback::Status { status: *status, retry_after: None },
        ApiErrorKind::Unauthorized { .. } => Setback::Status { status: 401, retry_after: None },
        // An answer that could not be read is no answer to act on.
        _ => Setback::Interrupted,
    }
}

/// The extra tries of one call: how many were made, and how many of its
/// requests went unanswered over all of them, which the last error's own
/// call does not know of.
#[derive(Debug)]
pub(in crate::engine::flows) struct Tries {
    /// The client's patience, which its extra tries keep to as well.
    policy: RetryPolicy,
    tried: u32,
    unanswered: u32,
    /// When the first call failed: a timeout at the end then names the
    /// whole wait, not only the last call's.
    first_failed: Option<Instant>,
    /// The call, told of as going again until a try of it answers (or the
    /// tries are let go mid-way, the change cancelled while it waited).
    going_again: GoingAgain,
}

impl Tries {
    /// The extra tries of a call of a client with `policy`.
    pub fn new(policy: &RetryPolicy) -> Self {
        Self {
            policy: policy.clone(),
            tried: 0,
            unanswered: 0,
            first_failed: None,
            going_again: GoingAgain::default(),
        }
    }

    /// Whether to try again a call that failed with `error`, having waited
    /// a moment first, which the change's watcher is told of as the
    /// client's own retries are. `false` once it is no use: the tenant
    /// refused the call itself, or the tries are spent.
    pub async fn again(&mut self, error: &ApiError) -> bool {
        let Some(pause) = pause_before_trying_again(error, self.tried, &self.policy) else {
            return false;
        };
        self.tried += 1;
        self.unanswered = self.unanswered.saturating_add(error.call.unanswered);
        self.first_failed.get_or_insert_with(Instant::now);
        // The wait before the call, then as long as the call itself may take.
        let lasts = pause.saturating_add(self.policy.deadline);
        self.going_again.tell(setback(error), self.tried + 1, TRIES_AGAIN + 1, lasts);
        tokio::time::sleep(pause).await;
        true
    }

    /// Awaits `call`, a try of the call, and says its wait is over (see
    /// [`Self::answered`]) as soon as it ends.
    pub async fn answer<F: Future>(&mut self, call: F) -> F::Output {
        let answer = call.await;
        self.answered();
        answer
    }

    /// The call tried again has ended, answered or not: the wait told for
    /// it is over, before whatever the answer leads to (an audit record, a
    /// read back, a webhook), which the console must not show as a wait.
    pub fn answered(&mut self) {
        self.going_again.ended();
    }

    /// Whether a request of the call went unanswered, so may have landed.
    pub fn may_have_landed(&self) -> bool {
        self.unanswered > 0
    }

    /// `error`, knowing of every request of the call that went unanswered,
    /// so its outcome can say the change may have landed; a timeout after
    /// extra tries says how long the tenant was waited for in all.
    pub fn carry(&self, mut error: ApiError) -> ApiError {
        error.call.unanswered = error.call.unanswered.saturating_add(self.unanswered);
        if let (ApiErrorKind::Timeout { after, .. }, Some(first)) = (&mut error.kind, self.first_failed) {
            // The first call's own wait came before its failure was seen;
            // whole seconds, as the sentence says them.
            *after = Duration::from_secs((*after + first.elapsed()).as_secs_f64().round() as u64);
        }
        error
    }
}

/// Runs `call` until it answers or fails in a way another try cannot mend
/// (see [`Tries::again`]). For reads, which change nothing, and for writes sent
/// with one idempotency key, which the tenant answers for the attempt that
/// landed unanswered or applies now. `policy` is the calling client's.
pub(crate) async fn again<T, F, Fut>(policy: &RetryPolicy, mut call: F) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let mut tries = Tries::new(policy);
    loop {
        match tries.answer(call()).await {
            Err(e) if tries.again(&e).await => {}
            Err(e) => return Err(tries.carry(e)),
            done => return done,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::CallInfo;
    use crate::api::watch::heard::{Heard, Told};
    use crate::api::watch::watched;

    fn timed_out(after: u64) -> ApiError {
        let kind = ApiErrorKind::Timeout { after: Duration::from_secs(after), writes: false };
        ApiError { kind, call: Box::new(CallInfo::new(reqwest::Method::POST, "/oauth/token".into())) }
    }

    /// Three calls of 8 s each and the waits between: the last error says
    /// how long the tenant was waited for in all, not the last call's 8 s.
    #[tokio::test(start_paused = true)]
    async fn a_timeout_after_extra_tries_names_the_whole_wait() {
        let mut tries = Tries::new(&RetryPolicy::default());
        while tries.again(&timed_out(8)).await {
            tokio::time::advance(Duration::from_secs(8)).await;
        }
        let ApiErrorKind::Timeout { after, .. } = tries.carry(timed_out(8)).kind else { unreachable!() };
        assert!(after >= Duration::from_secs(8 * 3), "{after:?}");
        assert_eq!(after.subsec_nanos(), 0, "whole seconds, as the sentence says them");
        let ApiErrorKind::Timeout { after, .. } =
            Tries::new(&RetryPolicy::default()).carry(timed_out(8)).kind
        else {
            unreachable!()
        };
        assert_eq!(after, Duration::from_secs(8), "with no extra try, the call's own wait");
    }

    /// The engine's own extra tries are told as the client's retries are,
    /// and are over once the call is.
    #[tokio::test(start_paused = true)]
    async fn an_extra_try_is_told_to_the_watcher_and_ends_with_the_call() {
        let heard = std::sync::Arc::new(Heard::default());
        watched(heard.clone(), async {
            let mut tries = Tries::new(&RetryPolicy::default());
            assert!(tries.again(&timed_out(8)).await);
        })
        .await;
        let heard = heard.told();
        let [Told::Retrying(retrying), Told::Settled(over)] = heard.as_slice() else {
            panic!("told, then over: {heard:?}")
        };
        assert_eq!(retrying.call, *over, "the call told of is the one over");
        let (setback, attempt, attempts) = (retrying.setback, retrying.attempt, retrying.attempts);
        assert_eq!((setback, attempt, attempts), (Setback::Interrupted, 2, TRIES_AGAIN + 1));
        assert!(
            retrying.lasts > RetryPolicy::default().deadline,
            "the pause and the call: {:?}",
            retrying.lasts
        );
    }

    /// The wait is over as soon as the call tried again answers, while what
    /// the answer leads to still runs, and is not said to be over twice.
    #[tokio::test(start_paused = true)]
    async fn an_extra_try_is_over_once_its_call_answers() {
        let heard = std::sync::Arc::new(Heard::default());
        let told = |heard: &Heard| heard.told().len();
        watched(heard.clone(), async {
            let mut tries = Tries::new(&RetryPolicy::default());
            assert!(tries.again(&timed_out(8)).await);
            assert_eq!(told(&heard), 1, "told, and not over while the call is out");
            tries.answered();
            assert_eq!(told(&heard), 2, "over once the call answers, the tries still held");
            tries.answered();
            drop(tries);
            assert_eq!(told(&heard), 2, "over once only");
        })
        .await;
        let unbothered = std::sync::Arc::new(Heard::default());
        watched(unbothered.clone(), async { Tries::new(&RetryPolicy::default()).answered() }).await;
        assert_eq!(told(&unbothered), 0, "a call answered at once was never a wait");
    }

    /// Two calls of one change tried again at once are told as two, so the
    /// end of one does not end the other's wait.
    #[tokio::test(start_paused = true)]
    async fn the_extra_tries_of_two_calls_are_told_as_two_calls() {
        let heard = std::sync::Arc::new(Heard::default());
        watched(heard.clone(), async {
            let policy = RetryPolicy::default();
            let (mut one, mut other) = (Tries::new(&policy), Tries::new(&policy));
            assert!(one.again(&timed_out(8)).await && other.again(&timed_out(8)).await);
        })
        .await;
        let heard = heard.told();
        let [Told::Retrying(one), Told::Retrying(other), ..] = heard.as_slice() else {
            panic!("both told: {heard:?}")
        };
        assert_ne!(one.call, other.call);
    }

    fn limited(retry_after: Option<u64>) -> ApiError {
        let kind = ApiErrorKind::RateLimited {
            retry_after: retry_after.map(Duration::from_secs),
            message: "slow down".into(),
        };
        ApiError {
            kind,
            call: Box::new(CallInfo::new(reqwest::Method::PUT, "/api/v2/users/u/status".into())),
        }
    }

    #[test]
    fn a_wait_the_tenant_asked_for_is_waited_out_or_ends_the_change() {
        let policy = RetryPolicy::default();
        for _ in 0..50 {
            let wait = pause_before_trying_again(&limited(Some(20)), 0, &policy).expect("20 s is waited out");
            assert!(wait >= Duration::from_secs(20), "tried again after {wait:?}, before the 20 s asked");
            let bare =
                pause_before_trying_again(&limited(None), 0, &policy).expect("a bare 429 is tried again");
            assert!(bare < Duration::from_secs(2), "{bare:?}");
        }
        let longer = pause_before_trying_again(&limited(Some(45)), 0, &policy);
        assert_eq!(longer, None, "longer than the client waits");
        let spent = pause_before_trying_again(&limited(Some(1)), TRIES_AGAIN, &policy);
        assert_eq!(spent, None, "the tries are spent");
    }

    /// The longest wait the client is configured to wait out is the one the
    /// engine's extra tries keep to, longer or shorter than the default.
    #[test]
    fn the_clients_configured_patience_is_the_engines() {
        let patient = RetryPolicy { max_retry_after: Duration::from_secs(60), ..RetryPolicy::default() };
        let wait = pause_before_trying_again(&limited(Some(45)), 0, &patient).expect("45 s is within 60 s");
        assert!(wait >= Duration::from_secs(45), "{wait:?}");
        let hasty = RetryPolicy { max_retry_after: Duration::from_secs(10), ..RetryPolicy::default() };
        assert_eq!(pause_before_trying_again(&limited(Some(20)), 0, &hasty), None, "20 s is past 10 s");
    }
}
