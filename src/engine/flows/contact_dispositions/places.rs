//! A batch's places at the tenant: at most so many of its requests out at
//! once, and a contact that has read its contact writes before more
//! contacts are read.
//!
//! Places go in turn, first come first served, but reads queue for them one
//! at a time: a write waits behind at most one read. Without that, under a
//! campaign's pace every contact under way would read before the first one
//! wrote, so writes would go on stale reads, and a cancel would find all of
//! them with their intents recorded, bound to write.

use tokio::sync::{Semaphore, SemaphorePermit};

pub(super) struct Places {
    requests: Semaphore,
    /// Held by the one read queued for a place.
    reader: Semaphore,
}

/// A request's place, given back when dropped.
pub(super) struct Place<'a> {
    /// `None` only were the semaphore closed, which it never is.
    _permit: Option<SemaphorePermit<'a>>,
}

impl Places {
    pub fn new(at_once: usize) -> Self {
        Self { requests: Semaphore::new(at_once), reader: Semaphore::new(1) }
    }

    /// A place for a read, once no other read is ahead of it in the queue.
    pub async fn read(&self) -> Place<'_> {
        let _turn = self.reader.acquire().await;
        self.write().await
    }

    /// A place for a write (or a read again after a conflict), in turn.
    pub async fn write(&self) -> Place<'_> {
        Place { _permit: self.requests.acquire().await.ok() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    /// With the one place taken, two reads and then a write queue for it:
    /// the write goes second, ahead of the read queued before it.
    #[tokio::test(flavor = "current_thread")]
    async fn a_write_waits_behind_at_most_one_read() {
        let places = Arc::new(Places::new(1));
        let order = Arc::new(Mutex::new(Vec::new()));
        let held = places.write().await;
        let mut tasks = Vec::new();
        for (name, read) in [("read 1", true), ("read 2", true), ("write", false)] {
            let (places, order) = (Arc::clone(&places), Arc::clone(&order));
            tasks.push(tokio::spawn(async move {
                let _place = if read { places.read().await } else { places.write().await };
                order.lock().unwrap().push(name);
                tokio::time::sleep(Duration::from_millis(1)).await;
            }));
            tokio::task::yield_now().await;
        }
        drop(held);
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), ["read 1", "write", "read 2"]);
    }
}
