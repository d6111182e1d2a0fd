//! How long a target that failed is held before it is tried again.

use std::time::Duration;

/// Exponential backoff: after `n` failures in a row (1-based) a target is
/// held for `base · 2^(n-1)`, never more than `cap`. There is no jitter: a
/// target is one schedule, probed by one message at a time (see
/// [`super::lines`]), so there are no retries of many messages to spread.
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
    /// The hold after `retry` failures in a row (1-based).
    pub fn ceiling(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.base.saturating_mul(factor).min(self.cap)
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
}
