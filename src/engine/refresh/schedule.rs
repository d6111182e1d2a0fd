//! When a kind is read: once at start, then every period; at once when the
//! console asks; later and later while the tenant keeps failing, when an
//! ask waits out the backoff, or a period when that is shorter.
//!
//! Rounds of one kind never overlap: the next is only scheduled once the
//! last has ended. Asks are coalesced: however many arrive while a round
//! runs or waits, they make one more round.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::future::Future;
use std::time::Duration;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// The longest wait after a failed round.
pub(crate) const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// One round of reading a kind.
pub(crate) trait Round: Send {
    /// Reads and publishes; `false` when the tenant could not be read.
    fn run(&mut self) -> impl Future<Output = bool> + Send;
}

/// Runs rounds until `cancel` fires or the asking side is gone.
pub(crate) async fn run(
    mut round: impl Round,
    every: Duration,
    mut asks: watch::Receiver<u64>,
    cancel: CancellationToken,
) {
    let mut rng = StdRng::from_os_rng();
    let mut failures = 0u32;
    loop {
        // Asks made before this round starts are answered by it; asks made
        // while it runs are not (it may have read before them) and cause one more.
        asks.borrow_and_update();
        let succeeded = tokio::select! {
            () = cancel.cancelled() => return,
            succeeded = round.run() => succeeded,
        };
        failures = if succeeded { 0 } else { failures.saturating_add(1) };
        let wait = if failures == 0 { every } else { backoff(every, failures, &mut rng) };
        let ended = tokio::time::Instant::now();
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(wait) => {}
            asked = asks.changed() => {
                if asked.is_err() {
                    return;
                }
                // Asked while the tenant keeps failing (a reload key held
                // down, every change ending): not before the backoff, or a
                // period when that is shorter, has passed since the failed
                // round, so asks cannot hammer the tenant.
                if failures > 0 {
                    tokio::select! {
                        () = cancel.cancelled() => return,
                        () = tokio::time::sleep_until(ended + every.min(wait)) => {}
                    }
                }
            }
        }
    }
}

/// The wait after `failures` failed rounds in a row: the period doubled
/// for each, at most [`MAX_BACKOFF`], of which the upper half is random so
/// that kinds failing together do not retry together.
pub(crate) fn backoff(every: Duration, failures: u32, rng: &mut impl Rng) -> Duration {
    let factor = 2u32.saturating_pow(failures.saturating_sub(1));
    let ceiling = every.saturating_mul(factor).min(MAX_BACKOFF);
    let half = ceiling / 2;
    let jitter = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
    half + Duration::from_nanos(rng.random_range(0..=jitter))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

    /// Counts rounds; fails while `failing` is set; each round takes a second.
    #[derive(Clone, Default)]
    struct Counting {
        rounds: Arc<AtomicUsize>,
        failing: Arc<AtomicU32>,
    }

    impl Round for Counting {
        async fn run(&mut self) -> bool {
            self.rounds.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_secs(1)).await;
            self.failing.load(Ordering::SeqCst) == 0
        }
    }

    fn start(round: Counting, every: Duration) -> (watch::Sender<u64>, CancellationToken) {
        let (asks, receiver) = watch::channel(0);
        let cancel = CancellationToken::new();
        tokio::spawn(run(round, every, receiver, cancel.clone()));
        (asks, cancel)
    }

    async fn settle() {
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test(start_paused = true)]
    async fn rounds_follow_the_period_and_many_asks_make_one_round() {
        let round = Counting::default();
        let (asks, cancel) = start(round.clone(), Duration::from_secs(10));
        settle().await;
        assert_eq!(round.rounds.load(Ordering::SeqCst), 1, "the first round starts at once");
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert_eq!(round.rounds.load(Ordering::SeqCst), 1, "no round before the period");
        for _ in 0..5 {
            asks.send_modify(|n| *n += 1);
        }
        settle().await;
        assert_eq!(round.rounds.load(Ordering::SeqCst), 2, "five asks, one early round");
        // Asked while that round runs: one more after it, not one per ask.
        asks.send_modify(|n| *n += 1);
        asks.send_modify(|n| *n += 1);
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(round.rounds.load(Ordering::SeqCst), 3);
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert_eq!(round.rounds.load(Ordering::SeqCst), 3, "and then the period again");
        cancel.cancel();
    }

    #[tokio::test(start_paused = true)]
    async fn failures_back_off_to_a_minute_and_success_restores_the_period() {
        let round = Counting::default();
        round.failing.store(1, Ordering::SeqCst);
        let (_asks, cancel) = start(round.clone(), Duration::from_secs(5));
        // Waits of at most 5, 10, 20, 40, 60, 60… seconds after each one-second round.
        tokio::time::sleep(Duration::from_secs(600)).await;
        let failed = round.rounds.load(Ordering::SeqCst);
        assert!((10..=22).contains(&failed), "{failed} rounds in ten minutes of failures");
        round.failing.store(0, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_secs(61)).await;
        let recovered = round.rounds.load(Ordering::SeqCst);
        tokio::time::sleep(Duration::from_secs(60)).await;
        let more = round.rounds.load(Ordering::SeqCst) - recovered;
        assert!((9..=11).contains(&more), "back to one round every 6 s: {more} in a minute");
        cancel.cancel();
    }

    #[tokio::test(start_paused = true)]
    async fn asks_while_failing_wait_out_a_period_between_rounds() {
        let round = Counting::default();
        round.failing.store(1, Ordering::SeqCst);
        let (asks, cancel) = start(round.clone(), Duration::from_secs(5));
        // Asked ten times a second for 30 s, as a key held down would.
        for _ in 0..300 {
            asks.send_modify(|n| *n += 1);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let rounds = round.rounds.load(Ordering::SeqCst);
        assert!((4..=6).contains(&rounds), "a round, then one at most every 5 s after it ends: {rounds}");
        cancel.cancel();
    }

    #[test]
    fn backoff_doubles_within_jitter_and_stops_at_a_minute() {
        let mut rng = StdRng::seed_from_u64(3);
        let every = Duration::from_secs(5);
        for (failures, ceiling) in [(1, 5), (2, 10), (3, 20), (4, 40), (5, 60), (30, 60)] {
            for _ in 0..50 {
                let wait = backoff(every, failures, &mut rng);
                let ceiling = Duration::from_secs(ceiling);
                assert!(wait >= ceiling / 2 && wait <= ceiling, "{failures}: {wait:?}");
            }
        }
    }
}
