//! How long a target that failed is held before it is tried again.

use rand::Rng;
use std::time::Duration;

/// Exponential backoff with jitter: after `n` failures in a row (1-based) a
/// target is held for between half and all of `base · 2^(n-1)`, never more
/// than `cap`. Within one outbox a target is one schedule, probed by one
/// message at a time (see [`super::lines`]); the jitter keeps the consoles
/// and `apply` runs that share a receiver from all probing it again in the
/// same instant once it comes back.
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
    /// The longest hold after `retry` failures in a row (1-based).
    pub fn ceiling(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.base.saturating_mul(factor).min(self.cap)
    }

    /// The hold after `retry` failures in a row: at least half the ceiling,
    /// so a receiver that is down is not tried again at once, and the rest
    /// drawn at random.
    pub fn hold(&self, retry: u32, rng: &mut impl Rng) -> Duration {
        let ceiling = self.ceiling(retry);
        let half = ceiling / 2;
        let spread = u64::try_from((ceiling - half).as_nanos()).unwrap_or(u64::MAX);
        half + Duration::from_nanos(rng.random_range(0..=spread))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceilings_double_up_to_the_cap() {
        let b = Backoff { base: Duration::from_millis(100), cap: Duration::from_secs(1) };
        let ceilings: Vec<_> = (1..=6).map(|n| b.ceiling(n).as_millis()).collect();
        assert_eq!(ceilings, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(b.ceiling(u32::MAX), Duration::from_secs(1));
    }

    #[test]
    fn holds_spread_between_half_and_all_of_the_ceiling() {
        let b = Backoff::default();
        let mut rng = rand::rng();
        for retry in [1, 4, 12] {
            let ceiling = b.ceiling(retry);
            let holds: Vec<_> = (0..200).map(|_| b.hold(retry, &mut rng)).collect();
            assert!(holds.iter().all(|h| *h >= ceiling / 2 && *h <= ceiling), "{retry}: {holds:?}");
            let distinct: std::collections::HashSet<_> = holds.iter().collect();
            assert!(distinct.len() > 100, "{retry}: holds are spread, not one schedule: {}", distinct.len());
        }
    }
}
