//! Tells the console what one running command waits on: its calls tried
//! again and its requests slow to be answered (heard from the client, see
//! [`crate::api::watch`]), and its campaigns paused by the tenant.

use super::command::CommandId;
use super::event::{Event, Wait};
use crate::api::watch::{CallId, Retrying, Watcher};
use std::collections::HashSet;
use std::mem::discriminant;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
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
    unanswered: Option<Told>,
    /// Calls told of as going again that have not ended: a batch has
    /// several going again at once, and the latest told stands until the
    /// last of them ends.
    retrying_calls: HashSet<CallId>,
    /// Requests told of as unanswered that have not ended: a batch has
    /// several out at once, and its wait is over once the last is answered.
    unanswered_out: usize,
    /// Waits told over that the console had no room to hear of, oldest
    /// first: a word that a wait is over is owed, since the console would
    /// otherwise show the wait until its time ran out.
    owed: Vec<Wait>,
    /// Whether a task is sending what is owed as the console makes room.
    paying: bool,
}

impl Last {
    fn of(&mut self, wait: &Wait) -> &mut Option<Told> {
        match wait {
            Wait::CampaignPaused { .. } => &mut self.paused,
            Wait::Retrying { .. } => &mut self.retrying,
            Wait::Unanswered => &mut self.unanswered,
        }
    }
}

pub(crate) struct Waits {
    id: CommandId,
    events: mpsc::Sender<Event>,
    /// Shared with the task paying what is owed, which lets go once the
    /// command has ended: its waits end with it on the console.
    told: Arc<Mutex<Last>>,
}

fn lock(told: &Mutex<Last>) -> MutexGuard<'_, Last> {
    told.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Waits {
    pub fn new(id: &CommandId, events: &mpsc::Sender<Event>) -> Self {
        Self { id: id.clone(), events: events.clone(), told: Arc::default() }
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
        self.tell_in(&mut lock(&self.told), wait, lasts);
    }

    fn tell_in(&self, told: &mut Last, wait: Wait, lasts: Duration) {
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
            // Heard before any word owed that a wait of its kind is over,
            // it stands for that wait on the console, and the word would
            // now end this one instead.
            told.owed.retain(|owed| discriminant(owed) != discriminant(&wait));
            let last = told.of(&wait);
            *last = Some(Told { at: now, ends, wait });
        }
    }
}

impl Watcher for Waits {
    fn retrying(&self, retrying: &Retrying) {
        let Retrying { call, setback, attempt, attempts, lasts } = *retrying;
        let mut told = lock(&self.told);
        told.retrying_calls.insert(call);
        self.tell_in(&mut told, Wait::Retrying { setback, attempt, attempts }, lasts);
    }

    /// Once the last call tried again has ended, the wait told is over.
    fn settled(&self, call: CallId) {
        let mut told = lock(&self.told);
        if told.retrying_calls.remove(&call) && told.retrying_calls.is_empty() {
            let last = told.retrying.take();
            self.over(&mut told, last);
        }
    }

    /// Not told while a call tried again is: that wait already says how
    /// long its answer may take (the engine's own extra tries of a call go
    /// through the client as new calls).
    fn unanswered(&self, lasts: Duration) {
        let mut told = lock(&self.told);
        told.unanswered_out += 1;
        if told.retrying.as_ref().is_some_and(|r| r.ends > Instant::now()) {
            return;
        }
        self.tell_in(&mut told, Wait::Unanswered, lasts);
    }

    fn answered(&self) {
        let mut told = lock(&self.told);
        told.unanswered_out = told.unanswered_out.saturating_sub(1);
        if told.unanswered_out == 0 {
            let last = told.unanswered.take();
            self.over(&mut told, last);
        }
    }
}

impl Waits {
    /// Says `last`, the wait told of, is over: a wait of no length, so the
    /// console stops showing it at once rather than when its time would
    /// have run out. When the console is behind, the word is owed and sent
    /// as it makes room, unless a wait of that kind is told first.
    fn over(&self, told: &mut Last, last: Option<Told>) {
        let Some(Told { wait, .. }) = last else { return };
        // Behind what is owed already, so that the console hears in order.
        let wait = if told.owed.is_empty() {
            match self.events.try_send(over(&self.id, wait)) {
                Err(mpsc::error::TrySendError::Full(Event::Waiting { wait, .. })) => wait,
                _ => return,
            }
        } else {
            wait
        };
        told.owed.push(wait);
        if !told.paying {
            // A watcher is told from the client's calls, inside the runtime.
            let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
            told.paying = true;
            runtime.spawn(pay(self.id.clone(), self.events.clone(), Arc::downgrade(&self.told)));
        }
    }
}

fn over(id: &CommandId, wait: Wait) -> Event {
    Event::Waiting { id: id.clone(), wait, lasts: Duration::ZERO }
}

/// Sends the words owed of `id`'s waits as the console makes room, until
/// none is owed or the command has ended.
async fn pay(id: CommandId, events: mpsc::Sender<Event>, told: Weak<Mutex<Last>>) {
    // Room is asked for only while something is owed: a task waiting for
    // room is handed the next there is, ahead of the waits told meanwhile.
    while owing(&told) {
        let Ok(room) = events.reserve().await else { return };
        let Some(told) = told.upgrade() else { return };
        let mut told = lock(&told);
        if !told.owed.is_empty() {
            room.send(over(&id, told.owed.remove(0)));
        }
    }
}

