//! A token bucket per campaign, on the runtime's clock so tests can pause it.

use crate::sandbox::config::RateLimit;
use std::time::Duration;
use tokio::time::Instant;

#[derive(Debug, Clone)]
pub(crate) struct TokenBucket {
    per_second: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    pub fn new(limit: RateLimit) -> Self {
        let burst = f64::from(limit.burst.max(1));
        Self {
            per_second: limit.per_second.max(f64::MIN_POSITIVE),
            burst,
            tokens: burst,
            last: Instant::now(),
        }
    }

    /// The limit in words, for the 429's message.
    pub fn describe(&self) -> String {
        format!("{} requests per second, in bursts of at most {}", self.per_second, self.burst)
    }

    /// Takes one token, or says how long until one is there.
    pub fn take(&mut self, now: Instant) -> Result<(), Duration> {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.burst);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - self.tokens) / self.per_second))
        }
    }
}

/// `Retry-After` in whole seconds, never 0: a client told to wait 0 s would
/// come straight back.
pub(crate) fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs_f64().ceil().max(1.0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_then_refills_at_the_sustained_rate() {
        let mut b = TokenBucket::new(RateLimit { per_second: 10.0, burst: 20 });
        let t0 = Instant::now();
        for _ in 0..20 {
            assert!(b.take(t0).is_ok());
        }
        let wait = b.take(t0).unwrap_err();
        assert!(wait <= Duration::from_millis(100) && wait > Duration::ZERO, "{wait:?}");
        assert_eq!(retry_after_secs(wait), 1);
        let t1 = t0 + Duration::from_millis(100);
        assert!(b.take(t1).is_ok());
        assert!(b.take(t1).is_err());
        let t2 = t1 + Duration::from_secs(10);
        for _ in 0..20 {
            assert!(b.take(t2).is_ok(), "refills up to the burst");
        }
        assert!(b.take(t2).is_err(), "but not beyond it");
    }

    #[test]
    fn a_slow_rate_asks_for_a_longer_wait() {
        let mut b = TokenBucket::new(RateLimit { per_second: 0.25, burst: 1 });
        let t0 = Instant::now();
        assert!(b.take(t0).is_ok());
        assert_eq!(retry_after_secs(b.take(t0).unwrap_err()), 4);
    }
}
