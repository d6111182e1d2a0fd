//! Who hears, while a call runs, that it is about to go again after a
//! setback: the engine tells the console what a change waits on. A watcher
//! is set around a whole piece of work ([`watched`]) rather than passed with
//! each call, and is asked only when a call goes again, so calls that meet
//! no setback cost nothing more.

use super::retry::Setback;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

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
}
