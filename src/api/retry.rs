//! The retry policy, in one place: which setbacks are retried, for which
//! requests, after how long.
//!
//! A request is retried only when doing it twice cannot do harm: either it
//! never reached the tenant (no connection, or a 429, which the tenant sends
//! before doing anything), or repeating it is safe (reads, PUT and DELETE,
//! read-only POST queries, PATCHes guarded by `If-Match`, and anything
//! carrying an `Idempotency-Key`).

use super::config::RetryPolicy;
use super::dialect::Intent;
use reqwest::Method;
use std::time::{Duration, SystemTime};

/// What went wrong with one attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setback {
    /// A reply with an error status, and its `Retry-After` if any.
    Status { status: u16, retry_after: Option<Duration> },
    /// No connection could be opened: the request never left.
    ConnectFailed,
    /// The request went out and no complete reply came back (reset, timeout).
    Interrupted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    RetryAfter(Duration),
    GiveUp,
}

/// Whether sending the request a second time is harmless.
pub fn replay_safe(method: &Method, intent: Intent, if_match: bool, idempotency_key: bool) -> bool {
    if idempotency_key {
        return true;
    }
    match *method {
        Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE => true,
        Method::POST => intent == Intent::Read,
        // A repeated guarded PATCH meets a changed tag and is refused.
        Method::PATCH => if_match,
        _ => false,
    }
}

/// Statuses that a later attempt may not meet.
fn transient(status: u16) -> bool {
    matches!(status, 408 | 500 | 502 | 503 | 504)
}

impl RetryPolicy {
    /// What to do after `attempts` attempts ended in `setback`, `elapsed`
    /// after the call started. `jitter` is a uniform draw from [0, 1).
    pub fn decide(
        &self,
        setback: Setback,
        replay_safe: bool,
        attempts: u32,
        elapsed: Duration,
        jitter: f64,
    ) -> Decision {
        if attempts >= self.max_attempts {
            return Decision::GiveUp;
        }
        let wait = match setback {
            // Asked to wait longer than the client will: sending again sooner
            // would only meet the same refusal, so the caller hears the wait.
            Setback::Status { retry_after: Some(wait), .. } if wait > self.max_retry_after => {
                return Decision::GiveUp;
            }
            Setback::Status { status: 429, retry_after } => self.wait_for(retry_after, attempts, jitter),
            Setback::Status { status, retry_after } if transient(status) && replay_safe => {
                self.wait_for(retry_after, attempts, jitter)
            }
            Setback::ConnectFailed => self.backoff(attempts, jitter),
            Setback::Interrupted if replay_safe => self.backoff(attempts, jitter),
            Setback::Status { .. } | Setback::Interrupted => return Decision::GiveUp,
        };
        if elapsed.saturating_add(wait) >= self.deadline {
            Decision::GiveUp
        } else {
            Decision::RetryAfter(wait)
        }
    }

    /// The tenant's requested wait, or a backoff when it gave none.
    fn wait_for(&self, retry_after: Option<Duration>, attempts: u32, jitter: f64) -> Duration {
        retry_after.unwrap_or_else(|| self.backoff(attempts, jitter))
    }

    /// Capped exponential backoff with full jitter: a uniform wait between
    /// zero and `min(max_delay, base_delay * 2^(attempts-1))`, so that many
    /// clients failing together do not retry together.
    pub fn backoff(&self, attempts: u32, jitter: f64) -> Duration {
        let doubling = 2u32.saturating_pow(attempts.saturating_sub(1));
        let ceiling = self.base_delay.saturating_mul(doubling).min(self.max_delay);
        ceiling.mul_f64(if jitter.is_finite() { jitter.clamp(0.0, 1.0) } else { 0.0 })
    }
}

