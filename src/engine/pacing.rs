//! The pace of each outbound campaign's requests, shared by every batch.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Paces the requests sent to each outbound campaign: at most `rate` a
/// second, evenly spaced, and none while the tenant has asked for a pause.
///
/// Tenants limit contact requests per campaign (document 001: 10 a second),
/// so the pace is per campaign and shared by every batch: two batches on one
/// campaign share its rate, and a 429 on one campaign holds back only that
/// campaign. Requests are spaced rather than sent in bursts, so the tenant's
/// own burst allowance is left to absorb network jitter.
pub(crate) struct CampaignPacing {
    /// Time between two requests to one campaign; `None` paces only pauses.
    spacing: Option<Duration>,
    campaigns: Mutex<HashMap<String, Pace>>,
}

#[derive(Clone, Copy)]
struct Pace {
    /// The earliest moment the next request may go.
    next: Instant,
    /// The end of a pause the tenant asked for.
    paused_until: Instant,
}

impl CampaignPacing {
    /// `rate` requests per second per campaign; `None`, or a rate that is not
    /// a positive number, leaves the rate unlimited (pauses still apply).
    pub fn new(rate: Option<f64>) -> Self {
        let spacing = rate.filter(|r| r.is_finite() && *r > 0.0).map(|r| Duration::from_secs_f64(1.0 / r));
        Self { spacing, campaigns: Mutex::new(HashMap::new()) }
    }

    /// Waits until a request to `campaign` may go, and counts it: a pause
    /// asked for while it waited holds it back too.
    pub async fn admit(&self, campaign: &str) {
        loop {
            self.unpaused(campaign).await;
            if self.admit_unless_paused(campaign).await {
                return;
            }
        }
    }

    /// Like [`Self::admit`], unless the tenant has paused `campaign`, before
    /// the wait for its slot or during it: then false at once, so that the
    /// caller waits the pause out ([`Self::unpaused`]) without holding what
    /// others could use meanwhile, and asks again.
    pub async fn admit_unless_paused(&self, campaign: &str) -> bool {
        let spacing = self.spacing.unwrap_or(Duration::ZERO);
        let slot = self.with(campaign, |pace| {
            let now = Instant::now();
            (pace.paused_until <= now).then(|| {
                let slot = now.max(pace.next);
                pace.next = slot + spacing;
                slot
            })
        });
        let Some(slot) = slot else { return false };
        // The timer counts whole milliseconds: even a slot already due
        // would wait for its next tick, and every unpaced request with it.
        if slot > Instant::now() {
            tokio::time::sleep_until(slot).await;
        }
        self.with(campaign, |pace| pace.paused_until) <= Instant::now()
    }

    /// Waits out a pause the tenant asked of `campaign`, if one holds.
    pub async fn unpaused(&self, campaign: &str) {
        loop {
            let until = self.with(campaign, |pace| pace.paused_until);
            if until <= Instant::now() {
                return;
            }
            tokio::time::sleep_until(until).await;
        }
    }

    /// How much is left of a pause the tenant asked of `campaign`, if one
    /// holds: whichever command's request met the 429, every request to the
    /// campaign waits it out.
    pub fn paused_for(&self, campaign: &str) -> Option<Duration> {
        let left = self.with(campaign, |pace| pace.paused_until).saturating_duration_since(Instant::now());
        (!left.is_zero()).then_some(left)
    }

    /// Holds back every request to `campaign` for `wait` (a 429's Retry-After).
    pub fn pause(&self, campaign: &str, wait: Duration) {
        let until = Instant::now() + wait;
        self.with(campaign, |pace| {
            pace.paused_until = pace.paused_until.max(until);
            pace.next = pace.next.max(until);
        });
    }

    fn with<R>(&self, campaign: &str, f: impl FnOnce(&mut Pace) -> R) -> R {
        let mut campaigns = self.campaigns.lock().unwrap_or_else(|p| p.into_inner());
        // Looked up before an entry is made: every request of a batch comes
        // here, and an entry would copy the campaign's name each time.
        if let Some(pace) = campaigns.get_mut(campaign) {
            return f(pace);
        }
        let now = Instant::now();
        f(campaigns.entry(campaign.to_string()).or_insert(Pace { next: now, paused_until: now }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_paused_campaign_gets_no_slot_until_its_pause_is_over() {
        let pacing = CampaignPacing::new(None);
        assert_eq!(pacing.paused_for("a"), None);
        pacing.pause("a", Duration::from_secs(2));
        assert_eq!(pacing.paused_for("a"), Some(Duration::from_secs(2)));
        assert_eq!(pacing.paused_for("b"), None);
        assert!(!pacing.admit_unless_paused("a").await, "refused at once while paused");
        assert!(pacing.admit_unless_paused("b").await, "another campaign goes");
        let start = Instant::now();
        pacing.unpaused("a").await;
        assert_eq!(start.elapsed(), Duration::from_secs(2));
        assert_eq!(pacing.paused_for("a"), None);
        assert!(pacing.admit_unless_paused("a").await);
    }

    #[tokio::test(start_paused = true)]
    async fn requests_to_one_campaign_are_spaced_and_a_pause_holds_back_only_that_campaign() {
        let pacing = CampaignPacing::new(Some(10.0));
        let start = Instant::now();
        for _ in 0..5 {
            pacing.admit("a").await;
        }
        assert_eq!(start.elapsed(), Duration::from_millis(400), "five requests, 100 ms apart");
        pacing.admit("b").await;
        assert_eq!(start.elapsed(), Duration::from_millis(400), "another campaign has its own pace");
        pacing.pause("a", Duration::from_secs(2));
        pacing.admit("b").await;
        assert_eq!(start.elapsed(), Duration::from_millis(500), "b goes on at its pace");
        pacing.admit("a").await;
        assert_eq!(start.elapsed(), Duration::from_millis(2400), "a waits out its pause");
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_reaches_requests_already_waiting_and_no_rate_means_only_pauses() {
        let pacing = std::sync::Arc::new(CampaignPacing::new(None));
        let start = Instant::now();
        pacing.admit("a").await;
        pacing.admit("a").await;
        assert_eq!(start.elapsed(), Duration::ZERO, "unlimited");
        pacing.pause("a", Duration::from_secs(1));
        let waiting = tokio::spawn({
            let pacing = pacing.clone();
            async move { pacing.admit("a").await }
        });
        tokio::time::sleep(Duration::from_millis(500)).await;
        pacing.pause("a", Duration::from_secs(3));
        waiting.await.unwrap();
        assert_eq!(start.elapsed(), Duration::from_millis(3500), "the longer pause won");
        assert!(CampaignPacing::new(Some(f64::NAN)).spacing.is_none());
        assert!(CampaignPacing::new(Some(0.0)).spacing.is_none());
    }

    #[tokio::test]
    async fn a_request_already_due_goes_without_waiting_for_the_timer() {
        use futures_util::FutureExt;
        let pacing = CampaignPacing::new(None);
        for turn in 0..3 {
            assert!(pacing.admit("a").now_or_never().is_some(), "turn {turn} waited for a timer tick");
        }
        let paced = CampaignPacing::new(Some(1.0));
        assert!(paced.admit("a").now_or_never().is_some(), "the first request of a pace is due");
        assert!(paced.admit("a").now_or_never().is_none(), "the second waits its turn");
    }
}
