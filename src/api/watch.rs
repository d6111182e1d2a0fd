//! Who hears, while a call runs, that it is about to go again after a
//! setback, or that its answer is slow to come: the engine tells the
//! console what a change waits on. A watcher is set around a whole piece of
//! work ([`watched`]) rather than passed with each call, and is asked only
//! when a call goes again or its answer is late, so calls that meet no
//! setback cost nothing more.

use super::retry::Setback;
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::time::Instant;

/// How long a request of watched work goes unanswered before the watcher
/// hears of it. The tenant answers in well under a second when well, so a
/// few seconds of silence is worth telling, while a request merely slower
/// than usual (a long page, a busy moment) is not: a wait told and over a
/// moment later only flickers on the progress line.
pub const UNANSWERED_AFTER: Duration = Duration::from_secs(5);

/// Which call goes again, and later ends: the calls of one piece of work
/// (a batch's, all meeting one outage) go again at once, and the wait is
/// over only once the last of them has ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CallId(u64);

impl CallId {
    /// An id no other call has. A call takes one only when it first goes
    /// again, so one that meets no setback costs nothing more.
    pub(crate) fn next() -> Self {
        static TAKEN: AtomicU64 = AtomicU64::new(0);
        Self(TAKEN.fetch_add(1, Ordering::Relaxed))
    }
}

/// A call about to go again after a setback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retrying {
    pub call: CallId,
    pub setback: Setback,
    /// The attempt about to go (the first is 1), and the most the call makes.
    pub attempt: u32,
    pub attempts: u32,
    /// The longest the call may now take: the wait before the attempt and
    /// the time allowed for its answer, within the call's deadline.
    pub lasts: Duration,
}

/// Told of the calls of a piece of work that go again.
pub trait Watcher: Send + Sync {
    fn retrying(&self, retrying: &Retrying);

    /// `call`, told of as going again, has ended, answered or given up on:
    /// its wait is over, while other calls told of may still wait.
    fn settled(&self, _call: CallId) {}

    /// A request has gone [`UNANSWERED_AFTER`] without an answer, which may
    /// take `lasts` more. Each is followed by [`Watcher::answered`].
    fn unanswered(&self, _lasts: Duration) {}

    /// A request told of as unanswered has ended, answered or not.
    fn answered(&self) {}
}

tokio::task_local! {
    static WATCHER: Arc<dyn Watcher>;
}

/// Runs `work` with `watcher` told of each of its calls that goes again.
/// Tasks `work` spawns are not watched.
pub async fn watched<F: Future>(watcher: Arc<dyn Watcher>, work: F) -> F::Output {
    WATCHER.scope(watcher, work).await
}

/// Tells the watcher of the work under way, if there is one.
fn tell(retrying: &Retrying) {
    let _ = WATCHER.try_with(|watcher| watcher.retrying(retrying));
}

/// Tells the watcher of the work under way that `call`, which it heard go
/// again, has ended.
fn settled(call: CallId) {
    let _ = WATCHER.try_with(|watcher| watcher.settled(call));
}

/// One call of the work under way, as it goes again after setbacks: told
/// to the watcher under one [`CallId`] each time, and over once it ends or
/// is dropped, so a call cut off midway (its change cancelled) does not
/// leave the watcher waiting on it.
#[derive(Debug, Default)]
pub(crate) struct GoingAgain(Option<CallId>);

impl GoingAgain {
    /// The call goes again after `setback`, as attempt `attempt` of
    /// `attempts`, its answer due within `lasts`.
    pub fn tell(&mut self, setback: Setback, attempt: u32, attempts: u32, lasts: Duration) {
        let call = *self.0.get_or_insert_with(CallId::next);
        tell(&Retrying { call, setback, attempt, attempts, lasts });
    }

    /// The call has ended, answered or not: its wait is over. Nothing when
    /// it never went again, or was said over already.
    pub fn ended(&mut self) {
        if let Some(call) = self.0.take() {
            settled(call);
        }
    }
}

impl Drop for GoingAgain {
    fn drop(&mut self) {
        self.ended();
    }
}

/// Awaits `answer`, the answer to a request that may take `lasts` (its
/// timeout), telling the watcher of the work under way, if there is one,
/// once it has waited [`UNANSWERED_AFTER`], and again when the answer comes.
/// Outside watched work it only awaits; inside, an answer within the time
/// costs a timer, on the stack, and no event.
async fn answer_to<F: Future>(lasts: Duration, answer: F) -> F::Output {
    if WATCHER.try_with(|_| ()).is_err() {
        return answer.await;
    }
    let mut answer = pin!(answer);
    tokio::select! {
        biased;
        answered = &mut answer => return answered,
        () = tokio::time::sleep(UNANSWERED_AFTER) => {}
    }
    let _ = WATCHER.try_with(|watcher| watcher.unanswered(lasts.saturating_sub(UNANSWERED_AFTER)));
    // Told as over even when the request is given up on midway (its call
    // cut off by the deadline): a watcher counts the requests out.
    let _over = Answered;
    answer.await
}