/// Reads `Retry-After`: delay seconds, or an HTTP date measured from `now`.
/// A date in the past means "now"; anything unreadable is ignored.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // More digits than a u64 holds is still "a very long time".
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A uniform draw from [0, 1) for the jitter.
pub fn jitter() -> f64 {
    rand::random::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(2),
            max_retry_after: Duration::from_secs(10),
            deadline: Duration::from_secs(30),
        }
    }

    fn status(status: u16) -> Setback {
        Setback::Status { status, retry_after: None }
    }

    fn retries(setback: Setback, safe: bool) -> bool {
        matches!(policy().decide(setback, safe, 1, Duration::ZERO, 0.5), Decision::RetryAfter(_))
    }

    #[test]
    fn which_requests_are_safe_to_replay() {
        use Intent::{Read, Write};
        assert!(replay_safe(&Method::GET, Read, false, false));
        assert!(replay_safe(&Method::PUT, Write, false, false));
        assert!(replay_safe(&Method::DELETE, Write, false, false));
        assert!(replay_safe(&Method::POST, Read, false, false), "read-only query");
        assert!(!replay_safe(&Method::POST, Write, false, false));
        assert!(replay_safe(&Method::POST, Write, false, true), "idempotency key");
        assert!(!replay_safe(&Method::PATCH, Write, false, false));
        assert!(replay_safe(&Method::PATCH, Write, true, false), "guarded by If-Match");
    }

    #[test]
    fn rate_limits_and_refused_connections_retry_for_any_request() {
        for safe in [true, false] {
            assert!(retries(status(429), safe));
            assert!(retries(Setback::ConnectFailed, safe));
        }
    }

    #[test]
    fn transient_failures_after_sending_retry_only_when_replay_is_safe() {
        for code in [408, 500, 502, 503, 504] {
            assert!(retries(status(code), true), "{code}");
            assert!(!retries(status(code), false), "{code}");
        }
        assert!(retries(Setback::Interrupted, true));
        assert!(!retries(Setback::Interrupted, false));
    }

    #[test]
    fn refusals_are_never_retried() {
        for code in [400, 401, 403, 404, 409, 412, 428, 501] {
            assert!(!retries(status(code), true), "{code}");
        }
    }

    #[test]
    fn retry_after_is_honoured_and_never_cut_short() {
        let p = policy();
        let asked = |secs| Setback::Status { status: 429, retry_after: Some(Duration::from_secs(secs)) };
        assert_eq!(
            p.decide(asked(3), false, 1, Duration::ZERO, 0.9),
            Decision::RetryAfter(Duration::from_secs(3))
        );
        assert_eq!(
            p.decide(asked(10), false, 1, Duration::ZERO, 0.9),
            Decision::RetryAfter(Duration::from_secs(10))
        );
        // Longer than the client waits: given up at once, not tried early.
        assert_eq!(p.decide(asked(11), false, 1, Duration::ZERO, 0.9), Decision::GiveUp);
        let busy = Setback::Status { status: 503, retry_after: Some(Duration::from_secs(3600)) };
        assert_eq!(p.decide(busy, true, 1, Duration::ZERO, 0.9), Decision::GiveUp);
        let unavailable = Setback::Status { status: 503, retry_after: Some(Duration::from_secs(2)) };
        assert_eq!(
            p.decide(unavailable, true, 1, Duration::ZERO, 0.9),
            Decision::RetryAfter(Duration::from_secs(2))
        );
    }

    #[test]
    fn attempts_and_deadline_bound_the_retries() {
        let p = policy();
        assert_eq!(p.decide(status(503), true, 5, Duration::ZERO, 0.5), Decision::GiveUp);
        let asked = Setback::Status { status: 429, retry_after: Some(Duration::from_secs(5)) };
        assert_eq!(p.decide(asked, true, 1, Duration::from_secs(26), 0.5), Decision::GiveUp);
        assert!(matches!(p.decide(asked, true, 1, Duration::from_secs(24), 0.5), Decision::RetryAfter(_)));
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_with_full_jitter() {
        let p = policy();
        assert_eq!(p.backoff(1, 1.0), Duration::from_millis(100));
        assert_eq!(p.backoff(2, 1.0), Duration::from_millis(200));
        assert_eq!(p.backoff(4, 1.0), Duration::from_millis(800));
        assert_eq!(p.backoff(6, 1.0), Duration::from_secs(2), "capped");
        assert_eq!(p.backoff(40, 1.0), Duration::from_secs(2), "no overflow");
        assert_eq!(p.backoff(3, 0.0), Duration::ZERO, "full jitter reaches zero");
        assert_eq!(p.backoff(3, 0.5), Duration::from_millis(200));
        assert_eq!(p.backoff(3, f64::NAN), Duration::ZERO);
        for _ in 0..1000 {
            let wait = p.backoff(3, jitter());
            assert!(wait <= Duration::from_millis(400), "{wait:?}");
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = httpdate::parse_http_date("Sat, 21 Nov 2026 19:20:00 GMT").unwrap();
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("Sat, 21 Nov 2026 19:20:45 GMT", now), Some(Duration::from_secs(45)));
        assert_eq!(parse_retry_after("Sat, 21 Nov 2026 19:00:00 GMT", now), Some(Duration::ZERO), "past");
        assert_eq!(parse_retry_after("99999999999999999999999", now), Some(Duration::from_secs(u64::MAX)));
        for junk in ["", "-1", "1.5", "soon"] {
            assert_eq!(parse_retry_after(junk, now), None, "{junk}");
        }
    }
}
