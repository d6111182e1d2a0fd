//! Tells the console what one running command waits on: its calls tried
//! again (heard from the client, see [`crate::api::watch`]) and its
//! campaigns paused by the tenant.

use super::command::CommandId;
use super::event::{Event, Wait};
use crate::api::watch::{Retrying, Watcher};
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// The least time between two waits of one kind told for one command: a
/// batch meeting a storm meets many setbacks at once, and the console needs
/// to hear only the latest.
const AT_MOST_EVERY: Duration = Duration::from_millis(250);

struct Told {
    at: Instant,
    ends: Instant,
    wait: Wait,
}

/// The last wait told of each kind.
#[derive(Default)]
struct Last {
    paused: Option<Told>,
    retrying: Option<Told>,
}

impl Last {
    fn of(&mut self, wait: &Wait) -> &mut Option<Told> {
        match wait {
            Wait::CampaignPaused { .. } => &mut self.paused,
            Wait::Retrying { .. } => &mut self.retrying,
        }
    }
}

pub(crate) struct Waits {
    id: CommandId,
    events: mpsc::Sender<Event>,
    told: Mutex<Last>,
}

impl Waits {
    pub fn new(id: &CommandId, events: &mpsc::Sender<Event>) -> Self {
        Self { id: id.clone(), events: events.clone(), told: Mutex::default() }
    }

    /// The tenant asked (429) that requests to `campaign` wait `lasts`.
    pub fn campaign_paused(&self, campaign: &str, lasts: Duration) {
        self.tell(Wait::CampaignPaused { campaign: campaign.to_string() }, lasts);
    }

    /// Sends the wait, unless one of its kind that ends no sooner went a
    /// moment ago, or the console is behind on its events: a wait is news,
    /// not a record, and never holds the change back. A longer wait (another
    /// campaign paused for longer) is told at once.
    fn tell(&self, wait: Wait, lasts: Duration) {
        let mut told = self.told.lock().unwrap_or_else(|p| p.into_inner());
        let last = told.of(&wait);
        let now = Instant::now();
        let ends = now + lasts;
        if last.as_ref().is_some_and(|last| now.duration_since(last.at) < AT_MOST_EVERY && ends <= last.ends)
        {
            return;
        }
        // Noted only once sent: one the console had no room for does not
        // keep the next from going.
        let event = Event::Waiting { id: self.id.clone(), wait: wait.clone(), lasts };
        if self.events.try_send(event).is_ok() {
            *last = Some(Told { at: now, ends, wait });
        }
    }
}

impl Watcher for Waits {
    fn retrying(&self, retrying: &Retrying) {
        let Retrying { setback, attempt, attempts, lasts } = *retrying;
        self.tell(Wait::Retrying { setback, attempt, attempts }, lasts);
    }

    /// The call tried again has ended: the wait told is over, which a wait
    /// of no length says, so the console stops showing it at once rather
    /// than when its time would have run out.
    fn settled(&self) {
        let mut told = self.told.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(last) = told.retrying.take() {
            let _ = self.events.try_send(Event::Waiting {
                id: self.id.clone(),
                wait: last.wait,
                lasts: Duration::ZERO,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::retry::Setback;

    #[tokio::test(start_paused = true)]
    async fn each_kind_of_wait_is_told_at_most_every_quarter_second_unless_it_ends_later() {
        let (events, mut heard) = mpsc::channel(16);
        let waits = Waits::new(&CommandId::derived([b"c".as_slice()]), &events);
        let retrying =
            Retrying { setback: Setback::Interrupted, attempt: 2, attempts: 4, lasts: Duration::ZERO };
        waits.retrying(&retrying);
        waits.retrying(&retrying);
        waits.campaign_paused("Spring Renewal", Duration::from_secs(20));
        // A shorter pause a moment later is not news; a longer one is.
        waits.campaign_paused("Autumn Leads", Duration::from_secs(5));
        waits.campaign_paused("Winter Win-back", Duration::from_secs(60));
        tokio::time::advance(AT_MOST_EVERY).await;
        waits.retrying(&retrying);
        drop((waits, events));
        let mut told = Vec::new();
        while let Some(Event::Waiting { wait, .. }) = heard.recv().await {
            told.push(wait);
        }
        let paused: Vec<&str> = told
            .iter()
            .filter_map(|w| match w {
                Wait::CampaignPaused { campaign } => Some(campaign.as_str()),
                Wait::Retrying { .. } => None,
            })
            .collect();
        assert_eq!(paused, ["Spring Renewal", "Winter Win-back"]);
        assert_eq!(told.len(), 4, "two retries a quarter second apart: {told:?}");
    }
}
