//! Head files: where a journal ended after its last synced batch.
//!
//! A head file beside a journal holds, as one JSON line, what the journal
//! held once a batch was synced: its length, its last line, whatever the
//! journal's owner needs to tell a journal cut at a line boundary from a
//! whole one (such a cut leaves nothing torn for opening to find). It is
//! replaced atomically once a batch is synced (never before), so it never
//! claims more than the journal durably holds; a crash in between leaves the
//! head behind the journal, which is allowed. A journal shorter than its
//! head says was cut.
//!
//! Replacing the file atomically costs two full syncs and a rename, many
//! times the cost of the batch itself, so a [`Keeper`] does it on a thread
//! of its own, a few times a second at most: the writer hands over each new
//! head and goes on to its next batch, and the batches of a busy moment cost
//! one head write, that of the latest.
//!
//! A head that cannot be written leaves the journal's end unprotected: lines
//! cut from it would go unnoticed. The keeper says so ([`Keeper::trouble`])
//! until a write succeeds again, for its owner to act on.

use super::fs::write_atomically;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tokio::sync::Notify;

#[derive(Debug, thiserror::Error)]
pub enum HeadError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{} is not a head file ({detail})", path.display())]
    Unreadable { path: PathBuf, detail: String },
}

/// The head file of the journal at `journal`: `audit.jsonl` → `audit.head`.
pub fn path_for(journal: &Path) -> PathBuf {
    journal.with_extension("head")
}

/// The head, or `None` when there is no head file.
pub fn read<H: DeserializeOwned>(path: &Path) -> Result<Option<H>, HeadError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(HeadError::Io { path: path.to_path_buf(), source }),
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| HeadError::Unreadable { path: path.to_path_buf(), detail: e.to_string() })
}

pub fn write<H: Serialize>(path: &Path, head: &H) -> io::Result<()> {
    let mut line = serde_json::to_vec(head).map_err(io::Error::other)?;
    line.push(b'\n');
    write_atomically(path, &line)
}

/// The shortest time between two head writes: each costs two full syncs and
/// a rename, and a head that lags the journal by this much after a crash is
/// as good as one that lags by a batch.
const SPACING: Duration = Duration::from_millis(100);
/// How long after a failed head write the keeper tries again.
const RETRY: Duration = Duration::from_secs(1);

/// Writes the latest head handed to it, on its own thread, at most once per
/// [`SPACING`]. Dropping it writes the last one before returning, so a
/// closed journal has an exact head.
pub struct Keeper<H> {
    shared: Arc<(Mutex<Slot<H>>, Condvar)>,
    thread: Option<JoinHandle<()>>,
    trouble: Trouble,
}

/// Why a keeper's last head write failed, until one succeeds; cloned for
/// whoever must tell it while the keeper is away with the journal's writer.
#[derive(Clone, Default)]
pub struct Trouble(Arc<Mutex<TroubleState>>);

#[derive(Default)]
struct TroubleState {
    said: Option<String>,
    /// Woken when `said` changes, for a reader that waits on other news.
    wake: Option<Arc<Notify>>,
}

impl Trouble {
    pub fn get(&self) -> Option<String> {
        self.state().said.clone()
    }

    /// Wakes `wake` each time the trouble comes or goes.
    pub fn wake_on_change(&self, wake: Arc<Notify>) {
        self.state().wake = Some(wake);
    }

