//! The head file: where the log ended after its last synced batch.
//!
//! `audit.head` beside the log holds the last record's seq and hash and the
//! log's length in bytes, as one JSON line. It is replaced atomically once a
//! batch is synced (never before), so it never claims more than the log
//! durably holds; a crash in between leaves the head behind the log, which
//! is allowed. A log shorter than its head says was truncated.
//!
//! Replacing the file atomically costs two full syncs and a rename, many
//! times the cost of the batch itself, so a [`Keeper`] does it on a thread
//! of its own, a few times a second at most: the writer hands over each new
//! head and goes on to its next batch, and the batches of a busy moment cost
//! one head write, that of the latest.
//!
//! A head that cannot be written leaves the log's end unprotected: records
//! cut from it would go unnoticed. The keeper says so ([`Keeper::trouble`])
//! until a write succeeds again, and the log starts no new change meanwhile.

use super::digest::ChainHash;
use crate::engine::journal;
use serde::{Deserialize, Serialize};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Head {
    pub seq: u64,
    pub hash: ChainHash,
    /// The log's length in bytes, up to and including that record's newline.
    pub len: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum HeadError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    // Not rebuilt on its own: a head that no longer reads could be hiding a
    // cut, so a person decides that the log as it stands is to be trusted.
    #[error(
        "{} is not a head file ({detail}), so a cut at the log's end cannot be ruled out and nothing is \
         recorded until it is dealt with; if the log is to be trusted as it stands, move the file aside \
         (mv {0} {0}.unreadable) and it is rebuilt from the log when the console or apply next opens the \
         log (the rebuild is recorded as a repair; audit verify only reads, and reports the head missing \
         until then)",
        path.display()
    )]
    Unreadable { path: PathBuf, detail: String },
}

/// The head file of the log at `log`: `audit.jsonl` → `audit.head`.
pub fn path_for(log: &Path) -> PathBuf {
    log.with_extension("head")
}

/// The head, or `None` when there is no head file.
pub fn read(path: &Path) -> Result<Option<Head>, HeadError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(HeadError::Io { path: path.to_path_buf(), source }),
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| HeadError::Unreadable { path: path.to_path_buf(), detail: e.to_string() })
}

pub fn write(path: &Path, head: &Head) -> io::Result<()> {
    let mut line = serde_json::to_vec(head).map_err(io::Error::other)?;
    line.push(b'\n');
    journal::write_atomically(path, &line)
}

/// The shortest time between two head writes: each costs two full syncs and
/// a rename, and a head that lags the log by this much after a crash is as
/// good as one that lags by a batch.
const SPACING: Duration = Duration::from_millis(100);

/// Writes the latest head handed to it, on its own thread, at most once per
/// [`SPACING`]. Dropping it writes the last one before returning, so a
/// closed log has an exact head.
pub(super) struct Keeper {
    shared: Arc<(Mutex<Slot>, Condvar)>,
    thread: Option<JoinHandle<()>>,
    /// Why the last head write failed, until one succeeds.
    trouble: Arc<Mutex<Option<String>>>,
}

#[derive(Default)]
struct Slot {
    next: Option<Head>,
    closing: bool,
}

impl Keeper {
    pub fn spawn(path: PathBuf) -> io::Result<Self> {
        let shared = Arc::new((Mutex::new(Slot::default()), Condvar::new()));
        let trouble = Arc::new(Mutex::new(None));
        let (theirs, their_trouble) = (Arc::clone(&shared), Arc::clone(&trouble));
        let thread = std::thread::Builder::new()
            .name("audit-head".into())
            .spawn(move || keep(&path, &theirs, &their_trouble))?;
        Ok(Self { shared, thread: Some(thread), trouble })
    }

    /// Why the head could not be written last time, unless a later write
    /// succeeded.
    pub fn trouble(&self) -> Option<String> {
        self.trouble.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Hands over the head of a synced batch; one not yet written is replaced.
    pub fn update(&self, head: Head) {
        let (slot, wake) = &*self.shared;
        slot.lock().unwrap_or_else(PoisonError::into_inner).next = Some(head);
        wake.notify_one();
    }
}

impl Drop for Keeper {
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
enum Turn {
    Write(Head),
    Last(Option<Head>),
}

fn keep(path: &Path, shared: &(Mutex<Slot>, Condvar), trouble: &Mutex<Option<String>>) {
    let mut due = Instant::now();
    loop {
        match next_turn(shared, due) {
            Turn::Write(head) => {
                record(path, &head, trouble);
                due = Instant::now() + SPACING;
            }
            Turn::Last(head) => {
                head.iter().for_each(|head| record(path, head, trouble));
                return;
            }
        }
    }
}

fn record(path: &Path, head: &Head, trouble: &Mutex<Option<String>>) {
    let written = write(path, head);
    if let Err(e) = &written {
        tracing::warn!(path = %path.display(), "cannot update the audit head: {e}");
    }
    *trouble.lock().unwrap_or_else(PoisonError::into_inner) =
        written.err().map(|e| format!("cannot write {}: {e}", path.display()));
}

/// Waits for a head to write once `due` has come, or for the keeper to close.
fn next_turn((slot, wake): &(Mutex<Slot>, Condvar), due: Instant) -> Turn {
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

    fn head(seq: u64) -> Head {
        Head { seq, hash: ChainHash::ZERO, len: seq * 100 }
    }

    #[test]
    fn the_keeper_writes_the_latest_head_and_finishes_it_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.head");
        let keeper = Keeper::spawn(path.clone()).unwrap();
        for seq in 1..=500 {
            keeper.update(head(seq));
        }
        drop(keeper);
        assert_eq!(read(&path).unwrap(), Some(head(500)), "the last head handed over, whatever came before");
        let idle = Keeper::spawn(path.clone()).unwrap();
        drop(idle);
        assert_eq!(read(&path).unwrap(), Some(head(500)), "a keeper given nothing writes nothing");
    }

    #[test]
    fn an_unreadable_head_says_how_to_have_it_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.head");
        std::fs::write(&path, "").unwrap();
        let shown = read(&path).unwrap_err().to_string();
        assert!(shown.contains("is not a head file"), "{shown}");
        let aside = format!("move the file aside (mv {0} {0}.unreadable)", path.display());
        assert!(shown.contains(&aside), "says what to do, not that it was done: {shown}");
    }
}