/// An attempt's answer: a first attempt's awaited as [`answer_to`] awaits
/// it; one sent again is told of already, as its call going again, with
/// the time its answer may take.
pub(crate) async fn attempt_answered<F: Future>(retried: bool, lasts: Duration, answer: F) -> F::Output {
    if retried { answer.await } else { answer_to(lasts, answer).await }
}

/// Tells the watcher, when dropped, that a request told of as unanswered
/// has ended.
struct Answered;

impl Drop for Answered {
    fn drop(&mut self) {
        let _ = WATCHER.try_with(|watcher| watcher.answered());
    }
}

/// The watchers of work that pieces of watched work wait on together (the
/// one token request every call needing a token joins): each piece that
/// joins is told what that work meets, from the waits under way at the
/// moment it joins.
#[derive(Default)]
pub(crate) struct Joined(Mutex<Joiners>);

#[derive(Default)]
struct Joiners {
    watchers: Vec<Arc<dyn Watcher>>,
    /// The calls going again now, each as last told, and when.
    retrying: Vec<(Retrying, Instant)>,
    /// How many requests told of as unanswered have not ended, and when
    /// the latest told may be answered at the latest; none while none is out.
    unanswered: Option<(usize, Instant)>,
}

impl Joined {
    /// Adds the watcher of the work under way, if there is one and it has
    /// not joined yet.
    pub fn join(&self) {
        let Ok(watcher) = WATCHER.try_with(Arc::clone) else { return };
        let mut joined = self.lock();
        if joined.watchers.iter().any(|w| Arc::ptr_eq(w, &watcher)) {
            return;
        }
        let now = Instant::now();
        for (retrying, at) in &joined.retrying {
            watcher.retrying(&Retrying { lasts: retrying.lasts.saturating_sub(now - *at), ..*retrying });
        }
        if let Some((out, until)) = joined.unanswered {
            // Each told, so each of the answers still to come is heard.
            let lasts = until.saturating_duration_since(now);
            (0..out).for_each(|_| watcher.unanswered(lasts));
        }
        joined.watchers.push(watcher);
    }

    /// The joiners, held while a wait is told to them: a piece joining
    /// meanwhile hears that wait once, on joining or as it is told, and
    /// never hears of its end without it.
    fn lock(&self) -> MutexGuard<'_, Joiners> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Watcher for Joined {
    fn retrying(&self, retrying: &Retrying) {
        let mut joined = self.lock();
        let told = (*retrying, Instant::now());
        match joined.retrying.iter_mut().find(|(r, _)| r.call == retrying.call) {
            Some(last) => *last = told,
            None => joined.retrying.push(told),
        }
        joined.watchers.iter().for_each(|w| w.retrying(retrying));
    }

    fn settled(&self, call: CallId) {
        let mut joined = self.lock();
        joined.retrying.retain(|(r, _)| r.call != call);
        joined.watchers.iter().for_each(|w| w.settled(call));
    }

    fn unanswered(&self, lasts: Duration) {
        let mut joined = self.lock();
        let out = joined.unanswered.map_or(0, |(out, _)| out);
        joined.unanswered = Some((out + 1, Instant::now() + lasts));
        joined.watchers.iter().for_each(|w| w.unanswered(lasts));
    }

    fn answered(&self) {
        let mut joined = self.lock();
        joined.unanswered = match joined.unanswered {
            Some((out, until)) if out > 1 => Some((out - 1, until)),
            _ => None,
        };
        joined.watchers.iter().for_each(|w| w.answered());
    }
}

/// A watcher that keeps what it hears, for the tests of the work watched.
#[cfg(test)]
pub(crate) mod heard {
    use super::{CallId, Retrying, Watcher};
    use std::sync::Mutex;
    use std::time::Duration;

    /// What a watcher heard, in order.
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub enum Told {
        Retrying(Retrying),
        Settled(CallId),
        Unanswered(Duration),
        Answered,
    }

    #[derive(Default)]
    pub struct Heard(Mutex<Vec<Told>>);

    impl Heard {
        pub fn told(&self) -> Vec<Told> {
            self.0.lock().unwrap().clone()
        }

        /// The call of each time one was told of as going again, and of
        /// each told of as over.
        pub fn calls(&self) -> (Vec<CallId>, Vec<CallId>) {
            let told = self.told();
            let going =
                told.iter().filter_map(|t| if let Told::Retrying(r) = t { Some(r.call) } else { None });
            let over =
                told.iter().filter_map(|t| if let Told::Settled(call) = t { Some(*call) } else { None });
            (going.collect(), over.collect())
        }
    }

    impl Watcher for Heard {
        fn retrying(&self, retrying: &Retrying) {
            self.0.lock().unwrap().push(Told::Retrying(*retrying));
        }

        fn settled(&self, call: CallId) {
            self.0.lock().unwrap().push(Told::Settled(call));
        }

        fn unanswered(&self, lasts: Duration) {
            self.0.lock().unwrap().push(Told::Unanswered(lasts));
        }