    fn set(&self, said: Option<String>) {
        let mut state = self.state();
        if state.said != said {
            state.said = said;
            if let Some(wake) = &state.wake {
                wake.notify_one();
            }
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, TroubleState> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

struct Slot<H> {
    next: Option<H>,
    closing: bool,
}

impl<H: Serialize + Send + 'static> Keeper<H> {
    /// Starts the keeper of the head file at `path`; `journal` names the
    /// journal in the thread's name and in the log file (`audit`, `outbox`).
    pub fn spawn(path: PathBuf, journal: &'static str) -> io::Result<Self> {
        let shared = Arc::new((Mutex::new(Slot { next: None, closing: false }), Condvar::new()));
        let trouble = Trouble::default();
        let (theirs, their_trouble) = (Arc::clone(&shared), trouble.clone());
        let thread = std::thread::Builder::new()
            .name(format!("{journal}-head"))
            .spawn(move || keep(&path, journal, &theirs, &their_trouble))?;
        Ok(Self { shared, thread: Some(thread), trouble })
    }

    /// Why the head could not be written last time, unless a later write
    /// succeeded.
    pub fn trouble(&self) -> Option<String> {
        self.trouble.get()
    }

    /// A handle on [`trouble`](Self::trouble) that outlives handing the
    /// keeper over.
    pub fn trouble_handle(&self) -> Trouble {
        self.trouble.clone()
    }

    /// Hands over the head of a synced batch; one not yet written is replaced.
    pub fn update(&self, head: H) {
        let (slot, wake) = &*self.shared;
        slot.lock().unwrap_or_else(PoisonError::into_inner).next = Some(head);
        wake.notify_one();
    }
}

impl<H> Drop for Keeper<H> {
    fn drop(&mut self) {
        let (slot, wake) = &*self.shared;
        slot.lock().unwrap_or_else(PoisonError::into_inner).closing = true;
        wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// What the keeper does next: write a head and carry on, or write the last
/// one (if any) and stop.
enum Turn<H> {
    Write(H),
    Last(Option<H>),
}

fn keep<H: Serialize>(path: &Path, journal: &str, shared: &(Mutex<Slot<H>>, Condvar), trouble: &Trouble) {
    let mut due = Instant::now();
    loop {
        match next_turn(shared, due) {
            Turn::Write(head) => {
                if record(path, journal, &head, trouble) {
                    due = Instant::now() + SPACING;
                } else {
                    // Kept to try again, unless a newer one came: while the
                    // head cannot be written its owner holds changes back,
                    // and the next batch to hand one over may never come.
                    shared.0.lock().unwrap_or_else(PoisonError::into_inner).next.get_or_insert(head);
                    due = Instant::now() + RETRY;
                }
            }
            Turn::Last(head) => {
                if let Some(head) = head {
                    record(path, journal, &head, trouble);
                }
                return;
            }
        }
    }
}

/// Writes `head`, saying whether it could.
/// Writes `head`, saying whether it could. A failure is logged when it
/// comes or changes, not at each try of the second-by-second retry.
fn record<H: Serialize>(path: &Path, journal: &str, head: &H, trouble: &Trouble) -> bool {
    let said = write(path, head).err().map(|e| format!("cannot write {}: {e}", path.display()));
    match &said {
        Some(now) if trouble.get().as_ref() != Some(now) => {
            tracing::warn!("cannot update the {journal} head: {now}")
        }
        Some(now) => tracing::debug!("still cannot update the {journal} head: {now}"),
        None => {}
    }
    let ok = said.is_none();
    trouble.set(said);
    ok
}

/// Waits for a head to write once `due` has come, or for the keeper to close.
fn next_turn<H>((slot, wake): &(Mutex<Slot<H>>, Condvar), due: Instant) -> Turn<H> {
    let mut slot = slot.lock().unwrap_or_else(PoisonError::into_inner);
    loop {
        if slot.closing {
            return Turn::Last(slot.next.take());
        }
        let now = Instant::now();
        if let Some(head) = slot.next.take_if(|_| now >= due) {
            return Turn::Write(head);
        }
        slot = if slot.next.is_some() {
            wake.wait_timeout(slot, due - now).unwrap_or_else(PoisonError::into_inner).0
        } else {
            wake.wait(slot).unwrap_or_else(PoisonError::into_inner)
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A head that could not be written is written once it can be, with
    /// no new batch to hand one over: the trouble that holds changes back
    /// goes by itself.
    #[test]
    fn a_head_that_could_not_be_written_is_tried_again_until_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.head");
        // A directory where the file goes: replacing it fails.
        std::fs::create_dir(&path).unwrap();
        let keeper = Keeper::spawn(path.clone(), "audit").unwrap();
        keeper.update(7_u64);
        let waited = |done: &dyn Fn() -> bool| {
            let deadline = Instant::now() + Duration::from_secs(10);
            while !done() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            done()
        };
        assert!(waited(&|| keeper.trouble().is_some()), "the failure is said");
        std::fs::remove_dir(&path).unwrap();
        assert!(waited(&|| keeper.trouble().is_none()), "{:?}", keeper.trouble());
        assert_eq!(read::<u64>(&path).unwrap(), Some(7));
    }

    #[test]
    fn the_keeper_writes_the_latest_head_and_finishes_it_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.head");
        let keeper = Keeper::spawn(path.clone(), "audit").unwrap();
        for seq in 1..=500_u64 {
            keeper.update(seq);
        }
        drop(keeper);
        assert_eq!(read::<u64>(&path).unwrap(), Some(500), "the last head handed over, whatever came before");
        let idle = Keeper::<u64>::spawn(path.clone(), "audit").unwrap();
        drop(idle);
        assert_eq!(read::<u64>(&path).unwrap(), Some(500), "a keeper given nothing writes nothing");
    }
}
