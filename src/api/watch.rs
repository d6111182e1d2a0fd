//! Who hears, while a call runs, that it is about to go again after a
//! setback, or that its answer is slow to come: the engine tells the
//! console what a change waits on. A watcher is set around a whole piece of
//! work ([`watched`]) rather than passed with each call, and is asked only
//! when a call goes again or its answer is late, so calls that meet no
//! setback cost nothing more.

use super::retry::Setback;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

/// How long a request of watched work goes unanswered before the watcher
/// hears of it. The tenant answers in well under a second when well, so a
/// few seconds of silence is worth telling, while a request merely slower
/// than usual (a long page, a busy moment) is not: a wait told and over a
/// moment later only flickers on the progress line.
pub const UNANSWERED_AFTER: Duration = Duration::from_secs(5);

/// A call about to go again after a setback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retrying {
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

    /// A call that went again has ended, answered or given up on: the wait
    /// told of is over.
    fn settled(&self) {}

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
pub(crate) fn tell(retrying: &Retrying) {
    let _ = WATCHER.try_with(|watcher| watcher.retrying(retrying));
}

/// Tells the watcher of the work under way that a call it heard go again
/// has ended.
pub(crate) fn settled() {
    let _ = WATCHER.try_with(|watcher| watcher.settled());
}

/// Awaits `answer`, the answer to a request that may take `lasts` (its
/// timeout), telling the watcher of the work under way, if there is one,
/// once it has waited [`UNANSWERED_AFTER`], and again when the answer comes.
/// Outside watched work it only awaits; inside, an answer within the time
/// costs a timer, on the stack, and no event.
pub(crate) async fn answer_to<F: Future>(lasts: Duration, answer: F) -> F::Output {
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

/// Tells the watcher, when dropped, that a request told of as unanswered
/// has ended.
struct Answered;

impl Drop for Answered {
    fn drop(&mut self) {
        let _ = WATCHER.try_with(|watcher| watcher.answered());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Heard(Mutex<Vec<Retrying>>);

    impl Watcher for Heard {
        fn retrying(&self, retrying: &Retrying) {
            self.0.lock().unwrap().push(*retrying);
        }
    }

    #[tokio::test]
    async fn only_the_work_watched_is_heard() {
        let retrying = Retrying {
            setback: Setback::Interrupted,
            attempt: 2,
            attempts: 4,
            lasts: Duration::from_secs(30),
        };
        tell(&retrying);
        let heard = Arc::new(Heard::default());
        watched(heard.clone(), async { tell(&retrying) }).await;
        tell(&retrying);
        assert_eq!(*heard.0.lock().unwrap(), [retrying]);
    }

    #[derive(Default)]
    struct Late(Mutex<Vec<Option<Duration>>>);

    impl Watcher for Late {
        fn retrying(&self, _: &Retrying) {}

        fn unanswered(&self, lasts: Duration) {
            self.0.lock().unwrap().push(Some(lasts));
        }

        fn answered(&self) {
            self.0.lock().unwrap().push(None);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn only_an_answer_slower_than_the_threshold_is_told_and_then_its_end() {
        let late = Arc::new(Late::default());
        let timeout = Duration::from_secs(30);
        let answer = |after| async move {
            tokio::time::sleep(after).await;
            7
        };
        let fast = watched(late.clone(), answer_to(timeout, answer(UNANSWERED_AFTER / 2))).await;
        assert_eq!(fast, 7);
        assert!(late.0.lock().unwrap().is_empty(), "an answer in time is not told");
        let slow = watched(late.clone(), answer_to(timeout, answer(Duration::from_secs(8)))).await;
        assert_eq!(slow, 7);
        assert_eq!(*late.0.lock().unwrap(), [Some(timeout - UNANSWERED_AFTER), None]);
        answer_to(timeout, answer(Duration::from_secs(8))).await;
        assert_eq!(late.0.lock().unwrap().len(), 2, "work not watched is not told");
    }
}