        fn answered(&self) {
            self.0.lock().unwrap().push(Told::Answered);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::heard::{Heard, Told};
    use super::*;

    fn retrying(lasts: u64) -> Retrying {
        Retrying {
            call: CallId::next(),
            setback: Setback::Status { status: 503, retry_after: None },
            attempt: 2,
            attempts: 4,
            lasts: Duration::from_secs(lasts),
        }
    }

    #[tokio::test]
    async fn only_the_work_watched_is_heard() {
        let retrying = retrying(30);
        tell(&retrying);
        let heard = Arc::new(Heard::default());
        watched(heard.clone(), async { tell(&retrying) }).await;
        tell(&retrying);
        assert_eq!(heard.told(), [Told::Retrying(retrying)]);
    }

    #[test]
    fn no_two_calls_are_one() {
        assert_ne!(CallId::next(), CallId::next());
    }

    #[tokio::test(start_paused = true)]
    async fn only_an_answer_slower_than_the_threshold_is_told_and_then_its_end() {
        let late = Arc::new(Heard::default());
        let timeout = Duration::from_secs(30);
        let answer = |after| async move {
            tokio::time::sleep(after).await;
            7
        };
        let fast = watched(late.clone(), answer_to(timeout, answer(UNANSWERED_AFTER / 2))).await;
        assert_eq!(fast, 7);
        assert!(late.told().is_empty(), "an answer in time is not told");
        let slow = watched(late.clone(), answer_to(timeout, answer(Duration::from_secs(8)))).await;
        assert_eq!(slow, 7);
        assert_eq!(late.told(), [Told::Unanswered(timeout - UNANSWERED_AFTER), Told::Answered]);
        answer_to(timeout, answer(Duration::from_secs(8))).await;
        assert_eq!(late.told().len(), 2, "work not watched is not told");
    }

    #[tokio::test(start_paused = true)]
    async fn work_waited_on_together_is_told_to_each_that_joins_from_when_it_joins() {
        let joined = Arc::new(Joined::default());
        let (first, second) = (Arc::new(Heard::default()), Arc::new(Heard::default()));
        let retrying = retrying(30);
        watched(first.clone(), async { (joined.join(), joined.join()) }).await;
        watched(joined.clone(), async { tell(&retrying) }).await;
        tokio::time::advance(Duration::from_secs(10)).await;
        watched(second.clone(), async { joined.join() }).await;
        assert_eq!(first.told(), [Told::Retrying(retrying)], "joined twice, told once");
        let late = Retrying { lasts: Duration::from_secs(20), ..retrying };
        assert_eq!(second.told(), [Told::Retrying(late)], "what is left of the wait under way");
        joined.join();
        assert_eq!(joined.lock().watchers.len(), 2, "work not watched does not join");
    }

    /// Each call of the work waited on that goes again is told to a piece
    /// joining while it waits, and its end to every piece told of it.
    #[tokio::test(start_paused = true)]
    async fn each_call_of_work_waited_on_together_ends_on_its_own() {
        let joined = Arc::new(Joined::default());
        let (first, second) = (Arc::new(Heard::default()), Arc::new(Heard::default()));
        let (one, other) = (retrying(30), retrying(40));
        watched(first.clone(), async { joined.join() }).await;
        watched(joined.clone(), async { (tell(&one), tell(&other), settled(one.call)) }).await;
        watched(second.clone(), async { joined.join() }).await;
        watched(joined.clone(), async { settled(other.call) }).await;
        let told = [one, other].map(Told::Retrying);
        let ended = [Told::Settled(one.call), Told::Settled(other.call)];
        assert_eq!(first.told(), [told[0], told[1], ended[0], ended[1]]);
        assert_eq!(second.told(), [told[1], ended[1]], "only the call still waiting when it joined");
    }

    /// A request of the work waited on that is slow to be answered is told
    /// to each piece that joined it, one joining late with what is left of
    /// the request's time, and its answer to each.
    #[tokio::test(start_paused = true)]
    async fn a_slow_answer_to_work_waited_on_together_is_told_to_each_that_joins() {
        let joined = Arc::new(Joined::default());
        let (first, second) = (Arc::new(Heard::default()), Arc::new(Heard::default()));
        let timeout = Duration::from_secs(30);
        watched(first.clone(), async { joined.join() }).await;
        let slow = tokio::spawn(watched(
            joined.clone(),
            answer_to(timeout, tokio::time::sleep(Duration::from_secs(8))),
        ));
        tokio::time::sleep(Duration::from_secs(6)).await;
        watched(second.clone(), async { joined.join() }).await;
        slow.await.unwrap();
        let lasts = timeout - UNANSWERED_AFTER;
        assert_eq!(first.told(), [Told::Unanswered(lasts), Told::Answered]);
        let left = lasts - (Duration::from_secs(6) - UNANSWERED_AFTER);
        assert_eq!(second.told(), [Told::Unanswered(left), Told::Answered], "what is left of its time");
    }
}
