//! How long to wait before trying a message again.

use rand::Rng;
use std::time::Duration;

/// Exponential backoff with full jitter: before retry `n` (1-based) wait a
/// uniformly random time between zero and `base · 2^(n-1)`, never more than
/// `cap`. Jitter spreads the retries of many messages failing together, so a
/// receiver coming back is not hit by all of them at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self { base: Duration::from_secs(1), cap: Duration::from_secs(10 * 60) }
    }
}

impl Backoff {
    /// The longest wait before retry `retry` (1-based).
    pub fn ceiling(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.base.saturating_mul(factor).min(self.cap)
    }

    /// The wait before retry `retry`. A receiver's `Retry-After` is a floor,
    /// itself held to the cap.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>, rng: &mut impl Rng) -> Duration {
        let ceiling = self.ceiling(retry);
        let jittered =
            Duration::from_nanos(rng.random_range(0..=u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX)));
        jittered.max(retry_after.unwrap_or_default().min(self.cap))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn ceilings_double_up_to_the_cap() {
        let b = Backoff { base: Duration::from_millis(100), cap: Duration::from_secs(1) };
        let ceilings: Vec<_> = (1..=6).map(|n| b.ceiling(n).as_millis()).collect();
        assert_eq!(ceilings, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(b.ceiling(u32::MAX), Duration::from_secs(1));
    }

    #[test]
    fn delays_are_jittered_within_the_ceiling_and_honour_retry_after() {
        let b = Backoff { base: Duration::from_millis(100), cap: Duration::from_secs(1) };
        let mut rng = StdRng::seed_from_u64(7);
        let delays: Vec<_> = (0..200).map(|_| b.delay(3, None, &mut rng)).collect();
        assert!(delays.iter().all(|d| *d <= Duration::from_millis(400)));
        assert!(delays.iter().any(|d| *d < Duration::from_millis(200)), "full jitter reaches low");
        assert!(delays.iter().any(|d| *d > Duration::from_millis(200)), "and high");
        let floor = b.delay(1, Some(Duration::from_millis(700)), &mut rng);
        assert!(floor >= Duration::from_millis(700));
        assert_eq!(b.delay(1, Some(Duration::from_secs(3600)), &mut rng), Duration::from_secs(1));
    }
}