/// Whether a word is still owed of a command still running; when not, the
/// task paying stops, and the next word owed starts another.
fn owing(told: &Weak<Mutex<Last>>) -> bool {
    let Some(told) = told.upgrade() else { return false };
    let mut told = lock(&told);
    told.paying = !told.owed.is_empty();
    told.paying
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::retry::Setback;

    #[tokio::test(start_paused = true)]
    async fn each_kind_of_wait_is_told_at_most_every_quarter_second_unless_it_ends_later() {
        let (events, mut heard) = mpsc::channel(16);
        let waits = Waits::new(&CommandId::derived([b"c".as_slice()]), &events);
        let retrying = Retrying {
            call: CallId::next(),
            setback: Setback::Interrupted,
            attempt: 2,
            attempts: 4,
            lasts: Duration::ZERO,
        };
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
                Wait::Retrying { .. } | Wait::Unanswered => None,
            })
            .collect();
        assert_eq!(paused, ["Spring Renewal", "Winter Win-back"]);
        assert_eq!(told.len(), 4, "two retries a quarter second apart: {told:?}");
    }

    fn drained(heard: &mut mpsc::Receiver<Event>) -> Vec<(Wait, Duration)> {
        let mut told = Vec::new();
        while let Ok(Event::Waiting { wait, lasts, .. }) = heard.try_recv() {
            told.push((wait, lasts));
        }
        told
    }

    #[tokio::test(start_paused = true)]
    async fn requests_slow_to_be_answered_are_over_once_the_last_is() {
        let (events, mut heard) = mpsc::channel(16);
        let waits = Waits::new(&CommandId::derived([b"c".as_slice()]), &events);
        let lasts = Duration::from_secs(25);
        waits.unanswered(lasts);
        waits.unanswered(lasts);
        waits.answered();
        assert_eq!(drained(&mut heard), [(Wait::Unanswered, lasts)], "one still out");
        waits.answered();
        assert_eq!(drained(&mut heard), [(Wait::Unanswered, Duration::ZERO)]);

        // A call tried again already says how long its answer may take.
        let retrying = Retrying {
            call: CallId::next(),
            setback: Setback::Interrupted,
            attempt: 2,
            attempts: 3,
            lasts: Duration::from_secs(90),
        };
        waits.retrying(&retrying);
        waits.unanswered(lasts);
        waits.answered();
        let told = drained(&mut heard);
        assert!(told.iter().all(|(wait, _)| *wait != Wait::Unanswered), "{told:?}");
    }

    /// A batch meeting an outage has many calls going again at once: the
    /// one that ends first does not end the wait of the others.
    #[tokio::test(start_paused = true)]
    async fn calls_tried_again_are_over_once_the_last_has_ended() {
        let (events, mut heard) = mpsc::channel(16);
        let waits = Waits::new(&CommandId::derived([b"c".as_slice()]), &events);
        let retrying = |attempt| Retrying {
            call: CallId::next(),
            setback: Setback::Status { status: 503, retry_after: None },
            attempt,
            attempts: 4,
            lasts: Duration::from_secs(30),
        };
        let (first, second) = (retrying(2), retrying(3));
        waits.retrying(&first);
        tokio::time::advance(AT_MOST_EVERY).await;
        waits.retrying(&second);
        let latest = Wait::Retrying { setback: second.setback, attempt: 3, attempts: 4 };
        assert_eq!(drained(&mut heard).last(), Some(&(latest.clone(), second.lasts)));
        waits.settled(first.call);
        waits.settled(CallId::next());
        assert_eq!(drained(&mut heard), [], "one still goes again; a call never told ends nothing");
        waits.settled(second.call);
        assert_eq!(drained(&mut heard), [(latest, Duration::ZERO)], "the latest told is over");
    }

    /// The console behind on its events: the word that a wait is over is
    /// sent once it makes room, in order, and not once a wait of its kind
    /// has been told since (the console shows that one instead).
    #[tokio::test(start_paused = true)]
    async fn a_wait_over_the_console_had_no_room_for_is_told_once_it_makes_room() {
        let (events, mut heard) = mpsc::channel(1);
        let waits = Waits::new(&CommandId::derived([b"c".as_slice()]), &events);
        let lasts = Duration::from_secs(25);
        waits.unanswered(lasts);
        waits.answered();
        tokio::task::yield_now().await;
        assert_eq!(drained(&mut heard), [(Wait::Unanswered, lasts)], "no room for the word");
        tokio::task::yield_now().await;
        assert_eq!(drained(&mut heard), [(Wait::Unanswered, Duration::ZERO)], "owed, and sent");

        // Owed again, but told again as soon as the console made room.
        waits.unanswered(lasts);
        waits.answered();
        assert!(heard.try_recv().is_ok());
        waits.unanswered(lasts);
        for _ in 0..3 {
            tokio::task::yield_now().await;
        }
        assert_eq!(drained(&mut heard), [(Wait::Unanswered, lasts)], "the old word would end the new wait");
        waits.answered();
        assert_eq!(drained(&mut heard), [(Wait::Unanswered, Duration::ZERO)], "nothing in the way");
        tokio::task::yield_now().await;
        assert_eq!(drained(&mut heard), [], "nothing more owed");
    }

    /// Once the command has ended, its waits end with it on the console:
    /// nothing owed is sent.
    #[tokio::test(start_paused = true)]
    async fn nothing_is_owed_of_a_command_that_has_ended() {
        let (events, mut heard) = mpsc::channel(1);
        let waits = Waits::new(&CommandId::derived([b"c".as_slice()]), &events);
        waits.unanswered(Duration::from_secs(25));
        waits.answered();
        drop(waits);
        assert!(heard.try_recv().is_ok());
        for _ in 0..3 {
            tokio::task::yield_now().await;
        }
        assert_eq!(drained(&mut heard), []);
    }
}
